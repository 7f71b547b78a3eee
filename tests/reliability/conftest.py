"""The fault-injection suite's shared pieces: a small real repository, the CLI as a real process in its
own session, the tree as (sha256, mode) per file, and a check that no process outlives a killed run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_git

MODULES = 24  # enough for the rewrite to use a process pool with --jobs 2

TEMPLATE: dict[str, bytes] = {
    "migrator.toml": b'[[symbols]]\ncanonical = "core.engine:UserEngine"\n',
    "core/__init__.py": b"",
    "core/engine.py": b"class UserEngine:\n    pass\n",
    "legacy/__init__.py": b"",
    "legacy/shim.py": b"from core.engine import UserEngine as Engine\n",
    "app/__init__.py": b"",
    "tools/run.sh": b"#!/bin/sh\necho ok\n",
    **{
        f"app/mod{i:02d}.py": (
            b"from legacy.shim import Engine\n\n\ndef make%d():\n    return Engine()\n" % i
        ).replace(b"\n", b"\r\n" if i % 5 == 0 else b"\n")
        for i in range(MODULES)
    },
}

State = dict[str, tuple[str, int]]


git = run_git  # the helpers below run outside fixtures too


def write_files(root: Path, files: Mapping[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if (root / "tools/run.sh").exists():
        (root / "tools/run.sh").chmod(0o755)


def make_repo(root: Path, files: Mapping[str, bytes] = TEMPLATE, *, use_git: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    if use_git:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


def tree_state(root: Path) -> State:
    """sha256 and st_mode of every file and symlink outside .git and .migrator."""
    state: State = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".migrator")]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath) / name
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                digest = "link:" + os.readlink(path)
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[path.relative_to(root).as_posix()] = (digest, info.st_mode)
    return state


def temp_files(root: Path) -> list[str]:
    """Temp files left in the tree or the journal (a killed plan may leave one in its cache, which
    is harmless: ignored, and replaced on the next write)."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.migrator-tmp")
        if ".git" not in p.relative_to(root).parts
        and p.relative_to(root).parts[:2] != (".migrator", "cache")
    )


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIGRATOR_")}
    env.update(NO_COLOR="1", COLUMNS="200", PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


@dataclass
class Done:
    code: int
    stdout: str
    stderr: str
    pid: int

    def __str__(self) -> str:
        return f"exit {self.code}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


def session_processes(sid: int) -> list[int]:
    """Pids of live processes in session ``sid`` (the CLI runs as a session leader)."""
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
            found.append(int(entry))
    return found


def assert_no_orphans(sid: int, wait: float = 5.0) -> None:
    """Nothing of a finished or killed CLI run is left running (pool workers, verify children)."""
    deadline = time.monotonic() + wait
    left = session_processes(sid)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = session_processes(sid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes outlived the run: {left}"


def migrator(
    repo: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    kill_after: float | None = None,
    timeout: float = 180,
    preexec_fn: Callable[[], None] | None = None,
    prefix: Sequence[str] = (),
) -> Done:
    """``python -m migrator --jobs 2 ARGS`` in ``repo``, in a session of its own; optionally kill -9
    it after ``kill_after`` seconds. Checks that nothing of it is left running afterwards."""
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "migrator", "--jobs", "2", *args],
        cwd=repo,
        env=dict(env) if env is not None else cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=preexec_fn,
    )
    try:
        if kill_after is not None:
            try:
                proc.wait(kill_after)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert_no_orphans(proc.pid)
    return Done(
        proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"), proc.pid
    )


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pristine repository; tests copy it (never write it)."""
    return make_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture
def repo(template_repo: Path, tmp_path: Path) -> Path:
    return copy_tree(template_repo, tmp_path / "repo")


def copy_tree(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, symlinks=True)
    return dest


def read_trace(path: Path) -> list[tuple[str, float]]:
    """(step#n, time) pairs a run with MIGRATOR_TEST_TRACE passed, in order."""
    if not path.exists():
        return []
    pairs = []
    for line in path.read_text().splitlines():
        step, _, when = line.partition(" ")
        pairs.append((step, float(when)))
    return pairs


@pytest.fixture
def trace_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "trace.txt"
