"""Undo a run: every file back byte for byte, or a revert commit for a committed run.

Everything is checked before anything is written: a file that is now a directory or another non-file
is refused even with ``--force`` (nothing half-done), and every original is read and verified first.
With ``--force``, each later edit that is overwritten is first saved under the run's directory and
named in the result.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from migrator import gitops
from migrator.errors import MigratorError, RefusedError, RollbackRefusedError
from migrator.faults import checkpoint
from migrator.fsutil import fsync_dir, in_parallel, temp_name, write_durable
from migrator.journal import (
    IntendedCommit,
    JournalFile,
    RollbackRecord,
    Run,
    SavedFile,
    latest_to_undo,
    load_run,
)
from migrator.lock import run_lock
from migrator.patches import sha256_hex
from migrator.paths import read_current, resolve_inside
from migrator.preflight import dirty_files, listing
from migrator.recovery import recover
from migrator.state import check_state_dir


@dataclass(frozen=True)
class RollbackResult:
    run_id: str
    restored: tuple[str, ...]  # modified files put back, deleted files recreated
    removed: tuple[str, ...]  # files the run created, removed again
    untouched: tuple[str, ...]  # files the run never got to write
    forced: tuple[str, ...]  # files changed after the run, overwritten because of ``force``
    saved: tuple[SavedFile, ...]  # where each forced file's later version was kept
    revert_commit: str | None
    branch_deleted: str | None = None  # the run's own branch, deleted after switching back

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "restored": list(self.restored),
            "removed": list(self.removed),
            "untouched": list(self.untouched),
            "forced": list(self.forced),
            "saved": [saved.to_json() for saved in self.saved],
            "revert_commit": self.revert_commit,
            "branch_deleted": self.branch_deleted,
        }


_State = Literal["written", "untouched", "changed", "blocked"]


@dataclass(frozen=True)
class _Survey:
    entry: JournalFile
    real: Path
    state: _State
    current: bytes | None = None  # the bytes there now, for a changed file
    why: str = ""  # for a blocked file


def _survey(root: Path, run: Run) -> list[_Survey]:
    surveys: list[_Survey] = []
    for entry in run.files:
        real = resolve_inside(root, entry.path)
        try:
            current, _ = read_current(entry.path, real)
        except RefusedError as exc:
            why = "a parent is not a directory" if "parent" in str(exc) else _kind_of(real)
            surveys.append(_Survey(entry, real, "blocked", why=why))
            continue
        digest = None if current is None else sha256_hex(current)
        if digest == entry.new_sha256:
            surveys.append(_Survey(entry, real, "written"))
        elif digest == entry.old_sha256:
            surveys.append(_Survey(entry, real, "untouched"))
        else:
            surveys.append(_Survey(entry, real, "changed", current))
    return surveys


def _kind_of(real: Path) -> str:
    if real.is_symlink():
        return "now a symbolic link"
    if real.is_dir():
        return "now a directory"
    return "not a regular file any more"


def discard_temps(reals: Sequence[Path], tag: str) -> None:
    for real in reals:
        with contextlib.suppress(OSError):
            os.unlink(temp_name(real, tag))


def remove_dirs(root: Path, created_dirs: Sequence[str]) -> None:
    """Remove directories an apply created, deepest first, where they are empty."""
    for relative in reversed(created_dirs):
        with contextlib.suppress(OSError, RefusedError):
            resolve_inside(root, relative).rmdir()


def _restore(
    root: Path,
    run: Run,
    surveys: list[_Survey],
    original: Callable[[str], bytes],
    *,
    force: bool,
) -> RollbackRecord:
    blocked = [s for s in surveys if s.state == "blocked"]
    if blocked:
        names = listing([f"{s.entry.path} ({s.why})" for s in blocked])
        raise RollbackRefusedError(
            f"cannot restore {names}: move it away, then roll back run {run.id} again; "
            "nothing was changed"
        )
    changed = [s for s in surveys if s.state == "changed"]
    if changed and not force:
        raise RollbackRefusedError(
            f"{len(changed)} file(s) changed after run {run.id}: "
            f"{listing([s.entry.path for s in changed])}; rollback would lose those changes "
            "(use --force to restore the originals anyway; the later versions are saved)"
        )
    todo = [s for s in surveys if s.state != "untouched"]
    # Read and verify every original first: a missing or corrupt one stops before any write.
    restores = [(s, original(s.entry.old_sha256), s.entry.mode) for s in todo if s.entry.old_sha256]
    tag = f"{run.id}.undo"
    reals = [s.real for s in surveys]
    discard_temps(reals, run.id)  # left by an apply that was killed half-way
    discard_temps(reals, tag)
    saved = tuple(
        SavedFile(s.entry.path, run.save_overwritten(s.entry.path, s.current, s.entry.mode))
        for s in changed
        if s.current is not None
    )
    for survey, _, _ in restores:
        survey.real.parent.mkdir(parents=True, exist_ok=True)
    restored: list[str] = []
    removed: list[str] = []
    try:

        def stage(item: tuple[_Survey, bytes, int | None]) -> None:
            write_durable(temp_name(item[0].real, tag), item[1], item[2])
            checkpoint("rollback.staged")

        in_parallel(stage, restores)
        for survey in todo:
            if survey.entry.old_sha256 is None:
                with contextlib.suppress(FileNotFoundError):
                    survey.real.unlink()
                removed.append(survey.entry.path)
            else:
                os.replace(temp_name(survey.real, tag), survey.real)
                restored.append(survey.entry.path)
            checkpoint("rollback.file")
    finally:
        discard_temps(reals, tag)
    for directory in sorted({s.real.parent for s in surveys}):
        fsync_dir(directory)
    for survey in surveys:
        remove_dirs(root, survey.entry.created_dirs)
    return RollbackRecord(
        restored=tuple(restored),
        removed=tuple(removed),
        untouched=tuple(s.entry.path for s in surveys if s.state == "untouched"),
        forced=saved,
    )


def undo_files(root: Path, run: Run, originals: Mapping[str, bytes]) -> RollbackRecord:
    """Put back every file of ``run`` from ``originals`` (sha256 -> bytes) held in memory, changed
    files included (the automatic rollback after a failed verify or commit)."""

    def original(sha: str) -> bytes:
        return originals[sha] if sha in originals else run.original(sha)

    return _restore(root, run, _survey(root, run), original, force=True)


# -- rollback --------------------------------------------------------------------------------------


def rollback(root: Path, run_id: str | None = None, *, force: bool = False) -> RollbackResult:
    """Undo run ``run_id``, or by default the newest run not rolled back yet (so repeated calls walk
    back through the runs).

    Files are restored byte for byte: modified files get their original bytes and mode back, deleted
    files return, created files are removed. Files changed after the run are refused
    (RollbackRefusedError) unless ``force``, which saves their later versions first. A committed run
    is undone with a revert commit; an uncommitted run that created a branch switches back to the
    original branch (and deletes the new one while it holds no commit).
    """
    root_real = Path(os.path.realpath(root))
    check_state_dir(root_real)
    with run_lock(root_real):
        recover(root_real)
        run = load_run(root_real, run_id) if run_id is not None else latest_to_undo(root_real)
        status = run.status
        if status == "rolled-back":
            raise RefusedError(f"run {run.id} was already rolled back")
        if status in ("pending", "rolling-back") and not force:
            raise RefusedError(
                f"run {run.id} is still running in process {run.record.pid} "
                "(use --force if that process is gone)"
            )
        previous = run.record.status
        run.update(status="rolling-back")
        checkpoint("rollback.started")
        try:
            if run.commit is not None:
                record = _rollback_commit(root_real, run, force)
            else:
                record = _restore(
                    root_real, run, _survey(root_real, run), run.original, force=force
                )
                record = _leave_branch(root_real, run, record)
        except BaseException:
            with contextlib.suppress(Exception):
                run.update(status=previous)
            raise
        run.update(status="rolled-back", rollback=record)
        checkpoint("rollback.done")
    return RollbackResult(
        run_id=run.id,
        restored=record.restored,
        removed=record.removed,
        untouched=record.untouched,
        forced=tuple(saved.path for saved in record.forced),
        saved=record.forced,
        revert_commit=record.revert_commit,
        branch_deleted=record.branch_deleted,
    )


def _leave_branch(root: Path, run: Run, record: RollbackRecord) -> RollbackRecord:
    """After restoring an uncommitted run made with ``--branch``: back to the original branch."""
    git = run.git
    if git.branch is None or git.original_commit is None:
        return record
    repo = gitops.open_repo(root)
    if repo is None:
        return record
    try:
        if gitops.head_info(repo).branch != git.branch:
            return record  # the user has moved on: leave HEAD where it is
        original = gitops.HeadInfo(git.original_branch, git.original_commit)
        if gitops.switch_back(repo, original, git.branch):
            return record.with_branch_deleted(git.branch)
        return record
    finally:
        repo.close()


def _rollback_commit(root: Path, run: Run, force: bool) -> RollbackRecord:
    sha = run.commit
    assert sha is not None
    repo = gitops.open_repo(root)
    if repo is None:
        raise RollbackRefusedError(
            f"run {run.id} was committed as {sha[:12]}, but {root} is no longer a git work tree"
        )
    try:
        surveys = _survey(root, run)
        names = dirty_files(repo, [(s.real, s.entry.path) for s in surveys])
        if names:
            raise RollbackRefusedError(
                f"run {run.id} was committed; its files have uncommitted changes: "
                f"{listing(names)}; commit or stash them before the revert"
            )
        changed = [s.entry.path for s in surveys if s.state in ("changed", "blocked")]
        if changed and not force:
            raise RollbackRefusedError(
                f"{len(changed)} file(s) changed after run {run.id}: {listing(changed)}; "
                "use --force to revert its commit anyway"
            )
        revert = run.git.revert_commit or _revert(repo, run, sha)
        # Files git did not commit (ignored ones) still hold the run's bytes: restore them directly.
        left = [s for s in _survey(root, run) if s.state == "written"]
        leftovers = _restore(root, run, left, run.original, force=False) if left else None
    finally:
        repo.close()
    written = [s for s in surveys if s.state != "untouched"]
    restored = {s.entry.path for s in written if s.entry.old_sha256}
    removed = {s.entry.path for s in written if not s.entry.old_sha256}
    if leftovers is not None:
        restored |= set(leftovers.restored)
        removed |= set(leftovers.removed)
    return RollbackRecord(
        restored=tuple(sorted(restored)),
        removed=tuple(sorted(removed)),
        untouched=tuple(s.entry.path for s in surveys if s.state == "untouched"),
        revert_commit=revert,
    )


def _revert(repo: gitops.Repo, run: Run, sha: str) -> str:
    try:
        subject = gitops.commit_subject(repo, sha)
    except MigratorError:
        raise RollbackRefusedError(f"commit {sha[:12]} of run {run.id} is gone") from None
    message = gitops.commit_message(
        [f'Revert "{subject}"', "", f"This reverts commit {sha}."], run.id
    )
    run.update_git(intended=IntendedCommit("revert", gitops.head_info(repo).commit))
    checkpoint("revert.intended")
    revert = gitops.revert_commit(repo, sha, message)
    checkpoint("revert.done")
    run.update_git(revert_commit=revert, intended=None)
    return revert


__all__ = ["RollbackResult", "rollback", "undo_files"]
