"""Durable, symlink-safe file writes: the one implementation the journal, the applier and the cache use.

Every write creates a new file with ``O_CREAT | O_EXCL | O_NOFOLLOW`` (so a planted symlink is never
followed), fsyncs it, and then renames it over its target (``rename`` replaces a symlink itself, never
what it points to). Directories are fsynced after renames that must survive a power cut.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from migrator.faults import checkpoint

TEMP_SUFFIX = ".migrator-tmp"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def fsync_dir(directory: Path | str) -> None:
    """Make a rename or unlink in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY | _DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_durable(
    path: Path | str, data: bytes, mode: int | None = None, *, durable: bool = True
) -> None:
    """Create ``path`` (it must not exist; a symlink is not followed), write, chmod and fsync it.

    ``mode`` (permission bits of an st_mode) is applied to the new file; without it a new file gets the
    usual ``0o666 & ~umask``. ``durable=False`` skips the fsync (for caches). On any failure the
    partial file is removed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if mode is not None:
                os.fchmod(fd, mode & 0o7777)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def temp_name(target: Path | str, tag: str | None = None) -> str:
    """A hidden sibling of ``target`` for staging its new bytes: ``.<name>.<tag>.migrator-tmp``.

    A tag that names a run lets a later command find and remove what an interrupted run left behind.
    """
    directory, name = os.path.split(os.fspath(target))
    if len(name.encode("utf-8", "surrogateescape")) > 160:  # stay under NAME_MAX with the additions
        name = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    tag = tag or secrets.token_hex(4)
    return os.path.join(directory, f".{name}.{tag}{TEMP_SUFFIX}")


def atomic_write(
    path: Path | str,
    data: bytes,
    mode: int | None = None,
    *,
    sync_dir: bool = True,
    durable: bool = True,
) -> None:
    """Write ``data`` to ``path`` atomically: a temp file in the same directory, fsync, rename.

    With ``sync_dir=False`` the caller fsyncs the directory later (once for many files); with
    ``durable=False`` nothing is fsynced (a cache entry: atomic, but a power cut may lose it).
    """
    target = os.fspath(path)
    temp = temp_name(target)
    write_durable(temp, data, mode, durable=durable)
    if durable:  # the journal's steps (a cache entry is not one)
        checkpoint("write.staged")
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        checkpoint("write.replaced")
    if sync_dir and durable:
        fsync_dir(os.path.dirname(target) or ".")


def read_nofollow(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of regular file ``path``, refusing a symlink (ELOOP) or a special file (OSError).

    With ``limit``, a file larger than that raises ``OSError(EFBIG)`` instead of being read.
    """
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        if limit is not None and info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit} bytes", os.fspath(path))
        chunks: list[bytes] = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def make_dir_nofollow(path: Path) -> bool:
    """Create directory ``path`` unless it exists; refuse (OSError ELOOP/ENOTDIR) a symlink or a file.

    Returns whether it was created.
    """
    created = True
    try:
        os.mkdir(path)
    except FileExistsError:
        created = False
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise OSError(errno.ELOOP, "is a symbolic link", os.fspath(path))
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(errno.ENOTDIR, "is not a directory", os.fspath(path))
    return created


_T = TypeVar("_T")


def in_parallel(function: Callable[[_T], object], items: Sequence[_T]) -> None:
    """Run ``function`` on every item, in threads when there are several (fsyncs overlap well).

    Every item is attempted; the first exception (in item order) is raised afterwards.
    """
    if len(items) < 4:
        for item in items:
            function(item)
        return
    with ThreadPoolExecutor(max_workers=min(16, len(items))) as pool:
        futures = [pool.submit(function, item) for item in items]
    for future in futures:
        future.result()


def os_error_text(exc: OSError) -> str:
    """``[Errno 28] No space left on device: 'x'`` as ``x: No space left on device``."""
    reason = exc.strerror or str(exc)
    name = exc.filename
    return f"{os.fsdecode(name)}: {reason}" if name is not None else reason
