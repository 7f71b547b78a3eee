"""Text edits for SARIF fixes: applying them reproduces the new text exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codemods.sources import decode_source
from migrator.formats.edits import TextEdit, apply_edits, text_edits
from tests.migrator.formats.conftest import Planned

CASES = [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("a\nb\nc\n", "a\nc\n"),  # delete a middle line
    ("a\nb\nc\n", "a\nb\n"),  # delete the last line
    ("a\nb\nc\n", "a\n"),
    ("a\nb\nc\n", "a\nb\nc\nd\n"),  # append after the final newline
    ("a\nb\nc", "a\nb\nc\nd"),  # no final newline
    ("a\nb\nc", "a\nb\nX"),
    ("", "x\n"),
    ("a\r\nb\r\n", "a\r\nB\r\nc\r\n"),  # CRLF stays CRLF
    ("x = 1\n", "import y\nx = 1\n"),  # insert at the top
    ("\n", "a\n\na\n"),  # insertions at the top and at the end of a one-line file
]


@pytest.mark.parametrize(("old", "new"), CASES)
def test_edits_reproduce_new_text(old: str, new: str) -> None:
    edits = text_edits(old, new)
    assert apply_edits(old, edits) == new
    assert text_edits(new, new) == ()


def test_an_edit_never_addresses_the_line_after_the_final_newline() -> None:
    old = "a\nb\nc\n"
    for new in ("a\nb\n", "a\nb\nc\nd\n", "a\nb\nC\n"):
        for e in text_edits(old, new):
            assert e.end_line <= 3 and e.start_line <= 3


def test_replacement_keeps_the_terminator_in_place() -> None:
    assert text_edits("a\nb\nc\n", "a\nB\nc\n") == (TextEdit(2, 1, 2, 2, "B"),)


lines = st.lists(st.sampled_from(["a", "b", "c", "dd", "", "é"]), max_size=8)


@given(lines, lines, st.booleans(), st.booleans())
def test_edits_property(a: list[str], b: list[str], a_nl: bool, b_nl: bool) -> None:
    old = "\n".join(a) + ("\n" if a_nl and a else "")
    new = "\n".join(b) + ("\n" if b_nl and b else "")
    assert apply_edits(old, text_edits(old, new)) == new


def test_every_sample_patch_is_reproduced_by_its_edits(planned_sample: Planned) -> None:
    modified = [p for p in planned_sample.patches if p.old is not None and p.new is not None]
    assert len(modified) > 20
    for p in modified:
        assert p.old is not None and p.new is not None
        old, new = decode_source(p.old).text, decode_source(p.new).text
        assert apply_edits(old, text_edits(old, new)) == new, p.path
