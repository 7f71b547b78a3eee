"""Process-wide counters."""

from __future__ import annotations

from collections import Counter

import core.engine
from core.utils.patterns import singleton


@singleton
class MetricsRegistry:
    """Named counters for the whole process; ``MetricsRegistry()`` is always the same object."""

    def __init__(self) -> None:
        self._counters: Counter[str] = Counter()

    def incr(self, name: str, by: int = 1) -> int:
        self._counters[name] += by
        return self._counters[name]

    def value(self, name: str) -> int:
        return self._counters[name]

    def snapshot(self) -> dict[str, int]:
        return dict(self._counters)

    def observe_engine(self, engine: core.engine.UserEngine) -> None:
        """Count the tasks an engine has run, per user."""
        if not isinstance(engine, core.engine.UserEngine):
            raise TypeError("observe_engine needs an engine")
        self.incr(f"engine.tasks.{engine.user_id}", len(engine.history))
