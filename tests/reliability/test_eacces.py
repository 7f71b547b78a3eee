"""EACCES on files and directories. CI runs as root, whom permissions do not stop, so there the CLI
runs without root's file-permission capabilities (``setpriv`` drops CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH and CAP_FOWNER from its bounding set), against obstacles owned by ``nobody``:
permission checks apply to it exactly as to an unprivileged user. As anyone else, it runs as that user
against obstacles made with chmod."""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

import pytest

from tests.reliability.conftest import TEMPLATE, Done, git, migrator, temp_files, tree_state

AS_ROOT = os.geteuid() == 0
DROP_PRIVILEGES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]

pytestmark = pytest.mark.skipif(
    AS_ROOT and shutil.which("setpriv") is None, reason="as root, needs setpriv to drop privileges"
)


def run_unprivileged(repo: Path, *args: str) -> Done:
    return migrator(repo, *args, prefix=DROP_PRIVILEGES if AS_ROOT else ())


def obstacle(path: Path, mode: int) -> None:
    """Make ``path`` belong to someone else (as root) and give it ``mode``."""
    if AS_ROOT:
        os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    path.chmod(mode)


def one_line(done: Done, *needles: str) -> None:
    assert "Traceback" not in done.stderr, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("migrator: error: "), done
    for needle in needles:
        assert needle in lines[0], done


def no_runs(repo: Path) -> bool:
    runs = repo / ".migrator" / "runs"
    return not runs.is_dir() or not list(runs.iterdir())


def test_unwritable_directory_of_a_file_to_change(repo: Path) -> None:
    before = tree_state(repo)
    obstacle(repo / "app", 0o555)
    try:
        done = run_unprivileged(repo, "apply", ".")
    finally:
        (repo / "app").chmod(0o755)
    assert done.code == 2, done
    one_line(done, "Permission denied", "nothing was written")
    assert tree_state(repo) == before
    assert no_runs(repo) and temp_files(repo) == []


def test_unwritable_state_directory(repo: Path) -> None:
    (repo / ".migrator").mkdir()
    obstacle(repo / ".migrator", 0o555)
    before = tree_state(repo)
    try:
        done = run_unprivileged(repo, "apply", ".")
    finally:
        (repo / ".migrator").chmod(0o755)
    assert done.code == 2, done
    one_line(done, "Permission denied")
    assert tree_state(repo) == before


def test_unreadable_file_is_skipped_and_the_rest_applies(repo: Path) -> None:
    before = tree_state(repo)
    secret = repo / "app" / "mod03.py"
    obstacle(secret, 0o000)
    try:
        done = run_unprivileged(repo, "apply", ".")
        assert done.code == 0, done
        assert "Traceback" not in done.stderr and "app/mod03.py" in done.stderr, done
        undo = run_unprivileged(repo, "rollback")
        assert undo.code == 0, undo
    finally:
        secret.chmod(0o644)
    assert secret.read_bytes() == TEMPLATE["app/mod03.py"]
    assert {k: v for k, v in tree_state(repo).items()} == before
    assert git(repo, "status", "--porcelain") == ""
