"""Repository paths the applier may touch: inside the root, never under ``.git/`` or ``.migrator/``.

A repository is untrusted input, so a path is checked twice: as written (no absolute paths, no ``..``)
and as resolved through every symlink (a committed ``pkg/h.py -> ../../.git/hooks/x`` resolves into
``.git`` and is refused, as is anything that resolves outside the root).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from migrator.errors import MigratorError, RefusedError
from migrator.fsutil import os_error_text, read_nofollow
from migrator.patches import sha256_hex
from migrator.state import STATE_DIR

_FORBIDDEN = (".git", STATE_DIR)


def forbidden_part(parts: tuple[str, ...] | list[str]) -> str | None:
    """``.git`` (at any depth) or ``.migrator`` (at the top) when ``parts`` go through one."""
    if ".git" in parts:
        return ".git"
    if parts and parts[0] == STATE_DIR:
        return STATE_DIR
    return None


def resolve_inside(root: Path, path: str) -> Path:
    """The real path of repo-relative ``path``; RefusedError when it could leave ``root``.

    ``root`` must be a real path. Refused: absolute paths, empty, ``.`` or ``..`` parts, anything under
    ``.git`` or ``.migrator`` (as written or once symlinks are resolved), and paths whose resolved
    location is outside the root.
    """
    if not path or "\0" in path or path.startswith("/") or os.path.isabs(path):
        raise RefusedError(f"refusing {path!r}: not a relative path inside the repository")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise RefusedError(f"refusing {path!r}: paths must not contain '..', '.' or empty parts")
    if forbidden_part(parts):
        raise RefusedError(
            f"refusing {path!r}: migrator never writes inside {'/'.join(_FORBIDDEN)}"
        )
    real = Path(os.path.realpath(root.joinpath(*parts)))
    if real == root or os.path.commonpath([root, real]) != str(root):
        raise RefusedError(f"refusing {path!r}: it resolves to {real}, outside {root}")
    inside = forbidden_part(real.relative_to(root).parts)
    if inside:
        raise RefusedError(f"refusing {path!r}: it resolves into {inside} ({real})")
    return real


def read_current(path: str, real: Path) -> tuple[bytes | None, int | None]:
    """Current bytes and st_mode of a file, (None, None) when it does not exist.

    RefusedError when it is not a regular file or a parent is not a directory; MigratorError (one
    line) when it cannot be read.
    """
    try:
        info = os.lstat(real)
    except FileNotFoundError:
        return None, None
    except NotADirectoryError:
        raise RefusedError(f"refusing {path}: a parent of it is not a directory") from None
    except OSError as exc:
        raise MigratorError(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise RefusedError(f"refusing {path}: it is not a regular file")
    try:
        return read_nofollow(real), info.st_mode
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        raise MigratorError(f"cannot read {path}: {os_error_text(exc)}") from None


def current_hash(path: str, real: Path) -> str | None:
    data, _ = read_current(path, real)
    return None if data is None else sha256_hex(data)


def missing_dirs(root: Path, real: Path) -> tuple[str, ...]:
    """The parents of ``real`` that do not exist yet, relative to ``root``, outermost first."""
    missing: list[str] = []
    parent = real.parent
    while parent != root and not parent.exists():
        missing.append(parent.relative_to(root).as_posix())
        parent = parent.parent
    return tuple(reversed(missing))
