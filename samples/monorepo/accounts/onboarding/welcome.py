"""First-run tasks for a new account, executed on the owner's engine."""

from __future__ import annotations

from accounts.engine_factory import AccountsEngineFactory
from accounts.models.account import Account
from core.legacy.helpers import create_engine

from ..engines import AccountEngine

WELCOME_TASKS = ("create-workspace", "import-sample-data", "send-welcome-mail")


def welcome_plan(account: Account) -> list[str]:
    """The onboarding steps for ``account``; paid plans skip the sample data."""
    if account.plan == "free":
        return list(WELCOME_TASKS)
    return [task for task in WELCOME_TASKS if task != "import-sample-data"]


def run_onboarding(account: Account) -> AccountEngine:
    engine = AccountsEngineFactory.build(account.owner_id, context={"onboarding": True})
    engine.start()
    for task in welcome_plan(account):
        engine.run(task, lambda: None)
    return engine


def trial_engine(account: Account) -> AccountEngine:
    """The engine for a trial account (still built through the 1.x helper)."""
    return create_engine(account.owner_id, user_context={"trial": True, "plan": account.plan})
