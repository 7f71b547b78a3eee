"""The byte prefilters never leave out a file the detectors would report (a superset check).

One prefilter per question (``may_have_singleton``, ``may_have_shared_state``), asked by the scan
before reading and by the analysis after parsing: the property below is what both rely on.
"""

from __future__ import annotations

import ast
import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from migrator.prefilter import may_have_shared_state, may_have_singleton
from migrator.shared_state import find_shared_state
from migrator.singletons import find_singletons
from tests.migrator.detector_cases import SHARED_STATE_CASES, SINGLETON_CASES

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "monorepo"


def check_superset(data: bytes) -> None:
    """Each detector's findings imply its prefilter's yes."""
    tree = ast.parse(data)
    singletons = find_singletons(tree)
    shared = find_shared_state(tree)
    if singletons:
        assert may_have_singleton(data), singletons
    if shared:
        assert may_have_shared_state(data), shared


# --------------------------------------------------------------------------------------------------
# Cases

SHARED_POSITIVE = {
    "class attr": "class A:\n    items = []\n",
    "class attr in if": "class A:\n    if True:\n        cache = {}\n",
    "chained": "class A:\n    a = b = dict()\n",
    "annotated": "class A:\n    reg: dict[str, int] = {}\n",
    "tuple target": "class C:\n    a, b = ([], {})\n",
    "one-line class": "class A: items = []\n",
    "after a semicolon": "class A:\n    x = 1; items = []\n",
    "async method before": "class A:\n    async def f(self):\n        x = []\n    later = set()\n",
    "module mutated": "REG = {}\n\ndef add(k, v):\n    REG[k] = v\n",
    "module global": "BUF = []\n\ndef reset():\n    global BUF\n    BUF = []\n",
    "module in try": "try:\n    SEEN = set()\nexcept Exception:\n    pass\n\ndef see(x):\n    SEEN.add(x)\n",
    "module level after a def": "def f():\n    pass\n\ntry:\n    import x\nexcept ImportError:\n    REG = []\n\ndef add(v):\n    REG.append(v)\n",
    "multi-line annotation": "class A:\n    saved: list[\n        int\n    ] = []\n",
    "continued target": "class A:\n    a, \\\n        b = [], []\n",
    "continued value": "class C:\n    x = \\\n        []\n",
    "commented value": "class C:\n    x = (  # comment\n        collections  # more\n        .defaultdict\n    )(list)\n",
    "parenthesised ctor": "class C:\n    x = (list)()\n",
    "string at column 0 in class": 'class A:\n    TEMPLATE = """\nfrom x import y\n"""\n\n    options = {"a": 1}\n',
    # The reproduced miss of the old indentation check: `def` text inside a string.
    "def text in a class string": 'class A:\n    DOC = """\n  def f():\n    """\n    items = []\n',
    "def text in a module string": 'DOC = """\ndef f():\n    """\n    \nREG = []\ndef add(x):\n    REG.append(x)\n',
    "class with a tab": "def make():\n    class\tLocal:\n        cache = {}\n    return Local\n",
    "class in a function": "def make():\n    class Local:\n        cache = {}\n    return Local\n",
    "lone CR newlines": "def f():\r    pass\rclass A:\r    items = []\r",
    "fullwidth": "class A:\n    x = \uff4c\uff49\uff53\uff54()\n",  # NFKC: list()
    "non-ASCII name": "registr\u00e9 = {}\n\ndef add(k):\n    registr\u00e9[k] = 1\n",
}
SHARED_NEGATIVE = {
    "local list": "def f():\n    items = []\n    items.append(1)\n    return items\n",
    "method local": "class A:\n    def f(self):\n        cache = {}\n        return cache\n",
    "constant never mutated": "NAMES = ['a', 'b']\n\ndef f():\n    return NAMES\n",
    "comparisons": "x = 1\nif x == [1] or x != {2} or x <= [3]:\n    x += [4]\n",
    "other calls": "x = tuple(y)\nz = listing(y)\nw = my_dict(y)\n",
    "walrus": "if (n := 3) > 2:\n    x = f(n)\n",
}
SINGLETON_POSITIVE = {
    "module instance": "_i = None\n\ndef get():\n    global _i\n    _i = 1\n    return _i\n",
    "decorator": "@singleton\nclass A:\n    pass\n",
    "dunder new": "class A:\n    _instance = None\n    def __new__(cls):\n        return super().__new__(cls)\n",
    "cached getter": "import functools\n@functools.lru_cache(maxsize=None)\ndef get_factory():\n    return 1\n",
    "continued global": "x = None\ndef f():\n    global  \\\n  x, y  # why\n    x = 1\n",
    "global after semicolon": "x = None\ndef f(): global x; x = 1\n",
    "global without spaces": "x = None\ndef f():global x;x = 1\n",
    "CR newlines": "x = None\rdef f():\r    global x\r    x = 1\r",
    "global last": "x = None\ndef f():\n\tx = 1\n\tglobal x",
    "dotted cache over lines": "@ (functools\n  .lru_cache)(maxsize=2)\ndef get_x(): pass\n",
    "decorator any case": "@sInGlEtOn\nclass A: pass\n",
    "fullwidth decorator": "@\uff53\uff49\uff4e\uff47\uff4c\uff45\uff54\uff4f\uff4e\nclass A:\n    pass\n",
    "mathematical cache": "@\U0001d425ru_cache\ndef get_x():\n    pass\n",
}
SINGLETON_NEGATIVE = {
    "global in a comment": "# keep global state out of here\nx = 1\n",
    "global in a docstring": '"""Uses a global cache."""\nx_global = 1\n',
    "cache in a comment": "cache = {}\ndef get(k):\n    return cache[k]  # cache lookup\n",
    "cached_property": "from functools import lru_cache\n@cached_property\ndef f(): pass\n",
    "plain function": "def f(x):\n    return x + 1\n",
}


@pytest.mark.parametrize("source", SHARED_POSITIVE.values(), ids=list(SHARED_POSITIVE))
def test_shared_state_cases_pass(source: str) -> None:
    assert find_shared_state(ast.parse(source)), "the case itself must be a finding"
    assert may_have_shared_state(source.encode())


@pytest.mark.parametrize("source", SHARED_NEGATIVE.values(), ids=list(SHARED_NEGATIVE))
def test_ordinary_code_is_left_out_of_shared_state(source: str) -> None:
    assert not find_shared_state(ast.parse(source))
    assert not may_have_shared_state(source.encode())


@pytest.mark.parametrize("source", SINGLETON_POSITIVE.values(), ids=list(SINGLETON_POSITIVE))
def test_singleton_cases_pass(source: str) -> None:
    assert find_singletons(ast.parse(source)), "the case itself must be a finding"
    assert may_have_singleton(source.encode())


@pytest.mark.parametrize("source", SINGLETON_NEGATIVE.values(), ids=list(SINGLETON_NEGATIVE))
def test_ordinary_code_is_left_out_of_singletons(source: str) -> None:
    assert not may_have_singleton(source.encode())


@pytest.mark.parametrize(
    "source",
    [source for _, source, expected in SINGLETON_CASES + SHARED_STATE_CASES if expected],
)
def test_every_detector_case_passes(source: str) -> None:
    check_superset(source.encode())


def test_every_identifier_character_with_an_ascii_form_is_read_as_python_reads_it() -> None:
    """A module-level registry whose name is spelled with any compatibility character."""
    checked = 0
    for cp in range(0x80, 0x110000):
        ch = chr(cp)
        ascii_form = unicodedata.normalize("NFKC", ch)
        if len(ascii_form) != 1 or not ascii_form.isascii() or not ("a" + ch).isidentifier():
            continue
        name = "reg" + ch
        source = f"{name} = {{}}\n\ndef add(k):\n    reg{ascii_form}[k] = 1\n"
        data = source.encode()
        assert find_shared_state(ast.parse(data)), hex(cp)
        assert may_have_shared_state(data), hex(cp)
        checked += 1
    assert checked > 500


# --------------------------------------------------------------------------------------------------
# The property, over generated modules: nested classes, functions and blocks, containers and their
# mutations, singleton shapes, and text that looks like code (headers in strings and comments,
# continuation lines, one-line bodies), with every newline and indentation style.

NAMES = ["items", "cache", "REG", "_inst", "registr\u00e9"]
FULLWIDTH = {"i": "\uff49", "c": "\uff43", "R": "\uff32", "_": "_", "r": "\uff52"}
Line = tuple[int | None, str]  # (relative indentation, or None for a line kept at its column; text)


@st.composite
def name(draw: st.DrawFn) -> str:
    n = draw(st.sampled_from(NAMES))
    return FULLWIDTH[n[0]] + n[1:] if draw(st.integers(0, 5)) == 0 else n


CONTAINERS = ["[]", "{}", "set()", "dict(a=1)", "collections.defaultdict(list)", "[x for x in ()]"]


@st.composite
def simple(draw: st.DrawFn) -> list[Line]:
    n = draw(name())
    other = draw(name())
    value = draw(st.sampled_from(CONTAINERS))
    col = draw(st.integers(0, 12))
    choice = draw(st.integers(0, 21))
    options: list[list[Line]] = [
        [(0, f"{n} = {value}")],
        [(0, f"{n}: dict[str, int] = {value}")],
        [(0, f"{n} = {other} = {value}")],
        [(0, f"{n}, {other} = {value}, {value}")],
        [(0, f"{n} = \\"), (None, " " * col + value)],
        [(0, f"x = 1; {n} = {value}")],
        [(0, f"{n} = ("), (None, " " * col + value), (None, ")")],
        [(0, f"{n}.append(1)")],
        [(0, f"{n}[0] = 1")],
        [(0, f"del {n}[0]")],
        [(0, f"self.{n}.add(1)")],
        [(0, f"cls.{n}[1] = 2")],
        [(0, f"global {n}"), (0, f"{n} = Engine()")],
        [(0, f"{n} = None")],
        [(0, '"""'), (None, " " * col + "def f():"), (None, " " * (col // 2) + '"""')],
        [(0, "DOC = '''"), (None, " " * col + "class X:"), (None, "'''")],
        [(0, f"# def {n}():")],
        [(0, "@singleton"), (0, "class S:"), (1, "pass")],
        [(0, "_instance = None")],
        [(0, "def __new__(cls):"), (1, "return super().__new__(cls)")],
        [(0, "@functools.lru_cache"), (0, "def get_x():"), (1, "pass")],
        [(0, "pass")],
    ]
    return options[choice]


@st.composite
def block(draw: st.DrawFn, depth: int) -> list[Line]:
    lines: list[Line] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 7 if depth else 0))
        if kind == 0 or kind > 5:
            lines += draw(simple())
            continue
        header = ["class C(Base):", "def f(self):", "async def g():", "if x:", "try:"][kind - 1]
        lines.append((0, header))
        lines += [(None if i is None else i + 1, t) for i, t in draw(block(depth - 1))]
        if header == "try:":
            lines.append((0, "except ImportError:"))
            lines += [(None if i is None else i + 1, t) for i, t in draw(block(depth - 1))]
    if depth and draw(st.booleans()):
        lines.append((0, f"class D: {draw(name())} = []"))
    return lines


def render(lines: list[Line], unit: str, newline: str) -> bytes:
    text = newline.join(t if i is None else unit * i + t for i, t in lines) + newline
    return text.encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=block(3),
    unit=st.sampled_from(["    ", "  ", "\t"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_prefilters_say_yes_whenever_a_detector_finds_something(
    lines: list[Line], unit: str, newline: str
) -> None:
    data = render(lines, unit, newline)
    try:
        ast.parse(data)
    except SyntaxError:
        assume(False)
    check_superset(data)


def test_superset_on_every_file_of_the_sample_and_this_project() -> None:
    checked = 0
    for root in (SAMPLE, ROOT / "migrator", ROOT / "codemods", ROOT / "tests"):
        for path in root.rglob("*.py"):
            data = path.read_bytes()
            try:
                ast.parse(data)
            except SyntaxError:
                continue
            check_superset(data)
            checked += 1
    assert checked > 150


def test_plan_with_prefilter_equals_plan_parsing_everything(tmp_path: Path) -> None:
    """The prefilter is an optimisation only: parsing every file gives the same findings and specs."""
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
