"""1.x names for the engine, kept while services migrate."""

import core.engine.user_engine as _user_engine
from core.engine.user_engine import UserEngine

Engine = UserEngine
UserEngineV1 = _user_engine.UserEngine

__all__ = ["Engine", "UserEngine", "UserEngineV1"]
