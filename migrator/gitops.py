"""The git side of applying: clean-tree checks, branches, commits and reverts (through GitPython).

Paths given to these functions are relative to the work tree's top directory, "/"-separated. They are
passed to git as literal pathspecs, so names with glob characters mean themselves. A git command that
fails raises :class:`GitError`: one line saying which command failed and what git said, never
GitPython's ``Cmd('git') failed due to: exit code(128)``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# Without a git executable, importing GitPython raises; migrator then works outside git and says
# plainly what needs git (see ``git_missing``).
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import git

from migrator.errors import MigratorError, RefusedError, RollbackRefusedError

TRAILER = "Migrator-Run"
Repo = git.Repo


class GitError(MigratorError):
    """A git command failed; the message is one line: the command and git's own last words."""

    def __init__(self, action: str, detail: str) -> None:
        self.action = action
        self.detail = detail
        super().__init__(f"git {action} failed: {detail}" if detail else f"git {action} failed")


@contextlib.contextmanager
def git_errors(action: str) -> Iterator[None]:
    """Turn GitPython's exceptions inside the block into one-line :class:`GitError`."""
    try:
        yield
    except git.GitCommandNotFound:
        raise GitError(action, "the git executable was not found on PATH") from None
    except git.GitCommandError as exc:
        raise GitError(action, _headline(exc)) from None
    except (git.GitError, ValueError, OSError) as exc:
        raise GitError(
            action, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        ) from None


def _headline(exc: git.GitCommandError) -> str:
    """git's own one-line reason: its first ``fatal:``/``error:`` line, else its last line."""
    lines = error_text(exc, 50).splitlines()
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else f"exit code {exc.status}"


def git_missing() -> bool:
    """Whether no git executable can be run."""
    return shutil.which(os.environ.get("GIT_PYTHON_GIT_EXECUTABLE", "git")) is None


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
    except (git.GitError, OSError, ValueError) as exc:
        raise GitError(
            "open", str(exc).splitlines()[0] if str(exc) else "unreadable repository"
        ) from None
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
        with git_errors("status"):
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
    with git_errors("rev-parse HEAD"):
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
    """Refuse a branch name git would reject or expand, or one that exists already.

    ``git check-ref-format --branch`` accepts ``@``, ``refs/heads/x`` and ``@{-1}`` (which it expands
    to the previous branch): a new branch must be a plain name that stays what it says.
    """
    bad = RefusedError(f"{name!r} is not a valid name for a new git branch")
    if not name or name.startswith(("-", "refs/")) or name in ("@", "HEAD") or "@{" in name:
        raise bad
    try:
        expanded = repo.git.check_ref_format("--branch", name).strip()
        repo.git.check_ref_format(f"refs/heads/{name}")
    except git.GitCommandError:
        raise bad from None
    except git.GitCommandNotFound:
        raise GitError("check-ref-format", "the git executable was not found on PATH") from None
    if expanded != name:
        raise bad
    if branch_exists(repo, name):
        raise RefusedError(f"branch {name!r} already exists; choose another name or delete it")


def create_branch(repo: git.Repo, name: str) -> None:
    """Create branch ``name`` at HEAD and check it out (local changes are carried over)."""
    check_branch_name(repo, name)
    with git_errors(f"checkout -b {name}"):
        repo.git.checkout("-b", name)


def switch_back(repo: git.Repo, original: HeadInfo, created_branch: str) -> bool:
    """Return to ``original`` and delete ``created_branch`` (used when an apply is undone).

    The branch is deleted only while it still points at the original commit, so no commit is lost.
    Returns whether it was deleted.
    """
    target = original.branch or original.commit
    if target is None:
        return False
    with git_errors(f"checkout {target}"):
        if original.branch is None:
            repo.git.checkout("--quiet", "--detach", target)
        else:
            repo.git.checkout("--quiet", target)
    if not branch_exists(repo, created_branch):
        return False
    with git_errors(f"branch -D {created_branch}"):
        tip = repo.git.rev_parse("--verify", f"refs/heads/{created_branch}").strip()
        if tip == original.commit:
            repo.git.branch("-D", created_branch)
            return True
    return False


def _tracked(repo: git.Repo, paths: Sequence[str]) -> set[str]:
    tracked: set[str] = set()
    for chunk in _chunks(paths):
        with git_errors("ls-files"):
            output = repo.git.ls_files("-z", "--", *_literal(chunk))
        tracked.update(name for name in output.split("\0") if name)
    return tracked


def _untracked(repo: git.Repo, paths: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(paths):
        with git_errors("ls-files"):
            output = repo.git.ls_files(
                "-z", "--others", "--exclude-standard", "--", *_literal(chunk)
            )
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
    with git_errors("add"):
        for chunk in _chunks(committable):
            repo.git.add("-A", "--", *_literal(chunk))
    if not dirty_staged(repo, committable):
        return None
    with git_errors("commit"):
        repo.git.commit("--only", "--quiet", "-m", message, "--", *_literal(committable))
        return str(repo.head.commit.hexsha)


def dirty_staged(repo: git.Repo, paths: Sequence[str]) -> bool:
    """Whether the index differs from HEAD for any of ``paths``."""
    if head_info(repo).commit is None:
        return bool(_tracked(repo, paths))
    with git_errors("diff --cached"):
        output = repo.git.diff("--cached", "--name-only", "-z", "HEAD", "--", *_literal(paths))
    return bool(output.strip("\0"))


def unstage(repo: git.Repo, paths: Sequence[str]) -> None:
    """Put the index entries of ``paths`` back to HEAD's (after a failed commit)."""
    if not paths:
        return
    with git_errors("reset"):
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
            with git_errors("revert --abort"):
                repo.git.revert("--abort")
        detail = error_text(exc, 6)
        raise RollbackRefusedError(
            f"cannot revert commit {sha[:12]} cleanly (HEAD moved and touches the same lines, or "
            f"there are local changes); nothing was changed. git said:\n{detail}"
        ) from None
    with git_errors("commit --amend"):
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


# -- commits in flight (see journal.IntendedCommit) ------------------------------------------------


def blob_id(data: bytes) -> str:
    """The git object id of ``data`` as a blob (what ``git hash-object`` prints, for SHA-1 repos)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def index_blobs(repo: git.Repo, paths: Sequence[str]) -> dict[str, str]:
    """path -> blob id of the index entry (stage 0) for each of ``paths`` the index holds."""
    found: dict[str, str] = {}
    for chunk in _chunks(paths):
        with git_errors("ls-files --stage"):
            output = repo.git.ls_files("-z", "--stage", "--", *_literal(chunk))
        for entry in output.split("\0"):
            if not entry:
                continue
            info, _, name = entry.partition("\t")
            fields = info.split()
            if len(fields) == 3 and fields[2] == "0":
                found[name] = fields[1]
    return found


def find_run_commit(
    repo: git.Repo, run_id: str, parent: str | None, refs: Sequence[str]
) -> str | None:
    """A commit among the tips ``refs`` (and HEAD) whose parent is ``parent`` and whose message has
    the ``Migrator-Run: <run_id>`` trailer: the commit a killed run made but did not record."""
    for ref in ("HEAD", *refs):
        try:
            commit = repo.commit(ref)
        except (ValueError, git.BadName, git.GitCommandError):
            continue
        parents = [p.hexsha for p in commit.parents]
        if parents == ([parent] if parent else []) and f"{TRAILER}: {run_id}" in str(
            commit.message
        ):
            return str(commit.hexsha)
    return None


def current_branch(repo: git.Repo) -> str | None:
    return head_info(repo).branch


def operation_in_progress(repo: git.Repo) -> str | None:
    """ "merge", "rebase", "cherry-pick" or "revert" when one is in progress, else None."""
    for ref, name in (
        ("MERGE_HEAD", "merge"),
        ("CHERRY_PICK_HEAD", "cherry-pick"),
        ("REVERT_HEAD", "revert"),
    ):
        if _in_progress(repo, ref):
            return name
    with git_errors("rev-parse --git-path"):
        for state in ("rebase-merge", "rebase-apply"):
            if os.path.isdir(repo.git.rev_parse("--git-path", state)):
                return "rebase"
    return None


def status_codes(repo: git.Repo) -> dict[str, str]:
    """Every path ``git status`` lists (modified, staged, deleted, untracked) -> its two-letter code."""
    with git_errors("status"):
        output = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all")
    codes: dict[str, str] = {}
    entries = output.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        codes[entry[3:]] = entry[:2]
        if "R" in entry[:2] or "C" in entry[:2]:
            index += 1  # the source path of a rename or copy follows
    return codes


def commit_subject(repo: git.Repo, sha: str) -> str:
    """The first line of commit ``sha``'s message; GitError when there is no such commit."""
    with git_errors(f"show {sha[:12]}"):
        return str(repo.commit(sha).summary)


def tree_blobs(repo: git.Repo, commit: str, paths: Sequence[str]) -> dict[str, str]:
    """path -> blob id in ``commit`` for each of ``paths`` it holds."""
    found: dict[str, str] = {}
    for chunk in _chunks(paths):
        with git_errors("ls-tree"):
            output = repo.git.ls_tree("-z", "--full-tree", commit, "--", *_literal(chunk))
        for entry in output.split("\0"):
            info, _, name = entry.partition("\t")
            fields = info.split()
            if len(fields) == 3 and fields[1] == "blob":
                found[name] = fields[2]
    return found


def abort_revert(repo: git.Repo) -> None:
    """Abort a ``git revert`` that was interrupted half-way (a no-op when none is in progress)."""
    if _in_progress(repo, "REVERT_HEAD"):
        with git_errors("revert --abort"):
            repo.git.revert("--abort")
