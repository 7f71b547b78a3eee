"""Every bad input of issue 11's write side, through the real CLI: one line and the documented exit
code, nothing written outside the repository or under .git, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    Done,
    cli_env,
    git,
    migrator,
    read_trace,
    temp_files,
    tree_state,
)

USES = b"from legacy.shim import Engine\n\nengine = Engine()\n"


def one_line(done: Done, code: int, *needles: str) -> str:
    assert done.code == code, done
    assert "Traceback" not in done.stderr and "Cmd(" not in done.stderr, done
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("warning")]
    assert len(lines) == 1 and lines[0].startswith("migrator: error: "), done
    for needle in needles:
        assert needle in lines[0], done
    return lines[0]


def traced(repo: Path, tmp_path: Path, *args: str) -> tuple[Done, list[str]]:
    trace = tmp_path / "trace.txt"
    done = migrator(repo, *args, env=cli_env(MIGRATOR_TEST_TRACE=str(trace)))
    return done, [step for step, _ in read_trace(trace)]


def run_json(repo: Path) -> tuple[Path, dict[str, object]]:
    [directory] = (repo / ".migrator" / "runs").iterdir()
    return directory / "run.json", json.loads((directory / "run.json").read_text())


# -- config and output paths -----------------------------------------------------------------------


def test_non_utf8_byte_in_the_config(repo: Path) -> None:
    (repo / "migrator.toml").write_bytes(
        b"# r\xe9sum\xe9\n" + (repo / "migrator.toml").read_bytes()
    )
    one_line(migrator(repo, "plan", "."), 2, "migrator.toml:1:4: not UTF-8")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--output", "missing/x.patch"), "does not exist"),
        (("--output", "app"), "is a directory"),
        (("--patch-dir", "migrator.toml"), "is not a directory"),
    ],
    ids=["output-missing-dir", "output-onto-dir", "patch-dir-onto-file"],
)
def test_diff_output_that_cannot_be_written(
    repo: Path, tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    before = tree_state(repo)
    done, steps = traced(repo, tmp_path, "diff", ".", *args)
    one_line(done, 2, needle)
    assert "rewrite.start#1" not in steps  # refused before any diff was computed
    assert tree_state(repo) == before


# -- the state directory and symlinks ---------------------------------------------------------------


@pytest.mark.parametrize("link", [".migrator", ".migrator/runs", ".migrator/.gitignore"])
@pytest.mark.parametrize("command", ["plan", "apply", "runs"])
def test_symlinks_in_the_state_directory_are_refused(
    repo: Path, tmp_path: Path, link: str, command: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "target"  # dangling: nothing may be created there
    (repo / link).parent.mkdir(exist_ok=True)
    (repo / link).symlink_to(target)
    before = tree_state(repo)
    one_line(migrator(repo, command, "."), 2, "is a symbolic link")
    assert list(elsewhere.iterdir()) == []
    assert tree_state(repo) == before


def test_symlink_into_git_is_never_written(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    helper = hooks / "helper.py"
    helper.write_bytes(USES)
    (repo / "app" / "hook.py").symlink_to("../.git/hooks/helper.py")
    git(repo, "add", "app/hook.py")
    git(repo, "commit", "-qm", "link into .git")
    done = migrator(repo, "apply", ".")
    assert done.code == 0, done
    assert helper.read_bytes() == USES
    assert (repo / "app" / "hook.py").is_symlink()
    assert "app/hook.py" in done.stderr and "into .git" in done.stderr, done


def test_symlink_outside_is_skipped_and_left_out_of_the_patch(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_bytes(USES)
    (repo / "app" / "ext.py").symlink_to(outside)
    git(repo, "add", "app/ext.py")
    git(repo, "commit", "-qm", "link outside")
    diff = migrator(repo, "diff", ".")
    assert diff.code == 0 and "app/ext.py" not in diff.stdout, diff
    assert "warning: app/ext.py: a symlink to" in diff.stderr, diff
    (tmp_path / "all.patch").write_text(diff.stdout)
    check = subprocess.run(
        ["git", "apply", "--check", str(tmp_path / "all.patch")], cwd=repo, capture_output=True
    )
    assert check.returncode == 0, check.stderr
    done = migrator(repo, "apply", ".")
    assert done.code == 0, done
    assert outside.read_bytes() == USES
    assert b"core.engine" in (repo / "app" / "mod01.py").read_bytes()  # the rest was applied


def test_in_repo_symlink_alias_rewrites_the_target_once(repo: Path) -> None:
    (repo / "app" / "alias.py").symlink_to("mod01.py")
    git(repo, "add", "app/alias.py")
    git(repo, "commit", "-qm", "alias")
    diff = migrator(repo, "diff", ".")
    assert diff.stdout.count("+++ b/app/mod01.py") == 1 and "app/alias.py" not in diff.stdout
    done = migrator(repo, "apply", ".")
    assert done.code == 0, done
    assert (repo / "app" / "alias.py").is_symlink()
    assert os.readlink(repo / "app" / "alias.py") == "mod01.py"
    assert b"from core.engine import UserEngine" in (repo / "app" / "mod01.py").read_bytes()


# -- the journal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "needle"),
    [
        ("status", 3, "status: expected a string, got 3"),
        ("files", {"x": 1}, "files: expected a list"),
        ("files.0.mode", "rw", "files[0].mode: expected an integer or null, got 'rw'"),
        ("git", [], "git: expected an object"),
    ],
)
def test_hand_edited_run_json_with_a_wrong_type(
    repo: Path, key: str, value: object, needle: str
) -> None:
    assert migrator(repo, "apply", ".").code == 0
    path, data = run_json(repo)
    parts = key.split(".")
    if len(parts) == 3:
        data["files"][int(parts[1])][parts[2]] = value  # type: ignore[index]
    else:
        data[key] = value
    path.write_text(json.dumps(data))
    applied = tree_state(repo)
    one_line(migrator(repo, "rollback"), 2, "run.json: " + needle)
    runs = migrator(repo, "runs")
    assert runs.code == 0 and "unreadable" in runs.stdout, runs
    assert tree_state(repo) == applied


def test_forced_rollback_refuses_a_file_that_became_a_directory(repo: Path) -> None:
    assert migrator(repo, "apply", ".").code == 0
    applied = tree_state(repo)
    (repo / "app" / "mod07.py").unlink()
    (repo / "app" / "mod07.py").mkdir()
    (repo / "app" / "mod07.py" / "keep.txt").write_text("mine")
    one_line(migrator(repo, "rollback", "--force"), 4, "app/mod07.py (now a directory)")
    now = tree_state(repo)
    assert {k: v for k, v in now.items() if not k.startswith("app/mod07.py")} == {
        k: v for k, v in applied.items() if k != "app/mod07.py"
    }  # nothing half-done: no other file was restored
    assert json.loads(migrator(repo, "runs", "--json").stdout)[0]["status"] == "applied"


def test_forced_rollback_saves_what_it_overwrites(repo: Path) -> None:
    before = tree_state(repo)
    assert migrator(repo, "apply", ".").code == 0
    (repo / "app" / "mod02.py").write_bytes(b"my later edit\n")
    refused = migrator(repo, "rollback")
    one_line(refused, 4, "app/mod02.py")
    done = migrator(repo, "rollback", "--force")
    assert done.code == 0, done
    [line] = [line for line in done.stderr.splitlines() if "saved as" in line]
    saved = repo / line.rsplit(" saved as ", 1)[1]
    assert saved.read_bytes() == b"my later edit\n"
    assert saved.is_relative_to(repo / ".migrator" / "runs")
    assert tree_state(repo) == before


def test_rollback_walks_back_through_runs(repo: Path) -> None:
    before = tree_state(repo)
    assert migrator(repo, "apply", ".").code == 0
    middle = tree_state(repo)
    (repo / "core" / "extra.py").write_bytes(USES)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "more to migrate", "--", "core/extra.py")
    middle["core/extra.py"] = tree_state(repo)["core/extra.py"]
    assert migrator(repo, "apply", ".", "--allow-dirty").code == 0
    assert migrator(repo, "rollback").code == 0
    assert tree_state(repo) == middle
    assert migrator(repo, "rollback").code == 0  # the older run, not "already rolled back"
    before["core/extra.py"] = middle["core/extra.py"]
    assert tree_state(repo) == before
    one_line(migrator(repo, "rollback"), 2, "already rolled back")


def test_interrupted_branch_run_returns_to_the_original_branch(repo: Path) -> None:
    before = tree_state(repo)
    env = cli_env(MIGRATOR_TEST_KILL_AT="apply.swapped#5")
    assert migrator(repo, "apply", ".", "--branch", "ssot", env=env).code == -9
    assert git(repo, "branch", "--show-current").strip() == "ssot"
    assert temp_files(repo)  # staged files of the killed run are still there ...
    runs = migrator(repo, "runs", "--json")
    assert temp_files(repo) == []  # ... until the next command
    assert json.loads(runs.stdout)[0]["status"] == "incomplete"
    done = migrator(repo, "rollback")
    assert done.code == 0 and "branch ssot deleted" in done.stderr, done
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert "ssot" not in git(repo, "branch")
    assert tree_state(repo) == before


def test_kill_during_git_commit_is_reconciled(repo: Path, tmp_path: Path) -> None:
    """git finishes the commit after migrator is killed; the next command records it."""
    marker = tmp_path / "hook-started"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f"#!/bin/sh\ntouch {marker}\nsleep 2\n")
    hook.chmod(0o755)
    before = tree_state(repo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrator", "apply", ".", "--branch", "ssot", "--commit"],
        cwd=repo,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            if marker.exists():
                break
            if proc.poll() is not None:
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert marker.exists(), "the commit never started"
        proc.kill()
    finally:
        proc.wait()
    subprocess.run(["sleep", "3"], check=True)  # git, orphaned, finishes its commit
    assert "Migrator-Run:" in git(repo, "log", "-1", "--format=%B")
    runs = json.loads(migrator(repo, "runs", "--json").stdout)
    assert runs[0]["status"] == "applied"
    assert runs[0]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert migrator(repo, "rollback").code == 0  # a revert commit, work tree matching HEAD
    assert tree_state(repo) == before
    assert git(repo, "status", "--porcelain") == ""
