"""Reading a repository's history straight from git objects: commits, trees and blobs, no checkout.

Each call is one git process (``git log``, ``git ls-tree``, ``git cat-file --batch``), so reading a
whole commit's Python files costs a handful of processes however many files it has.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrator.errors import MigratorError
from migrator.scan import Stamp


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: str  # committer date, ISO 8601
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=False
        )
    except OSError as exc:
        raise MigratorError(f"cannot run git: {exc.strerror}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MigratorError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return proc.stdout


def commits(
    root: Path, ref: str = "HEAD", *, max_count: int | None = None, since: str | None = None
) -> list[Commit]:
    """First-parent commits of ``ref`` (the mainline's own history), oldest first."""
    args = ["log", "--first-parent", "-z", "--format=%H%x1f%cI%x1f%s"]
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    if since is not None:
        args.append(f"--since={since}")
    args += [ref, "--"]
    out = _git(root, *args).decode("utf-8", "replace")
    found: list[Commit] = []
    for record in out.split("\0"):
        record = record.strip("\n")
        if not record:
            continue
        sha, date, subject = record.split("\x1f", 2)
        found.append(Commit(sha, date, subject))
    found.reverse()
    return found


def python_blobs(root: Path, commit: str) -> dict[str, str]:
    """``path -> blob id`` of the regular ``.py`` files of ``commit`` below ``root`` (paths relative
    to ``root``, as the work tree's listing has them)."""
    out = _git(root, "ls-tree", "-r", "-z", commit)
    blobs: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.split(b" ")
        if kind != b"blob" or mode not in (b"100644", b"100755"):
            continue  # symlinks and submodules are not sources
        path = raw_path.decode("utf-8", "surrogateescape")
        if path.endswith(".py"):
            blobs[path] = sha.decode()
    return blobs


def read_blobs(root: Path, shas: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
    """The contents of ``shas`` in order (None for a missing object), from one ``cat-file --batch``."""
    if not shas:
        return
    out = _git(root, "cat-file", "--batch", stdin=("\n".join(shas) + "\n").encode())
    pos = 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) != 3:  # "<sha> missing"
            yield sha, None
            continue
        size = int(header[2])
        yield sha, out[pos : pos + size]
        pos += size + 1  # the data is followed by a newline


@dataclass(frozen=True, slots=True)
class GitReader:
    """A scanner reader for one commit: a file's stamp is its blob id, its bytes come from git."""

    blobs: Mapping[str, str]  # path -> blob id
    kind: str = "git"

    def stamp(self, root: str, path: str) -> Stamp | None:
        return self.blobs.get(path)

    def read(
        self, root: str, paths: Sequence[str]
    ) -> Iterator[tuple[str, bytes | None, Stamp | None, str | None]]:
        shas = [self.blobs[p] for p in paths]
        for path, (sha, data) in zip(paths, read_blobs(Path(root), shas), strict=True):
            if data is None:
                yield path, None, None, f"git object {sha} missing"
            else:
                yield path, data, sha, None
