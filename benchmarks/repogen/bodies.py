"""Bodies of generated code: statements, expressions, functions and classes.

``BodyWriter`` holds what one module's code can use (imported stdlib modules, classes and functions
in scope) and appends lines to ``self.lines``; ``writer.Writer`` adds the imports and the module frame.
Every choice comes from the module's own seeded ``random.Random``, so a module's text depends only on
the seed, its path and the layout.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Sequence

from .layout import Corpus, Module
from .prose import comment_line, sentence
from .vocab import ATTRS, EXOTIC_WORDS, NOUNS, VAR_NAMES, VERBS


def blank(lines: list[str], count: int) -> None:
    """End ``lines`` with exactly ``count`` blank lines."""
    while lines and not lines[-1]:
        lines.pop()
    lines.extend([""] * count)


class BodyWriter:
    """Appends generated statements, functions and classes to ``self.lines``."""

    def __init__(
        self, rng: random.Random, module: Module, corpus: Corpus, *, verbose: bool = False
    ) -> None:
        self.rng = rng
        self.verbose = verbose  # the realistic profile's comments, docstrings and log lines
        self.module = module
        self.corpus = corpus
        self.lines: list[str] = []
        self.bound: set[str] = set(module.classes) | set(module.functions)
        self.stdlib: dict[str, tuple[str, ...]] = {}  # key -> expression templates
        self.classes: list[str] = []  # class names usable in bodies (imported or local)
        self.functions: list[str] = []  # callables usable in bodies
        self.counter = 0
        self.is_test = module.kind == "test"

    # -- helpers ---------------------------------------------------------------------------------

    def uid(self) -> int:
        self.counter += 1
        return self.counter

    def docstring(self, indent: str, subject: str) -> None:
        rng = self.rng
        if self.verbose:
            self._verbose_docstring(indent, subject)
            return
        words = [rng.choice(NOUNS) for _ in range(rng.randint(2, 6))]
        if rng.random() < 0.02:
            words.append(rng.choice(EXOTIC_WORDS))
        first = f'{indent}"""{rng.choice(VERBS).capitalize()} the {subject} {" ".join(words)}.'
        if rng.random() < 0.6:
            self.lines.append(first + '"""')
            return
        self.lines.append(first)
        self.lines.append("")
        for _ in range(rng.randint(1, 4)):
            text = " ".join(rng.choice(NOUNS + VERBS) for _ in range(rng.randint(5, 11)))
            self.lines.append(f"{indent}{text}")
        self.lines.append(f'{indent}"""')

    def _verbose_docstring(self, indent: str, subject: str) -> None:
        """A docstring the way maintained code has them: a summary, prose, sometimes Args/Returns."""
        rng = self.rng
        first = f'{indent}"""{rng.choice(VERBS).capitalize()} the {subject}: {sentence(rng, 3, 8)}'
        if rng.random() < 0.02:
            first = f"{first[:-1]} ({rng.choice(EXOTIC_WORDS)})."
        if rng.random() < 0.3:
            self.lines.append(first + '"""')
            return
        self.lines.append(first)
        for _ in range(rng.randint(1, 2)):
            self.lines.append("")
            words = " ".join(sentence(rng, 6, 14) for _ in range(rng.randint(2, 5)))
            self.lines.extend(
                textwrap.wrap(words, 88, initial_indent=indent, subsequent_indent=indent)
            )
        if rng.random() < 0.45:
            self.lines.append("")
            self.lines.append(f"{indent}Args:")
            for var in rng.sample(VAR_NAMES, rng.randint(1, 3)):
                self.lines.append(f"{indent}    {var}: {sentence(rng, 4, 9)}")
            self.lines.append("")
            self.lines.append(f"{indent}Returns:")
            self.lines.append(f"{indent}    {sentence(rng, 5, 10)}")
        self.lines.append(f'{indent}"""')

    def var_name(self) -> str:
        """A local name; maintained code often qualifies it (``invoice_total``, not ``total``)."""
        rng = self.rng
        if self.verbose and rng.random() < 0.75:
            return f"{rng.choice(NOUNS)}_{rng.choice(VAR_NAMES)}"
        return rng.choice(VAR_NAMES)

    def has(self, key: str) -> bool:
        return key in self.stdlib

    def type_hint(self) -> str:
        rng = self.rng
        options = [
            "str",
            "int",
            "float",
            "bool",
            "bytes",
            "list[str]",
            "dict[str, int]",
            "int | None",
        ]
        if self.has("typing"):
            options += ["Any", "dict[str, Any]", "Optional[str]", "list[dict[str, Any]]"]
        if self.has("collections.abc"):
            options += [
                "Sequence[str]",
                "Mapping[str, Any]" if self.has("typing") else "Mapping[str, int]",
            ]
        if self.has("pathlib"):
            options.append("Path")
        if self.classes and rng.random() < 0.3:
            return rng.choice(self.classes)
        return rng.choice(options)

    def expression(self, local_vars: Sequence[str]) -> str:
        rng = self.rng
        a = rng.choice(local_vars)
        roll = rng.random()
        if roll < 0.25 and self.stdlib:
            key = rng.choice(list(self.stdlib))
            templates = self.stdlib[key]
            if templates:
                return rng.choice(templates).format(
                    a=a, n=rng.randint(1, 500), s=repr(rng.choice(NOUNS))
                )
        if roll < 0.4 and self.functions:
            if self.verbose and rng.random() < 0.5:
                b, attr = rng.choice(local_vars), rng.choice(ATTRS)
                flag = rng.choice(("strict", "dry_run", "refresh", "include_deleted"))
                return f"{rng.choice(self.functions)}({a}, {attr}={b}, {flag}={rng.random() < 0.5})"
            return f"{rng.choice(self.functions)}({a})"
        if roll < 0.5 and self.classes:
            return f"{rng.choice(self.classes)}({a})"
        b = rng.choice(local_vars)
        attr = rng.choice(ATTRS)
        x = rng.choice("xyrev")
        options = (
            f"[{x}.{attr} for {x} in {a} if {x}.{rng.choice(ATTRS)}]",
            f"{{{x}.{attr}: {x} for {x} in {a}}}",
            f'f"{rng.choice(NOUNS)}-{{{a}}}-{{{b}!r}}"',
            f'f"{{{a}:>{rng.randint(4, 12)}}} {rng.choice(NOUNS)} {{{b}}}"',
            f"sum({x}.{attr} for {x} in {a})",
            f'{a}.get("{attr}", {rng.choice(["None", "0", "{}", "[]", repr(rng.choice(NOUNS))])})',
            f"len({a}) + {rng.randint(1, 99)}",
            f"{a} or {b}",
            f"sorted({a}, key=lambda {x}: {x}.{attr}, reverse={rng.choice(['True', 'False'])})",
            f"{{k: v for k, v in {a}.items() if v is not None}}",
            f"[{x} for {x} in {a} if isinstance({x}, {rng.choice(['str', 'int', 'dict', 'tuple'])})]",
            f"{a}.{attr}",
            f"({a}, {b})",
            f"any({x}.{attr} == {b} for {x} in {a})",
            f"getattr({a}, {attr!r}, None)",
            f'"{rng.choice(NOUNS)}:" + str({a})',
        )
        return rng.choice(options)

    def statements(self, indent: str, local_vars: list[str], budget: int, depth: int = 0) -> None:
        """Emit roughly ``budget`` lines of statements."""
        rng = self.rng
        start = len(self.lines)
        emitted = 0
        while len(self.lines) - start < budget or emitted == 0:
            emitted += 1
            if self.verbose and rng.random() < 0.14:
                self.lines.append(comment_line(rng, indent))
            roll = rng.random()
            if depth < 2 and roll < 0.08:
                self.lines.append(f"{indent}if {rng.choice(local_vars)} is None:")
                stop = rng.choice(
                    ["return None", f"raise ValueError({rng.choice(NOUNS) + ' is required'!r})"]
                )
                self.lines.append(f"{indent}    {stop}")
            elif depth < 2 and roll < 0.16:
                var = rng.choice(local_vars)
                self.lines.append(f"{indent}for {rng.choice(['item', 'row', 'entry'])} in {var}:")
                self.statements(
                    indent + "    ",
                    [*local_vars, "item", "row", "entry"][-6:],
                    rng.randint(1, 4),
                    depth + 1,
                )
            elif depth < 2 and roll < 0.22:
                self.lines.append(f"{indent}try:")
                self.statements(indent + "    ", local_vars, rng.randint(1, 3), depth + 1)
                exc = rng.choice(
                    ["KeyError", "ValueError", "(TypeError, ValueError)", "LookupError", "OSError"]
                )
                self.lines.append(f"{indent}except {exc} as exc:")
                if self.has("logging") and rng.random() < 0.5:
                    self.lines.append(
                        f'{indent}    logger.warning("{rng.choice(VERBS)} failed: %s", exc)'
                    )
                self.lines.append(
                    f'{indent}    raise RuntimeError(f"cannot {rng.choice(VERBS)} {{{rng.choice(local_vars)}!r}}") from exc'
                )
            elif depth < 2 and roll < 0.27:
                new = self.var_name()
                var = rng.choice(local_vars)
                self.lines.append(f"{indent}match {var}:")
                self.lines.append(
                    f'{indent}    case {{"kind": "{rng.choice(NOUNS)}", "id": ident}}:'
                )
                self.lines.append(f"{indent}        {new} = ident")
                self.lines.append(f"{indent}    case [first, *rest]:")
                self.lines.append(f"{indent}        {new} = (first, len(rest))")
                if rng.random() < 0.5:
                    self.lines.append(f"{indent}    case str() | bytes():")
                    self.lines.append(f"{indent}        {new} = {var}")
                self.lines.append(f"{indent}    case _:")
                self.lines.append(f"{indent}        {new} = None")
                local_vars.append(new)
            elif depth < 2 and roll < 0.31:
                path = rng.choice(local_vars)
                self.lines.append(f'{indent}with open(str({path}), encoding="utf-8") as fh:')
                new = self.var_name()
                self.lines.append(
                    f"{indent}    {new} = [line.rstrip() for line in fh if line.strip()]"
                )
                local_vars.append(new)
            elif depth < 2 and roll < 0.37:
                var = rng.choice(local_vars)
                self.lines.append(f"{indent}if {var} and {rng.choice(local_vars)}:")
                self.statements(indent + "    ", local_vars, rng.randint(1, 3), depth + 1)
                self.lines.append(f"{indent}else:")
                self.statements(indent + "    ", local_vars, 1, depth + 1)
            elif roll < 0.42 and self.has("logging"):
                level = rng.choice(["debug", "info", "warning"])
                if self.verbose:
                    a, b = rng.choice(local_vars), rng.choice(local_vars)
                    text = f"{rng.choice(VERBS)} {rng.choice(NOUNS)} {{{a}!r}} for {rng.choice(NOUNS)} {{{b}}}"
                    self.lines.append(
                        f'{indent}logger.{level}(f"{text} ({sentence(rng, 3, 6)[:-1]})")'
                    )
                    continue
                self.lines.append(
                    f'{indent}logger.{level}("{rng.choice(VERBS)} %s for %s", {rng.choice(local_vars)}, {rng.choice(local_vars)})'
                )
            elif roll < 0.45 and self.is_test:
                self.lines.append(f"{indent}assert {rng.choice(local_vars)} is not None")
            else:
                new = self.var_name()
                hint = f": {self.type_hint()}" if rng.random() < 0.1 else ""
                self.lines.append(f"{indent}{new}{hint} = {self.expression(local_vars)}")
                if new not in local_vars:
                    local_vars.append(new)

    def params(self, count: int) -> tuple[str, list[str]]:
        rng = self.rng
        names: list[str] = []
        parts: list[str] = []
        for _ in range(count):
            name = self.var_name()
            if name in names:
                continue
            names.append(name)
            default = ""
            if (parts and rng.random() < 0.3) or rng.random() < 0.1:
                default = " = " + rng.choice(
                    ["None", "0", "False", "True", repr(rng.choice(NOUNS)), "()"]
                )
            parts.append(f"{name}: {self.type_hint()}{default}")
        # non-default parameters must not follow defaults
        parts.sort(key=lambda p: " = " in p)
        return ", ".join(parts), names

    def function(self, indent: str, name: str, budget: int, *, method: bool = False) -> None:
        rng = self.rng
        if self.is_test and name.startswith("test_"):
            if not method and rng.random() < 0.2:
                self.lines.append(
                    f'{indent}@pytest.mark.parametrize("value, expected", [({rng.randint(0, 9)}, {rng.randint(0, 9)}), ({rng.randint(0, 9)}, {rng.randint(0, 9)})])'
                )
                sig = "value: int, expected: int"
                names = ["value", "expected"]
            else:
                sig, names = self.params(rng.randint(0, 2))
            if method:
                sig = "self" + (", " + sig if sig else "")
            self.lines.append(f"{indent}def {name}({sig}) -> None:")
            if rng.random() < 0.3:
                self.docstring(indent + "    ", name.replace("_", " "))
            local_vars = names or ["value"]
            if not names:
                self.lines.append(f"{indent}    value = {self.expression(['payload', 'record'])}")
            self.statements(indent + "    ", local_vars, max(1, budget - 3))
            self.lines.append(
                f"{indent}    assert {rng.choice(local_vars)} == {rng.choice(local_vars)}"
            )
            return
        decorator = rng.random()
        prefix = ""
        if method:
            if decorator < 0.1:
                self.lines.append(f"{indent}@property")
                sig, names = "self", []
            elif decorator < 0.18:
                self.lines.append(f"{indent}@classmethod")
                params, names = self.params(rng.randint(1, 3))
                sig = "cls, " + params if params else "cls"
            elif decorator < 0.23:
                self.lines.append(f"{indent}@staticmethod")
                sig, names = self.params(rng.randint(1, 3))
            else:
                params, names = self.params(rng.randint(0, 4))
                sig = "self, " + params if params else "self"
                if decorator < 0.3:
                    prefix = "async "
        else:
            if decorator < 0.08 and self.has("functools"):
                self.lines.append(
                    f"{indent}@functools.lru_cache(maxsize={rng.choice([32, 128, 1024])})"
                )
            elif decorator < 0.12 and self.has("contextlib"):
                self.lines.append(f"{indent}@contextmanager")
            elif decorator < 0.15 and self.has("functools"):
                self.lines.append(
                    f"{indent}@functools.wraps({rng.choice(self.functions or ['print'])})"
                )
            elif decorator < 0.2:
                prefix = "async "
            sig, names = self.params(rng.randint(0, 4))
        ret = self.type_hint() if rng.random() < 0.85 else "None"
        self.lines.append(f"{indent}{prefix}def {name}({sig}) -> {ret}:")
        if rng.random() < 0.7:
            self.docstring(indent + "    ", name.replace("_", " "))
        local_vars = list(names) or ["self" if method else rng.choice(VAR_NAMES)]
        if not names and not method:
            self.lines.append(
                f"{indent}    {local_vars[0]} = {self.expression(['payload', 'record'])}"
            )
        if prefix and self.has("asyncio"):
            self.lines.append(f"{indent}    await asyncio.sleep(0)")
        self.statements(indent + "    ", local_vars, max(1, budget - 3))
        if ret != "None":
            self.lines.append(f"{indent}    return {rng.choice(local_vars)}")

    def klass(self, name: str, budget: int) -> None:
        rng = self.rng
        bases = ""
        roll = rng.random()
        dataclass_like = False
        if name.endswith("Error"):
            bases = "(Exception)"
        elif roll < 0.3 and self.has("dataclasses"):
            self.lines.append(
                rng.choice(["@dataclass", "@dataclass(frozen=True)", "@dataclass(slots=True)"])
            )
            dataclass_like = True
        elif roll < 0.4 and self.classes:
            bases = f"({rng.choice(self.classes)})"
        elif roll < 0.45 and self.has("abc"):
            bases = "(ABC)"
        self.lines.append(f"class {name}{bases}:")
        self.docstring("    ", name)
        start = len(self.lines)
        if dataclass_like:
            for attr in rng.sample(ATTRS, rng.randint(2, 6)):
                default = rng.choice(
                    ["", "", " = None", " = 0", ' = ""', " = field(default_factory=list)"]
                )
                self.lines.append(f"    {attr}: {self.type_hint()}{default}")
            # dataclass fields without defaults must come first
            fields = self.lines[start:]
            fields.sort(key=lambda line: " = " in line)
            self.lines[start:] = fields
        elif not name.endswith("Error") or rng.random() < 0.3:
            params, names = self.params(rng.randint(1, 4))
            self.lines.append("")
            self.lines.append(f"    def __init__(self, {params}) -> None:")
            for n in names:
                self.lines.append(f"        self.{n} = {n}")
            if not names:
                self.lines.append("        pass")
        if rng.random() < 0.2:
            self.lines.append("")
            self.lines.append("    def __repr__(self) -> str:")
            self.lines.append(f'        return f"{name}({{self.__dict__!r}})"')
        remaining = budget - (len(self.lines) - start)
        methods = max(0, round(remaining / rng.uniform(9, 16)))
        prefix = "test_" if self.is_test else ""
        used: set[str] = set()
        for _ in range(methods):
            method = f"{prefix}{rng.choice(VERBS)}_{rng.choice(NOUNS)}"
            if not self.is_test and rng.random() < 0.2:
                method = "_" + method
            if method in used:
                continue
            used.add(method)
            self.lines.append("")
            self.function("    ", method, rng.randint(4, 14), method=True)
