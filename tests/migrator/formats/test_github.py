"""GitHub Actions workflow commands: errors per finding, warnings for kept imports, escaping."""

from __future__ import annotations

from migrator.formats.github import command, render_github
from migrator.rules import results
from tests.migrator.formats.conftest import Planned


def test_one_command_per_finding(planned_sample: Planned) -> None:
    report = planned_sample.plan.report
    lines = render_github(report).splitlines()
    errors = [ln for ln in lines if ln.startswith("::error ")]
    warnings = [ln for ln in lines if ln.startswith("::warning ")]
    kept = [r for r in results(report) if r.rule == "kept-import"]
    assert len(errors) == sum(1 for r in results(report) if r.level == "error")
    assert sum("title=migrator kept-import" in w for w in warnings) == len(kept) == 2
    assert lines[-1].startswith("::notice title=migrator::compliance score 44.6/100")
    tasks = [ln for ln in errors if "file=billing/tasks.py,line=8," in ln]
    assert tasks == [
        "::error file=billing/tasks.py,line=8,title=migrator fragmented-import::"
        "`from core.legacy.compat import Engine` imports core.engine.user_engine:UserEngine "
        "through core.legacy.compat:Engine; use `from core.engine.user_engine import UserEngine`"
    ]


def test_unparseable_files_are_warnings(planned_sample: Planned) -> None:
    out = render_github(planned_sample.plan.report)
    assert (
        "::warning file=analytics/exports/csv_export.py,line=9,title=migrator unparseable::" in out
    )


def test_escaping() -> None:
    assert command("error", "50% done\nnext", file="a,b:c.py", line=3, title="t") == (
        "::error file=a%2Cb%3Ac.py,line=3,title=t::50%25 done%0Anext"
    )
