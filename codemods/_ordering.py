"""Where a new module-level import goes so that a sorted import block stays sorted.

The module's *header* is what follows its docstring: lines of imports, and ``if``/``try`` blocks
(``if TYPE_CHECKING:``, optional imports) that do not mention the names the new import binds. A
*group* is a run of import lines with no blank line between them (what isort and ruff call a
section). A group is sorted by a simple key, isort's default with ``force_sort_within_sections``
off: ``import x`` lines before ``from x import`` lines, each by module name (case-insensitive,
digits compared as numbers, ``..`` before ``.``).

When every group of the header is sorted, a new import goes at its sorted position in the group
that imports from its top-level package, else in the last group of the same kind (standard library
or not) that it sorts after (the first such group when it sorts before all of them), else in a group
of its own after the groups of lower kinds. Otherwise (an unsorted header, or no place found) the
caller keeps its usual place. Existing statements are never moved; a new first line of a group
takes over the blank lines above that group.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import libcst as cst

from codemods._names import alias_local, dotted_name

FUTURE, STDLIB, OTHER, LOCAL = range(4)  # kinds of module, in the order isort puts their sections
_STDLIB_NAMES: frozenset[str] = frozenset(getattr(sys, "stdlib_module_names", ()))

Key = tuple[int, tuple[tuple[str, int], ...], str]


@dataclass(frozen=True, slots=True)
class ImportInfo:
    """What placing an import needs to know about it."""

    key: Key
    kind: int  # FUTURE, STDLIB, OTHER or LOCAL
    top: str  # top-level package ("" for a relative import)


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a new line goes: before ``body[index]``.

    ``after``: right after the line before it in its group; ``first``: first line of a group (it
    takes over the blank lines above the group); ``group``: a new group (a blank line above it).
    """

    index: int
    mode: Literal["after", "first", "group"]


@dataclass(frozen=True, slots=True)
class _Entry:
    index: int
    info: ImportInfo


@dataclass(frozen=True, slots=True)
class _Header:
    groups: tuple[tuple[_Entry, ...], ...]
    sorted: bool


def _natural(text: str) -> tuple[tuple[str, int], ...]:
    parts = re.split(r"(\d+)", text.lower())
    return tuple((part, 0) if i % 2 == 0 else ("", int(part)) for i, part in enumerate(parts))


def import_info(stmt: cst.Import | cst.ImportFrom) -> ImportInfo | None:
    """The sort key, kind and top-level package of an import (None: a name it cannot read)."""
    if isinstance(stmt, cst.Import):
        name = dotted_name(stmt.names[0].name)
        if name is None:
            return None
        top = name.split(".", 1)[0]
        kind = STDLIB if top in _STDLIB_NAMES else OTHER
        return ImportInfo((0, _natural(name), name), kind, top)
    module = dotted_name(stmt.module) if stmt.module is not None else ""
    if module is None:
        return None
    text = "." * len(stmt.relative) + module
    if stmt.relative:
        kind, top = LOCAL, ""
    else:
        top = module.split(".", 1)[0]
        kind = FUTURE if module == "__future__" else STDLIB if top in _STDLIB_NAMES else OTHER
    return ImportInfo((1, _natural(text), text), kind, top)


def bound_names(stmt: cst.Import | cst.ImportFrom) -> frozenset[str]:
    """The names an import statement binds (empty for a star import)."""
    if isinstance(stmt.names, cst.ImportStar):
        return frozenset()
    return frozenset(alias_local(alias) for alias in stmt.names)


def import_line(stmt: cst.BaseStatement) -> cst.Import | cst.ImportFrom | None:
    """The import of a line that holds only imports (the first one), else None."""
    if not isinstance(stmt, cst.SimpleStatementLine) or not stmt.body:
        return None
    if not all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body):
        return None
    first = stmt.body[0]
    assert isinstance(first, (cst.Import, cst.ImportFrom))
    return first


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


class _Mentions(cst.CSTVisitor):
    def __init__(self, names: frozenset[str]) -> None:
        super().__init__()
        self.names = names
        self.found = False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.found = True


def _mentions(stmt: cst.CSTNode, names: frozenset[str]) -> bool:
    visitor = _Mentions(names)
    stmt.visit(visitor)
    return visitor.found


def _has_blank(lines: Iterable[cst.EmptyLine]) -> bool:
    return any(line.comment is None for line in lines)


def _line_sorted(stmt: cst.BaseStatement) -> bool:
    """One import on the line, importing one module (isort splits the others)."""
    assert isinstance(stmt, cst.SimpleStatementLine)
    if len(stmt.body) != 1:
        return False
    only = stmt.body[0]
    return not (isinstance(only, cst.Import) and len(only.names) != 1)


def _read_header(body: Sequence[cst.BaseStatement], names: frozenset[str]) -> _Header:
    groups: list[tuple[_Entry, ...]] = []
    current: list[_Entry] = []
    ok = True

    def close() -> None:
        nonlocal current
        if current:
            groups.append(tuple(current))
            current = []

    start = 1 if body and _is_docstring(body[0]) else 0
    for index in range(start, len(body)):
        stmt = body[index]
        first = import_line(stmt)
        if first is not None:
            assert isinstance(stmt, cst.SimpleStatementLine)
            info = import_info(first)
            if info is None:
                ok = False
                break
            ok = ok and _line_sorted(stmt)
            if _has_blank(stmt.leading_lines):
                close()
            current.append(_Entry(index, info))
        elif isinstance(stmt, (cst.If, cst.Try)) and not _mentions(stmt, names):
            close()
        else:
            break
    close()
    for group in groups:
        keys = [entry.info.key for entry in group]
        ok = ok and all(a <= b for a, b in pairwise(keys))
    return _Header(tuple(groups), ok)


def header_lines(body: Sequence[cst.BaseStatement], names: frozenset[str]) -> frozenset[int]:
    """Indices in ``body`` of the header's import lines."""
    return frozenset(e.index for g in _read_header(body, names).groups for e in g)


def _fit(groups: Sequence[tuple[_Entry, ...]], info: ImportInfo) -> tuple[_Entry, ...]:
    after = [g for g in groups if g[0].info.key <= info.key]
    return after[-1] if after else groups[0]


def header_sorted(body: Sequence[cst.BaseStatement]) -> bool:
    """Whether every group of the module's header is sorted."""
    return _read_header(body, frozenset()).sorted


def find_slot(
    body: Sequence[cst.BaseStatement],
    info: ImportInfo,
    names: frozenset[str],
    *,
    check_sorted: bool = True,
) -> Slot | None:
    """Where a new import (``info``, binding ``names``) goes in the header, or None.

    With ``check_sorted``, None unless the header is sorted (the caller checked it otherwise).
    """
    if info.kind in (FUTURE, LOCAL):
        return None
    header = _read_header(body, names)
    if (check_sorted and not header.sorted) or not header.groups:
        return None
    groups = [g for g in header.groups if g[0].info.kind != FUTURE]
    shared = [g for g in groups if any(e.info.top == info.top for e in g)]
    same = [g for g in groups if all(e.info.kind == info.kind for e in g)]
    if shared or same:
        group = _fit(shared or same, info)
        before = [e for e in group if e.info.key <= info.key]
        if before:
            return Slot(before[-1].index + 1, "after")
        return Slot(group[0].index, "first")
    lower = [g for g in header.groups if max(e.info.kind for e in g) < info.kind]
    if not lower:
        return None
    position = header.groups.index(lower[-1])
    following = header.groups[position + 1 : position + 2]
    if following and min(e.info.kind for e in following[0]) <= info.kind:
        return None
    return Slot(lower[-1][-1].index + 1, "group")


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def insert_line(
    body: Sequence[cst.BaseStatement], slot: Slot, line: cst.SimpleStatementLine
) -> list[cst.BaseStatement]:
    """``body`` with ``line`` inserted at ``slot`` (the blank lines above a group stay above it)."""
    out = list(body)
    if slot.mode == "first":
        first = out[slot.index]
        assert isinstance(first, cst.SimpleStatementLine)
        lead = list(first.leading_lines)
        blanks = _blank_prefix(lead)
        out[slot.index] = first.with_changes(leading_lines=lead[blanks:])
        line = line.with_changes(leading_lines=lead[:blanks])
    elif slot.mode == "group":
        line = line.with_changes(leading_lines=[cst.EmptyLine()])
    else:
        line = line.with_changes(leading_lines=[])
    out.insert(slot.index, line)
    return out


def place_created(
    body: Sequence[cst.BaseStatement], created: frozenset[int]
) -> list[cst.BaseStatement]:
    """Move the lines ``created`` (ids of new single-import lines, each right after the line it
    was made for or after another created line) to their sorted places in the header.

    The caller checked that the header was sorted before the edit (an import rewritten in place may
    not sort where it stands). A line stays where it is when no place is found or when the line it
    was made for is not one of the header's import lines.
    """
    rest: list[cst.BaseStatement] = []
    moving: list[tuple[cst.SimpleStatementLine, cst.BaseStatement]] = []
    for stmt in body:
        if id(stmt) in created and rest and isinstance(stmt, cst.SimpleStatementLine):
            moving.append((stmt, rest[-1]))
        else:
            rest.append(stmt)
    placed_after: dict[int, int] = {}  # id(anchor) -> created lines kept right after it
    anchors = {id(anchor) for _, anchor in moving}
    # id(anchor) -> the anchor once it gave its blank lines to a line put first in its group
    replaced: dict[int, cst.BaseStatement] = {}
    for line, anchor in moving:
        first = import_line(line)
        assert first is not None
        names = bound_names(first)
        info = import_info(first)
        current = replaced.get(id(anchor), anchor)
        anchor_at = next(i for i, s in enumerate(rest) if s is current)
        slot = None
        if info is not None and anchor_at in header_lines(rest, names):
            slot = find_slot(rest, info, names, check_sorted=False)
        if slot is None:
            count = placed_after.get(id(anchor), 0)
            rest.insert(anchor_at + 1 + count, line)
            placed_after[id(anchor)] = count + 1
        else:
            displaced = rest[slot.index] if slot.mode == "first" else None
            rest = insert_line(rest, slot, line)
            if displaced is not None:
                for key, value in list(replaced.items()):
                    if value is displaced:
                        replaced[key] = rest[slot.index + 1]
                if id(displaced) in anchors:
                    replaced[id(displaced)] = rest[slot.index + 1]
    return rest
