"""Rendering for people: coloured diffs."""

from __future__ import annotations

from migrator.patches import make_patch, unified_diff
from migrator.render import colorize


def test_colorize_styles_lines() -> None:
    text = colorize(unified_diff(make_patch("m.py", b"-- a\nb\n", b"--- b\nb\n")).decode())
    styles = {
        text.plain[span.start : span.end].rstrip("\n"): str(span.style) for span in text.spans
    }
    assert styles["diff --git a/m.py b/m.py"] == "bold"
    assert styles["@@ -1,2 +1,2 @@"] == "cyan"
    assert styles["--- a"] == "red"  # a removed line that looks like a header
    assert styles["+--- b"] == "green"
