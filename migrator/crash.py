"""The last resort at the CLI boundary: an unexpected exception becomes one line and exit code 5.

The traceback goes to a crash log (``migrator-crash-*.log`` in the temp directory, or
``$MIGRATOR_CRASH_DIR``), never to the terminal: a traceback's exit code 1 reads as "findings" in CI.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path

from migrator import __version__

EXIT_INTERNAL = 5


def write_crash_log(exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback (with versions and the command line) to a new file; its path."""
    directory = os.environ.get("MIGRATOR_CRASH_DIR") or tempfile.gettempdir()
    try:
        fd, name = tempfile.mkstemp(prefix="migrator-crash-", suffix=".log", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as log:
            log.write(f"migrator {__version__}, Python {platform.python_version()}, ")
            log.write(f"{platform.platform()}\nargv: {sys.argv!r}\ncwd: {os.getcwd()}\n\n")
            log.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        return None
    return Path(name)


def crash_message(exc: BaseException) -> str:
    """One line for stderr: what happened and where the traceback is."""
    log = write_crash_log(exc)
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    where = f"the traceback is in {log}" if log else "no crash log could be written"
    return f"internal error ({what}); this is a bug in migrator, please report it; {where}"
