"""Prose of the realistic profile: comments, docstrings and the migrated names mentioned outside code.

A codebase that has talked about its consolidation for months names the classes in comments,
docstrings, log messages, test names and Markdown-like notes of thousands of files that never import
them. ``mention_block`` writes one such mention; none of them is code that uses the names (no import,
no call, no string that is a dotted path on its own), so a correct plan reports nothing for the file.
"""

from __future__ import annotations

import random

from .layout import camel
from .vocab import NOUNS, VERBS

CONNECTIVES = (
    "the",
    "the",
    "a",
    "for",
    "when",
    "before",
    "after",
    "so that",
    "unless",
    "per",
    "with",
    "without",
    "is",
    "are",
    "must",
    "may",
    "only",
    "every",
)
COMMENT_OPENERS = ("", "", "", "NOTE: ", "TODO: ", "TODO(platform): ", "FIXME: ", "XXX: ", "HACK: ")

# (phrase, weight): how the migrated names appear in prose. Words of the word prefilter all.
NAME_PHRASES = (
    ("UserEngine", 12),
    ("EngineFactory", 4),
    ("EngineFactory.create_for_user", 2),
    ("create_engine", 3),
    ("core.legacy.engine_shim.UserEngine", 2),
    ("core.engine.user_engine", 1),
    ("Engine", 2),
)
MENTION_KINDS = (
    "comment",
    "docstring",
    "log",
    "class_docstring",
    "markdown",
    "commented_code",
    "string_constant",
    "test_name",  # test modules only
)
MENTION_WEIGHTS = (6, 6, 5, 3, 2, 2, 2, 5)


def sentence(rng: random.Random, lo: int, hi: int) -> str:
    words = [rng.choice(NOUNS)]
    for _ in range(rng.randint(lo, hi) - 1):
        roll = rng.random()
        words.append(
            rng.choice(CONNECTIVES) if roll < 0.35 else rng.choice(VERBS if roll < 0.55 else NOUNS)
        )
    return " ".join(words).capitalize() + "."


def comment_line(rng: random.Random, indent: str) -> str:
    return f"{indent}# {rng.choice(COMMENT_OPENERS)}{sentence(rng, 6, 13)}"


def name_phrase(rng: random.Random) -> str:
    return rng.choices([p for p, _ in NAME_PHRASES], weights=[w for _, w in NAME_PHRASES])[0]


def _about(rng: random.Random, name: str) -> str:
    """One sentence that names ``name`` the way engineers write about a migration."""
    noun = rng.choice(NOUNS)
    return rng.choice(
        (
            f"{name} is built per request; caching it here leaked one user's {noun} into another's.",
            f"Do not construct {name} directly: the {noun} flow gets one from the factory.",
            f"Kept in sync with {name} by hand until the engine consolidation lands.",
            f"This used to go through {name}; the {noun} path no longer needs it.",
            f"Mirrors what {name} does for {noun}s, without the per-user state.",
            f"See the migration notes: {name} moves, the {noun} contract stays.",
            f"{name} warms its caches lazily, so the first {noun} after deploy is slow.",
            f"Unlike {name}, this {noun} helper is safe to share between threads.",
        )
    )


def _body(rng: random.Random, indent: str, var: str) -> list[str]:
    noun = rng.choice(NOUNS)
    return [
        f'{indent}{noun} = {var}.get("{noun}") if isinstance({var}, dict) else None',
        f"{indent}if {noun} is None:",
        f'{indent}    return "{rng.choice(NOUNS)}"',
        f"{indent}return str({noun})",
    ]


def mention_block(kind: str, rng: random.Random, k: int) -> tuple[list[str], list[str], str | None]:
    """(extra import lines, blocks among the code, module docstring) of one mention."""
    name = name_phrase(rng)
    noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
    fn = f"{verb}_{noun}_summary_{k}"
    if kind == "comment":
        lines = [f"# {rng.choice(COMMENT_OPENERS)}{_about(rng, name)}"]
        lines += [f"# {sentence(rng, 6, 12)}" for _ in range(rng.randint(0, 2))]
        lines += [f"def {fn}(payload: object) -> str:", *_body(rng, "    ", "payload")]
        return [], ["\n".join(lines) + "\n"], None
    if kind == "docstring":
        doc = [
            f'    """{verb.capitalize()} the {noun} summary.',
            "",
            f"    {_about(rng, name)}",
            f"    {sentence(rng, 8, 14)}",
            '    """',
        ]
        return (
            [],
            [
                "\n".join(
                    [f"def {fn}(payload: object) -> str:", *doc, *_body(rng, "    ", "payload")]
                )
                + "\n"
            ],
            None,
        )
    if kind == "log":
        message = rng.choice(
            (
                f"{name} ready for {{tenant}} after {{elapsed:.2f}}s",
                f"falling back from {name} for {noun} {{tenant}}",
                f"{noun} {{tenant}}: {name} returned {{count}} rows",
                f"legacy {name} path still used by {{tenant}}; migrate before the next release",
            )
        )
        lines = [
            f"def {fn}(tenant: str, elapsed: float = 0.0, count: int = 0) -> None:",
            f'    logging.getLogger(__name__).{rng.choice(("info", "warning", "debug"))}(f"{message}")',
        ]
        return ["import logging"], ["\n".join(lines) + "\n"], None
    if kind == "class_docstring":
        cls = f"{camel(noun)}{rng.choice(('Summary', 'Report', 'Snapshot', 'View'))}{k}"
        lines = [
            f"class {cls}:",
            f'    """{sentence(rng, 5, 9)}',
            "",
            f"    {_about(rng, name)}",
            '    """',
            "",
            "    def __init__(self, payload: object) -> None:",
            "        self.payload = payload",
        ]
        return [], ["\n".join(lines) + "\n"], None
    if kind == "markdown":
        doc = [
            f'"""{noun.capitalize()} helpers.',
            "",
            "## Migrating to the canonical engine",
            "",
            f"{_about(rng, name)}",
            "",
            "Before:",
            "",
            "```python",
            "from core.legacy.engine_shim import UserEngine",
            "engine = UserEngine(context)",
            "```",
            "",
            "After:",
            "",
            "```python",
            "from core.engine.factory import EngineFactory",
            "engine = EngineFactory.create_for_user(context)",
            "```",
            '"""',
        ]
        return [], [], "\n".join(doc)
    if kind == "commented_code":
        lines = [
            "# Old construction, kept for reference until the rollout is done:",
            "# from core.legacy.engine_shim import UserEngine",
            f"# engine = create_engine({noun}_context, legacy_flag=True)",
            f"def {fn}(payload: object) -> str:",
            *_body(rng, "    ", "payload"),
        ]
        return [], ["\n".join(lines) + "\n"], None
    if kind == "string_constant":
        text = rng.choice(
            (
                f"{name} moved: import it from core.engine.user_engine",
                f"create_engine() is deprecated; use EngineFactory.create_for_user ({noun})",
                f"{noun} requires a {name}, got None",
            )
        )
        return [], [f"{noun.upper()}_HINT_{k} = {text!r}\n"], None
    if kind == "test_name":
        lines = [
            f'@pytest.mark.parametrize("kind", ["UserEngine", "EngineFactory", "{noun}"])',
            f"def test_{noun}_{verb}_without_user_engine_{k}(kind: str) -> None:",
            f'    """{_about(rng, name)}"""',
            "    assert kind.isidentifier(), kind",
        ]
        return [], ["\n".join(lines) + "\n"], None
    raise ValueError(f"unknown mention kind {kind!r}")
