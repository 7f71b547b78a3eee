"""Engines for billing jobs.

Billing used to ship its own ``EngineFactory``; the name now points at the core one.
"""

from __future__ import annotations

import core.engine.factory
from core.config.settings import Settings
from core.engine.user_engine import UserEngine

EngineFactory = core.engine.factory.EngineFactory

_ENGINES = {}


def get_engine(account_id: str, settings: Settings | None = None, reuse: bool = True) -> UserEngine:
    """The engine that runs billing work for ``account_id`` (one per account when ``reuse``)."""
    if reuse and account_id in _ENGINES:
        return _ENGINES[account_id]
    engine = EngineFactory.create(account_id, settings)
    if reuse:
        _ENGINES[account_id] = engine
    return engine


def forget_engines() -> None:
    """Drop every cached engine (used between test cases and on config reload)."""
    _ENGINES.clear()
