"""What the per-file detectors (``singletons``, ``shared_state``) share: their result value and the
small pieces of ``ast`` reading both need.

A detector takes a parsed module and returns ``Detection`` values sorted by ``(line, kind, name)``;
the planner turns them into report ``findings.Finding`` values by adding the file's path. Names are
qualified by their enclosing classes and functions (``Class.method``, ``Outer.Inner.attr``,
``make.Local``), like ``__qualname__`` without ``<locals>``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "FUNCTION_DEFS",
    "TOP_BLOCKS",
    "Detection",
    "Detections",
    "assignments",
    "child_blocks",
    "is_dunder",
    "is_none",
    "qualify",
    "target_names",
]


@dataclass(frozen=True, slots=True)
class Detection:
    """One detector hit in one module: where, which rule, which name, and a sentence for reports."""

    line: int
    kind: str
    name: str
    detail: str


class Detections:
    """Collects detections, one per ``(line, kind, name)``, and hands them back sorted."""

    __slots__ = ("_found",)

    def __init__(self) -> None:
        self._found: dict[tuple[int, str, str], Detection] = {}

    def add(self, line: int, kind: str, name: str, detail: str) -> None:
        self._found.setdefault((line, kind, name), Detection(line, kind, name, detail))

    def sorted(self) -> tuple[Detection, ...]:
        return tuple(self._found[key] for key in sorted(self._found))


FUNCTION_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)

if sys.version_info >= (3, 11):
    TRY_TYPES: tuple[type[ast.stmt], ...] = (ast.Try, ast.TryStar)
else:
    TRY_TYPES = (ast.Try,)
# Blocks whose statements still count as the top level of a module or class body.
TOP_BLOCKS: tuple[type[ast.stmt], ...] = (ast.If, *TRY_TYPES)


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def qualify(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _bound_values(target: ast.expr, value: ast.expr) -> Iterator[tuple[ast.Name, ast.expr]]:
    """The names ``target = value`` binds with the expression each gets, where that is known.

    ``a = v`` gives ``(a, v)``; ``a, b = x, y`` pairs element-wise; other unpacking gives nothing.
    """
    if isinstance(target, ast.Name):
        yield target, value
    elif (
        isinstance(target, (ast.Tuple, ast.List))
        and isinstance(value, (ast.Tuple, ast.List))
        and len(target.elts) == len(value.elts)
        and not any(isinstance(e, ast.Starred) for e in target.elts)
        and not any(isinstance(e, ast.Starred) for e in value.elts)
    ):
        for sub_target, sub_value in zip(target.elts, value.elts, strict=True):
            yield from _bound_values(sub_target, sub_value)


def assignments(stmt: ast.Assign | ast.AnnAssign) -> Iterator[tuple[ast.Name, ast.expr]]:
    """``(name, value)`` for each name an assignment binds to a known expression."""
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            yield from _bound_values(target, stmt.value)
    elif stmt.value is not None:
        yield from _bound_values(stmt.target, stmt.value)


def target_names(target: ast.expr) -> Iterator[str]:
    """Names a plain assignment target binds, through tuple/list unpacking and starred targets."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)


def child_blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in a compound statement (not function or class bodies)."""
    if isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        yield stmt.body
    elif isinstance(stmt, TRY_TYPES):
        yield stmt.body  # (TryStar has the same fields as Try)
        for handler in stmt.handlers:
            yield handler.body
        yield stmt.orelse
        yield stmt.finalbody
    elif isinstance(stmt, ast.Match):
        for case in stmt.cases:
            yield case.body
