"""Paging long output the way git does: ``MIGRATOR_PAGER``, then ``PAGER``, then ``less -FRX``.

Only when the output goes to a terminal. An empty pager or ``cat`` means no pager. The pager runs
through the shell (so ``PAGER="less -S"`` works), with ``LESS=FRX`` when ``LESS`` is unset: ``-F``
quits at once when everything fits on one screen, ``-R`` shows colours, ``-X`` leaves the text on the
screen. Ctrl-C while paging is the pager's business: migrator waits for it to exit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from typing import TextIO


def pager_command() -> str | None:
    """The pager to use (None: write directly)."""
    for var in ("MIGRATOR_PAGER", "PAGER"):
        value = os.environ.get(var)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    return "less -FRX" if shutil.which("less") else None


def page(data: bytes, stream: TextIO, *, enabled: bool = True) -> None:
    """Write ``data`` to ``stream``, through the pager when ``stream`` is a terminal and ``enabled``."""
    command = pager_command() if enabled and stream.isatty() else None
    if command is None or not _run_pager(command, data, stream):
        stream.flush()
        stream.buffer.write(data)
        stream.flush()


def _run_pager(command: str, data: bytes, stream: TextIO) -> bool:
    """Run the pager on ``data``; False when it could not start (then the caller writes directly)."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    stream.flush()
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, stdout=stream, env=env)
    except OSError:
        return False
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert proc.stdin is not None
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except BrokenPipeError:  # the user quit the pager before reading everything
            pass
        code = proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return code != 127  # the shell's "command not found": nothing was shown
