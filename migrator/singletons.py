"""Singleton patterns in one parsed module (see ``find_singletons`` for the rules)."""

from __future__ import annotations

import ast

from migrator.detection import (
    FUNCTION_DEFS,
    TOP_BLOCKS,
    Detection,
    Detections,
    assignments,
    child_blocks,
    is_none,
    qualify,
    target_names,
)

__all__ = [
    "CACHED_FACTORY",
    "CLASS_INSTANCE",
    "DECORATOR",
    "MODULE_INSTANCE",
    "SINGLETON_KINDS",
    "find_singletons",
]

MODULE_INSTANCE = "module_instance"
DECORATOR = "decorator"
CLASS_INSTANCE = "class_instance"
CACHED_FACTORY = "cached_factory"
SINGLETON_KINDS = (MODULE_INSTANCE, DECORATOR, CLASS_INSTANCE, CACHED_FACTORY)

_CACHE_DECORATORS = frozenset({"lru_cache", "cache"})


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


def find_singletons(tree: ast.Module) -> tuple[Detection, ...]:
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
    findings = Detections()
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
        if isinstance(stmt, FUNCTION_DEFS):
            in_class = isinstance(scope, _Class)
            tracked = scope is None or in_class
            qual = qualify(scope.qual if scope is not None else "", stmt.name)
            if isinstance(scope, _Class) and stmt.name == "__new__":
                scope.has_new = True
            if tracked and stmt.name.startswith("get_"):
                _check_cached_factory(stmt, qual, in_class, findings)
            func = _Func(qual, stmt.lineno, tracked)
            if tracked:
                functions.append(func)
            stack.extend((child, func, False) for child in stmt.body)
        elif isinstance(stmt, ast.ClassDef):
            qual = qualify(scope.qual if scope is not None else "", stmt.name)
            for decorator in stmt.decorator_list:
                name = _decorator_name(decorator)
                if name is not None and "singleton" in name.lower():
                    findings.add(
                        stmt.lineno,
                        DECORATOR,
                        qual,
                        f"class `{qual}` is made a singleton by decorator `@{name}`.",
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
                        scope.assigned.update(target_names(target))
            elif top and is_none(stmt.value):
                for name_node, _ in assignments(stmt):
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
            child_top = top and isinstance(stmt, TOP_BLOCKS)
            for block in child_blocks(stmt):
                stack.extend((child, scope, child_top) for child in block)

    for func in functions:
        cached = sorted(func.globals & func.assigned & none_globals)
        if cached:
            names = ", ".join(f"`{name}`" for name in cached)
            plural = "s" if len(cached) > 1 else ""
            findings.add(
                func.line,
                MODULE_INSTANCE,
                func.qual,
                f"`{func.qual}` caches an instance in module global{plural} {names} "
                "(initialised to None at module level).",
            )
    for cls in classes:
        if cls.has_new and cls.instance_attr is not None:
            attr = cls.instance_attr[1]
            findings.add(
                cls.line,
                CLASS_INSTANCE,
                cls.qual,
                f"class `{cls.qual}` keeps its single instance in `{attr}` and overrides "
                "`__new__`.",
            )
    return findings.sorted()


def _check_cached_factory(
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
    qual: str,
    method: bool,
    findings: Detections,
) -> None:
    for decorator in fn.decorator_list:
        spelling = _cache_decorator(decorator)
        if spelling is not None:
            if _takes_no_arguments(fn, method):
                findings.add(
                    fn.lineno,
                    CACHED_FACTORY,
                    qual,
                    f"`{qual}` takes no arguments and is cached with `@{spelling}`, so every "
                    "call returns the same shared instance.",
                )
            return
