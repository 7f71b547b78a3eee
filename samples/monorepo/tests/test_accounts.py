from unittest import mock

from accounts.api import AccountsAPI
from accounts.audit.log import AuditLog
from accounts.engines import AccountEngine
from accounts.models import Account, User
from accounts.notifications import Notifier
from accounts.onboarding.welcome import run_onboarding, trial_engine, welcome_plan
from accounts.permissions import PermissionRegistry, engine_permissions, has_permission, restore, revoke
from accounts.sessions import SessionManager
from tests.support import raises


def test_register_login_logout_is_audited():
    api = AccountsAPI()
    api.register("u-1", "ada@example.com", "acct-1")
    result = api.login("u-1")
    assert result["engine"]["state"] == "running"
    assert result["engine"]["context"]["email"] == "ada@example.com"
    status = api.engine_status(result["session_id"])
    assert status["user_id"] == "u-1"
    api.logout(result["session_id"])
    assert [e.action for e in AuditLog().entries("u-1")] == ["register", "login", "logout"]


def test_login_of_unknown_user():
    with raises(LookupError, "unknown user"):
        AccountsAPI().login("nobody")


def test_audit_log_is_a_singleton():
    assert AuditLog() is AuditLog()
    AuditLog().record("u-1", "ping")
    assert len(AuditLog().entries()) == 1


def test_sessions_hold_account_engines():
    sessions = SessionManager()
    session = sessions.login(User("u-2", "bob@example.com", "acct-1"))
    assert isinstance(session.engine, AccountEngine)
    assert sessions.active() == [session]


def test_restore_builds_engine_directly():
    with mock.patch("accounts.sessions.AccountEngine") as fake:
        engine = SessionManager().restore("u-3")
    fake.assert_called_once()
    assert engine is fake.return_value.start.return_value


def test_models_reference_each_other():
    account = Account("acct-9", "Initech", owner_id="u-9")
    member = account.new_member("u-10", "peter@example.com")
    assert member.account({"acct-9": account}) is account
    assert account.is_member("u-10") and account.member_ids[0] == "u-9"


def test_permissions_roles_grants_and_revocations():
    user = User("u-4", "eve@example.com", "acct-1", roles=("viewer",))
    assert not has_permission(user, "pay")
    PermissionRegistry.grant("u-4", "pay")
    assert has_permission(user, "pay")
    revoke("u-4", "pay")
    assert not has_permission(user, "pay")
    restore("u-4", "pay")
    assert has_permission(user, "pay")


def test_onboarding_runs_the_welcome_plan():
    account = Account("acct-2", "Hooli", owner_id="u-5", plan="team")
    engine = run_onboarding(account)
    assert engine.history == welcome_plan(account) == ["create-workspace", "send-welcome-mail"]
    assert engine.context["onboarding"] is True
    assert engine_permissions(engine) == frozenset({"read", "write"})


def test_trial_engine_uses_the_legacy_helper():
    engine = trial_engine(Account("acct-3", "Pied Piper", owner_id="u-6"))
    assert engine.context == {"trial": True, "plan": "free"}


def test_notifications_for_ready_engines():
    notifier = Notifier()
    engine = SessionManager().restore("u-7")
    message = notifier.engine_ready(engine, "u7@example.com")
    assert "prêt" in message.subject
    assert notifier.drain() == [message]
    assert notifier.outbox == []
