"""Per-file analysis (``analysis.analyze_source``): what one module binds, imports and names."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from migrator.analysis import analyze_source
from migrator.planner import PlanOptions, make_plan
from tests.treeutil import write_tree


def analyze(source: str, module: str = "pkg.mod"):  # type: ignore[no-untyped-def]
    return analyze_source(textwrap.dedent(source).encode(), "pkg/mod.py", module, False)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="try/except* is Python 3.11+ syntax")
def test_module_level_try_star_binds_conditionally() -> None:
    info = analyze(
        """
        try:
            from fastlib import Engine
        except* ImportError:
            from core.engine import Engine
        finally:
            READY = True
        """
    )
    assert info.ok, info.error
    assert [(b.name, b.target, b.conditional) for b in info.bindings] == [
        ("Engine", "fastlib:Engine", True),
        ("Engine", "core.engine:Engine", True),
        ("READY", "", False),
    ]
    assert all(i.in_try for i in info.imports)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="try/except* is Python 3.11+ syntax")
def test_plan_through_a_module_level_try_star(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "migrator.toml": '[[symbols]]\ncanonical = "core.engine:UserEngine"\n',
            "core/__init__.py": "",
            "core/engine.py": "class UserEngine:\n    pass\n",
            "core/compat.py": (
                "try:\n    from core.engine import UserEngine as Engine\n"
                "except* ImportError:\n    Engine = None\n"
            ),
            "app.py": "from core.compat import Engine\nprint(Engine)\n",
        },
    )
    report = make_plan(tmp_path, options=PlanOptions(jobs=1, use_cache=False)).report
    (symbol,) = report.symbols
    assert symbol.conditional_aliases == ("core.compat:Engine",)
    assert [i.pattern for i in symbol.conditional_imports] == ["from core.compat import Engine"]


def test_module_level_facts() -> None:
    info = analyze(
        '''
        """Docstring."""
        from . import sibling
        from .other import Thing as Other
        import os.path
        import json as j
        __all__ = ["Other", "Alias"]
        __all__ += ["extra"]
        Alias = Other
        Deep = sibling.Thing
        a, (b, *c) = 1, (2, 3)
        for i in range(3):
            pass

        class Wrapper(Other):
            def run(self):
                return Other()

        async def helper(x, /, y, *args, z, **kw):
            return sibling.make(x)
        '''
    )
    assert [(b.name, b.kind, b.target, b.conditional) for b in info.bindings] == [
        ("sibling", "from", "pkg:sibling", False),
        ("Other", "from", "pkg.other:Thing", False),
        ("os", "module", "os", False),
        ("j", "module", "json", False),
        ("Alias", "alias", "Other", False),
        ("Deep", "alias", "sibling.Thing", False),
        ("a", "other", "", False),
        ("b", "other", "", False),
        ("c", "other", "", False),
        ("i", "other", "", True),
        ("Wrapper", "class", "", False),
        ("helper", "def", "", False),
    ]
    assert info.all_names == ("Other", "Alias", "extra")
    assert not info.reexport_only
    (cls,) = info.classes
    assert (cls.name, cls.bases, cls.methods) == ("Wrapper", ("Other",), ("run",))
    assert "Other" in cls.mentions
    (fn,) = info.functions
    assert (fn.params, fn.kwonly, fn.varargs, fn.varkw) == (("x", "y"), ("z",), True, True)
    assert "sibling.make" in fn.mentions


def test_a_shim_is_reexport_only() -> None:
    info = analyze(
        """
        '''Deprecated: use core.engine.'''
        import warnings
        from core.engine import *
        from core.engine import UserEngine as Engine
        __all__ = ["Engine"]
        warnings.warn("moved", DeprecationWarning)
        """
    )
    assert info.reexport_only
    assert [s.module for s in info.stars] == ["core.engine"]
