"""A git history for a repository with a migrator config, and timings of ``migrator history`` on it.

``make_history(source, dest, commits)`` copies ``source`` to ``dest``, commits it, then commits the
consolidation ``migrator apply`` would make, a few files per commit, with filler commits (a text file)
where there are fewer files than commits: a realistic progress curve from the first commit to the last.

Run as a script, it times ``migrator history`` as whole processes on such a history: the first run
(nothing cached), a second run, and a run after one more commit; against the obvious alternative, a
``git worktree`` checkout and a ``migrator plan`` per commit, measured in the same run.

    python benchmarks/history.py --sample --commits 50
    python benchmarks/history.py --corpus /tmp/corpus --commits 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "samples" / "monorepo"


def _git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def make_history(source: Path, dest: Path, commits: int, jobs: int | None = None) -> list[str]:
    """Build ``dest`` with ``commits`` commits (at least 2); returns their ids, oldest first."""
    from migrator.pipeline import compute_patches
    from migrator.planner import PlanOptions, make_plan

    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".git", ".migrator"))
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "config", "commit.gpgsign", "false")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "baseline")
    plan = make_plan(dest, options=PlanOptions(jobs=jobs, use_cache=False))
    patches = [p for p in compute_patches(dest, plan, jobs=jobs).patches if p.new is not None]
    steps = max(1, commits - 1)
    # Spread the patches over the steps: step i takes patches [i*n/steps, (i+1)*n/steps).
    batches = [
        patches[i * len(patches) // steps : (i + 1) * len(patches) // steps] for i in range(steps)
    ]
    shas = [_git(dest, "rev-parse", "HEAD")]
    for i, batch in enumerate(batches):
        for p in batch:
            assert p.new is not None
            (dest / p.path).write_bytes(p.new)
        if batch:
            message = f"migrate {len(batch)} file(s): {batch[0].path}"
        else:
            with open(dest / "CHANGES.txt", "a", encoding="utf-8") as fh:
                fh.write(f"step {i}\n")
            message = f"notes, step {i}"
        _git(dest, "add", "-A")
        _git(dest, "commit", "-q", "-m", message)
        shas.append(_git(dest, "rev-parse", "HEAD"))
    shutil.rmtree(dest / ".migrator", ignore_errors=True)
    return shas


def _run(root: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _checkout_and_plan(root: Path, shas: list[str]) -> float:
    """The alternative: a fresh checkout of every commit, planned with a warm shared cache."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "wt"
        _git(root, "worktree", "add", "-q", "--detach", str(tree), shas[0])
        for sha in shas:
            _git(tree, "checkout", "-q", "--detach", sha)
            subprocess.run(
                [sys.executable, "-m", "migrator", "plan", "--format", "json", "."],
                cwd=tree,
                check=False,
                capture_output=True,
            )
        _git(root, "worktree", "remove", "--force", str(tree))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--sample", action="store_true", help="the bundled sample monorepo")
    src.add_argument("--corpus", type=Path, help="a generated corpus (benchmarks/make_corpus.py)")
    ap.add_argument("--commits", type=int, default=50)
    ap.add_argument("--work", type=Path, help="where to build the history (default: a temp dir)")
    ap.add_argument("--peer", action="store_true", help="also time checkout + plan per commit")
    args = ap.parse_args()
    source = SAMPLE if args.sample else args.corpus
    work = args.work or Path(tempfile.mkdtemp(prefix="migrator-history-"))
    dest = work / "repo"
    t0 = time.perf_counter()
    shas = make_history(source, dest, args.commits)
    print(f"history of {len(shas)} commits built in {time.perf_counter() - t0:.1f} s at {dest}")
    n = str(args.commits)
    cold = _run(dest, "history", "--commits", n, "--format", "json")
    warm = _run(dest, "history", "--commits", n, "--format", "json")
    with open(dest / "CHANGES.txt", "a", encoding="utf-8") as fh:
        fh.write("one more\n")
    _git(dest, "commit", "-qam", "one more")
    extra = _run(dest, "history", "--commits", str(args.commits + 1), "--format", "json")
    print(f"migrator history, {n} commits, first run:  {cold:7.2f} s")
    print(f"migrator history, {n} commits, second run: {warm:7.2f} s")
    print(f"migrator history, one more commit:        {extra:7.2f} s")
    if args.peer:
        peer = _checkout_and_plan(dest, shas)
        print(f"checkout + migrator plan per commit:      {peer:7.2f} s ({peer / cold:.1f}x)")


if __name__ == "__main__":
    main()
