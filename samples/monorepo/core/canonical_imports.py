"""One-stop imports for application code.

Kept for modules written before the 2.0 layout; prefer the defining modules.
"""

from core.config.settings import Settings
from core.engine.factory import EngineFactory
from core.engine.user_engine import UserEngine

__all__ = ["EngineFactory", "Settings", "UserEngine"]
