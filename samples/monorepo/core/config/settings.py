"""Application settings: one immutable object, read once from the environment."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["Settings", "get_settings"]

ENV_PREFIX = "APP_"


@dataclasses.dataclass(frozen=True)
class Settings:
    """Runtime configuration shared by every service."""

    environment: str = "development"
    max_tasks_per_engine: int = 100
    default_currency: str = "USD"
    strict_engines: bool = False
    database_url: str = "sqlite://:memory:"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``APP_*`` variables, e.g. ``APP_MAX_TASKS_PER_ENGINE=50``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + field.name.upper())
            if raw is not None:
                values[field.name] = _coerce(raw, field.default)
        return cls(**values)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields replaced; unknown names raise ``TypeError``."""
        return dataclasses.replace(self, **changes)


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    return raw


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings.from_env()
