"""The import edits of the call rewrite, on top of libcst's ``RemoveImportsVisitor`` and
``AddImportsVisitor``.

``remove_imports`` runs ``RemoveImportsVisitor`` but keeps the blank lines and comments above a line
it empties (libcst drops the line with them): they go to the statement that now comes first in its
place. ``add_imports`` puts each new ``from module import name`` at its sorted place in a sorted
import block (``codemods._ordering``); merging into an existing import of the module, and files whose
imports are not sorted, are left to ``AddImportsVisitor`` (after the last import of the first block).
"""

from __future__ import annotations

from collections import defaultdict

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, ImportItem, RemoveImportsVisitor
from libcst.helpers import get_absolute_module_from_package_for_import

from codemods._names import dotted_expr
from codemods._ordering import bound_names, find_slot, import_info, insert_line
from codemods._statements import CarryRemovedLines, removed_line


class _RemoveImports(CarryRemovedLines, RemoveImportsVisitor):
    strip_module_opening = False  # ``add_imports`` strips what no import was added above

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if original_node.body and not updated_node.body:
            return removed_line(updated_node)
        return updated_node


def remove_imports(tree: cst.Module, context: CodemodContext) -> cst.Module:
    """Remove the imports queued on ``RemoveImportsVisitor`` that nothing uses any more."""
    if not context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        return tree
    tree = _RemoveImports(context).transform_module(tree)
    context.scratch.pop(RemoveImportsVisitor.CONTEXT_KEY, None)
    return tree


def _imported_modules(tree: cst.Module, package: str | None) -> set[str]:
    """Modules of the module-level ``from`` imports (where ``AddImportsVisitor`` may merge)."""
    found: set[str] = set()
    for stmt in tree.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom):
                module = get_absolute_module_from_package_for_import(package, small)
                if module is not None:
                    found.add(module)
    return found


def _new_line(module: str, names: list[tuple[str, str | None]]) -> cst.SimpleStatementLine:
    aliases = [
        cst.ImportAlias(
            name=cst.Name(name), asname=None if alias is None else cst.AsName(cst.Name(alias))
        )
        for name, alias in names
    ]
    return cst.SimpleStatementLine(body=[cst.ImportFrom(module=dotted_expr(module), names=aliases)])


def _strip_opening(tree: cst.Module) -> cst.Module:
    """Blank lines above a module's first statement (a parsed module keeps those in its header, so
    these were left by removed imports that no new import took the place of)."""
    if not tree.body:
        return tree
    first = tree.body[0]
    lines = list(getattr(first, "leading_lines", ()))
    blanks = 0
    while blanks < len(lines) and lines[blanks].comment is None:
        blanks += 1
    if not blanks:
        return tree
    return tree.with_changes(
        body=[first.with_changes(leading_lines=lines[blanks:]), *tree.body[1:]]
    )


def add_imports(tree: cst.Module, context: CodemodContext) -> cst.Module:
    """Add the imports queued on ``AddImportsVisitor``; sorted into a sorted import block."""
    items: list[ImportItem] = context.scratch.pop(AddImportsVisitor.CONTEXT_KEY, [])
    if not items:
        return _strip_opening(tree)
    package = context.full_package_name
    merging = _imported_modules(tree, package)
    by_module: dict[str, list[ImportItem]] = defaultdict(list)
    rest: list[ImportItem] = []
    for item in items:
        resolved = item.resolve_relative(package)
        if (
            resolved.obj_name is None
            or resolved.relative
            or resolved.module == "__future__"
            or resolved.module in merging
        ):
            rest.append(item)
        else:
            by_module[resolved.module].append(item)
    body: list[cst.BaseStatement] = list(tree.body)
    for module in sorted(by_module):
        found = {(i.obj_name or "", i.alias) for i in by_module[module]}
        names = sorted(found, key=lambda pair: (pair[0], pair[1] or ""))
        line = _new_line(module, names)
        stmt = line.body[0]
        assert isinstance(stmt, cst.ImportFrom)
        info = import_info(stmt)
        slot = find_slot(body, info, bound_names(stmt)) if info is not None else None
        if slot is None:
            rest.extend(by_module[module])
        else:
            body = insert_line(body, slot, line)
    if len(body) != len(tree.body):
        tree = tree.with_changes(body=body)
    if rest:
        context.scratch[AddImportsVisitor.CONTEXT_KEY] = rest
        tree = AddImportsVisitor(context).transform_module(tree)
        context.scratch.pop(AddImportsVisitor.CONTEXT_KEY, None)
    return _strip_opening(tree)
