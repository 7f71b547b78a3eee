"""From a plan to file patches: run the codemods on every planned file (in a pool) and diff them."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codemods.api import transform_source  # imported before forking: workers share it
from codemods.spec import FileSpec, Note
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


@dataclass(frozen=True, slots=True)
class PatchSet:
    patches: tuple[FilePatch, ...]
    outcomes: tuple[FileOutcome, ...]

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
    """Run the codemods for ``plan`` and return one patch per changed file (sorted by path)."""
    tasks = [(str(root), spec) for spec in plan.specs]
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
    return PatchSet(tuple(patches), tuple(outcomes))
