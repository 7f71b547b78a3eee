"""The accounts service's application API (what the HTTP layer calls)."""

from __future__ import annotations

from typing import Any

try:
    from core.engine.user_engine import UserEngine
except ImportError:  # pragma: no cover - 1.x deployments without core.engine
    from core.legacy.engine_shim import UserEngine

from accounts.audit.log import AuditLog
from accounts.models.user import User
from accounts.sessions import SessionManager
from core.db.repository import InMemoryRepository


class UserRepository(InMemoryRepository[User]):
    table = "users"


class AccountsAPI:
    """Registration, login and engine status for the accounts HTTP endpoints."""

    def __init__(self, users: UserRepository | None = None, sessions: SessionManager | None = None) -> None:
        self.users = users if users is not None else UserRepository()
        self.sessions = sessions if sessions is not None else SessionManager()

    def register(self, user_id: str, email: str, account_id: str) -> dict[str, Any]:
        if "@" not in email:
            raise ValueError(f"invalid e-mail address: {email!r}")
        user = User(user_id, email, account_id)
        self.users.add(user_id, user)
        AuditLog().record(user_id, "register", account_id=account_id)
        return {"user_id": user_id, "account_id": account_id}

    def login(self, user_id: str) -> dict[str, Any]:
        user = self.users.get(user_id)
        if user is None:
            raise LookupError(f"unknown user {user_id!r}")
        session = self.sessions.login(user)
        AuditLog().record(user_id, "login", session_id=session.session_id)
        return {"session_id": session.session_id, "engine": session.engine.describe()}

    def engine_status(self, session_id: str) -> dict[str, Any]:
        engine = self.sessions.get(session_id).engine
        if not isinstance(engine, UserEngine):
            raise TypeError(f"session {session_id} has no engine")
        return engine.describe()

    def logout(self, session_id: str) -> None:
        user_id = self.sessions.get(session_id).user_id
        self.sessions.logout(session_id)
        AuditLog().record(user_id, "logout", session_id=session_id)
