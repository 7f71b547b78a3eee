"""The engine package.

New code imports from :mod:`core.engine.user_engine` and :mod:`core.engine.factory`
directly; the names below are re-exported for older call sites.
"""

from core.engine.factory import EngineFactory
from core.engine.user_engine import EngineState, UserEngine

__all__ = ["EngineFactory", "EngineState", "UserEngine"]
