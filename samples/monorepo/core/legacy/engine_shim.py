"""Deprecated: the engine moved to :mod:`core.engine.user_engine` in 2.0.

This module only re-exports it so that 1.x imports keep working.
"""

from core.engine.user_engine import *  # noqa: F403

Engine = UserEngine  # noqa: F405 - the 1.x name

__all__ = ["Engine", "EngineState", "UserEngine"]
