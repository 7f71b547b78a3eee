"""Where migrator keeps its state: ``<root>/.migrator/``, a real directory inside the repository.

A repository is untrusted input: a committed ``.migrator`` symlink (or one anywhere under it) would send
the cache, the lock, the journal and the saved originals outside the repository. Every command that
reads or writes state checks the directory first and refuses symlinks; directories are created one
level at a time, each checked, and files with ``O_EXCL | O_NOFOLLOW`` (see :mod:`migrator.fsutil`).
The directory ignores itself (``.migrator/.gitignore`` holds ``*``), in git or not, so nothing under
``.git/`` is ever written.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from migrator.errors import MigratorError, RefusedError
from migrator.fsutil import make_dir_nofollow, os_error_text, write_durable

STATE_DIR = ".migrator"
_GITIGNORE = b"# created by migrator: this directory ignores itself\n*\n"


def state_dir(root: Path) -> Path:
    return root / STATE_DIR


def _refuse_link(path: Path, root: Path) -> RefusedError:
    relative = path.relative_to(root).as_posix()
    try:
        target = f" (to {os.readlink(path)})"
    except OSError:
        target = ""
    return RefusedError(
        f"{relative} is a symbolic link{target}; migrator keeps its state only in a real "
        f"directory inside the repository: remove the link"
    )


def check_state_dir(root: Path) -> None:
    """Refuse (RefusedError, exit 2) when ``.migrator`` or anything under it is a symlink.

    A missing directory is fine. Cheap: one ``scandir`` per directory, no ``stat`` per file.
    """
    base = state_dir(root)
    try:
        info = os.lstat(base)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise MigratorError(f"cannot read {STATE_DIR}: {os_error_text(exc)}") from None
    if stat.S_ISLNK(info.st_mode):
        raise _refuse_link(base, root)
    if not stat.S_ISDIR(info.st_mode):
        raise RefusedError(f"{STATE_DIR} is not a directory; move it away")
    pending = [base]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as exc:
            raise MigratorError(f"cannot read {os_error_text(exc)}") from None
        for entry in entries:
            if entry.is_symlink():
                raise _refuse_link(Path(entry.path), root)
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))


def ensure_state_dir(root: Path, *parts: str) -> Path:
    """``<root>/.migrator/<parts...>``, created level by level; a symlink on the way is refused.

    Creating ``.migrator`` also writes its self-ignoring ``.gitignore``.
    """
    path = state_dir(root)
    try:
        if make_dir_nofollow(path) or not os.path.lexists(path / ".gitignore"):
            _write_gitignore(path / ".gitignore")
        elif os.path.islink(path / ".gitignore"):
            raise _refuse_link(path / ".gitignore", root)
        for part in parts:
            path = path / part
            make_dir_nofollow(path)
    except OSError as exc:
        if os.path.islink(exc.filename or ""):
            raise _refuse_link(Path(exc.filename), root) from None
        raise MigratorError(f"cannot create {os_error_text(exc)}") from None
    return path


def _write_gitignore(path: Path) -> None:
    try:
        write_durable(path, _GITIGNORE)
    except FileExistsError:
        if os.path.islink(path):
            raise
