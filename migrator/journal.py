"""The run journal under ``<root>/.migrator/runs/``: one directory per apply, written before any file is.

Layout::

    .migrator/runs/<id>/run.json          the run: options, status, git facts, files and their hashes
    .migrator/runs/<id>/originals/<sha>   the original bytes of every modified or deleted file
    .migrator/runs/<id>/overwritten/...   later edits a forced rollback overwrote, under their own path

``run.json`` holds a :class:`RunRecord` and is always replaced atomically (temp file, fsync, rename), so
a reader sees the old or the new record, never half of one. A record read back is validated field by
field: a hand-edited ``run.json`` is a one-line error naming the key, never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import shutil
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from migrator.errors import MigratorError, RefusedError
from migrator.fsutil import (
    atomic_write,
    fsync_dir,
    in_parallel,
    make_dir_nofollow,
    os_error_text,
    read_nofollow,
)
from migrator.patches import PatchKind, sha256_hex
from migrator.runrecord import (
    BadRecord,
    GitRecord,
    IntendedCommit,
    JournalFile,
    RollbackRecord,
    RunRecord,
    RunStatus,
    SavedFile,
    Scalar,
    VerifyRecord,
)
from migrator.state import STATE_DIR, check_state_dir, ensure_state_dir, state_dir

RUN_ID_RE = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{6}$")
_RUN_JSON_LIMIT = 256 << 20


def runs_dir(root: Path) -> Path:
    return state_dir(root) / "runs"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def pid_alive(pid: int, host: str | None = None) -> bool:
    """Whether process ``pid`` runs (on another host we cannot tell, so it counts as alive)."""
    if host is not None and host != socket.gethostname():
        return True
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A summary row for ``migrator runs``."""

    id: str
    created: str
    status: str
    files: int
    branch: str | None
    commit: str | None
    error: str | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# -- a run on disk ---------------------------------------------------------------------------------


class Run:
    """One recorded run: its directory and its current record. Every change is saved atomically."""

    def __init__(self, root: Path, directory: Path, record: RunRecord) -> None:
        self.root = root
        self.directory = directory
        self.record = record
        self._pending_blobs: dict[str, bytes] = {}

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def stored_status(self) -> RunStatus:
        return self.record.status

    @property
    def status(self) -> RunStatus:
        """The recorded status, except that an unfinished one whose process is gone is "incomplete"."""
        status = self.record.status
        if status in ("pending", "rolling-back") and not pid_alive(
            self.record.pid, self.record.host
        ):
            return "incomplete"
        return status

    @property
    def files(self) -> tuple[JournalFile, ...]:
        return self.record.files

    @property
    def git(self) -> GitRecord:
        return self.record.git or GitRecord()

    @property
    def commit(self) -> str | None:
        return self.git.commit

    def original(self, sha256: str) -> bytes:
        """The original bytes recorded under ``sha256`` (verified)."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise MigratorError(f"run {self.id}: bad original hash {sha256!r}")
        blob = self.directory / "originals" / sha256
        try:
            data = read_nofollow(blob)
        except FileNotFoundError:
            raise MigratorError(f"run {self.id}: the original {blob} is missing") from None
        except OSError as exc:
            raise MigratorError(f"run {self.id}: cannot read {os_error_text(exc)}") from None
        if sha256_hex(data) != sha256:
            raise MigratorError(f"run {self.id}: the original {blob} is corrupt")
        return data

    def info(self) -> RunInfo:
        git = self.git
        return RunInfo(
            self.id, self.record.created, self.status, len(self.files), git.branch, git.commit,
            self.record.error,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The record as saved, with the status as it reads now (an unfinished run may be "incomplete")."""
        data = self.record.to_json()
        data["status"] = self.status
        return data

    # -- writing --

    def record_file(
        self,
        path: str,
        *,
        original: bytes | None,
        new_sha256: str | None,
        mode: int | None,
        created_dirs: Sequence[str] = (),
        save: bool = True,
    ) -> JournalFile:
        """Record one file; its original bytes go to ``originals/<sha256>`` on the next save.

        With ``save=False`` the caller records many files and then calls :meth:`save` once, before the
        first file is written: the originals are then written and fsynced together.
        """
        if original is None and new_sha256 is None:
            raise ValueError(f"{path}: a file needs original or new content")
        kind: PatchKind = (
            "create" if original is None else "delete" if new_sha256 is None else "modify"
        )
        old_sha256 = None
        if original is not None:
            old_sha256 = sha256_hex(original)
            self._pending_blobs[old_sha256] = original
        entry = JournalFile(path, kind, old_sha256, new_sha256, mode, tuple(created_dirs))
        self.record = dataclasses.replace(self.record, files=(*self.record.files, entry))
        if save:
            self.save()
        return entry

    def update(self, **changes: Any) -> None:
        """Replace fields of the record (``updated`` is set) and save it."""
        self.record = dataclasses.replace(self.record, updated=_now(), **changes)
        self.save()

    def update_git(self, **changes: Any) -> None:
        """Replace fields of the git record and save."""
        self.update(git=dataclasses.replace(self.git, **changes))

    def save(self) -> None:
        """Write pending originals, then ``run.json``; both durable when this returns."""
        if not self.directory.is_dir():  # removed under us (say, by a verify command)
            ensure_state_dir(self.root, "runs")
            make_dir_nofollow(self.directory)
            make_dir_nofollow(self.directory / "originals")
        if self._pending_blobs:
            originals = self.directory / "originals"
            blobs = [
                item
                for item in sorted(self._pending_blobs.items())
                if not os.path.lexists(originals / item[0])
            ]
            in_parallel(
                lambda item: atomic_write(originals / item[0], item[1], sync_dir=False), blobs
            )
            fsync_dir(originals)
            self._pending_blobs.clear()
        text = json.dumps(self.record.to_json(), indent=2, sort_keys=True) + "\n"
        atomic_write(self.directory / "run.json", text.encode("utf-8"))

    def save_overwritten(self, path: str, data: bytes, mode: int | None) -> str:
        """Keep ``data`` (a later edit a forced rollback overwrites) under ``overwritten/<path>``.

        Returns where it went, relative to the repository root.
        """
        directory = self.directory / "overwritten"
        make_dir_nofollow(directory)
        parts = path.split("/")
        for part in parts[:-1]:
            directory = directory / part
            make_dir_nofollow(directory)
        atomic_write(directory / parts[-1], data, mode)
        return (directory / parts[-1]).relative_to(self.root).as_posix()


def _new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def create_run(root: Path, options: Mapping[str, Scalar], *, git: GitRecord | None = None) -> Run:
    """Start a "pending" run: its directory, and ``run.json`` written and fsynced.

    On failure (a full disk, a file size limit) nothing of the run is left behind.
    """
    base = ensure_state_dir(root, "runs")
    while True:
        run_id = _new_run_id()
        directory = base / run_id
        try:
            directory.mkdir()
        except FileExistsError:
            continue
        break
    now = _now()
    record = RunRecord(
        id=run_id,
        created=now,
        updated=now,
        status="pending",
        pid=os.getpid(),
        host=socket.gethostname(),
        options=tuple(sorted(options.items())),
        git=git,
    )
    run = Run(root, directory, record)
    try:
        (directory / "originals").mkdir()
        run.save()
        fsync_dir(base)
    except BaseException:
        discard_run(run)
        raise
    return run


def discard_run(run: Run) -> None:
    """Remove a run's directory (a run that wrote nothing is not kept)."""
    shutil.rmtree(run.directory, ignore_errors=True)
    fsync_dir(run.directory.parent)


# -- finding runs ----------------------------------------------------------------------------------


def read_run(root: Path, directory: Path) -> Run:
    """The run in ``directory``; MigratorError (one line, naming the key) when run.json is bad."""
    name = directory.name
    try:
        data = json.loads(read_nofollow(directory / "run.json", _RUN_JSON_LIMIT))
    except FileNotFoundError:
        raise MigratorError(f"run {name}: {directory / 'run.json'} is missing") from None
    except OSError as exc:
        raise MigratorError(f"run {name}: cannot read run.json: {os_error_text(exc)}") from None
    except ValueError as exc:
        raise MigratorError(f"run {name}: run.json is not valid JSON: {exc}") from None
    try:
        record = RunRecord.from_json(data)
    except BadRecord as exc:
        raise MigratorError(f"run {name}: run.json: {exc}") from None
    if record.id != name:
        raise MigratorError(f"run {name}: run.json describes run {record.id!r}")
    return Run(root, directory, record)


def run_dirs(root: Path) -> list[Path]:
    """Directories of recorded runs, oldest first (ids start with their UTC time)."""
    base = runs_dir(root)
    try:
        entries = list(os.scandir(base))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise MigratorError(f"cannot read {os_error_text(exc)}") from None
    found = [
        Path(entry.path)
        for entry in entries
        if RUN_ID_RE.match(entry.name) and entry.is_dir(follow_symlinks=False)
    ]
    return sorted(found, key=lambda path: path.name)


@dataclass(frozen=True, slots=True)
class UnreadableRun:
    """A run directory whose ``run.json`` cannot be read or is malformed."""

    id: str
    error: MigratorError


def load_runs(root: Path) -> list[Run | UnreadableRun]:
    """Every run, oldest first (by creation time); unreadable ones in their place by id."""
    loaded: list[tuple[str, str, Run | UnreadableRun]] = []
    for directory in run_dirs(root):
        try:
            run = read_run(root, directory)
        except MigratorError as exc:
            loaded.append((directory.name, directory.name, UnreadableRun(directory.name, exc)))
        else:
            loaded.append((run.record.created, run.id, run))
    loaded.sort(key=lambda item: (_second(item[0]), item[0], item[1]))
    return [item[2] for item in loaded]


def _second(created: str) -> str:
    """A time to the second, comparable between a run id ("20240102T030405-...") and an ISO time."""
    return re.sub(r"\D", "", created.split("-", 1)[0] if "T" in created[:9] else created)[:14]


def load_run(root: Path, run_id: str | None = None) -> Run:
    """The run ``run_id`` (an id or a unique prefix of one), or the latest run by default."""
    if run_id is None:
        runs = load_runs(root)
        if not runs:
            raise RefusedError(f"no migrator runs are recorded under {runs_dir(root)}")
        if isinstance(runs[-1], UnreadableRun):
            raise runs[-1].error
        return runs[-1]
    if not re.fullmatch(r"[0-9A-Za-z-]+", run_id):
        raise RefusedError(f"not a run id: {run_id!r}")
    matches = [d for d in run_dirs(root) if d.name.startswith(run_id)]
    exact = [d for d in matches if d.name == run_id]
    if exact:
        matches = exact
    if not matches:
        raise RefusedError(f"no run {run_id!r} under {runs_dir(root)} (see `migrator runs`)")
    if len(matches) > 1:
        names = ", ".join(d.name for d in matches)
        raise RefusedError(f"run id {run_id!r} is ambiguous: {names}")
    return read_run(root, matches[0])


def latest_to_undo(root: Path) -> Run:
    """The newest run not rolled back yet: successive ``rollback`` calls walk back through runs.

    A newer run that cannot be read stops the walk (MigratorError): undoing an older run under it
    could lose its changes.
    """
    runs = load_runs(root)
    if not runs:
        raise RefusedError(f"no migrator runs are recorded under {runs_dir(root)}")
    for run in reversed(runs):
        if isinstance(run, UnreadableRun):
            raise MigratorError(f"{run.error}; fix or remove it, or name the run to roll back")
        if run.stored_status != "rolled-back":
            return run
    raise RefusedError(
        f"every recorded run was already rolled back (the last one is {runs[-1].id})"
    )


def list_runs(root: Path) -> list[RunInfo]:
    """Every run, oldest first; unfinished runs whose process is gone show as "incomplete"."""
    check_state_dir(root)
    return [
        RunInfo(run.id, "", "unreadable", 0, None, None, str(run.error))
        if isinstance(run, UnreadableRun)
        else run.info()
        for run in load_runs(root)
    ]


__all__ = [
    "RUN_ID_RE",
    "STATE_DIR",
    "GitRecord",
    "IntendedCommit",
    "JournalFile",
    "RollbackRecord",
    "Run",
    "RunInfo",
    "RunRecord",
    "SavedFile",
    "UnreadableRun",
    "VerifyRecord",
    "create_run",
    "latest_to_undo",
    "list_runs",
    "load_run",
]
