"""The process-wide, append-only audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.utils.clock import utcnow


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    action: str
    details: dict[str, Any] = field(default_factory=dict)
    at: Any = field(default_factory=utcnow)


class AuditLog:
    """``AuditLog()`` always returns the same log."""

    _instance = None

    def __new__(cls) -> AuditLog:
        if cls._instance is None:
            instance = super().__new__(cls)
            instance._entries = []
            cls._instance = instance
        return cls._instance

    @classmethod
    def reset(cls) -> None:
        cls._instance = None

    def record(self, actor: str, action: str, **details: Any) -> AuditEntry:
        entry = AuditEntry(actor, action, dict(details))
        self._entries.append(entry)
        return entry

    def record_engine(self, actor: str, engine: Any) -> AuditEntry:
        """Record an engine snapshot; only real engines are accepted."""
        from core.engine.user_engine import UserEngine as Engine

        if not isinstance(engine, Engine):
            raise TypeError("record_engine needs an engine")
        return self.record(actor, "engine", **engine.describe())

    def entries(self, actor: str | None = None) -> list[AuditEntry]:
        return [e for e in self._entries if actor is None or e.actor == actor]
