"""linediff: difflib's opcodes where difflib is fast, valid opcodes everywhere, near-linear work."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator import linediff
from migrator.patches import make_patch, unified_diff

lines = st.lists(st.sampled_from(["a\n", "b\n", "\n", "pass\n", "x = 1\n", "def f():\n"]))


def rebuild(a: list[str], b: list[str], codes: list[linediff.Opcode]) -> list[str]:
    """b, rebuilt from a and the opcodes (checking that they tile both sequences)."""
    out: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out += a[i1:i2]
        else:
            assert tag == {(True, False): "insert", (False, True): "delete"}.get(
                (i1 == i2, j1 == j2), "replace"
            )
            out += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    return out


@given(lines, lines)
def test_small_inputs_give_difflibs_opcodes(a: list[str], b: list[str]) -> None:
    expected = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    assert linediff.opcodes(a, b) == expected


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_large_inputs_give_valid_opcodes(edits: list[int], rnd: object) -> None:
    a = [f"line {i}\n" if i % 3 else "\n" for i in range(1200)]
    b = list(a)
    for position in edits:
        b.insert(position % len(b), f"new {position}\n")
        del b[(position * 7) % len(b)]
    codes = linediff.opcodes(a, b)
    assert rebuild(a, b, codes) == b
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in codes if tag != "equal")
    assert changed <= 4 * len(edits) + 4  # anchored: changes stay local, never the whole file


def test_a_large_module_with_two_changes_gives_two_small_hunks() -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(40_000))
    old = ("from legacy.shim import Engine\n" + body + "e = Engine()\n").encode()
    new = old.replace(b"from legacy.shim import Engine", b"from core.engine import UserEngine")
    new = new.replace(b"e = Engine()", b"e = UserEngine()")
    diff = unified_diff(make_patch("big.py", old, new)).decode()
    assert diff.count("\n@@ ") == 2
    assert [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"
    ] == [
        "-from legacy.shim import Engine",
        "+from core.engine import UserEngine",
        "-e = Engine()",
        "+e = UserEngine()",
    ]


def test_grouped_matches_difflib() -> None:
    a = [f"{i}\n" for i in range(50)]
    b = [*a[:10], "x\n", *a[12:40], *a[41:]]
    expected = list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3))
    assert list(linediff.grouped(linediff.opcodes(a, b), 3)) == expected
    assert list(linediff.grouped(linediff.opcodes(a, a), 3)) == []
