"""Module-attribute usages of targets: ``shim.Engine``, ``core.compat.Engine``, ``compat.Engine``.

They stay attribute lookups on a module, now on the canonical one: ``shim.Engine(x)`` becomes
``core.engine.user_engine.UserEngine(x)``, so the attribute is still looked up when the code runs
(``mock.patch("core.engine.user_engine.UserEngine")`` reaches it). The canonical module is reached
through, in order of preference:

1. an existing ``import core.engine.user_engine as X`` (``X.UserEngine``) or ``import
   core.engine.user_engine`` that is in effect where the usages are;
2. a new ``import core.engine.user_engine`` where the old import was, when ``core`` is bound there
   only by plain ``import core...`` statements (or not at all, and not used);
3. otherwise a new ``import core.engine.user_engine as _user_engine_mod`` (a free name).

The old import goes once no other attribute of it is used. The canonical module written relatively
(``from . import user_engine``) is handled the same way, but only when nothing else uses it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Access, ExpressionContext, GlobalScope, Scope

from codemods._imports import FromKey, ModuleUse, Request, Site
from codemods._names import alias_local, dotted_expr, dotted_name
from codemods._planner import Planner
from codemods._scope import bound_by_plain_imports, bound_to_module, in_function, reaches
from codemods.spec import SymbolTarget

_FALLBACK_TRIES = 100


@dataclass(frozen=True, slots=True)
class _Usage:
    """One usage of ``<module binding>.<attr>``: an attribute expression or a string annotation."""

    access: Access
    node: cst.Attribute | cst.SimpleString
    old: str = ""  # in a string annotation: the dotted text to replace ("shim.Engine")


def _word(text: str) -> str:
    """A regex matching ``text`` as a whole dotted name (not part of a longer one)."""
    return rf"(?<![\w.]){re.escape(text)}(?!\w)"


class _UseScan:
    """The usages of one module binding, by target attribute, and whether anything else uses it."""

    def __init__(self, p: Planner, use: ModuleUse, attrs: Mapping[str, SymbolTarget]) -> None:
        self.p = p
        self.attrs = attrs
        self.found: dict[str, list[_Usage]] = defaultdict(list)
        scope = use.site.scope
        assert scope is not None
        self.other = any(a.references for a in use.prefix_assignments)
        everything = (*use.assignments, *use.prefix_assignments)
        linked = {id(a) for g in everything for a in g.references}
        for bound in {a.name for a in everything}:
            if any(
                id(a) not in linked and reaches(a.scope, bound, scope) for a in p.accesses(bound)
            ):
                self.other = True  # used where the import does not reach (before it, in a loop)
        seen: set[int] = set()
        for assignment in use.assignments:
            for access in assignment.references:
                if id(access) in seen:
                    continue
                seen.add(id(access))
                if not self._usage(access, assignment.name):
                    self.other = True

    def _usage(self, access: Access, bound: str) -> bool:
        """Record ``access`` when it is a target attribute of the module bound to ``bound``."""
        node = access.node
        if isinstance(node, cst.SimpleString):
            return self._string_usage(access, node, bound)
        parent = self.p.parent(node)
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is node
            and parent.attr.value in self.attrs
            and self.p.contexts.get(parent, ExpressionContext.LOAD) == ExpressionContext.LOAD
        ):
            self.found[parent.attr.value].append(_Usage(access, parent))
            return True
        return False

    def _string_usage(self, access: Access, node: cst.SimpleString, bound: str) -> bool:
        """A string annotation: every mention of ``bound`` in it must be a target attribute."""
        text = node.value
        hit = False
        for attr in sorted(self.attrs):
            old = f"{bound}.{attr}"
            if re.search(_word(old), text):
                self.found[attr].append(_Usage(access, node, old))
                text = re.sub(_word(old), "", text)
                hit = True
        return hit and re.search(_word(bound), text) is None


def decide_module_uses(p: Planner, uses: list[ModuleUse]) -> None:
    """Rewrite the target attribute usages of every module use; drop imports nothing else needs."""
    for use in uses:
        scope = use.site.scope
        assert scope is not None
        attrs = (p.targets.canonical_modules if use.canonical else p.targets.by_module)[use.module]
        scan = _UseScan(p, use, attrs)
        protected = isinstance(scope, GlobalScope) and (
            use.local in p.spec.keep_local_names or use.local in p.dunder_all
        )
        if use.canonical and (scan.other or protected):
            continue  # the canonical module is imported already: leave it as written
        other = scan.other
        replaced = False
        for attr, usages in sorted(scan.found.items()):
            if _replace_uses(p, use, scope, attr, attrs[attr], usages):
                replaced = True
            else:
                other = True
        if replaced and not other and not protected:
            p.edit(use.site).drop.add(use.index)


def _replace_uses(
    p: Planner,
    use: ModuleUse,
    scope: Scope,
    attr: str,
    target: SymbolTarget,
    usages: list[_Usage],
) -> bool:
    accesses = [u.access for u in usages]
    ref = _module_ref(p, use.site, scope, target, accesses)
    if ref is None:
        p.note(
            p.line(use.site.anchor),
            "conflict",
            f"left '{use.local}.{attr}': no name is free here for {target.module}",
        )
        return False
    prefix, key = ref
    new = f"{prefix}.{target.name}"
    for usage in usages:
        if isinstance(usage.node, cst.Attribute):
            p.replacements[id(usage.node)] = dotted_expr(new)
        else:
            p.annotation_renames[id(usage.node)][usage.old] = new
    if key is None:
        p.imports += 1
    else:
        p.requests.append(Request(use.site, scope, key, clean=True))
    return True


def _module_ref(
    p: Planner, site: Site, scope: Scope, target: SymbolTarget, accesses: list[Access]
) -> tuple[str, FromKey | None] | None:
    """How the usages reach the canonical module: the expression for it and the import to add
    (None: an existing import serves)."""
    module = target.module
    existing = _existing_binding(p, site, module, accesses)
    if existing is not None:
        return existing, None
    root = module.split(".", 1)[0]
    if _root_free(p, scope, root, accesses):
        return module, ("import", module, "", "")
    name = _fallback_name(p, scope, module, target, accesses)
    if name is None:
        return None
    return name, ("import", module, "", name)


def _precedes(p: Planner, other: Site, site: Site, accesses: list[Access]) -> bool:
    """True when the import ``other`` has run whenever one of ``accesses`` (usages made possible by
    the import at ``site``) runs: it is earlier in the same block or run of imports, or it is a
    module-level statement and every usage is inside a function or below it."""
    if other.container is site.container and (other.run == site.run or other.pos < site.pos):
        return True
    if not isinstance(other.container, cst.Module):
        return False
    line = p.line(other.anchor)
    return all(in_function(a.scope) or p.line(a.node) > line for a in accesses)


def _existing_binding(p: Planner, site: Site, module: str, accesses: list[Access]) -> str | None:
    """The expression for ``module`` given by an existing ``import module [as X]`` (None: none serves).

    An ``as`` name is preferred; the binding must be in effect at every usage and be the only kind of
    binding of its name in its scope.
    """
    candidates: list[tuple[Site, cst.ImportAlias]] = [
        (other, alias)
        for other in p.sites
        if isinstance(other.stmt, cst.Import) and other.scope is not None
        for alias in other.aliases
        if dotted_name(alias.name) == module
    ]
    candidates.sort(key=lambda c: c[1].asname is None)
    for other, alias in candidates:
        owner = other.scope
        assert owner is not None
        if not _precedes(p, other, site, accesses):
            continue
        local = alias_local(alias)
        if alias.asname is not None:
            usable = bound_to_module(owner, local, module)
        else:
            usable = bound_by_plain_imports(owner, local) and _unclaimed(p, owner, local)
        if usable and all(reaches(a.scope, local, owner) for a in accesses):
            return local if alias.asname is not None else module
    return None


def _unclaimed(p: Planner, scope: Scope, name: str) -> bool:
    key = (id(scope), name)
    return key not in p.claimed and key not in p.module_aliases


def _root_free(p: Planner, scope: Scope, root: str, accesses: list[Access]) -> bool:
    """True when a new ``import root.x.y`` in ``scope`` rebinds ``root`` to nothing else and every
    usage sees that binding."""
    if not _unclaimed(p, scope, root) or not bound_by_plain_imports(scope, root):
        return False
    if not scope.assignments[root] and any(
        reaches(a.scope, root, scope) for a in p.root_accesses(root)
    ):
        return False  # used here without a binding here (a global, a builtin, or undefined)
    return all(reaches(a.scope, root, scope) for a in accesses)


def _fallback_name(
    p: Planner, scope: Scope, module: str, target: SymbolTarget, accesses: list[Access]
) -> str | None:
    """A free name for ``import module as <name>`` in ``scope`` (``_user_engine_mod``, then 2, 3...)."""
    base = f"_{module.rsplit('.', 1)[-1]}_mod"
    for n in range(1, _FALLBACK_TRIES + 1):
        name = base if n == 1 else f"{base}{n}"
        owner = p.module_aliases.get((id(scope), name))
        if owner is not None:
            if owner == module and all(reaches(a.scope, name, scope) for a in accesses):
                return name
            continue
        if p.name_free(scope, name, target, accesses) is None:
            p.module_aliases[(id(scope), name)] = module
            return name
    return None
