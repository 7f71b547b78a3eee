"""Does plan time grow with the affected files or with the repository? Cold plans on corpora of
several sizes, the sizes interleaved round-robin like the main table's tools."""

from __future__ import annotations

import contextlib
import json
import math
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .measure import log, measure
from .tools import RUFF_ARGS, MigratorCli, plan_counts, venv_tool

Ensure = Callable[[int, int | None], tuple[Path, dict[str, Any]]]  # (files, affected) -> corpus


def loglog_slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares exponent b of time = a * size**b (1.0: linear in size; ~0: independent of it)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(p[0] for p in pts)
    my = statistics.fmean(p[1] for p in pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def run_scaling(
    sizes: list[int],
    fixed_affected: int,
    with_fraction: bool,
    repeat: int,
    ensure: Ensure,
    cli: MigratorCli,
    timeout: float,
) -> list[dict[str, Any]]:
    """One row per (series, size); every round times each row's plan (and ruff) once."""
    series: list[tuple[str, int | None]] = []
    if fixed_affected > 0:
        series.append((f"{fixed_affected} affected", fixed_affected))
    if with_fraction:
        series.append(("profile's share affected", None))
    rows: list[dict[str, Any]] = []
    corpora: list[Path] = []
    for name, count in series:
        for size in sizes:
            if count is not None and count > size // 4:
                continue
            corpus, manifest = ensure(size, count)
            corpora.append(corpus)
            rows.append({
                "series": name, "fixed": count is not None, "files": size, "corpus": corpus.name,
                "affected": manifest["affected_files"], "bytes": manifest["bytes"],
                "files_naming_symbols": manifest.get("files_naming_symbols"),
                "plan_walls": [], "plan_status": "ok" if cli.ready else "NOT READY",
                "plan_peak_mb": None, "plan_counts": {}, "ruff_walls": [],
            })  # fmt: skip
    ruff = venv_tool("ruff")
    for rep in range(repeat):
        for row, corpus in zip(rows, corpora, strict=True):
            if row["plan_status"] == "ok":
                log(f"[{rep + 1}/{repeat}] scaling {row['series']}, {row['files']} files: plan ...")
                cmd = cli.cmd(["plan", "--format", "json"], no_cache=True)
                s, out = measure(cmd, corpus, timeout)
                if s.returncode == 0 and not s.timed_out:
                    row["plan_walls"].append(s.wall)
                    row["plan_peak_mb"] = max(row["plan_peak_mb"] or 0.0, s.peak_mb)
                    with contextlib.suppress(ValueError):
                        row["plan_counts"] = plan_counts(json.loads(out))
                else:
                    row["plan_status"] = (
                        "TIMEOUT" if s.timed_out else f"FAILED (exit {s.returncode})"
                    )
                    row["plan_error"] = s.stderr_tail
            if ruff:
                s, _ = measure([ruff, *RUFF_ARGS], corpus, timeout)
                if s.returncode == 0:
                    row["ruff_walls"].append(s.wall)
    for row in rows:
        row["plan_s"] = statistics.median(row["plan_walls"]) if row["plan_walls"] else None
        row["ruff_s"] = statistics.median(row["ruff_walls"]) if row["ruff_walls"] else None
    return rows


def exponents(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    slopes: dict[str, float | None] = {}
    for series in dict.fromkeys(r["series"] for r in rows):
        pts = [
            (float(r["files"]), r["plan_s"]) for r in rows if r["series"] == series and r["plan_s"]
        ]
        slopes[f"plan vs files ({series})"] = loglog_slope(pts)
    pts = [(float(r["files"]), r["ruff_s"]) for r in rows if r["ruff_s"]]
    slopes["ruff vs files"] = loglog_slope(pts)
    return slopes
