"""``runs`` and ``rollback``: the recorded runs under the project root's ``.migrator/``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from migrator.cli.base import JSON_HELP, PathArg, app, err_console, plural, project_root


@app.command()
def runs(
    path: PathArg = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """List recorded runs.

    Id, time, files, status, branch and commit of each run, oldest first."""
    from migrator.journal import list_runs
    from migrator.recovery import recover_if_idle

    root = project_root(path)
    recover_if_idle(root)
    infos = list_runs(root)
    if as_json:
        sys.stdout.write(json.dumps([i.to_json() for i in infos], indent=2) + "\n")
        return
    out = Console(highlight=False, soft_wrap=True)
    if not infos:
        out.print("no runs recorded")
        return
    rows = [
        (
            i.id,
            i.created,
            plural(i.files, "file"),
            i.status,
            i.branch or "-",
            (i.commit or "-")[:10],
        )
        for i in infos
    ]
    header = ("RUN", "CREATED", "FILES", "STATUS", "BRANCH", "COMMIT")
    widths = [max(len(r[k]) for r in (header, *rows)) for k in range(len(header))]
    for row in (header, *rows):
        out.print(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), markup=False
        )


@app.command("rollback")
def rollback_cmd(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="Any directory inside the project (default: the current one). A single argument "
            "that is not a directory is RUN_ID.",
            show_default=False,
        ),
    ] = None,
    run_id: Annotated[
        str | None,
        typer.Argument(
            metavar="RUN_ID",
            help="The run to undo, or a unique prefix of its id (default: the last run).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Restore even files changed after the run (they are saved)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Undo a run (the last one by default).

    Every file is restored byte for byte; a committed run gets a revert commit."""
    from migrator.applier import rollback

    if run_id is None and path is not None and not Path(path).is_dir():
        path, run_id = None, path  # `migrator rollback RUN_ID`, as `apply` suggests
    result = rollback(project_root(Path(path or ".")), run_id, force=force)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
        return
    err = err_console()
    err.print(
        f"run {result.run_id} rolled back: {len(result.restored)} restored, "
        f"{len(result.removed)} removed"
        + (f", revert commit {result.revert_commit[:10]}" if result.revert_commit else "")
        + (f", branch {result.branch_deleted} deleted" if result.branch_deleted else ""),
        markup=False,
    )
    for saved in result.saved:
        err.print(f"your later version of {saved.path} is saved as {saved.saved_as}", markup=False)
