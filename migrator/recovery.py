"""Reconcile what an interrupted run left behind, at the start of the next command.

Called with the lock held, so any run still marked "pending" or "rolling-back" belongs to a process
that is gone (``kill -9``, a power cut). For each such run:

- its staged temp files (``.<name>.<run id>[.undo].migrator-tmp``) and half-written journal files are
  removed;
- a commit or revert it had announced (``git.intended``) is looked for: when git made it, the journal
  records it; when not, the index entries the run had staged are put back;
- a run that had recorded no file is removed (it wrote nothing); any other becomes "incomplete",
  which ``migrator rollback`` undoes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from migrator import gitops
from migrator.errors import MigratorError
from migrator.fsutil import TEMP_SUFFIX, temp_name
from migrator.journal import Run, discard_run, load_runs
from migrator.lock import run_lock
from migrator.paths import resolve_inside
from migrator.state import STATE_DIR, check_state_dir, state_dir


def recover(root: Path) -> list[str]:
    """Reconcile every interrupted run under ``root`` (the caller holds the lock); return their ids."""
    base = state_dir(root) / "runs"
    if not base.is_dir():
        return []
    _remove_empty_run_dirs(base)
    touched: list[str] = []
    for run in load_runs(root):
        if not isinstance(run, Run):
            continue
        _remove_journal_temps(run.directory)  # a save killed between its temp and its rename
        if run.record.status not in ("pending", "rolling-back"):
            continue
        _reconcile(root, run)
        touched.append(run.id)
    return touched


def recover_if_idle(root: Path) -> list[str]:
    """:func:`recover` when no other migrator run holds the lock (for read-only commands)."""
    root = Path(os.path.realpath(root))
    if not (state_dir(root) / "runs").is_dir():
        return []
    check_state_dir(root)
    try:
        with run_lock(root):
            return recover(root)
    except MigratorError:
        return []


def _remove_empty_run_dirs(base: Path) -> None:
    """A run killed between creating its directory and writing ``run.json`` left only that."""
    for entry in os.scandir(base):
        if not entry.is_dir(follow_symlinks=False) or os.path.lexists(
            os.path.join(entry.path, "run.json")
        ):
            continue
        names = set(os.listdir(entry.path))
        if names <= {"originals"} or all(n.endswith(TEMP_SUFFIX) for n in names - {"originals"}):
            shutil.rmtree(entry.path, ignore_errors=True)


def _remove_journal_temps(directory: Path) -> None:
    for where in (directory, directory / "originals"):
        with contextlib.suppress(OSError):
            for entry in os.scandir(where):
                if entry.name.endswith(TEMP_SUFFIX):
                    os.unlink(entry.path)


def _reconcile(root: Path, run: Run) -> None:
    was = run.record.status
    for file in run.files:
        try:
            real = resolve_inside(root, file.path)
        except MigratorError:
            continue
        for tag in (run.id, f"{run.id}.undo"):
            with contextlib.suppress(OSError):
                os.unlink(temp_name(real, tag))
    if not run.files and was == "pending" and run.git.branch is None:
        discard_run(run)  # it recorded nothing, so it wrote nothing
        return
    commit_found = _reconcile_git(root, run)
    if commit_found and was == "pending":
        run.update(status="applied", error=None)  # the commit was its last step
        return
    if was == "pending":
        error = f"interrupted before it finished; `migrator rollback {run.id}` restores every file"
    else:
        error = f"its rollback was interrupted; `migrator rollback {run.id}` finishes it"
    run.update(status="incomplete", error=error)


def _reconcile_git(root: Path, run: Run) -> bool:
    """Settle a commit or revert the run had announced; True when git made it."""
    intended = run.git.intended
    if intended is None:
        return False
    repo = gitops.open_repo(root)
    if repo is None:
        return False
    try:
        refs = [ref for ref in (run.git.branch, run.git.original_branch) if ref]
        sha = gitops.find_run_commit(repo, run.id, intended.parent, refs)
        if sha is not None:
            if intended.kind == "commit":
                run.update_git(commit=sha, intended=None)
            else:
                run.update_git(revert_commit=sha, intended=None)
            return intended.kind == "commit"
        if intended.kind == "revert":
            gitops.abort_revert(repo)
        else:
            _unstage_ours(repo, dict(intended.blobs))
        run.update_git(intended=None)
        return False
    finally:
        repo.close()


def _unstage_ours(repo: gitops.Repo, blobs: dict[str, str | None]) -> None:
    """Put back the index entries that still hold what the run had staged (and nothing else)."""
    index = gitops.index_blobs(repo, sorted(blobs))
    ours = [
        path
        for path, blob in blobs.items()
        if (blob is None and path not in index) or (blob is not None and index.get(path) == blob)
    ]
    head = gitops.head_info(repo).commit
    if head is None:
        return
    committed = gitops.tree_blobs(repo, head, sorted(blobs))
    ours = [path for path in ours if committed.get(path) != blobs[path]]
    gitops.unstage(repo, ours)


__all__ = ["STATE_DIR", "recover", "recover_if_idle"]
