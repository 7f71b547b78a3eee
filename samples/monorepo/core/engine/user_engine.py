"""The per-user task engine.

This module is the single home of :class:`UserEngine`. Build engines with
:meth:`core.engine.factory.EngineFactory.create`; the old locations under
``core.legacy`` only re-export this class.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from core.config.settings import Settings
from core.engine.quota import QuotaPolicy

__all__ = ["EngineState", "UserEngine"]

T = TypeVar("T")


class EngineState(enum.Enum):
    """Lifecycle of an engine: created, then running, then stopped for good."""

    CREATED = "created"
    RUNNING = "running"
    STOPPED = "stopped"


class UserEngine:
    """Runs named tasks on behalf of one user, within that user's quota."""

    def __init__(
        self,
        user_id: str,
        settings: Settings | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        if not user_id:
            raise ValueError("user_id must not be empty")
        self.user_id = user_id
        self.settings = settings if settings is not None else Settings()
        self.context: dict[str, Any] = dict(context or {})
        self.state = EngineState.CREATED
        self.quota = QuotaPolicy(self.settings.max_tasks_per_engine)
        self.history: list[str] = []

    @property
    def running(self) -> bool:
        return self.state is EngineState.RUNNING

    def start(self) -> UserEngine:
        """Start the engine (idempotent) and return it, so calls can be chained."""
        if self.state is EngineState.STOPPED:
            raise RuntimeError(f"engine for {self.user_id} was stopped; create a new one")
        self.state = EngineState.RUNNING
        return self

    def stop(self) -> None:
        self.state = EngineState.STOPPED

    def run(self, task_name: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func`` as the task ``task_name``, charging one unit of quota."""
        if not self.running:
            raise RuntimeError(f"engine for {self.user_id} is not running")
        self.quota.consume(1)
        self.history.append(task_name)
        return func(*args, **kwargs)

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly snapshot, as shown by the accounts API."""
        return {
            "user_id": self.user_id,
            "state": self.state.value,
            "tasks_run": len(self.history),
            "quota_remaining": self.quota.remaining,
            "context": dict(self.context),
        }

    def __repr__(self) -> str:
        return f"UserEngine(user_id={self.user_id!r}, state={self.state.value})"
