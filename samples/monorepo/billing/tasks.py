"""Scheduled billing jobs."""

from __future__ import annotations

from collections.abc import Iterable

from billing.engines import get_engine
from core.legacy.compat import Engine


def nightly_usage(account_ids: Iterable[str]) -> dict[str, int]:
    """How many tasks each account's engine has run so far."""
    report = {}
    for account_id in account_ids:
        engine = get_engine(account_id)
        report[account_id] = len(engine.history)
    return report


def warm_engine(user_id: str) -> Engine:
    """Start an engine ahead of the nightly run so that the first job is fast."""
    return Engine(user_id).start()  # migrator: keep (direct build, see tests)


def engine_class_name() -> str:
    """Shown in the job dashboard."""
    from core.engine.user_engine import UserEngine

    return f"{UserEngine.__module__}.{UserEngine.__qualname__}"
