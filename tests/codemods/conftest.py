"""Shared targets and helpers for the import and string codemod tests (engine/factory domain)."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, replace
from typing import Any

from codemods.api import transform_source
from codemods.spec import FileSpec, SymbolTarget, TransformResult

ENGINE = SymbolTarget(
    canonical="core.engine.user_engine:UserEngine",
    aliases=frozenset(
        {
            "core.legacy.engine_shim:UserEngine",
            "core.compat:Engine",
            "core.canonical_imports:UserEngine",
            "core.engine:Engine",
        }
    ),
)
ENGINE_KEEP_ALIASES = replace(ENGINE, rename_aliases=False)
FACTORY = SymbolTarget(
    canonical="core.engine.factory:EngineFactory",
    aliases=frozenset({"core.compat:EngineFactory", "core.unified:UnifiedEngineFactory"}),
)
STRING_MAP = (
    ("core.compat.Engine", "core.engine.user_engine.UserEngine"),
    ("core.legacy.engine_shim.UserEngine", "core.engine.user_engine.UserEngine"),
    ("core.canonical_imports.UserEngine", "core.engine.user_engine.UserEngine"),
    ("core.unified.UnifiedEngineFactory", "core.engine.factory.EngineFactory"),
    ("core.legacy.engine_shim", "core.engine.user_engine"),
)

# Names a before/after case may move: the property test and the table use the same vocabulary.
MOVED_WORDS = ("core.compat", "core.legacy", "core.canonical_imports", "core.unified", "compat")


def make_spec(**kwargs: Any) -> FileSpec:
    """A FileSpec for ``app/service.py`` with the engine and factory targets, overridable."""
    base: dict[str, Any] = {
        "path": "app/service.py",
        "module": "app.service",
        "symbols": (ENGINE, FACTORY),
        "string_map": STRING_MAP,
    }
    base.update(kwargs)
    return FileSpec(**base)


def run_text(text: str, **kwargs: Any) -> TransformResult:
    return transform_source(text.encode("utf-8"), make_spec(**kwargs))


SAME = "<unchanged>"


@dataclass(frozen=True)
class Case:
    id: str
    spec: dict[str, Any]
    before: str
    after: str


def case(id: str, spec: dict[str, Any], before: str, after: str) -> Case:
    before = textwrap.dedent(before).lstrip("\n")
    after = before if after == SAME else textwrap.dedent(after).lstrip("\n")
    return Case(id, spec, before, after)


def check_case(c: Case) -> None:
    """The output equals ``after``, parses, and a second pass changes nothing."""
    spec = make_spec(**c.spec)
    first = transform_source(c.before.encode("utf-8"), spec)
    assert first.error is None, first.error
    assert first.new is not None
    out = first.new.decode("utf-8")
    assert out == c.after
    assert first.changed == (c.after != c.before)
    ast.parse(out)
    second = transform_source(first.new, spec)
    assert second.error is None, second.error
    assert second.new == first.new, "second pass changed the output"
    assert not second.changed
