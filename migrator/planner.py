"""The planner: from a repository and its config to findings (a ``Report``) and per-file ``FileSpec``s."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pathspec

from codemods.spec import CallRewrite, FileSpec, SymbolTarget
from migrator.analysis import ImportedName, ImportStmt, ModuleInfo
from migrator.config import Config, load_config
from migrator.errors import ConfigError
from migrator.findings import (
    CallReport,
    Compliance,
    Duplicate,
    FactoryReport,
    Finding,
    ImportFinding,
    Location,
    Plan,
    Report,
    Shim,
    StringReference,
    SymbolReport,
    Unparseable,
)
from migrator.index import Index, Resolution, Target
from migrator.names import Symbol, module_tail
from migrator.scan import Progress, Scanner


@dataclass(frozen=True, slots=True)
class PlanOptions:
    jobs: int | None = None
    use_cache: bool = True
    strings: Literal["code", "all"] = "code"


class _Namespace:
    """Resolves local names of one file: its imports (any scope), its module-level bindings, stars."""

    def __init__(self, index: Index, info: ModuleInfo) -> None:
        self.index = index
        self.info = info
        self.locals: dict[str, tuple[ImportStmt, ImportedName]] = {}
        self.stars = [s for s in info.imports if s.is_star and s.module]
        for stmt in info.imports:
            for n in stmt.names:
                if n.name != "*":
                    self.locals.setdefault(n.local, (stmt, n))

    def resolve(self, dotted: str) -> tuple[Resolution | None, str | None]:
        """(resolution, the ``module:Name`` path it was imported through, if any)."""
        root, _, rest = dotted.partition(".")
        res: Resolution | None = None
        via: str | None = None
        entry = self.locals.get(root)
        if entry is not None:
            stmt, n = entry
            if stmt.kind == "from":
                if stmt.module is None:
                    return None, None
                res = self.index.resolve(stmt.module, n.name)
                via = f"{stmt.module}:{n.name}"
            else:
                mod = n.name if n.asname else n.name.split(".", 1)[0]
                res = Resolution(Target(mod, "", "module"))
        elif self.info.module and root in self.index.bindings(self.info.module):
            res = self.index.resolve(self.info.module, root)
        else:
            for star in self.stars:
                assert star.module is not None
                if root in self.index.exports(star.module):
                    res = self.index.resolve(star.module, root)
                    via = f"{star.module}:{root}"
                    break
        return self.index.walk_attrs(res, rest), via


def _walk_modules(index: Index, base: str, attrs: str) -> tuple[Resolution | None, str]:
    """Resolve ``attrs`` on module ``base``; also return the module the last attribute was read from."""
    res: Resolution | None = Resolution(Target(base, "", "module"))
    accessed = base
    for part in attrs.split("."):
        if res is None:
            return None, accessed
        if not res.target.is_module:
            return index.walk_attrs(res, part), accessed
        accessed = res.target.module
        res = index.resolve(accessed, part)
    return res, accessed


class Planner:
    def __init__(
        self, config: Config, options: PlanOptions, progress: Progress | None = None
    ) -> None:
        self.config = config
        self.options = options
        self.scanner = Scanner(
            config, jobs=options.jobs, use_cache=options.use_cache, progress=progress
        )
        self.notes: list[Finding] = []

    # -- scanning ----------------------------------------------------------------------------
    def _initial_words(self) -> set[str]:
        words: set[str] = set()

        def add(sym: Symbol) -> None:
            # A file can only use `module:Name` by writing Name (or a string naming the module).
            words.add(sym.name)
            words.add(sym.last)
            words.add(sym.module)

        for s in self.config.symbols:
            add(s.canonical)
            for leg in s.legacy:
                add(leg)
            if s.construct_via:
                add(s.construct_via)
        for f in self.config.factories:
            add(f.canonical)
            for d in f.duplicates:
                add(d)
        for c in self.config.calls:
            add(c.old)
            add(c.new)
        return words

    def _relevant_targets(self, index: Index) -> list[Target]:
        targets: list[Target] = []
        syms = [s.canonical for s in self.config.symbols]
        syms += [f.canonical for f in self.config.factories]
        syms += [d for f in self.config.factories for d in f.duplicates]
        syms += [c.old for c in self.config.calls]
        for sym in syms:
            res = index.resolve_path(sym.module, sym.attr) if index.has_module(sym.module) else None
            if res is not None and res.target not in targets:
                targets.append(res.target)
        return targets

    def scan(self) -> Index:
        self._known = [f.module for f in self.scanner.result.files if f.module]
        words = self._initial_words()
        self.scanner.scan(words, first=True)
        index = Index(self.scanner.result.infos.values(), self._known)
        for _ in range(50):  # grows until nothing new is found; the bound only guards against bugs
            targets = self._relevant_targets(index)
            new_words: set[str] = set()
            star_tails: set[str] = set()
            for module in list(index.modules):
                for name in index.module_names(module):
                    res = index.resolve(module, name)
                    if res is not None and any(res.may_be(t) for t in targets):
                        # Importers write the name; only `from module import *` does not.
                        new_words.add(name)
                        star_tails.add(module_tail(module))
                        if index.modules[module].reexport_only:
                            new_words.add(module)  # import_module("legacy.shim") and the like
            if not self.scanner.scan(new_words, star_tails):
                break
            index = Index(self.scanner.result.infos.values(), self._known)
        return index

    # -- validation --------------------------------------------------------------------------
    def _require(self, index: Index, key: str, sym: Symbol, *, defined: bool = True) -> Target:
        where = self.config.source or Path("migrator.toml")
        if not index.has_module(sym.module):
            raise ConfigError(
                f"{where}: {key}: '{sym}' not found: no module {sym.module} in the repository"
            )
        res = index.resolve_path(sym.module, sym.attr)
        if res is None or res.target.kind == "external":
            raise ConfigError(
                f"{where}: {key}: '{sym}' not found: {sym.module} does not define {sym.attr}"
            )
        if defined and res.target.symbol != sym:
            raise ConfigError(
                f"{where}: {key}: '{sym}' is not defined there: it resolves to '{res.target}', use that"
            )
        return res.target

    # -- findings ----------------------------------------------------------------------------
    def _legacy_paths(
        self, index: Index, target: Target, configured: Iterable[Symbol]
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

    def _name_taken(self, index: Index, info: ModuleInfo, name: str, target: Target) -> bool:
        """Is ``name`` bound in this file to something other than ``target`` (so an ``as`` alias of
        the canonical symbol cannot become its canonical name)?"""
        if info.module:
            for b in index.bindings(info.module).get(name, []):
                if b.kind in ("def", "class", "other"):
                    return True
        ns = _Namespace(index, info)
        entry = ns.locals.get(name)
        if entry is not None:
            res, _ = ns.resolve(name)
            return res is None or res.target != target
        return False

    def _imports_of(
        self,
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
                        taken = self._name_taken(index, info, target.attr, target)
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
                            r2, accessed = _walk_modules(index, res.target.module, use.attrs)
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
                    r2, accessed = _walk_modules(index, base, use.attrs)
                    if r2 is not None and r2.may_be(target):
                        canonical = accessed == target.module
                        v = f"{accessed}:{target.attr}"
                        yield (
                            finding(stmt, pattern, "import", v, n.local, canonical),
                            r2.conditional and v not in legacy,
                        )
                        break

    def build(self) -> Plan:
        index = self.scan()
        infos = self.scanner.result.infos
        config = self.config
        modules_by_path = {i.path: i for i in infos.values()}

        symbol_reports: list[SymbolReport] = []
        specs_symbols: dict[str, list[SymbolTarget]] = {}
        string_map: dict[str, str] = {}
        keep_names: dict[str, set[str]] = {}
        canonical_modules: set[str] = set()
        users: dict[str, list[tuple[ImportFinding, bool]]] = {}  # via -> (finding, rewritable)
        all_legacy: set[str] = set()
        file_work: set[str] = set()
        renames: list[tuple[str, str, str, str]] = []  # (path, module, local, canonical name)

        for i, sc in enumerate(config.symbols):
            target = self._require(index, f"symbols[{i}].canonical", sc.canonical)
            canonical_modules.add(target.module)
            for j, leg in enumerate(sc.legacy):
                if not index.has_module(leg.module):
                    self.notes.append(
                        Finding(
                            str(config.source or ""),
                            0,
                            "legacy-missing",
                            f"symbols[{i}].legacy[{j}]: no module {leg.module} in the repository",
                        )
                    )
            legacy, conditional = self._legacy_paths(index, target, sc.legacy)
            legacy_set = {str(s) for s in legacy}
            all_legacy |= {s.module for s in legacy}
            imports: list[ImportFinding] = []
            cond_imports: list[ImportFinding] = []
            reexports: list[ImportFinding] = []
            per_file_aliases: dict[str, set[str]] = {}
            for info in sorted(infos.values(), key=lambda x: x.path):
                if not info.ok or info.module == target.module:
                    continue
                for imp, is_cond in self._imports_of(
                    index, info, target, legacy_set, sc.rename_aliases
                ):
                    if is_cond:
                        cond_imports.append(imp)
                        continue
                    if info.reexport_only and imp.scope == "module":
                        reexports.append(imp)
                        continue
                    if info.skip_file:
                        self.notes.append(
                            Finding(
                                info.path,
                                imp.line,
                                "skip-file",
                                f"{imp.pattern} kept: file has '# migrator: skip-file'",
                            )
                        )
                        users.setdefault(imp.via, []).append((imp, False))
                        continue
                    imports.append(imp)
                    rewritable = imp.status == "fragmented"
                    users.setdefault(imp.via, []).append((imp, rewritable))
                    if rewritable:
                        per_file_aliases.setdefault(info.path, set()).add(imp.via)
                        file_work.add(info.path)
            # strings naming legacy paths
            for sym in legacy:
                string_map[sym.dotted] = f"{target.module}.{target.attr}"
            # module-level aliases that may be renamed (cross-file consistency)
            if sc.rename_aliases:
                for imp in imports:
                    if (
                        imp.status != "fragmented"
                        or imp.scope != "module"
                        or imp.local == target.attr
                    ):
                        continue
                    info = modules_by_path[imp.path]
                    renames.append((imp.path, info.module, imp.local, target.attr))
            direct = self._direct_constructions(index, infos.values(), target)
            same_name = self._same_name_classes(index, infos.values(), target)
            symbol_reports.append(
                SymbolReport(
                    canonical=str(target.symbol),
                    aliases=tuple(str(s) for s in legacy),
                    conditional_aliases=tuple(str(s) for s in conditional),
                    imports=tuple(imports),
                    conditional_imports=tuple(cond_imports),
                    reexports=tuple(reexports),
                    string_references=(),
                    direct_constructions=tuple(direct),
                    same_name_classes=tuple(same_name),
                )
            )
            for path, aliases in per_file_aliases.items():
                specs_symbols.setdefault(path, []).append(
                    SymbolTarget(
                        str(target.symbol),
                        frozenset(aliases | {str(s) for s in sc.legacy}),
                        sc.rename_aliases,
                    )
                )

        # Renames are safe only when every user of the binding is rewritten in this run.
        for path, module, local, canon_name in renames:
            info = modules_by_path[path]
            via = f"{module}:{local}"
            blocked = (
                not module
                or any(not ok for _, ok in users.get(via, []))
                or (info.all_names is not None and local in info.all_names)
                or (
                    canon_name in {b.name for b in info.bindings if b.name != local}
                    and not any(b.kind == "from" and b.name == canon_name for b in info.bindings)
                )
                or any(
                    s.value == f"{module}.{local}" and other.skip_file
                    for other in infos.values()
                    for s in other.strings
                )
            )
            if blocked:
                keep_names.setdefault(path, set()).add(local)
            elif module:
                string_map.setdefault(f"{module}.{local}", f"{module}.{canon_name}")

        # string references
        string_refs: dict[str, list[StringReference]] = {}
        module_moves = self._module_moves(index, canonical_modules)
        keys = sorted(string_map, key=len, reverse=True)
        for info in sorted(infos.values(), key=lambda x: x.path):
            if not info.ok or info.skip_file:
                continue
            for s in info.strings:
                repl = None
                for k in keys:
                    if s.value == k or s.value.startswith(k + "."):
                        repl = string_map[k] + s.value[len(k) :]
                        break
                if repl is None and s.context == "import_module" and s.value in module_moves:
                    repl = module_moves[s.value]
                if repl is None or repl == s.value:
                    continue
                ref = StringReference(info.path, s.line, s.value, repl, s.context)
                owner = self._owner_symbol(index, s.value, symbol_reports)
                string_refs.setdefault(owner, []).append(ref)
                file_work.add(info.path)
        symbol_reports = [
            _replace_strings(r, tuple(string_refs.get(r.canonical, ()))) for r in symbol_reports
        ]

        factories, factory_calls = self._factories(index, infos.values())
        for fr in factories:
            canon = Symbol.parse(fr.canonical)
            canon_target = Target(canon.module, canon.attr, "class")
            alias_dups = {d.symbol for d in fr.duplicates if d.kind == "alias"}
            if not alias_dups:
                continue
            names = {Symbol.parse(a).attr for a in alias_dups}
            for info in sorted(infos.values(), key=lambda x: x.path):
                if (
                    not info.ok
                    or info.skip_file
                    or info.reexport_only
                    or not (names & info.name_loads)
                ):
                    continue
                vias = {
                    imp.via
                    for imp, cond in self._imports_of(index, info, canon_target, alias_dups)
                    if not cond and imp.status == "fragmented" and imp.via in alias_dups
                }
                if vias:
                    specs_symbols.setdefault(info.path, []).append(
                        SymbolTarget(fr.canonical, frozenset(vias), True)
                    )
                    file_work.add(info.path)
        calls_reports, call_rewrites = self._calls(index, infos.values())
        for path in factory_calls:
            file_work.add(path)
        for path in call_rewrites:
            file_work.add(path)
        construct = self._construct_rewrites(index, infos.values())
        for path in construct:
            file_work.add(path)

        singletons = tuple(
            Finding(i.path, f.line, f.kind, f.detail)
            for i in sorted(infos.values(), key=lambda x: x.path)
            for f in i.singletons
        )
        shared_state = tuple(
            Finding(i.path, f.line, f.kind, f.detail)
            for i in sorted(infos.values(), key=lambda x: x.path)
            for f in i.shared_state
        )
        boundary = self._boundaries(infos.values())
        unparseable = tuple(
            sorted(
                (
                    Unparseable(i.path, i.error_line or 1, i.error or "")
                    for i in infos.values()
                    if not i.ok
                ),
                key=lambda u: u.path,
            )
        ) + tuple(
            Unparseable(p, 1, f"cannot read: {e}")
            for p, e in sorted(self.scanner.result.read_errors.items())
        )

        shims = self._shims(index, infos.values(), symbol_reports, string_map, module_moves)

        # per-file specs
        specs: list[FileSpec] = []
        all_string_pairs = {**string_map, **module_moves}
        for path in sorted(file_work):
            info = modules_by_path[path]
            if not info.ok or info.skip_file:
                continue
            own_strings = tuple(
                sorted(
                    {
                        (k, v)
                        for k, v in all_string_pairs.items()
                        if any(s.value == k or s.value.startswith(k + ".") for s in info.strings)
                    }
                )
            )
            calls = (
                tuple(factory_calls.get(path, ()))
                + tuple(call_rewrites.get(path, ()))
                + tuple(construct.get(path, ()))
            )
            spec = FileSpec(
                path=path,
                module=info.module,
                is_package=info.is_package,
                symbols=tuple(specs_symbols.get(path, ())),
                keep_local_names=frozenset(keep_names.get(path, ())),
                string_map=own_strings,
                strings=self.options.strings,
                calls=calls,
                rewrite_imports=not (info.module in canonical_modules or info.reexport_only),
            )
            if spec.symbols or spec.string_map or spec.calls:
                specs.append(spec)

        compliance = self._compliance(
            symbol_reports, factories, calls_reports, singletons, boundary, shared_state
        )
        report = Report(
            root=str(self.config.root),
            files_scanned=len(self.scanner.result.files),
            files_parsed=len(infos),
            files_from_cache=self.scanner.result.parsed_from_cache,
            unparseable=unparseable,
            symbols=tuple(symbol_reports),
            factories=tuple(factories),
            calls=tuple(calls_reports),
            singletons=singletons,
            boundary_violations=boundary,
            shared_state=shared_state,
            shims=tuple(shims),
            compliance=compliance,
            notes=tuple(self.notes),
            config_fingerprint=self.config.fingerprint(),
        )
        retire = tuple(s.path for s in shims if s.retirable_after_migration)
        return Plan(report=report, specs=tuple(specs), retire=retire)

    def _owner_symbol(self, index: Index, value: str, reports: list[SymbolReport]) -> str:
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

    def _module_moves(self, index: Index, canonical_modules: set[str]) -> dict[str, str]:
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

    def _direct_constructions(
        self, index: Index, infos: Iterable[ModuleInfo], target: Target
    ) -> list[Location]:
        out: list[Location] = []
        factory_modules = {f.canonical.module for f in self.config.factories}
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or info.module == target.module or info.module in factory_modules:
                continue
            ns: _Namespace | None = None
            for call in info.calls:
                if call.callee.rsplit(".", 1)[-1] not in info.name_loads and "." not in call.callee:
                    continue
                ns = ns or _Namespace(index, info)
                res, _ = ns.resolve(call.callee)
                if res is not None and res.target == target and not res.conditional:
                    out.append(Location(info.path, call.line))
        return out

    def _same_name_classes(
        self, index: Index, infos: Iterable[ModuleInfo], target: Target
    ) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or not info.module:
                continue
            for cls in info.classes:
                if cls.name == target.attr and info.module != target.module:
                    out.append(
                        (f"{info.module}:{cls.name}", self._classify(index, info, cls.name, target))
                    )
        return out

    def _classify(
        self, index: Index, info: ModuleInfo, name: str, target: Target
    ) -> Literal["alias", "wrapper", "independent"]:
        res = index.resolve(info.module, name) if info.module else None
        if res is not None and res.target == target:
            return "alias"
        cls = next((c for c in info.classes if c.name == name), None)
        if cls is None:
            return "independent"
        ns = _Namespace(index, info)
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

    def _calls_to(
        self,
        index: Index,
        infos: Iterable[ModuleInfo],
        match: Target,
        *,
        exclude_module: str = "",
        via_only: str | None = None,
    ) -> dict[str, list[tuple[int, str | None]]]:
        """Call sites whose callee is ``match`` or an attribute of it: path -> [(line, via)]."""
        out: dict[str, list[tuple[int, str | None]]] = {}
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or (exclude_module and info.module == exclude_module):
                continue
            ns: _Namespace | None = None
            for call in info.calls:
                ns = ns or _Namespace(index, info)
                res, via = ns.resolve(call.callee)
                if res is None:
                    continue
                t = res.target
                hit = t == match or (
                    t.module == match.module and match.attr and t.attr.startswith(match.attr + ".")
                )
                if not hit:
                    continue
                if via_only is not None and via != via_only:
                    continue
                out.setdefault(info.path, []).append((call.line, via))
        return out

    def _factories(
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
                    sites = self._calls_to(
                        index, infos, canon, exclude_module=d.module, via_only=str(d)
                    )
                else:
                    def_info = index.modules.get(res.target.module, info)
                    kind = self._classify(index, def_info, res.target.attr, canon)
                    sites = self._calls_to(
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
                locs = tuple(
                    Location(p, line_) for p, items in sorted(sites.items()) for line_, _ in items
                )
                out.append(
                    Duplicate(
                        str(d), info.path, line, kind, locs, kind == "alias" or bool(fc.methods)
                    )
                )
            helpers = self._factory_helpers(index, infos, canon)
            reports.append(FactoryReport(str(canon.symbol), tuple(out), tuple(helpers)))
        return reports, rewrites

    def _factory_helpers(
        self, index: Index, infos: list[ModuleInfo], canon: Target
    ) -> list[Location]:
        out: list[Location] = []
        for info in sorted(infos, key=lambda x: x.path):
            if not info.ok or info.module == canon.module:
                continue
            ns: _Namespace | None = None
            for fn in info.functions:
                if not fn.name.startswith(("create_", "get_", "make_", "build_")):
                    continue
                ns = ns or _Namespace(index, info)
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

    def _calls(
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
            sites = self._calls_to(index, infos, old, exclude_module=old.module)
            for path, items in sites.items():
                vias = frozenset(v for _, v in items if v) - {str(old.symbol)}
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
            reports.append(
                CallReport(
                    str(old.symbol),
                    str(cc.new),
                    tuple(Location(p, ln) for p, items in sorted(sites.items()) for ln, _ in items),
                )
            )
        return reports, rewrites

    def _construct_rewrites(
        self, index: Index, infos: Iterable[ModuleInfo]
    ) -> dict[str, list[CallRewrite]]:
        out: dict[str, list[CallRewrite]] = {}
        infos = list(infos)
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
            for path, items in self._calls_to(
                index, infos, target.target, exclude_module=target.target.module
            ).items():
                info = next(i for i in infos if i.path == path)
                if info.module == sc.construct_via.module or (
                    exclude is not None and exclude.match_file(path)
                ):
                    continue
                if any(fnmatch.fnmatch(path, g) for g in sc.construct_exclude):
                    continue
                if not any(t.target.attr == target.target.attr for t in [target]):
                    continue
                # only direct construction `UserEngine(...)`, not `UserEngine.method(...)`
                direct = [
                    (ln, v) for ln, v in items if self._is_direct(index, info, ln, target.target)
                ]
                if direct:
                    vias = frozenset(v for _, v in direct if v) - {str(sc.canonical)}
                    out.setdefault(path, []).append(
                        CallRewrite(
                            old=str(sc.canonical),
                            new=str(sc.construct_via),
                            old_aliases=vias,
                            kind="construct",
                        )
                    )
        return out

    def _is_direct(self, index: Index, info: ModuleInfo, line: int, target: Target) -> bool:
        ns = _Namespace(index, info)
        for call in info.calls:
            if call.line == line:
                res, _ = ns.resolve(call.callee)
                if res is not None and res.target == target:
                    return True
        return False

    def _boundaries(self, infos: Iterable[ModuleInfo]) -> tuple[Finding, ...]:
        services = self.config.services
        shared = self.config.shared
        if not services:
            return ()

        def owner(module: str) -> str | None:
            best = None
            for s in services:
                if (module == s or module.startswith(s + ".")) and (
                    best is None or len(s) > len(best)
                ):
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

    def _shims(
        self,
        index: Index,
        infos: Iterable[ModuleInfo],
        reports: list[SymbolReport],
        string_map: dict[str, str],
        module_moves: dict[str, str],
    ) -> list[Shim]:
        infos = [i for i in infos if i.ok]
        legacy_modules: set[str] = set()
        for r in reports:
            for a in r.aliases:
                legacy_modules.add(a.split(":", 1)[0])
        candidates = sorted(
            m
            for m in legacy_modules
            if m in index.modules
            and index.modules[m].reexport_only
            and not index.modules[m].is_package
        )
        rewritten: set[tuple[str, int]] = {
            (i.path, i.line) for r in reports for i in r.imports if i.status == "fragmented"
        }
        shims: list[Shim] = []
        unparseable_text = [i for i in self.scanner.result.infos.values() if not i.ok]
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
        changed = True
        while changed:
            changed = False
            for m in list(after_ok):
                for loc in users_after[m]:
                    user = next((i for i in infos if i.path == loc.path), None)
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
            shims.append(
                Shim(m, info.path, tuple(users_now[m]), now_ok, (m in after_ok) and not risky)
            )
        return shims

    def _compliance(
        self,
        symbols: list[SymbolReport],
        factories: list[FactoryReport],
        calls: list[CallReport],
        singletons: tuple[Finding, ...],
        boundary: tuple[Finding, ...],
        shared: tuple[Finding, ...],
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
        files = len(self.scanner.result.files) or 1
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


def _replace_strings(report: SymbolReport, refs: tuple[StringReference, ...]) -> SymbolReport:
    import dataclasses

    return dataclasses.replace(report, string_references=refs)


def make_plan(
    root: Path,
    *,
    config_path: Path | None = None,
    options: PlanOptions | None = None,
    progress: Progress | None = None,
    config: Config | None = None,
) -> Plan:
    """Scan ``root`` and build the plan (the library's main entry point)."""
    if config is None:
        config = load_config(root, config_path)
    return Planner(config, options or PlanOptions(), progress).build()
