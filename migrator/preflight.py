"""Checks that fail fast, before any diff is computed: a second per refusal, never minutes.

The CLI calls :func:`preflight` before planning and :func:`preflight_files` once the plan names the
files it will touch; ``apply_patches`` makes the same checks again on the exact files, under the lock.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from migrator import gitops
from migrator.errors import RefusedError
from migrator.lock import lock_path, run_lock
from migrator.paths import resolve_inside
from migrator.state import check_state_dir

if TYPE_CHECKING:
    from migrator.applier import ApplyOptions

_LIST_LIMIT = 20

# Words a shell runs without looking anything up on PATH.
_SHELL_WORDS = frozenset(
    [
        "!",
        "{",
        "}",
        "(",
        "[",
        "[[",
        ":",
        ".",
        "alias",
        "bg",
        "break",
        "case",
        "cd",
        "command",
        "continue",
        "eval",
        "exec",
        "exit",
        "export",
        "false",
        "fg",
        "for",
        "getopts",
        "hash",
        "if",
        "jobs",
        "kill",
        "local",
        "printf",
        "pwd",
        "read",
        "readonly",
        "return",
        "set",
        "shift",
        "source",
        "test",
        "times",
        "trap",
        "true",
        "type",
        "ulimit",
        "umask",
        "unalias",
        "unset",
        "until",
        "wait",
        "while",
        "echo",
    ]
)


def listing(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:_LIST_LIMIT])
    more = len(paths) - _LIST_LIMIT
    return shown + (f" and {more} more" if more > 0 else "")


def dirty_files(repo: gitops.Repo, files: Sequence[tuple[Path, str]]) -> list[str]:
    """Repo-relative paths among ``files`` ((real path, path) pairs) with uncommitted changes."""
    reals = gitops.repo_paths(repo, [real for real, _ in files])
    git_paths = dict(zip(reals, (path for _, path in files), strict=True))
    return [git_paths.get(path, path) for path in gitops.dirty_paths(repo, git_paths)]


def check_git_options(root: Path, branch: str | None, commit: bool) -> gitops.Repo | None:
    """The repository (the caller closes it), after refusing what ``--branch``/``--commit`` cannot do
    here: no git, no work tree, no first commit, a bad or existing branch name, a commit on a detached
    HEAD without ``--branch``, a merge or rebase in progress."""
    wanted = "--branch" if branch else "--commit" if commit else None
    if wanted and gitops.git_missing():
        raise RefusedError(f"{wanted} needs git, and no git executable is on PATH")
    repo = gitops.open_repo(root) if wanted or not gitops.git_missing() else None
    if wanted is None:
        return repo
    if repo is None:
        raise RefusedError(f"{wanted} needs a git work tree, and {root} is not in one")
    try:
        head = gitops.head_info(repo)
        if branch:
            gitops.check_branch_name(repo, branch)
            if head.commit is None:
                raise RefusedError("--branch needs a first commit to branch from; commit first")
        elif head.branch is None:
            raise RefusedError(
                "HEAD is detached, so the commit would be on no branch; pass --branch NAME"
            )
        operation = gitops.operation_in_progress(repo)
        if operation:
            raise RefusedError(f"a git {operation} is in progress; finish or abort it first")
    except BaseException:
        repo.close()
        raise
    return repo


def check_verify_command(command: str, root: Path) -> None:
    """Refuse a verify command that cannot run: a shell syntax error, or a program not found."""
    if not command.strip():
        raise RefusedError("--verify: the command is empty")
    proc = subprocess.run(
        ["sh", "-n", "-c", command], capture_output=True, text=True, check=False, cwd=root
    )
    if proc.returncode != 0:
        detail = " ".join(proc.stderr.strip().splitlines()[-1:]) or "syntax error"
        raise RefusedError(f"--verify: not a valid shell command: {detail}")
    try:
        words = shlex.split(command, posix=True)
    except ValueError:
        return  # the shell accepted it; shlex is stricter
    words = [w for w in words if not _is_assignment(w)]
    if not words or words[0] in _SHELL_WORDS or any(c in words[0] for c in "$`*?;&|<>()"):
        return
    program = words[0]
    if "/" in program:
        found = os.access(root / program, os.X_OK) and (root / program).is_file()
    else:
        found = shutil.which(program) is not None
    if not found:
        raise RefusedError(
            f"--verify: {program!r} was not found"
            + (" on PATH" if "/" not in program else f" (or is not executable) in {root}")
        )


def _is_assignment(word: str) -> bool:
    name, sep, _ = word.partition("=")
    return bool(sep) and name.isidentifier()


def preflight(root: Path, options: ApplyOptions) -> None:
    """Everything about an apply that can be refused before planning (well under a second)."""
    check_state_dir(root)
    if options.verify is not None:
        check_verify_command(options.verify, root)
    repo = check_git_options(root, options.branch, options.commit)
    if repo is not None:
        repo.close()
    if lock_path(root).exists():
        with run_lock(root):  # refuses at once when another run holds it
            pass


def preflight_files(root: Path, paths: Sequence[str], options: ApplyOptions) -> None:
    """Refuse uncommitted changes in the files the plan will touch (unless ``allow_dirty``)."""
    if options.allow_dirty or not paths or gitops.git_missing():
        return
    repo = gitops.open_repo(root)
    if repo is None:
        return
    try:
        files = []
        for path in paths:
            try:  # a path that resolves outside (a symlink) is never written: not checked either
                files.append((resolve_inside(Path(os.path.realpath(root)), path), path))
            except RefusedError:
                continue
        names = dirty_files(repo, files)
    finally:
        repo.close()
    if names:
        raise RefusedError(
            f"{len(names)} file(s) to change have uncommitted changes: {listing(names)}; "
            "commit or stash them, or pass --allow-dirty"
        )
