"""One migrator run at a time per repository: an OS lock on ``.migrator/lock`` (through filelock).

The kernel releases the lock when its process ends, however it ends (``kill -9`` included), so there is
no stale lock to take over. The file also names the holder (pid and host) for the refusal message.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import filelock

from migrator.errors import MigratorError, RefusedError
from migrator.fsutil import os_error_text
from migrator.state import STATE_DIR, ensure_state_dir, state_dir

LOCK_NAME = "lock"


def lock_path(root: Path) -> Path:
    return state_dir(root) / LOCK_NAME


def _holder(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            text = os.read(fd, 256).decode("utf-8", "replace")
        finally:
            os.close(fd)
    except OSError:
        return "another process"
    fields = text.split()
    if not fields or not fields[0].isdigit():
        return "another process"
    holder = f"process {fields[0]}"
    if len(fields) > 1 and fields[1] != socket.gethostname():
        holder += f" on {fields[1]}"
    return holder


def _record_holder(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        finally:
            os.close(fd)


@contextlib.contextmanager
def run_lock(root: Path) -> Iterator[Path]:
    """Hold ``<root>/.migrator/lock`` for the block; RefusedError when another process holds it."""
    ensure_state_dir(root)
    path = lock_path(root)
    lock = filelock.FileLock(path, timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise RefusedError(
            f"another migrator run ({_holder(path)}) holds the lock {path}; wait for it to finish"
        ) from None
    except OSError as exc:
        raise MigratorError(f"cannot lock {STATE_DIR}: {os_error_text(exc)}") from None
    try:
        _record_holder(path)
        yield path
    finally:
        lock.release()
