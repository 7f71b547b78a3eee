"""Summaries of core engines, rendered with the report engine."""

from __future__ import annotations

from analytics.reporting import UserEngine
from core.engine.user_engine import UserEngine as CoreEngine


def engine_metrics(engine: CoreEngine) -> dict[str, float]:
    if not isinstance(engine, CoreEngine):
        raise TypeError("engine_metrics needs a core engine")
    return {
        "tasks_run": float(len(engine.history)),
        "quota_remaining": float(engine.quota.remaining),
    }


def engine_summary(engine: CoreEngine) -> str:
    return UserEngine(engine.user_id, engine_metrics(engine), title="Engine summary").render()
