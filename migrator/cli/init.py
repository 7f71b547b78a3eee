"""``init``: propose a ``migrator.toml`` from what discovery finds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from migrator.cli.base import PathArg, app, err_console, globals_of
from migrator.errors import MigratorError


@app.command()
def init(
    ctx: typer.Context,
    path: PathArg = Path("."),
    stdout: Annotated[
        bool, typer.Option("--stdout", help="Print the proposal instead of writing migrator.toml.")
    ] = False,
) -> None:
    """Propose a migrator.toml from what discovery finds.

    An existing migrator.toml is never overwritten."""
    from migrator.proposer import propose

    g = globals_of(ctx)
    # `init` starts a project: PATH itself is the root, unless it is inside one that has a config.
    root = path.resolve()
    if not root.is_dir():
        raise MigratorError(f"{path}: not a directory")
    target = root / "migrator.toml"
    if target.exists() and not stdout:
        raise MigratorError(
            f"{target}: already exists (not overwritten); use --stdout to see the proposal"
        )
    text = propose(root, jobs=g.jobs, use_cache=g.use_cache)
    if stdout:
        sys.stdout.write(text)
        return
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(text)
    if not g.quiet:
        err_console().print(f"wrote {target}", markup=False)
