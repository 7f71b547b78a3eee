"""kill -9 at every write step of apply and rollback, and at seeded random moments: after the next
command, the work tree is byte-identical (sha256 and mode of every file), git is clean, no temp file
is left, and no process of the killed run is still alive (pool workers, verify, git).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    Done,
    cli_env,
    copy_tree,
    git,
    migrator,
    read_trace,
    temp_files,
    tree_state,
)

APPLY = ("apply", ".", "--branch", "ssot", "--commit", "--verify", "true")
PLAIN_APPLY = ("apply", ".")

# Each durable step (migrator.faults.checkpoint) an apply with --branch --commit --verify passes.
APPLY_STEPS = [
    "journal.created",
    "journal.recorded",
    "branch.created",
    "apply.synced",
    "verify.done",
    "commit.intended",
    "commit.done",
    "apply.done",
]
ROLLBACK_RESTORE_STEPS = ["rollback.started", "rollback.done"]
ROLLBACK_REVERT_STEPS = ["rollback.started", "revert.intended", "revert.done", "rollback.done"]
# Steps passed once per file or per journal write: killed at the first, middle and last one.
MULTI = ["write.staged", "write.replaced", "apply.staged", "apply.swapped"]
ROLLBACK_MULTI = ["write.staged", "write.replaced", "rollback.staged", "rollback.file"]
WHICH = ["first", "middle", "last"]
RANDOM_APPLY_TRIALS = 20
RANDOM_ROLLBACK_TRIALS = 6


def occurrence(trace: list[str], name: str, which: str) -> str:
    counts = [int(step.split("#")[1]) for step in trace if step.split("#")[0] == name]
    assert counts, f"{name} never reached"
    index = {"first": 0, "middle": len(counts) // 2, "last": -1}[which]
    return f"{name}#{counts[index]}"


def traced(repo: Path, args: tuple[str, ...], trace_path: Path) -> tuple[list[str], float]:
    """Run once with a trace: the steps passed, and how long the run took."""
    start = time.monotonic()
    done = migrator(repo, *args, env=cli_env(MIGRATOR_TEST_TRACE=str(trace_path)))
    assert done.code == 0, done
    return [step for step, _ in read_trace(trace_path)], time.monotonic() - start


@pytest.fixture(scope="module")
def apply_trace(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    work = tmp_path_factory.mktemp("apply-trace")
    steps, _ = traced(copy_tree(template_repo, work / "repo"), APPLY, work / "trace")
    return steps


@pytest.fixture(scope="module")
def applied(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Repositories after a finished apply: plain (restored by rollback) and committed (reverted)."""
    work = tmp_path_factory.mktemp("applied")
    plain = copy_tree(template_repo, work / "plain")
    committed = copy_tree(template_repo, work / "committed")
    assert migrator(plain, *PLAIN_APPLY).code == 0
    assert migrator(committed, *APPLY).code == 0
    return {"plain": plain, "committed": committed}


@pytest.fixture(scope="module")
def rollback_traces(
    applied: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[list[str], float]]:
    work = tmp_path_factory.mktemp("rollback-trace")
    return {
        kind: traced(copy_tree(repo, work / kind), ("rollback",), work / f"{kind}.trace")
        for kind, repo in applied.items()
    }


def recover_and_check(repo: Path, before: dict[str, tuple[str, int]], killed: Done) -> None:
    """The next command (a rollback) reconciles and undoes; the tree is as before the apply."""
    undo = migrator(repo, "rollback")
    nothing_to_undo = ("no migrator runs" in undo.stderr) or ("already rolled back" in undo.stderr)
    assert undo.code == 0 or (undo.code == 2 and nothing_to_undo), f"{killed}\n---\n{undo}"
    assert tree_state(repo) == before, f"{killed}\n---\n{undo}"
    assert temp_files(repo) == []
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    branch = git(repo, "branch", "--show-current").strip()
    if branch != "main":  # the run had committed: it is undone by a revert on its branch
        assert branch == "ssot"
        assert git(repo, "log", "-1", "--format=%s").startswith('Revert "migrator:')
    runs = migrator(repo, "runs", "--json")
    assert '"pending"' not in runs.stdout and '"incomplete"' not in runs.stdout, runs


@pytest.mark.slow
@pytest.mark.parametrize(
    "point",
    [(name, "first") for name in ["rewrite.start", *APPLY_STEPS]]
    + [(name, which) for name in MULTI for which in WHICH],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def test_kill_apply_at_each_step(
    repo: Path, apply_trace: list[str], point: tuple[str, str]
) -> None:
    before = tree_state(repo)
    step = occurrence(apply_trace, *point) if point[0] != "rewrite.start" else "rewrite.start#1"
    killed = migrator(repo, *APPLY, env=cli_env(MIGRATOR_TEST_KILL_AT=step))
    assert killed.code == -9, killed
    recover_and_check(repo, before, killed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(RANDOM_APPLY_TRIALS))
def test_kill_apply_at_a_random_moment(repo: Path, seed: int) -> None:
    before = tree_state(repo)
    moment = random.Random(seed).uniform(0.2, 4.0)
    killed = migrator(repo, *APPLY, kill_after=moment)
    assert killed.code in (-9, 0), killed  # 0: it finished before the kill
    recover_and_check(repo, before, killed)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "name", "which"),
    [("plain", name, "first") for name in ROLLBACK_RESTORE_STEPS]
    + [("plain", name, which) for name in ROLLBACK_MULTI for which in WHICH]
    + [("committed", name, "first") for name in ROLLBACK_REVERT_STEPS],
)
def test_kill_rollback_at_each_step(
    template_repo: Path,
    applied: dict[str, Path],
    rollback_traces: dict[str, tuple[list[str], float]],
    tmp_path: Path,
    kind: str,
    name: str,
    which: str,
) -> None:
    before = tree_state(template_repo)
    repo = copy_tree(applied[kind], tmp_path / "repo")
    step = occurrence(rollback_traces[kind][0], name, which)
    killed = migrator(repo, "rollback", env=cli_env(MIGRATOR_TEST_KILL_AT=step))
    assert killed.code == -9, killed
    recover_and_check(repo, before, killed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(RANDOM_ROLLBACK_TRIALS))
def test_kill_rollback_at_a_random_moment(
    template_repo: Path,
    applied: dict[str, Path],
    rollback_traces: dict[str, tuple[list[str], float]],
    tmp_path: Path,
    seed: int,
) -> None:
    kind = "committed" if seed % 2 else "plain"
    before = tree_state(template_repo)
    repo = copy_tree(applied[kind], tmp_path / "repo")
    moment = random.Random(seed).uniform(0.1, rollback_traces[kind][1])
    killed = migrator(repo, "rollback", kill_after=moment)
    assert killed.code in (-9, 0), killed
    recover_and_check(repo, before, killed)
