"""The ratchet baseline: stable file, old findings tolerated, new ones and worse metrics caught,
updates that only tighten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.errors import MigratorError
from migrator.findings import Report
from migrator.planner import PlanOptions, make_plan
from migrator.ratchet import compare, load_baseline, make_baseline, render, update, write_baseline
from tests.treeutil import write_tree

REPO = {
    "migrator.toml": """
        services = ["billing", "accounts"]
        shared = ["core"]
        [[symbols]]
        canonical = "core.engine:UserEngine"
        """,
    "core/__init__.py": "",
    "core/engine.py": "class UserEngine:\n    pass\n",
    "core/compat.py": "from core.engine import UserEngine\nEngine = UserEngine\n",
    "billing/__init__.py": "",
    "billing/a.py": "from core.compat import Engine\nprint(Engine)\n",
    "billing/b.py": "from core.engine import UserEngine as UE\nprint(UE)\n",
    "billing/c.py": "from core.engine import UserEngine\nprint(UserEngine)\n",
    "accounts/__init__.py": "",
    "accounts/x.py": "from billing.a import Engine\nprint(Engine)\n",
}


def plan(root: Path) -> Report:
    return make_plan(root, options=PlanOptions(jobs=1, use_cache=False)).report


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_tree(tmp_path, REPO)


def test_baseline_file_is_sorted_one_finding_per_line_and_round_trips(repo: Path) -> None:
    base = make_baseline(plan(repo))
    text = base.dumps()
    doc = json.loads(text)
    assert list(doc) == ["schema_version", "tool", "metrics", "files"]
    assert list(doc["metrics"]) == sorted(doc["metrics"])
    assert (
        list(doc["files"])
        == sorted(doc["files"])
        == [
            "accounts/x.py",
            "billing/a.py",
            "billing/b.py",
        ]
    )
    assert doc["files"]["billing/a.py"] == ["fragmented-import: from core.compat import Engine"]
    assert '    "fragmented-import: from core.compat import Engine"\n' in text
    assert doc["metrics"]["imports_fragmented"] == 3
    assert doc["metrics"]["imports_fragmented[core.engine:UserEngine]"] == 3
    write_baseline(repo / "b.json", base)
    assert load_baseline(repo / "b.json") == base
    assert (repo / "b.json").read_text() == text
    assert make_baseline(plan(repo)).dumps() == text  # stable from run to run


def test_unchanged_and_moved_code_passes(repo: Path) -> None:
    base = make_baseline(plan(repo))
    (repo / "billing/a.py").write_text(
        "# moved down\n\n\nfrom core.compat import Engine\nprint(Engine)\n"
    )
    result = compare(base, plan(repo))
    assert result.ok, render(result)
    assert render(result).startswith("ratchet: nothing worse")


def test_new_finding_in_a_file_fails_even_when_totals_are_equal(repo: Path) -> None:
    base = make_baseline(plan(repo))
    # Fix one file, break another: the totals stay the same, the new finding is still new.
    (repo / "billing/b.py").write_text("from core.engine import UserEngine\nprint(UserEngine)\n")
    (repo / "billing/c.py").write_text(
        "from core.engine import UserEngine\nfrom core.compat import Engine\nprint(UserEngine, Engine)\n"
    )
    result = compare(base, plan(repo))
    assert not result.ok
    assert [m.name for m in result.worse_metrics] == []
    assert [(r.path, r.entry, r.before, r.now, r.lines) for r in result.regressions] == [
        ("billing/c.py", "fragmented-import: from core.compat import Engine", 0, 1, (2,))
    ]
    assert result.fixed == (
        ("billing/b.py", "fragmented-import: from core.engine import UserEngine as UE", 1),
    )
    text = render(result)
    assert "1 file(s) with new findings:\n  billing/c.py\n" in text
    assert "+1 fragmented-import: from core.compat import Engine  (line 2; baseline 0)" in text


def test_worse_metric_fails(repo: Path) -> None:
    base = make_baseline(plan(repo))
    (repo / "billing/d.py").write_text("from core.compat import Engine\nprint(Engine)\n")
    result = compare(base, plan(repo))
    worse = {m.name: (m.before, m.now) for m in result.worse_metrics}
    assert worse["imports_fragmented"] == (3, 4)
    assert worse["compliance_score"][1] < worse["compliance_score"][0]
    assert "imports_fragmented: 3 -> 4" in render(result)
    assert json.loads(json.dumps(result.to_json()))["ok"] is False


def test_update_only_tightens_unless_allowed(repo: Path) -> None:
    base = make_baseline(plan(repo))
    (repo / "billing/a.py").write_text("from core.engine import UserEngine\nprint(UserEngine)\n")
    (repo / "billing/d.py").write_text("from core.compat import Engine\nprint(Engine)\n")
    report = plan(repo)
    up = update(base, report)
    files = dict(up.baseline.files)
    assert "billing/a.py" not in files  # the fixed file is dropped
    assert "billing/d.py" not in files  # the new finding is not accepted
    assert up.kept == (
        "billing/d.py: fragmented-import: from core.compat import Engine (0, now 1)",
    )
    assert compare(up.baseline, report).regressions  # still caught after the update
    loose = update(base, report, allow_worse=True)
    assert loose.kept == () and loose.baseline == make_baseline(report)
    assert compare(loose.baseline, report).ok


def test_update_keeps_a_worse_metric(repo: Path) -> None:
    base = make_baseline(plan(repo))
    (repo / "billing/c.py").write_text("from core.engine import UserEngine as U\nprint(U)\n")
    up = update(base, plan(repo))
    assert up.baseline.metric_map()["imports_fragmented"] == 3
    assert any(k.startswith("imports_fragmented: 3 (now 4)") for k in up.kept)


def test_bad_baseline_files(tmp_path: Path) -> None:
    with pytest.raises(MigratorError, match="no baseline; create one with `migrator baseline`"):
        load_baseline(tmp_path / "missing.json")
    (tmp_path / "b.json").write_text("{\n  nope")
    with pytest.raises(MigratorError, match=r"b.json:2: not a JSON baseline"):
        load_baseline(tmp_path / "b.json")
    (tmp_path / "b.json").write_text('{"schema_version": 1, "metrics": {"a": "x"}, "files": {}}')
    with pytest.raises(MigratorError, match="metrics: expected an object of numbers"):
        load_baseline(tmp_path / "b.json")
