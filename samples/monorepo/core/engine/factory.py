"""The one factory for :class:`~core.engine.user_engine.UserEngine`."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from core.config.settings import Settings, get_settings
from core.engine.user_engine import UserEngine


class EngineFactory:
    """Builds engines with the process settings and validates them when asked to."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    @classmethod
    def create(
        cls,
        user_id: str,
        settings: Settings | None = None,
        *,
        context: Mapping[str, Any] | None = None,
        strict: bool = False,
    ) -> UserEngine:
        """Build a new (not yet started) engine for ``user_id``."""
        settings = settings if settings is not None else get_settings()
        engine = UserEngine(user_id, settings, context=context)
        if strict or settings.strict_engines:
            cls.validate(engine)
        return engine

    @staticmethod
    def validate(engine: UserEngine) -> None:
        """Reject engines that could never run a task."""
        if engine.quota.limit <= 0:
            raise ValueError(f"engine for {engine.user_id} has no task quota")

    def for_user(self, user_id: str, *, context: Mapping[str, Any] | None = None) -> UserEngine:
        """Like :meth:`create`, with this factory's settings."""
        return self.create(user_id, self.settings, context=context)


@functools.lru_cache(maxsize=None)
def get_engine_factory() -> EngineFactory:
    """The process-wide factory, bound to the process settings."""
    return EngineFactory(get_settings())
