"""``baseline``: write or tighten ``migrator-baseline.json`` (what ``check --ratchet`` compares with)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from migrator.cli import session
from migrator.cli.base import PathArg, app, err_console, globals_of, plural
from migrator.errors import MigratorError
from migrator.ratchet import BASELINE_FILE, load_baseline, make_baseline, update, write_baseline


@app.command()
def baseline(
    ctx: typer.Context,
    path: PathArg = Path("."),
    update_: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Tighten an existing baseline: record what got better, keep what got worse.",
        ),
    ] = False,
    allow_worse: Annotated[
        bool,
        typer.Option("--allow-worse", help="Accept the current state even where it is worse."),
    ] = False,
) -> None:
    """Write migrator-baseline.json for `check --ratchet` (commit it).

    One line per finding, sorted, without line numbers: moving code is no change. --update only
    ever tightens (exit 1, naming them, when something got worse) unless --allow-worse."""
    s = session.open_session(path, globals_of(ctx), migration=True)
    target = s.root / BASELINE_FILE
    exists = target.exists()
    if exists and not (update_ or allow_worse):
        raise MigratorError(
            f"{target}: exists; use --update to tighten it or --allow-worse to replace it"
        )
    report = session.plan(s).report
    err = err_console()
    if not exists:
        new = make_baseline(report)
        write_baseline(target, new)
        count = sum(len(entries) for _, entries in new.files)
        err.print(
            f"wrote {BASELINE_FILE}: {plural(count, 'finding')} in {plural(len(new.files), 'file')}",
            markup=False,
        )
        return
    outcome = update(load_baseline(target), report, allow_worse=allow_worse)
    if outcome.changed:
        write_baseline(target, outcome.baseline)
    err.print(
        f"{'updated' if outcome.changed else 'unchanged'}: {BASELINE_FILE}"
        + (" (worse values accepted)" if allow_worse else ""),
        markup=False,
    )
    if outcome.kept:
        err.print(
            f"{plural(len(outcome.kept), 'value')} got worse and kept the baseline's "
            "(--allow-worse accepts them):",
            markup=False,
        )
        for line in outcome.kept:
            err.print(f"  {line}", markup=False)
        raise typer.Exit(1)
