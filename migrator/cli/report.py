"""``plan`` and ``check``: the report, in text, JSON or Markdown, and the thresholds."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from migrator.cli import formats, session
from migrator.cli.base import PathArg, app, err_console, globals_of
from migrator.cli.files import FILES_CONTEXT, FilesOpt, split_files
from migrator.findings import Plan
from migrator.render import render_text
from migrator.report import check_thresholds, load_baseline, render_markdown, to_json


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    github = "github"
    html = "html"


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Report format: text, json, markdown, sarif (code scanning, with fixes), github "
        "(Actions annotations) or html (a self-contained dashboard).",
    ),
]
HistoryOpt = Annotated[
    int | None,
    typer.Option(
        "--history",
        min=1,
        metavar="N",
        help="With --format html: plot the last N commits (computed from git objects).",
    ),
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


def render(
    s: session.Session,
    result: Plan,
    format: Format,
    base: dict[str, Any] | None,
    *,
    files: frozenset[str] | None = None,
    history: int | None = None,
) -> None:
    if format is Format.sarif:
        formats.write_sarif(s, result, files)
    elif format is Format.github:
        formats.write_github(result, files)
    elif format is Format.html:
        formats.write_html(s, result, history)
    elif files is not None and format is Format.text:
        formats.write_listing(formats.selected(result, files))
    elif format is Format.json:
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
    history: HistoryOpt = None,
) -> None:
    """Report the migration and the structural findings.

    Fragmented imports per symbol, duplicate factories, legacy calls, singletons, cross-service
    imports and shared mutable state, with a compliance score."""
    base = load_baseline(baseline) if baseline else None
    s = session.open_session(path, globals_of(ctx))
    render(s, session.plan(s), format, base, history=history)


@app.command(context_settings=FILES_CONTEXT)
def check(
    ctx: typer.Context,
    path: PathArg = Path("."),
    format: FormatOpt = Format.text,
    baseline: BaselineOpt = None,
    ratchet: Annotated[
        bool,
        typer.Option(
            "--ratchet",
            help="Also exit 1 when a metric is worse than migrator-baseline.json or a file has "
            "a finding the baseline does not list for it.",
        ),
    ] = False,
    files: FilesOpt = False,
) -> None:
    """Plan, then exit 1 when a [thresholds] value is exceeded.

    Each exceeded threshold is named on stderr. With --files (the pre-commit hook), exit 1 when
    those files have fragmented imports, legacy strings or legacy calls, listing only those."""
    base = load_baseline(baseline) if baseline else None
    path, only = split_files(ctx, path, files)
    s = session.open_session(path, globals_of(ctx), migration=True)
    result = session.plan(s)
    render(s, result, format, base, files=only)
    err = err_console()
    if only is not None:
        if formats.selected(result, only):
            raise typer.Exit(1)
        return
    failures = check_thresholds(result.report, s.config.thresholds)
    for line in failures:
        err.print(f"threshold exceeded: {line}", markup=False)
    worse = False
    if ratchet:
        from migrator.ratchet import BASELINE_FILE, compare
        from migrator.ratchet import load_baseline as load_ratchet
        from migrator.ratchet import render as render_ratchet

        outcome = compare(load_ratchet(s.root / BASELINE_FILE), result.report)
        err.print(render_ratchet(outcome), markup=False)
        worse = not outcome.ok
    if failures or worse:
        raise typer.Exit(1)
    if not s.globals.quiet:
        err.print("all thresholds met")
