"""Apply file patches safely, and undo a run.

``apply_patches`` checks everything before it writes anything: paths stay inside the root, every file
still has the bytes the plan was made from, the files to touch are clean in git. It records the run
(with the original bytes) in the journal, then writes each file atomically, runs the optional verify
command and makes the optional commit. ``rollback`` puts a run's files back byte for byte, or adds a
revert commit for a committed run.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import git

from migrator import gitops
from migrator.errors import MigratorError, RefusedError, RollbackRefusedError, RolledBackError
from migrator.journal import (
    STATE_DIR,
    Journal,
    JournalFile,
    Run,
    fsync_dir,
    in_parallel,
    load_run,
    run_lock,
    write_durable,
)
from migrator.patches import FilePatch, sha256_hex

VERIFY_TAIL_LINES = 20
_LIST_LIMIT = 20


@dataclass(frozen=True)
class ApplyOptions:
    allow_dirty: bool = False
    branch: str | None = None
    commit: bool = False
    message: str | None = None
    verify: str | None = None  # a shell command run in the root after writing


@dataclass(frozen=True)
class ApplyResult:
    run_id: str | None  # None when nothing was written (every patch skipped or unchanged)
    written: tuple[str, ...]  # modified or created
    skipped: tuple[str, ...]  # declined in interactive mode
    deleted: tuple[str, ...]
    branch: str | None
    commit: str | None


@dataclass(frozen=True)
class RollbackResult:
    run_id: str
    restored: tuple[str, ...]  # modified files put back, deleted files recreated
    removed: tuple[str, ...]  # files the run created, removed again
    untouched: tuple[str, ...]  # files the run never got to write
    forced: tuple[str, ...]  # files changed after the run, overwritten because of ``force``
    revert_commit: str | None


# -- paths -----------------------------------------------------------------------------------------


def resolve_inside(root: Path, path: str) -> Path:
    """The real path of repo-relative ``path``; RefusedError when it could leave ``root``.

    ``root`` must be a real path. Refused: absolute paths, empty, ``.`` or ``..`` parts, anything under
    ``.git`` or ``.migrator``, and paths whose resolved location (following symlinks) is outside root.
    """
    if not path or "\0" in path or path.startswith("/") or os.path.isabs(path):
        raise RefusedError(f"refusing {path!r}: not a relative path inside the repository")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise RefusedError(f"refusing {path!r}: paths must not contain '..', '.' or empty parts")
    if parts[0] == STATE_DIR or ".git" in parts:
        raise RefusedError(f"refusing {path!r}: migrator never writes inside .git or {STATE_DIR}")
    real = Path(os.path.realpath(root.joinpath(*parts)))
    if real == root or os.path.commonpath([root, real]) != str(root):
        raise RefusedError(f"refusing {path!r}: it resolves to {real}, outside {root}")
    return real


def _read_current(path: str, real: Path) -> tuple[bytes | None, int | None]:
    """Current bytes and st_mode of a file, (None, None) when it does not exist."""
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return None, None
    except NotADirectoryError:
        raise RefusedError(f"refusing {path}: a parent of it is not a directory") from None
    if not stat.S_ISREG(info.st_mode):
        raise RefusedError(f"refusing {path}: it is not a regular file")
    return real.read_bytes(), info.st_mode


def _current_hash(path: str, real: Path) -> str | None:
    data, _ = _read_current(path, real)
    return None if data is None else sha256_hex(data)


def _dirty(repo: git.Repo, files: Sequence[tuple[Path, str]]) -> list[str]:
    """Repo-relative paths among ``files`` ((real path, path) pairs) with uncommitted changes."""
    reals = gitops.repo_paths(repo, [real for real, _ in files])
    git_paths = dict(zip(reals, (path for _, path in files), strict=True))
    return [git_paths.get(path, path) for path in gitops.dirty_paths(repo, git_paths)]


def _listing(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:_LIST_LIMIT])
    more = len(paths) - _LIST_LIMIT
    return shown + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class _Target:
    patch: FilePatch
    real: Path
    current: bytes | None
    mode: int | None
    created_dirs: tuple[str, ...]


def _missing_dirs(root: Path, real: Path) -> tuple[str, ...]:
    missing: list[str] = []
    parent = real.parent
    while parent != root and not parent.exists():
        missing.append(parent.relative_to(root).as_posix())
        parent = parent.parent
    return tuple(reversed(missing))


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
        current, mode = _read_current(patch.path, real)
        current_hash = None if current is None else sha256_hex(current)
        if current_hash != patch.old_hash:
            stale.append(patch.path)
            continue
        dirs = _missing_dirs(root, real) if current is None else ()
        targets.append(_Target(patch, real, current, mode, dirs))
    if stale:
        raise RefusedError(
            f"{len(stale)} file(s) changed since the plan was made: {_listing(stale)}; "
            "nothing was written, plan again"
        )
    return targets


# -- apply -----------------------------------------------------------------------------------------


def apply_patches(
    root: Path,
    patches: Sequence[FilePatch],
    options: ApplyOptions | None = None,
    *,
    confirm: Callable[[FilePatch], bool] | None = None,
    on_progress: Callable[[FilePatch], None] | None = None,
) -> ApplyResult:
    """Write ``patches`` under ``root`` as one journaled run (see the module docstring).

    ``confirm`` is asked once per patch, in path order, before anything is written; declined patches
    are skipped. ``on_progress`` is called after each file is written or deleted.
    """
    options = options or ApplyOptions()
    root_real = Path(os.path.realpath(root))
    if not root_real.is_dir():
        raise RefusedError(f"{root} is not a directory")
    todo = sorted((patch for patch in patches if patch.changed), key=lambda p: p.path)
    for patch in todo:
        resolve_inside(root_real, patch.path)
    if not todo:
        return ApplyResult(None, (), (), (), None, None)
    repo = gitops.open_repo(root_real)
    try:
        if repo is None and options.branch:
            raise RefusedError(f"--branch needs a git work tree, and {root} is not in one")
        if repo is None and options.commit:
            raise RefusedError(f"--commit needs a git work tree, and {root} is not in one")
        with run_lock(root_real):
            return _apply_locked(root_real, repo, todo, options, confirm, on_progress)
    finally:
        if repo is not None:
            repo.close()


def _apply_locked(
    root: Path,
    repo: git.Repo | None,
    todo: list[FilePatch],
    options: ApplyOptions,
    confirm: Callable[[FilePatch], bool] | None,
    on_progress: Callable[[FilePatch], None] | None,
) -> ApplyResult:
    targets = _load_targets(root, todo)
    if repo is not None:
        if not options.allow_dirty:
            names = _dirty(repo, [(t.real, t.patch.path) for t in targets])
            if names:
                raise RefusedError(
                    f"{len(names)} file(s) to change have uncommitted changes: {_listing(names)}; "
                    "commit or stash them, or pass --allow-dirty"
                )
        if options.branch:
            gitops.check_branch_name(repo, options.branch)

    accepted = targets
    skipped: list[str] = []
    if confirm is not None:
        accepted = []
        for target in targets:
            if confirm(target.patch):
                accepted.append(target)
            else:
                skipped.append(target.patch.path)
        accepted = _load_targets(root, [t.patch for t in accepted])  # the review took a while
    if not accepted:
        return ApplyResult(None, (), tuple(skipped), (), None, None)

    original = gitops.head_info(repo) if repo is not None else None
    git_info = None
    if original is not None:
        git_info = {"original_branch": original.branch, "original_commit": original.commit}
    run = Journal.create(root, asdict(options), git=git_info)
    for target in accepted:
        run.record_file(
            target.patch.path,
            original=target.current,
            new_sha256=target.patch.new_hash,
            mode=target.mode if target.mode is not None else target.patch.mode,
            created_dirs=target.created_dirs,
            save=False,
        )
    run.save()

    done: list[_Target] = []
    try:
        if repo is not None and options.branch:
            gitops.create_branch(repo, options.branch)
            run.set_git(branch=options.branch)
        _stage_targets(accepted, run.id)
        for target in accepted:
            _swap_in(target, run.id)
            done.append(target)
            if on_progress is not None:
                on_progress(target.patch)
        for directory in sorted({t.real.parent for t in accepted}):
            fsync_dir(directory)
    except BaseException as exc:
        _discard_temps([t.real for t in accepted], run.id)
        for target in accepted[len(done) :]:
            _remove_dirs(root, target.created_dirs)
        with contextlib.suppress(Exception):
            run.set_status("failed", error=f"stopped after {len(done)} of {len(accepted)}: {exc}")
        if isinstance(exc, Exception):
            raise MigratorError(
                f"apply stopped after writing {len(done)} of {len(accepted)} file(s): {exc}. "
                f"Run {run.id} is marked failed; `migrator rollback {run.id}` restores every file"
            ) from exc
        raise

    written = tuple(t.patch.path for t in done if t.patch.new is not None)
    deleted = tuple(t.patch.path for t in done if t.patch.new is None)
    commit_sha: str | None = None
    try:
        if options.verify:
            _verify(root, repo, run, options, original)
        if repo is not None and options.commit:
            commit_sha = _commit(root, repo, run, done, options, original)
        run.set_status("applied")
    except BaseException as exc:
        if run.stored_status == "pending":  # not already rolled back or marked failed
            with contextlib.suppress(Exception):
                run.set_status("failed", error=f"stopped after writing every file: {exc}")
        if isinstance(exc, MigratorError) or not isinstance(exc, Exception):
            raise
        raise MigratorError(
            f"apply stopped after writing every file: {exc}. Run {run.id} is marked failed; "
            f"`migrator rollback {run.id}` restores every file"
        ) from exc
    return ApplyResult(run.id, written, tuple(skipped), deleted, options.branch, commit_sha)


# Files are written in two steps. First every new content goes to a temp file next to its target,
# fsynced, in parallel threads (fsyncs overlap, which is what makes 10,000 files fast). Then, one by
# one, each file is checked and swapped in with an atomic rename. Temp names hold the run id, so a
# rollback can clean up after a process that was killed half-way.


def _temp_for(real: Path, tag: str) -> Path:
    name = real.name
    if len(name.encode("utf-8", "surrogateescape")) > 160:
        name = sha256_hex(name.encode("utf-8", "surrogateescape"))[:16]
    return real.with_name(f".{name}.{tag}.migrator-tmp")


def _discard_temps(reals: Sequence[Path], tag: str) -> None:
    for real in reals:
        with contextlib.suppress(OSError):
            _temp_for(real, tag).unlink()


def _stage_targets(targets: Sequence[_Target], tag: str) -> None:
    for target in targets:
        if target.created_dirs:
            target.real.parent.mkdir(parents=True, exist_ok=True)
    staged = [t for t in targets if t.patch.new is not None]

    def stage(target: _Target) -> None:
        assert target.patch.new is not None
        mode = target.mode if target.mode is not None else target.patch.mode
        write_durable(_temp_for(target.real, tag), target.patch.new, mode)

    in_parallel(stage, staged)


def _swap_in(target: _Target, tag: str) -> None:
    patch = target.patch
    if _current_hash(patch.path, target.real) != patch.old_hash:
        raise RefusedError(f"{patch.path} changed while migrator was applying")
    if patch.new is None:
        target.real.unlink()
    else:
        os.replace(_temp_for(target.real, tag), target.real)


def _tail(text: str, count: int = VERIFY_TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-count:])


def _verify(
    root: Path,
    repo: git.Repo | None,
    run: Run,
    options: ApplyOptions,
    original: gitops.HeadInfo | None,
) -> None:
    command = options.verify or ""
    proc = subprocess.run(
        command,
        shell=True,
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    output = proc.stdout.decode("utf-8", errors="replace")
    run.set_status("pending", verify={"command": command, "exit_code": proc.returncode})
    if proc.returncode == 0:
        return
    reason = f"verify command failed with exit code {proc.returncode}: {command}"
    _undo_run(root, repo, run, options, original, reason)
    tail = _tail(output)
    raise RolledBackError(
        f"{reason}; every change of run {run.id} was rolled back."
        + (f"\nLast lines of its output:\n{tail}" if tail else "")
    )


def _commit(
    root: Path,
    repo: git.Repo,
    run: Run,
    done: list[_Target],
    options: ApplyOptions,
    original: gitops.HeadInfo | None,
) -> str | None:
    if options.message:
        message = gitops.with_trailer(options.message, run.id)
    else:
        message = gitops.commit_message(_summary(done), run.id)
    paths = gitops.repo_paths(repo, [t.real for t in done])
    try:
        sha = gitops.commit_paths(repo, paths, message)
    except git.GitCommandError as exc:
        with contextlib.suppress(git.GitCommandError):
            gitops.unstage(repo, paths)
        detail = gitops.error_text(exc)
        reason = "git commit failed"
        _undo_run(root, repo, run, options, original, f"{reason}: {detail}")
        raise RolledBackError(
            f"{reason}; every change of run {run.id} was rolled back. git said:\n{detail}"
        ) from None
    run.set_git(commit=sha)
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


def _undo_run(
    root: Path,
    repo: git.Repo | None,
    run: Run,
    options: ApplyOptions,
    original: gitops.HeadInfo | None,
    reason: str,
) -> None:
    """Put every file back (and leave the branch apply created); mark the run rolled-back."""
    try:
        outcome = _restore_files(root, run, force=True)
        if repo is not None and options.branch and original is not None:
            gitops.switch_back(repo, original, options.branch)
    except Exception as exc:
        with contextlib.suppress(Exception):
            run.set_status("failed", error=f"{reason}; automatic rollback failed: {exc}")
        raise MigratorError(
            f"{reason}, and the automatic rollback failed: {exc}. "
            f"Run {run.id} is marked failed; try `migrator rollback {run.id}`"
        ) from exc
    run.set_status("rolled-back", error=reason, rollback=_rollback_record(outcome, None))


# -- rollback --------------------------------------------------------------------------------------

_State = Literal["written", "untouched", "changed"]


@dataclass(frozen=True)
class _Survey:
    entry: JournalFile
    real: Path
    state: _State


def _survey(root: Path, run: Run) -> list[_Survey]:
    surveys: list[_Survey] = []
    for entry in run.files:
        real = resolve_inside(root, entry.path)
        try:
            current = _current_hash(entry.path, real)
        except RefusedError:
            surveys.append(_Survey(entry, real, "changed"))
            continue
        if current == entry.new_sha256:
            state: _State = "written"
        elif current == entry.old_sha256:
            state = "untouched"
        else:
            state = "changed"
        surveys.append(_Survey(entry, real, state))
    return surveys


@dataclass(frozen=True)
class _Outcome:
    restored: tuple[str, ...]
    removed: tuple[str, ...]
    untouched: tuple[str, ...]
    forced: tuple[str, ...]


def _restore_files(root: Path, run: Run, *, force: bool) -> _Outcome:
    return _restore(root, run, _survey(root, run), force=force)


def _restore(root: Path, run: Run, surveys: list[_Survey], *, force: bool) -> _Outcome:
    changed = [s.entry.path for s in surveys if s.state == "changed"]
    if changed and not force:
        raise RollbackRefusedError(
            f"{len(changed)} file(s) changed after run {run.id}: {_listing(changed)}; "
            "rollback would lose those changes (use --force to restore the originals anyway)"
        )
    tag = f"{run.id}.undo"
    reals = [s.real for s in surveys]
    _discard_temps(reals, run.id)  # left by an apply that was killed half-way
    _discard_temps(reals, tag)
    originals = [
        (s.real, run.original(s.entry.old_sha256), s.entry.mode)
        for s in surveys
        if s.state != "untouched" and s.entry.old_sha256 is not None
    ]
    for real, _, _ in originals:
        real.parent.mkdir(parents=True, exist_ok=True)
    restored: list[str] = []
    removed: list[str] = []
    untouched: list[str] = []
    try:
        in_parallel(
            lambda item: write_durable(_temp_for(item[0], tag), item[1], item[2]), originals
        )
        for survey in surveys:
            entry = survey.entry
            if survey.state == "untouched":
                untouched.append(entry.path)
            elif entry.old_sha256 is None:
                with contextlib.suppress(FileNotFoundError):
                    survey.real.unlink()
                removed.append(entry.path)
            else:
                os.replace(_temp_for(survey.real, tag), survey.real)
                restored.append(entry.path)
    finally:
        _discard_temps(reals, tag)
    for directory in sorted({s.real.parent for s in surveys}):
        fsync_dir(directory)
    for survey in surveys:
        _remove_dirs(root, survey.entry.created_dirs)
    return _Outcome(tuple(restored), tuple(removed), tuple(untouched), tuple(changed))


def _remove_dirs(root: Path, created_dirs: Sequence[str]) -> None:
    """Remove directories an apply created, deepest first, where they are empty."""
    for relative in reversed(created_dirs):
        with contextlib.suppress(OSError, RefusedError):
            resolve_inside(root, relative).rmdir()


def _rollback_record(outcome: _Outcome, revert: str | None) -> dict[str, object]:
    return {
        "restored": list(outcome.restored),
        "removed": list(outcome.removed),
        "untouched": list(outcome.untouched),
        "forced": list(outcome.forced),
        "revert_commit": revert,
    }


def rollback(root: Path, run_id: str | None = None, *, force: bool = False) -> RollbackResult:
    """Undo run ``run_id`` (the latest by default).

    Files are restored byte for byte: modified files get their original bytes and mode back, deleted
    files return, created files are removed. Files changed after the run are refused
    (RollbackRefusedError) unless ``force``. A committed run is undone with a revert commit.
    """
    root_real = Path(os.path.realpath(root))
    with run_lock(root_real):
        run = load_run(root_real, run_id)
        status = run.status
        if status == "rolled-back":
            raise RefusedError(f"run {run.id} was already rolled back")
        if status == "pending" and not force:
            raise RefusedError(
                f"run {run.id} is still being applied by process {run.data.get('pid')} "
                "(use --force if that process is gone)"
            )
        if run.commit is not None:
            outcome, revert = _rollback_commit(root_real, run, force)
        else:
            outcome, revert = _restore_files(root_real, run, force=force), None
        run.set_status("rolled-back", rollback=_rollback_record(outcome, revert))
    return RollbackResult(
        run_id=run.id,
        restored=outcome.restored,
        removed=outcome.removed,
        untouched=outcome.untouched,
        forced=outcome.forced,
        revert_commit=revert,
    )


def _rollback_commit(root: Path, run: Run, force: bool) -> tuple[_Outcome, str]:
    sha = run.commit
    assert sha is not None
    repo = gitops.open_repo(root)
    if repo is None:
        raise RollbackRefusedError(
            f"run {run.id} was committed as {sha[:12]}, but {root} is no longer a git work tree"
        )
    try:
        surveys = _survey(root, run)
        names = _dirty(repo, [(s.real, s.entry.path) for s in surveys])
        if names:
            raise RollbackRefusedError(
                f"run {run.id} was committed; its files have uncommitted changes: "
                f"{_listing(names)}; commit or stash them before the revert"
            )
        changed = [s.entry.path for s in surveys if s.state == "changed"]
        if changed and not force:
            raise RollbackRefusedError(
                f"{len(changed)} file(s) changed after run {run.id}: {_listing(changed)}; "
                "use --force to revert its commit anyway"
            )
        try:
            subject = str(repo.commit(sha).summary)
        except (ValueError, git.BadName):
            raise RollbackRefusedError(f"commit {sha[:12]} of run {run.id} is gone") from None
        message = gitops.commit_message(
            [f'Revert "{subject}"', "", f"This reverts commit {sha}."], run.id
        )
        revert = gitops.revert_commit(repo, sha, message)
        run.set_git(revert_commit=revert)
        # Files git did not commit (ignored ones) still hold the run's bytes: restore them directly.
        left = [s for s in _survey(root, run) if s.state == "written"]
        leftovers = _restore(root, run, left, force=False) if left else None
    finally:
        repo.close()
    restored = tuple(s.entry.path for s in surveys if s.state != "untouched" and s.entry.old_sha256)
    removed = tuple(
        s.entry.path for s in surveys if s.state != "untouched" and not s.entry.old_sha256
    )
    if leftovers is not None:
        restored = tuple(sorted(set(restored) | set(leftovers.restored)))
        removed = tuple(sorted(set(removed) | set(leftovers.removed)))
    untouched = tuple(s.entry.path for s in surveys if s.state == "untouched")
    return _Outcome(restored, removed, untouched, tuple(changed)), revert
