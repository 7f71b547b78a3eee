"""File patches: what the applier writes, and the unified diffs that ``git apply`` and ``patch -p1`` accept.

A :class:`FilePatch` holds the original and the new bytes of one file. Diffs are computed on lines split
after ``\\n`` only (as git and GNU patch do), so the CR of a CRLF line stays part of the line and a patch
reproduces CRLF files exactly. Lines are kept in the file's own encoding and a UTF-8 BOM stays on the
first line.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from codemods.sources import UTF8_BOM, DecodeError, decode_source
from migrator import linediff
from migrator.errors import MigratorError

PatchKind = Literal["modify", "create", "delete"]

CONTEXT_LINES = 3
NO_NEWLINE = b"\\ No newline at end of file\n"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class FilePatch:
    """One file's change. ``old`` is None for a created file, ``new`` is None for a deleted one."""

    path: str  # repo-relative, "/"-separated
    old: bytes | None
    new: bytes | None
    old_hash: str | None  # sha256 hex of ``old`` (None when the file is created)
    mode: int | None = None  # st_mode of the original file, kept on write

    def __post_init__(self) -> None:
        if self.old is None and self.new is None:
            raise ValueError(f"{self.path}: a patch needs old or new content")
        if (self.old is None) != (self.old_hash is None):
            raise ValueError(f"{self.path}: old_hash must be given exactly when old is")

    @property
    def kind(self) -> PatchKind:
        if self.old is None:
            return "create"
        if self.new is None:
            return "delete"
        return "modify"

    @property
    def new_hash(self) -> str | None:
        return None if self.new is None else sha256_hex(self.new)

    @property
    def changed(self) -> bool:
        return self.old != self.new


def normalize_path(path: str) -> str:
    """``path`` as a clean repo-relative POSIX path; ValueError for absolute paths or ``..``."""
    text = path.replace(os.sep, "/")
    if not text or text.startswith("/") or os.path.isabs(path):
        raise ValueError(f"not a relative path: {path!r}")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError(f"not a path inside the repository: {path!r}")
    return "/".join(parts)


def make_patch(
    path: str, old: bytes | None, new: bytes | None, mode: int | None = None
) -> FilePatch:
    """Build a patch, computing the hash of ``old``."""
    return FilePatch(
        path=normalize_path(path),
        old=old,
        new=new,
        old_hash=None if old is None else sha256_hex(old),
        mode=mode,
    )


# -- lines -----------------------------------------------------------------------------------------


def _split_bytes(data: bytes) -> list[bytes]:
    pieces = data.split(b"\n")
    lines = [piece + b"\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def split_lines(data: bytes | None) -> list[bytes]:
    """The lines of ``data`` (ends kept), each in the file's own encoding; the BOM stays on line one.

    The text is decoded as Python source (BOM, coding cookie) and split after ``\\n`` only; each line is
    encoded back. Bytes that do not decode, or do not survive the round trip, are split as raw bytes,
    which gives the same lines for every ASCII-compatible encoding.
    """
    if not data:
        return []
    try:
        source = decode_source(data)
    except DecodeError:
        return _split_bytes(data)
    pieces = source.text.split("\n")
    texts = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        texts.append(pieces[-1])
    try:
        lines = [text.encode(source.encoding) for text in texts]
    except UnicodeEncodeError:
        return _split_bytes(data)
    if source.bom and lines:
        lines[0] = UTF8_BOM + lines[0]
    if b"".join(lines) != data:
        return _split_bytes(data)
    return lines


# -- diffs -----------------------------------------------------------------------------------------

_Opcode = tuple[str, int, int, int, int]


def _groups(old: list[bytes], new: list[bytes]) -> Iterator[list[_Opcode]]:
    yield from linediff.grouped(linediff.opcodes(old, new), CONTEXT_LINES)


def _range(start: int, stop: int) -> bytes:
    length = stop - start
    first = start + 1
    if length == 0:
        first -= 1
    if length == 1:
        return b"%d" % first
    return b"%d,%d" % (first, length)


def _emit(out: list[bytes], prefix: bytes, lines: list[bytes]) -> None:
    for line in lines:
        out.append(prefix + line)
        if not line.endswith(b"\n"):
            out.append(b"\n" + NO_NEWLINE)


def _needs_quotes(path: str) -> bool:
    return any(ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path)


def _quote(name: str) -> bytes:
    """A path as git writes it in headers: C-quoted when it holds quotes, backslashes or controls."""
    raw = name.encode("utf-8", "surrogateescape")
    if not _needs_quotes(name):
        return raw
    escapes = {
        ord('"'): b'\\"',
        ord("\\"): b"\\\\",
        ord("\t"): b"\\t",
        ord("\n"): b"\\n",
        ord("\r"): b"\\r",
    }
    out = bytearray(b'"')
    for byte in raw:
        if byte in escapes:
            out += escapes[byte]
        elif byte < 0x20 or byte == 0x7F:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    out += b'"'
    return bytes(out)


def _git_mode(mode: int | None) -> bytes:
    if mode is not None and stat.S_IMODE(mode) & 0o111:
        return b"100755"
    return b"100644"


def unified_diff(patch: FilePatch) -> bytes:
    """A git-style unified diff of one file (empty when nothing changes)."""
    if not patch.changed:
        return b""
    old_lines = split_lines(patch.old)
    new_lines = split_lines(patch.new)
    a_name = _quote("a/" + patch.path)
    b_name = _quote("b/" + patch.path)
    out = [b"diff --git " + a_name + b" " + b_name + b"\n"]
    if patch.kind == "create":
        out.append(b"new file mode " + _git_mode(patch.mode) + b"\n")
    elif patch.kind == "delete":
        out.append(b"deleted file mode " + _git_mode(patch.mode) + b"\n")
    if not old_lines and not new_lines:
        return b"".join(out)  # an empty file created or deleted: the header says it all
    # Like git: a tab ends a name that holds a space, so GNU patch reads the whole name.
    tab = b"\t" if " " in patch.path else b""
    out.append(b"--- " + (b"/dev/null" if patch.old is None else a_name + tab) + b"\n")
    out.append(b"+++ " + (b"/dev/null" if patch.new is None else b_name + tab) + b"\n")
    for group in _groups(old_lines, new_lines):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        out.append(b"@@ -" + _range(i1, i2) + b" +" + _range(j1, j2) + b" @@\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                _emit(out, b" ", old_lines[a1:a2])
                continue
            if tag in ("replace", "delete"):
                _emit(out, b"-", old_lines[a1:a2])
            if tag in ("replace", "insert"):
                _emit(out, b"+", new_lines[b1:b2])
    return b"".join(out)


def render_patches(patches: Iterable[FilePatch]) -> bytes:
    """One combined patch of every changed file, sorted by path."""
    return b"".join(unified_diff(patch) for patch in sorted(patches, key=lambda p: p.path))


def check_patch_targets(output: Path | None, patch_dir: Path | None) -> None:
    """Refuse (one line) an ``--output`` or ``--patch-dir`` that cannot be written, before diffing."""
    if output is not None:
        if output.is_dir():
            raise MigratorError(f"--output {output}: is a directory; name a file")
        if not output.parent.is_dir():
            raise MigratorError(f"--output {output}: the directory {output.parent} does not exist")
    if patch_dir is not None and patch_dir.exists() and not patch_dir.is_dir():
        raise MigratorError(f"--patch-dir {patch_dir}: is not a directory")


def write_patch_file(target: Path, data: bytes) -> None:
    """Write a combined patch to ``target`` (``diff --output``); MigratorError, one line, when the
    directory is missing or ``target`` is a directory."""
    check_patch_targets(target, None)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise MigratorError(f"--output {target}: {exc.strerror or exc}") from None


def write_patch_dir(patches: Iterable[FilePatch], directory: Path) -> list[Path]:
    """Write ``DIR/<path>.patch`` for every changed file, mirroring repo paths; return what was written.

    MigratorError (one line) when ``directory`` is a file or cannot be written.
    """
    check_patch_targets(None, directory)
    written: list[Path] = []
    for patch in sorted(patches, key=lambda p: p.path):
        diff = unified_diff(patch)
        if not diff:
            continue
        relative = PurePosixPath(normalize_path(patch.path) + ".patch")
        target = directory.joinpath(*relative.parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(diff)
        except OSError as exc:
            name = exc.filename or target
            raise MigratorError(f"--patch-dir {directory}: {name}: {exc.strerror or exc}") from None
        written.append(target)
    return written


def diffstat(patches: Iterable[FilePatch]) -> list[tuple[str, int, int]]:
    """``(path, lines added, lines removed)`` for every changed file, sorted by path."""
    stats: list[tuple[str, int, int]] = []
    for patch in sorted(patches, key=lambda p: p.path):
        if not patch.changed:
            continue
        old_lines = split_lines(patch.old)
        new_lines = split_lines(patch.new)
        added = removed = 0
        for tag, a1, a2, b1, b2 in linediff.opcodes(old_lines, new_lines):
            if tag != "equal":
                removed += a2 - a1
                added += b2 - b1
        stats.append((patch.path, added, removed))
    return stats


def diff_text(patch: FilePatch) -> str:
    """A patch's diff as text for people: decoded with the file's own encoding (latin-1 stays é)."""
    data = unified_diff(patch)
    try:
        encoding = decode_source(patch.old if patch.old is not None else patch.new or b"").encoding
        return data.decode(encoding)
    except (DecodeError, UnicodeDecodeError, LookupError):
        return data.decode("utf-8", "replace")
