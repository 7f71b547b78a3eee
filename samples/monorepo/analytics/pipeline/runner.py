"""Runs analytics pipelines: a list of named steps on one user's engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from analytics.engine_factory import UnifiedEngineFactory
from analytics.tracking.events import track
from core.legacy.compat import UserEngineV1


class PipelineRunner:
    """Runs steps for one user and tracks each one."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self._engine: UserEngineV1 | None = None

    def engine(self) -> Any:
        """The user's engine; the accelerated one where it is installed."""
        if self._engine is None:
            from core.compat import Engine

            self._engine = Engine(self.user_id).start()
        return self._engine

    def run(self, steps: Iterable[tuple[str, Callable[[], Any]]]) -> list[Any]:
        engine = self.engine()
        results = []
        for name, step in steps:
            results.append(engine.run(name, step))
            track("pipeline.step", user_id=self.user_id, step=name)
        return results


def backfill(user_ids: Iterable[str], step: Callable[[str], Any]) -> dict[str, Any]:
    """Run ``step`` once per user on a fresh read-only engine."""
    results = {}
    for user_id in user_ids:
        engine = UnifiedEngineFactory.make_engine(user_id, context={"read_only": True}).start()
        if not isinstance(engine, UserEngineV1):
            raise TypeError("backfill needs core engines")
        results[user_id] = engine.run("backfill", step, user_id)
    return results
