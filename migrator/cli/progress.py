"""One named progress line on stderr, fed by the library's ``progress(phase, done, total)`` callback.

The library names its phases (discover, prefilter, parse, index, plan, rewrite) and reports counts;
``total == 0`` means the phase has no count (index, plan). Here they become a single line on a
terminal (phase, bar, counts, ETA), shown once a run has taken ``MIGRATOR_PROGRESS_DELAY`` seconds
(default 0.5), cleared when done, and never shown with ``--quiet`` or when stderr is not a terminal.
A phase never goes backwards: when the library reports the same phase again (another round), the line
continues from where it was.
"""

from __future__ import annotations

import os
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

# Counts reported alongside a main phase, shown on its line rather than as a line of their own.
_DETAILS = {"parse": "parsed"}


def _delay() -> float:
    try:
        return max(0.0, float(os.environ.get("MIGRATOR_PROGRESS_DELAY", "0.5")))
    except ValueError:
        return 0.5


class ProgressLine:
    """A callable progress sink; use as a context manager so the line is cleared at the end."""

    def __init__(self, quiet: bool, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.enabled = not quiet and self.console.is_terminal
        self.start = time.monotonic()
        self.delay = _delay()
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.phase: str | None = None
        self.done = 0
        self.total = 0
        self.fresh = False
        self.details: dict[str, int] = {}

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start(self) -> Progress:
        progress = Progress(
            TextColumn("[bold]{task.description:<9}[/bold]"),
            BarColumn(bar_width=30),
            TextColumn("{task.fields[counts]}"),
            TextColumn("[dim]elapsed[/dim]"),
            TimeElapsedColumn(),
            TextColumn("[dim]left[/dim]"),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        progress.start()
        self.task = progress.add_task("", total=None, counts="")
        return progress

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if phase in _DETAILS:
            self.details[phase] = done
        elif phase == self.phase:
            # The same phase reported again (another round) continues; it never goes back.
            self.done = max(done, self.done)
            self.total = max(total, self.done)
        else:
            self.phase, self.done, self.total = phase, done, total
            self.details.clear()
            self.fresh = True
        if self.progress is None:
            if self.phase is None or time.monotonic() - self.start < self.delay:
                return
            self.progress = self._start()
        self._show()

    def _show(self) -> None:
        assert self.progress is not None and self.task is not None
        counts = f"{self.done:,}/{self.total:,}" if self.total else ""
        for key, label in _DETAILS.items():
            if key in self.details:
                counts += f" · {self.details[key]:,} {label}"
        if self.fresh:  # a new phase: its own ETA, from its own start
            self.progress.reset(self.task)
            self.fresh = False
        self.progress.update(
            self.task,
            total=self.total or None,
            completed=self.done,
            description=self.phase,
            counts=counts,
        )

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
