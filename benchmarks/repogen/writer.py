"""One ordinary generated module: its imports, constants, classes and functions, in a module frame."""

from __future__ import annotations

from .bodies import BodyWriter, blank
from .layout import Module, lognormal_int
from .vocab import NOUNS, SHARED, STDLIB, THIRD_PARTY, VERBS

_THIRD_PARTY_TOPS = frozenset(
    {"pytest", "pydantic", "sqlalchemy", "requests", "attr", "celery", "structlog", "fastapi"}
    | {"redis", "yaml", "ujson", "orjson"}
)


def _group(line: str) -> str:
    """ "std", "third" or "first": the isort section of an import line."""
    top = line.split()[1].split(".")[0]
    if not top or top == SHARED or top.startswith("svc_"):
        return "first"
    return "third" if top in _THIRD_PARTY_TOPS else "std"


class Writer(BodyWriter):
    """Builds the text of one ordinary (generated) module."""

    # -- imports ---------------------------------------------------------------------------------

    def imports(self) -> tuple[list[str], list[str], list[str]]:
        """Return (stdlib lines, third-party lines, first-party lines)."""
        rng = self.rng
        module = self.module
        total = lognormal_int(rng, 8.0, 0.5, 3, 25)
        if module.target_lines < 25:
            total = 3
        std: list[str] = []
        third: list[str] = []
        first: list[str] = []
        wanted_std = ["typing", "logging"] if rng.random() < 0.7 else []
        if self.is_test:
            third.append("import pytest")
            self.bound.add("pytest")
        pool = list(STDLIB)
        rng.shuffle(pool)
        n_std = max(1, round(total * rng.uniform(0.35, 0.7)))
        chosen = [e for e in pool if e[0] in wanted_std]
        chosen += [e for e in pool if e[0] not in wanted_std][: max(0, n_std - len(chosen))]
        for key, line, names, templates in chosen:
            if self.bound.intersection(names):
                continue
            self.bound.update(names)
            self.stdlib[key] = templates
            std.append(line)
        n_third = 1 if rng.random() < 0.35 else 0
        for line, names in rng.sample(THIRD_PARTY, n_third):
            if not self.bound.intersection(names):
                self.bound.update(names)
                third.append(line)
        n_first = max(0, total - len(std) - len(third))
        siblings = self.corpus.by_package.get(module.package, [])
        same_top = self.corpus.by_top.get(module.top, [])
        core = self.corpus.by_top.get(SHARED, [])
        attempts = 0
        while len(first) < n_first and attempts < 4 * n_first:
            attempts += 1
            roll = rng.random()
            if roll < 0.35 and siblings:
                target = rng.choice(siblings)
            elif roll < 0.75 and same_top:
                target = rng.choice(same_top)
            elif core:
                target = rng.choice(core)
            else:
                continue
            if target is module:
                continue
            line = self._import_line(target)
            if line:
                first.append(line)
        return sorted(set(std)), sorted(set(third)), sorted(set(first))

    def _import_line(self, target: Module) -> str:
        rng = self.rng
        module = self.module
        stem = target.name.rsplit(".", 1)[-1]
        roll = rng.random()
        if roll < 0.12 and stem not in self.bound:
            self.bound.add(stem)
            self.functions.extend(f"{stem}.{f}" for f in target.functions[:3])
            if target.package == module.package and rng.random() < 0.5:
                return f"from . import {stem}"
            return f"from {target.package} import {stem}"
        names: list[str] = []
        for _ in range(rng.randint(1, 3)):
            pool = target.classes if target.classes and rng.random() < 0.5 else target.functions
            if not pool:
                continue
            name = rng.choice(pool)
            if name in self.bound or name in names:
                continue
            names.append(name)
        if not names:
            return ""
        self.bound.update(names)
        for name in names:
            (self.classes if name[:1].isupper() else self.functions).append(name)
        names.sort()
        source = target.name
        if target.package == module.package and rng.random() < 0.5:
            source = "." + stem
        return f"from {source} import {', '.join(names)}"

    # -- whole module ----------------------------------------------------------------------------

    def render(
        self,
        extra_imports: list[str],
        head_blocks: list[str],
        blocks: list[str],
        module_doc: str | None = None,
    ) -> str:
        rng = self.rng
        module = self.module
        lines = self.lines
        if module_doc is not None:
            lines.extend(module_doc.splitlines())
        else:
            self.docstring("", module.name.rsplit(".", 1)[-1].replace("_", " ") + " module")
        lines.append("")
        future = rng.random() < 0.5
        std, third, first = self.imports()
        if future:
            lines.append("from __future__ import annotations")
            lines.append("")
        if self.verbose:  # each extra import in its own group, as isort would place it
            for line in extra_imports:
                {"std": std, "third": third}.get(_group(line), first).append(line)
            std, third, extra_imports = sorted(set(std)), sorted(set(third)), []
        for group in (std, third, sorted(set(first) | set(extra_imports))):
            if group:
                lines.extend(group)
                lines.append("")
        for block in head_blocks:
            lines.extend(block.splitlines())
            lines.append("")
        if self.has("logging"):
            lines.append("logger = logging.getLogger(__name__)")
        for _ in range(rng.randint(0, 3)):
            const = f"{rng.choice(NOUNS).upper()}_{rng.choice(['TIMEOUT', 'LIMIT', 'PREFIX', 'RETRIES', 'TTL', 'NAME'])}"
            value = rng.choice(
                [
                    str(rng.randint(1, 3600)),
                    repr(rng.choice(NOUNS)),
                    f"({rng.randint(1, 9)}, {rng.randint(10, 99)})",
                ]
            )
            lines.append(f"{const} = {value}")
        if rng.random() < 0.15:
            lines.append(f"_{rng.choice(NOUNS)}_registry: dict[str, object] = {{}}")

        self.classes.extend(module.classes)
        self.functions.extend(module.functions)
        items: list[tuple[str, str]] = [("class", c) for c in module.classes]
        items += [("function", f) for f in module.functions]
        rng.shuffle(items)
        # Each extra (migration-related) block goes at a random position among the generated ones.
        positions = sorted(rng.randint(0, len(items)) for _ in blocks)
        slots: dict[int, list[str]] = {}
        for pos, block in zip(positions, blocks, strict=True):
            slots.setdefault(pos, []).append(block)
        body_budget = max(4, module.target_lines - len(lines))
        per_item = body_budget / max(1, len(items))
        for index, (kind, name) in enumerate(items):
            for block in slots.get(index, []):
                blank(lines, 2)
                lines.extend(block.splitlines())
            blank(lines, 2)
            budget = max(3, round(per_item * rng.uniform(0.6, 1.4)))
            if kind == "class":
                self.klass(name, budget)
            else:
                self.function("", name, budget)
        for block in slots.get(len(items), []):
            blank(lines, 2)
            lines.extend(block.splitlines())
        while len(lines) < module.target_lines:
            blank(lines, 2)
            self.function(
                "", f"_{rng.choice(VERBS)}_{rng.choice(NOUNS)}_{self.uid()}", rng.randint(8, 40)
            )
        return "\n".join(lines).rstrip("\n") + "\n"
