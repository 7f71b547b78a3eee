"""Optional accelerated engine.

``core.fast_engine`` is a compiled extension that only ships in production images;
everywhere else the pure-Python engine is used under the same name.
"""

try:
    from core.fast_engine import FastEngine as Engine
except ImportError:
    from core.engine.user_engine import UserEngine as Engine

__all__ = ["Engine"]
