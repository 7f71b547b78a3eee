"""What the import rewrite works on: the targets of a spec, every import statement with where it sits
(``Site``), and the records the planner builds from them (bindings, module uses, requests)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Access, ImportAssignment, Scope

from codemods._names import dotted_name, from_module, small_statements
from codemods.spec import FileSpec, SymbolTarget

# ("from", module, name, local); ("import", module, "", "") or ("import", module, "", asname)
FromKey = tuple[str, str, str, str]


# ------------------------------------------------------------------------------------------ targets


@dataclass(frozen=True, slots=True)
class Targets:
    by_key: dict[str, SymbolTarget]  # "module:Name" (aliases and canonical) -> target
    by_module: dict[str, dict[str, SymbolTarget]]  # alias module -> {attribute: target}
    canonical_modules: dict[str, dict[str, SymbolTarget]]  # canonical module -> {name: target}

    @classmethod
    def build(cls, symbols: Iterable[SymbolTarget]) -> Targets:
        by_key: dict[str, SymbolTarget] = {}
        by_module: dict[str, dict[str, SymbolTarget]] = defaultdict(dict)
        canonical_modules: dict[str, dict[str, SymbolTarget]] = defaultdict(dict)
        for target in symbols:
            if "." in target.name:
                continue
            by_key.setdefault(target.canonical, target)
            canonical_modules[target.module].setdefault(target.name, target)
            for alias in sorted(target.aliases):
                module, _, attr = alias.partition(":")
                if not attr or "." in attr:
                    continue
                by_key.setdefault(alias, target)
                if module != target.module:
                    by_module[module].setdefault(attr, target)
        return cls(by_key, dict(by_module), dict(canonical_modules))

    def changes_any(self, module: cst.Module, spec: FileSpec) -> bool:
        """Cheap syntactic pre-check: is there an import this codemod could rewrite?"""
        for stmt in small_statements(module):
            if isinstance(stmt, (cst.Import, cst.ImportFrom)) and self._may_change(stmt, spec):
                return True
        return False

    def _may_change(self, node: cst.Import | cst.ImportFrom, spec: FileSpec) -> bool:
        if isinstance(node, cst.Import):
            return any(dotted_name(a.name) in self.by_module for a in node.names)
        module = from_module(node, spec.module, spec.is_package)
        if module is None:
            return False
        if isinstance(node.names, cst.ImportStar):
            return module in self.by_module
        relative = bool(node.relative)
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            submodule = f"{module}.{name}"
            if submodule in self.by_module or (relative and submodule in self.canonical_modules):
                return True
            target = self.by_key.get(f"{module}:{name}")
            if target is not None and (
                relative
                or module != target.module
                or name != target.name
                or alias.asname is not None
            ):
                return True
        return False

    def mentioned_in(self, code: str) -> bool:
        """Cheap pre-check: can ``code`` import any target at all?"""
        words = {key.split(":", 1)[0].rsplit(".", 1)[-1] for key in self.by_key}
        words.update(key.split(":", 1)[1] for key in self.by_key)
        return any(word in code for word in words)


# -------------------------------------------------------------------------------------------- sites


@dataclass(eq=False)
class Site:
    """One ``import``/``from ... import`` statement and where it sits."""

    stmt: cst.Import | cst.ImportFrom
    container: cst.CSTNode  # Module, IndentedBlock or SimpleStatementSuite
    pos: tuple[int, int]  # (line index in the container, small statement index)
    run: int  # statements in one run of adjacent import-only lines share this
    anchor: cst.CSTNode  # the node whose first line is the statement's line
    kept: bool
    module: str | None  # absolute module of a ``from`` import
    scope: Scope | None

    @property
    def aliases(self) -> Sequence[cst.ImportAlias]:
        names = self.stmt.names
        return () if isinstance(names, cst.ImportStar) else names

    @property
    def relative(self) -> bool:
        return isinstance(self.stmt, cst.ImportFrom) and bool(self.stmt.relative)

    @property
    def star(self) -> bool:
        return isinstance(self.stmt, cst.ImportFrom) and isinstance(self.stmt.names, cst.ImportStar)


class SiteCollector(cst.CSTVisitor):
    """Every ``import``/``from ... import`` statement of a module, in order, as ``Site``s."""

    def __init__(
        self,
        spec: FileSpec,
        scopes: Mapping[cst.CSTNode, Scope | None],
        is_kept: Callable[[cst.CSTNode], bool],
    ) -> None:
        super().__init__()
        self.spec = spec
        self.scopes = scopes
        self.is_kept = is_kept
        self.sites: list[Site] = []
        self._runs = 0

    def _next_run(self) -> int:
        self._runs += 1
        return self._runs

    def _add(
        self,
        stmt: cst.BaseSmallStatement,
        container: cst.CSTNode,
        pos: tuple[int, int],
        run: int,
        anchor: cst.CSTNode,
    ) -> None:
        if not isinstance(stmt, (cst.Import, cst.ImportFrom)):
            return
        module = (
            from_module(stmt, self.spec.module, self.spec.is_package)
            if isinstance(stmt, cst.ImportFrom)
            else None
        )
        self.sites.append(
            Site(
                stmt=stmt,
                container=container,
                pos=pos,
                run=run,
                anchor=anchor,
                kept=self.is_kept(anchor),
                module=module,
                scope=self.scopes.get(stmt),
            )
        )

    def _scan(self, container: cst.CSTNode, body: Sequence[cst.BaseStatement]) -> None:
        run: int | None = None
        for li, stmt in enumerate(body):
            if not isinstance(stmt, cst.SimpleStatementLine):
                run = None
                continue
            only_imports = all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)
            if only_imports:
                run = run if run is not None else self._next_run()
            else:
                run = None
            for si, small in enumerate(stmt.body):
                self._add(
                    small, container, (li, si), run if run is not None else self._next_run(), stmt
                )

    def visit_Module(self, node: cst.Module) -> None:
        self._scan(node, node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._scan(node, node.body)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        only_imports = all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body)
        shared = self._next_run()
        for si, small in enumerate(node.body):
            run = shared if only_imports else self._next_run()
            self._add(small, node, (0, si), run, small)


# ----------------------------------------------------------------------------------------- bindings


@dataclass(eq=False)
class Binding:
    """A name bound to a target symbol: one alias of a ``from`` import, or a name a star import gives."""

    site: Site
    index: int | None  # alias index in the statement; None for a star-import name
    target: SymbolTarget
    local: str
    accesses: list[Access]
    node: cst.CSTNode | None = None  # the alias's binding node (None for star names)
    new_local: str = ""

    @property
    def in_place(self) -> bool:
        return self.index is not None and self.site.module == self.target.module

    @property
    def changes(self) -> bool:
        if self.index is None or not self.in_place or self.site.relative:
            return True  # moved, a star name, or a relative import of the canonical module
        alias = self.site.aliases[self.index]
        return dotted_name(alias.name) != self.target.name or self.local != self.new_local


@dataclass(eq=False)
class ModuleUse:
    """An import binding a legacy module (``import shim``, ``import a.shim as s``, ``from a import shim``),
    or the canonical module written relatively (``from . import user_engine``, when ``canonical``)."""

    site: Site
    index: int
    module: str
    local: str
    assignments: list[ImportAssignment]
    prefix_assignments: list[ImportAssignment]
    canonical: bool = False


@dataclass(eq=False)
class Request:
    """A binding that must exist at ``site`` after the rewrite."""

    site: Site
    scope: Scope
    key: FromKey
    index: int | None = None  # alias of ``site`` this request replaces
    in_place: bool = False
    # The bound name has no other binding in the scope: an equal import earlier in the same block
    # already provides it.
    clean: bool = False
