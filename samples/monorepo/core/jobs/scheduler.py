"""Deferred tasks per engine, run in time order when they are due."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.utils.clock import utcnow

from ..engine.user_engine import UserEngine


@dataclass(order=True)
class Job:
    run_at: dt.datetime
    sequence: int
    name: str = field(compare=False)
    func: Callable[[], Any] = field(compare=False)
    engine: UserEngine = field(compare=False)


class Scheduler:
    """A priority queue of jobs; ``run_due`` runs every job whose time has come."""

    def __init__(self, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self._clock = clock
        self._jobs: list[Job] = []
        self._sequence = itertools.count()

    def schedule(
        self, engine: UserEngine, name: str, func: Callable[[], Any], delay_seconds: float = 0.0
    ) -> Job:
        if not isinstance(engine, UserEngine):
            raise TypeError("jobs run on engines")
        run_at = self._clock() + dt.timedelta(seconds=delay_seconds)
        job = Job(run_at, next(self._sequence), name, func, engine)
        heapq.heappush(self._jobs, job)
        return job

    def run_due(self) -> list[Any]:
        now = self._clock()
        results = []
        while self._jobs and self._jobs[0].run_at <= now:
            job = heapq.heappop(self._jobs)
            results.append(job.engine.run(job.name, job.func))
        return results

    def __len__(self) -> int:
        return len(self._jobs)
