"""Shared mutable state in one parsed module (see ``find_shared_state`` for the rules)."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Set
from typing import cast

from migrator.detection import (
    FUNCTION_DEFS,
    TOP_BLOCKS,
    Detection,
    Detections,
    assignments,
    child_blocks,
    is_dunder,
    qualify,
)

__all__ = ["CLASS_MUTABLE", "MODULE_MUTABLE", "SHARED_STATE_KINDS", "find_shared_state"]

CLASS_MUTABLE = "class_mutable"
MODULE_MUTABLE = "module_mutable"
SHARED_STATE_KINDS = (CLASS_MUTABLE, MODULE_MUTABLE)

_CONTAINER_CALLS = frozenset(
    {"list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque", "bytearray"}
)
_MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "update",
        "setdefault",
        "pop",
        "popitem",
        "clear",
        "add",
        "remove",
        "discard",
        "appendleft",
        "extendleft",
        "sort",
        "reverse",
    }
)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _container_kind(node: ast.expr) -> str | None:
    """What mutable container ``node`` builds (``"list"``, ``"defaultdict"``, ...), or None."""
    if isinstance(node, ast.List):
        return "list"
    if isinstance(node, ast.Dict):
        return "dict"
    if isinstance(node, ast.Set):
        return "set"
    if isinstance(node, ast.ListComp):
        return "list"
    if isinstance(node, ast.DictComp):
        return "dict"
    if isinstance(node, ast.SetComp):
        return "set"
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in _CONTAINER_CALLS:
            return func.id
        if isinstance(func, ast.Attribute) and func.attr in _CONTAINER_CALLS:
            return func.attr
    return None


_MODULE, _FUNCTION, _CLASS, _COMPREHENSION = range(4)


class _Scope:
    """A name scope while walking: what it binds and which names it mutates but does not bind."""

    __slots__ = ("bound", "globals", "in_function", "kind", "nonlocals", "parent", "qual", "uses")

    def __init__(self, kind: int, parent: _Scope | None, qual: str, in_function: bool) -> None:
        self.kind = kind
        # Where names this scope does not bind are looked up: the nearest enclosing scope that is
        # not a class body (class scopes are skipped by nested functions and comprehensions).
        self.parent = parent
        self.qual = qual
        self.in_function = in_function  # code here runs when some function is called
        self.bound: dict[str, int] = {}  # name -> first binding line (only names of interest)
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.uses: list[tuple[str, int, str]] = []  # (name, line, where) mutations to resolve

    def bind(self, name: str, line: int) -> None:
        first = self.bound.get(name)
        if first is None or line < first:
            self.bound[name] = line

    def lookup_parent(self) -> _Scope:
        """The scope that free names of a scope nested in this one resolve in."""
        if self.kind == _CLASS and self.parent is not None:
            return self.parent
        return self


def _arguments(args: ast.arguments) -> Iterator[ast.arg]:
    yield from args.posonlyargs
    yield from args.args
    if args.vararg is not None:
        yield args.vararg
    yield from args.kwonlyargs
    if args.kwarg is not None:
        yield args.kwarg


def _top_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a module or class body, with those nested in its `if`/`try` blocks."""
    stack = body[::-1]
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, TOP_BLOCKS):
            for block in reversed(list(child_blocks(stmt))):
                stack.extend(reversed(block))


def _containers(body: list[ast.stmt]) -> Iterator[tuple[int, str, str]]:
    """``(line, name, container kind)`` for each non-dunder name a module or class body binds to a
    mutable container, in source order."""
    for stmt in _top_statements(body):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            for target, value in assignments(stmt):
                if not is_dunder(target.id):
                    kind = _container_kind(value)
                    if kind is not None:
                        yield stmt.lineno, target.id, kind


def _check_class(node: ast.ClassDef, qual: str, findings: Detections) -> None:
    for line, name, kind in _containers(node.body):
        attr = qualify(qual, name)
        findings.add(
            line,
            CLASS_MUTABLE,
            attr,
            f"class attribute `{attr}` is a mutable {kind} shared by every instance and subclass.",
        )


def find_shared_state(tree: ast.Module) -> tuple[Detection, ...]:
    """Shared mutable state in one module.

    A mutable container is a list/dict/set display or comprehension, or a call of ``list``,
    ``dict``, ``set``, ``defaultdict``, ``OrderedDict``, ``Counter``, ``deque`` or ``bytearray``
    (bare or as an attribute). Dunder names never count.

    - ``class_mutable``: a class body (top level or its ``if``/``try`` blocks, not methods) binds a
      name to a mutable container; one finding per name (``Class.attr``).
    - ``module_mutable``: a module-level name bound to a mutable container that code inside some
      function, method or lambda mutates: item assignment or deletion, a mutating method call
      (``append``, ``update``, ``add``, ...), or ``global name`` and a rebinding. Python's scope
      rules apply, so a parameter or local variable of the same name is not the module's.
      Reported at the first container binding.
    """
    findings = Detections()
    containers: dict[str, tuple[int, str]] = {}  # module-level name -> (first line, container kind)
    for line, name, kind in _containers(tree.body):
        containers.setdefault(name, (line, kind))
    if not containers:
        _walk_classes(tree, findings)  # only class bodies can hold findings: statements suffice
        return findings.sorted()

    mutated = _walk_mutations(tree, containers.keys(), findings)
    for name, (line, kind) in containers.items():
        mutation = mutated.get(name)
        if mutation is not None:
            mutation_line, where = mutation
            findings.add(
                line,
                MODULE_MUTABLE,
                name,
                f"module-level {kind} `{name}` is mutated by functions (first at line "
                f"{mutation_line}, in `{where}`).",
            )
    return findings.sorted()


def _walk_classes(tree: ast.Module, findings: Detections) -> None:
    """Report `class_mutable` findings, walking statements only."""
    stack: list[tuple[ast.stmt, str]] = [(stmt, "") for stmt in tree.body]
    while stack:
        stmt, prefix = stack.pop()
        if isinstance(stmt, ast.ClassDef):
            qual = qualify(prefix, stmt.name)
            _check_class(stmt, qual, findings)
            stack.extend((child, qual) for child in stmt.body)
        elif isinstance(stmt, FUNCTION_DEFS):
            qual = qualify(prefix, stmt.name)
            stack.extend((child, qual) for child in stmt.body)
        else:
            for block in child_blocks(stmt):
                stack.extend((child, prefix) for child in block)


# Fields that never hold a node worth visiting: contexts, operators, identifiers, flags. Nodes with
# special handling below (Name, Constant, Import, Global, function and class definitions, ...) are
# never expanded through this table.
_LEAF_FIELDS = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "id",
        "attr",
        "arg",
        "name",
        "names",
        "type_comment",
        "kind",
        "level",
        "module",
        "is_async",
        "conversion",
        "simple",
        "kwd_attrs",
        "rest",
        "tag",
    }
)
_child_fields_cache: dict[type[ast.AST], tuple[str, ...]] = {}


def _child_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    fields = _child_fields_cache.get(node_type)
    if fields is None:
        fields = tuple(field for field in node_type._fields if field not in _LEAF_FIELDS)
        _child_fields_cache[node_type] = fields
    return fields


def _walk_mutations(
    tree: ast.Module,
    names: Set[str],
    findings: Detections,
) -> dict[str, tuple[int, str]]:
    """One walk of the whole module: report `class_mutable` findings, and return, for each of
    ``names`` (module globals) that code inside some function mutates, the first such mutation as
    ``(line, function)``.

    Scopes are processed breadth-first, each with its own node stack; a scope's mutations of names
    it does not bind are resolved when all its bindings are known, from the innermost scope out.
    """
    mutated: dict[str, tuple[int, str]] = {}

    def record(name: str, line: int, where: str) -> None:
        first = mutated.get(name)
        if first is None or line < first[0]:
            mutated[name] = (line, where)

    module = _Scope(_MODULE, None, "", in_function=False)
    work: list[tuple[_Scope, list[ast.AST | None]]] = [(module, list(tree.body))]
    index = 0
    while index < len(work):
        scope, stack = work[index]
        index += 1
        in_function = scope.in_function
        uses = scope.uses
        while stack:
            node = stack.pop()
            if node is None:  # absent optional children (`Dict.keys`, `kw_defaults`, ...)
                continue
            if isinstance(node, ast.Name):
                if node.id in names and not isinstance(node.ctx, ast.Load):
                    scope.bind(node.id, node.lineno)
            elif isinstance(node, ast.Constant):
                pass
            elif isinstance(node, ast.Attribute):
                stack.append(node.value)
            elif isinstance(node, ast.Call):
                func = node.func
                if (
                    in_function
                    and isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id in names
                    and func.attr in _MUTATORS
                ):
                    uses.append((func.value.id, node.lineno, scope.qual))
                stack.append(func)
                stack.extend(node.args)
                stack.extend(node.keywords)
            elif isinstance(node, ast.Subscript):
                # `name[k] = v`, `name[k] += v`, `del name[k]`
                value = node.value
                if (
                    in_function
                    and isinstance(value, ast.Name)
                    and value.id in names
                    and not isinstance(node.ctx, ast.Load)
                ):
                    uses.append((value.id, node.lineno, scope.qual))
                stack.append(value)
                stack.append(node.slice)
            elif isinstance(node, FUNCTION_DEFS):
                if node.name in names:
                    scope.bind(node.name, node.lineno)
                _push_signature(stack, node.args, node.returns, node.decorator_list)
                inner = _Scope(
                    _FUNCTION, scope.lookup_parent(), qualify(scope.qual, node.name), True
                )
                _bind_arguments(inner, node.args, names, node.lineno)
                work.append((inner, list(node.body)))
            elif isinstance(node, ast.Lambda):
                _push_signature(stack, node.args, None, [])
                inner = _Scope(
                    _FUNCTION, scope.lookup_parent(), qualify(scope.qual, "<lambda>"), True
                )
                _bind_arguments(inner, node.args, names, node.lineno)
                work.append((inner, [node.body]))
            elif isinstance(node, ast.ClassDef):
                if node.name in names:
                    scope.bind(node.name, node.lineno)
                qual = qualify(scope.qual, node.name)
                _check_class(node, qual, findings)
                stack.extend(node.decorator_list)
                stack.extend(node.bases)
                stack.extend(node.keywords)
                body = _Scope(_CLASS, scope.lookup_parent(), qual, in_function)
                work.append((body, list(node.body)))
            elif isinstance(node, _COMPREHENSIONS):
                # The first iterable is evaluated outside; the rest runs in the comprehension's scope.
                generators = node.generators
                stack.append(generators[0].iter)
                comp = _Scope(_COMPREHENSION, scope.lookup_parent(), scope.qual, in_function)
                comp_nodes: list[ast.AST | None] = []
                for position, generator in enumerate(generators):
                    comp_nodes.append(generator.target)
                    if position:
                        comp_nodes.append(generator.iter)
                    comp_nodes.extend(generator.ifs)
                if isinstance(node, ast.DictComp):
                    comp_nodes.append(node.key)
                    comp_nodes.append(node.value)
                else:
                    comp_nodes.append(node.elt)
                work.append((comp, comp_nodes))
            elif isinstance(node, ast.NamedExpr):
                # `(name := v)` binds in the nearest enclosing scope that is not a comprehension.
                owner = scope
                while owner.kind == _COMPREHENSION and owner.parent is not None:
                    owner = owner.parent
                if node.target.id in names:
                    owner.bind(node.target.id, node.lineno)
                stack.append(node.value)
            elif isinstance(node, ast.Global):
                scope.globals.update(node.names)
            elif isinstance(node, ast.Nonlocal):
                scope.nonlocals.update(node.names)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".", 1)[0]
                    if bound in names:
                        scope.bind(bound, node.lineno)
            elif isinstance(node, ast.MatchSingleton):
                pass
            else:
                if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
                    if node.name is not None and node.name in names:
                        scope.bind(node.name, node.lineno)
                elif isinstance(node, ast.MatchMapping) and node.rest in names:
                    scope.bind(cast(str, node.rest), node.lineno)
                for field in _child_fields(type(node)):
                    child = getattr(node, field)
                    if type(child) is list:
                        stack.extend(child)
                    else:
                        stack.append(child)

    # Inner scopes were created after their parents: close them innermost first.
    for scope, _ in reversed(work):
        if scope.in_function:
            for name in scope.globals & scope.bound.keys():
                record(name, scope.bound[name], scope.qual)  # `global name` and a rebinding
        parent = scope.parent
        if parent is None:
            continue
        for use in scope.uses:
            name = use[0]
            if name in scope.globals:
                record(*use)
            elif name in scope.bound or name in scope.nonlocals:
                continue  # a local variable, or an enclosing function's
            elif parent.kind == _MODULE:
                record(*use)
            else:
                parent.uses.append(use)  # free here: resolved once the parent's bindings are known
    return mutated


def _bind_arguments(scope: _Scope, args: ast.arguments, names: Set[str], line: int) -> None:
    for arg in _arguments(args):
        if arg.arg in names:
            scope.bind(arg.arg, line)


def _push_signature(
    stack: list[ast.AST | None],
    args: ast.arguments,
    returns: ast.expr | None,
    decorators: list[ast.expr],
) -> None:
    """Decorators, defaults and annotations are evaluated in the scope around a definition."""
    stack.extend(decorators)
    stack.extend(args.defaults)
    stack.extend(args.kw_defaults)
    stack.extend(arg.annotation for arg in _arguments(args))
    stack.append(returns)
