"""Rendering for people on a terminal (rich): coloured diffs and the text report.

Library modules never import rich; the CLI renders their results with this module.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from migrator.findings import Report
from migrator.report import _change, _fmt, compare, to_json


def colorize(diff_text: str) -> Text:
    """A diff as rich ``Text``: bold headers, cyan hunk ranges, green additions, red removals."""
    text = Text()
    in_header = False
    pieces = diff_text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    for line in lines:
        if line.startswith("diff --git "):
            in_header = True
        if line.startswith("@@"):
            in_header = False
            style = "cyan"
        elif in_header:
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("\\"):
            style = "dim"
        else:
            style = ""
        text.append(line, style=style)
    return text


def ansi_diff(diff_text: str) -> str:
    """A diff with ANSI colours (none when ``NO_COLOR`` is set), for a terminal or a pager."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, soft_wrap=True, highlight=False)
    console.print(colorize(diff_text), end="")
    return buffer.getvalue()


# -- text -------------------------------------------------------------------------------------
def render_text(report: Report, console: Console, baseline: dict[str, Any] | None = None) -> None:
    c = report.compliance
    parts: list[RenderableType] = []
    head = Text.assemble(
        ("migrator plan", "bold"),
        f"  {report.files_scanned} files scanned, {report.files_parsed} parsed",
        f" ({report.files_from_cache} from cache)" if report.files_from_cache else "",
        "\n",
        ("compliance score ", "bold"),
        (
            f"{c.score}",
            "bold green" if c.score >= 90 else "bold yellow" if c.score >= 60 else "bold red",
        ),
        f"/100   canonical usage {c.canonical_usage_pct}%   clean files {c.clean_files_pct}%",
    )
    parts.append(head)

    summary = Table(title="Symbols", title_justify="left", show_lines=False)
    for col in (
        "canonical",
        "imports",
        "canonical",
        "fragmented",
        "kept",
        "usage %",
        "patterns",
        "strings",
        "aliases",
    ):
        summary.add_column(col, justify="right" if col not in ("canonical",) else "left")
    for s in report.symbols:
        summary.add_row(
            s.canonical,
            str(s.imports_total),
            str(s.count("canonical")),
            str(s.count("fragmented")),
            str(s.count("kept")),
            f"{s.canonical_usage_pct}",
            str(len(s.patterns())),
            str(len(s.string_references)),
            str(len(s.aliases)),
        )
    parts.append(summary)
    for s in report.symbols:
        t = Table(title=f"Import patterns of {s.canonical}", title_justify="left")
        t.add_column("pattern")
        t.add_column("files", justify="right")
        t.add_column("imports", justify="right")
        t.add_column("canonical")
        for p in s.patterns():
            t.add_row(
                p.pattern, str(p.files), str(p.imports), "yes" if p.canonical else "[red]no[/red]"
            )
        parts.append(t)
        if s.conditional_aliases:
            parts.append(
                Text(
                    f"conditional (left alone): {', '.join(s.conditional_aliases)}", style="yellow"
                )
            )
    if report.factories:
        t = Table(title="Duplicate factories", title_justify="left")
        for col in ("canonical", "duplicate", "kind", "where", "call sites", "rewritable"):
            t.add_column(col)
        for f in report.factories:
            for d in f.duplicates:
                t.add_row(
                    f.canonical,
                    d.symbol,
                    d.kind,
                    f"{d.path}:{d.line}",
                    str(len(d.call_sites)),
                    "yes" if d.rewritable else "no",
                )
        parts.append(t)
    if report.calls:
        t = Table(title="Legacy calls", title_justify="left")
        t.add_column("old")
        t.add_column("new")
        t.add_column("call sites", justify="right")
        for cr in report.calls:
            t.add_row(cr.old, cr.new, str(len(cr.call_sites)))
        parts.append(t)
    for title, items in (
        ("Singletons", report.singletons),
        ("Cross-service imports", report.boundary_violations),
        ("Shared mutable state", report.shared_state),
    ):
        if items:
            t = Table(title=f"{title} ({len(items)})", title_justify="left")
            t.add_column("where")
            t.add_column("kind")
            t.add_column("detail")
            for item in items:
                t.add_row(f"{item.path}:{item.line}", item.kind, item.detail)
            parts.append(t)
    if report.shims:
        t = Table(title="Re-export shims", title_justify="left")
        t.add_column("module")
        t.add_column("users now", justify="right")
        t.add_column("retirable after migration")
        for sh in report.shims:
            t.add_row(
                sh.module, str(len(sh.importers)), "yes" if sh.retirable_after_migration else "no"
            )
        parts.append(t)
    if report.unparseable:
        t = Table(
            title=f"Unparseable files ({len(report.unparseable)}, skipped)", title_justify="left"
        )
        t.add_column("where")
        t.add_column("error")
        for u in report.unparseable:
            t.add_row(f"{u.path}:{u.line}", u.error)
        parts.append(t)
    if baseline is not None:
        t = Table(title="Since the baseline", title_justify="left")
        t.add_column("metric")
        t.add_column("then", justify="right")
        t.add_column("now", justify="right")
        t.add_column("change", justify="right")
        for key, delta in compare(baseline, to_json(report)).items():
            t.add_row(key, _fmt(delta["before"]), _fmt(delta["now"]), _change(delta))
        parts.append(t)
    console.print(Group(*parts))
