"""History: metrics per commit from git objects, equal to planning a checkout of each commit."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from migrator.errors import MigratorError
from migrator.history import history
from migrator.metrics import headline
from migrator.planner import PlanOptions, make_plan
from tests.treeutil import git_init, write_tree

BASE = {
    "migrator.toml": """
        [[symbols]]
        canonical = "core.engine:UserEngine"
        """,
    "core/__init__.py": "",
    "core/engine.py": "class UserEngine:\n    pass\n",
    "core/compat.py": "from core.engine import UserEngine\nEngine = UserEngine\n",
    "app/__init__.py": "",
    "app/a.py": "from core.compat import Engine\nprint(Engine)\n",
    "app/b.py": "from core.engine import UserEngine as UE\nprint(UE)\n",
    "app/c.py": "from core.compat import Engine\nprint(Engine)\n",
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def commit(root: Path, files: dict[str, str], message: str) -> None:
    write_tree(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    # The first commit predates the canonical module: the configuration does not apply there.
    write_tree(root, {"README.md": "hello\n", "app/__init__.py": ""})
    git_init(root)
    commit(root, BASE, "add engine and users")
    commit(root, {"app/a.py": "from core.engine import UserEngine\nprint(UserEngine)\n"}, "fix a")
    commit(root, {"app/c.py": "from core.engine import UserEngine\nprint(UserEngine)\n"}, "fix c")
    commit(root, {"docs.txt": "no python\n"}, "docs")
    return root


def test_metrics_per_commit_oldest_first(repo: Path) -> None:
    h = history(repo, use_cache=False, jobs=1)
    assert [p.commit.subject for p in h.points] == [
        "initial",
        "add engine and users",
        "fix a",
        "fix c",
        "docs",
    ]
    first = h.points[0]
    assert first.metrics == () and first.error is not None
    assert "core.engine:UserEngine" in first.error
    assert [p.metric("imports_fragmented") for p in h.points[1:]] == [3, 2, 1, 1]
    assert [p.metric("canonical_usage_pct") for p in h.points[1:]] == [0.0, 33.3, 66.7, 66.7]


def test_each_commit_equals_a_plan_of_its_checkout(repo: Path, tmp_path: Path) -> None:
    h = history(repo, use_cache=False, jobs=1)
    for p in h.points[1:]:
        checkout = tmp_path / f"co-{p.commit.short}"
        git(repo, "worktree", "add", "-q", "--detach", str(checkout), p.commit.sha)
        plan = make_plan(checkout, options=PlanOptions(jobs=1, use_cache=False))
        assert dict(p.metrics) == headline(plan.report), p.commit.subject
        git(repo, "worktree", "remove", "--force", str(checkout))


def test_nothing_is_checked_out_and_the_work_tree_is_untouched(repo: Path) -> None:
    (repo / "app/b.py").write_text("# local edit\n")
    head = git(repo, "rev-parse", "HEAD")
    status = git(repo, "status", "--porcelain")
    h = history(repo, jobs=1)
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == status
    # The work tree's local edit does not leak into the last commit's numbers.
    assert h.points[-1].metric("imports_fragmented") == 1


def test_second_run_comes_from_the_cache_and_agrees(repo: Path) -> None:
    cold = history(repo, jobs=1)
    assert cold.from_cache == 0
    warm = history(repo, jobs=1)
    assert warm.from_cache == len(warm.points) == 5
    assert [p.metrics for p in warm.points] == [p.metrics for p in cold.points]
    assert [p.error for p in warm.points] == [p.error for p in cold.points]
    # A new commit costs one plan; the others stay cached.
    commit(repo, {"app/d.py": "from core.compat import Engine\nprint(Engine)\n"}, "regress")
    more = history(repo, jobs=1)
    assert more.from_cache == 5
    assert more.points[-1].metric("imports_fragmented") == 2


def test_commit_selection_and_formats(repo: Path) -> None:
    h = history(repo, max_count=2, use_cache=False, jobs=1)
    assert [p.commit.subject for p in h.points] == ["fix c", "docs"]
    h2 = history(repo, ref="HEAD~2", max_count=1, use_cache=False, jobs=1)
    assert [p.commit.subject for p in h2.points] == ["fix a"]
    assert history(repo, since="2090-01-01", use_cache=False).points == ()
    rows = list(csv.DictReader(io.StringIO(h.to_csv())))
    assert [r["imports_fragmented"] for r in rows] == ["1", "1"]
    assert rows[0]["commit"] == h.points[0].commit.sha
    doc = h.to_json()
    assert doc["commits"][1]["metrics"]["imports_fragmented[core.engine:UserEngine]"] == 1


def test_a_subdirectory_root_sees_only_its_files(repo: Path, tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    git_init(write_tree(mono, {"other/x.py": "x = 1\n"}))
    shutil.copytree(repo, mono / "svc", ignore=shutil.ignore_patterns(".git"))
    git(mono, "add", "-A")
    git(mono, "commit", "-q", "-m", "add svc")
    h = history(mono / "svc", use_cache=False, jobs=1)
    assert h.points[-1].metric("imports_fragmented") == 1
    assert h.points[-1].metric("files_scanned") == 7


def test_bad_ref_is_one_clear_error(repo: Path) -> None:
    with pytest.raises(MigratorError, match=r"git log: fatal: .*nope"):
        history(repo, ref="nope")
