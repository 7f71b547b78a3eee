"""The results as tables: plain text for the terminal, Markdown for ``benchmarks/README.md``, JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .measure import MIB
from .targets import Check, fmt
from .tools import ToolResult

COUNT_ROWS = (
    ("files", "files in the corpus"),
    ("files_naming_symbols", "files naming a symbol as a word (generator's count)"),
    ("files_parsed", "files parsed by `plan` (passed the prefilter)"),
    ("files_in_findings", "files in the plan's symbol, factory and call findings"),
    ("affected_planted", "affected files the generator planted"),
    ("patched", "files `diff` patches"),
)


def main_rows(results: list[ToolResult]) -> list[list[str]]:
    by = {r.key: r for r in results}
    ruff = by["ruff"].median if "ruff" in by else None
    rows = []
    for r in results:
        s = r.summary()
        ratio = r.median / ruff if r.median is not None and ruff else None
        note = "; ".join(x for x in (r.status if r.status != "ok" else "", r.note) if x)
        rows.append([
            r.label, fmt(s["median_s"], 3), fmt(s["min_s"], 3), fmt(s["max_s"], 3),
            fmt(s["cpu_median_s"], 1), fmt(s["peak_mb"], 0), fmt(s["peak_pss_mb"], 0),
            fmt(ratio, 2), note,
        ])  # fmt: skip
    return rows


MAIN_HEADER = ["tool", "median s", "min", "max", "CPU s", "peak MB", "PSS MB", "vs ruff", "note"]
TARGET_HEADER = ["target", "value", "limit", "verdict", "paired", "detail"]
SCALING_HEADER = [
    "series",
    "files",
    "affected",
    "parsed",
    "plan s",
    "ruff s",
    "plan/ruff",
    "peak MB",
]


def target_rows(checks: list[Check]) -> list[list[str]]:
    return [
        [c.target, fmt(c.value, 2), f"{c.op} {fmt(c.limit, 1)}" if c.op else "-", c.verdict,
         fmt(c.paired, 2), c.detail]
        for c in checks
    ]  # fmt: skip


def scaling_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    out = []
    for r in rows:
        plan, ruff = r["plan_s"], r["ruff_s"]
        parsed = r["plan_counts"].get("files_parsed")
        out.append([
            r["series"], f"{r['files']:,}", f"{r['affected']:,}", "-" if parsed is None else f"{parsed:,}",
            fmt(plan, 2) if r["plan_status"] == "ok" else r["plan_status"], fmt(ruff, 2),
            fmt(plan / ruff if plan and ruff else None, 2), fmt(r["plan_peak_mb"], 0),
        ])  # fmt: skip
    return out


def counts(doc: dict[str, Any]) -> dict[str, Any]:
    """Prefiltered / parsed / affected: the generator's figures next to what the tools reported."""
    corpus = doc.get("corpus", {})
    plan = next((t for t in doc.get("tools", []) if _key(t) == "plan-cold"), None)
    diff = next((t for t in doc.get("tools", []) if _key(t) == "diff"), None)
    plan_info = _info(plan).get("plan", {})
    return {
        "files": corpus.get("files"),
        "files_naming_symbols": corpus.get("files_naming_symbols"),
        "affected_planted": corpus.get("affected_files"),
        **{k: v for k, v in plan_info.items() if k.startswith("files_") or k == "unparseable"},
        "patched": _info(diff).get("patched_files"),
    }


def _key(tool: ToolResult | dict[str, Any]) -> str:
    return tool.key if isinstance(tool, ToolResult) else str(tool.get("key"))


def _info(tool: ToolResult | dict[str, Any] | None) -> dict[str, Any]:
    if tool is None:
        return {}
    info = tool.info if isinstance(tool, ToolResult) else tool.get("info", {})
    return info if isinstance(info, dict) else {}


def count_rows(numbers: dict[str, Any]) -> list[list[str]]:
    files = numbers.get("files") or 0
    rows = []
    for key, label in COUNT_ROWS:
        value = numbers.get(key)
        share = f"{value / files:.1%}" if isinstance(value, int) and files else "-"
        rows.append([label, "-" if value is None else f"{value:,}", share])
    return rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    align = [
        "---" if i == 0 or h in ("note", "detail", "verdict", "series") else "---:"
        for i, h in enumerate(header)
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def corpus_line(doc: dict[str, Any]) -> str:
    c = doc.get("corpus", {})
    profile = c.get("profile", {}).get("name", "?")
    return (
        f"Corpus: {profile} profile, {c.get('files', 0):,} files, {c.get('bytes', 0) / MIB:.1f} MiB, "
        f"{c.get('lines', 0):,} lines, {c.get('affected_files', 0):,} affected; median of "
        f"{doc.get('repeat')} interleaved runs; {doc['environment'].get('cpus_usable')} usable CPUs."
    )


def render(doc: dict[str, Any], markdown: bool) -> str:
    table = markdown_table if markdown else text_table
    parts = [corpus_line(doc), "", table(MAIN_HEADER, main_rows(doc["tools"]))]
    parts += ["", table(["count", "files", "share"], count_rows(counts(doc)))]
    checks = [c if isinstance(c, Check) else Check(**c) for c in doc.get("targets", [])]
    if checks:
        parts += ["", table(TARGET_HEADER, target_rows(checks))]
    if doc.get("scaling"):
        parts += ["", table(SCALING_HEADER, scaling_rows(doc["scaling"]))]
        slopes = doc.get("scaling_exponents", {})
        parts += ["", "Growth exponents b in time ~ files^b: " + ", ".join(
            f"{k} {fmt(v, 2)}" for k, v in slopes.items()
        )]  # fmt: skip
    return "\n".join(parts) + "\n"


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, ToolResult):
        return obj.summary()
    if isinstance(obj, Check):
        return obj.to_json()
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    return obj


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(to_jsonable(doc), indent=2, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
