"""Issue 13's targets, checked as ratios of tools measured in the same interleaved run."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any

from .tools import ToolResult

PEAK_MB = 400.0
SCALING_LIMIT = 1.5
SCALING_SIZES = (5_000, 20_000)

# (name, numerator tool, denominator tool, limit, strict): the ratio of medians must be <= limit
# (< when strict). A ratio below 1 means migrator is the faster one.
RATIOS = (
    ("plan (cold) / ruff", "plan-cold", "ruff", 2.0, False),
    ("plan (cold) / ast-grep", "plan-cold", "ast-grep", 1.0, True),
    ("diff (whole) / ruff", "diff", "ruff", 15.0, False),
    ("plan (warm) / git grep", "plan-warm", "git-grep", 3.0, False),
)


@dataclass(frozen=True)
class Check:
    target: str
    value: float | None
    limit: float | None
    op: str  # "<=", "<" or "" (informational)
    verdict: str  # PASS | FAIL | N/A | info
    detail: str
    paired: float | None = None  # median of per-round ratios (same round of the round-robin)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _verdict(value: float | None, limit: float, strict: bool) -> str:
    if value is None:
        return "N/A"
    return "PASS" if (value < limit if strict else value <= limit) else "FAIL"


def paired_ratio(a: ToolResult, b: ToolResult) -> float | None:
    """Median over rounds of a/b within a round: robust to load that drifts between rounds."""
    pairs = [x.wall / y.wall for x, y in zip(a.samples, b.samples, strict=False) if y.wall > 0]
    return statistics.median(pairs) if pairs and a.status == b.status == "ok" else None


def check_tools(results: list[ToolResult]) -> list[Check]:
    by = {r.key: r for r in results}
    checks: list[Check] = []
    for name, num, den, limit, strict in RATIOS:
        a, b = by.get(num), by.get(den)
        ma = a.median if a else None
        mb = b.median if b else None
        value = ma / mb if ma is not None and mb else None
        paired = paired_ratio(a, b) if a and b else None
        detail = f"{num} {fmt(ma, 3)} s, {den} {fmt(mb, 3)} s"
        op = "<" if strict else "<="
        checks.append(Check(name, value, limit, op, _verdict(value, limit, strict), detail, paired))
    peaks = [
        (r.key, max(s.peak_mb for s in r.samples))
        for r in results
        if r.key in ("plan-cold", "plan-warm", "diff") and r.samples and r.status == "ok"
    ]
    key, peak = max(peaks, key=lambda kv: kv[1]) if peaks else ("-", None)
    detail = f"largest: {key} (max of the tree's summed RSS and the largest process's maxrss)"
    checks.append(
        Check("peak memory (MB)", peak, PEAK_MB, "<=", _verdict(peak, PEAK_MB, False), detail)
    )
    lib, diff = by.get("libcst"), by.get("diff")
    if lib and diff and lib.median and diff.median:
        note = lib.note or "whole corpus"
        checks.append(
            Check("libcst rename / diff (whole)", lib.median / diff.median, None, "", "info",
                  f"LibCST's one RenameCommand ({note}) against the whole consolidation")
        )  # fmt: skip
    return checks


def check_scaling(rows: list[dict[str, Any]], affected: int) -> Check | None:
    """Plan time at the largest over the smallest size of the fixed-affected series."""
    fixed = [r for r in rows if r.get("fixed") and r.get("plan_s")]
    if len(fixed) < 2:
        return None
    small = min(fixed, key=lambda r: r["files"])
    large = max(fixed, key=lambda r: r["files"])
    value = large["plan_s"] / small["plan_s"]
    name = f"plan {large['files']:,} / {small['files']:,} files ({affected} affected)"
    pairs = [a / b for a, b in zip(large["plan_walls"], small["plan_walls"], strict=False) if b]
    detail = f"{fmt(large['plan_s'], 3)} s / {fmt(small['plan_s'], 3)} s"
    if (small["files"], large["files"]) != SCALING_SIZES:
        detail += f" (the issue's sizes are {SCALING_SIZES[0]:,} and {SCALING_SIZES[1]:,})"
    paired = statistics.median(pairs) if pairs else None
    verdict = _verdict(value, SCALING_LIMIT, False)
    return Check(name, value, SCALING_LIMIT, "<=", verdict, detail, paired)
