"""Per-file static analysis with CPython's ``ast``: what a module binds, imports, calls and names.

``analyze_source`` is a pure function of (file bytes, module name): its result, a frozen and picklable
``ModuleInfo``, is what worker processes send back and what the cache stores. Nothing here knows the
configuration; resolution across modules happens in ``index.py``.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import sys
import warnings
from typing import Literal, cast

from codemods.names import is_dotted, resolve_relative
from codemods.sources import DecodeError, decode_source
from migrator import prefilter
from migrator.moduleinfo import (
    AttrUse,
    Binding,
    BindingKind,
    CallSite,
    ClassInfo,
    FunctionInfo,
    ImportedName,
    ImportStmt,
    ModuleInfo,
    Scope,
    StringRef,
)
from migrator.shared_state import find_shared_state
from migrator.singletons import find_singletons

KEEP_RE = re.compile(r"#\s*migrator:\s*keep\b")
SKIP_FILE_RE = re.compile(rb"#\s*migrator:\s*skip-file\b")
SKIP_FILE_LINES = 10


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _is_type_checking(test: ast.expr) -> bool:
    name = dotted_name(test)
    return name is not None and name.rsplit(".", 1)[-1] == "TYPE_CHECKING"


def _static_strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)):
        out = []
        for elt in node.elts:
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                out.append(elt.value)
            else:
                return None
        return out
    return None


def _mark_docstring(body: list[ast.stmt], docstrings: set[int]) -> None:
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        docstrings.add(id(first.value))


# `try/except*` (3.11+) is its own node type with the same fields as `try/except`.
_TRY_TYPES: tuple[type[ast.stmt], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))


class _Collector(ast.NodeVisitor):
    """One walk over the tree collecting imports, attribute uses, calls, strings and names."""

    def __init__(self, module: str, is_package: bool, lines: list[str]) -> None:
        self.module = module
        self.is_package = is_package
        self.lines = lines
        self.imports: list[ImportStmt] = []
        self.import_locals: set[str] = set()
        self.attr_chains: list[tuple[str, str, int]] = []
        self.name_loads: set[str] = set()
        self.strings: list[StringRef] = []
        self.calls: list[CallSite] = []
        self.scope: list[Scope] = ["module"]
        self.type_checking = 0
        self.in_try = 0
        self.docstrings: set[int] = set()
        # Dotted names mentioned inside each module-level class or function (delegation, helpers).
        self.mentions: dict[int, set[str]] = {}
        self._owner: set[str] | None = None
        self.string_context: dict[int, Literal["patch", "import_module"]] = {}
        self.awaited: set[int] = set()

    # -- imports -------------------------------------------------------------------------------
    def _keep(self, node: ast.stmt) -> bool:
        end = getattr(node, "end_lineno", None) or node.lineno
        return any(
            KEEP_RE.search(self.lines[i - 1])
            for i in range(node.lineno, end + 1)
            if i <= len(self.lines)
        )

    def _record(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            names = tuple(ImportedName(a.name, a.asname) for a in node.names)
            stmt = ImportStmt(
                line=node.lineno,
                end_line=node.end_lineno or node.lineno,
                kind="import",
                raw_module="",
                level=0,
                module=None,
                names=names,
                scope=self.scope[-1],
                type_checking=self.type_checking > 0,
                in_try=self.in_try > 0,
                keep=self._keep(node),
            )
        else:
            raw = node.module or ""
            stmt = ImportStmt(
                line=node.lineno,
                end_line=node.end_lineno or node.lineno,
                kind="from",
                raw_module=raw,
                level=node.level,
                module=resolve_relative(self.module, self.is_package, node.level, raw or None),
                names=tuple(ImportedName(a.name, a.asname) for a in node.names),
                scope=self.scope[-1],
                type_checking=self.type_checking > 0,
                in_try=self.in_try > 0,
                keep=self._keep(node),
            )
        self.imports.append(stmt)
        for n in stmt.names:
            if n.name != "*":
                self.import_locals.add(n.local)

    def visit_Import(self, node: ast.Import) -> None:
        self._record(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._record(node)

    # -- scopes --------------------------------------------------------------------------------
    def _scoped(self, node: ast.AST, kind: Scope) -> None:
        self.scope.append(kind)
        self.generic_visit(node)
        self.scope.pop()

    def _own(self, node: ast.AST) -> set[str] | None:
        """Start collecting mentions for a module-level class or function; return the outer owner."""
        outer = self._owner
        if self.scope[-1] == "module" and len(self.scope) == 1:
            self._owner = self.mentions.setdefault(id(node), set())
        return outer

    def visit_Module(self, node: ast.Module) -> None:
        _mark_docstring(node.body, self.docstrings)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        _mark_docstring(node.body, self.docstrings)
        outer = self._own(node)
        self._visit_function(node)
        self._owner = outer

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for d in node.decorator_list:
            self.visit(d)
        for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]:
            self.visit(default)
        self.scope.append("function")
        self.visit(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        for stmt in node.body:
            self.visit(stmt)
        self.scope.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        _mark_docstring(node.body, self.docstrings)
        outer = self._own(node)
        self._visit_function(node)
        self._owner = outer

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._scoped(node, "function")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        _mark_docstring(node.body, self.docstrings)
        for d in node.decorator_list:
            self.visit(d)
        for b in node.bases:
            self.visit(b)
        for k in node.keywords:
            self.visit(k)
        outer = self._own(node)
        self.scope.append("class")
        for stmt in node.body:
            self.visit(stmt)
        self.scope.pop()
        self._owner = outer

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self.visit(node.test)
            self.type_checking += 1
            for stmt in node.body:
                self.visit(stmt)
            self.type_checking -= 1
            for stmt in node.orelse:
                self.visit(stmt)
        else:
            self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        self.in_try += 1
        self.generic_visit(node)
        self.in_try -= 1

    visit_TryStar = visit_Try  # `try/except*` (3.11+)

    # -- uses ----------------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.name_loads.add(node.id)
            if self._owner is not None:
                self._owner.add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = dotted_name(node)
        if chain is not None and isinstance(node.ctx, ast.Load):
            root, _, rest = chain.partition(".")
            self.attr_chains.append((root, rest, node.lineno))
            self.name_loads.add(root)
            if self._owner is not None:
                self._owner.add(chain)
                self._owner.add(root)
            return  # inner attributes are prefixes of this chain
        self.generic_visit(node)

    def visit_Await(self, node: ast.Await) -> None:
        if isinstance(node.value, ast.Call):
            self.awaited.add(id(node.value))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        callee = dotted_name(node.func)
        if callee is not None:
            end = node.end_lineno or node.lineno
            keep = any(
                0 < i <= len(self.lines) and KEEP_RE.search(self.lines[i - 1]) is not None
                for i in {node.lineno, end}
            )
            self.calls.append(CallSite(callee, node.lineno, id(node) in self.awaited, keep))
            parts = callee.split(".")
            if node.args and isinstance(node.args[0], ast.Constant):
                if "patch" in parts:
                    self.string_context[id(node.args[0])] = "patch"
                elif parts[-1] in ("import_module", "__import__", "find_spec"):
                    self.string_context[id(node.args[0])] = "import_module"
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if (
            isinstance(value, str)
            and "." in value
            and len(value) < 300
            and id(node) not in self.docstrings
            and is_dotted(value)
        ):
            self.strings.append(
                StringRef(value, node.lineno, self.string_context.get(id(node), "other"))
            )

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # Parts of f-strings are not string references; their expressions still count.
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                self.visit(v)


class _ModuleLevel:
    """The module's top-level statements: bindings, ``__all__``, the re-export-only flag, classes and
    functions. Statements nested in ``if``/``try``/``with``/loops at module level bind conditionally."""

    def __init__(self, module: str, is_package: bool, owned: dict[int, set[str]]) -> None:
        self.module = module
        self.is_package = is_package
        self.owned = owned  # mentions collected by the walk, by id() of the class/def node
        self.bindings: list[Binding] = []
        self.all_names: list[str] | None = None
        self.all_dynamic = False
        self.reexport_only = True
        self.classes: list[ClassInfo] = []
        self.functions: list[FunctionInfo] = []

    def collect(self, tree: ast.Module, has_star: bool) -> _ModuleLevel:
        self.walk(tree.body, False, False)
        if self.all_dynamic:
            self.all_names = None
        if not self.bindings and not has_star:
            self.reexport_only = False
        return self

    def bind(
        self, name: str, kind: BindingKind, target: str, line: int, cond: bool, tc: bool
    ) -> None:
        self.bindings.append(Binding(name, kind, target, line, cond, tc))

    def bind_targets(self, target: ast.expr, line: int, cond: bool, tc: bool) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, "other", "", line, cond, tc)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.bind_targets(elt, line, cond, tc)
        elif isinstance(target, ast.Starred):
            self.bind_targets(target.value, line, cond, tc)

    def mentions(self, node: ast.AST) -> frozenset[str]:
        return frozenset(self.owned.get(id(node), ()))

    def walk(self, body: list[ast.stmt], cond: bool, tc: bool) -> None:
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.Import):
                self.import_(stmt, cond, tc)
            elif isinstance(stmt, ast.ImportFrom):
                self.import_from(stmt, cond, tc)
            elif isinstance(stmt, ast.ClassDef):
                self.reexport_only = False
                self.bind(stmt.name, "class", "", stmt.lineno, cond, tc)
                methods = tuple(
                    s.name
                    for s in stmt.body
                    if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                )
                bases = tuple(b for b in (dotted_name(x) for x in stmt.bases) if b)
                self.classes.append(
                    ClassInfo(stmt.name, stmt.lineno, bases, self.mentions(stmt), methods)
                )
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.function(stmt, cond, tc)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                self.assign(stmt, i, cond, tc)
            elif isinstance(stmt, ast.AugAssign):
                if isinstance(stmt.target, ast.Name) and stmt.target.id == "__all__":
                    extra = _static_strings(stmt.value)
                    if extra is None or self.all_names is None:
                        self.all_dynamic = True
                    else:
                        self.all_names = [*self.all_names, *extra]
                    continue
                self.reexport_only = False
            elif isinstance(stmt, ast.If):
                if _is_type_checking(stmt.test):
                    self.walk(stmt.body, cond, True)
                    self.walk(stmt.orelse, True, tc)
                else:
                    self.walk(stmt.body, True, tc)
                    self.walk(stmt.orelse, True, tc)
            elif isinstance(stmt, _TRY_TYPES):
                self.try_(cast("ast.Try", stmt), cond, tc)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                self.reexport_only = False
                self.walk(stmt.body, cond, tc)
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                self.reexport_only = False
                if isinstance(stmt, (ast.For, ast.AsyncFor)):
                    self.bind_targets(stmt.target, stmt.lineno, True, tc)
                self.walk(stmt.body, True, tc)
                self.walk(stmt.orelse, True, tc)
            elif isinstance(stmt, ast.Expr):
                is_doc = i == 0 and isinstance(stmt.value, ast.Constant)
                is_warn = isinstance(stmt.value, ast.Call) and (
                    dotted_name(stmt.value.func) or ""
                ).endswith("warn")
                if not (is_doc or is_warn):
                    self.reexport_only = False
            elif isinstance(stmt, (ast.Pass, ast.Raise)):
                continue
            else:
                self.reexport_only = False

    def try_(self, stmt: ast.Try, cond: bool, tc: bool) -> None:
        self.walk(stmt.body, True, tc)
        for h in stmt.handlers:
            self.walk(h.body, True, tc)
        self.walk(stmt.orelse, True, tc)
        self.walk(stmt.finalbody, cond, tc)

    def import_(self, stmt: ast.Import, cond: bool, tc: bool) -> None:
        for a in stmt.names:
            if a.asname:
                self.bind(a.asname, "module", a.name, stmt.lineno, cond, tc)
            else:
                top = a.name.split(".", 1)[0]
                self.bind(top, "module", top, stmt.lineno, cond, tc)

    def import_from(self, stmt: ast.ImportFrom, cond: bool, tc: bool) -> None:
        src = resolve_relative(self.module, self.is_package, stmt.level, stmt.module)
        for a in stmt.names:
            if a.name == "*":
                continue
            local = a.asname or a.name
            if src is None:
                self.bind(local, "other", "", stmt.lineno, cond, tc)
            else:
                self.bind(local, "from", f"{src}:{a.name}", stmt.lineno, cond, tc)

    def function(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef, cond: bool, tc: bool) -> None:
        self.reexport_only = False
        self.bind(stmt.name, "def", "", stmt.lineno, cond, tc)
        sig = stmt.args
        self.functions.append(
            FunctionInfo(
                stmt.name,
                stmt.lineno,
                self.mentions(stmt),
                params=tuple(x.arg for x in [*sig.posonlyargs, *sig.args]),
                kwonly=tuple(x.arg for x in sig.kwonlyargs),
                varargs=sig.vararg is not None,
                varkw=sig.kwarg is not None,
            )
        )

    def assign(self, stmt: ast.Assign | ast.AnnAssign, i: int, cond: bool, tc: bool) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        is_all = any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
        if is_all and value is not None:
            names = _static_strings(value)
            if names is None:
                self.all_dynamic = True
            else:
                self.all_names = names
            return
        source = dotted_name(value) if value is not None else None
        names_only = [t for t in targets if isinstance(t, ast.Name)]
        if source is not None and len(names_only) == len(targets):
            for name in names_only:
                self.bind(name.id, "alias", source, stmt.lineno, cond, tc)
            return
        if not (i == 0 and isinstance(value, ast.Constant)):
            self.reexport_only = False
        for t in targets:
            self.bind_targets(t, stmt.lineno, cond, tc)


def _merge_conflict_line(text: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith("<<<<<<<"):
            return i
    return None


def _parse(text: str, path: str) -> tuple[ast.Module, Literal["ast", "libcst"]]:
    """Parse with ``ast``; for syntax newer than this Python (PEP 701 f-strings), fall back to libcst."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text, filename=path), "ast"
        except SyntaxError as exc:
            first_error = exc
        if sys.version_info >= (3, 12):
            raise first_error
        # libcst reads newer grammar; blank out f-strings (which cannot hold imports) and retry.
        try:
            import libcst as cst

            tree = cst.parse_module(text)
        except Exception:
            raise first_error from None

        class _Blank(cst.CSTTransformer):
            def leave_FormattedString(
                self, original_node: cst.FormattedString, updated_node: cst.FormattedString
            ) -> cst.BaseExpression:
                code = cst.Module(body=[]).code_for_node(original_node)
                return cst.SimpleString('"""' + "\n" * code.count("\n") + '"""')

        blanked = tree.visit(_Blank()).code
        try:
            return ast.parse(blanked, filename=path), "libcst"
        except SyntaxError:
            raise first_error from None


def analyze_source(data: bytes, path: str, module: str, is_package: bool) -> ModuleInfo:
    """Analyse one file; never raises for bad input (the error is in the result)."""
    base = ModuleInfo(path=path, module=module, is_package=is_package)
    head = b"\n".join(data.splitlines()[:SKIP_FILE_LINES])
    skip_file = bool(SKIP_FILE_RE.search(head))
    try:
        source = decode_source(data)
    except DecodeError as exc:
        return _replace(base, error=str(exc), error_line=exc.line, parser="")
    text = source.text
    try:
        tree, parser = _parse(text, path)
    except SyntaxError as exc:
        line = exc.lineno or 1
        conflict = _merge_conflict_line(text)
        message = exc.msg
        if conflict is not None:
            message = f"merge conflict marker (first at line {conflict}): {exc.msg}"
            line = conflict
        return _replace(base, error=message, error_line=line, skip_file=skip_file, parser="")
    except (ValueError, RecursionError, MemoryError) as exc:
        return _replace(base, error=f"cannot parse: {exc}", error_line=1, parser="")

    lines = text.splitlines()
    collector = _Collector(module, is_package, lines)
    collector.visit(tree)
    stars = tuple(i for i in collector.imports if i.is_star and i.scope == "module")
    top = _ModuleLevel(module, is_package, collector.mentions).collect(tree, bool(stars))
    attr_uses = tuple(
        AttrUse(root, rest, line)
        for root, rest, line in collector.attr_chains
        if root in collector.import_locals
    )
    # The same checks that decided whether the file is read at all (one prefilter per question).
    singletons = find_singletons(tree) if prefilter.may_have_singleton(data) else ()
    shared = find_shared_state(tree) if prefilter.may_have_shared_state(data) else ()
    return ModuleInfo(
        path=path,
        module=module,
        is_package=is_package,
        skip_file=skip_file,
        reexport_only=top.reexport_only,
        all_names=tuple(top.all_names) if top.all_names is not None else None,
        bindings=tuple(top.bindings),
        stars=stars,
        imports=tuple(collector.imports),
        attr_uses=attr_uses,
        name_loads=frozenset(collector.name_loads),
        strings=tuple(collector.strings),
        calls=tuple(collector.calls),
        classes=tuple(top.classes),
        functions=tuple(top.functions),
        singletons=tuple(singletons),
        shared_state=tuple(shared),
        parser=parser,
    )


def _replace(info: ModuleInfo, **changes: object) -> ModuleInfo:
    return dataclasses.replace(info, **changes)  # type: ignore[arg-type]


__all__ = ["KEEP_RE", "analyze_source", "dotted_name"]
