"""The planner on small real repositories: import forms, resolution rules, detectors, cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import ConfigError
from migrator.findings import Report, SymbolReport
from migrator.planner import PlanOptions, make_plan
from tests.treeutil import write_tree

CANON = "core.engine.user_engine:UserEngine"
CONFIG = """
services = ["billing", "accounts"]
shared = ["core"]
[[symbols]]
canonical = "core.engine.user_engine:UserEngine"
"""

BASE = {
    "migrator.toml": CONFIG,
    "core/__init__.py": "",
    "core/engine/__init__.py": "",
    "core/engine/user_engine.py": """
        __all__ = ["UserEngine"]

        class UserEngine:
            def run(self) -> int:
                return 1
        """,
    "billing/__init__.py": "",
    "accounts/__init__.py": "",
}


def plan(root: Path, **files: str) -> Report:
    return make_plan(root, options=PlanOptions(jobs=1, use_cache=False)).report


def make(tmp_path: Path, files: dict[str, str]) -> Report:
    write_tree(tmp_path, {**BASE, **files})
    return plan(tmp_path)


def sym(report: Report) -> SymbolReport:
    (s,) = [s for s in report.symbols if s.canonical == CANON]
    return s


def imports(report: Report) -> list[tuple[str, int, str, str]]:
    return [(i.path, i.line, i.pattern, i.status) for i in sym(report).imports]


@pytest.mark.parametrize(
    ("source", "pattern", "status"),
    [
        (
            "from core.engine.user_engine import UserEngine\n",
            "from core.engine.user_engine import UserEngine",
            "canonical",
        ),
        (
            "from core.engine.user_engine import UserEngine as UE\n",
            "from core.engine.user_engine import UserEngine as UE",
            "fragmented",
        ),
        (
            "import core.engine.user_engine\nx = core.engine.user_engine.UserEngine\n",
            "import core.engine.user_engine",
            "canonical",
        ),
        (
            "import core.engine.user_engine as ue\nx = ue.UserEngine\n",
            "import core.engine.user_engine as ue",
            "canonical",
        ),
        (
            "from core.engine import user_engine\nx = user_engine.UserEngine\n",
            "from core.engine import user_engine",
            "canonical",
        ),
        (
            "from core.engine.user_engine import *\nx = UserEngine\n",
            "from core.engine.user_engine import *",
            "canonical",
        ),
        (
            "def f():\n    from core.engine.user_engine import UserEngine as E\n    return E\n",
            "from core.engine.user_engine import UserEngine as E",
            "fragmented",
        ),
        (
            "try:\n    from core.engine.user_engine import UserEngine\nexcept ImportError:\n    UserEngine = None\n",
            "from core.engine.user_engine import UserEngine",
            "canonical",
        ),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from core.engine.user_engine import UserEngine as UE\n",
            "from core.engine.user_engine import UserEngine as UE",
            "fragmented",
        ),
        (
            "from core.engine.user_engine import UserEngine as UE  # migrator: keep\n",
            "from core.engine.user_engine import UserEngine as UE",
            "kept",
        ),
    ],
)
def test_import_forms(tmp_path: Path, source: str, pattern: str, status: str) -> None:
    # A module of nothing but imports is a re-export module; give this one some code of its own.
    report = make(tmp_path, {"billing/use.py": source + "\n\ndef main():\n    pass\n"})
    assert [(p, s) for _, _, p, s in imports(report)] == [(pattern, status)]


def test_relative_import_is_fragmented_even_to_the_canonical_module(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {"core/engine/runner.py": "from .user_engine import UserEngine\nprint(UserEngine)\n"},
    )
    assert imports(report) == [
        ("core/engine/runner.py", 1, "from .user_engine import UserEngine", "fragmented")
    ]


def test_reexport_chain_of_three_hops_and_aliases(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {
            "core/legacy/__init__.py": "",
            "core/legacy/shim.py": "from core.engine.user_engine import *\n__all__ = ['UserEngine']\n",
            "core/legacy/hop1.py": "from core.legacy.shim import UserEngine\n",
            "core/legacy/hop2.py": "from .hop1 import UserEngine as Engine\n",
            "core/compat.py": "import core.engine.user_engine as m\nEngine = m.UserEngine\nOld = Engine\n\ndef helper():\n    return 1\n",
            "billing/use.py": "from core.legacy.hop2 import Engine\nfrom core.compat import Old\nprint(Engine, Old)\n",
        },
    )
    s = sym(report)
    assert set(s.aliases) == {
        "core.legacy.shim:UserEngine",
        "core.legacy.hop1:UserEngine",
        "core.legacy.hop2:Engine",
        "core.compat:Engine",
        "core.compat:Old",
    }
    assert (
        imports(report)
        == [
            ("billing/use.py", 1, "from core.legacy.hop2 import Engine", "fragmented"),
            ("billing/use.py", 2, "from core.compat import Old", "fragmented"),
            ("core/compat.py", 1, "import core.engine.user_engine as m", "canonical"),
        ][:3]
    )
    assert imports(report)[:2] == [
        ("billing/use.py", 1, "from core.legacy.hop2 import Engine", "fragmented"),
        ("billing/use.py", 2, "from core.compat import Old", "fragmented"),
    ]
    # The shims' own re-export lines are not imports to migrate.
    assert {i.path for i in s.reexports} == {"core/legacy/hop1.py", "core/legacy/hop2.py"}


def test_star_import_honours_all(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {
            "core/hidden.py": "from core.engine.user_engine import UserEngine\n__all__ = ['other']\nother = 1\n",
            "core/open.py": "from core.engine.user_engine import UserEngine\nother = 1\n",
            "billing/a.py": "from core.hidden import *\nprint(UserEngine)\n",
            "billing/b.py": "from core.open import *\nprint(UserEngine)\n",
        },
    )
    billing = [(p, pat) for p, _, pat, _ in imports(report) if p.startswith("billing/")]
    assert billing == [("billing/b.py", "from core.open import *")]


def test_import_cycle_is_safe(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {
            "core/a.py": "from core.b import Thing\nfrom core.engine.user_engine import UserEngine\n",
            "core/b.py": "from core.a import Thing\n",
            "billing/use.py": "from core.b import Thing\nfrom core.a import UserEngine\nprint(Thing, UserEngine)\n",
        },
    )
    assert [(p, pat) for p, _, pat, _ in imports(report)] == [
        ("billing/use.py", "from core.a import UserEngine")
    ]


def test_conditional_binding_is_left_alone(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {
            "core/cond.py": (
                "try:\n    from fastlib import Fast as Engine\nexcept ImportError:\n"
                "    from core.engine.user_engine import UserEngine as Engine\n"
            ),
            "billing/use.py": "from core.cond import Engine\nprint(Engine)\n",
        },
    )
    s = sym(report)
    assert s.conditional_aliases == ("core.cond:Engine",)
    assert imports(report) == []
    assert [(i.path, i.pattern) for i in s.conditional_imports] == [
        ("billing/use.py", "from core.cond import Engine")
    ]


def test_type_checking_only_reexport_is_not_an_alias(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {
            "core/types.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from core.engine.user_engine import UserEngine\n",
            "billing/use.py": "from core.types import UserEngine\nprint(UserEngine)\n",
        },
    )
    assert "core.types:UserEngine" not in sym(report).aliases
    assert imports(report) == []


def test_same_name_different_class_is_never_canonical(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {
            "accounts/engine.py": "class UserEngine:\n    pass\n",
            "accounts/wrapped.py": "from core.engine.user_engine import UserEngine as Base\n\nclass UserEngine(Base):\n    pass\n",
            "accounts/use.py": "from accounts.engine import UserEngine\nfrom accounts.wrapped import UserEngine as W\nprint(UserEngine, W)\n",
        },
    )
    s = sym(report)
    assert dict(s.same_name_classes) == {
        "accounts.engine:UserEngine": "independent",
        "accounts.wrapped:UserEngine": "wrapper",
    }
    assert [i.path for i in s.imports] == ["accounts/wrapped.py"]  # only the base-class import


def test_detectors_boundaries_and_unparseable(tmp_path: Path) -> None:
    report = make(
        tmp_path,
        {
            "billing/single.py": "_instance = None\n\ndef get():\n    global _instance\n    _instance = object()\n    return _instance\n",
            "billing/state.py": "class Registry:\n    items = []\n",
            "billing/cross.py": "from accounts.users import find\nfrom core.engine import user_engine\n",
            "accounts/users.py": "def find():\n    return 1\n",
            "accounts/broken.py": "<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> other\n",
        },
    )
    assert [(f.path, f.line, f.kind) for f in report.singletons] == [
        ("billing/single.py", 3, "module_instance")
    ]
    assert [(f.path, f.kind) for f in report.shared_state] == [
        ("billing/state.py", "class_mutable")
    ]
    assert [(f.path, f.line) for f in report.boundary_violations] == [("billing/cross.py", 1)]
    assert [(u.path, u.line) for u in report.unparseable] == [("accounts/broken.py", 1)]
    assert "merge conflict" in report.unparseable[0].error


def test_prefilter_parses_only_files_that_can_matter(tmp_path: Path) -> None:
    files = {f"billing/plain_{i}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(30)}
    files["billing/use.py"] = "from core.engine.user_engine import UserEngine as UE\nprint(UE)\n"
    report = make(tmp_path, files)
    assert (
        report.files_scanned == 30 + 1 + len(BASE) - 1
    )  # every .py file; migrator.toml is not one
    assert report.files_parsed < 10
    assert len(sym(report).imports) == 1


def test_canonical_symbol_must_exist(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {**BASE, "migrator.toml": '[[symbols]]\ncanonical = "core.engine.user_engine:Missing"\n'},
    )
    with pytest.raises(
        ConfigError, match=r"symbols\[0\]\.canonical: 'core.engine.user_engine:Missing' not found"
    ):
        plan(tmp_path)
    write_tree(tmp_path, {"migrator.toml": '[[symbols]]\ncanonical = "nowhere.mod:X"\n'})
    with pytest.raises(ConfigError, match=r"no module nowhere\.mod"):
        plan(tmp_path)


def test_results_do_not_depend_on_jobs_or_cache(tmp_path: Path) -> None:
    files = {
        f"billing/m{i}.py": f"from core.engine.user_engine import UserEngine as E{i}\nprint(E{i})\n"
        for i in range(40)
    }
    write_tree(tmp_path, {**BASE, **files})
    one = make_plan(tmp_path, options=PlanOptions(jobs=1, use_cache=False)).report
    two = make_plan(tmp_path, options=PlanOptions(jobs=2, use_cache=True)).report
    warm = make_plan(tmp_path, options=PlanOptions(jobs=2, use_cache=True)).report
    assert sym(one).imports == sym(two).imports == sym(warm).imports
    assert warm.files_from_cache == warm.files_parsed > 40


def test_corrupt_cache_entries_are_rebuilt(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            **BASE,
            "billing/use.py": "from core.engine.user_engine import UserEngine as UE\nprint(UE)\n",
        },
    )
    first = make_plan(tmp_path, options=PlanOptions(jobs=1)).report
    for entry in (tmp_path / ".migrator" / "cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"garbage")
    again = make_plan(tmp_path, options=PlanOptions(jobs=1)).report
    assert again.files_from_cache == 0
    assert sym(again).imports == sym(first).imports


def test_unchanged_repository_reuses_the_whole_plan_and_a_change_invalidates_it(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            **BASE,
            "billing/use.py": "from core.engine.user_engine import UserEngine as UE\nprint(UE)\n",
        },
    )
    first = make_plan(tmp_path, options=PlanOptions(jobs=1)).report
    again = make_plan(tmp_path, options=PlanOptions(jobs=1)).report
    assert sym(again).imports == sym(first).imports
    assert again.files_from_cache == again.files_parsed
    (tmp_path / "billing" / "use.py").write_text(
        "from core.engine.user_engine import UserEngine\nprint(UserEngine)\n"
    )
    changed = make_plan(tmp_path, options=PlanOptions(jobs=1)).report
    assert [i.status for i in sym(changed).imports] == ["canonical"]
    # Another config is another plan.
    (tmp_path / "migrator.toml").write_text(CONFIG.replace('"accounts"]', '"accounts", "core"]'))
    assert (
        make_plan(tmp_path, options=PlanOptions(jobs=1)).report.config_fingerprint
        != changed.config_fingerprint
    )
