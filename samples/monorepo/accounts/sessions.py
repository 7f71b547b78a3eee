"""Login sessions: each session owns a running engine for its user."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from accounts.engine_factory import AccountsEngineFactory
from accounts.engines import AccountEngine
from accounts.models.user import User
from core.canonical_imports import Settings
from core.utils.clock import utcnow


@dataclass
class Session:
    session_id: str
    user_id: str
    engine: AccountEngine
    started_at: dt.datetime


class SessionManager:
    """Creates, looks up and ends sessions."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        self._sessions: dict[str, Session] = {}

    def login(self, user: User) -> Session:
        engine = AccountsEngineFactory.build(user.user_id, self.settings, context={"email": user.email})
        session = Session(uuid.uuid4().hex, user.user_id, engine.start(), utcnow())
        self._sessions[session.session_id] = session
        return session

    def restore(self, user_id: str) -> AccountEngine:
        """Re-attach to a user's engine after a restart (the 1.x code path)."""
        return AccountEngine(user_id, self.settings).start()  # migrator: keep (1.x path, see tests)

    def get(self, session_id: str) -> Session:
        try:
            return self._sessions[session_id]
        except KeyError:
            raise KeyError(f"no session {session_id!r}") from None

    def logout(self, session_id: str) -> None:
        session = self._sessions.pop(session_id, None)
        if session is not None:
            session.engine.stop()

    def active(self) -> list[Session]:
        return sorted(self._sessions.values(), key=lambda s: s.started_at)
