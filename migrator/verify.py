"""The ``--verify`` command: run in its own process group, with a timeout, and what else it changed.

On timeout (or Ctrl-C) the whole process group is stopped, so a test runner's workers do not outlive
it. Before and after the command, a cheap picture of the work tree tells which files outside the run
the command changed or deleted: a rollback can only restore the run's own files, and says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from migrator import gitops
from migrator.state import STATE_DIR

DEFAULT_TIMEOUT = 30 * 60.0
_GRACE_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class VerifyOutcome:
    command: str
    exit_code: int | None  # None when it was stopped on timeout
    timed_out: bool
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the command's process group, then SIGKILL what is left after a grace period."""
    for sig, wait in ((signal.SIGTERM, _GRACE_SECONDS), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None and not _group_alive(proc.pid):
                return
            time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def run_verify(command: str, cwd: Path, timeout: float | None = DEFAULT_TIMEOUT) -> VerifyOutcome:
    """Run ``command`` with ``sh -c`` in ``cwd``; stdin closed, stdout and stderr captured together."""
    start = time.monotonic()
    proc = subprocess.Popen(
        command,
        shell=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, to stop it whole
    )
    timed_out = False
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _stop_group(proc)
        try:
            output, _ = proc.communicate(timeout=_GRACE_SECONDS)
        except subprocess.TimeoutExpired:  # a process that left the group still holds the pipe
            if proc.stdout is not None:
                proc.stdout.close()
            proc.wait()
            output = b""
    except BaseException:
        _stop_group(proc)
        with contextlib.suppress(Exception):
            proc.communicate(timeout=_GRACE_SECONDS)
        raise
    finally:
        if _group_alive(proc.pid):  # background processes the command left running
            _stop_group(proc)
    return VerifyOutcome(
        command=command,
        exit_code=None if timed_out else proc.returncode,
        timed_out=timed_out,
        output=output.decode("utf-8", errors="replace"),
        seconds=time.monotonic() - start,
    )


# -- what else the command changed -----------------------------------------------------------------

_Stamp = tuple[int, int, int] | None  # (size, mtime_ns, mode), None: missing
_SKIP_DIRS = {".git", STATE_DIR, "__pycache__"}


def _stamp(path: Path) -> _Stamp:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_mode


@dataclass(frozen=True, slots=True)
class TreePicture:
    """Stamps of the files that could change unseen: in git, every file ``git status`` lists (with its
    status code; a clean tracked file that changes shows up there afterwards); outside git, every file
    but caches."""

    stamps: dict[str, tuple[str, _Stamp]]  # root-relative path -> (status code, stamp)
    in_git: bool


def picture(root: Path) -> TreePicture:
    repo = gitops.open_repo(root)
    if repo is None:
        stamps: dict[str, tuple[str, _Stamp]] = {}
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.endswith("_cache")]
            for name in filenames:
                if name.endswith((".pyc", ".migrator-tmp")):
                    continue
                full = Path(dirpath) / name
                stamps[full.relative_to(root).as_posix()] = ("", _stamp(full))
        return TreePicture(stamps, in_git=False)
    try:
        top = gitops.work_tree(repo)
        codes = gitops.status_codes(repo)
    finally:
        repo.close()
    prefix = "" if top == root else root.relative_to(top).as_posix() + "/"
    return TreePicture(
        {
            path[len(prefix) :]: (code, _stamp(top / path))
            for path, code in codes.items()
            if path.startswith(prefix)
        },
        in_git=True,
    )


def changed_outside(
    root: Path, before: TreePicture, after: TreePicture, run_paths: Collection[str]
) -> tuple[list[str], list[str]]:
    """(deleted, modified) files outside ``run_paths`` between two pictures, sorted. New files are
    not listed (a test run creates many, and nothing of the user's was lost with them)."""
    clean = ("", (0, 0, 0))  # in git: not listed by status, so as committed (or ignored)
    deleted: list[str] = []
    modified: list[str] = []
    for path in sorted(before.stamps.keys() | after.stamps.keys()):
        if path in run_paths or path.endswith(".migrator-tmp"):
            continue
        old_code, old = before.stamps.get(path, clean if before.in_git else ("", None))
        if path in after.stamps:
            new_code, new = after.stamps[path]
        else:  # outside git: gone; in git: clean now, or gone
            new_code, new = "", _stamp(root / path)
        if (old_code, old) == (new_code, new):
            continue
        if new is None:
            if old is not None:
                deleted.append(path)
        elif old is not None and new_code != "??":
            modified.append(path)
    return deleted, modified
