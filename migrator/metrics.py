"""The headline numbers of a report, by stable name: what the ratchet guards and history plots."""

from __future__ import annotations

from migrator.findings import Report
from migrator.rules import count_by_rule, results

# Where more is better; every other headline number is a count where less is better.
HIGHER_IS_BETTER = frozenset({"compliance_score", "canonical_usage_pct", "clean_files_pct"})

# Neutral sizes: neither better nor worse when they change.
SIZES = frozenset({"files_scanned", "imports_total"})


def headline(report: Report) -> dict[str, float]:
    """Score, usage, finding counts per kind and fragmented imports per symbol."""
    c = report.compliance
    m: dict[str, float] = {
        "compliance_score": c.score,
        "canonical_usage_pct": c.canonical_usage_pct,
        "clean_files_pct": c.clean_files_pct,
        "files_scanned": report.files_scanned,
        "files_with_findings": c.files_with_findings,
        "imports_total": c.imports_total,
        "imports_fragmented": c.imports_fragmented,
        "legacy_call_sites": c.legacy_call_sites,
        "singleton_violations": c.singleton_violations,
        "boundary_violations": c.boundary_violations,
        "shared_state": c.shared_state,
        "duplicate_factories": c.duplicate_factories,
        "string_references": sum(len(s.string_references) for s in report.symbols),
        "unparseable": len(report.unparseable),
    }
    for s in report.symbols:
        m[f"imports_fragmented[{s.canonical}]"] = s.count("fragmented")
    for rule, n in count_by_rule(results(report)).items():
        m[f"findings[{rule}]"] = n
    return m
