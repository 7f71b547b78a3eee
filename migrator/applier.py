"""Apply file patches safely as one journaled run.

``apply_patches`` checks everything before it writes anything: paths stay inside the root (and out of
``.git``), every file still has the bytes the plan was made from, the files to touch are clean in git.
It records the run (with the original bytes) in the journal, then writes each file atomically, runs
the optional verify command and makes the optional commit. Undoing a run is :mod:`migrator.rollback`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator import gitops
from migrator.errors import MigratorError, RefusedError, RolledBackError
from migrator.faults import checkpoint
from migrator.fsutil import fsync_dir, in_parallel, os_error_text, temp_name, write_durable
from migrator.journal import GitRecord, IntendedCommit, Run, VerifyRecord, create_run, discard_run
from migrator.lock import run_lock
from migrator.patches import FilePatch, sha256_hex
from migrator.paths import current_hash, missing_dirs, read_current, resolve_inside
from migrator.preflight import check_git_options, dirty_files, listing
from migrator.recovery import recover
from migrator.rollback import RollbackResult, discard_temps, remove_dirs, rollback, undo_files
from migrator.state import check_state_dir
from migrator.verify import DEFAULT_TIMEOUT, changed_outside, picture, run_verify

VERIFY_TAIL_LINES = 20

__all__ = ["ApplyOptions", "ApplyResult", "RollbackResult", "apply_patches", "rollback"]


@dataclass(frozen=True)
class ApplyOptions:
    allow_dirty: bool = False
    branch: str | None = None
    commit: bool = False
    message: str | None = None
    verify: str | None = None  # a shell command run in the root after writing
    verify_timeout: float | None = DEFAULT_TIMEOUT  # seconds; None: no limit

    def to_json(self) -> dict[str, str | float | bool | None]:
        return {
            "allow_dirty": self.allow_dirty,
            "branch": self.branch,
            "commit": self.commit,
            "message": self.message,
            "verify": self.verify,
            "verify_timeout": self.verify_timeout,
        }


@dataclass(frozen=True)
class ApplyResult:
    run_id: str | None  # None when nothing was written (every patch skipped or unchanged)
    written: tuple[str, ...]  # modified or created
    skipped: tuple[str, ...]  # declined in interactive mode
    deleted: tuple[str, ...]
    branch: str | None
    commit: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "written": list(self.written),
            "deleted": list(self.deleted),
            "skipped": list(self.skipped),
            "branch": self.branch,
            "commit": self.commit,
        }


@dataclass(frozen=True)
class _Target:
    patch: FilePatch
    real: Path
    current: bytes | None
    mode: int | None
    created_dirs: tuple[str, ...]

    @property
    def new_mode(self) -> int | None:
        return self.mode if self.mode is not None else self.patch.mode


def _load_targets(root: Path, patches: Sequence[FilePatch]) -> list[_Target]:
    targets: list[_Target] = []
    seen: dict[Path, str] = {}
    stale: list[str] = []
    for patch in patches:
        real = resolve_inside(root, patch.path)
        if real in seen:
            raise RefusedError(
                f"refusing {patch.path}: the plan also patches {seen[real]}, same file"
            )
        seen[real] = patch.path
        current, mode = read_current(patch.path, real)
        current_sha = None if current is None else sha256_hex(current)
        if current_sha != patch.old_hash:
            stale.append(patch.path)
            continue
        dirs = missing_dirs(root, real) if current is None else ()
        targets.append(_Target(patch, real, current, mode, dirs))
    if stale:
        raise RefusedError(
            f"{len(stale)} file(s) changed since the plan was made: {listing(stale)}; "
            "nothing was written, plan again"
        )
    return targets


# -- apply -----------------------------------------------------------------------------------------


def apply_patches(
    root: Path,
    patches: Sequence[FilePatch],
    options: ApplyOptions | None = None,
    *,
    confirm: Callable[[FilePatch], bool | FilePatch] | None = None,
    on_progress: Callable[[FilePatch], None] | None = None,
) -> ApplyResult:
    """Write ``patches`` under ``root`` as one journaled run (see the module docstring).

    ``confirm`` is asked once per patch, in path order, before anything is written; declined patches
    are skipped, and a patch it returns instead (the same file and original, some hunks only) is
    written in its place. ``on_progress`` is called after each file is written or deleted.
    """
    options = options or ApplyOptions()
    root_real = Path(os.path.realpath(root))
    if not root_real.is_dir():
        raise RefusedError(f"{root} is not a directory")
    check_state_dir(root_real)
    todo = sorted((patch for patch in patches if patch.changed), key=lambda p: p.path)
    for patch in todo:
        resolve_inside(root_real, patch.path)
    if not todo:
        return ApplyResult(None, (), (), (), None, None)
    repo = check_git_options(root_real, options.branch, options.commit)
    try:
        with run_lock(root_real):
            recover(root_real)
            return _apply_locked(root_real, repo, todo, options, confirm, on_progress)
    finally:
        if repo is not None:
            repo.close()


def _apply_locked(
    root: Path,
    repo: gitops.Repo | None,
    todo: list[FilePatch],
    options: ApplyOptions,
    confirm: Callable[[FilePatch], bool | FilePatch] | None,
    on_progress: Callable[[FilePatch], None] | None,
) -> ApplyResult:
    targets = _load_targets(root, todo)
    if repo is not None and not options.allow_dirty:
        names = dirty_files(repo, [(t.real, t.patch.path) for t in targets])
        if names:
            raise RefusedError(
                f"{len(names)} file(s) to change have uncommitted changes: {listing(names)}; "
                "commit or stash them, or pass --allow-dirty"
            )

    accepted = targets
    skipped: list[str] = []
    if confirm is not None:
        chosen: list[FilePatch] = []
        for target in targets:
            answer = confirm(target.patch)
            if answer is True:
                chosen.append(target.patch)
            elif isinstance(answer, FilePatch):  # some hunks only: same original, other new bytes
                if answer.path != target.patch.path or answer.old_hash != target.patch.old_hash:
                    raise ValueError(f"{answer.path}: confirm returned a patch of another file")
                chosen.append(answer)
            else:
                skipped.append(target.patch.path)
        accepted = _load_targets(root, chosen)  # the review took a while
    if not accepted:
        return ApplyResult(None, (), tuple(skipped), (), None, None)

    original = gitops.head_info(repo) if repo is not None else None
    run = _record(root, options, original, accepted)
    done = _write_all(root, repo, run, accepted, options, original, on_progress)

    written = tuple(t.patch.path for t in done if t.patch.new is not None)
    deleted = tuple(t.patch.path for t in done if t.patch.new is None)
    commit_sha: str | None = None
    try:
        if options.verify:
            _verify(root, repo, run, accepted, options, original)
        if repo is not None and options.commit:
            commit_sha = _commit(root, repo, run, accepted, options, original)
        run.update(status="applied")
        checkpoint("apply.done")
    except BaseException as exc:
        if run.stored_status == "pending":  # not already rolled back or marked failed
            with contextlib.suppress(Exception):
                run.update(status="failed", error=f"stopped after writing every file: {exc}")
        if isinstance(exc, MigratorError) or not isinstance(exc, Exception):
            raise
        raise MigratorError(
            f"apply stopped after writing every file: {_reason(exc)}. Run {run.id} is marked "
            f"failed; `migrator rollback {run.id}` restores every file"
        ) from exc
    return ApplyResult(run.id, written, tuple(skipped), deleted, options.branch, commit_sha)


def _reason(exc: BaseException) -> str:
    return os_error_text(exc) if isinstance(exc, OSError) else str(exc) or type(exc).__name__


def _record(
    root: Path, options: ApplyOptions, original: gitops.HeadInfo | None, accepted: list[_Target]
) -> Run:
    """Create the run and save every original before the first write; nothing is left on failure."""
    git_record = None
    if original is not None:
        git_record = GitRecord(original_branch=original.branch, original_commit=original.commit)
    try:
        run = create_run(root, options.to_json(), git=git_record)
    except OSError as exc:
        raise MigratorError(
            f"cannot record the run: {os_error_text(exc)}; nothing was written"
        ) from None
    checkpoint("journal.created")
    try:
        for target in accepted:
            run.record_file(
                target.patch.path,
                original=target.current,
                new_sha256=target.patch.new_hash,
                mode=target.new_mode,
                created_dirs=target.created_dirs,
                save=False,
            )
        run.save()
    except BaseException as exc:
        discard_run(run)
        if isinstance(exc, OSError):
            raise MigratorError(
                f"cannot record the run: {os_error_text(exc)}; nothing was written"
            ) from None
        raise
    checkpoint("journal.recorded")
    return run


# Files are written in two steps. First every new content goes to a temp file next to its target,
# fsynced, in parallel threads (fsyncs overlap, which is what makes 10,000 files fast). Then, one by
# one, each file is checked and swapped in with an atomic rename. Temp names hold the run id, so the
# next command can clean up after a process that was killed half-way.


def _write_all(
    root: Path,
    repo: gitops.Repo | None,
    run: Run,
    accepted: list[_Target],
    options: ApplyOptions,
    original: gitops.HeadInfo | None,
    on_progress: Callable[[FilePatch], None] | None,
) -> list[_Target]:
    done: list[_Target] = []
    branch_made = False
    try:
        if repo is not None and options.branch:
            gitops.create_branch(repo, options.branch)
            branch_made = True
            run.update_git(branch=options.branch)
            checkpoint("branch.created")
        _stage_targets(accepted, run.id)
        for target in accepted:
            _swap_in(target, run.id)
            done.append(target)
            checkpoint("apply.swapped")
            if on_progress is not None:
                on_progress(target.patch)
        for directory in sorted({t.real.parent for t in accepted}):
            fsync_dir(directory)
        checkpoint("apply.synced")
    except BaseException as exc:
        discard_temps([t.real for t in accepted], run.id)
        for target in accepted[len(done) :]:
            remove_dirs(root, target.created_dirs)
        if not done:  # nothing was written: leave no run behind, and no branch
            if branch_made and repo is not None and original is not None:
                with contextlib.suppress(MigratorError):
                    gitops.switch_back(repo, original, options.branch or "")
            discard_run(run)
            if isinstance(exc, Exception):
                raise (
                    exc
                    if isinstance(exc, MigratorError)
                    else MigratorError(f"apply stopped: {_reason(exc)}; nothing was written")
                ) from None
            raise
        with contextlib.suppress(Exception):
            run.update(
                status="failed", error=f"stopped after {len(done)} of {len(accepted)}: {exc}"
            )
        if isinstance(exc, Exception):
            raise MigratorError(
                f"apply stopped after writing {len(done)} of {len(accepted)} file(s): "
                f"{_reason(exc)}. Run {run.id} is marked failed; `migrator rollback {run.id}` "
                "restores every file"
            ) from exc
        raise
    return done


def _stage_targets(targets: Sequence[_Target], tag: str) -> None:
    for target in targets:
        if target.created_dirs:
            target.real.parent.mkdir(parents=True, exist_ok=True)
    staged = [t for t in targets if t.patch.new is not None]

    def stage(target: _Target) -> None:
        assert target.patch.new is not None
        write_durable(temp_name(target.real, tag), target.patch.new, target.new_mode)
        checkpoint("apply.staged")

    in_parallel(stage, staged)


def _swap_in(target: _Target, tag: str) -> None:
    patch = target.patch
    if current_hash(patch.path, target.real) != patch.old_hash:
        raise RefusedError(f"{patch.path} changed while migrator was applying")
    if patch.new is None:
        target.real.unlink()
    else:
        os.replace(temp_name(target.real, tag), target.real)


def _tail(text: str, count: int = VERIFY_TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-count:])


def _verify(
    root: Path,
    repo: gitops.Repo | None,
    run: Run,
    accepted: list[_Target],
    options: ApplyOptions,
    original: gitops.HeadInfo | None,
) -> None:
    command = options.verify or ""
    before = picture(root)
    outcome = run_verify(command, root, options.verify_timeout)
    checkpoint("verify.done")
    record = VerifyRecord(command, outcome.exit_code, outcome.timed_out)
    state_gone = not run.directory.is_dir()
    run.update(verify=record)
    if outcome.ok:
        return
    if outcome.timed_out:
        reason = f"verify command timed out after {options.verify_timeout:g} s and was stopped"
    else:
        reason = f"verify command failed with exit code {outcome.exit_code}"
    reason += f": {command}"
    deleted, modified = changed_outside(
        root, before, picture(root), {t.patch.path for t in accepted}
    )
    summary = _undo(root, repo, run, accepted, options, original, reason)
    notes = []
    if deleted or modified:
        notes.append(
            "the verify command also changed files outside the run, which were NOT restored: "
            + "; ".join(
                part
                for part in (
                    f"deleted {listing(deleted)}" if deleted else "",
                    f"modified {listing(modified)}" if modified else "",
                )
                if part
            )
        )
    if state_gone:
        notes.append("it removed .migrator/ (the run's record was written again)")
    tail = _tail(outcome.output)
    raise RolledBackError(
        f"{reason}; {summary}"
        + "".join(f"; {note}" for note in notes)
        + (f".\nLast lines of its output:\n{tail}" if tail else ".")
    )


def _commit(
    root: Path,
    repo: gitops.Repo,
    run: Run,
    accepted: list[_Target],
    options: ApplyOptions,
    original: gitops.HeadInfo | None,
) -> str | None:
    if options.message:
        message = gitops.with_trailer(options.message, run.id)
    else:
        message = gitops.commit_message(_summary(accepted), run.id)
    paths = gitops.repo_paths(repo, [t.real for t in accepted])
    blobs = tuple(
        sorted(
            (path, None if t.patch.new is None else gitops.blob_id(t.patch.new))
            for path, t in zip(paths, accepted, strict=True)
        )
    )
    head = gitops.head_info(repo).commit
    run.update_git(intended=IntendedCommit("commit", head, blobs))
    checkpoint("commit.intended")
    try:
        sha = gitops.commit_paths(repo, paths, message)
    except gitops.GitError as exc:
        with contextlib.suppress(MigratorError):
            gitops.unstage(repo, paths)
        reason = "git commit failed"
        summary = _undo(root, repo, run, accepted, options, original, f"{reason}: {exc.detail}")
        raise RolledBackError(f"{reason}; {summary}. git said:\n{exc.detail}") from None
    checkpoint("commit.done")
    run.update_git(commit=sha, intended=None)
    return sha


def _summary(done: list[_Target]) -> list[str]:
    count = len(done)
    lines = [f"migrator: consolidate {count} file{'s' if count != 1 else ''}", ""]
    letters = {"modify": "M", "create": "A", "delete": "D"}
    for target in done[:40]:
        lines.append(f"{letters[target.patch.kind]} {target.patch.path}")
    if count > 40:
        lines.append(f"... and {count - 40} more")
    return lines


def _undo(
    root: Path,
    repo: gitops.Repo | None,
    run: Run,
    accepted: list[_Target],
    options: ApplyOptions,
    original: gitops.HeadInfo | None,
    reason: str,
) -> str:
    """Put every file of the run back from memory (and leave the branch apply created); mark the run
    rolled back. Returns a summary of what was restored, for the error message."""
    originals = {sha256_hex(t.current): t.current for t in accepted if t.current is not None}
    try:
        record = undo_files(root, run, originals)
        branch = options.branch
        if repo and branch and original and gitops.switch_back(repo, original, branch):
            record = record.with_branch_deleted(branch)
    except Exception as exc:
        with contextlib.suppress(Exception):
            run.update(status="failed", error=f"{reason}; automatic rollback failed: {exc}")
        raise MigratorError(
            f"{reason}, and the automatic rollback failed: {_reason(exc)}. "
            f"Run {run.id} is marked failed; try `migrator rollback {run.id}`"
        ) from exc
    run.update(status="rolled-back", error=reason, rollback=record)
    count = len(record.restored) + len(record.removed)
    return f"every change of run {run.id} was rolled back ({count} file{'s' if count != 1 else ''})"
