"""SARIF 2.1.0: the report for code scanning (GitHub, Azure DevOps, VS Code's SARIF viewer).

One rule per finding kind (:mod:`migrator.rules`), one result per finding with its file, line and
column, and for every finding that ``migrator apply`` rewrites a ``fix`` with the replacement text.
A fix holds the whole rewrite of its file (every import, use, string and call migrator changes there),
because a partial rewrite can leave a file broken (an import renamed without its uses); applying any one
fix of a file resolves every migrator finding in it. Unparseable files are tool notifications.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from codemods.sources import DecodeError, decode_source
from migrator import __version__
from migrator.findings import Report
from migrator.formats.edits import TextEdit, text_edits
from migrator.patches import FilePatch
from migrator.rules import RULES, Result, results

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/migrator/"
SRCROOT = "%SRCROOT%"

LineSource = Callable[[str], list[str] | None]


def file_lines(root: Path) -> LineSource:
    """Lines of a repo-relative path under ``root`` (decoded as Python source), or None."""
    memo: dict[str, list[str] | None] = {}

    def lines(path: str) -> list[str] | None:
        if path not in memo:
            try:
                memo[path] = decode_source((root / path).read_bytes()).text.split("\n")
            except (OSError, DecodeError):
                memo[path] = None
        return memo[path]

    return lines


def patch_edits(patches: Iterable[FilePatch]) -> dict[str, tuple[TextEdit, ...]]:
    """Per modified file, the edits that turn its old text into the new one."""
    out: dict[str, tuple[TextEdit, ...]] = {}
    for p in patches:
        if p.old is None or p.new is None:
            continue  # created or deleted files are not fixes of a finding
        try:
            old, new = decode_source(p.old), decode_source(p.new)
        except DecodeError:
            continue
        out[p.path] = text_edits(old.text, new.text)
    return out


def _location(path: str) -> dict[str, Any]:
    return {"uri": path, "uriBaseId": SRCROOT}


def _region(r: Result, lines: list[str] | None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": r.line}
    if lines is not None and 1 <= r.line <= len(lines):
        text = lines[r.line - 1].rstrip("\r")
        stripped = text.lstrip()
        if stripped:
            region["startColumn"] = len(text) - len(stripped) + 1
            region["endColumn"] = len(text) + 1
            region["snippet"] = {"text": stripped}
    return region


def _fingerprint(r: Result, occurrence: int) -> str:
    blob = f"{r.rule}\0{r.path}\0{r.key}\0{occurrence}".encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def _fix(r: Result, edits: tuple[TextEdit, ...]) -> dict[str, Any]:
    return {
        "description": {
            "text": f"Rewrite {r.path} as `migrator apply` does ({len(edits)} change(s); "
            "resolves every migrator finding in this file)"
        },
        "artifactChanges": [
            {
                "artifactLocation": _location(r.path),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": e.start_line,
                            "startColumn": e.start_column,
                            "endLine": e.end_line,
                            "endColumn": e.end_column,
                        },
                        "insertedContent": {"text": e.text},
                    }
                    for e in edits
                ],
            }
        ],
    }


def to_sarif(
    report: Report,
    *,
    fixes: Mapping[str, tuple[TextEdit, ...]] | None = None,
    lines: LineSource | None = None,
    selected: Iterable[Result] | None = None,
) -> dict[str, Any]:
    """The SARIF log of ``report``: a JSON-ready dict.

    ``fixes`` (from :func:`patch_edits`) adds a fix to each fixable finding whose line the rewrite
    changes; ``lines`` gives columns and snippets (default: read from ``report.root``); ``selected``
    narrows the results (default: every finding).
    """
    get_lines = lines or file_lines(Path(report.root))
    rule_index = {rule.id: i for i, rule in enumerate(RULES)}
    seen: dict[tuple[str, str, str], int] = {}
    out_results: list[dict[str, Any]] = []
    for r in results(report) if selected is None else selected:
        occurrence = seen.get((r.rule, r.path, r.key), 0)
        seen[(r.rule, r.path, r.key)] = occurrence + 1
        item: dict[str, Any] = {
            "ruleId": r.rule,
            "ruleIndex": rule_index[r.rule],
            "level": r.level,
            "message": {"text": r.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _location(r.path),
                        "region": _region(r, get_lines(r.path)),
                    }
                }
            ],
            "partialFingerprints": {"migratorFinding/v1": _fingerprint(r, occurrence)},
        }
        if r.subject:
            item["properties"] = {"subject": r.subject}
        edits = (fixes or {}).get(r.path)
        if r.fixable and edits and any(e.covers(r.line) for e in edits):
            item["fixes"] = [_fix(r, edits)]
        out_results.append(item)
    c = report.compliance
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "migrator",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [
                    {
                        "id": rule.id,
                        "name": rule.name,
                        "shortDescription": {"text": rule.short},
                        "fullDescription": {"text": rule.help},
                        "help": {"text": rule.help},
                        "defaultConfiguration": {"level": rule.level},
                        "properties": {"tags": ["maintainability", rule.section]},
                    }
                    for rule in RULES
                ],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": Path(report.root).resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {
                        "level": "warning",
                        "message": {"text": f"not parsed, skipped: {u.error}"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": _location(u.path),
                                    "region": {"startLine": u.line},
                                }
                            }
                        ],
                    }
                    for u in report.unparseable
                ],
            }
        ],
        "results": out_results,
        "properties": {
            "compliance": {
                "score": c.score,
                "canonical_usage_pct": c.canonical_usage_pct,
                "clean_files_pct": c.clean_files_pct,
                "imports_fragmented": c.imports_fragmented,
                "legacy_call_sites": c.legacy_call_sites,
            },
            "files_scanned": report.files_scanned,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
