"""Per-file, config-independent detectors: singletons and shared mutable state.

Each detector takes a parsed module and returns its findings sorted by ``(line, kind, name)``. Each
walks the tree once. A byte prefilter per detector lets callers skip parsing files that cannot produce
a finding: a file whose bytes do not match the prefilter has no finding of that detector.

Names are qualified by their enclosing classes and functions (``Class.method``, ``Outer.Inner.attr``,
``make.Local``), like ``__qualname__`` without ``<locals>``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator, Set
from dataclasses import dataclass
from typing import cast

__all__ = [
    "CACHED_FACTORY",
    "CLASS_INSTANCE",
    "CLASS_MUTABLE",
    "DECORATOR",
    "MODULE_INSTANCE",
    "MODULE_MUTABLE",
    "SHARED_STATE_KINDS",
    "SHARED_STATE_PREFILTER",
    "SINGLETON_KINDS",
    "SINGLETON_PREFILTER",
    "Finding",
    "find_shared_state",
    "find_singletons",
]

MODULE_INSTANCE = "module_instance"
DECORATOR = "decorator"
CLASS_INSTANCE = "class_instance"
CACHED_FACTORY = "cached_factory"
SINGLETON_KINDS = (MODULE_INSTANCE, DECORATOR, CLASS_INSTANCE, CACHED_FACTORY)

CLASS_MUTABLE = "class_mutable"
MODULE_MUTABLE = "module_mutable"
SHARED_STATE_KINDS = (CLASS_MUTABLE, MODULE_MUTABLE)


@dataclass(frozen=True, slots=True)
class Finding:
    """One detector hit: where, which rule, which name, and a sentence for reports."""

    line: int
    kind: str
    name: str
    detail: str


# --------------------------------------------------------------------------------------------------
# Byte prefilters
#
# Python NFKC-normalises identifiers, so `cache` or `list` spelled in fullwidth or mathematical
# letters in the source is the name `cache` or `list` in the tree; keywords (`global`, `None`) must
# be ASCII. To keep the prefilters a true superset, each also matches the UTF-8 encoding of any
# character that may appear in an identifier and whose NFKC form contains an ASCII character
# (fullwidth forms, mathematical letters, ligatures, modifier letters, ...). These are rare in real
# code. The test suite checks this list against `unicodedata`.
_NFKC_ASCII = (
    rb"\xc2[\xaa\xba]|\xc4[\xb2\xb3\xbf]|\xc5[\x80\x89\xbf]|\xc7[\x84-\x8c\xb1-\xb3]"
    rb"|\xca[\xb0-\xb8]|\xcb[\xa0-\xa4]"
    rb"|\xe1\xb4[\xac-\xbf]|\xe1\xb5[\x80-\xaa]|\xe1\xb6[\x9b-\xbf]|\xe1\xba\x9a"
    rb"|\xe2\x81[\xb1\xbf]|\xe2\x82[\x90-\x9c]"
    rb"|\xe2\x84[\x82\x8a-\x8e\x90-\x93\x95\x99-\x9d\xa4\xa8\xaa\xac\xad\xaf-\xb1\xb3\xb4\xb9]"
    rb"|\xe2\x85[\x85-\x89\xa0-\xbf]|\xe2\xb1[\xbc\xbd]|\xea\x9f[\xb0-\xbf]"
    rb"|\xef\xac[\x80-\x86]|\xef\xb8[\xb3\xb4]|\xef\xb9[\x8d-\x8f]"
    rb"|\xef\xbc[\x90-\x99\xa1-\xba\xbf]|\xef\xbd[\x81-\x9a]"
    rb"|\xf0\x90\x9e[\x80-\xba]|\xf0\x9c\xb3[\x96-\xb9]|\xf0\x9d[\x90-\x9f]|\xf0\x9f\xaf[\xb0-\xb9]"
)
# Between tokens: whitespace, a line continuation, a comment (only valid inside brackets, harmless
# elsewhere). The comment must run to the end of its line, so there is nothing to backtrack into.
_GAP = rb"\s|\\|#[^\r\n]*[\r\n]"
_OPEN = rb"(?:" + _GAP + rb"|\()*"  # ... and opening parentheses, before an expression
_CLOSE = rb"(?:" + _GAP + rb"|\))*"  # ... and closing parentheses, after one
_IDENT = rb"[\w\x80-\xff]+"
_DOTTED = rb"(?:" + _IDENT + _CLOSE + rb"\." + _OPEN + rb")*"  # `a.b.`, `(a).b.` before a name

# A `global` statement: the keyword at the start of a statement (after indentation, `;` or `:`), then
# a comma-separated list of names up to the end of the statement. Prose such as "the global state"
# in comments and docstrings does not match.
_SEP = rb"(?:[ \t\f]|\\(?:\r\n?|\n))"  # blanks and line continuations inside a statement
_GLOBAL_STMT = (
    rb"global(?<![^\s;:]global)"
    + _SEP
    + rb"+"
    + _IDENT
    + rb"(?:"
    + _SEP
    + rb"*,"
    + _SEP
    + rb"*"
    + _IDENT
    + rb")*"
    + _SEP
    + rb"*(?:[\r\n;#]|\Z)"
)

# Every alternative starts with a literal byte so `re` can skip ahead quickly; this is several times
# faster than the equivalent `\bglobal` / `(?i:singleton)` spelling.
SINGLETON_PREFILTER: re.Pattern[bytes] = re.compile(
    _GLOBAL_STMT  # module_instance
    + rb"|s(?i:ingleton)|S(?i:ingleton)"  # decorator (the name contains "singleton", any case)
    + rb"|__new__"  # class_instance
    + rb"|@"  # cached_factory: `@cache`, `@functools.lru_cache(...)`, ...
    + _OPEN
    + _DOTTED
    + rb"(?:lru_)?cache\b"
    + rb"|"
    + _NFKC_ASCII
)

_CTORS = rb"(?:list|dict|set|defaultdict|OrderedDict|Counter|deque|bytearray)"
SHARED_STATE_PREFILTER: re.Pattern[bytes] = re.compile(
    # `=` of an assignment (not `==`, `!=`, `<=`, `+=`, `:=`, ...), then a list/dict/set display or
    # comprehension, or a call of a container constructor (possibly dotted, parenthesised, spread
    # over continuation lines).
    rb"=(?<![=!<>+\-*/%&|^@:]=)"
    + _OPEN
    + rb"(?:[\[{]|"
    + _DOTTED
    + _CTORS
    + _CLOSE
    + rb"\()"
    + rb"|"
    + _NFKC_ASCII
)


# --------------------------------------------------------------------------------------------------
# Shared helpers

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
_CACHE_DECORATORS = frozenset({"lru_cache", "cache"})
_FUNCTION_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

if sys.version_info >= (3, 11):
    _TRY_TYPES: tuple[type[ast.stmt], ...] = (ast.Try, ast.TryStar)
else:
    _TRY_TYPES = (ast.Try,)
# Blocks whose statements still count as the top level of a module or class body.
_TOP_BLOCKS: tuple[type[ast.stmt], ...] = (ast.If, *_TRY_TYPES)


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _qualify(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


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


def _assignments(stmt: ast.Assign | ast.AnnAssign) -> Iterator[tuple[ast.Name, ast.expr]]:
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            yield from _bound_values(target, stmt.value)
    elif stmt.value is not None:
        yield from _bound_values(stmt.target, stmt.value)


def _target_names(target: ast.expr) -> Iterator[str]:
    """Names a plain assignment target binds, through tuple/list unpacking and starred targets."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _child_blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists nested in a compound statement (not function or class bodies)."""
    if isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        yield stmt.body
    elif isinstance(stmt, _TRY_TYPES):
        yield stmt.body  # (TryStar has the same fields as Try)
        for handler in stmt.handlers:
            yield handler.body
        yield stmt.orelse
        yield stmt.finalbody
    elif isinstance(stmt, ast.Match):
        for case in stmt.cases:
            yield case.body


def _sorted(findings: dict[tuple[int, str, str], Finding]) -> tuple[Finding, ...]:
    return tuple(findings[key] for key in sorted(findings))


def _add(findings: dict[tuple[int, str, str], Finding], finding: Finding) -> None:
    findings.setdefault((finding.line, finding.kind, finding.name), finding)


# --------------------------------------------------------------------------------------------------
# Singletons


class _Func:
    """A function scope, as far as `module_instance` needs it."""

    __slots__ = ("assigned", "globals", "line", "qual", "tracked")

    def __init__(self, qual: str, line: int, tracked: bool) -> None:
        self.qual = qual
        self.line = line
        self.tracked = tracked  # module-level function or method: its globals matter
        self.globals: set[str] = set()
        self.assigned: set[str] = set()


class _Class:
    """A class body, as far as `class_instance` needs it."""

    __slots__ = ("has_new", "instance_attr", "line", "qual")

    def __init__(self, qual: str, line: int) -> None:
        self.qual = qual
        self.line = line
        self.instance_attr: tuple[int, str] | None = None  # first `*instance* = None`
        self.has_new = False


def _decorator_name(node: ast.expr) -> str | None:
    """``@name``, ``@a.b.name``, ``@name(...)`` (through any number of calls) -> ``name``."""
    while isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _cache_decorator(node: ast.expr) -> str | None:
    """The source spelling of a functools cache decorator (bare or called), or None."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Name) and func.id in _CACHE_DECORATORS:
        return func.id
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _CACHE_DECORATORS
        and isinstance(func.value, ast.Name)
        and func.value.id == "functools"
    ):
        return f"functools.{func.attr}"
    return None


def _is_staticmethod(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(_decorator_name(d) == "staticmethod" for d in fn.decorator_list)


def _takes_no_arguments(fn: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> bool:
    args = fn.args
    if args.vararg is not None or args.kwarg is not None or args.kwonlyargs:
        return False
    positional = len(args.posonlyargs) + len(args.args)
    if method and not _is_staticmethod(fn):
        positional -= 1  # self / cls
    return positional <= 0


def find_singletons(tree: ast.Module) -> tuple[Finding, ...]:
    """Singleton patterns in one module.

    - ``module_instance``: a module-level function or method that declares ``global X`` and assigns
      ``X`` (plainly or augmented, anywhere in its own body), where ``X`` is assigned None at module
      level (top level or inside module-level ``if``/``try``). One finding per function.
    - ``decorator``: a class with a decorator whose name (``@x``, ``@a.x``, ``@x(...)``) contains
      "singleton" in any case.
    - ``class_instance``: a class whose body assigns None to an attribute whose name contains
      "instance" in any case, and defines ``__new__``.
    - ``cached_factory``: a module-level function or method named ``get_*`` taking no arguments
      (besides ``self``/``cls``), decorated with ``cache``/``lru_cache`` or ``functools.`` ones.

    Lines are those of the ``def``/``class`` keyword.
    """
    findings: dict[tuple[int, str, str], Finding] = {}
    none_globals: set[str] = set()  # module-level names assigned None
    functions: list[_Func] = []
    classes: list[_Class] = []

    # One walk over statements only: everything these rules look at is a statement or a decorator.
    # Scope None is the module; `top` is true for statements of a module or class body, directly or
    # inside `if`/`try` blocks there.
    stack: list[tuple[ast.stmt, _Func | _Class | None, bool]] = [
        (stmt, None, True) for stmt in tree.body
    ]
    while stack:
        stmt, scope, top = stack.pop()
        if isinstance(stmt, _FUNCTION_DEFS):
            in_class = isinstance(scope, _Class)
            tracked = scope is None or in_class
            qual = _qualify(scope.qual if scope is not None else "", stmt.name)
            if isinstance(scope, _Class) and stmt.name == "__new__":
                scope.has_new = True
            if tracked and stmt.name.startswith("get_"):
                _check_cached_factory(stmt, qual, in_class, findings)
            func = _Func(qual, stmt.lineno, tracked)
            if tracked:
                functions.append(func)
            stack.extend((child, func, False) for child in stmt.body)
        elif isinstance(stmt, ast.ClassDef):
            qual = _qualify(scope.qual if scope is not None else "", stmt.name)
            for decorator in stmt.decorator_list:
                name = _decorator_name(decorator)
                if name is not None and "singleton" in name.lower():
                    _add(
                        findings,
                        Finding(
                            stmt.lineno,
                            DECORATOR,
                            qual,
                            f"class `{qual}` is made a singleton by decorator `@{name}`.",
                        ),
                    )
                    break
            cls = _Class(qual, stmt.lineno)
            classes.append(cls)
            stack.extend((child, cls, True) for child in stmt.body)
        elif isinstance(stmt, ast.Global):
            if isinstance(scope, _Func):
                scope.globals.update(stmt.names)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            if isinstance(scope, _Func):
                if isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        scope.assigned.update(_target_names(target))
            elif top and _is_none(stmt.value):
                for name_node, _ in _assignments(stmt):
                    name = name_node.id
                    if scope is None:
                        none_globals.add(name)
                    elif "instance" in name.lower() and (
                        scope.instance_attr is None or stmt.lineno < scope.instance_attr[0]
                    ):
                        scope.instance_attr = (stmt.lineno, name)
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(scope, _Func) and isinstance(stmt.target, ast.Name):
                scope.assigned.add(stmt.target.id)
        else:
            child_top = top and isinstance(stmt, _TOP_BLOCKS)
            for block in _child_blocks(stmt):
                stack.extend((child, scope, child_top) for child in block)

    for func in functions:
        cached = sorted(func.globals & func.assigned & none_globals)
        if cached:
            names = ", ".join(f"`{name}`" for name in cached)
            plural = "s" if len(cached) > 1 else ""
            _add(
                findings,
                Finding(
                    func.line,
                    MODULE_INSTANCE,
                    func.qual,
                    f"`{func.qual}` caches an instance in module global{plural} {names} "
                    "(initialised to None at module level).",
                ),
            )
    for cls in classes:
        if cls.has_new and cls.instance_attr is not None:
            attr = cls.instance_attr[1]
            _add(
                findings,
                Finding(
                    cls.line,
                    CLASS_INSTANCE,
                    cls.qual,
                    f"class `{cls.qual}` keeps its single instance in `{attr}` and overrides "
                    "`__new__`.",
                ),
            )
    return _sorted(findings)


def _check_cached_factory(
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
    qual: str,
    method: bool,
    findings: dict[tuple[int, str, str], Finding],
) -> None:
    for decorator in fn.decorator_list:
        spelling = _cache_decorator(decorator)
        if spelling is not None:
            if _takes_no_arguments(fn, method):
                _add(
                    findings,
                    Finding(
                        fn.lineno,
                        CACHED_FACTORY,
                        qual,
                        f"`{qual}` takes no arguments and is cached with `@{spelling}`, so every "
                        "call returns the same shared instance.",
                    ),
                )
            return


# --------------------------------------------------------------------------------------------------
# Shared state

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
        if isinstance(stmt, _TOP_BLOCKS):
            for block in reversed(list(_child_blocks(stmt))):
                stack.extend(reversed(block))


def _containers(body: list[ast.stmt]) -> Iterator[tuple[int, str, str]]:
    """``(line, name, container kind)`` for each non-dunder name a module or class body binds to a
    mutable container, in source order."""
    for stmt in _top_statements(body):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            for target, value in _assignments(stmt):
                if not _is_dunder(target.id):
                    kind = _container_kind(value)
                    if kind is not None:
                        yield stmt.lineno, target.id, kind


def _check_class(
    node: ast.ClassDef, qual: str, findings: dict[tuple[int, str, str], Finding]
) -> None:
    for line, name, kind in _containers(node.body):
        attr = _qualify(qual, name)
        _add(
            findings,
            Finding(
                line,
                CLASS_MUTABLE,
                attr,
                f"class attribute `{attr}` is a mutable {kind} shared by every instance and "
                "subclass.",
            ),
        )


def find_shared_state(tree: ast.Module) -> tuple[Finding, ...]:
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
    findings: dict[tuple[int, str, str], Finding] = {}
    containers: dict[str, tuple[int, str]] = {}  # module-level name -> (first line, container kind)
    for line, name, kind in _containers(tree.body):
        containers.setdefault(name, (line, kind))
    if not containers:
        _walk_classes(tree, findings)  # only class bodies can hold findings: statements suffice
        return _sorted(findings)

    mutated = _walk_mutations(tree, containers.keys(), findings)
    for name, (line, kind) in containers.items():
        mutation = mutated.get(name)
        if mutation is not None:
            mutation_line, where = mutation
            _add(
                findings,
                Finding(
                    line,
                    MODULE_MUTABLE,
                    name,
                    f"module-level {kind} `{name}` is mutated by functions (first at line "
                    f"{mutation_line}, in `{where}`).",
                ),
            )
    return _sorted(findings)


def _walk_classes(tree: ast.Module, findings: dict[tuple[int, str, str], Finding]) -> None:
    """Report `class_mutable` findings, walking statements only."""
    stack: list[tuple[ast.stmt, str]] = [(stmt, "") for stmt in tree.body]
    while stack:
        stmt, prefix = stack.pop()
        if isinstance(stmt, ast.ClassDef):
            qual = _qualify(prefix, stmt.name)
            _check_class(stmt, qual, findings)
            stack.extend((child, qual) for child in stmt.body)
        elif isinstance(stmt, _FUNCTION_DEFS):
            qual = _qualify(prefix, stmt.name)
            stack.extend((child, qual) for child in stmt.body)
        else:
            for block in _child_blocks(stmt):
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
    findings: dict[tuple[int, str, str], Finding],
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
            elif isinstance(node, _FUNCTION_DEFS):
                if node.name in names:
                    scope.bind(node.name, node.lineno)
                _push_signature(stack, node.args, node.returns, node.decorator_list)
                inner = _Scope(
                    _FUNCTION, scope.lookup_parent(), _qualify(scope.qual, node.name), True
                )
                _bind_arguments(inner, node.args, names, node.lineno)
                work.append((inner, list(node.body)))
            elif isinstance(node, ast.Lambda):
                _push_signature(stack, node.args, None, [])
                inner = _Scope(
                    _FUNCTION, scope.lookup_parent(), _qualify(scope.qual, "<lambda>"), True
                )
                _bind_arguments(inner, node.args, names, node.lineno)
                work.append((inner, [node.body]))
            elif isinstance(node, ast.ClassDef):
                if node.name in names:
                    scope.bind(node.name, node.lineno)
                qual = _qualify(scope.qual, node.name)
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
