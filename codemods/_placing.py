"""Placing the imports the rewrite needs where the old ones were.

Every binding that changes and every module reference that needs an import becomes a ``Request`` at
the old import's site. A request is dropped when an equal import already provides it (in the same run
of imports, or earlier in the same block when the name has no other binding), merged into an adjacent
``from`` import of the same module (never a relative one), written over the old statement once all its
names are gone, or added right after it (at module level in a sorted import block: at its sorted place,
see ``codemods._ordering``). A relative import of the canonical module that keeps its target name is
written absolute.
"""

from __future__ import annotations

from collections import defaultdict

import libcst as cst

from codemods._imports import Binding, FromKey, Request, Site
from codemods._names import alias_local, dotted_name
from codemods._planner import Planner
from codemods._statements import NewImport, StatementEdit

# container id -> [(position in the container, run, key)] of the bindings there after the rewrite
_Registry = dict[int, list[tuple[tuple[int, int], int, FromKey]]]


def requests_for(p: Planner, bindings: list[Binding]) -> None:
    """A request for every binding that changes (moves, is renamed or becomes absolute)."""
    for binding in bindings:
        if not binding.changes:
            continue
        scope = binding.site.scope
        assert scope is not None
        key: FromKey = ("from", binding.target.module, binding.target.name, binding.new_local)
        clean = (id(scope), binding.new_local) in p.claimed
        p.requests.append(
            Request(binding.site, scope, key, binding.index, in_place=binding.in_place, clean=clean)
        )


def _registry(p: Planner, bindings: list[Binding]) -> _Registry:
    """The bindings of the imports that stay as they are, per container."""
    changing = {(id(b.site), b.index) for b in bindings if b.changes and b.index is not None}
    dropped = {
        (id(s.stmt), i) for s in p.sites for i in p.edits.get(id(s.stmt), StatementEdit()).drop
    }
    registry: _Registry = defaultdict(list)
    for site in p.sites:
        for index, alias in enumerate(site.aliases):
            if (id(site), index) in changing or (id(site.stmt), index) in dropped:
                continue
            name = dotted_name(alias.name) or ""
            if isinstance(site.stmt, cst.ImportFrom):
                entry: FromKey = ("from", site.module or "", name, alias_local(alias))
            else:
                asname = alias_local(alias) if alias.asname is not None else ""
                entry = ("import", name, "", asname)
            registry[id(site.container)].append((site.pos, site.run, entry))
    return registry


def place(p: Planner, bindings: list[Binding]) -> None:
    """Turn every request into statement edits."""
    registry = _registry(p, bindings)
    created: dict[int, list[tuple[tuple[int, int], NewImport]]] = defaultdict(list)
    pending: dict[int, list[NewImport]] = defaultdict(list)
    order = {id(s): n for n, s in enumerate(p.sites)}
    for request in sorted(p.requests, key=lambda r: (order[id(r.site)], r.index or 0)):
        _place_one(p, request, registry, created, pending)
    for site in p.sites:
        news = pending.get(id(site))
        if not news:
            continue
        edit = p.edit(site)
        remaining = [i for i in range(len(site.aliases)) if i not in edit.drop]
        if not remaining and not edit.append and not site.star:
            edit.in_place = news[0]
            edit.after.extend(news[1:])
        else:
            for new in news:
                new.entries = [(None, n, lo) for _, n, lo in new.entries]
            edit.after.extend(news)


def _merge_target(p: Planner, site: Site, module: str) -> Site | None:
    """An adjacent, not opted-out, absolute ``from module import ...`` of the same run."""
    for other in p.sites:
        if (
            other is not site
            and other.run == site.run
            and other.container is site.container
            and not other.kept
            and not other.relative
            and not other.star
            and other.module == module
            and isinstance(other.stmt, cst.ImportFrom)
        ):
            return other
    return None


def _place_one(
    p: Planner,
    request: Request,
    registry: _Registry,
    created: dict[int, list[tuple[tuple[int, int], NewImport]]],
    pending: dict[int, list[NewImport]],
) -> None:
    site = request.site
    container = id(site.container)
    kind, module, name, local = request.key
    p.imports += 1
    duplicate = any(
        key == request.key and (run == site.run or (request.clean and pos < site.pos))
        for pos, run, key in registry[container]
    )
    if duplicate:
        if request.index is not None:
            p.edit(site).drop.add(request.index)
        return
    if request.in_place and request.index is not None:
        edit = p.edit(site)
        edit.modify[request.index] = (name, local)
        if site.relative:
            edit.module = module
        registry[container].append((site.pos, site.run, request.key))
        return
    if request.index is not None:
        p.edit(site).drop.add(request.index)
    if kind == "from":
        other = _merge_target(p, site, module)
        if other is not None:
            p.edit(other).append.append((name, local))
            registry[container].append((other.pos, site.run, request.key))
            return
        for pos, new in created[site.run]:
            if not new.plain and new.module == module:
                new.entries.append(
                    (request.index if new in pending[id(site)] else None, name, local)
                )
                registry[container].append((pos, site.run, request.key))
                return
    new = NewImport(module=module, plain=kind == "import", asname=local if kind == "import" else "")
    if kind == "from":
        new.entries.append((request.index, name, local))
    created[site.run].append((site.pos, new))
    pending[id(site)].append(new)
    registry[container].append((site.pos, site.run, request.key))
