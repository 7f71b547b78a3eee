"""Name resolution inside one file: what a local name or dotted expression refers to."""

from __future__ import annotations

from migrator.index import Index, Resolution, Target
from migrator.moduleinfo import ImportedName, ImportStmt, ModuleInfo


class Namespace:
    """Resolves local names of one file: its imports (any scope), its module-level bindings, stars."""

    def __init__(self, index: Index, info: ModuleInfo) -> None:
        self.index = index
        self.info = info
        self.locals: dict[str, tuple[ImportStmt, ImportedName]] = {}
        self.stars = [s for s in info.imports if s.is_star and s.module]
        self._memo: dict[str, tuple[Resolution | None, str | None]] = {}
        for stmt in info.imports:
            for n in stmt.names:
                if n.name != "*":
                    self.locals.setdefault(n.local, (stmt, n))

    def resolve(self, dotted: str) -> tuple[Resolution | None, str | None]:
        """(resolution, the ``module:Name`` path it was imported through, if any)."""
        found = self._memo.get(dotted)
        if found is None:
            found = self._memo[dotted] = self._resolve(dotted)
        return found

    def _resolve(self, dotted: str) -> tuple[Resolution | None, str | None]:
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
        if res is not None and rest and res.target.is_module:
            via = self._module_via(res.target.module, rest) or via
        return self.index.walk_attrs(res, rest), via

    def _module_via(self, module: str, rest: str) -> str | None:
        """For ``m.a.Name`` through module objects: ``"<module holding Name>:Name"``."""
        for part in rest.split("."):
            nxt = self.index.resolve(module, part)
            if nxt is None:
                return None
            if not nxt.target.is_module:
                return f"{module}:{part}"
            module = nxt.target.module
        return None


def walk_modules(index: Index, base: str, attrs: str) -> tuple[Resolution | None, str]:
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
