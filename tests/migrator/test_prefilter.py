"""The byte prefilters never leave out a file the detectors would report (a superset check)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from migrator import detectors, prefilter

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "monorepo"

CASES = {
    "class attr": "class A:\n    items = []\n",
    "class attr in if": "class A:\n    if True:\n        cache = {}\n",
    "chained": "class A:\n    a = b = dict()\n",
    "annotated": "class A:\n    reg: dict[str, int] = {}\n",
    "async method before": "class A:\n    async def f(self):\n        x = []\n    later = set()\n",
    "module mutated": "REG = {}\n\ndef add(k, v):\n    REG[k] = v\n",
    "module global": "BUF = []\n\ndef reset():\n    global BUF\n    BUF = []\n",
    "module in try": "try:\n    SEEN = set()\nexcept Exception:\n    pass\n\ndef see(x):\n    SEEN.add(x)\n",
    "module level after a def": "def f():\n    pass\n\ntry:\n    import x\nexcept ImportError:\n    REG = []\n\ndef add(v):\n    REG.append(v)\n",
    "multi-line annotation": "class A:\n    saved: list[\n        int\n    ] = []\n",
    "string at column 0 in class": 'class A:\n    TEMPLATE = """\nfrom x import y\n"""\n\n    options = {"a": 1}\n',
    "fullwidth": "class A:\n    x = \uff4c\uff49\uff53\uff54()\n",  # NFKC: list()
}
NEGATIVE = {
    "local list": "def f():\n    items = []\n    items.append(1)\n    return items\n",
    "method local": "class A:\n    def f(self):\n        cache = {}\n        return cache\n",
    "constant never mutated": "NAMES = ['a', 'b']\n\ndef f():\n    return NAMES\n",
}


@pytest.mark.parametrize("source", CASES.values(), ids=list(CASES))
def test_positive_cases_pass_the_prefilter(source: str) -> None:
    tree = ast.parse(source)
    assert detectors.find_shared_state(tree), "the case itself must be a finding"
    assert prefilter.may_have_shared_state(source.encode())


@pytest.mark.parametrize("source", NEGATIVE.values(), ids=list(NEGATIVE))
def test_ordinary_code_is_left_out(source: str) -> None:
    assert not detectors.find_shared_state(ast.parse(source))
    assert not prefilter.may_have_shared_state(source.encode())


def test_singleton_prefilter_cases() -> None:
    positives = [
        "_i = None\n\ndef get():\n    global _i\n    _i = 1\n    return _i\n",
        "@singleton\nclass A:\n    pass\n",
        "class A:\n    _instance = None\n    def __new__(cls):\n        return super().__new__(cls)\n",
        "import functools\n@functools.lru_cache(maxsize=None)\ndef get_factory():\n    return 1\n",
    ]
    for source in positives:
        assert detectors.find_singletons(ast.parse(source))
        assert prefilter.may_have_singleton(source.encode())
    assert not prefilter.may_have_singleton(b"def f(x):\n    return x + 1\n")


def test_superset_on_every_file_of_the_sample_and_this_project() -> None:
    roots = [SAMPLE, Path(__file__).resolve().parents[2] / "migrator"]
    checked = 0
    for root in roots:
        for path in root.rglob("*.py"):
            data = path.read_bytes()
            try:
                tree = ast.parse(data)
            except SyntaxError:
                continue
            checked += 1
            if detectors.find_shared_state(tree):
                assert prefilter.may_have_shared_state(data), path
            if detectors.find_singletons(tree):
                assert prefilter.may_have_singleton(data), path
    assert checked > 80


def test_plan_with_prefilter_equals_plan_parsing_everything(tmp_path: Path) -> None:
    """The prefilter is an optimisation only: parsing every file gives the same findings and specs."""
    import shutil

    from migrator.config import load_config
    from migrator.moduleinfo import ModuleInfo
    from migrator.planner import Planner, PlanOptions
    from migrator.report import to_json

    root = tmp_path / "monorepo"
    shutil.copytree(SAMPLE, root)
    config = load_config(root)
    fast = Planner(config, PlanOptions(jobs=1, use_cache=False)).build()
    full_planner = Planner(config, PlanOptions(jobs=1, use_cache=False))
    scan = full_planner.scanner.scan

    def everything(words: Iterable[str], tails: Iterable[str] = (), **kw: bool) -> list[ModuleInfo]:
        return scan(words, tails, **{**kw, "everything": True})

    full_planner.scanner.scan = everything  # type: ignore[method-assign]
    full = full_planner.build()
    a, b = to_json(fast.report), to_json(full.report)
    assert a["files_parsed"] < b["files_parsed"] == b["files_scanned"]
    for key in a:
        if key != "files_parsed":
            assert a[key] == b[key], key
    assert fast.specs == full.specs
