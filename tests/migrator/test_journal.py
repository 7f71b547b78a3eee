"""The run journal: layout, atomic status updates, latest-run lookup, incomplete runs, the lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.errors import MigratorError, RefusedError
from migrator.journal import (
    RUN_ID_RE,
    Journal,
    atomic_write,
    list_runs,
    load_run,
    lock_path,
    run_lock,
)
from migrator.patches import sha256_hex


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_create_records_run_before_files(tmp_path: Path) -> None:
    run = Journal.create(tmp_path, {"commit": True, "branch": None})
    assert RUN_ID_RE.match(run.id)
    data = json.loads((run.directory / "run.json").read_text())
    assert data["status"] == "pending"
    assert data["options"] == {"commit": True, "branch": None}
    assert data["pid"] == os.getpid()
    assert data["files"] == []
    assert run.directory == tmp_path / ".migrator" / "runs" / run.id
    assert (run.directory / "originals").is_dir()


def test_record_file_keeps_originals(tmp_path: Path) -> None:
    run = Journal.create(tmp_path, {})
    original = b"\xef\xbb\xbfx = 1\r\n"
    run.record_file("a.py", original=original, new_sha256=sha256_hex(b"y"), mode=0o100755)
    run.record_file("gone.py", original=b"old\n", new_sha256=None, mode=0o100644, save=False)
    run.record_file(
        "new/n.py", original=None, new_sha256=sha256_hex(b"n"), mode=None, created_dirs=["new"]
    )
    blob = run.directory / "originals" / sha256_hex(original)
    assert blob.read_bytes() == original
    assert run.original(sha256_hex(original)) == original
    loaded = load_run(tmp_path, run.id)
    kinds = {entry.path: entry.kind for entry in loaded.files}
    assert kinds == {"a.py": "modify", "gone.py": "delete", "new/n.py": "create"}
    first = loaded.files[0]
    assert (first.old_sha256, first.mode) == (sha256_hex(original), 0o100755)
    assert loaded.files[2].created_dirs == ("new",)


def test_corrupt_original_is_detected(tmp_path: Path) -> None:
    run = Journal.create(tmp_path, {})
    entry = run.record_file("a.py", original=b"x\n", new_sha256=None, mode=None)
    assert entry.old_sha256 is not None
    (run.directory / "originals" / entry.old_sha256).write_bytes(b"tampered")
    with pytest.raises(MigratorError, match="corrupt"):
        run.original(entry.old_sha256)


def test_status_updates_are_atomic(tmp_path: Path) -> None:
    run = Journal.create(tmp_path, {})
    run.set_status("applied")
    run.set_git(commit="abc")
    assert sorted(p.name for p in run.directory.iterdir()) == ["originals", "run.json"]
    loaded = load_run(tmp_path, run.id)
    assert loaded.status == "applied"
    assert loaded.commit == "abc"
    run.set_status("failed", error="boom")
    assert load_run(tmp_path).info().error == "boom"


def test_load_latest_and_by_prefix(tmp_path: Path) -> None:
    runs = [Journal.create(tmp_path, {"n": n}) for n in range(3)]
    assert load_run(tmp_path).id == runs[-1].id
    assert load_run(tmp_path, runs[0].id).options == {"n": 0}
    assert [info.id for info in list_runs(tmp_path)] == [run.id for run in runs]
    with pytest.raises(RefusedError, match="no run"):
        load_run(tmp_path, "19990101T000000-000000")
    with pytest.raises(RefusedError, match="not a run id"):
        load_run(tmp_path, "../etc")


def test_no_runs(tmp_path: Path) -> None:
    assert list_runs(tmp_path) == []
    with pytest.raises(RefusedError, match="no migrator runs"):
        load_run(tmp_path)


def test_pending_run_of_dead_process_is_incomplete(tmp_path: Path) -> None:
    run = Journal.create(tmp_path, {})
    assert list_runs(tmp_path)[0].status == "pending"  # this process is alive
    data = json.loads((run.directory / "run.json").read_text())
    data["pid"] = _dead_pid()
    (run.directory / "run.json").write_text(json.dumps(data))
    assert list_runs(tmp_path)[0].status == "incomplete"
    assert load_run(tmp_path).status == "incomplete"
    assert load_run(tmp_path).stored_status == "pending"


def test_unreadable_run_is_listed(tmp_path: Path) -> None:
    run = Journal.create(tmp_path, {})
    (run.directory / "run.json").write_text("{not json")
    [info] = list_runs(tmp_path)
    assert info.status == "unreadable"


def test_git_exclude_added_once(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    Journal.create(tmp_path, {})
    Journal.create(tmp_path, {})
    exclude = (tmp_path / ".git" / "info" / "exclude").read_text()
    assert exclude.count(".migrator/") == 1
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


def test_atomic_write_mode(tmp_path: Path) -> None:
    target = tmp_path / "x.sh"
    atomic_write(target, b"#!/bin/sh\n", mode=0o100755)
    assert target.read_bytes() == b"#!/bin/sh\n"
    assert target.stat().st_mode & 0o777 == 0o755
    assert [p.name for p in tmp_path.iterdir()] == ["x.sh"]


def test_lock_refuses_live_pid_and_takes_over_stale(tmp_path: Path) -> None:
    path = lock_path(tmp_path)
    with run_lock(tmp_path):
        assert path.read_text().split("\n")[0] == str(os.getpid())
        with pytest.raises(RefusedError, match=str(path)), run_lock(tmp_path):
            pass
    assert not path.exists()
    path.write_text(f"{_dead_pid()}\n")
    with run_lock(tmp_path):
        assert path.read_text().split("\n")[0] == str(os.getpid())
    assert not path.exists()


def test_lock_of_live_other_process(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        path = lock_path(tmp_path)
        path.parent.mkdir(parents=True)
        path.write_text(f"{sleeper.pid}\n")
        with pytest.raises(RefusedError, match=f"process {sleeper.pid}"), run_lock(tmp_path):
            pass
        assert path.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
