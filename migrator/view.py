"""What a report shows: sections selected like ruff's rules, groups by directory or owner, and the
document the text and Markdown reports render (summary first, baseline next, details after).

Sections: ``symbols``, ``factories``, ``calls``, ``shims`` (the migration, in detail by default) and
``singletons``, ``boundaries``, ``shared-state`` (structural findings, summarised as counts by kind
and directory by default). ``--select`` shows exactly the named sections in detail, ``--ignore``
hides sections; both are settable under ``[report]`` in the config. JSON keeps every finding unless
sections are selected or ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from migrator.config import REPORT_SECTIONS, Config
from migrator.errors import MigratorError
from migrator.findings import Finding, Plan, Report
from migrator.owners import load_codeowners
from migrator.report import to_json

SECTIONS = REPORT_SECTIONS
DETAILED_BY_DEFAULT = frozenset({"symbols", "factories", "calls", "shims"})
# JSON keys of each section (the rest of the document is always there).
JSON_KEYS = {
    "symbols": "symbols",
    "factories": "factories",
    "calls": "calls",
    "shims": "shims",
    "singletons": "singletons",
    "boundaries": "boundary_violations",
    "shared-state": "shared_state",
}
STRUCTURAL = (
    ("singletons", "singletons", "Singletons"),
    ("boundaries", "boundary_violations", "Cross-service imports"),
    ("shared-state", "shared_state", "Shared mutable state"),
)
# Why an import is kept, by the planner's reason code.
KEPT_REASONS = {
    "keep-comment": "`# migrator: keep` on the import",
    "skip-file": "`# migrator: skip-file` in the file",
    "rename-off": "`rename_aliases = false`: only the local name differs",
    "name-taken": "the canonical name is bound to something else in the file",
    "unbound-read": "renaming would change what a name means (read where unbound)",
    "self-comparison": "renaming would compare a name with itself",
    "read-elsewhere": "the alias is read from other modules that are not all rewritten",
    "unparseable": "the file does not parse",
    "unsupported-form": "an import form the rewrite does not handle",
}
STRUCTURE_ROWS = 15  # directories listed in the structural summary (the rest are counted)
Show = Literal["detail", "summary", "hidden"]


def parse_sections(values: Iterable[str], where: str) -> frozenset[str]:
    """Section names from ``--select``/``--ignore`` values (comma-separated; ``all`` for every one)."""
    out: set[str] = set()
    for value in values:
        for name in (v.strip().lower() for v in value.split(",")):
            if not name:
                continue
            if name == "all":
                out.update(SECTIONS)
            elif name in SECTIONS:
                out.add(name)
            else:
                raise MigratorError(
                    f"{where}: unknown section {name!r} (expected one of: {', '.join(SECTIONS)}, all)"
                )
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class GroupBy:
    """``dir[:DEPTH]`` (the first DEPTH directories of a path) or ``owner`` (CODEOWNERS)."""

    kind: Literal["dir", "owner"]
    depth: int = 1

    @classmethod
    def parse(cls, text: str, where: str = "--group-by") -> GroupBy:
        name, _, depth = text.strip().partition(":")
        if name == "owner" and not depth:
            return cls("owner")
        if name == "dir" and (not depth or (depth.isdigit() and int(depth) >= 1)):
            return cls("dir", int(depth or 1))
        raise MigratorError(f"{where}: {text!r}: expected dir, dir:DEPTH (DEPTH >= 1) or owner")

    def __str__(self) -> str:
        return "owner" if self.kind == "owner" else f"dir:{self.depth}"

    def key(self, root: Path) -> Callable[[str], str]:
        if self.kind == "owner":
            owners = load_codeowners(root)
            return lambda path: " ".join(owners.owners_of(path)) or "(no owner)"
        depth = self.depth
        return lambda path: "/".join(path.split("/")[:-1][:depth]) or "(root)"


@dataclass(frozen=True, slots=True)
class ReportOptions:
    select: frozenset[str] | None = None  # None: the default sections
    ignore: frozenset[str] = frozenset()
    group_by: GroupBy | None = None
    baseline: dict[str, Any] | None = None

    def show(self, section: str) -> Show:
        if section in self.ignore:
            return "hidden"
        if self.select is not None:
            return "detail" if section in self.select else "hidden"
        return "detail" if section in DETAILED_BY_DEFAULT else "summary"

    @property
    def filtered(self) -> bool:
        return self.select is not None or bool(self.ignore)


def report_options(
    config: Config,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    group_by: str | None = None,
    baseline: dict[str, Any] | None = None,
) -> ReportOptions:
    """Options from the command line, falling back to the config's ``[report]`` table."""
    chosen = parse_sections(select, "--select") if select else None
    if chosen is None and config.report.select:
        chosen = parse_sections(config.report.select, "report.select")
    ignored = parse_sections(ignore, "--ignore") | parse_sections(
        config.report.ignore, "report.ignore"
    )
    group_text = group_by or config.report.group_by
    group = GroupBy.parse(group_text) if group_text else None
    return ReportOptions(chosen, ignored, group, baseline)


# -- facts the document and the JSON share ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kept:
    path: str
    line: int
    what: str  # the import statement or call
    reason: str  # a reason code when there is one, else the reason text


def kept_imports(report: Report) -> list[Kept]:
    out: list[Kept] = []
    for s in report.symbols:
        for imp in s.imports:
            if imp.status == "kept":
                code = getattr(imp, "reason_code", "") or imp.reason or "kept"
                out.append(Kept(imp.path, imp.line, imp.pattern, code))
    for note in report.notes:
        if note.kind == "skip-file":
            out.append(Kept(note.path, note.line, note.detail.split(" kept:")[0], "skip-file"))
    return sorted(out, key=lambda k: (k.path, k.line))


def legacy_call_sites(report: Report) -> list[tuple[str, int]]:
    sites = [(x.path, x.line) for f in report.factories for d in f.duplicates for x in d.call_sites]
    sites += [(x.path, x.line) for c in report.calls for x in c.call_sites]
    return sites


@dataclass
class Groups:
    by: str
    rows: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, group: str, what: str, n: int = 1) -> None:
        self.rows.setdefault(group, Counter())[what] += n


GROUP_COLUMNS = (
    ("symbols", "fragmented_imports", "fragmented"),
    ("symbols", "files_to_change", "files to change"),
    ("calls", "legacy_call_sites", "legacy calls"),
    ("singletons", "singletons", "singletons"),
    ("boundaries", "boundary_violations", "cross-service"),
    ("shared-state", "shared_state", "shared state"),
)


def groups(plan: Plan, options: ReportOptions, root: Path) -> Groups | None:
    if options.group_by is None:
        return None
    key = options.group_by.key(root)
    out = Groups(str(options.group_by))
    report = plan.report
    for s in report.symbols:
        for imp in s.imports:
            if imp.status == "fragmented":
                out.add(key(imp.path), "fragmented_imports")
    for spec in plan.specs:
        out.add(key(spec.path), "files_to_change")
    for path, _ in legacy_call_sites(report):
        out.add(key(path), "legacy_call_sites")
    for _, attr, _ in STRUCTURAL:
        for item in getattr(report, attr):
            out.add(key(item.path), attr)
    return out


def plan_json(plan: Plan, options: ReportOptions, root: Path) -> dict[str, Any]:
    """The JSON report: every finding (unless sections are selected), plus the plan's summary."""
    doc = to_json(plan.report, options.baseline)
    report = plan.report
    doc["files_to_change"] = sorted(spec.path for spec in plan.specs)
    doc["kept_imports_by_reason"] = dict(Counter(k.reason for k in kept_imports(report)))
    if options.filtered:
        doc["sections"] = [s for s in SECTIONS if options.show(s) != "hidden"]
        for section, key in JSON_KEYS.items():
            if options.show(section) == "hidden":
                doc.pop(key, None)
    grouped = groups(plan, options, root)
    if grouped is not None:
        doc["groups"] = {
            "by": grouped.by,
            "groups": [
                {"group": name, **{key: counts[key] for _, key, _ in GROUP_COLUMNS}}
                for name, counts in sorted(grouped.rows.items())
            ],
        }
    return doc


# -- the document --------------------------------------------------------------------------------


def n(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def structural_counts(items: Iterable[Finding]) -> Counter[str]:
    return Counter(item.kind for item in items)
