from decimal import Decimal

from accounts.models import User
from analytics.pipeline.runner import PipelineRunner, backfill
from analytics.reporting.dashboards import build_dashboard, leaderboard
from analytics.reporting.engine import UserEngine as ReportEngine
from analytics.reporting.summaries import engine_summary
from analytics.revenue import account_revenue, top_accounts, total_revenue
from analytics.tracking import events
from analytics.tracking.metrics import MetricsRegistry
from analytics.tracking.sessions import live_engines, session_length
from analytics.usage import sample_engine, task_counts, user_label
from billing.invoicing.invoice import Invoice
from billing.invoicing.ledger import Ledger
from core.engine.user_engine import UserEngine
from tests.support import raises


def test_report_engine_is_not_the_core_engine():
    assert ReportEngine is not UserEngine
    report = ReportEngine("u-1", {"logins": 3, "exports": 7})
    assert report.top(1) == [("exports", 7)]
    assert report.render().splitlines()[0] == "Usage report for u-1"


def test_dashboards_and_leaderboard():
    metrics = {"u-1": {"logins": 3}, "u-2": {"logins": 5}, "u-3": {}}
    assert set(build_dashboard(metrics)) == {"u-1", "u-2", "u-3"}
    assert leaderboard(metrics, "logins", n=2) == ["u-2", "u-1"]


def test_engine_summary_renders_core_engine():
    engine = UserEngine("u-1").start()
    engine.run("a", lambda: None)
    summary = engine_summary(engine)
    assert summary.startswith("Engine summary for u-1")
    assert "tasks_run: 1" in summary
    with raises(TypeError):
        engine_summary(ReportEngine("u-1", {}))


def test_usage_counts_tasks():
    first = sample_engine("u-1").start()
    second = sample_engine("u-2").start()
    first.run("export", lambda: None)
    second.run("export", lambda: None)
    second.run("login", lambda: None)
    assert task_counts([first, second]) == {"export": 2, "login": 1}
    assert first.context == {"read_only": True}
    assert user_label(User("u-1", "ada@example.com", "acct-1")) == "ada@example.com"
    assert user_label("u-2") == "u-2"


def test_revenue_from_ledger():
    ledger = Ledger()
    for account_id, currency, amount in [("a", "USD", "10"), ("a", "EUR", "10"), ("b", "USD", "5")]:
        invoice = Invoice(f"{account_id}{currency}", account_id, currency)
        invoice.add_line("seats", 1, Decimal(amount))
        invoice.issued = True
        ledger.post(invoice)
    assert account_revenue(ledger, "a") == Decimal("20.80")
    assert total_revenue(ledger, ["a", "b"]) == Decimal("25.80")
    assert top_accounts(ledger, ["b", "a"], n=1) == [("a", Decimal("20.80"))]


def test_events_buffer_and_flush():
    events.track("signup", plan="team")
    events.track("login")
    assert events.pending() == 2
    batch = events.flush()
    assert [e["event"] for e in batch] == ["signup", "login"]
    assert events.pending() == 0


def test_metrics_registry_is_a_singleton():
    MetricsRegistry().incr("logins")
    assert MetricsRegistry().value("logins") == 1
    engine = UserEngine("u-5").start()
    engine.run("a", lambda: None)
    MetricsRegistry().observe_engine(engine)
    assert MetricsRegistry().snapshot() == {"logins": 1, "engine.tasks.u-5": 1}


def test_session_analytics():
    running = UserEngine("u-1").start()
    stopped = UserEngine("u-2").start()
    stopped.stop()
    running.run("a", lambda: None)
    assert session_length(running) == 1
    assert live_engines([running, stopped, "not an engine"]) == [running]


def test_pipeline_runner_and_backfill():
    runner = PipelineRunner("u-1")
    assert runner.run([("one", lambda: 1), ("two", lambda: 2)]) == [1, 2]
    assert runner.engine().history == ["one", "two"]
    assert [e["properties"]["step"] for e in events.flush()] == ["one", "two"]
    assert backfill(["u-1", "u-2"], str.upper) == {"u-1": "U-1", "u-2": "U-2"}
