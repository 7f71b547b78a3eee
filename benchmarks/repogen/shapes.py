"""Messy shapes of real code: name-alikes, files that do not parse, commented-out modules, and the
detector cases the realistic profile plants (each with what a correct detector reports).

A detector case is a block of code plus ``Expectation``s: which detector, which qualified name, and
whether a careful reviewer would call it a finding. The rules follow issue 10: class constants that
are never mutated, pydantic field defaults and ``Config`` classes, and a lazily filled import cache
are not shared state; a registry that functions mutate is; a singleton is reported at the function
that creates the instance, not at the ``reset_*``/``close``/``set_*`` functions that rebind it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .layout import camel
from .vocab import NOUNS

NEAR_MISS_KINDS = ("template_engine", "comment", "sqlalchemy_create_engine", "engine_word")
BROKEN_KINDS = ("merge_conflict", "bad_indent", "py2_print")
REALISTIC_BROKEN_KINDS = (*BROKEN_KINDS, "jinja_template", "py2_except")


def near_miss_block(kind: str, k: int) -> tuple[list[str], list[str]]:
    """Code that mentions engine-like names without touching the migrated symbols."""
    if kind == "template_engine":
        return [], [
            f"class TemplateEngine{k}:\n"
            f'    """Renders templates; unrelated to UserEngine."""\n\n'
            f"    def render(self, name: str) -> str:\n"
            f'        return f"<{{name}}>"\n'
        ]
    if kind == "comment":
        return [], [
            f"# TODO(engine): once UserEngine settles, drop this helper.\ndef helper_{k}() -> int:\n    return {k}\n"
        ]
    if kind == "sqlalchemy_create_engine":
        return ["from sqlalchemy import create_engine"], [
            f"def database_{k}(url: str) -> object:\n    return create_engine(url, pool_pre_ping=True)\n"
        ]
    return [], [f"ENGINE_TIMEOUT_{k} = {k}\nsearch_engine_name = 'opensearch'\n"]


def break_text(kind: str, text: str, rng: random.Random) -> str:
    """Make ``text`` unparseable the way real repositories end up with broken files."""
    lines = text.split("\n")
    if kind == "merge_conflict":
        conflict = [
            "<<<<<<< HEAD",
            "from core.legacy.engine_shim import UserEngine",
            "=======",
            "from core.engine.user_engine import UserEngine",
            ">>>>>>> feature/consolidate-engine",
        ]
        at = next((i for i, line in enumerate(lines) if line.startswith(("import ", "from "))), 1)
        lines[at:at] = conflict
    elif kind == "bad_indent":
        at = next((i for i, line in enumerate(lines) if line.startswith("def ")), -1)
        if at < 0:
            lines += ["def broken_helper() -> int:", "    value = 1", "  return value"]
        else:
            lines.insert(at + 1, "  return None  # mis-indented during a hand edit")
    elif kind == "jinja_template":  # a project template that kept the .py suffix
        lines[0:0] = [
            "{% if cookiecutter.use_engine == 'y' %}",
            "# {{ cookiecutter.project_slug }}",
        ]
        lines += ["{% endif %}", ""]
    elif kind == "py2_except":
        lines += ["", "def legacy_parse(raw):", "    try:", "        return int(raw)"]
        lines += ["    except ValueError, exc:", "        return None", ""]
    else:
        lines += ["", "def legacy_report(rows):", '    print "rows:", len(rows)', ""]
    broken = "\n".join(lines)
    try:
        compile(broken, "<corpus>", "exec", dont_inherit=True)
    except SyntaxError:
        return broken
    return broken + "\ndef broken(:\n    pass\n"


def commented_out(text: str) -> str:
    """A module kept "for reference": every line commented out, a note on top."""
    body = "\n".join(f"# {line}".rstrip() for line in text.rstrip("\n").split("\n"))
    return f"# Disabled during the engine refactor; kept for reference. Do not import.\n#\n{body}\n"


# --------------------------------------------------------------------------------------------------
# Detector cases
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    case: str  # the case kind (``DETECTOR_CASES``)
    detector: str  # "shared_state" | "singletons" | "shims"
    name: str  # the qualified name a finding carries (``Class.attr``, ``function``, a module)
    anchor: tuple[
        str, ...
    ]  # line prefixes (after indentation), found in order; the last is the line
    expect: str  # "finding" | "none"


# (kind, weight): most class-body containers in real code are constants, as in the repo.
DETECTOR_CASES = (
    ("class_constants", 45),
    ("pydantic_model", 20),
    ("class_registry", 10),
    ("module_registry", 10),
    ("singleton_reset", 8),
    ("import_cache", 7),
)
_CONSTANTS = (
    ("ALLOWED_FORMATS", '["csv", "json", "parquet"]'),
    ("RETRY_STATUSES", "{502, 503, 504}"),
    ("DEFAULT_HEADERS", '{"Accept": "application/json"}'),
    ("SORT_KEYS", '("created_at", "id")'),
    ("REQUIRED_FIELDS", '["id", "tenant_id", "status"]'),
    ("FIELD_ALIASES", '{"createdAt": "created_at", "ownerId": "owner_id"}'),
    ("EXCLUDED_STATES", 'frozenset({"deleted", "archived"})'),
    ("PAGE_SIZES", "[25, 50, 100]"),
    ("ERROR_CODES", "dict(not_found=404, conflict=409)"),
)


def _constants(rng: random.Random, noun: str, k: int) -> tuple[str, list[Expectation]]:
    cls = f"{camel(noun)}Settings{k}"
    chosen = rng.sample(_CONSTANTS, rng.randint(2, 4))
    lines = [f"class {cls}:", f'    """Read-only settings of the {noun} flow."""', ""]
    lines += [f"    {name} = {value}" for name, value in chosen]
    first = chosen[0][0]
    lines += [
        "",
        "    def allows(self, value: str) -> bool:",
        f"        return value in self.{first}",
    ]
    exp = [
        Expectation(
            "class_constants",
            "shared_state",
            f"{cls}.{name}",
            (f"class {cls}", f"{name} ="),
            "none",
        )
        for name, value in chosen
        if value[:1] in "[{" or value.startswith("dict(")
    ]
    return "\n".join(lines) + "\n", exp


def detector_case(
    kind: str, rng: random.Random, k: int
) -> tuple[list[str], str, list[Expectation]]:
    """(extra import lines, a block among the code, expectations) of one planted case."""
    noun = rng.choice(NOUNS)
    cap = camel(noun)
    if kind == "class_constants":
        block, exp = _constants(rng, noun, k)
        return [], block, exp
    if kind == "pydantic_model":
        cls = f"{cap}Payload{k}"
        block = (
            f"class {cls}(BaseModel):\n"
            f'    """What the {noun} endpoint accepts."""\n\n'
            "    id: int\n"
            "    tags: list[str] = []\n"
            "    metadata: dict[str, str] = {}\n"
            "    items: list[dict[str, object]] = Field(default_factory=list)\n\n"
            "    class Config:\n"
            "        orm_mode = True\n"
            "        allow_population_by_field_name = True\n"
            f'        fields = {{"id": {{"alias": "{noun}Id"}}}}\n'
            "        json_encoders = {set: list}\n"
        )
        exp = [
            Expectation(kind, "shared_state", f"{cls}.{attr}", (f"class {cls}", f"{attr}:"), "none")
            for attr in ("tags", "metadata")
        ]
        exp += [
            Expectation(
                kind,
                "shared_state",
                f"{cls}.Config.{attr}",
                (f"class {cls}", "class Config", f"{attr} ="),
                "none",
            )
            for attr in ("fields", "json_encoders")
        ]
        return ["from pydantic import BaseModel, Field"], block, exp
    if kind == "class_registry":
        cls = f"{cap}Plugins{k}"
        block = (
            f"class {cls}:\n"
            f'    """{cap} plugins register themselves when their module is imported."""\n\n'
            "    registry: list[type] = []\n\n"
            "    @classmethod\n"
            "    def register(cls, plugin: type) -> type:\n"
            "        cls.registry.append(plugin)\n"
            "        return plugin\n"
        )
        exp = [
            Expectation(
                kind, "shared_state", f"{cls}.registry", (f"class {cls}", "registry:"), "finding"
            )
        ]
        return [], block, exp
    if kind == "module_registry":
        var = f"_{noun}_listeners_{k}"
        block = (
            f"{var}: list[object] = []\n\n\n"
            f"def subscribe_{noun}_{k}(listener: object) -> None:\n"
            f'    """Listeners are called after every {noun} change."""\n'
            f"    {var}.append(listener)\n"
        )
        return [], block, [Expectation(kind, "shared_state", var, (f"{var}:",), "finding")]
    if kind == "import_cache":
        var = f"_{noun}_modules_{k}"
        block = (
            f"{var}: dict[str, object] = {{}}\n\n\n"
            f"def load_{noun}_plugin_{k}(dotted: str) -> object:\n"
            '    """Import a plugin module once; later calls reuse it."""\n'
            f"    if dotted not in {var}:\n"
            f"        {var}[dotted] = importlib.import_module(dotted)\n"
            f"    return {var}[dotted]\n"
        )
        return (
            ["import importlib"],
            block,
            [Expectation(kind, "shared_state", var, (f"{var}:",), "none")],
        )
    if kind == "singleton_reset":
        cls, var = f"{cap}Client{k}", f"_{noun}_client_{k}"
        block = (
            f"class {cls}:\n"
            "    def __init__(self, url: str) -> None:\n"
            "        self.url = url\n"
            "        self.connected = True\n\n"
            "    def close(self) -> None:\n"
            "        self.connected = False\n\n\n"
            f'{var}: "{cls} | None" = None\n\n\n'
            f"def get_{noun}_client() -> {cls}:\n"
            f"    global {var}\n"
            f"    if {var} is None:\n"
            f'        {var} = {cls}("redis://localhost:6379/{k % 16}")\n'
            f"    return {var}\n\n\n"
            f"def reset_{noun}_client() -> None:\n"
            '    """Tests call this between cases."""\n'
            f"    global {var}\n"
            f"    {var} = None\n\n\n"
            f"def set_{noun}_client(client: {cls}) -> None:\n"
            f"    global {var}\n"
            f"    {var} = client\n\n\n"
            "def close() -> None:\n"
            f"    global {var}\n"
            f"    if {var} is not None:\n"
            f"        {var}.close()\n"
            f"    {var} = None\n"
        )
        exp = [
            Expectation(
                kind, "singletons", f"get_{noun}_client", (f"def get_{noun}_client",), "finding"
            )
        ]
        exp += [
            Expectation(kind, "singletons", name, (f"def {name}",), "none")
            for name in (f"reset_{noun}_client", f"set_{noun}_client", "close")
        ]
        return [], block, exp
    raise ValueError(f"unknown detector case {kind!r}")
