"""``plan`` and ``check``: the report, in text, JSON or Markdown, and the thresholds."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from migrator.cli import session
from migrator.cli.base import PathArg, app, err_console, globals_of
from migrator.findings import Plan
from migrator.render import render_text
from migrator.report import check_thresholds, load_baseline, render_markdown, to_json


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Report format: text, json or markdown.")
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        metavar="FILE",
        help="An earlier `migrator plan --format json`: show every metric as then -> now.",
    ),
]


def out_console() -> Console:
    # Piped output is read by people too (CI logs, PR comments): do not squeeze tables into 80 columns.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def render(result: Plan, format: Format, base: dict[str, Any] | None) -> None:
    if format is Format.json:
        sys.stdout.write(json.dumps(to_json(result.report, base), indent=2) + "\n")
    elif format is Format.markdown:
        sys.stdout.write(render_markdown(result.report, base) + "\n")
    else:
        render_text(result.report, out_console(), base)


@app.command()
def plan(
    ctx: typer.Context,
    path: PathArg = Path("."),
    format: FormatOpt = Format.text,
    baseline: BaselineOpt = None,
) -> None:
    """Report the migration and the structural findings.

    Fragmented imports per symbol, duplicate factories, legacy calls, singletons, cross-service
    imports and shared mutable state, with a compliance score."""
    base = load_baseline(baseline) if baseline else None
    s = session.open_session(path, globals_of(ctx))
    render(session.plan(s), format, base)


@app.command()
def check(
    ctx: typer.Context,
    path: PathArg = Path("."),
    format: FormatOpt = Format.text,
    baseline: BaselineOpt = None,
) -> None:
    """Plan, then exit 1 when a [thresholds] value is exceeded.

    Each exceeded threshold is named on stderr."""
    base = load_baseline(baseline) if baseline else None
    s = session.open_session(path, globals_of(ctx), migration=True)
    result = session.plan(s)
    render(result, format, base)
    failures = check_thresholds(result.report, s.config.thresholds)
    err = err_console()
    for line in failures:
        err.print(f"threshold exceeded: {line}", markup=False)
    if failures:
        raise typer.Exit(1)
    if not s.globals.quiet:
        err.print("all thresholds met")
