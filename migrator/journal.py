"""The run journal under ``<root>/.migrator/``: one directory per apply, written before any file is.

Layout::

    .migrator/lock                      pid and host of the process applying or rolling back
    .migrator/runs/<id>/run.json        the run: options, status, git info, files and their hashes
    .migrator/runs/<id>/originals/<sha> the original bytes of every modified or deleted file

``run.json`` is always replaced atomically (temp file, fsync, rename), so a reader sees the old or the new
status, never half of it. A run still "pending" whose process is gone is reported as "incomplete".
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TypeVar

from migrator import gitops
from migrator.errors import MigratorError, RefusedError
from migrator.patches import PatchKind, sha256_hex

RunStatus = Literal["pending", "applied", "failed", "rolled-back", "incomplete"]

STATE_DIR = ".migrator"
JOURNAL_VERSION = 1
RUN_ID_RE = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{6}$")
_STALE_EMPTY_LOCK_SECONDS = 10.0


def state_dir(root: Path) -> Path:
    return root / STATE_DIR


def runs_dir(root: Path) -> Path:
    return state_dir(root) / "runs"


def lock_path(root: Path) -> Path:
    return state_dir(root) / "lock"


# -- durable file helpers (also used by the applier) ----------------------------------------------


def fsync_dir(directory: Path | str) -> None:
    """Make a rename or unlink in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(
    path: Path | str, data: bytes, mode: int | None = None, *, sync_dir: bool = True
) -> None:
    """Write ``data`` to ``path`` atomically: a temp file in the same directory, fsync, rename.

    ``mode`` (permission bits of an st_mode) is applied to the new file; without it a new file gets the
    usual ``0o666 & ~umask``. With ``sync_dir=False`` the caller fsyncs the directory later (once for
    many files).
    """
    target = os.fspath(path)
    directory, name = os.path.split(target)
    directory = directory or "."
    temp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.migrator-tmp")
    write_durable(temp, data, mode)
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if sync_dir:
        fsync_dir(directory)


def write_durable(path: Path | str, data: bytes, mode: int | None = None) -> None:
    """Create ``path`` (it must not exist; a symlink is not followed), write, chmod and fsync it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if mode is not None:
                os.fchmod(fd, mode & 0o7777)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


_T = TypeVar("_T")


def in_parallel(function: Callable[[_T], object], items: Sequence[_T]) -> None:
    """Run ``function`` on every item, in threads when there are several (fsyncs overlap well).

    Every item is attempted; the first exception (in item order) is raised afterwards.
    """
    if len(items) < 4:
        for item in items:
            function(item)
        return
    with ThreadPoolExecutor(max_workers=min(16, len(items))) as pool:
        futures = [pool.submit(function, item) for item in items]
    for future in futures:
        future.result()


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


# -- lock ------------------------------------------------------------------------------------------


def _read_lock(path: Path) -> tuple[int | None, str | None, float]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None, None, 0.0
    lines = text.split("\n")
    try:
        pid = int(lines[0].strip())
    except ValueError:
        pid = None
    host = lines[1].strip() if len(lines) > 1 and lines[1].strip() else None
    return pid, host, age


def _try_create_lock(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        os.write(fd, f"{os.getpid()}\n{socket.gethostname()}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


@contextlib.contextmanager
def run_lock(root: Path) -> Iterator[Path]:
    """Hold ``<root>/.migrator/lock`` (O_CREAT|O_EXCL, holding our pid); a dead pid's lock is taken over."""
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not _try_create_lock(path):
        pid, host, age = _read_lock(path)
        stale = (pid is not None and not pid_alive(pid, host)) or (
            pid is None and age > _STALE_EMPTY_LOCK_SECONDS
        )
        if not stale:
            owner = f"process {pid}" if pid is not None else "another process"
            if host and host != socket.gethostname():
                owner += f" on {host}"
            raise RefusedError(
                f"another migrator run holds the lock {path} ({owner}); wait for it to finish, "
                "or remove the lock file if that process is gone"
            )
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        if not _try_create_lock(path):
            raise RefusedError(f"another migrator run took the lock {path} just now; try again")
    try:
        yield path
    finally:
        pid, _, _ = _read_lock(path)
        if pid == os.getpid():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


# -- runs ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JournalFile:
    """One file of a run: hashes before and after (None where the file does not exist)."""

    path: str
    kind: PatchKind
    old_sha256: str | None
    new_sha256: str | None
    mode: int | None
    created_dirs: tuple[str, ...] = ()  # parent directories the apply creates, deepest last

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "old_sha256": self.old_sha256,
            "new_sha256": self.new_sha256,
            "mode": self.mode,
            "created_dirs": list(self.created_dirs),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JournalFile:
        kind = data["kind"]
        if kind not in ("modify", "create", "delete"):
            raise ValueError(f"unknown file kind {kind!r}")
        return cls(
            path=str(data["path"]),
            kind=kind,
            old_sha256=data.get("old_sha256"),
            new_sha256=data.get("new_sha256"),
            mode=data.get("mode"),
            created_dirs=tuple(data.get("created_dirs") or ()),
        )


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


class Run:
    """One recorded run. Mutations are saved to ``run.json`` atomically."""

    def __init__(self, root: Path, directory: Path, data: dict[str, Any]) -> None:
        self.root = root
        self.directory = directory
        self._data = data
        self._files = [JournalFile.from_json(item) for item in data.get("files", [])]
        self._pending_blobs: dict[str, bytes] = {}

    # -- reading --

    @property
    def id(self) -> str:
        return str(self._data["id"])

    @property
    def created(self) -> str:
        return str(self._data["created"])

    @property
    def stored_status(self) -> RunStatus:
        status: RunStatus = self._data["status"]
        return status

    @property
    def status(self) -> RunStatus:
        """The recorded status, except that "pending" with its process gone reads "incomplete"."""
        status = self.stored_status
        if status == "pending" and not pid_alive(
            int(self._data.get("pid", 0)), self._data.get("host")
        ):
            return "incomplete"
        return status

    @property
    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = self._data.get("options", {})
        return options

    @property
    def files(self) -> tuple[JournalFile, ...]:
        return tuple(self._files)

    @property
    def git(self) -> dict[str, Any]:
        git: dict[str, Any] = self._data.get("git") or {}
        return git

    @property
    def commit(self) -> str | None:
        commit = self.git.get("commit")
        return None if commit is None else str(commit)

    @property
    def error(self) -> str | None:
        error = self._data.get("error")
        return None if error is None else str(error)

    @property
    def data(self) -> dict[str, Any]:
        """A copy of everything recorded (for ``--json`` output)."""
        copied: dict[str, Any] = json.loads(json.dumps(self._data))
        return copied

    def original(self, sha256: str) -> bytes:
        """The original bytes recorded under ``sha256`` (verified)."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise MigratorError(f"run {self.id}: bad original hash {sha256!r}")
        blob = self.directory / "originals" / sha256
        try:
            data = blob.read_bytes()
        except FileNotFoundError:
            raise MigratorError(f"run {self.id}: the original {blob} is missing") from None
        if sha256_hex(data) != sha256:
            raise MigratorError(f"run {self.id}: the original {blob} is corrupt")
        return data

    def info(self) -> RunInfo:
        return RunInfo(
            id=self.id,
            created=self.created,
            status=self.status,
            files=len(self._files),
            branch=self.git.get("branch"),
            commit=self.commit,
            error=self.error,
        )

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
            if not (self.directory / "originals" / old_sha256).exists():
                self._pending_blobs[old_sha256] = original
        entry = JournalFile(
            path=path,
            kind=kind,
            old_sha256=old_sha256,
            new_sha256=new_sha256,
            mode=mode,
            created_dirs=tuple(created_dirs),
        )
        self._files.append(entry)
        if save:
            self.save()
        return entry

    def set_git(self, **info: str | None) -> None:
        """Merge git facts (original_branch, original_commit, branch, commit, revert_commit) and save."""
        git = dict(self.git)
        git.update(info)
        self._data["git"] = git
        self.save()

    def set_status(self, status: RunStatus, *, error: str | None = None, **extra: Any) -> None:
        """Record a new status (and optional error and extra fields) atomically."""
        self._data["status"] = status
        self._data["updated"] = _now()
        if error is not None:
            self._data["error"] = error
        self._data.update(extra)
        self.save()

    def save(self) -> None:
        """Write pending originals, then ``run.json``; both durable when this returns."""
        if self._pending_blobs:
            originals = self.directory / "originals"
            blobs = sorted(self._pending_blobs.items())
            in_parallel(
                lambda item: atomic_write(originals / item[0], item[1], sync_dir=False), blobs
            )
            fsync_dir(originals)
            self._pending_blobs.clear()
        self._data["files"] = [entry.to_json() for entry in self._files]
        text = json.dumps(self._data, indent=2, sort_keys=True) + "\n"
        atomic_write(self.directory / "run.json", text.encode("utf-8"))


def _new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


class Journal:
    """Where runs live: ``<root>/.migrator/runs``."""

    @staticmethod
    def create(
        root: Path,
        options: Mapping[str, Any],
        *,
        git: Mapping[str, str | None] | None = None,
    ) -> Run:
        """Start a "pending" run (``run.json`` written and fsynced) and keep ``.migrator/`` out of git."""
        base = runs_dir(root)
        base.mkdir(parents=True, exist_ok=True)
        gitops.exclude_state_dir(root, STATE_DIR)
        while True:
            run_id = _new_run_id()
            directory = base / run_id
            try:
                directory.mkdir()
            except FileExistsError:
                continue
            break
        (directory / "originals").mkdir()
        fsync_dir(base)
        now = _now()
        data: dict[str, Any] = {
            "version": JOURNAL_VERSION,
            "id": run_id,
            "created": now,
            "updated": now,
            "status": "pending",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "options": json.loads(json.dumps(dict(options), default=str)),
            "git": dict(git) if git else None,
            "error": None,
            "files": [],
        }
        run = Run(root, directory, data)
        run.save()
        return run


def _read_run(root: Path, directory: Path) -> Run:
    try:
        data = json.loads((directory / "run.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MigratorError(f"run {directory.name}: {directory / 'run.json'} is missing") from None
    except (OSError, ValueError) as exc:
        raise MigratorError(f"run {directory.name}: cannot read run.json: {exc}") from None
    if not isinstance(data, dict) or data.get("id") != directory.name:
        raise MigratorError(f"run {directory.name}: run.json does not describe this run")
    try:
        return Run(root, directory, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise MigratorError(f"run {directory.name}: run.json is malformed: {exc}") from None


def _run_dirs(root: Path) -> list[Path]:
    base = runs_dir(root)
    if not base.is_dir():
        return []
    return [
        entry
        for entry in base.iterdir()
        if RUN_ID_RE.match(entry.name) and (entry / "run.json").is_file()
    ]


def _load_all(root: Path) -> list[Run]:
    runs: list[Run] = []
    for directory in _run_dirs(root):
        with contextlib.suppress(MigratorError):
            runs.append(_read_run(root, directory))
    runs.sort(key=lambda run: (run.created, run.id))
    return runs


def load_run(root: Path, run_id: str | None = None) -> Run:
    """The run ``run_id`` (an id or a unique prefix of one), or the latest run by default."""
    if run_id is None:
        runs = _load_all(root)
        if not runs:
            raise RefusedError(f"no migrator runs are recorded under {runs_dir(root)}")
        return runs[-1]
    if not re.fullmatch(r"[0-9A-Za-z-]+", run_id):
        raise RefusedError(f"not a run id: {run_id!r}")
    matches = [d for d in _run_dirs(root) if d.name.startswith(run_id)]
    exact = [d for d in matches if d.name == run_id]
    if exact:
        matches = exact
    if not matches:
        raise RefusedError(f"no run {run_id!r} under {runs_dir(root)} (see `migrator runs`)")
    if len(matches) > 1:
        names = ", ".join(sorted(d.name for d in matches))
        raise RefusedError(f"run id {run_id!r} is ambiguous: {names}")
    return _read_run(root, matches[0])


def list_runs(root: Path) -> list[RunInfo]:
    """Every readable run, oldest first; a pending run whose process is gone shows as "incomplete"."""
    infos: list[RunInfo] = []
    for directory in _run_dirs(root):
        try:
            infos.append(_read_run(root, directory).info())
        except MigratorError as exc:
            infos.append(RunInfo(directory.name, "", "unreadable", 0, None, None, str(exc)))
    infos.sort(key=lambda info: (info.created, info.id))
    return infos
