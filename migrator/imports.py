"""Imports of a canonical symbol: every form, with pattern and status, and its legacy alias paths."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from codemods.names import Symbol
from migrator.findings import ImportFinding
from migrator.index import Index, Target
from migrator.moduleinfo import ImportedName, ImportStmt, ModuleInfo
from migrator.namespace import Namespace, walk_modules


def legacy_paths(
    index: Index, target: Target, configured: Iterable[Symbol]
) -> tuple[list[Symbol], list[Symbol]]:
    always, conditional = index.aliases_of(target)
    legacy: list[Symbol] = []
    for sym in always:
        info = index.modules[sym.module]
        binds = index.bindings(sym.module).get(sym.attr, [])
        deliberate = (
            info.reexport_only
            or any(b.kind == "alias" for b in binds)
            or (info.all_names is not None and sym.attr in info.all_names)
        )
        if deliberate:
            legacy.append(sym)
    for sym in configured:
        if sym not in legacy:
            legacy.append(sym)
    cond_set = {str(s) for s in conditional}
    # `from compat import Engine as CE` in a consumer is conditional only because compat:Engine is.
    derived = {
        s
        for s in conditional
        if all(
            b.kind == "from" and b.target in cond_set
            for b in index.bindings(s.module).get(s.attr, [])
        )
        and index.bindings(s.module).get(s.attr)
    }
    return sorted(legacy), sorted(
        s for s in conditional if s not in configured and s not in derived
    )


def name_taken(index: Index, info: ModuleInfo, name: str, target: Target) -> bool:
    """Is ``name`` bound in this file to something other than ``target`` (so an ``as`` alias of
    the canonical symbol cannot become its canonical name)?"""
    if info.module:
        for b in index.bindings(info.module).get(name, []):
            if b.kind in ("def", "class", "other"):
                return True
    ns = Namespace(index, info)
    entry = ns.locals.get(name)
    if entry is not None:
        res, _ = ns.resolve(name)
        return res is None or res.target != target
    return False


def imports_of(
    index: Index,
    info: ModuleInfo,
    target: Target,
    legacy: set[str],
    rename_aliases: bool = True,
) -> Iterable[tuple[ImportFinding, bool]]:
    """Imports of ``target`` in one file: (finding, conditional)."""
    ns_loads = info.name_loads
    own = index.bindings(info.module) if info.module else {}
    taken: bool | None = None
    import_groups: dict[str, list[tuple[ImportStmt, ImportedName]]] = {}
    for stmt in info.imports:
        if stmt.kind == "import":
            for n in stmt.names:
                import_groups.setdefault(n.local, []).append((stmt, n))

    def context(stmt: ImportStmt) -> tuple[str, ...]:
        return tuple(
            c for c, on in (("type_checking", stmt.type_checking), ("try", stmt.in_try)) if on
        )

    def status(stmt: ImportStmt, canonical: bool) -> Literal["canonical", "fragmented", "kept"]:
        if canonical:
            return "canonical"
        return "kept" if stmt.keep else "fragmented"

    def finding(
        stmt: ImportStmt,
        pattern: str,
        form: Literal["from", "import", "star"],
        via: str,
        local: str,
        canonical: bool,
    ) -> ImportFinding:
        nonlocal taken
        state = status(stmt, canonical)
        reason = "# migrator: keep" if state == "kept" else ""
        if (
            state == "fragmented"
            and form == "from"
            and local != target.attr
            and stmt.level == 0
            and stmt.module == target.module
        ):
            # Only the local name is off: it stays when renaming is off or the name is taken.
            if not rename_aliases:
                state, reason = "kept", "rename_aliases = false"
            else:
                if taken is None:
                    taken = name_taken(index, info, target.attr, target)
                if taken:
                    state, reason = "kept", f"'{target.attr}' is bound to something else here"
        return ImportFinding(
            path=info.path,
            line=stmt.line,
            pattern=pattern,
            form=form,
            via=via,
            local=local,
            status=state,
            scope=stmt.scope,
            context=context(stmt),
            reason=reason,
        )

    for stmt in info.imports:
        if stmt.kind == "from" and stmt.module is None:
            continue
        written = stmt.written_module()
        if stmt.is_star:
            assert stmt.module is not None
            for name in sorted(index.exports(stmt.module) & ns_loads):
                if name in own and not any(
                    b.kind == "from" and b.target == f"{stmt.module}:{name}" for b in own[name]
                ):
                    continue
                res = index.resolve(stmt.module, name)
                if res is None or not res.may_be(target):
                    continue
                canonical = stmt.level == 0 and stmt.module == target.module
                yield (
                    finding(
                        stmt,
                        f"from {written} import *",
                        "star",
                        f"{stmt.module}:{name}",
                        name,
                        canonical,
                    ),
                    res.conditional and f"{stmt.module}:{name}" not in legacy,
                )
            continue
        if stmt.kind == "from":
            assert stmt.module is not None
            for n in stmt.names:
                res = index.resolve(stmt.module, n.name)
                if res is None:
                    continue
                via = f"{stmt.module}:{n.name}"
                pattern = f"from {written} import {n.name}" + (
                    f" as {n.asname}" if n.asname else ""
                )
                if res.may_be(target):
                    canonical = (
                        stmt.level == 0
                        and stmt.module == target.module
                        and n.name == target.attr
                        and n.local == target.attr
                    )
                    yield (
                        finding(stmt, pattern, "from", via, n.local, canonical),
                        res.conditional and via not in legacy,
                    )
                elif res.target.is_module:
                    for use in info.attr_uses:
                        if use.root != n.local:
                            continue
                        r2, accessed = walk_modules(index, res.target.module, use.attrs)
                        if r2 is not None and r2.may_be(target):
                            canonical = stmt.level == 0 and accessed == target.module
                            v = f"{accessed}:{target.attr}"
                            yield (
                                finding(stmt, pattern, "import", v, n.local, canonical),
                                r2.conditional and v not in legacy,
                            )
                            break
            continue
        for n in stmt.names:
            rest = n.name.split(".", 1)[1] if "." in n.name and not n.asname else ""
            base = n.name if n.asname else n.name.split(".", 1)[0]
            pattern = f"import {n.name}" + (f" as {n.asname}" if n.asname else "")
            for use in info.attr_uses:
                if use.root != n.local:
                    continue
                if rest and not (use.attrs == rest or use.attrs.startswith(rest + ".")):
                    continue
                # Several `import a.x` / `import a.y` statements share the local `a`: the longest wins.
                rivals = [
                    m
                    for _, m in import_groups.get(n.local, [])
                    if m is not n
                    and not m.asname
                    and "." in m.name
                    and len(m.name) > len(n.name)
                    and (use.attrs + ".").startswith(m.name.split(".", 1)[1] + ".")
                ]
                if rivals:
                    continue
                r2, accessed = walk_modules(index, base, use.attrs)
                if r2 is not None and r2.may_be(target):
                    canonical = accessed == target.module
                    v = f"{accessed}:{target.attr}"
                    yield (
                        finding(stmt, pattern, "import", v, n.local, canonical),
                        r2.conditional and v not in legacy,
                    )
                    break
