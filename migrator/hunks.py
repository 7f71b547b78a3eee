"""Hunks of a file patch: split, group the ones that only work together, apply a chosen subset.

A :class:`Change` is one run of changed lines (an opcode of the line diff); a :class:`Hunk` is what a
unified diff shows under one ``@@`` header (changes less than seven unchanged lines apart). Reviewing
per hunk (``migrator apply --interactive``, then ``s``) means choosing a subset of changes; the file
written is the original with exactly the accepted changes applied.

Not every subset is a working file. Accepting the new import of a rename and rejecting the renamed
use sites leaves the new name unused and the old one undefined; splitting a multi-line statement can
leave a syntax error. :func:`partner_groups` finds the changes that must be taken or left together: it
tries "everything but this group" and "only this group", and merges a group with the changes that
mention a name the candidate leaves undefined (or, for a syntax error, with its neighbours) until
every group can be accepted or rejected on its own. Undefined means read somewhere but bound nowhere
in the file (nor a builtin), compared with what the original and the full rewrite already leave
undefined; a file with a star import is checked for syntax only.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from migrator.patches import CONTEXT_LINES, FilePatch, diff_text, make_patch, split_lines

_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__path__"}
_BUILTINS |= {"__loader__", "__package__", "__builtins__", "__annotations__", "__dict__"}
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """Old lines ``[old_start, old_end)`` become new lines ``[new_start, new_end)`` (0-based)."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True, slots=True)
class Hunk:
    """One ``@@`` section: its changes and the context range it shows."""

    changes: tuple[Change, ...]
    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True, slots=True)
class Group:
    """Changes that must be accepted or rejected together, and why (empty when it is one change)."""

    changes: tuple[Change, ...]
    reason: str = ""


class Lines:
    """A patch's old and new lines and their diff, computed once."""

    def __init__(self, patch: FilePatch) -> None:
        if patch.kind != "modify":
            raise ValueError(f"{patch.path}: only a modified file splits into hunks")
        self.patch = patch
        self.old = split_lines(patch.old)
        self.new = split_lines(patch.new)
        matcher = difflib.SequenceMatcher(None, self.old, self.new, autojunk=False)
        self.opcodes = list(matcher.get_opcodes())  # copied: the grouping trims difflib's own list
        self.grouped = list(matcher.get_grouped_opcodes(CONTEXT_LINES))

    def changes(self) -> tuple[Change, ...]:
        return tuple(
            Change(a1, a2, b1, b2) for tag, a1, a2, b1, b2 in self.opcodes if tag != "equal"
        )

    def hunks(self) -> tuple[Hunk, ...]:
        out: list[Hunk] = []
        for group in self.grouped:
            changes = tuple(
                Change(a1, a2, b1, b2) for tag, a1, a2, b1, b2 in group if tag != "equal"
            )
            out.append(Hunk(changes, group[0][1], group[-1][2], group[0][3], group[-1][4]))
        return tuple(out)

    def build(self, accepted: Iterable[Change]) -> bytes:
        """The original with exactly the ``accepted`` changes applied."""
        take = set(accepted)
        out: list[bytes] = []
        for tag, a1, a2, b1, b2 in self.opcodes:
            if tag != "equal" and Change(a1, a2, b1, b2) in take:
                out.extend(self.new[b1:b2])
            else:
                out.extend(self.old[a1:a2])
        return b"".join(out)

    def patch_for(self, accepted: Iterable[Change]) -> FilePatch | None:
        """The patch that writes exactly ``accepted`` (None when nothing is accepted)."""
        data = self.build(accepted)
        if data == self.patch.old:
            return None
        return make_patch(self.patch.path, self.patch.old, data, self.patch.mode)

    def words(self, change: Change) -> set[bytes]:
        lines = (
            self.old[change.old_start : change.old_end]
            + self.new[change.new_start : change.new_end]
        )
        return {m.group() for line in lines for m in _WORD.finditer(line)}


def split_hunk(hunk: Hunk) -> tuple[Hunk, ...]:
    """A hunk as one hunk per change (``s`` in the review); a one-change hunk stays as it is."""
    if len(hunk.changes) == 1:
        return (hunk,)
    return tuple(Hunk((c,), c.old_start, c.old_end, c.new_start, c.new_end) for c in hunk.changes)


# -- is a candidate a working file? ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Problem:
    names: frozenset[str]  # names the candidate leaves undefined
    syntax_line: int | None = None  # 1-based line of a syntax error


def _undefined(source: bytes) -> frozenset[str] | None:
    """Names read but bound nowhere in ``source`` (None: it does not parse, or has a star import)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    bound: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return frozenset()
                bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return frozenset(loaded - bound - _BUILTINS)


def _syntax_line(source: bytes) -> int:
    try:
        ast.parse(source)
    except SyntaxError as exc:
        return exc.lineno or 1
    except ValueError:
        return 1
    return 0


class _Checker:
    def __init__(self, lines: Lines) -> None:
        self.lines = lines
        old = _undefined(lines.patch.old or b"")
        new = _undefined(lines.patch.new or b"")
        # Only check names where both ends parse with this Python; else syntax is all we can check.
        self.names = old is not None and new is not None
        self.allowed = (old or frozenset()) | (new or frozenset())
        self.parses = _syntax_line(lines.patch.new or b"") == 0

    def problem(self, accepted: Iterable[Change]) -> _Problem | None:
        if not self.parses:
            return (
                None  # the full rewrite itself is beyond this Python's parser: nothing to compare
            )
        source = self.lines.build(accepted)
        undefined = _undefined(source)
        if undefined is None:
            return _Problem(frozenset(), _syntax_line(source) or 1)
        if not self.names:
            return None
        extra = undefined - self.allowed
        return _Problem(extra) if extra else None


def partner_groups(lines: Lines, units: Iterable[Sequence[Change]]) -> tuple[Group, ...]:
    """``units`` (each some changes, in file order) merged where they must go together, so that each
    group can be accepted or rejected on its own."""
    checker = _Checker(lines)
    all_changes = set(lines.changes())
    groups: list[tuple[list[Change], set[str]]] = [(list(u), set()) for u in units]
    i = 0
    while i < len(groups) and len(groups) > 1:
        members = set(groups[i][0])
        problem = checker.problem(all_changes - members) or checker.problem(members)
        partners = _partners(lines, [g for g, _ in groups], i, problem) if problem else set()
        if problem is None or not partners:
            i += 1
            continue
        chosen = {i, *partners}
        changes = sorted({c for j in chosen for c in groups[j][0]})
        reasons = {r for j in chosen for r in groups[j][1]} | {_reason(problem)}
        first = min(chosen)
        groups = [
            (changes, reasons) if j == first else g
            for j, g in enumerate(groups)
            if j == first or j not in chosen
        ]
        i = 0  # a merged group is tried again: it may need more partners
    return tuple(Group(tuple(g), "; ".join(sorted(r))) for g, r in groups)


def problem_with(lines: Lines, accepted: Iterable[Change]) -> str | None:
    """Why writing exactly ``accepted`` would break the file (None: it would not)."""
    problem = _Checker(lines).problem(accepted)
    if problem is None:
        return None
    if problem.names:
        return "it would leave " + ", ".join(f"`{n}`" for n in sorted(problem.names)) + " undefined"
    return f"it would not parse (line {problem.syntax_line})"


def _partners(lines: Lines, groups: list[list[Change]], i: int, problem: _Problem) -> set[int]:
    if problem.names:
        wanted = {n.encode() for n in problem.names}
        found = {
            j for j, g in enumerate(groups) if j != i and any(wanted & lines.words(c) for c in g)
        }
        if found:
            return found
    # A syntax error (or a name nobody else mentions): the neighbours in file order.
    return {j for j in (i - 1, i + 1) if 0 <= j < len(groups)}


def _reason(problem: _Problem) -> str:
    if problem.names:
        return (
            "taken alone, would leave "
            + ", ".join(f"`{n}`" for n in sorted(problem.names))
            + (" undefined")
        )
    return "taken alone, would not parse"


# -- showing a hunk ------------------------------------------------------------------------------


def hunk_text(lines: Lines, changes: Iterable[Change]) -> str:
    """The ``@@`` sections that writing exactly ``changes`` gives (no file header), as text in the
    file's own encoding."""
    partial = lines.patch_for(changes)
    if partial is None:
        return ""
    text = diff_text(partial)
    at = text.find("\n@@ ")
    return text[at + 1 :] if at >= 0 else ""
