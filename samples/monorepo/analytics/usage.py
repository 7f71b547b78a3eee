"""Usage statistics over engines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import core.engine.user_engine as ue_mod
from analytics.engine_factory import UnifiedEngineFactory
from core.config.settings import Settings as AppSettings


def sample_engine(user_id: str, settings: AppSettings | None = None) -> ue_mod.UserEngine:
    """A read-only engine used to replay a user's recorded tasks."""
    return UnifiedEngineFactory.make_engine(user_id, settings, context={"read_only": True})


def task_counts(engines: Iterable[ue_mod.UserEngine]) -> Counter[str]:
    """How often each task name was run across ``engines``."""
    counts: Counter[str] = Counter()
    for engine in engines:
        if not isinstance(engine, ue_mod.UserEngine):
            raise TypeError(f"not an engine: {engine!r}")
        counts.update(engine.history)
    return counts


def user_label(user: object) -> str:
    """E-mail address for account users, the plain id otherwise."""
    from accounts.models.user import User

    if isinstance(user, User):
        return user.email
    return str(user)
