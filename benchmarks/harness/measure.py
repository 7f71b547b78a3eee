"""Measuring one child process tree: wall time, CPU time, peak memory, with a timeout.

Wall time is taken around the child; CPU time and the largest single process's peak RSS come from
``wait4`` (GNU time's when installed, see ``measure``); the tree's summed RSS and PSS are sampled
with psutil every 50 ms.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

MIB = 1024 * 1024


def log(message: str) -> None:
    """Progress for the person running the benchmark (stderr; stdout carries the tables)."""
    print(message, file=sys.stderr, flush=True)


class TreeSampler(threading.Thread):
    """Polls the process tree under ``pid``; keeps the peak summed RSS / PSS and process count."""

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
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        known: dict[int, psutil.Process] = {}  # reused, so psutil keeps each one's identity check
        while not self.stop.is_set():
            try:
                tree = root.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            if not self.skip_root:
                tree.insert(0, root)
            rss = pss = 0
            for found in tree:
                proc = known.setdefault(found.pid, found)
                try:
                    info = proc.memory_full_info()  # /proc/PID/smaps_rollup on Linux
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                rss += info.rss
                pss += getattr(info, "pss", 0)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(tree))
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

    @classmethod
    def empty(cls) -> Sample:
        return cls(0.0, 0.0, 0.0, 0.0, 0.0, 0, 0)


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
