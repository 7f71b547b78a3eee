"""Factories and call sites: duplicate factories with their kind and calls, `[[calls]]`,
`construct_via`, and the `CallRewrite`s the call-site codemod needs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

import pathspec

from codemods.names import Symbol
from codemods.spec import CallRewrite
from migrator.config import Config
from migrator.errors import ConfigError
from migrator.findings import CallReport, Duplicate, FactoryReport, Location
from migrator.index import Index, Target
from migrator.moduleinfo import ModuleInfo
from migrator.namespace import Namespace

Require = Callable[..., Target]


class Consolidation:
    """Call-site analysis over the index for one configuration."""

    def __init__(self, config: Config, require: Require) -> None:
        self.config = config
        self._require = require
        self._namespaces: dict[str, Namespace] = {}

    def namespace(self, index: Index, info: ModuleInfo) -> Namespace:
        """One memoising namespace per file: every call site is resolved once per plan."""
        ns = self._namespaces.get(info.path)
        if ns is None or ns.index is not index:
            ns = self._namespaces[info.path] = Namespace(index, info)
        return ns

    def direct_constructions(
        self, index: Index, infos: Iterable[ModuleInfo], target: Target
    ) -> list[Location]:
        out: list[Location] = []
        factory_modules = {f.canonical.module for f in self.config.factories}
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or info.module == target.module or info.module in factory_modules:
                continue
            ns: Namespace | None = None
            for call in info.calls:
                if call.callee.rsplit(".", 1)[-1] not in info.name_loads and "." not in call.callee:
                    continue
                ns = ns or self.namespace(index, info)
                res, _ = ns.resolve(call.callee)
                if res is not None and res.target == target and not res.conditional:
                    out.append(Location(info.path, call.line))
        return out

    def same_name_classes(
        self, index: Index, infos: Iterable[ModuleInfo], target: Target
    ) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or not info.module:
                continue
            for cls in info.classes:
                if cls.name == target.attr and info.module != target.module:
                    out.append(
                        (f"{info.module}:{cls.name}", self.classify(index, info, cls.name, target))
                    )
        return out

    def classify(
        self, index: Index, info: ModuleInfo, name: str, target: Target
    ) -> Literal["alias", "wrapper", "independent"]:
        res = index.resolve(info.module, name) if info.module else None
        if res is not None and res.target == target:
            return "alias"
        cls = next((c for c in info.classes if c.name == name), None)
        if cls is None:
            return "independent"
        ns = self.namespace(index, info)
        for dotted in (*cls.bases, *sorted(cls.mentions)):
            r, _ = ns.resolve(dotted)
            if r is not None and (
                r.target == target
                or (
                    r.target.module == target.module and r.target.attr.startswith(target.attr + ".")
                )
            ):
                return "wrapper"
        return "independent"

    def calls_to(
        self,
        index: Index,
        infos: Iterable[ModuleInfo],
        match: Target,
        *,
        exclude_module: str = "",
        via_only: str | None = None,
        exact: bool = False,
    ) -> dict[str, list[tuple[int, str | None, bool]]]:
        """Call sites whose callee is ``match`` or (unless ``exact``) an attribute of it:
        path -> [(line, via, kept)]."""
        out: dict[str, list[tuple[int, str | None, bool]]] = {}
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or (exclude_module and info.module == exclude_module):
                continue
            ns: Namespace | None = None
            for call in info.calls:
                ns = ns or self.namespace(index, info)
                res, via = ns.resolve(call.callee)
                if res is None:
                    continue
                t = res.target
                hit = t == match or (
                    not exact
                    and t.module == match.module
                    and bool(match.attr)
                    and t.attr.startswith(match.attr + ".")
                )
                if not hit:
                    continue
                if via_only is not None and via != via_only:
                    continue
                out.setdefault(info.path, []).append((call.line, via, call.keep))
        return out

    def factories(
        self, index: Index, infos: Iterable[ModuleInfo]
    ) -> tuple[list[FactoryReport], dict[str, list[CallRewrite]]]:
        infos = list(infos)
        reports: list[FactoryReport] = []
        rewrites: dict[str, list[CallRewrite]] = {}
        for i, fc in enumerate(self.config.factories):
            canon = self._require(index, f"factories[{i}].canonical", fc.canonical)
            dups: list[Symbol] = list(fc.duplicates)
            for info in infos:
                if info.ok and info.module and info.module != canon.module:
                    for cls in info.classes:
                        if cls.name == canon.attr and Symbol(info.module, cls.name) not in dups:
                            dups.append(Symbol(info.module, cls.name))
            # `Alias = Factory` in an ordinary module is a duplicate; re-export modules only re-export.
            for sym in index.aliases_of(canon)[0]:
                info = index.modules[sym.module]
                binds = index.bindings(sym.module).get(sym.attr, [])
                if (
                    not info.reexport_only
                    and any(b.kind == "alias" for b in binds)
                    and sym not in dups
                ):
                    dups.append(sym)
            out: list[Duplicate] = []
            for j, d in enumerate(dups):
                if not index.has_module(d.module):
                    raise ConfigError(
                        f"{self.config.source}: factories[{i}].duplicates[{j}]: '{d}' not found: no module {d.module}"
                    )
                res = index.resolve_path(d.module, d.attr)
                if res is None:
                    raise ConfigError(
                        f"{self.config.source}: factories[{i}].duplicates[{j}]: '{d}' not found"
                    )
                info = index.modules[d.module]
                line = next((b.line for b in info.bindings if b.name == d.name), 0)
                if res.target == canon:
                    kind: Literal["alias", "wrapper", "independent"] = "alias"
                    sites = self.calls_to(
                        index, infos, canon, exclude_module=d.module, via_only=str(d)
                    )
                else:
                    def_info = index.modules.get(res.target.module, info)
                    kind = self.classify(index, def_info, res.target.attr, canon)
                    sites = self.calls_to(
                        index, infos, res.target, exclude_module=res.target.module
                    )
                    if fc.methods:
                        for path in sites:
                            for old_m, new_m in fc.methods:
                                rewrites.setdefault(path, []).append(
                                    CallRewrite(
                                        old=f"{res.target.module}:{res.target.attr}.{old_m}",
                                        new=f"{canon.module}:{canon.attr}.{new_m}",
                                        old_aliases=frozenset({f"{d.module}:{d.attr}.{old_m}"})
                                        - {f"{res.target.module}:{res.target.attr}.{old_m}"},
                                        kind="factory",
                                    )
                                )
                locs, kept = _split(sites)
                out.append(
                    Duplicate(
                        str(d),
                        info.path,
                        line,
                        kind,
                        locs,
                        kind == "alias" or bool(fc.methods),
                        kept,
                    )
                )
            helpers = self.factory_helpers(index, infos, canon)
            reports.append(FactoryReport(str(canon.symbol), tuple(out), tuple(helpers)))
        return reports, rewrites

    def factory_helpers(
        self, index: Index, infos: list[ModuleInfo], canon: Target
    ) -> list[Location]:
        out: list[Location] = []
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or info.module == canon.module:
                continue
            ns: Namespace | None = None
            for fn in info.functions:
                if not fn.name.startswith(("create_", "get_", "make_", "build_")):
                    continue
                ns = ns or self.namespace(index, info)
                for dotted in sorted(fn.mentions):
                    r, _ = ns.resolve(dotted)
                    if (
                        r is not None
                        and r.target.module == canon.module
                        and (
                            r.target.attr == canon.attr
                            or r.target.attr.startswith(canon.attr + ".")
                        )
                    ):
                        out.append(Location(info.path, fn.line))
                        break
        return out

    def calls(
        self, index: Index, infos: Iterable[ModuleInfo]
    ) -> tuple[list[CallReport], dict[str, list[CallRewrite]]]:
        infos = list(infos)
        reports: list[CallReport] = []
        rewrites: dict[str, list[CallRewrite]] = {}
        for i, cc in enumerate(self.config.calls):
            old = self._require(index, f"calls[{i}].old", cc.old)
            self._require(index, f"calls[{i}].new", cc.new, defined=False)
            fn_info = index.modules.get(old.module)
            fn = (
                next((f for f in fn_info.functions if f.name == old.attr), None)
                if fn_info
                else None
            )
            sites = self.calls_to(index, infos, old, exclude_module=old.module)
            for path, items in sites.items():
                vias = frozenset(v for _, v, _ in items if v) - {str(old.symbol)}
                rewrites.setdefault(path, []).append(
                    CallRewrite(
                        old=str(old.symbol),
                        new=str(cc.new),
                        old_aliases=vias,
                        args=cc.args,
                        drop=frozenset(cc.drop),
                        add=cc.add,
                        positional=fn.params if fn else (),
                        known_keywords=None
                        if fn is None or fn.varkw
                        else frozenset((*fn.params, *fn.kwonly)),
                        kind="call",
                    )
                )
            locs, kept = _split(sites)
            reports.append(CallReport(str(old.symbol), str(cc.new), locs, kept))
        return reports, rewrites

    def construct_rewrites(
        self, index: Index, infos: Iterable[ModuleInfo]
    ) -> dict[str, list[CallRewrite]]:
        out: dict[str, list[CallRewrite]] = {}
        by_path = {i.path: i for i in infos}
        for sc in self.config.symbols:
            if sc.construct_via is None:
                continue
            target = index.resolve(sc.canonical.module, sc.canonical.name)
            if target is None:
                continue
            exclude = (
                pathspec.GitIgnoreSpec.from_lines(sc.construct_exclude)
                if sc.construct_exclude
                else None
            )
            # Only direct construction `UserEngine(...)`, not `UserEngine.method(...)`.
            direct = self.calls_to(
                index,
                by_path.values(),
                target.target,
                exclude_module=target.target.module,
                exact=True,
            )
            for path, items in direct.items():
                if by_path[path].module == sc.construct_via.module or (
                    exclude is not None and exclude.match_file(path)
                ):
                    continue
                if items:
                    vias = frozenset(v for _, v, _ in items if v) - {str(sc.canonical)}
                    out.setdefault(path, []).append(
                        CallRewrite(
                            old=str(sc.canonical),
                            new=str(sc.construct_via),
                            old_aliases=vias,
                            kind="construct",
                        )
                    )
        return out


def _split(
    sites: dict[str, list[tuple[int, str | None, bool]]],
) -> tuple[tuple[Location, ...], tuple[Location, ...]]:
    """(call sites to migrate, call sites kept with `# migrator: keep`), sorted."""
    ordered = [(p, ln, keep) for p, items in sorted(sites.items()) for ln, _, keep in items]
    return (
        tuple(Location(p, ln) for p, ln, keep in ordered if not keep),
        tuple(Location(p, ln) for p, ln, keep in ordered if keep),
    )
