"""The canonical factory and the three factories that duplicate it."""

from accounts.engine_factory import AccountsEngineFactory
from analytics.engine_factory import UnifiedEngineFactory
from billing.engines import EngineFactory as BillingEngineFactory
from core.config.settings import Settings
from core.engine.factory import EngineFactory, get_engine_factory
from core.engine.user_engine import UserEngine
from tests.support import raises


def test_create_builds_unstarted_engine_with_context():
    engine = EngineFactory.create("u-1", Settings(), context={"plan": "team"})
    assert isinstance(engine, UserEngine)
    assert engine.context == {"plan": "team"}
    assert not engine.running


def test_strict_validation_rejects_zero_quota():
    with raises(ValueError, "no task quota"):
        EngineFactory.create("u-1", Settings(max_tasks_per_engine=0), strict=True)


def test_cached_factory_is_shared():
    assert get_engine_factory() is get_engine_factory()
    assert get_engine_factory().for_user("u-2").user_id == "u-2"


def test_billing_factory_is_the_core_factory():
    assert BillingEngineFactory is EngineFactory
    assert BillingEngineFactory.create("u-7").user_id == "u-7"


def test_accounts_factory_wraps_the_core_factory():
    assert issubclass(AccountsEngineFactory, EngineFactory)
    engine = AccountsEngineFactory.build("u-3", context={"plan": "free"})  # migrator: keep
    assert engine.context == {"origin": "accounts", "plan": "free"}


def test_unified_factory_builds_read_only_engines():
    engine = UnifiedEngineFactory.make_engine("u-4", Settings(max_tasks_per_engine=5))  # migrator: keep
    assert isinstance(engine, UserEngine)
    assert UnifiedEngineFactory.is_read_only(engine)
    assert engine.quota.limit == 5
