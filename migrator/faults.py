"""Named points between the durable steps of apply and rollback, for the fault-injection tests.

``tests/reliability/`` runs migrator with ``MIGRATOR_TEST_KILL_AT=STEP[#N]`` to ``kill -9`` it the
N-th time (default: the first) it reaches STEP, and with ``MIGRATOR_TEST_TRACE=FILE`` to list every
step a run passes (``STEP#N TIME`` lines). Neither is set in normal use, where :func:`checkpoint` costs one comparison.
"""

from __future__ import annotations

import os
import signal
import threading
import time

_KILL_AT = os.environ.get("MIGRATOR_TEST_KILL_AT")
_TRACE = os.environ.get("MIGRATOR_TEST_TRACE")
_ACTIVE = bool(_KILL_AT or _TRACE)
_counts: dict[str, int] = {}
_mutex = threading.Lock()


def checkpoint(step: str) -> None:
    """Mark that the durable step ``step`` just finished."""
    if not _ACTIVE:
        return
    with _mutex:
        count = _counts[step] = _counts.get(step, 0) + 1
        if _TRACE:
            with open(_TRACE, "a", encoding="utf-8") as trace:
                trace.write(f"{step}#{count} {time.time():.6f}\n")
        if _KILL_AT in (step, f"{step}#{count}") and (count == 1 or "#" in (_KILL_AT or "")):
            os.kill(os.getpid(), signal.SIGKILL)
