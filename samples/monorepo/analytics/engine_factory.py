"""Analytics' own engine factory, written before ``core.engine.factory`` existed.

Analytics engines are read-only: the context always carries ``read_only=True``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.canonical_imports import UserEngine
from core.config.settings import get_settings


class UnifiedEngineFactory:
    """Builds engines for analytics jobs."""

    @staticmethod
    def make_engine(
        user_id: str,
        settings: Any = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> UserEngine:
        merged = {"read_only": True, **(context or {})}
        return UserEngine(user_id, settings if settings is not None else get_settings(), context=merged)

    @staticmethod
    def is_read_only(engine: UserEngine) -> bool:
        return bool(engine.context.get("read_only"))
