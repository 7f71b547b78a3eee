"""``apply``: write the migration as a recorded run (per file or per hunk with ``--interactive``)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from migrator.cli import session
from migrator.cli.base import JSON_HELP, PathArg, app, err_console, globals_of
from migrator.cli.files import FILES_CONTEXT, FilesOpt, split_files
from migrator.cli.options import NoPagerOpt, RetireShimsOpt, Strings, StringsOpt


@app.command(context_settings=FILES_CONTEXT)
def apply(
    ctx: typer.Context,
    path: PathArg = Path("."),
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive", "-i", help="Review each file, and each hunk after 's', before writing."
        ),
    ] = False,
    branch: Annotated[
        str | None,
        typer.Option(
            "--branch", metavar="NAME", help="Create and switch to this new branch first."
        ),
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit exactly the changed files.")
    ] = False,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", metavar="MSG", help="Commit message (default: generated)."),
    ] = None,
    verify: Annotated[
        str | None,
        typer.Option(
            "--verify",
            metavar="CMD",
            help="Run this shell command after writing; roll everything back if it fails.",
        ),
    ] = None,
    verify_timeout: Annotated[
        float,
        typer.Option(
            "--verify-timeout",
            min=0,
            metavar="SECONDS",
            help="Seconds --verify may run before it is stopped and the run rolled back (0: no limit).",
        ),
    ] = 1800.0,
    allow_dirty: Annotated[
        bool, typer.Option("--allow-dirty", help="Write files that have uncommitted changes.")
    ] = False,
    retire_shims: RetireShimsOpt = False,
    strings: StringsOpt = Strings.code,
    no_pager: NoPagerOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    files: FilesOpt = False,
) -> None:
    """Write the migration as a recorded run.

    `migrator rollback` undoes it byte for byte. With --files (the pre-commit hook), only those
    files are rewritten (the whole project is still read to plan them)."""
    from migrator.applier import ApplyOptions, apply_patches
    from migrator.cli.review import Review
    from migrator.preflight import preflight, preflight_files

    path, only = split_files(ctx, path, files)
    s = session.open_session(path, globals_of(ctx), migration=True)
    options = ApplyOptions(
        allow_dirty=allow_dirty,
        branch=branch,
        commit=commit,
        message=message,
        verify=verify,
        verify_timeout=verify_timeout or None,
    )
    preflight(s.root, options)  # refusals that need no plan, before the expensive work
    result = session.plan(s, strings.value)
    if only is not None:
        specs = tuple(spec for spec in result.specs if spec.path in only)
        result = dataclasses.replace(result, specs=specs, retire=())
    preflight_files(s.root, [spec.path for spec in result.specs], options)  # before the rewrite
    patchset = session.patches(s, result, retire_shims=retire_shims)
    patches = list(patchset.patches)
    confirm = Review(len(patches), pager=not no_pager) if interactive else None
    outcome = apply_patches(s.root, patches, options, confirm=confirm)
    if as_json:
        doc = {**outcome.to_json(), "errors": [o.error_json() for o in patchset.errors]}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    if s.globals.quiet:
        return
    err = err_console()
    if outcome.run_id is None:
        err.print("nothing to apply")
        return
    err.print(
        f"run {outcome.run_id}: {len(outcome.written)} written, {len(outcome.deleted)} deleted, "
        f"{len(outcome.skipped)} skipped"
        + (f", committed {outcome.commit[:10]}" if outcome.commit else ""),
        markup=False,
    )
    err.print(f"undo with: migrator rollback {outcome.run_id}", markup=False)
