"""A process pool for pure, top-level worker functions; ``jobs=1`` runs in-process.

Results come back in input order whatever the number of jobs, so output never depends on ``--jobs``.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    if "fork" in multiprocessing.get_all_start_methods() and not sys.platform.startswith(
        ("darwin", "win")
    ):
        # fork: workers inherit the imported modules, so starting one costs milliseconds.
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _die_with_parent(parent: int) -> None:
    """Pool initializer: the worker ends when the process that started it does, ``kill -9`` included
    (a forked worker holds the task pipe open itself, so it would otherwise wait on it forever)."""
    if sys.platform.startswith("linux"):
        # PR_SET_PDEATHSIG: the kernel sends SIGKILL when the parent thread exits.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent was gone before we could ask
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def pmap(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int | None = None,
    *,
    chunksize: int | None = None,
    min_parallel: int = 24,
) -> Iterator[R]:
    """``map(func, items)`` across processes, yielding results in order as they complete."""
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    if jobs == 1 or len(items) < min_parallel:
        for item in items:
            yield func(item)
        return
    if chunksize is None:
        chunksize = max(1, min(64, len(items) // (jobs * 8) or 1))
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_context(),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        yield from pool.map(func, items, chunksize=chunksize)
