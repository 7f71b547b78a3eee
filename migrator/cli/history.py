"""``history``: the headline metrics at each commit, from git objects (nothing is checked out)."""

from __future__ import annotations

import json
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from migrator.cli.base import app, err_console, globals_of, project_root
from migrator.cli.progress import ProgressLine
from migrator.history import COLUMNS, History, history


class HistoryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _is_revision(root: Path, ref: str) -> bool:
    proc = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def _table(h: History) -> Table:
    t = Table(
        title=f"History of {h.ref} ({len(h.points)} commits, oldest first)", title_justify="left"
    )
    t.add_column("commit", no_wrap=True)
    t.add_column("date", no_wrap=True)
    for _, label in COLUMNS:
        t.add_column(label, justify="right", no_wrap=True)
    t.add_column("subject", overflow="ellipsis", max_width=40, no_wrap=True)
    for p in h.points:
        if p.error is not None:
            cells = ["-"] * len(COLUMNS)
        else:
            cells = [f"{v:g}" if (v := p.metric(name)) is not None else "" for name, _ in COLUMNS]
        t.add_row(p.commit.sha[:8], p.commit.date[:10], *cells, p.commit.subject)
    return t


@app.command("history")
def history_cmd(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="[REF]",
            help="Commit, branch or tag to walk back from (default: HEAD).",
            show_default=False,
        ),
    ] = "HEAD",
    path: Annotated[
        Path,
        typer.Argument(
            metavar="[PATH]",
            help="Any directory inside the project (default: the current one).",
            show_default=False,
        ),
    ] = Path("."),
    commits: Annotated[
        int | None,
        typer.Option(
            "--commits", "-n", min=1, metavar="N", help="The last N first-parent commits."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Commits after DATE (any date git accepts)."),
    ] = None,
    format: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = HistoryFormat.table,
) -> None:
    """The migration's headline metrics at each commit, oldest first.

    Computed from git objects with the current configuration; nothing is checked out. Results are
    cached per commit, so a second run and each new commit are cheap. A lone argument that is a
    directory and not a revision is taken as PATH."""
    g = globals_of(ctx)
    lone = path == Path(".") and ref != "HEAD" and Path(ref).is_dir()
    if lone and not _is_revision(project_root(Path(ref)), ref):
        ref, path = "HEAD", Path(ref)
    root = project_root(path)
    if commits is None and since is None:
        commits = 20
    with ProgressLine(g.quiet) as progress:
        h = history(
            root,
            ref=ref,
            max_count=commits,
            since=since,
            config_path=g.config,
            jobs=g.jobs,
            use_cache=g.use_cache,
            progress=progress,
        )
    if format is HistoryFormat.json:
        sys.stdout.write(json.dumps(h.to_json(), indent=2) + "\n")
    elif format is HistoryFormat.csv:
        sys.stdout.write(h.to_csv())
    else:
        # Piped, the table is as wide as it needs to be (CI logs do not wrap).
        Console(highlight=False, width=None if sys.stdout.isatty() else 220).print(_table(h))
    if not g.quiet:
        err_console().print(
            f"{len(h.points)} commits in {h.seconds:.1f} s ({h.from_cache} from cache)",
            markup=False,
        )
