"""Remove imports that a rewrite made unused, and only those.

``remove_newly_unused_imports(before, after, spec)`` compares two versions of one module: an imported
name that had usages in ``before`` and has none in ``after`` is removed from ``after``. Imports that
were already unused (availability probes in ``try``, re-exports, side-effect imports) stay, as do
module-level names other modules import (``spec.keep_local_names``, ``__all__``) and imports on a
``# migrator: keep`` line. This is not a generic unused-import remover.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from codemods._util import (
    KeptLines,
    StatementEdit,
    StatementEditor,
    alias_binding_node,
    alias_local,
    dotted_name,
    dunder_all,
    from_module,
)
from codemods.spec import FileSpec

# (scope path, bound name, where it comes from)
_Key = tuple[str, str, str]


def _scope_path(scope: Scope) -> str:
    parts: list[str] = []
    cur = scope
    while not isinstance(cur, GlobalScope):
        name = getattr(cur, "name", None)
        parts.append(f"{type(cur).__name__}:{name or ''}")
        cur = cur.parent
    return "/".join(reversed(parts))


class _Imports(cst.CSTVisitor):
    """Every import alias with its statement, scope and line."""

    def __init__(
        self, scopes: Mapping[cst.CSTNode, Scope | None], positions: Mapping[cst.CSTNode, object]
    ) -> None:
        super().__init__()
        self.scopes = scopes
        self.positions = positions
        self.found: list[tuple[cst.Import | cst.ImportFrom, int, cst.ImportAlias, Scope]] = []

    def _add(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for index, alias in enumerate(node.names):
            scope = self.scopes.get(alias)
            if scope is not None:
                self.found.append((node, index, alias, scope))

    def visit_Import(self, node: cst.Import) -> bool:
        self._add(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._add(node)
        return False


def _bindings(
    module: cst.Module, spec: FileSpec
) -> Iterator[tuple[_Key, bool, cst.Import | cst.ImportFrom, int, cst.ImportAlias, Scope]]:
    """(key, used, statement, alias index, alias, scope) for every import alias of ``module``."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    visitor = _Imports(scopes, wrapper.resolve(PositionProvider))
    wrapper.module.visit(visitor)
    for stmt, index, alias, scope in visitor.found:
        name = dotted_name(alias.name) or ""
        if isinstance(stmt, cst.ImportFrom):
            source = f"{from_module(stmt, spec.module, spec.is_package)}:{name}"
            names = [alias_local(alias)]
        elif alias.asname is not None:
            source, names = name, [alias_local(alias)]
        else:
            parts = name.split(".")
            source, names = name, [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
        node = alias_binding_node(alias)
        used = any(
            a.references
            for local in names
            for a in scope.assignments[local]
            if isinstance(a, ImportAssignment) and a.as_name is node
        )
        yield (_scope_path(scope), alias_local(alias), source), used, stmt, index, alias, scope


class _Names(cst.CSTVisitor):
    """How often each name is written, and the local names that imports bind (no metadata)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.imported: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.counts[node.value] += 1

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        self.imported.add(alias_local(node).split(".", 1)[0])


def _may_have_orphaned_an_import(before: cst.Module, after: cst.Module) -> bool:
    """Cheap pre-check: an import can only have become unused if a name it binds is written fewer
    times than before. Scope analysis (the expensive part) runs only when one is."""
    old, new = _Names(), _Names()
    before.visit(old)
    after.visit(new)
    return any(new.counts[name] < old.counts[name] for name in new.imported)


def remove_newly_unused_imports(
    before: cst.Module, after: cst.Module, spec: FileSpec
) -> tuple[cst.Module, int]:
    """Remove from ``after`` the imports that were used in ``before`` and are unused in ``after``.

    Returns the new module and the number of imported names removed.
    """
    if before is after:
        return after, 0
    if not _may_have_orphaned_an_import(before, after):
        return after, 0
    used_before = {key for key, used, *_ in _bindings(before, spec) if used}
    if not used_before:
        return after, 0
    wrapper = MetadataWrapper(after, unsafe_skip_copy=True)
    kept_visitor = KeptLines()
    wrapper.visit(kept_visitor)
    kept = kept_visitor.kept()
    positions = wrapper.resolve(PositionProvider)
    exported = spec.keep_local_names | dunder_all(after)
    edits: dict[int, StatementEdit] = {}
    removed = 0
    for key, used, stmt, index, _alias, scope in _bindings(wrapper.module, spec):
        if used or key not in used_before:
            continue
        if isinstance(stmt, cst.ImportFrom) and dotted_name(stmt.module) == "__future__":
            continue
        if isinstance(scope, GlobalScope) and key[1] in exported:
            continue
        rng = positions.get(stmt)
        if rng is not None and rng.start.line in kept:
            continue
        edits.setdefault(id(stmt), StatementEdit()).drop.add(index)
        removed += 1
    if not edits:
        return after, 0
    return wrapper.module.visit(StatementEditor(edits)), removed
