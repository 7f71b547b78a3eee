"""Every finding of a ``Report`` as one flat, located result under a stable rule id.

This is the common ground of the machine formats (SARIF, GitHub annotations), the ratchet baseline,
the pytest plugin and the HTML dashboard: each renders these values, none re-derives findings.

A result's ``key`` names what was found without its line number (``from core.compat import Engine``),
so a baseline survives code moving up or down a file; ``line`` says where it is now.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from migrator.findings import ImportFinding, Report

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str  # stable slug, e.g. "fragmented-import"
    name: str  # PascalCase, as SARIF's reportingDescriptor.name suggests
    short: str  # one line
    help: str  # what it means and what to do
    level: Level
    section: str  # the report section it comes from (symbols, factories, calls, ...)


RULES: tuple[Rule, ...] = (
    Rule(
        "fragmented-import",
        "FragmentedImport",
        "Import of a canonical symbol through a non-canonical path or name",
        "The import binds a configured canonical symbol through a legacy module (a re-export shim, "
        "an alias, a relative path) or under another local name. `migrator apply` rewrites it to the "
        "canonical import and renames its uses.",
        "error",
        "symbols",
    ),
    Rule(
        "kept-import",
        "KeptImport",
        "Non-canonical import that the migration keeps on purpose",
        "The import stays non-canonical for the stated reason (a `# migrator: keep` comment, "
        "`rename_aliases = false`, the canonical name is taken, ...). It is not counted as a finding.",
        "warning",
        "symbols",
    ),
    Rule(
        "legacy-string-reference",
        "LegacyStringReference",
        "String literal naming a legacy path of a canonical symbol",
        "A string such as a `mock.patch` target or an `importlib.import_module` argument names a legacy "
        "path. `migrator apply` rewrites it to the canonical path.",
        "error",
        "symbols",
    ),
    Rule(
        "legacy-call",
        "LegacyCall",
        "Call of a legacy helper or of a duplicate factory",
        "A call site of a `[[calls]]` entry or of a duplicate factory. `migrator apply` rewrites it "
        "to the canonical callable with the configured argument mapping where that is safe.",
        "error",
        "calls",
    ),
    Rule(
        "kept-call",
        "KeptCall",
        "Legacy call that the migration keeps on purpose",
        "The call carries `# migrator: keep` and is never rewritten. It is not counted as a finding.",
        "warning",
        "calls",
    ),
    Rule(
        "duplicate-factory",
        "DuplicateFactory",
        "A second factory for a product that has a canonical factory",
        "A wrapper or independent duplicate of a canonical factory. Move its callers to the canonical "
        "factory (a `methods` map lets `migrator apply` do that), then delete it.",
        "error",
        "factories",
    ),
    Rule(
        "singleton",
        "Singleton",
        "Module- or class-level singleton",
        "State kept in a module global, a class attribute or a cached zero-argument factory is shared "
        "by every user of the process. Pass the instance in instead.",
        "error",
        "singletons",
    ),
    Rule(
        "cross-service-import",
        "CrossServiceImport",
        "A service imports another service's module",
        "Services listed in `services` may import each other's code only through the `shared` "
        "packages. Move what is shared there, or call the other service through its API.",
        "error",
        "boundaries",
    ),
    Rule(
        "shared-state",
        "SharedState",
        "Mutable state shared through a class body or a module global",
        "A mutable container in a class body, or a module-level container that functions mutate, is "
        "shared by every instance and caller. Make it per instance or pass it in.",
        "error",
        "shared-state",
    ),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


@dataclass(frozen=True, slots=True)
class Result:
    """One finding at one place."""

    rule: str  # a Rule.id
    path: str  # repo-relative, "/"
    line: int
    message: str
    key: str  # what was found, without the line (stable across edits elsewhere in the file)
    subject: str = ""  # the configured symbol, factory or call it belongs to ("" for structural)
    fixable: bool = False  # `migrator apply` rewrites it

    @property
    def level(self) -> Level:
        return RULES_BY_ID[self.rule].level


def canonical_statement(canonical: str) -> str:
    """``from core.engine import UserEngine`` for ``core.engine:UserEngine`` (first attribute only)."""
    module, _, attr = canonical.partition(":")
    return f"from {module} import {attr.split('.', 1)[0]}"


def _import_results(canonical: str, imp: ImportFinding) -> Result:
    if imp.status == "kept":
        return Result(
            "kept-import",
            imp.path,
            imp.line,
            f"`{imp.pattern}` is kept non-canonical: {imp.reason or 'kept'}",
            f"{imp.pattern} ({imp.reason or 'kept'})",
            canonical,
        )
    how = f"under the local name {imp.local}" if imp.via == canonical else f"through {imp.via}"
    return Result(
        "fragmented-import",
        imp.path,
        imp.line,
        f"`{imp.pattern}` imports {canonical} {how}; use `{canonical_statement(canonical)}`",
        imp.pattern,
        canonical,
        fixable=True,
    )


def iter_results(report: Report) -> Iterator[Result]:
    """Every located finding of ``report``, section by section (see :func:`results` for the order)."""
    for s in report.symbols:
        for imp in s.imports:
            if imp.status != "canonical":
                yield _import_results(s.canonical, imp)
        for ref in s.string_references:
            yield Result(
                "legacy-string-reference",
                ref.path,
                ref.line,
                f"string '{ref.value}' names a legacy path of {s.canonical}; use '{ref.replacement}'",
                f"'{ref.value}' -> '{ref.replacement}'",
                s.canonical,
                fixable=True,
            )
    for f in report.factories:
        for d in f.duplicates:
            if d.kind != "alias":
                yield Result(
                    "duplicate-factory",
                    d.path,
                    d.line,
                    f"{d.symbol} is a {d.kind} duplicate of the canonical factory {f.canonical}",
                    f"{d.kind} duplicate {d.symbol}",
                    f.canonical,
                )
            for loc in d.call_sites:
                yield Result(
                    "legacy-call",
                    loc.path,
                    loc.line,
                    f"call of the duplicate factory {d.symbol}; use {f.canonical}",
                    f"call of {d.symbol}",
                    f.canonical,
                    fixable=d.rewritable,
                )
            for loc in d.kept:
                yield Result(
                    "kept-call",
                    loc.path,
                    loc.line,
                    f"call of the duplicate factory {d.symbol} is kept (# migrator: keep)",
                    f"call of {d.symbol}",
                    f.canonical,
                )
    for c in report.calls:
        for loc in c.call_sites:
            yield Result(
                "legacy-call",
                loc.path,
                loc.line,
                f"call of the legacy {c.old}; use {c.new}",
                f"call of {c.old}",
                c.old,
                fixable=True,
            )
        for loc in c.kept:
            yield Result(
                "kept-call",
                loc.path,
                loc.line,
                f"call of the legacy {c.old} is kept (# migrator: keep)",
                f"call of {c.old}",
                c.old,
            )
    for rule, items in (
        ("singleton", report.singletons),
        ("cross-service-import", report.boundary_violations),
        ("shared-state", report.shared_state),
    ):
        for item in items:
            yield Result(
                rule,
                item.path,
                item.line,
                f"{item.kind}: {item.detail}",
                f"{item.kind}: {item.detail}",
            )


def results(report: Report) -> tuple[Result, ...]:
    """Every located finding, sorted by path, line, rule and key (a stable order for every format)."""
    return tuple(sorted(iter_results(report), key=lambda r: (r.path, r.line, r.rule, r.key)))


def count_by_rule(items: Iterable[Result]) -> dict[str, int]:
    out = {r.id: 0 for r in RULES}
    for item in items:
        out[item.rule] += 1
    return out
