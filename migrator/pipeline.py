"""From a plan to file patches: run the codemods on every planned file (in a pool) and diff them."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codemods.api import transform_source  # imported before forking: workers share it
from codemods.spec import FileSpec, Note
from migrator.faults import checkpoint
from migrator.findings import Plan
from migrator.parallel import pmap
from migrator.patches import FilePatch, make_patch


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What the codemods did to one file (frozen, picklable: it comes back from a worker)."""

    path: str
    old: bytes | None
    new: bytes | None
    mode: int | None
    notes: tuple[Note, ...] = ()
    error: str | None = None
    error_line: int | None = None

    def error_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.error_line, "error": self.error}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A planned file left alone before any codemod ran (a symlink), and why."""

    path: str
    reason: str
    warn: bool = True  # False for an alias whose target is rewritten anyway

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class PatchSet:
    patches: tuple[FilePatch, ...]
    outcomes: tuple[FileOutcome, ...]
    skipped: tuple[Skipped, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Every patch (path, kind, hashes), every file that failed, every file skipped."""
        return {
            "changed": len(self.patches),
            "files": [
                {"path": p.path, "kind": p.kind, "old_sha256": p.old_hash, "new_sha256": p.new_hash}
                for p in self.patches
            ],
            "errors": [o.error_json() for o in self.errors],
            "skipped": [s.to_json() for s in self.skipped],
        }

    @property
    def errors(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.error is not None)

    @property
    def notes(self) -> tuple[tuple[str, Note], ...]:
        return tuple((o.path, n) for o in self.outcomes for n in o.notes)


def _transform(task: tuple[str, FileSpec]) -> FileOutcome:
    root, spec = task
    full = os.path.join(root, spec.path)
    try:
        data = Path(full).read_bytes()
        mode = os.stat(full).st_mode
    except OSError as exc:
        return FileOutcome(
            spec.path, None, None, None, error=f"cannot read: {exc.strerror}", error_line=1
        )
    result = transform_source(data, spec)
    if result.new is None:
        return FileOutcome(
            spec.path,
            data,
            None,
            mode,
            result.notes,
            result.error or "cannot transform",
            result.error_line or 1,
        )
    return FileOutcome(spec.path, data, result.new, mode, result.notes)


def compute_patches(
    root: Path,
    plan: Plan,
    *,
    jobs: int | None = None,
    retire_shims: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> PatchSet:
    """Run the codemods for ``plan`` and return one patch per changed file (sorted by path).

    A planned file reached through a symlink is never rewritten through the link: when its target is
    a planned file too, the target gets the rewrite (once); otherwise it is skipped with a warning, and
    left out of the patches, so one link cannot block ``git apply`` or ``apply`` for the rest.
    """
    root = Path(os.path.realpath(root))
    specs, skipped = _without_links(root, plan)
    checkpoint("rewrite.start")  # the fail-fast tests check that refusals come before this
    tasks = [(str(root), spec) for spec in specs]
    outcomes: list[FileOutcome] = []
    for i, outcome in enumerate(pmap(_transform, tasks, jobs, min_parallel=8)):
        outcomes.append(outcome)
        if progress:
            progress("rewrite", i + 1, len(tasks))
    patches: list[FilePatch] = [
        make_patch(o.path, o.old, o.new, o.mode)
        for o in outcomes
        if o.error is None and o.new is not None and o.new != o.old
    ]
    if retire_shims:
        retired = set(plan.retire)
        patches = [p for p in patches if p.path not in retired]
        for path in plan.retire:
            full = root / path
            try:
                data = full.read_bytes()
                mode = full.stat().st_mode
            except OSError:
                continue
            patches.append(make_patch(path, data, None, mode))
    patches.sort(key=lambda p: p.path)
    return PatchSet(tuple(patches), tuple(outcomes), tuple(skipped))


def _without_links(root: Path, plan: Plan) -> tuple[list[FileSpec], list[Skipped]]:
    planned = {spec.path for spec in plan.specs}
    specs: list[FileSpec] = []
    skipped: list[Skipped] = []
    for spec in plan.specs:
        lexical = os.path.join(root, *spec.path.split("/"))
        real = os.path.realpath(lexical)
        if real == lexical:
            specs.append(spec)
            continue
        target = os.path.relpath(real, root).replace(os.sep, "/")
        parts = target.split("/")
        if target.startswith("../") or parts[0] in ("..", ".migrator") or ".git" in parts:
            where = "into .git" if ".git" in parts else "outside the repository"
            skipped.append(Skipped(spec.path, f"a symlink to {real}, {where}: left alone"))
        elif target in planned:
            reason = f"a symlink to {target}, which is rewritten instead"
            skipped.append(Skipped(spec.path, reason, warn=False))
        else:
            skipped.append(
                Skipped(
                    spec.path, f"a symlink to {target}, which the plan does not rewrite: left alone"
                )
            )
    return specs, skipped
