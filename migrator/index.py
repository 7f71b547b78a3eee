"""The cross-module index: resolves what a name in a module really is, following re-export chains.

Resolution is static and safe on cycles: ``legacy.shim:Engine`` resolves through ``from x import *``
(honouring ``__all__``), ``from a import X as Y``, relative imports, ``Alias = X`` and ``Alias = mod.X``
to the place the object is defined. Bindings that exist only under ``if TYPE_CHECKING:`` do not exist at
run time and are ignored; a name bound differently on different branches (``try``/``except``) resolves
*conditionally*.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from codemods.names import Symbol
from migrator.moduleinfo import Binding, ModuleInfo


@dataclass(frozen=True, slots=True)
class Target:
    """What a name resolves to: a module object, or an attribute path defined in a module."""

    module: str
    attr: str = ""  # "" for a module object
    kind: str = "other"  # "module", "class", "def", "other", "external"

    @property
    def is_module(self) -> bool:
        return not self.attr

    @property
    def symbol(self) -> Symbol:
        return Symbol(self.module, self.attr)

    def __str__(self) -> str:
        return f"{self.module}:{self.attr}" if self.attr else self.module


@dataclass(frozen=True, slots=True)
class Resolution:
    """The target of a name, and whether that holds on every path (``conditional`` otherwise)."""

    target: Target
    conditional: bool = False
    alternatives: tuple[Target, ...] = ()

    def may_be(self, target: Target) -> bool:
        return self.target == target or target in self.alternatives


class Index:
    """Modules by name, with memoised resolution."""

    def __init__(self, modules: Iterable[ModuleInfo], known: Iterable[str] = ()) -> None:
        """``modules``: analysed files; ``known``: every module name in the repository (also the ones
        the prefilter did not parse), so ``import a.b.c`` walks through unparsed packages."""
        self.known: set[str] = set(known)
        self.modules: dict[str, ModuleInfo] = {}
        for info in modules:
            if info.module:
                self.known.add(info.module)
            if info.module and info.ok:
                # Two files claiming one module (two src roots): the first, by path, wins.
                self.modules.setdefault(info.module, info)
        self._bindings: dict[str, dict[str, list[Binding]]] = {}
        self._cache: dict[tuple[str, str], Resolution | None] = {}
        self._exports: dict[str, frozenset[str]] = {}
        self._hit_cycle = False

    # -- bindings ----------------------------------------------------------------------------
    def bindings(self, module: str) -> Mapping[str, list[Binding]]:
        found = self._bindings.get(module)
        if found is None:
            found = {}
            info = self.modules.get(module)
            if info is not None:
                for b in info.bindings:
                    if not b.type_checking:
                        found.setdefault(b.name, []).append(b)
            self._bindings[module] = found
        return found

    def has_module(self, module: str) -> bool:
        return module in self.modules

    def exports(self, module: str, _seen: frozenset[str] = frozenset()) -> frozenset[str]:
        """Names that ``from module import *`` binds (``__all__`` when static, else public names)."""
        cached = self._exports.get(module)
        if cached is not None:
            return cached
        info = self.modules.get(module)
        if info is None or module in _seen:
            return frozenset()
        if info.all_names is not None:
            result = frozenset(info.all_names)
        else:
            names = {n for n in self.bindings(module) if not n.startswith("_")}
            for star in info.stars:
                if star.module and not star.type_checking:
                    names |= self.exports(star.module, _seen | {module})
            result = frozenset(names)
        self._exports[module] = result
        return result

    # -- resolution --------------------------------------------------------------------------
    def resolve(self, module: str, name: str) -> Resolution | None:
        """Resolve ``module:name`` (a single attribute) to where it is defined."""
        return self._resolve(module, name, frozenset())

    def resolve_path(self, module: str, attr_path: str) -> Resolution | None:
        """Resolve ``module:a.b.c``: each step through module objects; past a class, stop there."""
        first, _, rest = attr_path.partition(".")
        res = self.resolve(module, first)
        return self.walk_attrs(res, rest)

    def resolve_in(self, module: str, dotted: str) -> Resolution | None:
        """Resolve a dotted expression written in ``module``'s namespace (``X``, ``mod.X``)."""
        return self.resolve_path(module, dotted)

    def walk_attrs(self, res: Resolution | None, rest: str) -> Resolution | None:
        if res is None or not rest:
            return res
        conditional = res.conditional
        for i, part in enumerate(rest.split(".")):
            target = res.target
            if target.is_module:
                nxt = self.resolve(target.module, part)
                if nxt is None:
                    return None
                conditional = conditional or nxt.conditional
                res = nxt
            else:
                tail = ".".join(rest.split(".")[i:])
                return Resolution(
                    Target(target.module, f"{target.attr}.{tail}", "attribute"), conditional
                )
        return (
            Resolution(res.target, conditional, res.alternatives)
            if conditional != res.conditional
            else res
        )

    def _resolve(
        self, module: str, name: str, seen: frozenset[tuple[str, str]]
    ) -> Resolution | None:
        key = (module, name)
        if key in self._cache:
            return self._cache[key]
        if key in seen:
            self._hit_cycle = True
            return None  # a cycle: nothing defines it
        outer, self._hit_cycle = self._hit_cycle, False
        result = self._resolve_uncached(module, name, seen | {key})
        if not self._hit_cycle:  # a result cut short by a cycle depends on where we came from
            self._cache[key] = result
        self._hit_cycle = outer or self._hit_cycle
        return result

    def _resolve_uncached(
        self, module: str, name: str, seen: frozenset[tuple[str, str]]
    ) -> Resolution | None:
        info = self.modules.get(module)
        if info is None:
            sub = f"{module}.{name}"
            if sub in self.known:
                return Resolution(Target(sub, "", "module"))
            return Resolution(Target(module, name, "external"))
        binds = self.bindings(module).get(name)
        if binds:
            # The last unconditional binding wins over everything before it.
            last_plain = max((i for i, b in enumerate(binds) if not b.conditional), default=-1)
            candidates = binds[last_plain:] if last_plain >= 0 else binds
            results = [self._resolve_binding(module, b, seen) for b in candidates]
            if any(r is None for r in results):
                known = [r for r in results if r is not None]
                if not known:
                    return None
                return Resolution(known[0].target, True, tuple(r.target for r in known))
            targets: list[Target] = []
            conditional = False
            for r in results:
                assert r is not None
                conditional = conditional or r.conditional
                for t in (r.target, *r.alternatives):
                    if t not in targets:
                        targets.append(t)
            if len(targets) == 1:
                return Resolution(targets[0], conditional)
            return Resolution(targets[-1] if last_plain >= 0 else targets[0], True, tuple(targets))
        for star in info.stars:
            if star.module is None or star.type_checking:
                continue
            if name in self.exports(star.module):
                res = self._resolve(star.module, name, seen)
                if res is not None:
                    return Resolution(res.target, res.conditional or star.in_try, res.alternatives)
        sub = f"{module}.{name}"
        if sub in self.known:
            return Resolution(Target(sub, "", "module"))
        return None

    def _resolve_binding(
        self, module: str, b: Binding, seen: frozenset[tuple[str, str]]
    ) -> Resolution | None:
        if b.kind in ("def", "class", "other"):
            return Resolution(Target(module, b.name, b.kind))
        if b.kind == "module":
            return Resolution(Target(b.target, "", "module"))
        if b.kind == "from":
            src, _, attr = b.target.partition(":")
            res = self._resolve(src, attr, seen)
            return res
        # alias: a dotted expression in this module's namespace
        first, _, rest = b.target.partition(".")
        if first == b.name and not rest:
            return None
        base = self._resolve(module, first, seen)
        return self.walk_attrs(base, rest)

    # -- queries -----------------------------------------------------------------------------
    def module_names(self, module: str) -> Iterator[str]:
        """Every name ``module`` binds at run time, including those from star imports."""
        seen: set[str] = set()
        for n in self.bindings(module):
            seen.add(n)
            yield n
        info = self.modules.get(module)
        if info is None:
            return
        for star in info.stars:
            if star.module and not star.type_checking:
                for n in sorted(self.exports(star.module)):
                    if n not in seen:
                        seen.add(n)
                        yield n

    def aliases_of(self, target: Target) -> tuple[list[Symbol], list[Symbol]]:
        """Every ``module:Name`` path that resolves to ``target``: (always, conditionally)."""
        always: list[Symbol] = []
        conditional: list[Symbol] = []
        for module in sorted(self.modules):
            for name in self.module_names(module):
                res = self.resolve(module, name)
                if res is None:
                    continue
                sym = Symbol(module, name)
                if res.target == target and not res.conditional:
                    if sym != target.symbol:
                        always.append(sym)
                elif res.may_be(target):
                    conditional.append(sym)
        return always, conditional
