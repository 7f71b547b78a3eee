"""Property test: random modules mixing every import form.

For any mix of legacy, canonical, module, relative, star, in-function, ``try``, ``TYPE_CHECKING``,
multi-name and unrelated imports with code that uses them, the output parses, a second pass changes
nothing, every non-blank line that mentions no moved name comes out unchanged and in order, and no
name is left unresolved that resolved before.
"""

from __future__ import annotations

import ast
import re

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemods.api import transform_source
from tests.codemods.conftest import ENGINE_KEEP_ALIASES, FACTORY, make_spec

# Chunks of source; "{i}" makes names unique per position. Indented lines belong to the chunk's block.
CHUNKS: tuple[str, ...] = (
    "import os",
    "import json, sys",
    "from typing import TYPE_CHECKING",
    "from collections import OrderedDict as OD",
    "from core.compat import Engine",
    "from core.compat import Engine, create_engine",
    "from core.compat import create_engine, Engine  # trailing comment",
    "from core.compat import (\n    Engine,  # engine\n    create_engine,\n)",
    "from core.compat import Engine  # migrator: keep",
    "from core.legacy.engine_shim import UserEngine",
    "from core.legacy.engine_shim import UserEngine as UE",
    "from core.canonical_imports import UserEngine",
    "from core.unified import UnifiedEngineFactory",
    "from core.compat import EngineFactory, Engine",
    "from core.engine.user_engine import UserEngine",
    "from core.engine.user_engine import make_engine",
    "from core.engine.user_engine import UserEngine as UE2",
    "import core.compat",
    "import core.compat as compat_mod",
    "from core import compat",
    "from ..compat import Engine",
    "from .. import compat",
    "from ..engine import Engine",
    "from core.compat import *",
    "import os; from core.compat import Engine",
    "def f{i}():\n    from core.compat import Engine\n    return Engine()",
    "def g{i}(x):\n    import core.compat as cm\n    y = x + 1\n    return cm.Engine(y)",
    "class C{i}:\n    from core.compat import Engine, create_engine\n    attr = 1",
    "try:\n    from core.compat import Engine\nexcept ImportError:\n    Engine = None",
    "try:\n    import ujson\nexcept ImportError:\n    ujson = None",
    "if TYPE_CHECKING:\n    from core.compat import Engine, EngineConfig",
    "if TYPE_CHECKING: from core.legacy.engine_shim import UserEngine",
    "x{i} = {i}",
    "print(os.sep)",
    "# comment {i}",
    "",
    "engine{i} = Engine()",
    "user{i} = UserEngine()",
    "alias{i} = UE",
    "mod{i} = compat_mod.Engine",
    "dotted{i} = core.compat.Engine",
    "pkg{i} = compat.Engine",
    "UserEngine = None",
    "factory{i} = UnifiedEngineFactory()",
    "def h{i}(e: 'Engine') -> None:\n    z = {i}\n    return None",
    "patch{i} = mock.patch('core.compat.Engine')",
    "from core.engine.user_engine import (\n    make_engine,\n    EngineConfig,\n)",
    "def n{i}():\n    UserEngine = 1\n    return Engine, UserEngine",
    "def p{i}(UserEngine):\n    return UE(UserEngine)",
    "def q{i}():\n    global Engine\n    return Engine",
    "def r{i}():\n    from core.compat import Engine\n\n    def inner():\n        nonlocal Engine\n        return Engine\n\n    return inner",
    "class K{i}:\n    UserEngine = 2\n    e = Engine",
    "del Engine",
    "__all__ = ['Engine', 'UE']",
    "with patch('core.compat.Engine'):  # migrator: keep\n    pass",
    "try:\n    from core.compat import Engine\nexcept ImportError:\n    from core.legacy.engine_shim import UserEngine as Engine",
    "def s{i}():\n    a = UserEngine()\n    from core.compat import Engine\n    return Engine(a)",
    "value{i} = core.compat.create_engine()",
    "compat_mod.Engine = None",
)

MOVED = re.compile(
    r"Engine|compat|legacy|canonical_imports|unified|user_engine|factory|\bUE\b|\bcm\b|migrator"
)


def _stable_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not MOVED.search(line)]


def _is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(line == other for other in it) for line in needle)


def _unresolved(text: str) -> set[str]:
    """Names read somewhere that no assignment, import or builtin provides."""
    wrapper = MetadataWrapper(cst.parse_module(text))
    scopes = {s for s in wrapper.resolve(ScopeProvider).values() if s is not None}
    return {
        access.node.value
        for scope in scopes
        for access in scope.accesses
        if isinstance(access.node, cst.Name) and not access.referents
    }


@st.composite
def modules(draw: st.DrawFn) -> str:
    chunks = draw(st.lists(st.sampled_from(CHUNKS), min_size=1, max_size=14))
    return "\n".join(chunk.replace("{i}", str(i)) for i, chunk in enumerate(chunks)) + "\n"


SPECS = st.sampled_from(
    [
        {},
        {"symbols": (ENGINE_KEEP_ALIASES, FACTORY)},
        {"keep_local_names": frozenset({"Engine", "UE"})},
        {"module": "core.services.billing"},
        {"module": "core.services", "is_package": True},
        {"strings": "all"},
    ]
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(source=modules(), spec_kwargs=SPECS)
def test_rewrite_properties(source: str, spec_kwargs: dict[str, object]) -> None:
    spec = make_spec(**spec_kwargs)
    first = transform_source(source.encode(), spec)
    assert first.error is None, first.error
    assert first.new is not None
    out = first.new.decode()
    ast.parse(out)
    second = transform_source(first.new, spec)
    assert second.error is None, second.error
    assert second.new == first.new, "second pass changed the output"
    assert _is_subsequence(_stable_lines(source), _stable_lines(out))
    if "import *" not in source:
        assert _unresolved(out) <= _unresolved(source)
