"""The planner's results: frozen values that the report, the codemods and the applier share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from codemods.spec import FileSpec

ImportStatus = Literal["canonical", "fragmented", "kept"]


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class ImportFinding:
    """One import of a canonical symbol."""

    path: str
    line: int
    pattern: str  # normalized statement, e.g. "from core.compat import Engine"
    form: Literal["from", "import", "star"]
    via: str  # the "module:Name" path the import goes through
    local: str  # the local name it is used under
    status: ImportStatus
    scope: Literal["module", "class", "function"]
    context: tuple[str, ...] = ()  # "type_checking", "try"
    reason: str = ""  # why a kept import is kept


@dataclass(frozen=True, slots=True)
class PatternCount:
    pattern: str
    files: int
    imports: int
    canonical: bool


@dataclass(frozen=True, slots=True)
class StringReference:
    path: str
    line: int
    value: str
    replacement: str
    context: str  # "patch", "import_module", "other"


@dataclass(frozen=True, slots=True)
class SymbolReport:
    canonical: str
    aliases: tuple[str, ...]  # legacy paths that are the same object
    conditional_aliases: tuple[str, ...]
    imports: tuple[ImportFinding, ...]
    conditional_imports: tuple[ImportFinding, ...]
    reexports: tuple[ImportFinding, ...]
    string_references: tuple[StringReference, ...]
    direct_constructions: tuple[Location, ...]
    same_name_classes: tuple[tuple[str, str], ...]  # (symbol, kind) of other classes with this name

    @property
    def imports_total(self) -> int:
        return len(self.imports)

    def count(self, status: ImportStatus) -> int:
        return sum(1 for i in self.imports if i.status == status)

    @property
    def canonical_usage_pct(self) -> float:
        total = self.imports_total
        return round(100.0 * self.count("canonical") / total, 1) if total else 100.0

    def patterns(self) -> tuple[PatternCount, ...]:
        groups: dict[str, list[ImportFinding]] = {}
        for imp in self.imports:
            groups.setdefault(imp.pattern, []).append(imp)
        rows = [
            PatternCount(
                pattern=p,
                files=len({i.path for i in items}),
                imports=len(items),
                canonical=all(i.status == "canonical" for i in items),
            )
            for p, items in groups.items()
        ]
        rows.sort(key=lambda r: (-r.imports, r.pattern))
        return tuple(rows)


@dataclass(frozen=True, slots=True)
class Duplicate:
    symbol: str
    path: str
    line: int
    kind: Literal["alias", "wrapper", "independent"]
    call_sites: tuple[Location, ...]
    rewritable: bool  # alias, or a method map is configured
    kept: tuple[Location, ...] = ()  # call sites with `# migrator: keep`: reported, never rewritten


@dataclass(frozen=True, slots=True)
class FactoryReport:
    canonical: str
    duplicates: tuple[Duplicate, ...]
    helpers: tuple[Location, ...] = ()  # create_*/get_* functions that build the canonical product


@dataclass(frozen=True, slots=True)
class CallReport:
    old: str
    new: str
    call_sites: tuple[Location, ...]
    kept: tuple[Location, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class Unparseable:
    path: str
    line: int
    error: str


@dataclass(frozen=True, slots=True)
class Shim:
    module: str
    path: str
    importers: tuple[Location, ...]  # what still uses it now
    retirable_now: bool
    retirable_after_migration: bool


@dataclass(frozen=True, slots=True)
class Compliance:
    score: float
    canonical_usage_pct: float
    clean_files_pct: float
    files_with_findings: int
    imports_total: int
    imports_fragmented: int
    singleton_violations: int
    boundary_violations: int
    shared_state: int
    duplicate_factories: int
    legacy_call_sites: int


@dataclass(frozen=True, slots=True)
class Report:
    root: str
    files_scanned: int
    files_parsed: int
    files_from_cache: int
    unparseable: tuple[Unparseable, ...]
    symbols: tuple[SymbolReport, ...]
    factories: tuple[FactoryReport, ...]
    calls: tuple[CallReport, ...]
    singletons: tuple[Finding, ...]
    boundary_violations: tuple[Finding, ...]
    shared_state: tuple[Finding, ...]
    shims: tuple[Shim, ...]
    compliance: Compliance
    notes: tuple[Finding, ...] = ()
    config_fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """The report and, for every file with something to rewrite, what to do there."""

    report: Report
    specs: tuple[FileSpec, ...] = field(default=())
    retire: tuple[str, ...] = ()  # paths of shims that become unused after the migration
