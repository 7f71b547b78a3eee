"""Gives a 2.x engine the 1.x method names (``execute``, ``shutdown``, ``status``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .engine_shim import UserEngine


class LegacyEngineAdapter:
    """Wraps an engine for plugins written against the 1.x interface."""

    def __init__(self, engine: UserEngine) -> None:
        self._engine = engine

    @classmethod
    def for_user(cls, user_id: str) -> LegacyEngineAdapter:
        return cls(UserEngine(user_id).start())

    @property
    def engine(self) -> UserEngine:
        return self._engine

    def execute(self, name: str, func: Callable[..., Any], *args: Any) -> Any:
        return self._engine.run(name, func, *args)

    def shutdown(self) -> None:
        self._engine.stop()

    def status(self) -> str:
        """1.x returned upper-case state names."""
        return self._engine.state.value.upper()
