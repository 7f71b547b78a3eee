"""The report as a document: the summary, the baseline comparison, the groups, the details."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from migrator.config import Config
from migrator.document import Column, Document, Section, Table
from migrator.findings import Finding, Plan, Report
from migrator.report import compare, fmt_change, fmt_number
from migrator.view import (
    GROUP_COLUMNS,
    KEPT_REASONS,
    STRUCTURAL,
    STRUCTURE_ROWS,
    Groups,
    ReportOptions,
    groups,
    kept_imports,
    legacy_call_sites,
    n,
)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def build_document(
    plan: Plan, options: ReportOptions, config: Config, root: Path, *, title: str = "migrator plan"
) -> Document:
    report = plan.report
    c = report.compliance
    scanned = f"{n(report.files_scanned, 'file')} scanned, {report.files_parsed:,} parsed"
    if report.files_from_cache:
        scanned += f" ({report.files_from_cache:,} from cache)"
    if report.unparseable:
        scanned += f", {report.unparseable and len(report.unparseable):,} unparseable (skipped)"
    headline: list[str] = []
    score: float | None = None
    if not config.migration_configured:
        where = config.source.name if config.source is not None else "no config file"
        headline.append(
            f"No symbols configured ({where} has no [[symbols]], [[factories]] or [[calls]]): "
            "structural findings only; `migrator init` proposes a migration."
        )
        headline.append(f"{scanned}; clean files {c.clean_files_pct}%")
    else:
        headline.append(scanned)
        headline.append(
            f"compliance score {c.score}/100 · canonical usage {c.canonical_usage_pct}% · "
            f"clean files {c.clean_files_pct}%"
        )
        score = c.score
    sections = [summary_section(plan, options, config)]
    if options.baseline is not None:
        sections.append(baseline_section(report, options.baseline))
    grouped = groups(plan, options, root)
    if grouped is not None:
        sections.append(_group_section(grouped, options))
    sections += detail_sections(report, options)
    return Document(title, tuple(headline), tuple(sections), score)


def _group_section(grouped: Groups, options: ReportOptions) -> Section:
    columns = [
        (key, label) for section, key, label in GROUP_COLUMNS if options.show(section) != "hidden"
    ]
    rows = tuple(
        (name, *(f"{counts[key]:,}" for key, _ in columns))
        for name, counts in sorted(
            grouped.rows.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])
        )
    )
    what = "owner (CODEOWNERS)" if grouped.by == "owner" else f"directory ({grouped.by})"
    table = Table((Column("group", "code"), *(Column(label, "num") for _, label in columns)), rows)
    return Section(f"By {what}", table=table)


# -- summary -------------------------------------------------------------------------------------


def summary_section(plan: Plan, options: ReportOptions, config: Config) -> Section:
    report = plan.report
    lines: list[str] = []
    table: Table | None = None
    if options.show("symbols") != "hidden" and report.symbols:
        table = Table(
            (
                Column("symbol", "code"),
                Column("imports", "num"),
                Column("canonical", "num"),
                Column("fragmented", "num"),
                Column("kept", "num"),
                Column("usage %", "num"),
                Column("patterns", "num"),
                Column("strings", "num"),
            ),
            tuple(
                (
                    s.canonical,
                    f"{s.imports_total:,}",
                    f"{s.count('canonical'):,}",
                    f"{s.count('fragmented'):,}",
                    f"{s.count('kept'):,}",
                    f"{s.canonical_usage_pct}",
                    f"{len(s.patterns()):,}",
                    f"{len(s.string_references):,}",
                )
                for s in report.symbols
            ),
        )
    if config.migration_configured:
        lines.append(f"files to change: {len(plan.specs):,}")
        kept = kept_imports(report) if options.show("symbols") != "hidden" else []
        if kept:
            counts = Counter(k.reason for k in kept).most_common()
            lines.append(
                f"imports kept: {len(kept):,} ("
                + ", ".join(f"{reason} {count:,}" for reason, count in counts)
                + ")"
            )
    if options.show("factories") != "hidden" and report.factories:
        dups = [d for f in report.factories for d in f.duplicates if d.kind != "alias"]
        aliases = [d for f in report.factories for d in f.duplicates if d.kind == "alias"]
        kinds = Counter(d.kind for d in dups)
        text = f"duplicate factories: {len(dups):,}"
        if kinds:
            text += " (" + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())) + ")"
        if aliases:
            text += f"; factory aliases: {len(aliases):,}"
        lines.append(text)
    if options.show("calls") != "hidden" and (report.calls or report.factories):
        sites = legacy_call_sites(report)
        kept_calls = sum(len(d.kept) for f in report.factories for d in f.duplicates)
        kept_calls += sum(len(c.kept) for c in report.calls)
        text = f"legacy call sites: {len(sites):,}"
        if kept_calls:
            text += f" ({kept_calls:,} more kept with `# migrator: keep`)"
        lines.append(text)
    if options.show("shims") != "hidden" and report.shims:
        after = sum(1 for s in report.shims if s.retirable_after_migration)
        lines.append(
            f"re-export shims: {len(report.shims):,} ({after:,} retirable after the migration)"
        )
    structural = [
        f"{label.lower()}: {len(getattr(report, attr)):,}"
        for section, attr, label in STRUCTURAL
        if options.show(section) != "hidden"
    ]
    if structural:
        lines.append(" · ".join(structural))
    return Section("Summary", table=table, outro=tuple(lines))


# -- baseline -----------------------------------------------------------------------------------


def baseline_section(report: Report, baseline: dict[str, Any]) -> Section:
    from migrator.report import to_json

    rows = tuple(
        (key, fmt_number(d["before"]), fmt_number(d["now"]), fmt_change(d))
        for key, d in compare(baseline, to_json(report)).items()
    )
    table = Table(
        (Column("metric"), Column("then", "num"), Column("now", "num"), Column("change", "num")),
        rows,
    )
    return Section("Since the baseline", table=table)


# -- details ------------------------------------------------------------------------------------


def detail_sections(report: Report, options: ReportOptions) -> list[Section]:
    out: list[Section] = []
    if options.show("symbols") == "detail":
        out += _symbol_sections(report)
    if options.show("factories") == "detail":
        out += _factory_sections(report)
    if options.show("calls") == "detail" and report.calls:
        out.append(_calls_section(report))
    if options.show("shims") == "detail" and report.shims:
        out.append(_shims_section(report))
    summarised: list[tuple[str, str, str]] = []
    for section, attr, label in STRUCTURAL:
        items: tuple[Finding, ...] = getattr(report, attr)
        shown = options.show(section)
        if shown == "detail" and items:
            out.append(_findings_section(f"{label} ({len(items):,})", items))
        elif shown == "summary" and items:
            summarised.append((section, attr, label))
    if summarised:
        out.append(_structure_summary(report, summarised, options))
    if report.unparseable:
        rows = tuple((f"{u.path}:{u.line}", u.error) for u in report.unparseable)
        out.append(
            Section(
                f"Unparseable files ({len(rows):,}, skipped)",
                table=Table((Column("where", "code"), Column("error")), rows),
            )
        )
    notes = [f for f in report.notes if f.kind != "skip-file"]
    if notes:
        out.append(
            Section(
                "Notes",
                outro=tuple(
                    f"`{f.path}{f':{f.line}' if f.line else ''}`: {f.detail} [{f.kind}]"
                    for f in notes
                ),
            )
        )
    return out


def _symbol_sections(report: Report) -> list[Section]:
    out: list[Section] = []
    for s in report.symbols:
        rows = tuple(
            (p.pattern, f"{p.files:,}", f"{p.imports:,}", _yes(p.canonical)) for p in s.patterns()
        )
        intro: list[str] = []
        if s.aliases:
            intro.append(f"legacy paths: {', '.join(f'`{a}`' for a in s.aliases)}")
        outro: list[str] = []
        if s.reexports:
            outro.append(
                f"{n(len(s.reexports), 'import')} in re-export modules, kept until they are retired "
                "(`--retire-shims`)"
            )
        if s.direct_constructions:
            outro.append(f"direct constructions: {len(s.direct_constructions):,}")
        if s.conditional_aliases:
            outro.append(
                f"conditional bindings, left alone ({len(s.conditional_aliases):,}; "
                "a try/except import binding different objects):"
            )
            outro += [f"  `{a}`" for a in s.conditional_aliases]
        out.append(
            Section(
                f"Import patterns of {s.canonical}",
                tuple(intro),
                Table(
                    (
                        Column("pattern", "code"),
                        Column("files", "num"),
                        Column("imports", "num"),
                        Column("canonical"),
                    ),
                    rows,
                ),
                tuple(outro),
            )
        )
    kept = kept_imports(report)
    if kept:
        counts = Counter(k.reason for k in kept).most_common()
        reasons = tuple(
            f"{reason} ({count:,})"
            + (f": {KEPT_REASONS[reason]}" if reason in KEPT_REASONS else "")
            for reason, count in counts
        )
        kept_rows = tuple((f"{k.path}:{k.line}", k.what, k.reason) for k in kept)
        table = Table(
            (Column("where", "code"), Column("import", "code"), Column("reason")), kept_rows
        )
        out.append(Section(f"Kept imports ({len(kept):,})", reasons, table))
    return out


def _factory_sections(report: Report) -> list[Section]:
    rows: list[tuple[str, ...]] = []
    aliases: list[str] = []
    helpers = 0
    for f in report.factories:
        helpers += len(f.helpers)
        for d in f.duplicates:
            if d.kind == "alias":
                aliases.append(
                    f"`{d.symbol}` (`{d.path}:{d.line}`) is `{f.canonical}` under another path: "
                    f"its importers are rewritten ({n(len(d.call_sites), 'call site')})"
                )
                continue
            rows.append(
                (
                    f.canonical,
                    d.symbol,
                    d.kind,
                    f"{d.path}:{d.line}",
                    f"{len(d.call_sites):,}",
                    f"{len(d.kept):,}",
                    _yes(d.rewritable),
                )
            )
    if not rows and not aliases:
        return []
    table = Table(
        (
            Column("canonical", "code"),
            Column("duplicate", "code"),
            Column("kind"),
            Column("where", "code"),
            Column("call sites", "num"),
            Column("kept", "num"),
            Column("rewritable"),
        ),
        tuple(rows),
    )
    outro = [f"factory alias: {a}" for a in aliases]
    if helpers:
        outro.append(f"helper functions building the canonical product: {helpers:,}")
    return [Section(f"Duplicate factories ({len(rows):,})", table=table, outro=tuple(outro))]


def _calls_section(report: Report) -> Section:
    rows = tuple((c.old, c.new, f"{len(c.call_sites):,}", f"{len(c.kept):,}") for c in report.calls)
    table = Table(
        (
            Column("old", "code"),
            Column("new", "code"),
            Column("call sites", "num"),
            Column("kept", "num"),
        ),
        rows,
    )
    return Section("Legacy calls", table=table)


def _shims_section(report: Report) -> Section:
    rows = tuple(
        (
            s.module,
            s.path,
            f"{len(s.importers):,}",
            _yes(s.retirable_now),
            _yes(s.retirable_after_migration),
        )
        for s in report.shims
    )
    table = Table(
        (
            Column("module", "code"),
            Column("path", "code"),
            Column("users now", "num"),
            Column("retirable now"),
            Column("after migration"),
        ),
        rows,
    )
    return Section(f"Re-export shims ({len(rows):,})", table=table)


def _findings_section(title: str, items: tuple[Finding, ...]) -> Section:
    rows = tuple((f"{i.path}:{i.line}", i.kind, i.detail) for i in items)
    return Section(
        title, table=Table((Column("where", "code"), Column("kind"), Column("detail")), rows)
    )


def _directory(path: str, depth: int) -> str:
    return "/".join(path.split("/")[:-1][:depth]) or "(root)"


def _structure_summary(
    report: Report, parts: list[tuple[str, str, str]], options: ReportOptions
) -> Section:
    depth = options.group_by.depth if options.group_by and options.group_by.kind == "dir" else 1
    by_dir: dict[str, Counter[str]] = {}
    kinds: list[str] = []
    for _, attr, label in parts:
        items: tuple[Finding, ...] = getattr(report, attr)
        counts = Counter(i.kind for i in items)
        kinds.append(
            f"{label.lower()} ({len(items):,}): "
            + ", ".join(f"{kind} {count:,}" for kind, count in counts.most_common())
        )
        for item in items:
            by_dir.setdefault(_directory(item.path, depth), Counter())[attr] += 1
    ordered = sorted(by_dir.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    rows = tuple(
        (name, *(f"{counts[attr]:,}" for _, attr, _ in parts))
        for name, counts in ordered[:STRUCTURE_ROWS]
    )
    table = Table(
        (Column("directory", "code"), *(Column(label.lower(), "num") for _, _, label in parts)),
        rows,
    )
    outro: list[str] = []
    rest = ordered[STRUCTURE_ROWS:]
    if rest:
        more = sum(sum(c.values()) for _, c in rest)
        outro.append(
            f"… and {n(len(rest), 'more directory', 'more directories')} ({more:,} findings)"
        )
    names = ",".join(section for section, _, _ in parts)
    outro.append(f"every finding: `--select {names}` (or `--format json`)")
    return Section("Structural findings (summary)", tuple(kinds), table, tuple(outro))
