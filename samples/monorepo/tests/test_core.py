import datetime as dt

from core.config.loader import load_settings, parse_settings_text
from core.config.settings import get_settings
from core.db.pool import PoolExhausted, create_engine, get_pool
from core.db.repository import InMemoryRepository
from core.engine.factory import EngineFactory
from core.events.bus import EventBus
from core.events.handlers import STARTED, publish_started
from core.jobs.scheduler import Scheduler
from core.plugins import engine_class, register, registered, unregister
from core.utils.cache import TTLCache, memo_size, memoize
from core.utils.clock import billing_period
from tests.support import raises


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("APP_MAX_TASKS_PER_ENGINE", "7")
    monkeypatch.setenv("APP_STRICT_ENGINES", "yes")
    settings = get_settings()
    assert settings.max_tasks_per_engine == 7 and settings.strict_engines is True
    assert get_settings() is settings


def test_settings_file(tmp_path):
    path = tmp_path / "app.conf"
    path.write_text("# overrides\nmax_tasks_per_engine = 3\nenvironment = staging\n", encoding="utf-8")
    settings = load_settings(path)
    assert (settings.max_tasks_per_engine, settings.environment) == (3, "staging")
    with raises(ValueError, "line 1"):
        parse_settings_text("no equals sign")
    path.write_text("colour = blue\n", encoding="utf-8")
    with raises(ValueError, "unknown settings: colour"):
        load_settings(path)


def test_pool_singleton_and_limits():
    assert get_pool() is get_pool()
    pool = create_engine("sqlite://", size=1)
    conn = pool.acquire()
    assert conn.execute("select 1").fetchone() == (1,)
    with raises(PoolExhausted):
        pool.acquire()
    pool.release(conn)
    pool.close()


def test_repositories_share_one_table_store():
    class Users(InMemoryRepository):
        table = "users"

    Users().add("u-1", {"name": "Ada"})
    assert Users().get("u-1") == {"name": "Ada"}
    with raises(KeyError, "duplicate key"):
        Users().add("u-1", {})
    assert len(InMemoryRepository()) == 0


def test_event_bus_singleton_and_default_handlers():
    bus = EventBus()
    assert EventBus() is bus
    bus.install_default_handlers()
    received = []
    bus.subscribe(STARTED, received.append)
    engine = EngineFactory.create("u-1").start()
    assert publish_started(engine) == 2
    assert received == [{"user_id": "u-1", "state": "running", "tasks": 0}]


def test_scheduler_runs_due_jobs_in_order():
    now = dt.datetime(2024, 1, 31, 12, tzinfo=dt.timezone.utc)
    scheduler = Scheduler(clock=lambda: now)
    engine = EngineFactory.create("u-1").start()
    scheduler.schedule(engine, "later", lambda: "later", delay_seconds=60)
    scheduler.schedule(engine, "now", lambda: "now")
    assert scheduler.run_due() == ["now"]
    assert len(scheduler) == 1 and engine.history == ["now"]


def test_plugins_resolve_engine_classes():
    from core.engine.user_engine import UserEngine

    assert engine_class() is UserEngine
    assert engine_class("core.engine.user_engine.UserEngine") is UserEngine
    with raises(TypeError, "not an engine class"):
        engine_class("analytics.reporting.engine.UserEngine")
    register("default", UserEngine)
    assert registered() == {"default": UserEngine}
    assert engine_class("default") is UserEngine
    unregister("default")
    assert registered() == {}


def test_ttl_cache_and_memoize():
    ticks = iter([0.0, 1.0, 20.0])
    cache = TTLCache("rates", ttl=10, clock=lambda: next(ticks))
    cache.set("EUR", 1.08)
    assert cache.get("EUR") == 1.08
    assert cache.get("EUR", "expired") == "expired"

    calls = []

    @memoize
    def square(x):
        calls.append(x)
        return x * x

    assert square(4) == square(4) == 16
    assert calls == [4] and memo_size() == 1


def test_billing_period_wraps_the_year():
    start, end = billing_period(dt.datetime(2023, 12, 15, 8, 30, tzinfo=dt.timezone.utc))
    assert (start.month, end.year, end.month) == (12, 2024, 1)
