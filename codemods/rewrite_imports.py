"""Rewrite imports of a symbol's legacy paths to its canonical module, in place.

``rewrite_imports(module, spec)`` is the library entry point; ``RewriteImportsCommand`` runs the same
transform from libcst's codemod CLI. The work is done in three steps over one parsed module:

1. collect every import statement with its block, run of adjacent imports, scope and opt-out state;
2. decide, scope by scope, which local names can take the canonical name (renaming their usages) and
   which attribute usages of legacy modules (``shim.Engine``) become bare names;
3. place the new imports where the old ones were (merging into an adjacent canonical import, never
   duplicating a binding), then apply everything in one transformer pass.
"""

from __future__ import annotations

import argparse
import builtins
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext
from libcst.metadata import (
    Access,
    ClassScope,
    ExpressionContext,
    ExpressionContextProvider,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from codemods._util import (
    KEEP_RE,
    KeptLines,
    NewImport,
    StatementEdit,
    StatementEditor,
    alias_binding_node,
    alias_local,
    annotation_rename,
    dotted_expr,
    dotted_name,
    dunder_all,
    from_module,
    small_statements,
)
from codemods.spec import FileSpec, Note, SymbolTarget
from migrator.names import Symbol

DESCRIPTION = "Rewrite imports of legacy paths of a symbol to its canonical module, in place."

_FromKey = tuple[str, str, str, str]  # ("from", module, name, local) or ("import", module, "", "")


# ------------------------------------------------------------------------------------------ targets


@dataclass(frozen=True, slots=True)
class _Targets:
    by_key: dict[str, SymbolTarget]  # "module:Name" (aliases and canonical) -> target
    by_module: dict[str, dict[str, SymbolTarget]]  # alias module -> {attribute: target}

    @classmethod
    def build(cls, symbols: Iterable[SymbolTarget]) -> _Targets:
        by_key: dict[str, SymbolTarget] = {}
        by_module: dict[str, dict[str, SymbolTarget]] = defaultdict(dict)
        for target in symbols:
            if "." in target.name:
                continue
            by_key.setdefault(target.canonical, target)
            for alias in sorted(target.aliases):
                module, _, attr = alias.partition(":")
                if not attr or "." in attr:
                    continue
                by_key.setdefault(alias, target)
                if module != target.module:
                    by_module[module].setdefault(attr, target)
        return cls(by_key, dict(by_module))

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
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if f"{module}.{name}" in self.by_module:
                return True
            target = self.by_key.get(f"{module}:{name}")
            if target is not None and (
                module != target.module or name != target.name or alias.asname is not None
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
class _Site:
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


class _SiteCollector(cst.CSTVisitor):
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
        self.sites: list[_Site] = []
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
            _Site(
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


# ------------------------------------------------------------------------------------ scope helpers


def _reaches(scope: Scope, name: str, target: Scope) -> bool:
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


def _declared_scope(scope: Scope, name: str, is_global: bool) -> Scope | None:
    """The scope a ``global``/``nonlocal`` declaration of ``name`` in ``scope`` refers to."""
    if is_global:
        return scope.globals
    cur = scope.parent
    while not isinstance(cur, GlobalScope):
        if not isinstance(cur, ClassScope) and name in cur.assignments:
            return cur
        cur = cur.parent
    return None


class _Declarations(cst.CSTVisitor):
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
            declared = _declared_scope(scope, item.name.value, False) if scope is not None else None
            self.found.append((item.name, declared))


# ----------------------------------------------------------------------------------------- bindings


@dataclass(eq=False)
class _Binding:
    """A name bound to a target symbol: one alias of a ``from`` import, or a name a star import gives."""

    site: _Site
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
        if self.index is None or not self.in_place:
            return True
        alias = self.site.aliases[self.index]
        return dotted_name(alias.name) != self.target.name or self.local != self.new_local


@dataclass(eq=False)
class _ModuleUse:
    """An import binding a legacy module (``import shim``, ``import a.shim as s``, ``from a import shim``)."""

    site: _Site
    index: int
    module: str
    local: str
    assignments: list[ImportAssignment]
    prefix_assignments: list[ImportAssignment]


@dataclass(eq=False)
class _Request:
    """A binding that must exist at ``site`` after the rewrite."""

    site: _Site
    scope: Scope
    key: _FromKey
    index: int | None = None  # alias of ``site`` this request replaces
    in_place: bool = False


# ------------------------------------------------------------------------------------------ planner


class _Planner:
    def __init__(
        self, wrapper: MetadataWrapper, spec: FileSpec, targets: _Targets, code: str
    ) -> None:
        self.spec = spec
        self.targets = targets
        self.wrapper = wrapper
        self.scopes = wrapper.resolve(ScopeProvider)
        self.contexts = wrapper.resolve(ExpressionContextProvider)
        kept_lines: frozenset[int] = frozenset()
        if KEEP_RE.search(code):
            kept = KeptLines()
            wrapper.visit(kept)
            kept_lines = kept.kept()
        collector = _SiteCollector(spec, self.scopes, lambda n: self._line(n) in kept_lines)
        wrapper.module.visit(collector)
        self.sites = collector.sites
        self.all_scopes = list({id(s): s for s in self.scopes.values() if s is not None}.values())
        self.module = wrapper.module
        self.dunder_all = dunder_all(wrapper.module)
        self.notes: list[Note] = []
        self.renames: dict[int, str] = {}
        self.annotation_renames: dict[int, dict[str, str]] = defaultdict(dict)
        self.replacements: dict[int, cst.BaseExpression] = {}
        self.edits: dict[int, StatementEdit] = {}
        self.imports = 0
        self._access_cache: dict[str, list[Access]] = {}
        self._claimed: dict[tuple[int, str], SymbolTarget] = {}
        self._requests: list[_Request] = []
        self._decls = self._declarations()

    # -------------------------------------------------------------- lookups

    def _line(self, node: cst.CSTNode) -> int:
        """The first line of ``node`` (positions are only computed when a line is needed)."""
        rng = self.wrapper.resolve(PositionProvider).get(node)
        return rng.start.line if rng is not None else 0

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.wrapper.resolve(ParentNodeProvider).get(node)

    def _accesses(self, name: str) -> list[Access]:
        if name not in self._access_cache:
            self._access_cache[name] = [a for s in self.all_scopes for a in s.accesses[name]]
        return self._access_cache[name]

    def _declarations(self) -> list[tuple[cst.Name, Scope | None]]:
        collector = _Declarations(self.scopes)
        self.module.visit(collector)
        return collector.found

    def _edit(self, site: _Site) -> StatementEdit:
        return self.edits.setdefault(id(site.stmt), StatementEdit())

    def _note(self, line: int, code: str, message: str) -> None:
        self.notes.append(Note(line=line, code=code, message=message))

    def _import_assignments(
        self, scope: Scope, name: str, node: cst.CSTNode
    ) -> list[ImportAssignment]:
        return [
            a
            for a in scope.assignments[name]
            if isinstance(a, ImportAssignment) and a.as_name is node
        ]

    # ------------------------------------------------------------- collect

    def collect(self) -> tuple[list[_Binding], list[_ModuleUse]]:
        bindings: list[_Binding] = []
        uses: list[_ModuleUse] = []
        star_names: dict[str, _Binding] = {}
        for site in self.sites:
            scope = site.scope
            if scope is None:
                continue
            found = False
            stmt = site.stmt
            if isinstance(stmt, cst.ImportFrom) and isinstance(stmt.names, cst.ImportStar):
                if site.module in self.targets.by_module and isinstance(scope, GlobalScope):
                    found = self._star_names(site, scope, star_names) or found
                if found and site.kept:
                    self._note(
                        self._line(site.anchor),
                        "kept",
                        "star import left as written (# migrator: keep)",
                    )
                continue
            for index, alias in enumerate(site.aliases):
                hit = self._collect_alias(site, scope, index, alias, bindings, uses)
                found = found or hit
            if found and site.kept:
                self._note(
                    self._line(site.anchor), "kept", "import left as written (# migrator: keep)"
                )
        bindings.extend(star_names.values())
        return bindings, uses

    def _collect_alias(
        self,
        site: _Site,
        scope: Scope,
        index: int,
        alias: cst.ImportAlias,
        bindings: list[_Binding],
        uses: list[_ModuleUse],
    ) -> bool:
        name = dotted_name(alias.name)
        if name is None:
            return False
        node = alias_binding_node(alias)
        if isinstance(site.stmt, cst.ImportFrom):
            if site.module is None:
                return False
            target = self.targets.by_key.get(f"{site.module}:{name}")
            local = alias_local(alias)
            if target is not None:
                if site.kept:
                    return True
                assignments = self._import_assignments(scope, local, node)
                accesses = list({id(a): a for g in assignments for a in g.references}.values())
                bindings.append(_Binding(site, index, target, local, accesses, node))
                return True
            module = f"{site.module}.{name}"
            if module not in self.targets.by_module:
                return False
            if not site.kept:
                uses.append(
                    _ModuleUse(
                        site, index, module, local, self._import_assignments(scope, local, node), []
                    )
                )
            return True
        if name not in self.targets.by_module:
            return False
        if site.kept:
            return True
        if alias.asname is not None:
            local = alias_local(alias)
            uses.append(
                _ModuleUse(
                    site, index, name, local, self._import_assignments(scope, local, node), []
                )
            )
            return True
        parts = name.split(".")
        prefixes = [".".join(parts[:i]) for i in range(1, len(parts))]
        uses.append(
            _ModuleUse(
                site,
                index,
                name,
                parts[0],
                self._import_assignments(scope, name, node),
                [a for p in prefixes for a in self._import_assignments(scope, p, node)],
            )
        )
        return True

    def _star_names(self, site: _Site, scope: Scope, found: dict[str, _Binding]) -> bool:
        any_used = False
        for name, target in sorted(self.targets.by_module[site.module or ""].items()):
            if name in scope.assignments or hasattr(builtins, name):
                continue
            accesses = [a for a in self._accesses(name) if _reaches(a.scope, name, scope)]
            if not accesses:
                continue
            any_used = True
            if not site.kept:
                found[name] = _Binding(site, None, target, name, accesses)
        return any_used

    # -------------------------------------------------------------- decide

    def _clean(self, scope: Scope, local: str, group: Sequence[_Binding]) -> bool:
        nodes = {id(b.node) for b in group if b.node is not None}
        return all(
            isinstance(a, ImportAssignment) and id(a.as_name) in nodes
            for a in scope.assignments[local]
        )

    def _name_free(
        self, scope: Scope, name: str, target: SymbolTarget, accesses: Iterable[Access]
    ) -> str | None:
        """Why ``name`` cannot be bound to ``target`` in ``scope`` for ``accesses`` (None: it can)."""
        claimed = self._claimed.get((id(scope), name))
        if claimed is not None:
            if claimed.canonical != target.canonical:
                return f"'{name}' is already bound to another symbol"
        elif name in scope.assignments:
            return f"'{name}' is already bound in this scope"
        elif any(_reaches(a.scope, name, scope) for a in self._accesses(name)):
            return f"'{name}' is already used in this scope"
        for access in accesses:
            if not _reaches(access.scope, name, scope):
                return f"'{name}' is bound in a scope where the import is used"
        return None

    def _rename_blocker(self, scope: Scope, local: str, group: Sequence[_Binding]) -> str | None:
        target = group[0].target
        if isinstance(scope, GlobalScope):
            if local in self.spec.keep_local_names:
                return f"'{local}' is imported from this module elsewhere"
            if local in self.dunder_all:
                return f"'{local}' is listed in __all__"
        if not self._clean(scope, local, group):
            return f"'{local}' is also bound otherwise in this scope"
        accesses = [a for b in group for a in b.accesses]
        for access in accesses:
            if not isinstance(access.node, (cst.Name, cst.SimpleString)):
                return f"'{local}' is used in a form that cannot be renamed"
        linked = {id(a) for a in accesses}
        if any(
            id(a) not in linked and _reaches(a.scope, local, scope) for a in self._accesses(local)
        ):
            return f"'{local}' is used where the import does not reach (before it)"
        return self._name_free(scope, target.name, target, accesses)

    def decide(self, bindings: list[_Binding]) -> None:
        by_scope: dict[int, list[_Binding]] = defaultdict(list)
        scopes: dict[int, Scope] = {}
        for binding in bindings:
            scope = binding.site.scope
            assert scope is not None
            by_scope[id(scope)].append(binding)
            scopes[id(scope)] = scope
        for key, group_list in by_scope.items():
            scope = scopes[key]
            by_local: dict[str, list[_Binding]] = defaultdict(list)
            for binding in group_list:
                by_local[binding.local].append(binding)
            for local, group in by_local.items():
                canon = {b.target.canonical for b in group}
                if (
                    len(canon) == 1
                    and local == group[0].target.name
                    and self._clean(scope, local, group)
                ):
                    self._claimed[(key, local)] = group[0].target
            for local, group in by_local.items():
                self._decide_group(scope, local, group)

    def _decide_group(self, scope: Scope, local: str, group: list[_Binding]) -> None:
        target = group[0].target
        same = all(b.target.canonical == target.canonical for b in group)
        for binding in group:
            binding.new_local = local
        if not same or local == target.name or not target.rename_aliases:
            return
        blocker = self._rename_blocker(scope, local, group)
        if blocker is not None:
            for binding in group:
                line = self._line(binding.site.anchor)
                self._note(
                    line, "alias-kept", f"kept 'as {local}' for {target.canonical}: {blocker}"
                )
            return
        new = target.name
        self._claimed[(id(scope), new)] = target
        for binding in group:
            binding.new_local = new
            for access in binding.accesses:
                if isinstance(access.node, cst.Name):
                    self.renames[id(access.node)] = new
                elif isinstance(access.node, cst.SimpleString):
                    self.annotation_renames[id(access.node)][local] = new
        for name_node, declared in self._decls:
            if name_node.value == local and declared is scope:
                self.renames[id(name_node)] = new

    # ----------------------------------------------------- module attribute uses

    def decide_module_uses(self, uses: list[_ModuleUse]) -> None:
        for use in uses:
            scope = use.site.scope
            assert scope is not None
            by_target: dict[str, list[tuple[Access, cst.Attribute]]] = defaultdict(list)
            other = any(a.references for a in use.prefix_assignments)
            accesses = {id(a): a for g in use.assignments for a in g.references}
            linked = set(accesses) | {id(a) for g in use.prefix_assignments for a in g.references}
            for bound in {a.name for a in (*use.assignments, *use.prefix_assignments)}:
                if any(
                    id(a) not in linked and _reaches(a.scope, bound, scope)
                    for a in self._accesses(bound)
                ):
                    other = True  # used where the import does not reach (before it, in a loop)
            attrs = self.targets.by_module[use.module]
            for access in accesses.values():
                parent = self._parent(access.node)
                if (
                    isinstance(parent, cst.Attribute)
                    and parent.value is access.node
                    and parent.attr.value in attrs
                    and self.contexts.get(parent, ExpressionContext.LOAD) == ExpressionContext.LOAD
                ):
                    by_target[parent.attr.value].append((access, parent))
                else:
                    other = True
            replaced = False
            for attr, found in sorted(by_target.items()):
                if self._replace_uses(use, scope, attrs[attr], found):
                    replaced = True
                else:
                    other = True
            protected = isinstance(scope, GlobalScope) and (
                use.local in self.spec.keep_local_names or use.local in self.dunder_all
            )
            if replaced and not other and not protected:
                self._edit(use.site).drop.add(use.index)

    def _replace_uses(
        self,
        use: _ModuleUse,
        scope: Scope,
        target: SymbolTarget,
        found: list[tuple[Access, cst.Attribute]],
    ) -> bool:
        accesses = [a for a, _ in found]
        name = target.name
        if self._name_free(scope, name, target, accesses) is None:
            self._claimed[(id(scope), name)] = target
            for _, attr in found:
                self.replacements[id(attr)] = cst.Name(name)
            key: _FromKey = ("from", target.module, name, name)
        else:
            root = target.module.split(".", 1)[0]
            bound = scope.assignments[root]
            plain_only = all(
                isinstance(a, ImportAssignment)
                and isinstance(a.node, cst.Import)
                and not any(
                    alias.asname is not None and alias.asname.name is a.as_name
                    for alias in a.node.names
                )
                for a in bound
            )
            if not bound and any(_reaches(a.scope, root, scope) for a in self._accesses(root)):
                plain_only = False
            if not plain_only or not all(_reaches(a.scope, root, scope) for a in accesses):
                self._note(
                    self._line(use.site.anchor),
                    "conflict",
                    f"left '{use.local}.{found[0][1].attr.value}': neither '{name}' nor '{root}' is free here",
                )
                return False
            for _, attr in found:
                self.replacements[id(attr)] = dotted_expr(f"{target.module}.{name}")
            key = ("import", target.module, "", "")
        self._requests.append(_Request(use.site, scope, key))
        return True

    # --------------------------------------------------------------- placing

    def requests_for(self, bindings: list[_Binding]) -> None:
        for binding in bindings:
            if not binding.changes:
                continue
            scope = binding.site.scope
            assert scope is not None
            key: _FromKey = ("from", binding.target.module, binding.target.name, binding.new_local)
            self._requests.append(
                _Request(binding.site, scope, key, binding.index, in_place=binding.in_place)
            )

    def place(self, bindings: list[_Binding]) -> None:
        changing = {(id(b.site), b.index) for b in bindings if b.changes and b.index is not None}
        dropped = {
            (id(s.stmt), i)
            for s in self.sites
            for i in self.edits.get(id(s.stmt), StatementEdit()).drop
        }
        registry: dict[int, list[tuple[tuple[int, int], int, _FromKey]]] = defaultdict(list)
        for site in self.sites:
            for index, alias in enumerate(site.aliases):
                if (id(site), index) in changing or (id(site.stmt), index) in dropped:
                    continue
                name = dotted_name(alias.name) or ""
                if isinstance(site.stmt, cst.ImportFrom):
                    entry: _FromKey = ("from", site.module or "", name, alias_local(alias))
                elif alias.asname is None:
                    entry = ("import", name, "", "")
                else:
                    continue
                registry[id(site.container)].append((site.pos, site.run, entry))
        created: dict[int, list[tuple[tuple[int, int], NewImport]]] = defaultdict(list)
        pending: dict[int, list[NewImport]] = defaultdict(list)
        order = {id(s): n for n, s in enumerate(self.sites)}
        for request in sorted(self._requests, key=lambda r: (order[id(r.site)], r.index or 0)):
            self._place_one(request, registry, created, pending)
        for site in self.sites:
            news = pending.get(id(site))
            if not news:
                continue
            edit = self._edit(site)
            remaining = [i for i in range(len(site.aliases)) if i not in edit.drop]
            star = isinstance(site.stmt, cst.ImportFrom) and isinstance(
                site.stmt.names, cst.ImportStar
            )
            if not remaining and not edit.append and not star:
                edit.in_place = news[0]
                edit.after.extend(news[1:])
            else:
                for new in news:
                    new.entries = [(None, n, lo) for _, n, lo in new.entries]
                edit.after.extend(news)

    def _place_one(
        self,
        request: _Request,
        registry: dict[int, list[tuple[tuple[int, int], int, _FromKey]]],
        created: dict[int, list[tuple[tuple[int, int], NewImport]]],
        pending: dict[int, list[NewImport]],
    ) -> None:
        site = request.site
        container = id(site.container)
        kind, module, name, local = request.key
        self.imports += 1
        clean_name = local if kind == "from" else module.split(".", 1)[0]
        clean = (id(request.scope), clean_name) in self._claimed
        duplicate = any(
            key == request.key and (run == site.run or (clean and pos < site.pos))
            for pos, run, key in registry[container]
        )
        if duplicate:
            if request.index is not None:
                self._edit(site).drop.add(request.index)
            return
        if request.in_place and request.index is not None:
            self._edit(site).modify[request.index] = (name, local)
            registry[container].append((site.pos, site.run, request.key))
            return
        if request.index is not None:
            self._edit(site).drop.add(request.index)
        if kind == "from":
            for other in self.sites:
                if (
                    other is not site
                    and other.run == site.run
                    and id(other.container) == container
                    and not other.kept
                    and other.module == module
                    and isinstance(other.stmt, cst.ImportFrom)
                    and not isinstance(other.stmt.names, cst.ImportStar)
                ):
                    self._edit(other).append.append((name, local))
                    registry[container].append((other.pos, site.run, request.key))
                    return
            for pos, new in created[site.run]:
                if not new.plain and new.module == module:
                    new.entries.append(
                        (request.index if new in pending[id(site)] else None, name, local)
                    )
                    registry[container].append((pos, site.run, request.key))
                    return
        new = NewImport(module=module, plain=kind == "import")
        if kind == "from":
            new.entries.append((request.index, name, local))
        created[site.run].append((site.pos, new))
        pending[id(site)].append(new)
        registry[container].append((site.pos, site.run, request.key))


# ------------------------------------------------------------------------------------- transformer


class _Apply(StatementEditor):
    def __init__(self, planner: _Planner) -> None:
        super().__init__(planner.edits)
        self.p = planner
        self.renamed = 0

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.p.renames.get(id(original_node))
        if new is None:
            return updated_node
        self.renamed += 1
        return updated_node.with_changes(value=new)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        new = self.p.replacements.get(id(original_node))
        if new is None:
            return updated_node
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        renames = self.p.annotation_renames.get(id(original_node))
        if not renames:
            return updated_node
        self.renamed += 1
        return updated_node.with_changes(value=annotation_rename(updated_node.value, renames))


# ------------------------------------------------------------------------------------------- API


def rewrite_imports(
    module: cst.Module, spec: FileSpec, *, code: str | None = None
) -> tuple[cst.Module, tuple[Note, ...], int, int]:
    """Rewrite the imports of ``module`` as ``spec`` says.

    Returns the new module, notes, the number of imported names rewritten and the number of usages
    renamed. Nothing happens when ``spec.rewrite_imports`` is False. ``code`` is the module's source
    when the caller has it (saves generating it for the pre-checks).
    """
    targets = _Targets.build(spec.symbols)
    if (
        not spec.rewrite_imports
        or not targets.by_key
        or not targets.mentioned_in(code if code is not None else module.code)
    ):
        return module, (), 0, 0
    if not targets.changes_any(module, spec):
        return module, (), 0, 0
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    planner = _Planner(wrapper, spec, targets, code if code is not None else module.code)
    bindings, uses = planner.collect()
    planner.decide(bindings)
    planner.decide_module_uses(uses)
    planner.requests_for(bindings)
    planner.place(bindings)
    notes = tuple(sorted(planner.notes, key=lambda n: (n.line, n.code, n.message)))
    if not planner.edits and not planner.renames and not planner.replacements:
        return module, notes, 0, 0
    apply = _Apply(planner)
    new = wrapper.module.visit(apply)
    return new, notes, planner.imports, apply.renamed


class RewriteImportsCommand(CodemodCommand):
    """``python -m libcst.tool codemod rewrite_imports.RewriteImportsCommand --canonical a.b:C ...``"""

    DESCRIPTION: str = DESCRIPTION

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--canonical", required=True, help="canonical symbol, written package.module:Name"
        )
        arg_parser.add_argument(
            "--alias",
            dest="aliases",
            action="append",
            default=[],
            help="another path of the same object, module:Name (repeatable)",
        )
        arg_parser.add_argument(
            "--no-rename-aliases",
            dest="rename_aliases",
            action="store_false",
            help="keep local 'as' names instead of renaming usages",
        )
        arg_parser.add_argument(
            "--keep-local-name",
            dest="keep_local_names",
            action="append",
            default=[],
            help="module-level name that must keep its name (repeatable)",
        )
        arg_parser.add_argument(
            "--module-name",
            dest="module_name",
            default=None,
            help="dotted name of the file's module (default: from the codemod context)",
        )

    def __init__(
        self,
        context: CodemodContext,
        canonical: str,
        aliases: Sequence[str] = (),
        rename_aliases: bool = True,
        keep_local_names: Sequence[str] = (),
        module_name: str | None = None,
    ) -> None:
        super().__init__(context)
        for text in (canonical, *aliases):
            Symbol.parse(text)
        self.target = SymbolTarget(
            canonical=canonical.strip(),
            aliases=frozenset(a.strip() for a in aliases),
            rename_aliases=rename_aliases,
        )
        self.keep_local_names = frozenset(keep_local_names)
        self.module_name = module_name

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or ""
        spec = FileSpec(
            path=filename,
            module=self.module_name or self.context.full_module_name or "",
            is_package=filename.endswith("__init__.py"),
            symbols=(self.target,),
            keep_local_names=self.keep_local_names,
        )
        new, notes, _, _ = rewrite_imports(tree, spec)
        for note in notes:
            self.warn(f"line {note.line}: {note.code}: {note.message}")
        return new
