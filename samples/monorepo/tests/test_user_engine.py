from core.engine.quota import QuotaExceeded
from core.engine.user_engine import EngineState, UserEngine
from core.config.settings import get_settings
from tests.support import raises


def test_engine_lifecycle():
    engine = UserEngine("u-1")
    assert engine.state is EngineState.CREATED
    assert engine.start() is engine
    assert engine.running
    engine.stop()
    assert engine.state is EngineState.STOPPED
    with raises(RuntimeError, "was stopped"):
        engine.start()


def test_run_records_history_and_charges_quota():
    engine = UserEngine("u-1", get_settings().with_overrides(max_tasks_per_engine=2)).start()
    assert engine.run("add", lambda a, b: a + b, 2, 3) == 5
    assert engine.run("upper", str.upper, "x") == "X"
    assert engine.history == ["add", "upper"]
    with raises(QuotaExceeded):
        engine.run("one-too-many", lambda: None)


def test_run_requires_running_engine():
    with raises(RuntimeError, "not running"):
        UserEngine("u-2").run("noop", lambda: None)


def test_empty_user_id_is_rejected():
    with raises(ValueError):
        UserEngine("")


def test_describe_is_a_snapshot():
    engine = UserEngine("u-3", context={"plan": "team"}).start()
    snapshot = engine.describe()
    engine.context["plan"] = "business"
    assert snapshot == {
        "user_id": "u-3",
        "state": "running",
        "tasks_run": 0,
        "quota_remaining": 100,
        "context": {"plan": "team"},
    }
