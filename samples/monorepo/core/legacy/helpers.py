"""1.x helper functions, kept until every caller uses ``EngineFactory`` directly."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from core.engine.factory import EngineFactory
from core.legacy.engine_shim import UserEngine


def create_engine(
    user_id: str,
    user_context: Mapping[str, Any] | None = None,
    legacy_flag: bool = False,
) -> UserEngine:
    """Build an engine the 1.x way.

    ``legacy_flag`` used to select the pre-quota engine; it is accepted and ignored.
    """
    if legacy_flag:
        warnings.warn("legacy_flag has no effect since 2.0", DeprecationWarning, stacklevel=2)
    return EngineFactory.create(user_id, context=user_context)


def is_engine(obj: object) -> bool:
    """1.x spelling of ``isinstance(obj, UserEngine)``."""
    return isinstance(obj, UserEngine)
