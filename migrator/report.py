"""A ``Report`` as JSON (schema version 1); baselines; thresholds.

The text and Markdown reports are documents built by :mod:`migrator.sections`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from migrator import __version__
from migrator.config import Thresholds
from migrator.errors import MigratorError
from migrator.findings import Finding, Location, Report, SymbolReport

SCHEMA_VERSION = 1


def _loc(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "line": loc.line}


def _finding(f: Finding) -> dict[str, Any]:
    return {"path": f.path, "line": f.line, "kind": f.kind, "detail": f.detail}


def _symbol(s: SymbolReport) -> dict[str, Any]:
    def imp(i: Any) -> dict[str, Any]:
        return {
            "path": i.path,
            "line": i.line,
            "pattern": i.pattern,
            "form": i.form,
            "via": i.via,
            "local": i.local,
            "status": i.status,
            "scope": i.scope,
            "context": list(i.context),
            "reason": i.reason,
        }

    return {
        "canonical": s.canonical,
        "aliases": list(s.aliases),
        "conditional_aliases": list(s.conditional_aliases),
        "imports_total": s.imports_total,
        "imports_canonical": s.count("canonical"),
        "imports_fragmented": s.count("fragmented"),
        "imports_kept": s.count("kept"),
        "canonical_usage_pct": s.canonical_usage_pct,
        "patterns": [
            {"pattern": p.pattern, "files": p.files, "imports": p.imports, "canonical": p.canonical}
            for p in s.patterns()
        ],
        "string_references": [
            {
                "path": r.path,
                "line": r.line,
                "value": r.value,
                "replacement": r.replacement,
                "context": r.context,
            }
            for r in s.string_references
        ],
        "imports": [imp(i) for i in s.imports],
        "conditional_imports": [imp(i) for i in s.conditional_imports],
        "reexports": [imp(i) for i in s.reexports],
        "direct_constructions": [_loc(x) for x in s.direct_constructions],
        "same_name_classes": [{"symbol": sym, "kind": kind} for sym, kind in s.same_name_classes],
    }


def to_json(report: Report, baseline: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as a JSON-ready dict with stable keys (paths relative, ``/``-separated)."""
    c = report.compliance
    configured = bool(report.symbols or report.factories or report.calls)
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "migrator", "version": __version__},
        "config_fingerprint": report.config_fingerprint,
        "files_scanned": report.files_scanned,
        "files_parsed": report.files_parsed,
        "unparseable": [
            {"path": u.path, "line": u.line, "error": u.error} for u in report.unparseable
        ],
        "symbols": [_symbol(s) for s in report.symbols],
        "factories": [
            {
                "canonical": f.canonical,
                "duplicates": [
                    {
                        "symbol": d.symbol,
                        "path": d.path,
                        "line": d.line,
                        "kind": d.kind,
                        "rewritable": d.rewritable,
                        "call_sites": [_loc(x) for x in d.call_sites],
                        "kept": [_loc(x) for x in d.kept],
                    }
                    for d in f.duplicates
                ],
                "helpers": [_loc(x) for x in f.helpers],
            }
            for f in report.factories
        ],
        "calls": [
            {
                "old": c_.old,
                "new": c_.new,
                "call_sites": [_loc(x) for x in c_.call_sites],
                "kept": [_loc(x) for x in c_.kept],
            }
            for c_ in report.calls
        ],
        "singletons": [_finding(f) for f in report.singletons],
        "boundary_violations": [_finding(f) for f in report.boundary_violations],
        "shared_state": [_finding(f) for f in report.shared_state],
        "shims": [
            {
                "module": s.module,
                "path": s.path,
                "retirable_now": s.retirable_now,
                "retirable_after_migration": s.retirable_after_migration,
                "importers": [_loc(x) for x in s.importers],
            }
            for s in report.shims
        ],
        "migration_configured": configured,
        "compliance": {
            # No score for a migration nobody configured: only the structural numbers mean anything.
            "score": c.score if configured else None,
            "metrics": {
                "canonical_usage_pct": c.canonical_usage_pct if configured else None,
                "clean_files_pct": c.clean_files_pct,
                "files_with_findings": c.files_with_findings,
                "imports_total": c.imports_total,
                "imports_fragmented": c.imports_fragmented,
                "singleton_violations": c.singleton_violations,
                "boundary_violations": c.boundary_violations,
                "shared_state": c.shared_state,
                "duplicate_factories": c.duplicate_factories,
                "legacy_call_sites": c.legacy_call_sites,
            },
        },
        "notes": [_finding(n) for n in report.notes],
    }
    if baseline is not None:
        doc["baseline"] = compare(baseline, doc)
    return doc


def metrics(doc: dict[str, Any]) -> dict[str, float]:
    """The headline numbers of a JSON report (the same function reads a baseline and the new run)."""
    m: dict[str, float] = {
        "files_scanned": doc.get("files_scanned", 0),
        "unparseable": len(doc.get("unparseable", [])),
    }
    comp = doc.get("compliance", {})
    if comp.get("score") is not None:  # null when no migration is configured
        m["compliance_score"] = comp["score"]
    for key, value in comp.get("metrics", {}).items():
        if value is not None:
            m[key] = value
    m["string_references"] = sum(
        len(s.get("string_references", [])) for s in doc.get("symbols", [])
    )
    for s in doc.get("symbols", []):
        m[f"{s['canonical']} fragmented"] = s.get("imports_fragmented", 0)
        m[f"{s['canonical']} patterns"] = len(s.get("patterns", []))
    return m


# The order the report shows its numbers in; per-symbol rows follow the symbol totals.
_REPORT_ORDER = (
    "compliance_score",
    "canonical_usage_pct",
    "clean_files_pct",
    "files_scanned",
    "imports_total",
    "imports_fragmented",
    "string_references",
    "legacy_call_sites",
    "duplicate_factories",
    "singleton_violations",
    "boundary_violations",
    "shared_state",
    "files_with_findings",
    "unparseable",
)


def _report_order(key: str) -> tuple[int, str]:
    if key in _REPORT_ORDER:
        return (_REPORT_ORDER.index(key) * 2, key)
    if key.endswith((" fragmented", " patterns")):  # per symbol, right after imports_fragmented
        return (_REPORT_ORDER.index("imports_fragmented") * 2 + 1, key)
    return (len(_REPORT_ORDER) * 2, key)


def compare(baseline: dict[str, Any], now: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Every metric of either report as then → now, in the order the report shows them."""
    before, after = metrics(baseline), metrics(now)
    out: dict[str, dict[str, float]] = {}
    for key in sorted(set(before) | set(after), key=_report_order):
        b, a = before.get(key, 0), after.get(key, 0)
        out[key] = {"before": b, "now": a, "change": round(a - b, 1)}
    return out


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MigratorError(f"{path}: cannot read baseline: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise MigratorError(f"{path}:{exc.lineno}: not a JSON report: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("schema_version") != SCHEMA_VERSION:
        raise MigratorError(
            f"{path}: not a migrator JSON report (schema_version {SCHEMA_VERSION} expected)"
        )
    return doc


def check_thresholds(report: Report, t: Thresholds) -> list[str]:
    """One line per exceeded threshold (empty: all fine)."""
    c = report.compliance
    out: list[str] = []
    maxima = [
        ("fragmented_imports", c.imports_fragmented, t.fragmented_imports),
        ("singleton_violations", c.singleton_violations, t.singleton_violations),
        ("boundary_violations", c.boundary_violations, t.boundary_violations),
        ("shared_state", c.shared_state, t.shared_state),
        ("duplicate_factories", c.duplicate_factories, t.duplicate_factories),
    ]
    for name, value, limit in maxima:
        if limit is not None and value > limit:
            out.append(f"{name}: {value} > {limit}")
    minima = [
        ("canonical_usage_pct", c.canonical_usage_pct, t.canonical_usage_pct),
        ("compliance_score", c.score, t.compliance_score),
    ]
    for name, fvalue, flimit in minima:
        if flimit is not None and fvalue < flimit:
            out.append(f"{name}: {fvalue} < {flimit}")
    return out


def fmt_number(v: float) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def fmt_change(d: dict[str, float]) -> str:
    ch = d["change"]
    return "=" if ch == 0 else (f"+{fmt_number(ch)}" if ch > 0 else fmt_number(ch))
