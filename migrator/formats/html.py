"""The HTML dashboard: one self-contained file (inline CSS, JS and SVG; nothing from the network).

Everything is rendered on the server side, so the page reads completely with JavaScript off; the
script only adds the findings filter (by kind and by text) and lets a heat-map cell filter by its
directory.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from html import escape
from importlib import resources

from migrator import __version__
from migrator.findings import Plan, Report
from migrator.formats.plot import progress_svg
from migrator.history import History
from migrator.rules import RULES, RULES_BY_ID, Result, canonical_statement, results

GroupBy = Callable[[str], str]


def by_directory(depth: int = 2) -> GroupBy:
    """Group a path by its first ``depth`` directories (``billing/invoicing`` for depth 2)."""

    def group(path: str) -> str:
        dirs = path.split("/")[:-1]
        return "/".join(dirs[:depth]) + "/" if dirs else "./"

    return group


def _asset(name: str) -> str:
    return resources.files("migrator.formats").joinpath(name).read_text(encoding="utf-8")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], attrs: str = "") -> str:
    """A table; cells are already-escaped HTML."""
    ths = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{attrs}><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>"


def _grade(score: float) -> str:
    return "good" if score >= 90 else "fair" if score >= 60 else "poor"


def _summary(report: Report, found: tuple[Result, ...]) -> str:
    c = report.compliance
    per_rule = Counter(r.rule for r in found)
    cards = (
        f'<div class="card score {_grade(c.score)}"><span class="big" id="score">{c.score:g}</span>'
        "<span>compliance score / 100</span></div>"
        f'<div class="card"><span class="big">{c.canonical_usage_pct:g}%</span>'
        "<span>canonical usage</span></div>"
        f'<div class="card"><span class="big">{c.clean_files_pct:g}%</span>'
        "<span>clean files</span></div>"
        f'<div class="card"><span class="big">{c.imports_fragmented}</span>'
        "<span>fragmented imports</span></div>"
    )
    rows = [
        ("files scanned / parsed", f"{report.files_scanned} / {report.files_parsed}"),
        ("imports of canonical symbols", c.imports_total),
        ("fragmented imports", c.imports_fragmented),
        ("legacy call sites", c.legacy_call_sites),
        ("duplicate factories", c.duplicate_factories),
        ("singletons", c.singleton_violations),
        ("cross-service imports", c.boundary_violations),
        ("shared mutable state", c.shared_state),
        ("kept imports", per_rule["kept-import"]),
        ("files with findings", c.files_with_findings),
        ("unparseable files (skipped)", len(report.unparseable)),
    ]
    table = _table(("metric", "value"), ((_e(k), _e(v)) for k, v in rows), ' class="metrics"')
    return (
        '<section id="summary"><h2>Summary</h2>'
        f'<div class="cards">{cards}</div>{table}'
        '<p class="hint">Score = 0.7 &times; canonical usage + 0.3 &times; clean files.</p></section>'
    )


def _progress(h: History | None) -> str:
    if h is None:
        return ""
    measured = [p for p in h.points if p.error is None]
    note = f"{len(h.points)} commits of {_e(h.ref)} (first parent), oldest on the left"
    if len(measured) < len(h.points):
        note += f"; {len(h.points) - len(measured)} predate the configured symbols"
    return (
        f'<section id="progress"><h2>Progress</h2><p class="hint">{note}.</p>'
        f"{progress_svg(h)}</section>"
    )


def _symbols(report: Report) -> str:
    out = ['<section id="symbols"><h2>Symbols</h2>']
    for s in report.symbols:
        out.append(
            f"<h3><code>{_e(s.canonical)}</code></h3>"
            f"<p>{s.imports_total} imports: {s.count('canonical')} canonical, "
            f"{s.count('fragmented')} fragmented, {s.count('kept')} kept "
            f"({s.canonical_usage_pct:g}% canonical); {len(s.string_references)} string "
            f"references. Canonical form: <code>{_e(canonical_statement(s.canonical))}</code></p>"
        )
        rows = [
            (
                f"<code>{_e(p.pattern)}</code>",
                str(p.files),
                str(p.imports),
                '<span class="ok">yes</span>' if p.canonical else '<span class="bad">no</span>',
            )
            for p in s.patterns()
        ]
        out.append(_table(("pattern", "files", "imports", "canonical"), rows, ' class="patterns"'))
    out.append("</section>")
    return "".join(out)


def _kept(report: Report) -> str:
    groups: dict[str, list[tuple[str, str]]] = {}
    for s in report.symbols:
        for imp in s.imports:
            if imp.status == "kept":
                where = f"{imp.path}:{imp.line}"
                groups.setdefault(imp.reason or "kept", []).append((where, imp.pattern))
    if not groups:
        return '<section id="kept"><h2>Kept imports</h2><p>None.</p></section>'
    out = ['<section id="kept"><h2>Kept imports by reason</h2>']
    for reason, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"<h3>{_e(reason)} <small>({len(items)})</small></h3>")
        rows = ((f"<code>{_e(w)}</code>", f"<code>{_e(p)}</code>") for w, p in sorted(items))
        out.append(_table(("where", "import"), rows))
    out.append("</section>")
    return "".join(out)


def _files_to_change(plan: Plan, found: tuple[Result, ...]) -> str:
    fixable = Counter(r.path for r in found if r.fixable)
    paths = sorted({s.path for s in plan.specs})
    rows = [
        (f"<code>{_e(p)}</code>", str(fixable.get(p, 0)), "yes" if p in plan.retire else "")
        for p in paths
    ]
    return (
        f'<section id="files"><h2>Files to change ({len(paths)})</h2>'
        '<p class="hint">Files <code>migrator apply</code> rewrites, with the findings it '
        "resolves in each.</p>"
        + _table(("file", "findings resolved", "shim"), rows, ' class="files"')
        + "</section>"
    )


def _heatmap(report: Report, found: tuple[Result, ...], group: GroupBy, title: str) -> str:
    counts = Counter(group(r.path) for r in found if r.level == "error")
    per_group_files: dict[str, set[str]] = {}
    for r in found:
        if r.level == "error":
            per_group_files.setdefault(group(r.path), set()).add(r.path)
    if not counts:
        return f'<section id="heatmap"><h2>{_e(title)}</h2><p>No findings.</p></section>'
    top = max(counts.values())
    cells = []
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        heat = n / top
        cells.append(
            f'<button type="button" class="cell" data-dir="{_e(name)}" '
            f'style="--heat:{heat:.2f}" title="{_e(name)}: {n} findings in '
            f'{len(per_group_files[name])} files">'
            f'<span class="name">{_e(name)}</span><span class="n">{n}</span></button>'
        )
    return (
        f'<section id="heatmap"><h2>{_e(title)}</h2>'
        '<p class="hint">Findings per group; darker is more. A click filters the findings below.</p>'
        f'<div class="heat">{"".join(cells)}</div></section>'
    )


def _findings(found: tuple[Result, ...]) -> str:
    rules_present = [r for r in RULES if any(f.rule == r.id for f in found)]
    options = "".join(
        f'<option value="{_e(r.id)}">{_e(r.id)} ({sum(f.rule == r.id for f in found)})</option>'
        for r in rules_present
    )
    rows = "".join(
        f'<tr data-rule="{_e(f.rule)}" class="{f.level}"><td><code>{_e(f.rule)}</code></td>'
        f"<td><code>{_e(f.path)}:{f.line}</code></td><td>{_e(f.message)}</td>"
        f"<td>{'yes' if f.fixable else ''}</td></tr>"
        for f in found
    )
    return (
        f'<section id="findings-section"><h2>Findings ({len(found)})</h2>'
        '<div class="filters" hidden><label>Kind <select id="kind-filter">'
        f'<option value="">all kinds</option>{options}</select></label> '
        '<label>Text <input id="text-filter" type="search" placeholder="path, name, ..."></label> '
        '<span id="visible-count"></span></div>'
        '<table id="findings"><thead><tr><th>kind</th><th>where</th><th>what</th>'
        f"<th>fixable</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _unparseable(report: Report) -> str:
    if not report.unparseable:
        return ""
    rows = ((f"<code>{_e(u.path)}:{u.line}</code>", _e(u.error)) for u in report.unparseable)
    return (
        f'<section id="unparseable"><h2>Unparseable files ({len(report.unparseable)}, '
        f"skipped)</h2>{_table(('where', 'error'), rows)}</section>"
    )


def render_html(
    plan: Plan,
    *,
    history: History | None = None,
    group_by: GroupBy | None = None,
    group_title: str = "Findings by directory",
    title: str = "migrator dashboard",
    now: dt.datetime | None = None,
) -> str:
    """The dashboard for ``plan`` (with a progress plot when ``history`` is given)."""
    report = plan.report
    found = results(report)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(
        f'<a href="#{anchor}">{label}</a>'
        for anchor, label in (
            ("summary", "Summary"),
            *((("progress", "Progress"),) if history is not None else ()),
            ("symbols", "Symbols"),
            ("kept", "Kept"),
            ("files", "Files to change"),
            ("heatmap", "Heat map"),
            ("findings-section", "Findings"),
        )
    )
    body = (
        _summary(report, found)
        + _progress(history)
        + _symbols(report)
        + _kept(report)
        + _files_to_change(plan, found)
        + _heatmap(report, found, group_by or by_directory(), group_title)
        + _findings(found)
        + _unparseable(report)
    )
    rule_help = "".join(
        f"<dt><code>{_e(r.id)}</code></dt><dd>{_e(r.help)}</dd>" for r in RULES_BY_ID.values()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_asset('dashboard.css')}</style></head>"
        f'<body><header><h1>{_e(title)}</h1><p class="hint">migrator {_e(__version__)}, '
        f"generated {stamp}, {report.files_scanned} files</p><nav>{nav}</nav></header>"
        f'<main>{body}<section id="rules"><h2>What each kind means</h2><dl>{rule_help}</dl>'
        f"</section></main><script>{_asset('dashboard.js')}</script></body></html>\n"
    )
