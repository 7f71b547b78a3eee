"""`migrator plan samples/monorepo` reports exactly the numbers of samples/monorepo/EXPECTED.md."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app
from migrator.planner import PlanOptions, make_plan
from migrator.report import to_json

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "monorepo"
UE = "core.engine.user_engine:UserEngine"
ST = "core.config.settings:Settings"

PATTERNS_UE = {
    "from core.engine.user_engine import UserEngine": (10, 10, True),
    "import core.engine.user_engine": (1, 1, True),
    "import core.engine.user_engine as ue_mod": (1, 1, True),
    "from core.legacy.engine_shim import UserEngine": (2, 2, False),
    "from core.engine.user_engine import UserEngine as CoreEngine": (2, 2, False),
    "from core.legacy import UserEngine": (2, 2, False),
    "from core.canonical_imports import UserEngine": (2, 2, False),
    "from accounts.engines import AccountEngine": (2, 2, False),
    "from core.legacy.compat import UserEngineV1": (2, 2, False),
    "from core.legacy.compat import Engine": (2, 2, False),
    "from core.engine.user_engine import UserEngine as Engine": (1, 1, False),
    "from core.engine.user_engine import UserEngine as UE": (1, 1, False),
    "from core.engine.user_engine import UserEngine as BaseEngine": (1, 1, False),
    "from core.engine import UserEngine as UserEng": (1, 1, False),
    "from core.engine import UserEngine": (1, 1, False),
    "from ..engines import AccountEngine": (1, 1, False),
    "from ..engine.user_engine import UserEngine": (1, 1, False),
    "from .engine_shim import UserEngine": (1, 1, False),
    "import core.engine": (1, 1, False),
    "import core.legacy.engine_shim as shim": (1, 1, False),
    "from core.legacy.engine_shim import *": (1, 1, False),
    "from core.legacy.engine_shim import UserEngine as ShimEngine": (1, 1, False),
}
PATTERNS_ST = {
    "from core.config.settings import Settings": (4, 4, True),
    "from .settings import Settings": (1, 1, False),
    "from core.config import Settings": (1, 1, False),
    "from core.canonical_imports import Settings": (1, 1, False),
    "from core.config.settings import Settings as AppSettings": (1, 1, False),
}


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    # A copy, so that the cache directory never lands in the source tree.
    root = tmp_path_factory.mktemp("sample") / "monorepo"
    shutil.copytree(SAMPLE, root)
    report = make_plan(root, options=PlanOptions(jobs=2, use_cache=False)).report
    return to_json(report)


def sym(doc: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(s for s in doc["symbols"] if s["canonical"] == name)


def test_files_and_unparseable(doc: dict) -> None:  # type: ignore[type-arg]
    assert doc["files_scanned"] == 83
    assert [(u["path"], u["line"]) for u in doc["unparseable"]] == [
        ("analytics/exports/csv_export.py", 9)
    ]


def test_user_engine_numbers(doc: dict) -> None:  # type: ignore[type-arg]
    s = sym(doc, UE)
    assert (
        s["imports_total"],
        s["imports_canonical"],
        s["imports_fragmented"],
        s["imports_kept"],
    ) == (38, 12, 24, 2)
    assert s["canonical_usage_pct"] == 31.6
    assert {
        p["pattern"]: (p["files"], p["imports"], p["canonical"]) for p in s["patterns"]
    } == PATTERNS_UE
    assert sorted(s["aliases"]) == sorted(
        [
            "core.engine:UserEngine",
            "core.canonical_imports:UserEngine",
            "core.legacy.engine_shim:UserEngine",
            "core.legacy.engine_shim:Engine",
            "core.legacy:UserEngine",
            "core.legacy.compat:UserEngine",
            "core.legacy.compat:Engine",
            "core.legacy.compat:UserEngineV1",
            "accounts.engines:AccountEngine",
        ]
    )
    assert s["conditional_aliases"] == ["core.compat:Engine"]
    assert [(i["path"], i["line"]) for i in s["conditional_imports"]] == [
        ("analytics/pipeline/runner.py", 23)
    ]
    assert sorted((r["path"], r["line"]) for r in s["string_references"]) == [
        ("core/plugins.py", 14),
        ("tests/test_accounts.py", 45),
        ("tests/test_billing.py", 69),
        ("tests/test_billing.py", 112),
        ("tests/test_legacy_paths.py", 23),
        ("tests/test_legacy_paths.py", 24),
    ]
    # The other class named UserEngine is never counted.
    assert not any(i["via"].startswith("analytics.reporting") for i in s["imports"])
    assert ("analytics/reporting/dashboards.py", 7) not in {
        (i["path"], i["line"]) for i in s["imports"]
    }
    kept = {(i["path"], i["line"]): i["reason"] for i in s["imports"] if i["status"] == "kept"}
    assert kept == {
        ("tests/test_legacy_paths.py", 9): "# migrator: keep",
        ("analytics/reporting/summaries.py", 6): "'UserEngine' is bound to something else here",
    }
    assert ["analytics.reporting.engine:UserEngine", "independent"] in [
        [c["symbol"], c["kind"]] for c in s["same_name_classes"]
    ]
    assert [(n["path"], n["line"]) for n in doc["notes"] if n["kind"] == "skip-file"] == [
        ("tests/test_shim_contract.py", 4)
    ]


def test_settings_numbers(doc: dict) -> None:  # type: ignore[type-arg]
    s = sym(doc, ST)
    assert (
        s["imports_total"],
        s["imports_canonical"],
        s["imports_fragmented"],
        s["imports_kept"],
    ) == (8, 4, 4, 0)
    assert s["canonical_usage_pct"] == 50.0
    assert {
        p["pattern"]: (p["files"], p["imports"], p["canonical"]) for p in s["patterns"]
    } == PATTERNS_ST
    assert s["string_references"] == []


def test_factories_and_calls(doc: dict) -> None:  # type: ignore[type-arg]
    (f,) = doc["factories"]
    assert {(d["symbol"], d["kind"], len(d["call_sites"])) for d in f["duplicates"]} == {
        ("billing.engines:EngineFactory", "alias", 3),
        ("accounts.engine_factory:AccountsEngineFactory", "wrapper", 2),
        ("analytics.engine_factory:UnifiedEngineFactory", "independent", 3),
    }
    calls = {
        c["old"]: sorted((x["path"], x["line"]) for x in c["call_sites"]) for c in doc["calls"]
    }
    assert calls["core.legacy.helpers:create_engine"] == [
        ("accounts/onboarding/welcome.py", 31),
        ("tests/test_legacy_paths.py", 30),
        ("tests/test_legacy_paths.py", 36),
    ]
    assert len(calls["billing.engines:get_engine"]) == 6


def test_detectors(doc: dict) -> None:  # type: ignore[type-arg]
    assert [(x["path"], x["line"], x["kind"]) for x in doc["singletons"]] == [
        ("accounts/audit/log.py", 19, "class_instance"),
        ("analytics/tracking/metrics.py", 12, "decorator"),
        ("billing/payments/gateways.py", 65, "module_instance"),
        ("core/config/settings.py", 51, "cached_factory"),
        ("core/db/pool.py", 71, "module_instance"),
        ("core/engine/factory.py", 47, "cached_factory"),
        ("core/events/bus.py", 15, "decorator"),
    ]
    assert [(x["path"], x["line"]) for x in doc["boundary_violations"]] == [
        ("analytics/revenue.py", 8),
        ("analytics/revenue.py", 9),
        ("analytics/usage.py", 30),
        ("billing/invoicing/invoice_service.py", 10),
        ("billing/payments/processor.py", 7),
    ]
    assert [(x["path"], x["line"], x["kind"]) for x in doc["shared_state"]] == [
        ("accounts/permissions.py", 21, "module_mutable"),
        ("accounts/permissions.py", 27, "class_mutable"),
        ("analytics/tracking/events.py", 11, "module_mutable"),
        ("billing/engines.py", 14, "module_mutable"),
        ("billing/payments/gateways.py", 16, "class_mutable"),
        ("core/db/repository.py", 18, "class_mutable"),
        ("core/plugins.py", 16, "module_mutable"),
        ("core/utils/cache.py", 18, "class_mutable"),
        ("core/utils/cache.py", 42, "module_mutable"),
    ]


def test_compliance(doc: dict) -> None:  # type: ignore[type-arg]
    c = doc["compliance"]
    assert c["score"] == 44.6
    m = c["metrics"]
    assert (m["imports_total"], m["imports_fragmented"], m["canonical_usage_pct"]) == (46, 28, 34.8)
    assert (
        m["duplicate_factories"],
        m["legacy_call_sites"],
        m["files_with_findings"],
        m["clean_files_pct"],
    ) == (2, 17, 27, 67.5)


def test_text_and_markdown_formats_show_the_same_numbers(tmp_path: Path) -> None:
    root = tmp_path / "monorepo"
    shutil.copytree(SAMPLE, root)
    result = CliRunner().invoke(app, ["plan", str(root), "--no-cache"])
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("migrator plan · 83 files scanned")
    assert "compliance score 44.6/100" in text
    row = "core.engine.user_engine:UserEngine       38         12          24     2     31.6"
    assert row in text
    assert "files to change: 29" in text
    assert "duplicate factories: 2 (independent 1, wrapper 1); factory aliases: 1" in text
    assert "from core.legacy.engine_shim import UserEngine as ShimEngine" in text
    result = CliRunner().invoke(app, ["plan", str(root), "--format", "markdown"])
    md = result.stdout
    assert "**compliance score 44.6/100 · canonical usage 34.8% · clean files 67.5%**" in md
    assert "| `core.engine.user_engine:UserEngine` | 38 | 12 | 24 | 2 | 31.6 | 22 | 6 |" in md
    assert "| `from accounts.engines import AccountEngine` | 2 | 2 | no |" in md
    # Every section of the text report is in the Markdown report, in the same order.
    text_titles = [line for line in text.splitlines() if line and not line.startswith(" ")][1:]
    md_titles = [line[4:] for line in md.splitlines() if line.startswith("### ")]
    assert text_titles[1:] == md_titles
    assert text_titles[0] == "compliance score 44.6/100 · canonical usage 34.8% · clean files 67.5%"
    assert {"Legacy calls", "Re-export shims (4)", "Duplicate factories (2)"} <= set(md_titles)
    assert "- conditional bindings, left alone" in md
    result = CliRunner().invoke(app, ["plan", str(root), "--format", "json"])
    assert json.loads(result.stdout)["compliance"]["score"] == 44.6


def test_check_fails_on_the_sample_thresholds(tmp_path: Path) -> None:
    root = tmp_path / "monorepo"
    shutil.copytree(SAMPLE, root)
    result = CliRunner().invoke(app, ["check", str(root), "--no-cache", "--format", "json"])
    assert result.exit_code == 1
    assert "fragmented_imports: 28 > 5" in result.stderr
    assert "singleton_violations: 7 > 0" in result.stderr
    assert "boundary_violations: 5 > 0" in result.stderr
    assert "canonical_usage_pct: 34.8 < 95.0" in result.stderr
