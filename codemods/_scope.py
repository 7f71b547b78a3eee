"""Scope questions the import rewrite asks of libcst's scope analysis.

Where does a name looked up from one scope resolve, which scope does a ``global``/``nonlocal``
declaration refer to, and is a name bound in a scope only by imports of a given kind.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
from libcst.metadata import (
    BaseAssignment,
    ClassScope,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    Scope,
)

from codemods._names import dotted_name


def reaches(scope: Scope, name: str, target: Scope) -> bool:
    """True when looking ``name`` up from ``scope`` gets to ``target`` before finding a binding."""
    cur = scope
    first = True
    for _ in range(10_000):
        if cur is target:
            return first or not isinstance(cur, ClassScope)
        overwrites = getattr(cur, "_scope_overwrites", None)
        if isinstance(overwrites, dict) and name in overwrites:
            nxt = overwrites[name]
            cur = nxt if isinstance(nxt, Scope) else cur.globals
            first = False
            continue
        if (first or not isinstance(cur, ClassScope)) and name in cur.assignments:
            return False
        if isinstance(cur, GlobalScope):
            return False
        cur = cur.parent
        first = False
    return False


def declared_scope(scope: Scope, name: str, is_global: bool) -> Scope | None:
    """The scope a ``global``/``nonlocal`` declaration of ``name`` in ``scope`` refers to."""
    if is_global:
        return scope.globals
    cur = scope.parent
    while not isinstance(cur, GlobalScope):
        if not isinstance(cur, ClassScope) and name in cur.assignments:
            return cur
        cur = cur.parent
    return None


def in_function(scope: Scope) -> bool:
    """True when code in ``scope`` only runs once a function is called (not at import time)."""
    cur = scope
    while not isinstance(cur, GlobalScope):
        if isinstance(cur, FunctionScope):
            return True
        cur = cur.parent
    return False


class Declarations(cst.CSTVisitor):
    """``global``/``nonlocal`` names with the scope each refers to."""

    def __init__(self, scopes: Mapping[cst.CSTNode, Scope | None]) -> None:
        super().__init__()
        self.scopes = scopes
        self.found: list[tuple[cst.Name, Scope | None]] = []

    def visit_Global(self, node: cst.Global) -> None:
        scope = self.scopes.get(node)
        for item in node.names:
            self.found.append((item.name, scope.globals if scope is not None else None))

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        scope = self.scopes.get(node)
        for item in node.names:
            declared = declared_scope(scope, item.name.value, False) if scope is not None else None
            self.found.append((item.name, declared))


def import_assignments(scope: Scope, name: str, node: cst.CSTNode) -> list[ImportAssignment]:
    """The import assignments of ``name`` in ``scope`` made by the alias whose binding node is ``node``."""
    return [
        a for a in scope.assignments[name] if isinstance(a, ImportAssignment) and a.as_name is node
    ]


def _import_alias(assignment: BaseAssignment) -> cst.ImportAlias | None:
    """The alias of a plain ``import`` statement that made ``assignment`` (None: anything else)."""
    if not isinstance(assignment, ImportAssignment) or not isinstance(assignment.node, cst.Import):
        return None
    for alias in assignment.node.names:
        bound = alias.asname.name if alias.asname is not None else alias.name
        if bound is assignment.as_name:
            return alias
    return None


def bound_by_plain_imports(scope: Scope, root: str) -> bool:
    """True when every binding of ``root`` in ``scope`` is an ``import root...`` without ``as``."""
    for assignment in scope.assignments[root]:
        alias = _import_alias(assignment)
        if alias is None or alias.asname is not None:
            return False
    return True


def bound_to_module(scope: Scope, name: str, module: str) -> bool:
    """True when ``name`` is bound in ``scope`` and only by ``import <module> as <name>``."""
    assignments = list(scope.assignments[name])
    for assignment in assignments:
        alias = _import_alias(assignment)
        if alias is None or alias.asname is None or dotted_name(alias.name) != module:
            return False
    return bool(assignments)
