"""The import rewrite's plan for one module: what it found and what it decided.

``Planner`` collects the imports of targets (``collect``) and decides, scope by scope, which local
names can take the canonical name (``decide``), renaming their usages. Module-attribute usages are
decided in ``codemods._module_attrs`` and the new imports placed in ``codemods._placing``; both work
on the state kept here.
"""

from __future__ import annotations

import builtins
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Access,
    ExpressionContextProvider,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from codemods._imports import Binding, ModuleUse, Request, Site, SiteCollector, Targets
from codemods._names import alias_binding_node, alias_local, dotted_name, dunder_all
from codemods._scope import Declarations, import_assignments, reaches
from codemods._statements import StatementEdit
from codemods._util import KEEP_RE, KeptLines
from codemods.spec import FileSpec, Note, SymbolTarget


class Planner:
    """State shared by the steps of the import rewrite of one module."""

    def __init__(
        self, wrapper: MetadataWrapper, spec: FileSpec, targets: Targets, code: str
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
        collector = SiteCollector(spec, self.scopes, lambda n: self.line(n) in kept_lines)
        wrapper.module.visit(collector)
        self.sites = collector.sites
        self.all_scopes = list({id(s): s for s in self.scopes.values() if s is not None}.values())
        self.module = wrapper.module
        self.dunder_all = dunder_all(wrapper.module)
        self.notes: list[Note] = []
        # What the transformer applies: usages renamed (Name node id -> new name), renames inside
        # string annotations (string node id -> {old: new}), expressions replaced (node id -> new).
        self.renames: dict[int, str] = {}
        self.annotation_renames: dict[int, dict[str, str]] = defaultdict(dict)
        self.replacements: dict[int, cst.BaseExpression] = {}
        self.edits: dict[int, StatementEdit] = {}
        self.imports = 0
        # Names given out per scope: to a symbol by a ``from`` import, or to a module by ``import as``.
        self.claimed: dict[tuple[int, str], SymbolTarget] = {}
        self.module_aliases: dict[tuple[int, str], str] = {}
        self.requests: list[Request] = []
        self._access_cache: dict[str, list[Access]] = {}
        self._decls = self._declarations()

    # -------------------------------------------------------------- lookups

    def line(self, node: cst.CSTNode) -> int:
        """The first line of ``node`` (positions are only computed when a line is needed)."""
        rng = self.wrapper.resolve(PositionProvider).get(node)
        return rng.start.line if rng is not None else 0

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.wrapper.resolve(ParentNodeProvider).get(node)

    def accesses(self, name: str) -> list[Access]:
        """Every access of ``name`` in the module, in any scope."""
        if name not in self._access_cache:
            self._access_cache[name] = [a for s in self.all_scopes for a in s.accesses[name]]
        return self._access_cache[name]

    def root_accesses(self, root: str) -> list[Access]:
        """Every access of ``root`` or of a dotted name under it (``root.a.b``), strings included."""
        key = f"{root}."
        if key not in self._access_cache:
            word = re.compile(rf"(?<![\w.]){re.escape(root)}(?!\w)")
            found: list[Access] = []
            for scope in self.all_scopes:
                for access in scope.accesses:
                    node = access.node
                    if isinstance(node, cst.SimpleString):
                        if word.search(node.value):
                            found.append(access)
                        continue
                    name = get_full_name_for_node(node) or ""
                    if name == root or name.startswith(key):
                        found.append(access)
            self._access_cache[key] = found
        return self._access_cache[key]

    def _declarations(self) -> list[tuple[cst.Name, Scope | None]]:
        collector = Declarations(self.scopes)
        self.module.visit(collector)
        return collector.found

    def edit(self, site: Site) -> StatementEdit:
        return self.edits.setdefault(id(site.stmt), StatementEdit())

    def note(self, line: int, code: str, message: str) -> None:
        self.notes.append(Note(line=line, code=code, message=message))

    def name_free(
        self, scope: Scope, name: str, target: SymbolTarget, accesses: Iterable[Access]
    ) -> str | None:
        """Why ``name`` cannot be bound to ``target`` in ``scope`` for ``accesses`` (None: it can)."""
        claimed = self.claimed.get((id(scope), name))
        if claimed is not None:
            if claimed.canonical != target.canonical:
                return f"'{name}' is already bound to another symbol"
        elif (id(scope), name) in self.module_aliases:
            return f"'{name}' is already bound to a module"
        elif name in scope.assignments:
            return f"'{name}' is already bound in this scope"
        elif any(reaches(a.scope, name, scope) for a in self.accesses(name)):
            return f"'{name}' is already used in this scope"
        for access in accesses:
            if not reaches(access.scope, name, scope):
                return f"'{name}' is bound in a scope where the import is used"
        return None

    # ------------------------------------------------------------- collect

    def collect(self) -> tuple[list[Binding], list[ModuleUse]]:
        """The target bindings and module uses of every import that is not opted out."""
        bindings: list[Binding] = []
        uses: list[ModuleUse] = []
        star_names: dict[str, Binding] = {}
        for site in self.sites:
            scope = site.scope
            if scope is None:
                continue
            found = False
            if site.star:
                if site.module in self.targets.by_module and isinstance(scope, GlobalScope):
                    found = self._star_names(site, scope, star_names) or found
                if found and site.kept:
                    self.note(
                        self.line(site.anchor),
                        "kept",
                        "star import left as written (# migrator: keep)",
                    )
                continue
            for index, alias in enumerate(site.aliases):
                hit = self._collect_alias(site, scope, index, alias, bindings, uses)
                found = found or hit
            if found and site.kept:
                self.note(
                    self.line(site.anchor), "kept", "import left as written (# migrator: keep)"
                )
        bindings.extend(star_names.values())
        return bindings, uses

    def _collect_alias(
        self,
        site: Site,
        scope: Scope,
        index: int,
        alias: cst.ImportAlias,
        bindings: list[Binding],
        uses: list[ModuleUse],
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
                assignments = import_assignments(scope, local, node)
                accesses = list({id(a): a for g in assignments for a in g.references}.values())
                bindings.append(Binding(site, index, target, local, accesses, node))
                return True
            module = f"{site.module}.{name}"
            canonical = site.relative and module in self.targets.canonical_modules
            if module not in self.targets.by_module and not canonical:
                return False
            if not site.kept:
                assignments = import_assignments(scope, local, node)
                uses.append(ModuleUse(site, index, module, local, assignments, [], canonical))
            return True
        if name not in self.targets.by_module:
            return False
        if site.kept:
            return True
        if alias.asname is not None:
            local = alias_local(alias)
            assignments = import_assignments(scope, local, node)
            uses.append(ModuleUse(site, index, name, local, assignments, []))
            return True
        parts = name.split(".")
        prefixes = [".".join(parts[:i]) for i in range(1, len(parts))]
        uses.append(
            ModuleUse(
                site,
                index,
                name,
                parts[0],
                import_assignments(scope, name, node),
                [a for p in prefixes for a in import_assignments(scope, p, node)],
            )
        )
        return True

    def _star_names(self, site: Site, scope: Scope, found: dict[str, Binding]) -> bool:
        any_used = False
        for name, target in sorted(self.targets.by_module[site.module or ""].items()):
            if name in scope.assignments or hasattr(builtins, name):
                continue
            accesses = [a for a in self.accesses(name) if reaches(a.scope, name, scope)]
            if not accesses:
                continue
            any_used = True
            if not site.kept:
                found[name] = Binding(site, None, target, name, accesses)
        return any_used

    # -------------------------------------------------------------- decide

    def _clean(self, scope: Scope, local: str, group: Sequence[Binding]) -> bool:
        nodes = {id(b.node) for b in group if b.node is not None}
        return all(
            isinstance(a, ImportAssignment) and id(a.as_name) in nodes
            for a in scope.assignments[local]
        )

    def _rename_blocker(self, scope: Scope, local: str, group: Sequence[Binding]) -> str | None:
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
            id(a) not in linked and reaches(a.scope, local, scope) for a in self.accesses(local)
        ):
            return f"'{local}' is used where the import does not reach (before it)"
        return self.name_free(scope, target.name, target, accesses)

    def decide(self, bindings: list[Binding]) -> None:
        """Choose the local name of every binding (renaming usages where the alias can go)."""
        by_scope: dict[int, list[Binding]] = defaultdict(list)
        scopes: dict[int, Scope] = {}
        for binding in bindings:
            scope = binding.site.scope
            assert scope is not None
            by_scope[id(scope)].append(binding)
            scopes[id(scope)] = scope
        for key, group_list in by_scope.items():
            scope = scopes[key]
            by_local: dict[str, list[Binding]] = defaultdict(list)
            for binding in group_list:
                by_local[binding.local].append(binding)
            for local, group in by_local.items():
                canon = {b.target.canonical for b in group}
                if (
                    len(canon) == 1
                    and local == group[0].target.name
                    and self._clean(scope, local, group)
                ):
                    self.claimed[(key, local)] = group[0].target
            for local, group in by_local.items():
                self._decide_group(scope, local, group)

    def _decide_group(self, scope: Scope, local: str, group: list[Binding]) -> None:
        target = group[0].target
        same = all(b.target.canonical == target.canonical for b in group)
        for binding in group:
            binding.new_local = local
        if not same or local == target.name or not target.rename_aliases:
            return
        blocker = self._rename_blocker(scope, local, group)
        if blocker is not None:
            for binding in group:
                line = self.line(binding.site.anchor)
                self.note(
                    line, "alias-kept", f"kept 'as {local}' for {target.canonical}: {blocker}"
                )
            return
        new = target.name
        self.claimed[(id(scope), new)] = target
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
