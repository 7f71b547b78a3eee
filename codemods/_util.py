"""Helpers shared by the codemods: opt-out comments, plus the name helpers (``codemods._names``) and
statement edits (``codemods._statements``) re-exported under their historical home."""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from codemods._names import (
    alias_binding_node,
    alias_local,
    annotation_rename,
    dotted_expr,
    dotted_name,
    dunder_all,
    from_module,
    small_statements,
)
from codemods._statements import (
    NewImport,
    StatementEdit,
    StatementEditor,
    apply_statement_edit,
    arrange_aliases,
    body_has_marker,
    carry_removed_lines,
    edit_small_statements,
    removed_line,
    render_new_import,
)

KEEP_RE = re.compile(r"#\s*migrator:\s*keep\b")
SKIP_FILE_RE = re.compile(r"#\s*migrator:\s*skip-file\b")
SKIP_FILE_LINES = 10


def has_skip_file(text: str) -> bool:
    """True when one of the first lines of ``text`` carries ``# migrator: skip-file``."""
    head = text.splitlines()[:SKIP_FILE_LINES]
    return any(SKIP_FILE_RE.search(line) for line in head)


# ------------------------------------------------------------------------------------ opt-out lines


class KeptLines(cst.CSTVisitor):
    """Collect the line numbers of logical lines that carry a ``# migrator: keep`` comment.

    A logical line is a simple statement line, a decorator or the header of a compound statement (up
    to its colon), each with every physical line it spans.
    """

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.ranges: list[tuple[int, int]] = []
        self.keep_comment_lines: set[int] = set()

    def _range(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def visit_Comment(self, node: cst.Comment) -> None:
        if KEEP_RE.search(node.value):
            self.keep_comment_lines.add(self._range(node).start.line)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        rng = self._range(node)
        self.ranges.append((rng.start.line, rng.end.line))

    def visit_Decorator(self, node: cst.Decorator) -> None:
        rng = self._range(node)
        self.ranges.append((rng.start.line, rng.end.line))

    def on_visit(self, node: cst.CSTNode) -> bool:
        body = getattr(node, "body", None)
        if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            start_node = getattr(node, "name", None)
            if not isinstance(start_node, cst.Name) or isinstance(node, cst.TypeAlias):
                start_node = node
            start = self._range(start_node).start.line
            if isinstance(body, cst.IndentedBlock):
                end = self._range(body.header).start.line
            else:
                end = self._range(body).end.line
            self.ranges.append((start, end))
        return super().on_visit(node)

    def kept(self) -> frozenset[int]:
        lines: set[int] = set()
        for start, end in self.ranges:
            if any(start <= line <= end for line in self.keep_comment_lines):
                lines.update(range(start, end + 1))
        return frozenset(lines)


__all__ = [
    "KEEP_RE",
    "SKIP_FILE_RE",
    "KeptLines",
    "NewImport",
    "StatementEdit",
    "StatementEditor",
    "alias_binding_node",
    "alias_local",
    "annotation_rename",
    "apply_statement_edit",
    "arrange_aliases",
    "body_has_marker",
    "carry_removed_lines",
    "dotted_expr",
    "dotted_name",
    "dunder_all",
    "edit_small_statements",
    "from_module",
    "has_skip_file",
    "removed_line",
    "render_new_import",
    "small_statements",
]
