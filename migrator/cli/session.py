"""The work most commands start with: find the root, load the config, plan, compute the patches.

Warnings (unparseable files, files a codemod could not transform) go to stderr here, once, so every
command reports them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rich.markup import escape

from migrator.cli.base import Globals, err_console, project_root
from migrator.cli.progress import ProgressLine
from migrator.config import Config, load_config
from migrator.errors import ConfigError
from migrator.findings import Plan
from migrator.planner import PlanOptions, make_plan

if TYPE_CHECKING:
    from migrator.pipeline import PatchSet

# The writing side (libcst, the codemods, GitPython) is imported by the commands that need it, so
# `plan` and `check` start fast.


@dataclass(frozen=True, slots=True)
class Session:
    root: Path
    config: Config
    globals: Globals


def open_session(path: Path, g: Globals, *, migration: bool = False) -> Session:
    """Root and config for a PATH argument; with ``migration``, refuse a config that migrates nothing."""
    root = project_root(path)
    config = load_config(root, g.config)
    if migration and not config.migration_configured:
        where = config.source.name if config.source is not None else str(root)
        raise ConfigError(
            f"{where}: no migration configured (no [[symbols]], [[factories]] or [[calls]]); "
            "run `migrator init` to propose one"
        )
    return Session(root, config, g)


def plan(s: Session, strings: Literal["code", "all"] = "code") -> Plan:
    g = s.globals
    with ProgressLine(g.quiet) as progress:
        result = make_plan(
            s.root,
            config=s.config,
            options=PlanOptions(jobs=g.jobs, use_cache=g.use_cache, strings=strings),
            progress=progress,
        )
    if not g.quiet:
        err = err_console()
        for u in result.report.unparseable:
            err.print(
                f"[yellow]warning[/yellow]: {escape(f'{u.path}:{u.line}: {u.error}')} (skipped)"
            )
    return result


def patches(s: Session, result: Plan, *, retire_shims: bool) -> PatchSet:
    from migrator.pipeline import compute_patches

    g = s.globals
    with ProgressLine(g.quiet) as progress:
        patchset = compute_patches(
            s.root, result, jobs=g.jobs, retire_shims=retire_shims, progress=progress
        )
    if not g.quiet:
        err = err_console()
        for o in patchset.errors:
            where = escape(f"{o.path}:{o.error_line}: {o.error}")
            err.print(f"[yellow]warning[/yellow]: {where} (skipped)")
        for skipped in patchset.skipped:
            if skipped.warn:
                err.print(f"warning: {skipped.path}: {skipped.reason}", markup=False)
        for p, note in patchset.notes:
            if note.code not in ("kept",):
                err.print(f"note: {p}:{note.line}: {note.message} [{note.code}]", markup=False)
    return patchset
