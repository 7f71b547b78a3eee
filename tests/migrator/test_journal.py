"""The run journal: layout, atomic status updates, latest-run lookup, incomplete runs, the lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.errors import MigratorError, RefusedError
from migrator.fsutil import atomic_write
from migrator.journal import RUN_ID_RE, create_run, list_runs, load_run
from migrator.lock import lock_path, run_lock
from migrator.patches import sha256_hex


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_create_records_run_before_files(tmp_path: Path) -> None:
    run = create_run(tmp_path, {"commit": True, "branch": None})
    assert RUN_ID_RE.match(run.id)
    data = json.loads((run.directory / "run.json").read_text())
    assert data["status"] == "pending"
    assert data["options"] == {"commit": True, "branch": None}
    assert data["pid"] == os.getpid()
    assert data["files"] == []
    assert run.directory == tmp_path / ".migrator" / "runs" / run.id
    assert (run.directory / "originals").is_dir()


def test_record_file_keeps_originals(tmp_path: Path) -> None:
    run = create_run(tmp_path, {})
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
    run = create_run(tmp_path, {})
    entry = run.record_file("a.py", original=b"x\n", new_sha256=None, mode=None)
    assert entry.old_sha256 is not None
    (run.directory / "originals" / entry.old_sha256).write_bytes(b"tampered")
    with pytest.raises(MigratorError, match="corrupt"):
        run.original(entry.old_sha256)


def test_status_updates_are_atomic(tmp_path: Path) -> None:
    run = create_run(tmp_path, {})
    run.update(status="applied")
    run.update_git(commit="abc")
    assert sorted(p.name for p in run.directory.iterdir()) == ["originals", "run.json"]
    loaded = load_run(tmp_path, run.id)
    assert loaded.status == "applied"
    assert loaded.commit == "abc"
    run.update(status="failed", error="boom")
    assert load_run(tmp_path).info().error == "boom"


def test_load_latest_and_by_prefix(tmp_path: Path) -> None:
    runs = [create_run(tmp_path, {"n": n}) for n in range(3)]
    assert load_run(tmp_path).id == runs[-1].id
    assert load_run(tmp_path, runs[0].id).record.option("n") == 0
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
    run = create_run(tmp_path, {})
    assert list_runs(tmp_path)[0].status == "pending"  # this process is alive
    data = json.loads((run.directory / "run.json").read_text())
    data["pid"] = _dead_pid()
    (run.directory / "run.json").write_text(json.dumps(data))
    assert list_runs(tmp_path)[0].status == "incomplete"
    assert load_run(tmp_path).status == "incomplete"
    assert load_run(tmp_path).stored_status == "pending"


def test_unreadable_run_is_listed(tmp_path: Path) -> None:
    run = create_run(tmp_path, {})
    (run.directory / "run.json").write_text("{not json")
    [info] = list_runs(tmp_path)
    assert info.status == "unreadable"


def test_state_dir_ignores_itself_in_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    create_run(tmp_path, {})
    create_run(tmp_path, {})
    assert (tmp_path / ".migrator" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not (tmp_path / ".git" / "info" / "exclude").read_text().count(".migrator")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


def test_atomic_write_mode(tmp_path: Path) -> None:
    target = tmp_path / "x.sh"
    atomic_write(target, b"#!/bin/sh\n", mode=0o100755)
    assert target.read_bytes() == b"#!/bin/sh\n"
    assert target.stat().st_mode & 0o777 == 0o755
    assert [p.name for p in tmp_path.iterdir()] == ["x.sh"]


def test_lock_refuses_a_second_holder_and_is_free_again_after(tmp_path: Path) -> None:
    path = lock_path(tmp_path)
    with run_lock(tmp_path):
        assert path.read_text().split()[0] == str(os.getpid())
        with pytest.raises(RefusedError, match=f"process {os.getpid()}"), run_lock(tmp_path):
            pass
    with run_lock(tmp_path):
        pass


def test_lock_is_released_when_its_process_is_killed(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from migrator.lock import run_lock\n"
        "with run_lock(Path(sys.argv[1])):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(RefusedError, match=f"process {holder.pid}"), run_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with run_lock(tmp_path):  # no stale lock to take over: the kernel released it
        pass
