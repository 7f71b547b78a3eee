"""Benchmark migrator against its peers on a generated monorepo (see benchmarks/README.md).

    python benchmarks/run.py [--files 10000] [--repeat 3] [--profile realistic]
                             [--scaling 5000,20000] [--no-libcst] [--json FILE] [--markdown FILE]

Every tool runs on the same corpus, interleaved round-robin across repeats (A B C A B C ...); medians
and ratios of medians are reported, with issue 13's targets. Needs the bench extra
(``pip install -e '.[bench]'``: psutil, ruff, ast-grep).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import repogen  # benchmarks/ is sys.path[0] when this file runs as a script
from harness.libcst_peer import LibcstRunner
from harness.measure import GNU_TIME, Sample, log, measure
from harness.report import counts, render, write_json
from harness.scaling import exponents, run_scaling
from harness.targets import SCALING_SIZES, check_scaling, check_tools
from harness.tools import (
    MigratorCli,
    Tool,
    ToolResult,
    migrator_tools,
    peer_tools,
    shell_text,
    tool_version,
    venv_tool,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def corpus_dir(args: argparse.Namespace, files: int, affected: int | None = None) -> Path:
    tail = "" if args.profile == repogen.DEFAULT_PROFILE else f"-{args.profile}"
    middle = "" if affected is None else f"-a{affected}"
    root: Path = args.corpus_root
    return root / f"corpus-{files}{middle}{tail}"  # benchmarks/corpus*/ is git-ignored


def environment() -> dict[str, Any]:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = "+dirty" if git("status", "--porcelain", "-uno") else ""
    meminfo = Path("/proc/meminfo")
    tools = {name: venv_tool(name) for name in ("ruff", "ast-grep")}
    rg = shutil.which("rg")
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory": meminfo.read_text().split("\n", 1)[0] if meminfo.exists() else "",
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "migrator": version("migrator"),
        "migrator_commit": git("rev-parse", "--short", "HEAD") + dirty,
        "libcst": version("libcst"),
        "psutil": version("psutil"),
        "ruff": tool_version([tools["ruff"], "--version"]) if tools["ruff"] else "not found",
        "ast-grep": tool_version([tools["ast-grep"], "--version"])
        if tools["ast-grep"]
        else "not found",
        "git": tool_version(["git", "--version"]),
        "rg": tool_version([rg, "--version"]) if rg else "not found",
    }


def build_tools(
    args: argparse.Namespace, corpus: Path, cli: MigratorCli, manifest: dict[str, Any]
) -> tuple[list[Tool], LibcstRunner | None]:
    tools = migrator_tools(cli, corpus, args.timeout) + peer_tools(corpus, args.timeout)
    runner: LibcstRunner | None = None
    if not args.no_libcst:
        runner = LibcstRunner(
            corpus, int(manifest["files"]), args.jobs, args.libcst_timeout, args.libcst_subset, args.seed
        )  # fmt: skip
        result = ToolResult("libcst", "libcst RenameCommand (1 rename)", shell_text(runner.cmd))
        tools.append(Tool(result, runner.run))
    if args.only:
        only = {k.strip() for k in args.only.split(",")}
        tools = [tool for tool in tools if tool.result.key in only]
        runner = runner if "libcst" in only else None
    return tools, runner


def record(tool: Tool, sample: Sample) -> None:
    r = tool.result
    if tool.result.key == "libcst":
        if sample.timed_out or "codemodded" not in sample.extra:
            r.status, tool.failed = "TIMEOUT" if sample.timed_out else "FAILED", True
            r.error = f"exit {sample.returncode}\n{sample.stderr_tail}"
            return
        r.samples.append(sample)  # exit 1 = some files failed to parse: expected
        if sample.scale != 1.0:
            r.note = f"scaled from {sample.extra.get('files_run')} files (x{sample.scale:.2f})"
        return
    if sample.timed_out or sample.returncode not in tool.ok_codes:
        r.status = "TIMEOUT" if sample.timed_out else "FAILED"
        phase = sample.extra.get("phase", "run")
        r.error = f"{phase} exited {sample.returncode} after {sample.raw_wall:.0f} s\n{sample.stderr_tail}"
        tool.failed = True
        log(f"  {r.label}: {r.status}")
        for line in sample.stderr_tail.splitlines()[-10:]:
            log(f"    | {line}")
        return
    r.samples.append(sample)


def count_patched(cli: MigratorCli, corpus: Path, timeout: float) -> dict[str, int]:
    """One untimed diff into a file, to count the files it patches."""
    with tempfile.TemporaryDirectory(prefix="mbench-diff-") as tmp:
        out = Path(tmp) / "all.patch"
        sample, _ = measure(cli.cmd(["diff", "--output", str(out)], no_cache=True), corpus, timeout)
        if sample.returncode not in (0, 1) or not out.exists():
            return {}
        text = out.read_text(encoding="utf-8", errors="replace")
        return {
            "patched_files": len(re.findall(r"^\+\+\+ b/", text, re.M)),
            "patch_bytes": len(text),
        }


def main_benchmark(
    args: argparse.Namespace, doc: dict[str, Any]
) -> tuple[list[ToolResult], MigratorCli]:
    corpus = corpus_dir(args, args.files)
    manifest = repogen.ensure_corpus(args.files, corpus, args.seed, profile=args.profile, log=log)
    log(repogen.summary_line(manifest, corpus))
    lists = ("affected", "near_miss", "fixed", "mention_only", "detector_cases", "unparseable")
    doc["corpus"] = {k: v for k, v in manifest.items() if k not in lists}
    cli = MigratorCli.detect(corpus)
    log(f"migrator: {cli.message}")
    doc["migrator_cli"] = asdict(cli)
    tools, runner = build_tools(args, corpus, cli, manifest)
    if runner is not None:
        lib = next(t for t in tools if t.result.key == "libcst")
        log(
            f"libcst: timing a {args.libcst_subset:.0%} subset to choose a full or a scaled run ..."
        )
        probe = runner.probe()
        log(f"  {probe.extra.get('files_run')} files in {probe.raw_wall:.1f} s -> {runner.mode}")
        lib.result.info["probe"] = asdict(probe)
        if runner.mode == "timeout":
            lib.result.status, lib.failed = "TIMEOUT", True
            lib.result.error = f"even the subset exceeded {args.libcst_timeout:.0f} s"
    for rep in range(args.repeat):
        for tool in tools:
            if tool.failed:
                continue
            log(f"[{rep + 1}/{args.repeat}] {tool.result.label} ...")
            sample = tool.run()
            record(tool, sample)
            if not tool.failed:
                log(f"    {sample.wall:.3f} s, peak {sample.peak_mb:.0f} MB")
    for tool in tools:
        key = tool.result.key
        if key == "diff" and not tool.failed and args.verify_diff:
            tool.result.info.update(count_patched(cli, corpus, args.timeout))
            if "patched_files" in tool.result.info:
                tool.result.note = f"{tool.result.info['patched_files']:,} files patched"
        if key.startswith("plan") and tool.result.samples:
            plan = tool.result.samples[-1].extra.get("plan")
            if isinstance(plan, dict):
                tool.result.info["plan"] = plan
                parsed = plan.get("files_parsed")
                if parsed is not None and key == "plan-cold":
                    tool.result.note = f"{parsed:,} of {manifest['files']:,} files parsed"
    return [t.result for t in tools], cli


def scaling(args: argparse.Namespace, cli: MigratorCli) -> list[dict[str, Any]]:
    sizes = [int(s) for s in args.scaling.split(",") if s.strip()] if args.scaling != "none" else []

    def ensure(files: int, affected: int | None) -> tuple[Path, dict[str, Any]]:
        out = corpus_dir(args, files, affected)
        m = repogen.ensure_corpus(files, out, args.seed, profile=args.profile, affected_count=affected, log=log)  # fmt: skip
        return out, m

    if not sizes:
        return []
    return run_scaling(
        sizes, args.scaling_affected, args.scaling_fraction, args.scaling_repeat, ensure, cli, args.timeout
    )  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Benchmark migrator against ruff, ast-grep, git grep/rg and LibCST's codemod CLI."
    )
    add = p.add_argument
    add("--files", type=int, default=10_000, help="corpus size for the main table (default 10000)")
    add("--repeat", type=int, default=3, help="timed runs per tool, round-robin (default 3)")
    add("--seed", type=int, default=repogen.DEFAULT_SEED)
    add("--profile", choices=sorted(repogen.PROFILES), default=repogen.DEFAULT_PROFILE)
    add(
        "--scaling",
        default=",".join(map(str, SCALING_SIZES)),
        help="corpus sizes for the scaling table, comma-separated ('none' to skip; default 5000,20000)",
    )
    add(
        "--scaling-affected",
        type=int,
        default=50,
        help="affected files in every scaling corpus (default 50; 0: skip that series)",
    )
    add(
        "--scaling-fraction",
        action="store_true",
        help="also a series with the profile's share of affected files (and growth exponents)",
    )
    add("--scaling-repeat", type=int, default=3, help="rounds of the scaling table (default 3)")
    add("--no-libcst", action="store_true", help="do not run LibCST's codemod CLI")
    add(
        "--libcst-timeout",
        type=float,
        default=600.0,
        help="seconds; beyond it LibCST runs on a subset, scaled (default 600)",
    )
    add("--libcst-subset", type=float, default=0.1, help="share of files for LibCST's subset (0.1)")
    add("--jobs", type=int, default=2, help="LibCST worker processes (-j; default 2)")
    add("--timeout", type=float, default=1800.0, help="per-command timeout for the other tools (s)")
    add(
        "--only",
        help="comma-separated keys: plan-cold,plan-warm,diff,ruff,ast-grep,git-grep,rg,libcst",
    )
    add(
        "--no-verify-diff",
        dest="verify_diff",
        action="store_false",
        help="skip the untimed diff run that counts the patched files",
    )
    add("--corpus-root", type=Path, default=HERE, help="where corpora are generated (benchmarks/)")
    add("--json", type=Path, default=HERE / "results" / "latest.json", help="results (JSON)")
    add("--markdown", type=Path, help="also write the tables as Markdown (for the README)")
    args = p.parse_args(argv)  # fmt: skip
    if args.repeat < 1 or args.scaling_repeat < 1:
        p.error("--repeat and --scaling-repeat must be at least 1")
    return args


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


METHOD = {
    "wall": "time.perf_counter() around fork/exec .. os.wait4 of the child",
    "cpu": "ru_utime + ru_stime of the tool and its reaped descendants (GNU time's wait4, else os.wait4)",
    "maxrss_mb": "ru_maxrss of the tool: the largest single process of the tree",
    "peak_mb": "max(maxrss_mb, peak of the tree's summed RSS, psutil every 50 ms)",
    "peak_pss_mb": "peak of the tree's summed PSS (psutil memory_full_info; shared pages split)",
    "ratios": "ratio of medians; `paired` is the median of per-round ratios",
    "libcst": "a fresh copy each run; beyond --libcst-timeout, a seeded subset scaled by files",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM / SIGHUP stop the current child's process group and keep what was measured, like Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    doc: dict[str, Any] = {
        "schema": 2,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": sys.argv[1:] if argv is None else list(argv),
        "repeat": args.repeat,
        "environment": environment(),
        "method": {
            **METHOD,
            "gnu_time": GNU_TIME or "not available (maxrss includes run.py's RSS)",
        },
    }
    code = 0
    try:
        results, cli = main_benchmark(args, doc)
        doc["tools"] = results
        doc["counts"] = counts(doc)
        doc["targets"] = check_tools(results)
        write_json(args.json, doc)
        rows = scaling(args, cli)
        doc["scaling"] = rows
        doc["scaling_exponents"] = exponents(rows) if rows else {}
        found = check_scaling(rows, args.scaling_affected)
        if found is not None:
            doc["targets"].append(found)
        print()
        print(render(doc, markdown=False), end="")
        if args.markdown:
            args.markdown.write_text(render(doc, markdown=True), encoding="utf-8")
    except KeyboardInterrupt:
        doc["interrupted"] = True
        log("interrupted; writing what was measured so far")
        code = 130
    finally:
        doc["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        write_json(args.json, doc)
        log(f"results written to {args.json}")
    return code


if __name__ == "__main__":
    sys.exit(main())
