"""File discovery: Python files under the configured roots, honouring .gitignore and ``exclude``."""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from migrator.config import Config

# Directories never worth scanning when git does not tell us what to skip.
_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".migrator",
        "__pycache__",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".eggs",
        "site-packages",
    }
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Python file: its repo-relative path (``/``-separated) and its module name."""

    path: str
    module: str  # "" when the file is not importable from any src root
    is_package: bool


def _git_listing(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files below ``root`` (relative), or None outside git."""
    try:
        proc = subprocess.run(
            [
                "git",
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--deduplicate",
                "--",
                ".",
            ],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _gitignore_spec(directory: Path) -> pathspec.GitIgnoreSpec | None:
    ignore = directory / ".gitignore"
    if not ignore.is_file():
        return None
    try:
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _walk(root: Path) -> Iterator[str]:
    """Walk ``root`` honouring every .gitignore on the way (used outside a git work tree)."""
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []  # (relative dir prefix, spec)

    def ignored(rel: str, is_dir: bool) -> bool:
        for prefix, spec in specs:
            if prefix and not rel.startswith(prefix):
                continue
            sub = rel[len(prefix) :]
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return False

    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        spec = _gitignore_spec(Path(dirpath))
        if spec is not None:
            specs.append((prefix, spec))
        keep = []
        for d in sorted(dirnames):
            if d in _SKIP_DIRS or (Path(dirpath, d) / "pyvenv.cfg").exists():
                continue
            if ignored(prefix + d, True):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            rel = prefix + f
            if not ignored(rel, False):
                yield rel


@functools.lru_cache(maxsize=64)
def _root_parts(root: str) -> tuple[str, ...]:
    return tuple(p for p in Path(root).as_posix().split("/") if p not in ("", "."))


def module_name(rel: str, src_roots: Iterable[str]) -> tuple[str, bool]:
    """Module name of a repo-relative ``.py`` path under the most specific src root."""
    best: tuple[str, ...] | None = None
    best_depth = -1
    parts = tuple(rel[:-3].split("/"))
    for root in src_roots:
        root_parts = _root_parts(root)
        if parts[: len(root_parts)] == root_parts and len(parts) > len(root_parts):
            rest = parts[len(root_parts) :]
            if len(root_parts) > best_depth:
                best, best_depth = rest, len(root_parts)
    if best is None:
        return "", False
    is_package = best[-1] == "__init__"
    if is_package:
        best = best[:-1]
    if not best or not all(p.isidentifier() for p in best):
        return "", is_package
    return ".".join(best), is_package


def discover(config: Config) -> list[SourceFile]:
    """Every Python file of the repository, sorted by path, with its module name."""
    root = config.root
    listing = _git_listing(root)
    if listing is None:
        candidates: Iterable[str] = _walk(root)
    else:
        base = str(root)
        candidates = (
            p for p in listing if p.endswith(".py") and os.path.isfile(os.path.join(base, p))
        )
    return select(config, candidates)


def select(config: Config, candidates: Iterable[str]) -> list[SourceFile]:
    """The Python files among repo-relative ``candidates`` that the config does not exclude, sorted,
    with their module names (shared by the work tree and by git commits)."""
    exclude = pathspec.GitIgnoreSpec.from_lines(config.exclude) if config.exclude else None
    files: list[SourceFile] = []
    for rel in candidates:
        if not rel.endswith(".py"):
            continue
        if any(part in _SKIP_DIRS for part in rel.split("/")[:-1]):
            continue
        if exclude is not None and exclude.match_file(rel):
            continue
        # Files outside every src root (tests/, scripts/) are scanned too: their imports count.
        module, is_package = module_name(rel, (*config.src, "."))
        files.append(SourceFile(rel, module, is_package))
    files.sort(key=lambda f: f.path)
    return files
