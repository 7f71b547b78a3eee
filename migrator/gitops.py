"""The git side of applying: clean-tree checks, branches, commits and reverts (through GitPython).

Paths given to these functions are relative to the work tree's top directory, "/"-separated. They are
passed to git as literal pathspecs, so names with glob characters mean themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from migrator.errors import RefusedError, RollbackRefusedError

TRAILER = "Migrator-Run"


@dataclass(frozen=True, slots=True)
class HeadInfo:
    branch: str | None  # None when HEAD is detached
    commit: str | None  # None before the first commit


def open_repo(root: Path) -> git.Repo | None:
    """The repository whose work tree holds ``root``, or None when ``root`` is not in a work tree."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        repo.close()
        return None
    top = os.path.realpath(repo.working_tree_dir)
    here = os.path.realpath(root)
    if os.path.commonpath([top, here]) != top or _inside_git_dir(repo, here):
        repo.close()
        return None
    return repo


def _inside_git_dir(repo: git.Repo, path: str) -> bool:
    git_dir = os.path.realpath(repo.git_dir)
    return os.path.commonpath([git_dir, path]) == git_dir


def work_tree(repo: git.Repo) -> Path:
    top = repo.working_tree_dir
    if top is None:
        raise RefusedError("the repository has no work tree")
    return Path(os.path.realpath(top))


def repo_path(repo: git.Repo, path: Path | str) -> str:
    """``path`` (absolute) relative to the work tree's top, "/"-separated."""
    return repo_paths(repo, [Path(os.path.realpath(path))])[0]


def repo_paths(repo: git.Repo, real_paths: Sequence[Path]) -> list[str]:
    """Absolute real paths (symlinks already resolved) relative to the work tree's top."""
    top = work_tree(repo)
    return [os.path.relpath(path, top).replace(os.sep, "/") for path in real_paths]


def _literal(paths: Iterable[str]) -> list[str]:
    return [f":(literal){path}" for path in paths]


def _chunks(items: Sequence[str], size: int = 1000) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_PATHSPEC_LIMIT = 200  # above this many paths one whole-tree status is faster than pathspecs


def dirty_paths(repo: git.Repo, paths: Iterable[str]) -> list[str]:
    """The paths among ``paths`` that are modified, staged or untracked (ignored files are not dirty)."""
    wanted = sorted(set(paths))
    if not wanted:
        return []
    dirty: set[str] = set()
    chunks: Iterable[Sequence[str]] = [()] if len(wanted) > _PATHSPEC_LIMIT else [wanted]
    for chunk in chunks:
        pathspecs = ["--", *_literal(chunk)] if chunk else []
        output = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", *pathspecs)
        entries = output.split("\0")
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            if len(entry) < 4:
                continue
            code, name = entry[:2], entry[3:]
            dirty.add(name)
            if "R" in code or "C" in code:  # a rename or copy is followed by its source path
                if index < len(entries):
                    dirty.add(entries[index])
                index += 1
    return [path for path in wanted if path in dirty]


def head_info(repo: git.Repo) -> HeadInfo:
    try:
        commit: str | None = repo.head.commit.hexsha
    except ValueError:  # no commit yet
        commit = None
    branch = None if repo.head.is_detached else repo.head.ref.name
    return HeadInfo(branch=branch, commit=commit)


def branch_exists(repo: git.Repo, name: str) -> bool:
    try:
        repo.git.rev_parse("--verify", "--quiet", f"refs/heads/{name}")
    except git.GitCommandError:
        return False
    return True


def check_branch_name(repo: git.Repo, name: str) -> None:
    """Refuse a branch name git would reject, or one that exists already."""
    try:
        repo.git.check_ref_format("--branch", name)
    except git.GitCommandError:
        raise RefusedError(f"{name!r} is not a valid git branch name") from None
    if branch_exists(repo, name):
        raise RefusedError(f"branch {name!r} already exists; choose another name or delete it")


def create_branch(repo: git.Repo, name: str) -> None:
    """Create branch ``name`` at HEAD and check it out (local changes are carried over)."""
    check_branch_name(repo, name)
    repo.git.checkout("-b", name)


def switch_back(repo: git.Repo, original: HeadInfo, created_branch: str) -> None:
    """Return to ``original`` and delete ``created_branch`` (used when an apply is undone).

    The branch is deleted only while it still points at the original commit, so no commit is lost.
    """
    target = original.branch or original.commit
    if target is None:
        return
    if original.branch is None:
        repo.git.checkout("--quiet", "--detach", target)
    else:
        repo.git.checkout("--quiet", target)
    if not branch_exists(repo, created_branch):
        return
    tip = repo.git.rev_parse("--verify", f"refs/heads/{created_branch}").strip()
    if tip == original.commit:
        repo.git.branch("-D", created_branch)


def _tracked(repo: git.Repo, paths: Sequence[str]) -> set[str]:
    tracked: set[str] = set()
    for chunk in _chunks(paths):
        output = repo.git.ls_files("-z", "--", *_literal(chunk))
        tracked.update(name for name in output.split("\0") if name)
    return tracked


def _untracked(repo: git.Repo, paths: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(paths):
        output = repo.git.ls_files("-z", "--others", "--exclude-standard", "--", *_literal(chunk))
        found.update(name for name in output.split("\0") if name)
    return found


def commit_paths(repo: git.Repo, paths: Iterable[str], message: str) -> str | None:
    """Commit exactly ``paths`` (modified, created or deleted) and return the new commit's sha.

    Other staged changes stay staged and out of the commit. Untracked files that git ignores are left
    out. Returns None when none of the paths has anything to commit.
    """
    wanted = sorted(set(paths))
    committable = sorted(_tracked(repo, wanted) | _untracked(repo, wanted))
    if not committable:
        return None
    for chunk in _chunks(committable):
        repo.git.add("-A", "--", *_literal(chunk))
    if not dirty_staged(repo, committable):
        return None
    repo.git.commit("--only", "--quiet", "-m", message, "--", *_literal(committable))
    return str(repo.head.commit.hexsha)


def dirty_staged(repo: git.Repo, paths: Sequence[str]) -> bool:
    """Whether the index differs from HEAD for any of ``paths``."""
    if head_info(repo).commit is None:
        return bool(_tracked(repo, paths))
    output = repo.git.diff("--cached", "--name-only", "-z", "HEAD", "--", *_literal(paths))
    return bool(output.strip("\0"))


def unstage(repo: git.Repo, paths: Sequence[str]) -> None:
    """Put the index entries of ``paths`` back to HEAD's (after a failed commit)."""
    if not paths:
        return
    if head_info(repo).commit is None:
        repo.git.rm("--cached", "--quiet", "--ignore-unmatch", "-r", "--", *_literal(paths))
    else:
        repo.git.reset("--quiet", "HEAD", "--", *_literal(paths))


def _is_ancestor(repo: git.Repo, ancestor: str, descendant: str) -> bool:
    try:
        repo.git.merge_base("--is-ancestor", ancestor, descendant)
    except git.GitCommandError:
        return False
    return True


def _in_progress(repo: git.Repo, ref: str) -> bool:
    try:
        repo.git.rev_parse("--verify", "--quiet", ref)
    except git.GitCommandError:
        return False
    return True


def revert_commit(repo: git.Repo, sha: str, message: str) -> str:
    """Add a commit that reverts ``sha`` (``git revert --no-edit``) with ``message``; return its sha.

    Refuses (RollbackRefusedError) when ``sha`` is not in HEAD's history, or when the revert does not
    apply cleanly (later commits or local changes touch the same lines); nothing is left half-done.
    """
    head = head_info(repo).commit
    if head is None or not _is_ancestor(repo, sha, head):
        raise RollbackRefusedError(
            f"commit {sha[:12]} is not in the history of HEAD; check out the branch that holds it"
        )
    try:
        repo.git.revert("--no-edit", sha)
    except git.GitCommandError as exc:
        if _in_progress(repo, "REVERT_HEAD"):
            repo.git.revert("--abort")
        detail = error_text(exc, 6)
        raise RollbackRefusedError(
            f"cannot revert commit {sha[:12]} cleanly (HEAD moved and touches the same lines, or "
            f"there are local changes); nothing was changed. git said:\n{detail}"
        ) from None
    repo.git.commit("--amend", "--only", "--quiet", "-m", message)
    return str(repo.head.commit.hexsha)


def commit_message(summary_lines: Sequence[str], run_id: str) -> str:
    """A commit message: the first line as subject, the rest as body, and a ``Migrator-Run:`` trailer."""
    lines = [line.rstrip() for line in summary_lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        lines = [f"migrator: apply run {run_id}"]
    subject, body = lines[0], lines[1:]
    while body and not body[0]:
        body.pop(0)
    parts = [subject]
    if body:
        parts += ["", *body]
    parts += ["", f"{TRAILER}: {run_id}"]
    return "\n".join(parts) + "\n"


def with_trailer(message: str, run_id: str) -> str:
    """``message`` with a ``Migrator-Run:`` trailer added unless it has one."""
    text = message.rstrip()
    if f"{TRAILER}: " in text:
        return text + "\n"
    return f"{text}\n\n{TRAILER}: {run_id}\n"


def exclude_state_dir(root: Path, name: str) -> bool:
    """Add ``name/`` to ``.git/info/exclude`` of the repository holding ``root`` (once).

    Returns whether the file changed; a root outside git is left alone.
    """
    repo = open_repo(root)
    if repo is None:
        return False
    try:
        exclude = Path(repo.common_dir) / "info" / "exclude"
    finally:
        repo.close()
    pattern = f"{name}/"
    try:
        text = exclude.read_text(encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        text = ""
    if pattern in (line.strip() for line in text.splitlines()):
        return False
    exclude.parent.mkdir(parents=True, exist_ok=True)
    prefix = "" if not text or text.endswith("\n") else "\n"
    with exclude.open("a", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(f"{prefix}# migrator run journal\n{pattern}\n")
    return True


def error_text(exc: git.GitCommandError, count: int = 8) -> str:
    """The last lines git wrote (stdout, then stderr), without GitPython's decoration or hints."""
    lines: list[str] = []
    for part in (exc.stdout, exc.stderr):
        value = str(part or "").strip()
        for prefix in ("stderr: ", "stdout: "):
            value = value.removeprefix(prefix)
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        lines += [line for line in value.splitlines() if not line.startswith("hint:")]
    return _last_lines("\n".join(lines) or str(exc), count)


def _last_lines(text: str, count: int) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-count:])
