"""The accounts service's engine factory.

Historically accounts built its own engines; it now subclasses the core factory and
only adds an ``origin`` key to the engine context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.config.settings import get_settings
from core.engine.factory import EngineFactory
from core.engine.user_engine import UserEngine as CoreEngine


class AccountsEngineFactory(EngineFactory):
    """Same engines as :class:`EngineFactory`, tagged with where they were built."""

    origin = "accounts"

    @classmethod
    def build(
        cls,
        user_id: str,
        settings: Any = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> CoreEngine:
        merged = {"origin": cls.origin, **(context or {})}
        return cls.create(user_id, settings if settings is not None else get_settings(), context=merged)
