"""The measured commands: migrator's, and the peers from PyPI (ruff, ast-grep) and git."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .measure import Sample, child_env, measure

PY = sys.executable

# --isolated: a parent pyproject.toml (this repository's) would otherwise exclude the corpus.
RUFF_ARGS = ("check", "--isolated", "--select", "F401", "--no-cache", "--exit-zero", ".")
# One structural rewrite, the consolidation's most common one, over every file (dry run: the
# rewritten matches go to stdout). Two threads, like every other tool here.
AST_GREP_ARGS = (
    "run",
    "--lang",
    "python",
    "--pattern",
    "from core.legacy.engine_shim import $$$NAMES",
    "--rewrite",
    "from core.engine.user_engine import $$$NAMES",
    "--threads",
    "2",
    "--color",
    "never",
    ".",
)
GREP_WORD = "UserEngine"


@dataclass
class ToolResult:
    key: str
    label: str
    command: str
    status: str = "ok"  # ok | FAILED | NOT READY | TIMEOUT | skipped
    note: str = ""
    samples: list[Sample] = field(default_factory=list)
    error: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls()) if self.samples and self.status == "ok" else None

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        walls = self.walls()
        data["median_s"] = self.median
        data["min_s"] = min(walls) if walls else None
        data["max_s"] = max(walls) if walls else None
        data["cpu_median_s"] = (
            statistics.median(s.cpu for s in self.samples) if self.samples else None
        )
        data["peak_mb"] = max((s.peak_mb for s in self.samples), default=None)
        data["peak_pss_mb"] = max((s.tree_pss_mb for s in self.samples), default=None)
        data["maxrss_mb"] = max((s.maxrss_mb for s in self.samples), default=None)
        return data


@dataclass
class Tool:
    result: ToolResult
    run: Callable[[], Sample]
    ok_codes: tuple[int, ...] = (0,)
    failed: bool = False


def venv_tool(name: str) -> str | None:
    """``name`` from this interpreter's environment (where the bench extra installs it), else PATH."""
    candidate = Path(PY).parent / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which(name)


def tool_version(cmd: Sequence[str]) -> str:
    try:
        proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if text else "?"


def shell_text(cmd: Sequence[str]) -> str:
    return " ".join(("python" if c == PY else c) for c in cmd)


@dataclass
class MigratorCli:
    ready: bool
    message: str
    no_cache_global: bool = False

    @classmethod
    def detect(cls, cwd: Path) -> MigratorCli:
        """Is ``python -m migrator plan`` there, and where does ``--no-cache`` go?"""
        helps: list[str] = []
        for args in (["--help"], ["plan", "--help"], ["diff", "--help"]):
            try:
                proc = subprocess.run(
                    [PY, "-m", "migrator", *args],
                    cwd=cwd,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    env=child_env(),
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                return cls(False, f"`migrator {' '.join(args)}` could not run: {exc}")
            text = proc.stdout + proc.stderr
            if proc.returncode != 0:
                tail = " | ".join(text.strip().splitlines()[-3:])
                return cls(False, f"`migrator {' '.join(args)}` exited {proc.returncode}: {tail}")
            helps.append(text)
        main_help, plan_help, _ = helps
        if "--no-cache" in plan_help:
            return cls(True, "ready", no_cache_global=False)
        if "--no-cache" in main_help:
            return cls(True, "ready", no_cache_global=True)
        return cls(True, "ready (no --no-cache option found; cold runs may use a cache)")

    def cmd(self, sub: Sequence[str], *, no_cache: bool) -> list[str]:
        cmd = [PY, "-m", "migrator"]
        if no_cache and self.no_cache_global:
            cmd.append("--no-cache")
        cmd += sub
        if no_cache and not self.no_cache_global:
            cmd.append("--no-cache")
        return cmd


def plan_counts(doc: dict[str, Any]) -> dict[str, Any]:
    """What a plan report says about the work it did: every top-level ``files_*`` count (scanned,
    parsed, and any a later migrator adds), and the files its symbol, factory and call findings name."""
    counts: dict[str, Any] = {
        k: v for k, v in doc.items() if k.startswith("files_") and isinstance(v, int)
    }
    if isinstance(doc.get("unparseable"), list):
        counts["unparseable"] = len(doc["unparseable"])
    named: set[str] = set()
    for section in ("symbols", "factories", "calls"):
        named |= _paths(doc.get(section))
    counts["files_in_findings"] = len(named)
    symbols = doc.get("symbols")
    if isinstance(symbols, list) and symbols and isinstance(symbols[0], dict):
        for key in ("imports_total", "imports_canonical", "imports_fragmented"):
            counts[key] = symbols[0].get(key)
    return counts


def _paths(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("path"), str):
            found.add(node["path"])
        for value in node.values():
            found |= _paths(value)
    elif isinstance(node, list):
        for value in node:
            found |= _paths(value)
    return found


def plan_info(stdout: bytes, sample: Sample) -> None:
    try:
        data = json.loads(stdout)
    except ValueError:
        sample.extra["plan_json"] = "not JSON"
        return
    if isinstance(data, dict):
        sample.extra["plan"] = plan_counts(data)


def simple_tool(
    key: str,
    label: str,
    cmd: list[str],
    cwd: Path,
    ok_codes: tuple[int, ...],
    timeout: float,
    warmup: list[str] | None = None,
    on_stdout: Callable[[bytes, Sample], None] | None = None,
) -> Tool:
    """A command timed as a whole process, after an untimed ``warmup`` command when given."""
    result = ToolResult(key, label, shell_text(cmd))

    def run() -> Sample:
        if warmup is not None:
            warm, _ = measure(warmup, cwd, timeout)
            if warm.returncode not in ok_codes:
                warm.extra["phase"] = "warm-up"
                return warm
        sample, stdout = measure(cmd, cwd, timeout)
        sample.extra["stdout_bytes"] = len(stdout)
        if on_stdout is not None and sample.returncode in ok_codes:
            on_stdout(stdout, sample)
        return sample

    return Tool(result, run, ok_codes)


def missing_tool(key: str, label: str, why: str) -> Tool:
    result = ToolResult(key, label, key, status="skipped", note=why)
    return Tool(result, Sample.empty, failed=True)


def migrator_tools(cli: MigratorCli, corpus: Path, timeout: float) -> list[Tool]:
    plan_json = ["plan", "--format", "json"]
    warm = cli.cmd(plan_json, no_cache=False)
    tools = [
        simple_tool("plan-cold", "migrator plan (cold, --no-cache)", cli.cmd(plan_json, no_cache=True), corpus, (0,), timeout, on_stdout=plan_info),
        simple_tool("plan-warm", "migrator plan (warm cache)", warm, corpus, (0,), timeout, warmup=warm, on_stdout=plan_info),
        simple_tool("diff", "migrator diff (cold, whole)", cli.cmd(["diff", "--output", os.devnull], no_cache=True), corpus, (0, 1), timeout),
    ]  # fmt: skip
    if not cli.ready:
        for tool in tools:
            tool.result.status = "NOT READY"
            tool.result.error = cli.message
            tool.failed = True
    return tools


def peer_tools(corpus: Path, timeout: float) -> list[Tool]:
    """ruff (the parse floor), one ast-grep rewrite pattern, and the text floors."""
    tools: list[Tool] = []
    ruff = venv_tool("ruff")
    label = "ruff check --select F401"
    if ruff:
        tools.append(simple_tool("ruff", label, [ruff, *RUFF_ARGS], corpus, (0,), timeout))
    else:
        tools.append(missing_tool("ruff", label, "ruff not found (pip install -e '.[bench]')"))
    ast_grep = venv_tool("ast-grep")
    label = "ast-grep run (1 rewrite pattern)"
    if ast_grep:
        cmd = [ast_grep, *AST_GREP_ARGS]
        tools.append(simple_tool("ast-grep", label, cmd, corpus, (0, 1), timeout))
    else:
        tools.append(
            missing_tool("ast-grep", label, "ast-grep not found (pip install -e '.[bench]')")
        )
    cmd = ["git", "grep", "-l", "-F", GREP_WORD]
    tools.append(simple_tool("git-grep", shell_text(cmd), cmd, corpus, (0, 1), timeout))
    rg = shutil.which("rg")
    if rg:
        cmd = [rg, "-l", GREP_WORD]
        tools.append(simple_tool("rg", f"rg -l {GREP_WORD}", cmd, corpus, (0, 1), timeout))
    return tools
