"""Benchmark migrator against its peers on a synthetic monorepo (see benchmarks/README.md).

    python benchmarks/run.py [--files 10000] [--repeat 3] [--scaling 1000,5000,10000,20000]
                             [--no-libcst] [--libcst-timeout 600] [--json benchmarks/results/latest.json]

Every tool runs on the same corpus, round-robin across repeats, and the median is reported. Wall time
is measured around each child process; memory is the child's ``ru_maxrss`` from ``os.wait4`` (largest
single process of the tree) and the peak of the summed RSS and PSS of the whole process tree, sampled
from /proc every 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import repogen  # benchmarks/ is sys.path[0] when this file runs as a script

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024

TARGET_PLAN_VS_RUFF = 1.0
TARGET_DIFF_VS_LIBCST = 20.0
TARGET_WARM_VS_TEXT = 10.0
TARGET_PEAK_MB = 400.0

LIBCST_CONFIG = """\
generated_code_marker: '@generated'
formatter: ['black', '-']
blacklist_patterns: []
modules:
- 'libcst.codemod.commands'
repo_root: '.'
"""
# --isolated: a parent pyproject.toml (this repository's) would otherwise exclude the corpus.
RUFF_ARGS = ("check", "--isolated", "--select", "F401", "--no-cache", "--exit-zero", ".")
LIBCST_OLD = "core.legacy.engine_shim.UserEngine"
LIBCST_NEW = "core.engine.user_engine.UserEngine"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Measuring one child process tree
# --------------------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _children_by_scan() -> dict[int, list[int]]:
    """ppid -> pids, for kernels without /proc/PID/task/TID/children."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


HAVE_CHILDREN_FILE = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def process_tree(root: int) -> list[int]:
    scan = None if HAVE_CHILDREN_FILE else _children_by_scan()
    seen: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.append(pid)
        todo.extend(_children(pid) if scan is None else scan.get(pid, []))
    return seen


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Polls the process tree under ``pid`` and keeps the peak summed RSS / PSS and process count."""

    def __init__(self, pid: int, interval: float = 0.05, *, skip_root: bool = False) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.skip_root = skip_root  # the root is a /usr/bin/time wrapper, not part of the tool
        self.interval = interval
        self.stop = threading.Event()
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.samples = 0

    def run(self) -> None:
        while not self.stop.is_set():
            pids = process_tree(self.pid)
            if self.skip_root:
                pids = pids[1:]
            rss = sum(_rss_bytes(p) for p in pids)
            pss = sum(_pss_bytes(p) for p in pids)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(pids))
            self.samples += 1
            self.stop.wait(self.interval)


@dataclass
class Sample:
    wall: float  # seconds (already scaled when the tool ran on a subset)
    cpu: float  # user + system seconds of the whole tree (wait4 rusage)
    maxrss_mb: float  # largest single process of the tree (wait4 ru_maxrss)
    tree_rss_mb: float  # peak of the summed RSS of the tree (sampled)
    tree_pss_mb: float  # peak of the summed PSS of the tree (sampled; 0 when unavailable)
    procs: int  # most processes seen at once
    returncode: int
    timed_out: bool = False
    raw_wall: float = 0.0  # unscaled wall time
    scale: float = 1.0
    stderr_tail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.tree_rss_mb)


def _killpg(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(NO_COLOR="1", COLUMNS="200", TERM="dumb", PYTHONUNBUFFERED="1")
    env.pop("FORCE_COLOR", None)
    return env


def _gnu_time() -> str | None:
    """GNU time, when installed: it reports the tool's own rusage (see ``measure``)."""
    path = "/usr/bin/time"
    if not os.access(path, os.X_OK):
        return None
    probe = subprocess.run([path, "-f", "%M", "true"], capture_output=True, text=True, check=False)
    return path if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()
TIME_LINE = re.compile(r"^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$", re.M)


def measure(
    cmd: Sequence[str], cwd: Path, timeout: float, stdout_path: Path | None = None
) -> tuple[Sample, bytes]:
    """Run ``cmd`` in ``cwd``; return the sample and (when ``stdout_path`` is None) its stdout.

    ``ru_maxrss`` of a child forked from this (Python, ~30 MB) process starts at this process's RSS:
    the kernel carries the pre-exec high-water mark over ``exec``. So when GNU time is installed the
    tool is started through it: time is forked from here, but forks the tool from its own small
    process, and reports the tool's ``ru_maxrss`` and CPU times (from its own ``wait4``).
    """
    with tempfile.TemporaryDirectory(prefix="mbench-") as tmp:
        out_path = stdout_path or Path(tmp) / "stdout"
        err_path = Path(tmp) / "stderr"
        time_path = Path(tmp) / "time"
        full_cmd = list(cmd)
        if GNU_TIME:
            full_cmd = [GNU_TIME, "-f", "%M %U %S", "-o", str(time_path), *full_cmd]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                full_cmd,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=child_env(),
                start_new_session=True,  # its own process group, so a timeout can stop the whole tree
            )
            sampler = TreeSampler(proc.pid, skip_root=GNU_TIME is not None)
            sampler.start()
            timed_out = threading.Event()

            def kill() -> None:
                timed_out.set()
                _killpg(proc.pid)

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            except BaseException:
                kill()
                os.wait4(proc.pid, 0)
                raise
            finally:
                timer.cancel()
            wall = time.perf_counter() - started
            sampler.stop.set()
            sampler.join()
            proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = err_path.read_bytes().decode("utf-8", "replace")
        stdout = b"" if stdout_path else out_path.read_bytes()
        maxrss_kib, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        reported = time_path.read_text(errors="replace") if time_path.exists() else ""
        matches = TIME_LINE.findall(reported)
        if matches:
            kib, user, system = matches[-1]
            maxrss_kib, cpu = int(kib), float(user) + float(system)
    sample = Sample(
        wall=wall,
        raw_wall=wall,
        cpu=cpu,
        maxrss_mb=maxrss_kib / 1024,  # KiB on Linux
        tree_rss_mb=sampler.peak_rss / MIB,
        tree_pss_mb=sampler.peak_pss / MIB,
        procs=sampler.peak_procs,
        returncode=proc.returncode,
        timed_out=timed_out.is_set(),
        stderr_tail="\n".join(stderr.strip().splitlines()[-15:]),
    )
    return sample, stdout


# --------------------------------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------------------------------


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
    failed: bool = False


def which_ruff() -> str | None:
    candidate = Path(PY).parent / "ruff"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which("ruff")


def tool_version(cmd: Sequence[str]) -> str:
    try:
        proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return (
        (proc.stdout or proc.stderr).strip().splitlines()[0]
        if (proc.stdout or proc.stderr).strip()
        else "?"
    )


@dataclass
class MigratorCli:
    ready: bool
    message: str
    no_cache_global: bool = False

    @classmethod
    def detect(cls, cwd: Path) -> MigratorCli:
        """Is ``python -m migrator plan`` there yet, and where does ``--no-cache`` go?"""
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


def shell_text(cmd: Sequence[str]) -> str:
    return " ".join(("python" if c == PY else c) for c in cmd)


def simple_tool(
    key: str,
    label: str,
    cmd: list[str],
    cwd: Path,
    ok_codes: Sequence[int],
    timeout: float,
    warmup: list[str] | None = None,
    on_stdout: Callable[[bytes, Sample], None] | None = None,
) -> Tool:
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

    return Tool(result, run)


# -- LibCST -------------------------------------------------------------------------------------------


LIBCST_SUMMARY = re.compile(
    r"Finished codemodding (\d+) files!.*?Transformed (\d+) files.*?Skipped (\d+) files.*?Failed to codemod (\d+) files",
    re.S,
)


class LibcstRunner:
    """LibCST's codemod CLI doing one RenameCommand, on a fresh copy (it writes files) every time."""

    def __init__(
        self,
        corpus: Path,
        n_files: int,
        jobs: int,
        timeout: float,
        subset_fraction: float,
        seed: int,
    ) -> None:
        self.corpus = corpus
        self.n_files = n_files
        self.jobs = jobs
        self.timeout = timeout
        self.subset_fraction = subset_fraction
        self.seed = seed
        self.mode = "full"
        self.subset: list[str] = []
        self.bytes_scale = 1.0
        self.work = (
            corpus.parent / f"{corpus.name}.libcst-copy"
        )  # matches benchmarks/corpus*/ in .gitignore
        self.cmd = [
            PY, "-m", "libcst.tool", "codemod", "rename.RenameCommand",
            "-j", str(jobs), "--no-format", "--hide-progress",
            "--old_name", LIBCST_OLD, "--new_name", LIBCST_NEW, ".",
        ]  # fmt: skip

    def _files(self) -> list[str]:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--", "*.py"],
            cwd=self.corpus,
            capture_output=True,
            check=True,
        )
        return sorted(p for p in proc.stdout.decode().split("\0") if p)

    def choose_subset(self) -> None:
        # A plain random sample: adding every parent __init__.py (mostly empty files) would make the
        # file-count scale factor under-state the work (RenameCommand resolves names per file anyway).
        files = self._files()
        rng = random.Random(self.seed)
        self.subset = sorted(rng.sample(files, max(1, round(len(files) * self.subset_fraction))))
        total = sum((self.corpus / p).stat().st_size for p in files)
        part = sum((self.corpus / p).stat().st_size for p in self.subset)
        self.bytes_scale = total / part if part else 1.0

    def _prepare(self, subset: bool) -> int:
        if self.work.exists():
            shutil.rmtree(self.work)
        if subset:
            for rel in self.subset:
                dst = self.work / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.corpus / rel, dst)
            count = len(self.subset)
        else:
            shutil.copytree(
                self.corpus, self.work, ignore=shutil.ignore_patterns(".git", ".migrator")
            )
            count = self.n_files
        (self.work / ".libcst.codemod.yaml").write_text(LIBCST_CONFIG, encoding="utf-8")
        return count

    def cleanup(self) -> None:
        if self.work.exists():
            shutil.rmtree(self.work)

    def run_once(self, subset: bool) -> Sample:
        count = self._prepare(subset)
        try:
            sample, _ = measure(self.cmd, self.work, self.timeout)
        finally:
            self.cleanup()
        sample.extra["files_run"] = count
        match = LIBCST_SUMMARY.search(sample.stderr_tail)
        if match:
            total, transformed, skipped, failed = (int(g) for g in match.groups())
            sample.extra.update(
                codemodded=total, transformed=transformed, skipped=skipped, failed=failed
            )
        if subset:
            sample.extra["bytes_scale"] = round(
                self.bytes_scale, 3
            )  # for reference; files are the scale
            sample.scale = self.n_files / count
            sample.wall = sample.raw_wall * sample.scale
            sample.cpu *= sample.scale
        return sample

    def probe(self) -> Sample:
        """Time the subset once and decide whether a full run fits in the timeout."""
        self.choose_subset()
        sample = self.run_once(subset=True)
        if sample.timed_out:
            self.mode = "timeout"
        elif sample.wall > self.timeout * 0.9:
            self.mode = "scaled"
        else:
            self.mode = "full"
        return sample

    def run(self) -> Sample:
        if self.mode == "full":
            sample = self.run_once(subset=False)
            if not sample.timed_out:
                return sample
            log(
                f"  libcst: full run exceeded {self.timeout:.0f} s; measuring a subset and scaling instead"
            )
            self.mode = "scaled"
        return self.run_once(subset=True)


# --------------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: list[ToolResult]) -> None:
    ruff = next((r for r in results if r.key == "ruff"), None)
    ruff_median = ruff.median if ruff else None
    header = f"{'tool':<34} {'median s':>9} {'min':>8} {'max':>8} {'cpu s':>8} {'peak MB':>8} {'PSS MB':>7} {'vs ruff':>8}  status / note"
    print(header)
    print("-" * len(header))
    for r in results:
        s = r.summary()
        ratio = r.median / ruff_median if r.median is not None and ruff_median else None
        status = r.status if r.status != "ok" else ""
        note = "; ".join(x for x in (status, r.note) if x)
        print(
            f"{r.label:<34} {fmt(s['median_s'], 3):>9} {fmt(s['min_s'], 3):>8} {fmt(s['max_s'], 3):>8} "
            f"{fmt(s['cpu_median_s'], 1):>8} {fmt(s['peak_mb'], 0):>8} {fmt(s['peak_pss_mb'], 0):>7} "
            f"{fmt(ratio, 2):>8}  {note}"
        )
        if r.status in ("FAILED", "TIMEOUT") and r.error:
            for line in r.error.splitlines()[-8:]:
                print(f"{'':>4}| {line}")


def targets(results: list[ToolResult]) -> list[dict[str, Any]]:
    by = {r.key: r for r in results}

    def med(key: str) -> float | None:
        r = by.get(key)
        return r.median if r else None

    checks: list[dict[str, Any]] = []

    def add(
        name: str,
        value: float | None,
        limit: float | None,
        detail: str,
        lower_is_better: bool = True,
    ) -> None:
        if value is None or limit is None:
            verdict = "N/A"
        else:
            verdict = "PASS" if (value <= limit if lower_is_better else value >= limit) else "FAIL"
        checks.append(
            {"target": name, "value": value, "limit": limit, "verdict": verdict, "detail": detail}
        )

    plan, ruff = med("plan-cold"), med("ruff")
    add("plan (cold) / ruff <= 1.0", plan / ruff if plan and ruff else None, TARGET_PLAN_VS_RUFF,
        f"plan {fmt(plan, 3)} s, ruff {fmt(ruff, 3)} s")  # fmt: skip
    diff, libcst = med("diff"), med("libcst")
    add("libcst rename / diff >= 20", libcst / diff if diff and libcst else None, TARGET_DIFF_VS_LIBCST,
        f"diff {fmt(diff, 3)} s, libcst {fmt(libcst, 1)} s ({(by['libcst'].note or 'whole corpus') if 'libcst' in by else 'not run'})",
        lower_is_better=False)  # fmt: skip
    floors = [(k, v) for k in ("git-grep", "rg") if (v := med(k))]
    warm = med("plan-warm")
    floor_key, floor = min(floors, key=lambda kv: kv[1]) if floors else ("", None)
    add("plan (warm) / text floor <= 10", warm / floor if warm and floor else None, TARGET_WARM_VS_TEXT,
        f"warm {fmt(warm, 3)} s, {floor_key or 'text floor'} {fmt(floor, 3)} s")  # fmt: skip
    peaks = [
        (r.key, max(s.peak_mb for s in r.samples))
        for r in results
        if r.key in ("plan-cold", "plan-warm", "diff") and r.samples and r.status == "ok"
    ]
    peak_key, peak = max(peaks, key=lambda kv: kv[1]) if peaks else ("", None)
    add(
        "peak memory <= 400 MB",
        peak,
        TARGET_PEAK_MB,
        f"largest: {peak_key or '-'} (tree RSS sum / max single)",
    )
    return checks


def print_targets(checks: list[dict[str, Any]]) -> None:
    print()
    print(f"{'target':<34} {'value':>9} {'limit':>7}  verdict  detail")
    for c in checks:
        print(
            f"{c['target']:<34} {fmt(c['value'], 3):>9} {fmt(c['limit'], 1):>7}  {c['verdict']:<7}  {c['detail']}"
        )


def loglog_slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares exponent b of time = a * size**b (1.0: linear in size; ~0: independent of it)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(p[0] for p in pts)
    my = statistics.fmean(p[1] for p in pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "-uno"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    ruff = which_ruff()
    rg = shutil.which("rg")
    meminfo = (
        Path("/proc/meminfo").read_text().split("\n", 1)[0]
        if Path("/proc/meminfo").exists()
        else ""
    )
    return {
        "python": sys.version.split()[0],
        "executable": PY,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory": meminfo,
        "migrator": version("migrator"),
        "migrator_commit": head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else ""),
        "libcst": version("libcst"),
        "ruff": tool_version([ruff, "--version"]) if ruff else "not found",
        "git": tool_version(["git", "--version"]),
        "rg": tool_version([rg, "--version"]) if rg else "not found",
        "tree_sampling": "children-file" if HAVE_CHILDREN_FILE else "proc-scan",
    }


def plan_info(stdout: bytes, sample: Sample) -> None:
    try:
        data = json.loads(stdout)
    except ValueError:
        sample.extra["plan_json"] = "not JSON"
        return
    if not isinstance(data, dict):
        return
    info: dict[str, Any] = {"files_scanned": data.get("files_scanned")}
    if isinstance(data.get("unparseable"), list):
        info["unparseable"] = len(data["unparseable"])
    symbols = data.get("symbols")
    if isinstance(symbols, list) and symbols and isinstance(symbols[0], dict):
        for key in (
            "imports_total",
            "imports_canonical",
            "imports_fragmented",
            "canonical_usage_pct",
        ):
            info[key] = symbols[0].get(key)
    sample.extra["plan"] = info


def build_tools(
    args: argparse.Namespace, corpus: Path, cli: MigratorCli, manifest: dict[str, Any]
) -> tuple[list[Tool], LibcstRunner | None]:
    tools: list[Tool] = []
    t = args.timeout
    plan_json = ["plan", "--format", "json"]
    for key, label, cmd, warm, codes, hook in (
        ("plan-cold", "migrator plan (cold, --no-cache)", cli.cmd(plan_json, no_cache=True), None, (0,), plan_info),
        ("plan-warm", "migrator plan (warm cache)", cli.cmd(plan_json, no_cache=False), cli.cmd(plan_json, no_cache=False), (0,), plan_info),
        ("diff", "migrator diff (cold, whole)", cli.cmd(["diff", "--output", os.devnull], no_cache=True), None, (0, 1), None),
    ):  # fmt: skip
        tool = simple_tool(key, label, cmd, corpus, codes, t, warmup=warm, on_stdout=hook)
        if not cli.ready:
            tool.result.status = "NOT READY"
            tool.result.error = cli.message
            tool.failed = True
        tools.append(tool)
    ruff = which_ruff()
    if ruff:
        cmd = [ruff, *RUFF_ARGS]
        tools.append(simple_tool("ruff", "ruff check --select F401", cmd, corpus, (0,), t))
    else:
        r = ToolResult(
            "ruff", "ruff check --select F401", "ruff", status="skipped", note="ruff not found"
        )
        tools.append(Tool(r, lambda: Sample(0, 0, 0, 0, 0, 0, 0), failed=True))
    tools.append(
        simple_tool(
            "git-grep",
            "git grep -l -F UserEngine",
            ["git", "grep", "-l", "-F", "UserEngine"],
            corpus,
            (0, 1),
            t,
        )
    )
    rg = shutil.which("rg")
    if rg:
        tools.append(
            simple_tool("rg", "rg -l UserEngine", [rg, "-l", "UserEngine"], corpus, (0, 1), t)
        )
    runner: LibcstRunner | None = None
    if not args.no_libcst:
        runner = LibcstRunner(
            corpus,
            int(manifest["files"]),
            args.jobs,
            args.libcst_timeout,
            args.libcst_subset,
            args.seed,
        )
        result = ToolResult("libcst", "libcst RenameCommand (1 rename)", shell_text(runner.cmd))
        tools.append(Tool(result, runner.run))
    only = {k.strip() for k in args.only.split(",")} if args.only else None
    if only:
        tools = [tool for tool in tools if tool.result.key in only]
        if "libcst" not in only:
            runner = None
    return tools, runner


def record(tool: Tool, sample: Sample, ok_codes: Sequence[int]) -> None:
    r = tool.result
    if sample.timed_out:
        r.status = "TIMEOUT"
        r.error = f"killed after {sample.raw_wall:.0f} s\n{sample.stderr_tail}"
        tool.failed = True
        return
    if sample.returncode not in ok_codes:
        r.status = "FAILED"
        phase = sample.extra.get("phase", "run")
        r.error = f"{phase} exited {sample.returncode}\n{sample.stderr_tail}"
        tool.failed = True
        log(f"  {r.label}: FAILED (exit {sample.returncode})")
        for line in sample.stderr_tail.splitlines()[-10:]:
            log(f"    | {line}")
        return
    r.samples.append(sample)


OK_CODES = {
    "plan-cold": (0,),
    "plan-warm": (0,),
    "diff": (0, 1),
    "ruff": (0,),
    "git-grep": (0, 1),
    "rg": (0, 1),
}


def main_benchmark(args: argparse.Namespace, results_doc: dict[str, Any]) -> list[ToolResult]:
    corpus = corpus_dir(args.files, args.profile)
    manifest = repogen.ensure_corpus(args.files, corpus, args.seed, profile=args.profile, log=log)
    log(repogen.summary_line(manifest, corpus))
    results_doc["corpus"] = {
        k: v for k, v in manifest.items() if k not in ("affected", "near_miss", "fixed")
    }
    cli = MigratorCli.detect(corpus)
    log(f"migrator: {cli.message}")
    results_doc["migrator_cli"] = asdict(cli)
    tools, runner = build_tools(args, corpus, cli, manifest)
    results_doc["tools"] = [t.result for t in tools]  # replaced by summaries at the end
    if runner is not None:
        lib = next(t for t in tools if t.result.key == "libcst")
        log(
            f"libcst: probing on a {args.libcst_subset:.0%} subset to decide between a full and a scaled run ..."
        )
        probe = runner.probe()
        n_sub = probe.extra.get("files_run")
        log(
            f"  probe: {n_sub} files in {probe.raw_wall:.1f} s -> about {probe.wall:.0f} s for {args.files} files -> {runner.mode}"
        )
        lib.result.info["probe"] = asdict(probe)
        if runner.mode == "timeout":
            lib.result.status = "TIMEOUT"
            lib.result.error = f"even the {n_sub}-file subset exceeded {args.libcst_timeout:.0f} s"
            lib.failed = True
    for rep in range(args.repeat):
        for tool in tools:
            if tool.failed:
                continue
            log(f"[{rep + 1}/{args.repeat}] {tool.result.label} ...")
            sample = tool.run()
            key = tool.result.key
            if key == "libcst":
                if sample.timed_out or "codemodded" not in sample.extra:
                    record(tool, sample, ())  # killed, or it never got to codemodding files
                    continue
                tool.result.samples.append(sample)  # exit 1 = some files failed to parse: expected
                if sample.scale != 1.0:
                    tool.result.note = (
                        f"scaled from {sample.extra.get('files_run')} files (x{sample.scale:.2f})"
                    )
            else:
                record(tool, sample, OK_CODES[key])
            if not tool.failed:
                log(f"    {sample.wall:.3f} s, peak {sample.peak_mb:.0f} MB")
    diff_tool = next((t for t in tools if t.result.key == "diff"), None)
    if diff_tool is not None and not diff_tool.failed and args.verify_diff:
        with tempfile.TemporaryDirectory(prefix="mbench-diff-") as tmp:
            out = Path(tmp) / "all.patch"
            sample, _ = measure(
                cli.cmd(["diff", "--output", str(out)], no_cache=True), corpus, args.timeout
            )
            if sample.returncode in (0, 1) and out.exists():
                text = out.read_text(encoding="utf-8", errors="replace")
                diff_tool.result.info["patched_files"] = len(re.findall(r"^\+\+\+ b/", text, re.M))
                diff_tool.result.info["patch_bytes"] = len(text)
                diff_tool.result.note = f"{diff_tool.result.info['patched_files']} files patched"
    for tool in tools:
        if tool.result.key.startswith("plan") and tool.result.samples:
            plan = tool.result.samples[-1].extra.get("plan")
            if isinstance(plan, dict):
                tool.result.info["plan"] = plan
                scanned = plan.get("files_scanned")
                if scanned is not None:
                    tool.result.note = f"files_scanned={scanned}"
    return [t.result for t in tools]


def corpus_dir(files: int, profile: str, suffix: str = "") -> Path:
    tail = "" if profile == repogen.DEFAULT_PROFILE else f"-{profile}"
    return HERE / f"corpus-{files}{suffix}{tail}"


def scaling(args: argparse.Namespace, cli: MigratorCli) -> list[dict[str, Any]]:
    fraction = repogen.get_profile(args.profile).affected_fraction
    sizes = (
        [int(s) for s in args.scaling.split(",") if s.strip()]
        if args.scaling and args.scaling != "none"
        else []
    )
    series: list[tuple[str, float, int | None]] = [(f"{fraction:.1%} affected", None, None)]
    if args.scaling_fixed_affected > 0:
        series.append(
            (
                f"{args.scaling_fixed_affected} affected",
                None,
                args.scaling_fixed_affected,
            )
        )
    ruff = which_ruff()
    rows: list[dict[str, Any]] = []
    for name, fraction, count in series:
        for size in sizes:
            if count is not None and count > size // 2:
                continue
            suffix = f"-a{count}" if count is not None else ""
            corpus = corpus_dir(size, args.profile, suffix)
            manifest = repogen.ensure_corpus(
                size,
                corpus,
                args.seed,
                profile=args.profile,
                affected_fraction=fraction,
                affected_count=count,
                log=log,
            )
            row: dict[str, Any] = {
                "series": name, "files": size, "affected": manifest["affected_files"],
                "mentioning": manifest["mentioning_files"], "bytes": manifest["bytes"],
                "plan_s": None, "plan_status": "NOT READY" if not cli.ready else "ok", "ruff_s": None,
                "plan_peak_mb": None,
            }  # fmt: skip
            plan_walls: list[float] = []
            ruff_walls: list[float] = []
            for _ in range(args.scaling_repeat):
                if cli.ready and row["plan_status"] == "ok":
                    log(f"scaling {name} {size}: migrator plan (cold) ...")
                    s, _ = measure(
                        cli.cmd(["plan", "--format", "json"], no_cache=True), corpus, args.timeout
                    )
                    if s.returncode == 0 and not s.timed_out:
                        plan_walls.append(s.wall)
                        row["plan_peak_mb"] = max(row["plan_peak_mb"] or 0.0, s.peak_mb)
                    else:
                        row["plan_status"] = (
                            "TIMEOUT" if s.timed_out else f"FAILED (exit {s.returncode})"
                        )
                        row["plan_error"] = s.stderr_tail
                if ruff and count is None:
                    log(f"scaling {name} {size}: ruff ...")
                    s, _ = measure([ruff, *RUFF_ARGS], corpus, args.timeout)
                    if s.returncode == 0:
                        ruff_walls.append(s.wall)
            row["plan_s"] = statistics.median(plan_walls) if plan_walls else None
            row["ruff_s"] = statistics.median(ruff_walls) if ruff_walls else None
            rows.append(row)
    return rows


def print_scaling(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    if not rows:
        return {}
    print()
    header = f"{'series':<14} {'files':>7} {'affected':>8} {'plan s':>8} {'ms/file':>8} {'ms/affected':>11} {'ruff s':>8} {'ms/file':>8} {'plan/ruff':>9}"
    print(header)
    print("-" * len(header))
    for r in rows:
        plan, ruff = r["plan_s"], r["ruff_s"]
        print(
            f"{r['series']:<14} {r['files']:>7} {r['affected']:>8} {fmt(plan, 3):>8} "
            f"{fmt(plan * 1000 / r['files'] if plan else None, 3):>8} "
            f"{fmt(plan * 1000 / r['affected'] if plan and r['affected'] else None, 2):>11} "
            f"{fmt(ruff, 3):>8} {fmt(ruff * 1000 / r['files'] if ruff else None, 3):>8} "
            f"{fmt(plan / ruff if plan and ruff else None, 2):>9}"
            + ("" if r["plan_status"] == "ok" else f"  migrator {r['plan_status']}")
        )
    slopes: dict[str, float | None] = {}
    for series in dict.fromkeys(r["series"] for r in rows):
        pts = [
            (float(r["files"]), r["plan_s"]) for r in rows if r["series"] == series and r["plan_s"]
        ]
        slopes[f"plan vs files ({series})"] = loglog_slope(pts)
    pts = [(float(r["files"]), r["ruff_s"]) for r in rows if r["ruff_s"]]
    slopes["ruff vs files"] = loglog_slope(pts)
    print()
    print(
        "growth exponent b in time ~ files^b (1 = linear in repository size; ~0 = independent of it):"
    )
    for name, value in slopes.items():
        print(f"  {name:<36} {fmt(value, 2)}")
    return slopes


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, ToolResult):
        return obj.summary()
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


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Benchmark migrator against ruff, git grep/rg and LibCST's codemod CLI."
    )
    p.add_argument(
        "--files", type=int, default=10_000, help="corpus size for the main table (default 10000)"
    )
    p.add_argument(
        "--repeat", type=int, default=3, help="timed runs per tool, round-robin (default 3)"
    )
    p.add_argument("--seed", type=int, default=repogen.DEFAULT_SEED)
    p.add_argument("--profile", choices=sorted(repogen.PROFILES), default=repogen.DEFAULT_PROFILE)
    p.add_argument(
        "--scaling",
        default="1000,5000,10000,20000",
        help="corpus sizes for the scaling table ('none' to skip)",
    )
    p.add_argument(
        "--scaling-repeat",
        type=int,
        default=1,
        help="runs per size in the scaling table (default 1)",
    )
    p.add_argument("--scaling-fixed-affected", type=int, default=50,
                   help="also time plan on corpora of every size with exactly this many affected files (0: skip)")  # fmt: skip
    p.add_argument("--no-libcst", action="store_true", help="do not run LibCST's codemod CLI")
    p.add_argument(
        "--libcst-timeout",
        type=float,
        default=600.0,
        help="seconds; beyond it LibCST runs on a subset, scaled",
    )
    p.add_argument(
        "--libcst-subset",
        type=float,
        default=0.1,
        help="fraction of files for the LibCST probe/subset (default 0.1)",
    )
    p.add_argument("--jobs", type=int, default=2, help="LibCST worker processes (-j; default 2)")
    p.add_argument(
        "--timeout", type=float, default=1800.0, help="per-command timeout for the other tools (s)"
    )
    p.add_argument(
        "--only", help="comma-separated tool keys: plan-cold,plan-warm,diff,ruff,git-grep,rg,libcst"
    )
    p.add_argument("--no-verify-diff", dest="verify_diff", action="store_false",
                   help="skip the untimed diff run that counts the patched files")  # fmt: skip
    p.add_argument(
        "--json",
        type=Path,
        default=HERE / "results" / "latest.json",
        help="where to write the results",
    )
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    return args


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM / SIGHUP stop the current child's process group and keep what was measured, like Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    doc: dict[str, Any] = {
        "schema": 1,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": sys.argv[1:] if argv is None else list(argv),
        "environment": environment(),
        "method": {
            "wall": "time.perf_counter() around fork/exec .. os.wait4 of the child",
            "cpu": "ru_utime + ru_stime of the tool and its reaped descendants (GNU time's wait4, else os.wait4)",
            "maxrss_mb": "ru_maxrss of the tool (GNU time's wait4, else os.wait4): the largest single process of the tree",
            "gnu_time": GNU_TIME
            or "not available (maxrss then includes this script's RSS at fork)",
            "peak_mb": "max(maxrss_mb, peak of summed /proc/PID/statm RSS over the tree, polled every 50 ms)",
            "peak_pss_mb": "peak of summed /proc/PID/smaps_rollup Pss over the tree (shared pages split)",
            "median": f"median of {args.repeat} runs, tools interleaved round-robin",
            "libcst": "on a fresh copy each run; when a full run would exceed --libcst-timeout, on a seeded subset and scaled by files",
        },
    }
    results: list[ToolResult] = []
    try:
        results = main_benchmark(args, doc)
        doc["tools"] = results
        print()
        print(f"corpus: {doc['corpus']['files']} files, {doc['corpus']['affected_files']} affected, "
              f"{doc['corpus']['bytes'] / MIB:.1f} MiB; median of {args.repeat}; {doc['environment']['cpus']} CPUs")  # fmt: skip
        print_table(results)
        checks = targets(results)
        doc["targets"] = checks
        print_targets(checks)
        write_json(args.json, doc)
        cli = MigratorCli(**doc["migrator_cli"])
        rows = scaling(args, cli)
        doc["scaling"] = rows
        doc["scaling_exponents"] = print_scaling(rows)
    except KeyboardInterrupt:
        doc["interrupted"] = True
        log("interrupted; writing what was measured so far")
        return_code = 130
    else:
        return_code = 0
    finally:
        doc["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        write_json(args.json, doc)
        log(f"results written to {args.json}")
    return return_code


if __name__ == "__main__":
    sys.exit(main())
