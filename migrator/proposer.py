"""``migrator init``: propose a ``migrator.toml`` from what discovery finds, with no config at all."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from migrator.config import Config
from migrator.index import Index, Target
from migrator.scan import Scanner


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def propose(root: Path, *, jobs: int | None = None, use_cache: bool = True) -> str:
    """A proposed config: canonical homes of re-exported names, same-named classes, duplicate factories."""
    config = Config(root=root.resolve())
    scanner = Scanner(config, jobs=jobs, use_cache=use_cache)
    scanner.scan((), everything=True)
    infos = list(scanner.result.infos.values())
    index = Index(infos, [f.module for f in scanner.result.files if f.module])

    # Names bound in several modules that resolve to one defining module.
    bound_in: dict[Target, set[str]] = defaultdict(set)
    deliberate: dict[Target, set[str]] = defaultdict(set)
    local_names: dict[Target, set[str]] = defaultdict(set)
    for module, info in sorted(index.modules.items()):
        for b in info.bindings:
            if b.kind not in ("from", "alias") or b.type_checking:
                continue
            res = index.resolve(module, b.name)
            if res is None or res.conditional or res.target.kind not in ("class", "def"):
                continue
            if res.target.module == module:
                continue
            bound_in[res.target].add(module)
            local_names[res.target].add(b.name)
            if (
                info.reexport_only
                or b.kind == "alias"
                or (info.all_names and b.name in info.all_names)
            ):
                deliberate[res.target].add(f"{module}:{b.name}")
    for info in infos:
        for stmt in info.imports:
            if stmt.kind != "from" or stmt.module is None or stmt.scope == "module":
                continue
            for n in stmt.names:
                res = index.resolve(stmt.module, n.name) if n.name != "*" else None
                if res is not None and not res.conditional and res.target.kind in ("class", "def"):
                    local_names[res.target].add(n.local)
    candidates = [
        t
        for t, mods in bound_in.items()
        if len(mods) >= 2 and t.kind == "class" and (deliberate[t] or len(local_names[t]) >= 2)
    ]
    candidates.sort(key=lambda t: (-len(bound_in[t]), str(t)))

    classes_by_name: dict[str, list[str]] = defaultdict(list)
    for info in sorted(infos, key=lambda i: i.path):
        if info.ok and info.module:
            for cls in info.classes:
                classes_by_name[cls.name].append(info.module)

    lines = [
        "# migrator.toml proposed by `migrator init`: review every entry before you run `migrator apply`.",
        'src = ["."]',
        "exclude = []",
        "",
    ]
    tops = sorted({m.split(".", 1)[0] for m in index.modules if "." in m})
    if tops:
        lines += [
            "# Top-level packages found; list the ones that are services and must not import each other:",
            f"# services = {_toml_list(tops)}",
            "# shared = []",
            "",
        ]
    for t in candidates[:20]:
        lines += [
            f"# {t.symbol} is bound in {len(bound_in[t])} other modules under {len(local_names[t])} name(s)",
            "[[symbols]]",
            f'canonical = "{t.symbol}"',
        ]
        if deliberate[t]:
            lines.append(f"legacy = {_toml_list(sorted(deliberate[t]))}")
        lines += ["rename_aliases = true", ""]
        others = [m for m in classes_by_name.get(t.attr, []) if m != t.module]
        if others:
            lines.append(
                f"# note: other classes named {t.attr} (different objects, never rewritten): {', '.join(others)}"
            )
            lines.append("")
    factories = {
        n: mods for n, mods in classes_by_name.items() if n.endswith("Factory") and len(mods) >= 2
    }
    for name, mods in sorted(factories.items()):
        canonical = sorted(
            mods, key=lambda m: (-len(bound_in.get(Target(m, name, "class"), ())), m)
        )[0]
        lines += [
            f"# {len(mods)} classes named {name}",
            "[[factories]]",
            f'canonical = "{canonical}:{name}"',
            f"duplicates = {_toml_list([f'{m}:{name}' for m in mods if m != canonical])}",
            '# methods = { create = "create" }',
            "",
        ]
    lines += [
        "[thresholds]",
        "fragmented_imports = 0",
        "",
    ]
    return "\n".join(lines)
