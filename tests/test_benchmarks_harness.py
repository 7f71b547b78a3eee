"""The benchmark harness (``benchmarks/run.py`` and ``benchmarks/harness``): it measures real process
trees, stops them on timeout, and an end-to-end run on a tiny corpus fills every table."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _harness(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(f"harness.{name}")


# A parent that allocates ~60 MB and starts a child that allocates ~60 MB more, both held a while.
TREE = textwrap.dedent(
    """
    import subprocess, sys, time
    block = bytearray(60 * 1024 * 1024)
    child = subprocess.Popen([sys.executable, "-c",
        "import time; b = bytearray(60 * 1024 * 1024); time.sleep(0.8)"])
    time.sleep(0.8)
    child.wait()
    """
)


def test_measure_sums_the_process_tree(tmp_path: Path) -> None:
    measure = _harness("measure")
    sample, stdout = measure.measure([sys.executable, "-c", TREE], tmp_path, timeout=60)
    assert sample.returncode == 0 and not sample.timed_out and stdout == b""
    assert sample.procs >= 2  # the child was seen
    assert sample.tree_rss_mb >= 110  # both blocks at once
    assert sample.maxrss_mb >= 55  # the largest single process (wait4)
    assert sample.peak_mb == max(sample.tree_rss_mb, sample.maxrss_mb)
    assert sample.wall >= 0.8 and sample.cpu > 0


def test_measure_kills_the_whole_tree_on_timeout(tmp_path: Path) -> None:
    measure = _harness("measure")
    marker = tmp_path / "grandchild-survived"
    grandchild = tmp_path / "grandchild.py"
    grandchild.write_text(
        f"import pathlib, time\ntime.sleep(3)\npathlib.Path({str(marker)!r}).touch()\n"
    )
    parent = tmp_path / "parent.py"
    parent.write_text(
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, {str(grandchild)!r}])\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    sample, _ = measure.measure([sys.executable, str(parent)], tmp_path, timeout=1.0)
    assert sample.timed_out and time.monotonic() - started < 30
    time.sleep(3.5)
    assert not marker.exists()


def test_ratio_targets_use_medians_and_pair_rounds() -> None:
    tools, targets = _harness("tools"), _harness("targets")
    sample = _harness("measure").Sample

    def result(key: str, walls: list[float]) -> object:
        r = tools.ToolResult(key, key, key)
        r.samples = [sample(w, 0.0, 10.0, 10.0, 0.0, 1, 0) for w in walls]
        return r

    checks = targets.check_tools(
        [
            result("plan-cold", [4.0, 3.0, 5.0]),
            result("ruff", [2.0, 2.0, 2.0]),
            result("ast-grep", [3.0, 6.0, 6.0]),
            result("diff", [40.0, 40.0, 40.0]),
            result("plan-warm", [0.3, 0.3, 0.3]),
            result("git-grep", [0.05, 0.2, 0.2]),
        ]
    )
    by = {c.target: c for c in checks}
    assert by["plan (cold) / ruff"].value == 2.0 and by["plan (cold) / ruff"].verdict == "PASS"
    assert by["plan (cold) / ast-grep"].value == pytest.approx(4.0 / 6.0)
    assert by["plan (cold) / ast-grep"].paired == pytest.approx(5.0 / 6.0)
    assert by["diff (whole) / ruff"].verdict == "FAIL"
    assert by["plan (warm) / git grep"].value == pytest.approx(1.5)
    assert by["peak memory (MB)"].value == 10.0 and by["peak memory (MB)"].verdict == "PASS"


def test_run_end_to_end_on_a_tiny_corpus(tmp_path: Path) -> None:
    """Every tool, the counts, the targets and the scaling table, from one short run."""
    out = tmp_path / "results.json"
    md = tmp_path / "results.md"
    argv = [
        sys.executable, str(BENCHMARKS / "run.py"), "--files", "80", "--repeat", "1",
        "--no-libcst", "--scaling", "60,80", "--scaling-affected", "3", "--scaling-repeat", "1",
        "--corpus-root", str(tmp_path), "--json", str(out), "--markdown", str(md),
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(out.read_text())
    tools = {t["key"]: t for t in doc["tools"]}
    for key in ("plan-cold", "plan-warm", "diff", "ruff", "ast-grep", "git-grep"):
        assert tools[key]["status"] == "ok" and len(tools[key]["samples"]) == 1, key
    counts = doc["counts"]
    assert counts["files"] == 80 and counts["files_scanned"] == 80
    assert counts["affected_planted"] >= 1 and counts["patched"] >= 1
    assert counts["files_in_findings"] >= counts["affected_planted"]
    assert counts["affected_planted"] <= counts["files_parsed"] <= 80
    targets = {t["target"]: t for t in doc["targets"]}
    for name in ("plan (cold) / ruff", "plan (cold) / ast-grep", "diff (whole) / ruff"):
        assert targets[name]["value"] > 0 and targets[name]["verdict"] in ("PASS", "FAIL")
    assert "plan 80 / 60 files (3 affected)" in targets
    assert [r["files"] for r in doc["scaling"]] == [60, 80]
    table = md.read_text()
    assert "| plan (cold) / ast-grep |" in table and "| files parsed by `plan`" in table
    assert "plan (cold) / ruff" in proc.stdout
