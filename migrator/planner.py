"""The planner: from a repository and its config to findings (a ``Report``) and per-file ``FileSpec``s."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from codemods.names import Symbol, module_tail
from codemods.spec import FileSpec, SymbolTarget
from migrator.config import Config, load_config
from migrator.consolidation import Consolidation
from migrator.errors import ConfigError
from migrator.files import SourceFile
from migrator.findings import (
    Finding,
    ImportFinding,
    Plan,
    Report,
    StringReference,
    SymbolReport,
    Unparseable,
)
from migrator.imports import imports_of, legacy_paths
from migrator.index import Index, Target
from migrator.scan import Progress, Reader, Scanner
from migrator.structure import boundaries, compliance, module_moves, owner_symbol
from migrator.structure import shims as find_shims


@dataclass(frozen=True, slots=True)
class PlanOptions:
    jobs: int | None = None
    use_cache: bool = True
    strings: Literal["code", "all"] = "code"


class Planner:
    def __init__(
        self,
        config: Config,
        options: PlanOptions,
        progress: Progress | None = None,
        *,
        files: list[SourceFile] | None = None,
        reader: Reader | None = None,
    ) -> None:
        """``files`` and ``reader`` plan another snapshot than the work tree (a git commit)."""
        self.config = config
        self.options = options
        self.scanner = Scanner(
            config,
            jobs=options.jobs,
            use_cache=options.use_cache,
            progress=progress,
            files=files,
            reader=reader,
        )
        self.notes: list[Finding] = []
        self.calls = Consolidation(config, self._require)

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
            legacy, conditional = legacy_paths(index, target, sc.legacy)
            legacy_set = {str(s) for s in legacy}
            all_legacy |= {s.module for s in legacy}
            imports: list[ImportFinding] = []
            cond_imports: list[ImportFinding] = []
            reexports: list[ImportFinding] = []
            per_file_aliases: dict[str, set[str]] = {}
            for info in sorted(infos.values(), key=lambda x: x.path):
                if not info.ok or info.module == target.module:
                    continue
                for imp, is_cond in imports_of(index, info, target, legacy_set, sc.rename_aliases):
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
            direct = self.calls.direct_constructions(index, infos.values(), target)
            same_name = self.calls.same_name_classes(index, infos.values(), target)
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
        moves = module_moves(index, canonical_modules)
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
                if repl is None and s.context == "import_module" and s.value in moves:
                    repl = moves[s.value]
                if repl is None or repl == s.value:
                    continue
                ref = StringReference(info.path, s.line, s.value, repl, s.context)
                owner = owner_symbol(index, s.value, symbol_reports)
                string_refs.setdefault(owner, []).append(ref)
                file_work.add(info.path)
        symbol_reports = [
            _replace_strings(r, tuple(string_refs.get(r.canonical, ()))) for r in symbol_reports
        ]

        factories, factory_calls = self.calls.factories(index, infos.values())
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
                    for imp, cond in imports_of(index, info, canon_target, alias_dups)
                    if not cond and imp.status == "fragmented" and imp.via in alias_dups
                }
                if vias:
                    specs_symbols.setdefault(info.path, []).append(
                        SymbolTarget(fr.canonical, frozenset(vias), True)
                    )
                    file_work.add(info.path)
        calls_reports, call_rewrites = self.calls.calls(index, infos.values())
        for path in factory_calls:
            file_work.add(path)
        for path in call_rewrites:
            file_work.add(path)
        construct = self.calls.construct_rewrites(index, infos.values())
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
        boundary = boundaries(self.config, infos.values())
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

        shims = find_shims(
            index,
            infos.values(),
            symbol_reports,
            string_map,
            moves,
            [i for i in infos.values() if not i.ok],
        )

        # per-file specs
        specs: list[FileSpec] = []
        all_string_pairs = {**string_map, **moves}
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

        score = compliance(
            symbol_reports,
            factories,
            calls_reports,
            singletons,
            boundary,
            shared_state,
            len(self.scanner.result.files),
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
            compliance=score,
            notes=tuple(self.notes),
            config_fingerprint=self.config.fingerprint(),
        )
        retire = tuple(s.path for s in shims if s.retirable_after_migration)
        return Plan(report=report, specs=tuple(specs), retire=retire)


def _replace_strings(report: SymbolReport, refs: tuple[StringReference, ...]) -> SymbolReport:
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
    options = options or PlanOptions()
    planner = Planner(config, options, progress)
    if not options.use_cache:
        return planner.build()
    # An unchanged repository (every file's mtime and size, the config, the options and the tool
    # version) gets the plan it had last time, without reading a single source file.
    key = planner.scanner.snapshot_key(repr((config.fingerprint(), options.strings)))
    cached = planner.scanner.cache.get_plan(key)
    if isinstance(cached, Plan):
        report = dataclasses.replace(cached.report, files_from_cache=cached.report.files_parsed)
        return dataclasses.replace(cached, report=report)
    plan = planner.build()
    planner.scanner.cache.put_plan(key, plan)
    return plan
