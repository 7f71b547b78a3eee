"""Names in import statements and expressions: dotted names, relative imports, ``__all__``, walking
small statements, and renames inside string annotations."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from codemods.names import resolve_relative


def dotted_expr(dotted: str) -> cst.Name | cst.Attribute:
    """``"a.b.c"`` as a ``Name``/``Attribute`` expression."""
    parts = dotted.split(".")
    expr: cst.Name | cst.Attribute = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def dotted_name(node: cst.CSTNode | None) -> str | None:
    """The dotted text of a ``Name``/``Attribute`` chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def from_module(node: cst.ImportFrom, module: str, is_package: bool) -> str | None:
    """The absolute module of ``from <node.module> import ...`` written in ``module``."""
    target = dotted_name(node.module) if node.module is not None else None
    if node.module is not None and target is None:
        return None
    level = len(node.relative)
    if level and not module:
        return None
    return resolve_relative(module, is_package, level, target)


def alias_local(alias: cst.ImportAlias) -> str:
    """The name an ``ImportAlias`` binds (``a`` for ``import a.b``)."""
    if alias.asname is not None:
        asname = alias.asname.name
        if isinstance(asname, cst.Name):
            return asname.value
    name = dotted_name(alias.name) or ""
    return name.split(".", 1)[0]


def alias_binding_node(alias: cst.ImportAlias) -> cst.CSTNode:
    """The node libcst's scope analysis uses as ``as_name`` of the alias's import assignment."""
    return alias.asname.name if alias.asname is not None else alias.name


def dunder_all(module: cst.Module) -> frozenset[str]:
    """The names a module-level ``__all__`` list literal names."""
    names: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            value: cst.BaseExpression | None = None
            if isinstance(small, cst.Assign):
                targets = [dotted_name(t.target) for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [dotted_name(small.target)]
            else:
                continue
            if "__all__" in targets:
                value = small.value
            if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
                for element in value.elements:
                    if isinstance(element.value, cst.SimpleString):
                        text = element.value.evaluated_value
                        if isinstance(text, str):
                            names.add(text)
    return frozenset(names)


def small_statements(node: cst.CSTNode) -> Iterator[cst.BaseSmallStatement]:
    """Every small statement under ``node``, walking statement bodies only (no expressions)."""
    if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        yield from node.body
        return
    if isinstance(node, (cst.Module, cst.IndentedBlock)):
        for stmt in node.body:
            yield from small_statements(stmt)
        return
    for attr in ("body", "orelse", "handlers", "finalbody", "cases"):
        child = getattr(node, attr, None)
        if isinstance(child, (list, tuple)):
            for item in child:
                if isinstance(item, cst.CSTNode):
                    yield from small_statements(item)
        elif isinstance(child, cst.CSTNode):
            yield from small_statements(child)


def annotation_rename(text: str, renames: dict[str, str]) -> str:
    """Rename whole names in the text of a string annotation."""
    for old, new in renames.items():
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?!\w)", new, text)
    return text
