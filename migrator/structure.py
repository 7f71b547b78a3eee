"""Repository structure findings: cross-service imports, re-export shims, module moves, compliance."""

from __future__ import annotations

from collections.abc import Iterable

from codemods.names import Symbol, module_tail
from migrator.config import Config
from migrator.findings import (
    CallReport,
    Compliance,
    FactoryReport,
    Finding,
    Location,
    Shim,
    SymbolReport,
)
from migrator.index import Index
from migrator.moduleinfo import ModuleInfo


def owner_symbol(index: Index, value: str, reports: list[SymbolReport]) -> str:
    parts = value.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module, attr = ".".join(parts[:cut]), parts[cut]
        if index.has_module(module):
            res = index.resolve(module, attr)
            if res is not None:
                for r in reports:
                    if str(res.target) == r.canonical:
                        return r.canonical
            if module in {Symbol.parse(r.canonical).module for r in reports}:
                break
    for r in reports:
        mod = Symbol.parse(r.canonical).module
        if value == mod or any(value.startswith(a.split(":")[0]) for a in r.aliases):
            return r.canonical
    return reports[0].canonical if reports else ""


def module_moves(index: Index, canonical_modules: set[str]) -> dict[str, str]:
    """Re-export modules whose every export comes from one canonical module."""
    moves: dict[str, str] = {}
    for module, info in index.modules.items():
        if not info.reexport_only or info.is_package or module in canonical_modules:
            continue
        homes: set[str] = set()
        for name in index.module_names(module):
            if name.startswith("__"):
                continue
            res = index.resolve(module, name)
            if res is None or res.conditional or res.target.is_module:
                homes.add("?")
                break
            homes.add(res.target.module)
        if len(homes) == 1:
            (home,) = homes
            if home in canonical_modules:
                moves[module] = home
    return moves


def boundaries(config: Config, infos: Iterable[ModuleInfo]) -> tuple[Finding, ...]:
    services = config.services
    shared = config.shared
    if not services:
        return ()

    def owner(module: str) -> str | None:
        best = None
        for s in services:
            if (module == s or module.startswith(s + ".")) and (best is None or len(s) > len(best)):
                best = s
        for s in shared:
            if module == s or module.startswith(s + "."):
                return None
        return best

    out: list[Finding] = []
    for info in sorted(infos, key=lambda x: x.path):
        if not info.ok or not info.module:
            continue
        mine = owner(info.module)
        if mine is None:
            continue
        for stmt in info.imports:
            mods = [stmt.module] if stmt.kind == "from" else [n.name for n in stmt.names]
            for m in mods:
                other = owner(m) if m else None
                if other is not None and other != mine:
                    out.append(
                        Finding(
                            info.path,
                            stmt.line,
                            "cross_service",
                            f"{mine} imports {m} from service {other}",
                        )
                    )
                    break
    return tuple(out)


def shims(
    index: Index,
    infos: Iterable[ModuleInfo],
    reports: list[SymbolReport],
    string_map: dict[str, str],
    module_moves: dict[str, str],
    unparseable: Iterable[ModuleInfo],
) -> list[Shim]:
    infos = [i for i in infos if i.ok]
    legacy_modules: set[str] = set()
    for r in reports:
        for a in r.aliases:
            legacy_modules.add(a.split(":", 1)[0])
    candidates = sorted(
        m
        for m in legacy_modules
        if m in index.modules and index.modules[m].reexport_only and not index.modules[m].is_package
    )
    rewritten: set[tuple[str, int]] = {
        (i.path, i.line) for r in reports for i in r.imports if i.status == "fragmented"
    }
    shims: list[Shim] = []
    unparseable_text = list(unparseable)
    users_now: dict[str, list[Location]] = {m: [] for m in candidates}
    users_after: dict[str, list[Location]] = {m: [] for m in candidates}
    for info in infos:
        for stmt in info.imports:
            mods: list[str] = []
            if stmt.kind == "from" and stmt.module:
                mods.append(stmt.module)
                mods.extend(f"{stmt.module}.{n.name}" for n in stmt.names)
            elif stmt.kind == "import":
                mods.extend(n.name for n in stmt.names)
            for m in mods:
                if m in users_now and info.module != m:
                    loc = Location(info.path, stmt.line)
                    users_now[m].append(loc)
                    if (info.path, stmt.line) not in rewritten:
                        users_after[m].append(loc)
        for s in info.strings:
            for m in candidates:
                if s.value == m or s.value.startswith(m + "."):
                    loc = Location(info.path, s.line)
                    users_now[m].append(loc)
                    rewritable = s.value in module_moves or any(
                        s.value == k or s.value.startswith(k + ".") for k in string_map
                    )
                    if not rewritable or info.skip_file:
                        users_after[m].append(loc)
    # A shim only used by shims that go away goes away too.
    after_ok = {m for m in candidates}
    by_path = {i.path: i for i in infos}
    changed = True
    while changed:
        changed = False
        for m in list(after_ok):
            for loc in users_after[m]:
                user = by_path.get(loc.path)
                if user is None or user.module not in after_ok:
                    after_ok.discard(m)
                    changed = True
                    break
    for m in candidates:
        info = index.modules[m]
        tail = module_tail(m)
        risky = any(
            tail in (u.error or "") or u.path.endswith(f"/{tail}.py") for u in unparseable_text
        )
        now_ok = not users_now[m] and not risky
        shims.append(Shim(m, info.path, tuple(users_now[m]), now_ok, (m in after_ok) and not risky))
    return shims


def compliance(
    symbols: list[SymbolReport],
    factories: list[FactoryReport],
    calls: list[CallReport],
    singletons: tuple[Finding, ...],
    boundary: tuple[Finding, ...],
    shared: tuple[Finding, ...],
    files_scanned: int,
) -> Compliance:
    total = sum(s.imports_total for s in symbols)
    canonical = sum(s.count("canonical") for s in symbols)
    fragmented = sum(s.count("fragmented") for s in symbols)
    usage = round(100.0 * canonical / total, 1) if total else 100.0
    dup_count = sum(1 for f in factories for d in f.duplicates if d.kind != "alias")
    legacy_sites = sum(len(d.call_sites) for f in factories for d in f.duplicates) + sum(
        len(c.call_sites) for c in calls
    )
    dirty: set[str] = {f.path for f in (*singletons, *boundary, *shared)}
    dirty |= {d.path for f in factories for d in f.duplicates if d.kind != "alias"}
    dirty |= {loc.path for f in factories for d in f.duplicates for loc in d.call_sites}
    dirty |= {loc.path for c in calls for loc in c.call_sites}
    files = files_scanned or 1
    clean = round(100.0 * (files - len(dirty)) / files, 1)
    score = round(0.7 * usage + 0.3 * clean, 1)
    return Compliance(
        score=score,
        canonical_usage_pct=usage,
        clean_files_pct=clean,
        files_with_findings=len(dirty),
        imports_total=total,
        imports_fragmented=fragmented,
        singleton_violations=len(singletons),
        boundary_violations=len(boundary),
        shared_state=len(shared),
        duplicate_factories=dup_count,
        legacy_call_sites=legacy_sites,
    )
