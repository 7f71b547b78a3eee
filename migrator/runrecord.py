"""The records a run's ``run.json`` holds: frozen values, validated field by field when read back.

A hand-edited or damaged ``run.json`` gives :class:`BadRecord` naming the first key with the wrong
shape (``files[2].mode: expected an integer or null, got 'x'``); the journal turns it into one line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from migrator.patches import PatchKind

RunStatus = Literal["pending", "applied", "failed", "rolling-back", "rolled-back", "incomplete"]
RUN_STATUSES: tuple[RunStatus, ...] = (
    "pending",
    "applied",
    "failed",
    "rolling-back",
    "rolled-back",
    "incomplete",
)
JOURNAL_VERSION = 2

Scalar = str | int | float | bool | None


# -- validated reading -----------------------------------------------------------------------------


class BadRecord(Exception):
    """A field of run.json has the wrong shape (caught once and turned into a MigratorError)."""


def _field(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(key)
    if value is None and not isinstance(None, kind):
        raise BadRecord(f"{where}{key}: missing")
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise BadRecord(f"{where}{key}: expected {_kind_name(kind)}, got {value!r}")
    if not isinstance(value, kind):
        raise BadRecord(f"{where}{key}: expected {_kind_name(kind)}, got {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    named = [names.get(k, "null" if k is type(None) else k.__name__) for k in kinds]
    return " or ".join(named)


_OptStr = (str, type(None))
_OptInt = (int, type(None))


def _strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise BadRecord(f"{where}{key}: expected a list of strings")
    return tuple(items)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadRecord(f"{where.rstrip('.')}: expected an object, got {value!r}")
    return value


# -- records ---------------------------------------------------------------------------------------


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
    def from_json(cls, data: Mapping[str, Any], where: str = "") -> JournalFile:
        kind = _field(data, "kind", str, where)
        if kind not in ("modify", "create", "delete"):
            raise BadRecord(f"{where}kind: unknown file kind {kind!r}")
        entry = cls(
            path=_field(data, "path", str, where),
            kind=kind,
            old_sha256=_field(data, "old_sha256", _OptStr, where),
            new_sha256=_field(data, "new_sha256", _OptStr, where),
            mode=_field(data, "mode", _OptInt, where),
            created_dirs=_strings(data, "created_dirs", where),
        )
        for key in ("old_sha256", "new_sha256"):
            value = getattr(entry, key)
            if value is not None and not re.fullmatch(r"[0-9a-f]{64}", value):
                raise BadRecord(f"{where}{key}: not a sha256: {value!r}")
        return entry


@dataclass(frozen=True, slots=True)
class IntendedCommit:
    """Written before ``git commit`` (or ``git revert``) runs, so a crash in between is reconciled.

    ``blobs`` maps each path to the git blob id of the content the run staged (None: deleted), so an
    interrupted commit's staged entries can be put back without touching anything else in the index.
    """

    kind: Literal["commit", "revert"]
    parent: str | None
    blobs: tuple[tuple[str, str | None], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "parent": self.parent, "blobs": dict(self.blobs)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> IntendedCommit:
        kind = _field(data, "kind", str, where)
        if kind not in ("commit", "revert"):
            raise BadRecord(f"{where}kind: expected 'commit' or 'revert', got {kind!r}")
        blobs = _mapping(data.get("blobs") or {}, f"{where}blobs")
        if not all(isinstance(v, (str, type(None))) for v in blobs.values()):
            raise BadRecord(f"{where}blobs: expected strings or null")
        return cls(kind, _field(data, "parent", _OptStr, where), tuple(sorted(blobs.items())))


@dataclass(frozen=True, slots=True)
class GitRecord:
    """What git looked like before the run, and what the run did in git."""

    original_branch: str | None = None  # None when HEAD was detached
    original_commit: str | None = None  # None before the first commit
    branch: str | None = None  # the branch the run created and switched to
    commit: str | None = None
    revert_commit: str | None = None
    intended: IntendedCommit | None = None  # a commit or revert in flight (see IntendedCommit)

    def to_json(self) -> dict[str, Any]:
        return {
            "original_branch": self.original_branch,
            "original_commit": self.original_commit,
            "branch": self.branch,
            "commit": self.commit,
            "revert_commit": self.revert_commit,
            "intended": None if self.intended is None else self.intended.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> GitRecord:
        intended = data.get("intended")
        return cls(
            **{key: _field(data, key, _OptStr, where) for key in _GIT_KEYS},
            intended=None
            if intended is None
            else IntendedCommit.from_json(
                _mapping(intended, f"{where}intended"), f"{where}intended."
            ),
        )


_GIT_KEYS = ("original_branch", "original_commit", "branch", "commit", "revert_commit")


@dataclass(frozen=True, slots=True)
class SavedFile:
    """A later edit that a forced rollback overwrote, kept under the run's directory."""

    path: str  # the repository path that was overwritten
    saved_as: str  # where its bytes are now, relative to the repository root

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "saved_as": self.saved_as}


@dataclass(frozen=True, slots=True)
class RollbackRecord:
    """What a rollback (or the automatic one after a failed verify) did, file by file."""

    restored: tuple[str, ...] = ()  # modified files put back, deleted files recreated
    removed: tuple[str, ...] = ()  # files the run created, removed again
    untouched: tuple[str, ...] = ()  # files the run never got to write
    forced: tuple[SavedFile, ...] = ()  # files changed after the run, overwritten (and saved)
    revert_commit: str | None = None
    branch_deleted: str | None = None  # the empty branch the run had created, deleted again

    def with_branch_deleted(self, branch: str) -> RollbackRecord:
        return dataclasses.replace(self, branch_deleted=branch)

    def to_json(self) -> dict[str, Any]:
        return {
            "restored": list(self.restored),
            "removed": list(self.removed),
            "untouched": list(self.untouched),
            "forced": [saved.to_json() for saved in self.forced],
            "revert_commit": self.revert_commit,
            "branch_deleted": self.branch_deleted,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> RollbackRecord:
        forced_items = data.get("forced") or []
        if not isinstance(forced_items, list):
            raise BadRecord(f"{where}forced: expected a list")
        forced = []
        for index, item in enumerate(forced_items):
            here = f"{where}forced[{index}]."
            item = _mapping(item, here)
            forced.append(
                SavedFile(_field(item, "path", str, here), _field(item, "saved_as", str, here))
            )
        return cls(
            restored=_strings(data, "restored", where),
            removed=_strings(data, "removed", where),
            untouched=_strings(data, "untouched", where),
            forced=tuple(forced),
            revert_commit=_field(data, "revert_commit", _OptStr, where),
            branch_deleted=_field(data, "branch_deleted", _OptStr, where),
        )


@dataclass(frozen=True, slots=True)
class VerifyRecord:
    command: str
    exit_code: int | None  # None when it was killed on timeout
    timed_out: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"command": self.command, "exit_code": self.exit_code, "timed_out": self.timed_out}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> VerifyRecord:
        return cls(
            _field(data, "command", str, where),
            _field(data, "exit_code", _OptInt, where),
            bool(_field(data, "timed_out", (bool, type(None)), where)),
        )


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Everything ``run.json`` holds (frozen: a change is a new record, saved atomically)."""

    id: str
    created: str
    updated: str
    status: RunStatus
    pid: int
    host: str | None
    options: tuple[tuple[str, Scalar], ...] = ()
    git: GitRecord | None = None
    files: tuple[JournalFile, ...] = ()
    error: str | None = None
    verify: VerifyRecord | None = None
    rollback: RollbackRecord | None = None
    version: int = JOURNAL_VERSION

    def option(self, name: str) -> Scalar:
        return dict(self.options).get(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "status": self.status,
            "pid": self.pid,
            "host": self.host,
            "options": dict(self.options),
            "git": None if self.git is None else self.git.to_json(),
            "files": [entry.to_json() for entry in self.files],
            "error": self.error,
            "verify": None if self.verify is None else self.verify.to_json(),
            "rollback": None if self.rollback is None else self.rollback.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any) -> RunRecord:
        """A validated record; ``_Bad`` names the first key with the wrong shape."""
        data = _mapping(data, "run.json")
        status = _field(data, "status", str, "")
        if status not in RUN_STATUSES:
            raise BadRecord(f"status: unknown status {status!r}")
        options = _mapping(data.get("options") or {}, "options")
        for key, value in options.items():
            if not isinstance(value, (str, int, float, bool, type(None))):
                raise BadRecord(f"options.{key}: expected a string, number, boolean or null")
        files = data.get("files") or []
        if not isinstance(files, list):
            raise BadRecord("files: expected a list")
        git = data.get("git")
        verify = data.get("verify")
        rollback = data.get("rollback")
        return cls(
            id=_field(data, "id", str, ""),
            created=_field(data, "created", str, ""),
            updated=_field(data, "updated", (str, type(None)), "") or "",
            status=cast(RunStatus, status),
            pid=_field(data, "pid", int, ""),
            host=_field(data, "host", _OptStr, ""),
            options=tuple(sorted(options.items())),
            git=None if git is None else GitRecord.from_json(_mapping(git, "git"), "git."),
            files=tuple(
                JournalFile.from_json(_mapping(item, f"files[{i}]"), f"files[{i}].")
                for i, item in enumerate(files)
            ),
            error=_field(data, "error", _OptStr, ""),
            verify=None
            if verify is None
            else VerifyRecord.from_json(_mapping(verify, "verify"), "verify."),
            rollback=None
            if rollback is None
            else RollbackRecord.from_json(_mapping(rollback, "rollback"), "rollback."),
            version=_field(data, "version", int, ""),
        )
