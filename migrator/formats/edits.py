"""A file's rewrite as a few text replacements, each addressed by line and column (SARIF ``fix``).

Lines are 1-based and end at ``\\n`` (a ``\\r`` before it belongs to the line terminator); columns are
1-based Unicode code points (SARIF's ``unicodeCodePoints``). Replacements keep line terminators in place
where they can, so a change that reaches the end of a file does not address the position after its final
newline (an empty "last line" that not every SARIF consumer accepts); only a change that removes that
final newline, or the whole text, needs it.

:func:`apply_edits` is the reference consumer: applying every edit of :func:`text_edits` to the old text
gives the new text exactly (the tests check this on every patch of the sample).
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text from (start_line, start_column) up to (end_line, end_column) with ``text``."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str

    def covers(self, line: int) -> bool:
        """Whether the edit deletes or inserts at ``line`` (an insertion covers the line it opens)."""
        last = (
            self.end_line - 1
            if self.end_column == 1 and self.end_line > self.start_line
            else self.end_line
        )
        return self.start_line <= line <= last


def _lines(text: str) -> list[str]:
    pieces = text.split("\n")
    lines = [p + "\n" for p in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def _terminator(text: str) -> str:
    if text.endswith("\r\n"):
        return "\r\n"
    return "\n" if text.endswith("\n") else ""


def _line_starts(text: str) -> list[int]:
    """Offsets where lines start; the end of a file that ends with a newline starts one more."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _position(starts: Sequence[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def text_edits(old: str, new: str) -> tuple[TextEdit, ...]:
    """The changed line blocks between ``old`` and ``new``, as line/column edits in file order."""
    a, b = _lines(old), _lines(new)
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    starts = _line_starts(old)
    edits: list[TextEdit] = []
    previous_end = -1  # where the last edit ends (an edit moved left must not reach it)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end, text = offsets[i1], offsets[i2], "".join(b[j1:j2])
        last = _terminator(old[:end]) if end > start else ""
        if last and text.endswith(last):
            # Replace the lines' contents and keep their last terminator where it is.
            end, text = end - len(last), text[: -len(last)]
        elif end == len(old) and old.endswith("\n") and start > 0:
            # The block reaches the end of the file: move it before the final terminator, which
            # the same terminator just before the block stands in for.
            before, final = _terminator(old[:start]), _terminator(old)
            moved = start - len(before)
            if before == final and (not text or text.endswith(final)) and moved > previous_end:
                start, end = start - len(before), end - len(final)
                text = before + text[: -len(final)] if text else ""
        edits.append(TextEdit(*_position(starts, start), *_position(starts, end), text))
        previous_end = end
    return tuple(edits)


def _offset(starts: Sequence[int], length: int, line: int, column: int) -> int:
    if not 1 <= line <= len(starts):
        raise ValueError(f"line {line} outside 1..{len(starts)}")
    offset = starts[line - 1] + column - 1
    limit = starts[line] - 1 if line < len(starts) else length
    if column < 1 or offset > limit:
        raise ValueError(f"column {column} outside line {line}")
    return offset


def apply_edits(old: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping ``edits`` to ``old`` (a reference SARIF fix consumer)."""
    starts = _line_starts(old)
    # Last edit first; of two insertions at one place, the later one first, so both keep their order.
    spans = sorted(
        (
            (
                _offset(starts, len(old), e.start_line, e.start_column),
                _offset(starts, len(old), e.end_line, e.end_column),
                i,
                e.text,
            )
            for i, e in enumerate(edits)
        ),
        reverse=True,
    )
    out = old
    previous_start = len(old)
    for start, end, _, text in spans:
        if end < start or end > previous_start:
            raise ValueError("edits overlap or run backwards")
        out = out[:start] + text + out[end:]
        previous_start = start
    return out
