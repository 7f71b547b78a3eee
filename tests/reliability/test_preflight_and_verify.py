"""Refusals before any diff is computed (issue 10), and --verify: its timeout, what it changed outside
the run, and a verify that removes .migrator. Unexpected errors: exit 5 and a crash log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.reliability.conftest import (
    cli_env,
    copy_tree,
    git,
    make_repo,
    migrator,
    read_trace,
    tree_state,
)


def refused_early(repo: Path, tmp_path: Path, *args: str) -> str:
    """Run ``apply ARGS``: exit 2, one line, and no codemod ran (the trace has no rewrite step)."""
    trace = tmp_path / "trace.txt"
    before = tree_state(repo)
    done = migrator(repo, "apply", ".", *args, env=cli_env(MIGRATOR_TEST_TRACE=str(trace)))
    assert done.code == 2, done
    assert "Traceback" not in done.stderr and "Cmd(" not in done.stderr, done
    [line] = done.stderr.strip().splitlines()
    assert [step for step, _ in read_trace(trace)] == []  # nothing rewritten, nothing journaled
    assert tree_state(repo) == before
    return line


def test_existing_branch(repo: Path, tmp_path: Path) -> None:
    git(repo, "branch", "ssot")
    assert "branch 'ssot' already exists" in refused_early(repo, tmp_path, "--branch", "ssot")


@pytest.mark.parametrize("name", ["@", "refs/heads/x", "@{-1}"])
def test_branch_names_git_would_reinterpret(repo: Path, tmp_path: Path, name: str) -> None:
    git(repo, "branch", "other")
    line = refused_early(repo, tmp_path, "--branch", name)
    assert "not a valid name for a new git branch" in line


def test_dirty_files(repo: Path, tmp_path: Path) -> None:
    (repo / "app" / "mod04.py").write_bytes(b"from legacy.shim import Engine\nEngine()\n")
    line = refused_early(repo, tmp_path)
    assert "uncommitted changes: app/mod04.py" in line


def test_no_git(template_repo: Path, tmp_path: Path) -> None:
    plain = copy_tree(template_repo, tmp_path / "plain")
    shutil.rmtree(plain / ".git")
    assert "--branch needs a git work tree" in refused_early(plain, tmp_path, "--branch", "x")


def test_detached_head_commit(repo: Path, tmp_path: Path) -> None:
    git(repo, "checkout", "-q", "--detach")
    assert "HEAD is detached" in refused_early(repo, tmp_path, "--commit")


def test_detached_head_with_branch_works_and_rolls_back_to_the_detached_commit(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach")
    head = git(repo, "rev-parse", "HEAD")
    before = tree_state(repo)
    assert migrator(repo, "apply", ".", "--branch", "ssot").code == 0
    assert git(repo, "branch", "--show-current").strip() == "ssot"
    assert migrator(repo, "rollback").code == 0
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "branch", "--show-current") == ""
    assert tree_state(repo) == before


def test_missing_verify_executable(repo: Path, tmp_path: Path) -> None:
    line = refused_early(repo, tmp_path, "--verify", "no-such-tool-xyz --fast")
    assert "'no-such-tool-xyz' was not found" in line
    line = refused_early(repo, tmp_path, "--verify", "echo 'unbalanced")
    assert "not a valid shell command" in line


def test_a_git_failure_before_any_write_is_one_line_and_records_no_run(repo: Path) -> None:
    """A stale ref lock makes ``git checkout -b`` fail after the journal was written."""
    (repo / ".git" / "refs" / "heads" / "ssot.lock").write_text("")
    before = tree_state(repo)
    done = migrator(repo, "apply", ".", "--branch", "ssot")
    assert done.code == 2, done
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("migrator: error: git checkout -b ssot failed: "), done
    assert "Cmd(" not in line and "ssot.lock" in line
    assert tree_state(repo) == before
    runs = repo / ".migrator" / "runs"
    assert not runs.exists() or not list(runs.iterdir())  # not recorded as "24 files failed"
    assert git(repo, "branch", "--show-current").strip() == "main"


# -- verify ----------------------------------------------------------------------------------------


def test_verify_timeout_stops_the_whole_group_and_rolls_back(repo: Path) -> None:
    before = tree_state(repo)
    # A verify that starts a background child and hangs: both must be gone afterwards (the helper
    # checks that no process of the run's session is left).
    done = migrator(
        repo, "apply", ".", "--verify", "sleep 300 & sleep 300", "--verify-timeout", "1"
    )
    assert done.code == 3, done
    assert "timed out after 1 s" in done.stderr, done
    assert tree_state(repo) == before
    assert json.loads(migrator(repo, "runs", "--json").stdout)[0]["status"] == "rolled-back"


def test_verify_that_deletes_a_file_outside_the_run_says_so(repo: Path) -> None:
    before = tree_state(repo)
    done = migrator(repo, "apply", ".", "--verify", "rm core/engine.py tools/run.sh; exit 1")
    assert done.code == 3, done
    assert "rolled back (24 files)" in done.stderr, done
    assert "NOT restored: deleted core/engine.py, tools/run.sh" in done.stderr, done
    lost = {"core/engine.py", "tools/run.sh"}
    assert tree_state(repo) == {k: v for k, v in before.items() if k not in lost}


def test_verify_that_removes_the_state_directory(repo: Path) -> None:
    before = tree_state(repo)
    done = migrator(repo, "apply", ".", "--verify", "rm -rf .migrator; exit 1")
    assert done.code == 3, done
    assert "rolled back (24 files)" in done.stderr and "removed .migrator/" in done.stderr, done
    assert tree_state(repo) == before
    assert json.loads(migrator(repo, "runs", "--json").stdout)[0]["status"] == "rolled-back"


def test_git_failure_is_one_clear_line_and_rolled_back(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'policy says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = tree_state(repo)
    done = migrator(repo, "apply", ".", "--branch", "ssot", "--commit")
    assert done.code == 3, done
    assert "Cmd(" not in done.stderr and "policy says no" in done.stderr, done
    assert done.stderr.startswith("migrator: error: git commit failed; every change of run")
    assert tree_state(repo) == before
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert git(repo, "status", "--porcelain") == ""


# -- the last resort -------------------------------------------------------------------------------


def test_an_unexpected_error_exits_5_with_a_crash_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No input is known to crash migrator any more, so the bug is planted in the library."""
    import migrator.applier
    from migrator.cli import app

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a planted bug")

    repo = make_repo(tmp_path / "repo")
    monkeypatch.setattr(migrator.applier, "apply_patches", broken)
    monkeypatch.setenv("MIGRATOR_CRASH_DIR", str(tmp_path))
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, ["--jobs", "1", "apply", "."])
    assert result.exit_code == 5, result.output
    [line] = result.stderr.strip().splitlines()
    assert "internal error (ZeroDivisionError: a planted bug)" in line
    log = Path(line.rsplit("the traceback is in ", 1)[1])
    assert log.parent == tmp_path
    assert "Traceback (most recent call last)" in log.read_text()
    assert "a planted bug" in log.read_text()
