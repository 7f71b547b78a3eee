"""``apply --interactive``: review per file, and per hunk after ``s``, like ``git add -p``.

Everything the review shows (diffs, questions, help) goes to stderr, so ``apply -i --json`` keeps
stdout a JSON document; answers are read from stdin, one line each (a terminal or a pipe). Only the
documented answers are taken (a letter or its word, any case); anything else gets the help and the
question again. The end of input means quit.
"""

from __future__ import annotations

import shutil
import sys
from typing import Literal, TextIO

from rich.console import Console
from rich.markup import escape

from migrator.cli.pager import page
from migrator.hunks import Change, Group, Lines, hunk_text, partner_groups, problem_with
from migrator.patches import FilePatch, diff_text
from migrator.render import ansi_diff, colorize

ANSWERS = {
    "y": "y",
    "yes": "y",
    "n": "n",
    "no": "n",
    "a": "a",
    "all": "a",
    "q": "q",
    "quit": "q",
    "d": "d",
    "diff": "d",
    "s": "s",
    "split": "s",
    "?": "?",
    "h": "?",
    "help": "?",
}

FILE_PROMPT = "Apply this change? [y]es [n]o [a]ll remaining [q]uit [d]iff again [s]plit [?]help "
HUNK_PROMPT = (
    "Apply this hunk? [y]es [n]o [a]ll remaining in this file [q]uit [d]iff again [s]plit [?]help "
)
FILE_HELP = """\
y - apply this file's change
n - leave this file as it is
a - apply this change and every remaining one
q - quit: apply nothing more (what you already accepted is applied)
d - show the diff again
s - split this file's change into hunks and decide on each
? - show this help"""
HUNK_HELP = """\
y - apply this hunk
n - leave this hunk out
a - apply this hunk and the remaining ones of this file
q - quit: apply nothing more (what you already accepted is applied)
d - show the hunk again
s - split this hunk into smaller ones
? - show this help"""


class Review:
    """The ``confirm`` callback of :func:`migrator.applier.apply_patches`.

    Returns True (apply the patch), False (skip it), or a patch holding only the accepted hunks.
    """

    def __init__(self, total: int, *, pager: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.index = 0
        self.all = False
        self.quit = False
        self.pager = pager
        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)
        self.tty = self.console.is_terminal

    # -- input and output ----------------------------------------------------------------------
    def _ask(self, prompt: str, help_text: str) -> str:
        while True:
            self.console.print(prompt, end="", markup=False)
            self.stream.flush()
            line = sys.stdin.readline()
            if not sys.stdin.isatty():  # piped answers are not echoed: show them, for the log
                self.console.print(line.rstrip("\n"), markup=False)
            if not line:
                return "q"
            answer = ANSWERS.get(line.strip().lower())
            if answer is not None:
                return answer
            self.console.print(f"Sorry, {line.strip()!r} is not an answer here.", markup=False)
            self.console.print(help_text, markup=False)

    def _show(self, header: str, text: str, note: str = "") -> None:
        self.console.print(f"[bold]{escape(header)}[/bold]")
        if note:
            self.console.print(note, style="yellow", markup=False)
        rows = shutil.get_terminal_size((80, 24)).lines
        if self.tty and self.pager and text.count("\n") > rows - 4:
            # A long diff goes through the pager; the header comes again so it stays in view.
            page(ansi_diff(text).encode(), self.stream)
            self.console.print(f"[bold]{escape(header)}[/bold]")
        elif self.tty:
            self.console.print(colorize(text), end="")
        else:
            self.console.print(text, end="", markup=False)

    # -- per file ------------------------------------------------------------------------------
    def __call__(self, patch: FilePatch) -> FilePatch | bool:
        self.index += 1
        if self.quit:
            return False
        if self.all:
            return True
        header = f"({self.index}/{self.total}) {patch.path}"
        show = True
        while True:
            if show:
                self._show(header, diff_text(patch))
                show = False
            answer = self._ask(FILE_PROMPT, FILE_HELP)
            if answer == "y":
                return True
            if answer == "n":
                return False
            if answer == "a":
                self.all = True
                return True
            if answer == "q":
                self.quit = True
                return False
            if answer == "d":
                show = True
            elif answer == "?":
                self.console.print(FILE_HELP, markup=False)
            elif answer == "s":
                if patch.kind != "modify":
                    self.console.print(f"A file that is {patch.kind}d is not split.", markup=False)
                    continue
                result = self._hunks(patch, header)
                if result == "unsplit":
                    continue
                if result == "again":
                    show = True
                    continue
                return result

    # -- per hunk ------------------------------------------------------------------------------
    def _hunks(
        self, patch: FilePatch, header: str
    ) -> FilePatch | bool | Literal["unsplit", "again"]:
        """Review ``patch`` hunk by hunk: "unsplit" when it does not split, "again" when the chosen
        hunks would break the file (the file's question is asked again)."""
        lines = Lines(patch)
        hunks = lines.hunks()
        units = [h.changes for h in hunks] if len(hunks) > 1 else [(c,) for c in lines.changes()]
        queue = list(partner_groups(lines, units))
        if len(queue) == 1:
            why = queue[0].reason or "it is a single change"
            self.console.print(f"This change does not split: {why}.", markup=False)
            return "unsplit"
        self.console.print(f"Split into {len(queue)} hunks.", markup=False)
        taken: list[Change] = []
        k = 0
        while k < len(queue):
            group = queue[k]
            answer = self._ask_hunk(lines, header, group, k, len(queue))
            if answer == "y":
                taken.extend(group.changes)
                k += 1
            elif answer == "n":
                k += 1
            elif answer == "a":
                taken.extend(c for g in queue[k:] for c in g.changes)
                break
            elif answer == "q":
                self.quit = True
                break
            elif answer == "s":
                parts = partner_groups(lines, [(c,) for c in group.changes])
                if len(parts) > 1:
                    queue[k : k + 1] = parts
                    self.console.print(f"Split into {len(parts)} hunks.", markup=False)
                else:
                    why = group.reason or "it is a single change"
                    self.console.print(f"This hunk does not split: {why}.", markup=False)
        problem = problem_with(lines, taken)
        if problem is not None:
            self.console.print(
                f"Those hunks cannot be applied on their own: {problem}. Choose again.",
                style="yellow",
                markup=False,
            )
            self.quit = False
            return "again"
        partial = lines.patch_for(taken)
        if partial is None:
            return False
        return True if partial.new == patch.new else partial

    def _ask_hunk(self, lines: Lines, header: str, group: Group, k: int, count: int) -> str:
        title = f"{header} hunk {k + 1}/{count}"
        note = ""
        if len(group.changes) > 1 and group.reason:
            note = f"These {len(group.changes)} changes go together ({group.reason})."
        show = True
        while True:
            if show:
                self._show(title, hunk_text(lines, group.changes), note)
                show = False
            answer = self._ask(HUNK_PROMPT, HUNK_HELP)
            if answer == "d":
                show = True
            elif answer == "?":
                self.console.print(HUNK_HELP, markup=False)
            else:
                return answer
