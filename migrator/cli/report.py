"""``plan`` and ``check``: the report (text, JSON or Markdown) and the thresholds."""

from __future__ import annotations

import dataclasses
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
from migrator.render import render_document
from migrator.report import check_thresholds, load_baseline
from migrator.sections import build_document
from migrator.view import SECTIONS, ReportOptions, plan_json, report_options


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
_SECTIONS = ", ".join(SECTIONS)
SelectOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="SECTIONS",
        help=f"Show exactly these sections, in detail (comma-separated or repeated; all): {_SECTIONS}. "
        "Default: the migration in detail, structural findings as counts.",
    ),
]
IgnoreOpt = Annotated[
    list[str] | None,
    typer.Option("--ignore", metavar="SECTIONS", help="Leave these sections out."),
]
GroupByOpt = Annotated[
    str | None,
    typer.Option(
        "--group-by",
        metavar="dir[:DEPTH]|owner",
        help="Count fragmented imports, files to change and findings per directory (DEPTH levels, "
        "default 1) or per CODEOWNERS owner.",
    ),
]


def render(
    s: session.Session,
    result: Plan,
    format: Format,
    options: ReportOptions,
    *,
    files: frozenset[str] | None = None,
    history: int | None = None,
) -> None:
    if format is Format.sarif:
        formats.write_sarif(s, result, files)
        return
    if format is Format.github:
        formats.write_github(result, files)
        return
    if format is Format.html:
        formats.write_html(s, result, history, options.group_by)
        return
    if files is not None and format is Format.text:
        formats.write_listing(formats.selected(result, files))
        return
    if format is Format.json:
        doc: dict[str, Any] = plan_json(result, options, s.root)
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    document = build_document(result, options, s.config, s.root)
    if format is Format.markdown:
        sys.stdout.write(document.markdown())
    else:
        render_document(document, Console(highlight=False, soft_wrap=False))


def _options(
    s: session.Session,
    select: list[str] | None,
    ignore: list[str] | None,
    group_by: str | None,
    baseline: Path | None,
) -> ReportOptions:
    base = load_baseline(baseline) if baseline else None
    return report_options(s.config, select or (), ignore or (), group_by, base)


@app.command()
def plan(
    ctx: typer.Context,
    path: PathArg = Path("."),
    format: FormatOpt = Format.text,
    baseline: BaselineOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    group_by: GroupByOpt = None,
    history: HistoryOpt = None,
) -> None:
    """Report the migration and the structural findings.

    A summary first (score, per-symbol counts, files to change, imports kept and why), then the
    baseline comparison, the groups, and the details."""
    s = session.open_session(path, globals_of(ctx))
    options = _options(s, select, ignore, group_by, baseline)  # bad options fail before the scan
    render(s, session.plan(s), format, options, history=history)


@app.command(context_settings=FILES_CONTEXT)
def check(
    ctx: typer.Context,
    path: PathArg = Path("."),
    format: FormatOpt = Format.text,
    baseline: BaselineOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    group_by: GroupByOpt = None,
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
    path, only = split_files(ctx, path, files)
    s = session.open_session(path, globals_of(ctx), migration=True)
    options = _options(s, select, ignore, group_by, baseline)
    if only is None:
        result = session.plan(s)
    else:  # a hook warns about its own files only
        quiet = dataclasses.replace(s, globals=dataclasses.replace(s.globals, quiet=True))
        result = session.plan(quiet)
        formats.warn_unparseable(s, result, only)
    render(s, result, format, options, files=only)
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
