"""Editing import statements in place: alias lists that keep their commas and comments, statements
created or written over emptied ones, and a transformer that applies ``StatementEdit``s."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from codemods._names import alias_local, dotted_expr, dotted_name
from codemods._ordering import header_sorted, place_created

# A line whose only statement is this expression is a removed statement waiting for its leading lines
# to be handed to the next statement (see ``carry_removed_lines``).
_REMOVED_MARKER = "__migrator_removed_line__"


# ----------------------------------------------------------------------------- import alias lists


def with_local(alias: cst.ImportAlias, name: str, local: str) -> cst.ImportAlias:
    """``alias`` of a ``from`` import, importing ``name`` and binding ``local`` (``as`` only when needed)."""
    changes: dict[str, object] = {}
    if dotted_name(alias.name) != name:
        changes["name"] = cst.Name(name)
    if local == name:
        if alias.asname is not None:
            changes["asname"] = None
    elif alias.asname is None:
        changes["asname"] = cst.AsName(name=cst.Name(local))
    elif alias_local(alias) != local:
        changes["asname"] = alias.asname.with_changes(name=cst.Name(local))
    return alias.with_changes(**changes) if changes else alias


def new_alias(name: str, local: str) -> cst.ImportAlias:
    asname = None if local == name else cst.AsName(name=cst.Name(local))
    return cst.ImportAlias(name=dotted_expr(name), asname=asname)


def _strip_comment(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    if isinstance(ws, cst.ParenthesizedWhitespace):
        first = ws.first_line.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        return ws.with_changes(first_line=first, empty_lines=())
    return ws


def _with_role(comma: cst.Comma, template: cst.BaseParenthesizableWhitespace) -> cst.Comma:
    """``comma`` with the indentation after it taken from ``template`` (its comment is kept)."""
    own = comma.whitespace_after
    if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(
        template, cst.ParenthesizedWhitespace
    ):
        return comma.with_changes(
            whitespace_after=own.with_changes(indent=template.indent, last_line=template.last_line)
        )
    if isinstance(own, cst.ParenthesizedWhitespace) or isinstance(
        template, cst.ParenthesizedWhitespace
    ):
        return comma.with_changes(whitespace_after=_strip_comment(template))
    return comma


def arrange_aliases(
    original: Sequence[cst.ImportAlias],
    items: Sequence[cst.ImportAlias],
    lpar: cst.LeftParen | None,
) -> list[cst.ImportAlias]:
    """Give ``items`` (kept aliases of ``original``, in order, then new ones) the commas of ``original``.

    Separators and a trailing comma inside parentheses follow the original's style; comments after a
    kept alias stay with it.
    """
    if not items:
        return []
    parenthesized = lpar is not None
    trailing = parenthesized and bool(original) and isinstance(original[-1].comma, cst.Comma)
    separators = [
        a.comma for a in (original[:-1] if original else []) if isinstance(a.comma, cst.Comma)
    ]
    if separators:
        sep_ws = separators[0].whitespace_after
    elif (
        parenthesized
        and lpar is not None
        and isinstance(lpar.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        sep_ws = lpar.whitespace_after
    else:
        sep_ws = cst.SimpleWhitespace(" ")
    close_comma = original[-1].comma if trailing else None
    result: list[cst.ImportAlias] = []
    last = len(items) - 1
    for i, item in enumerate(items):
        comma = item.comma
        if i < last:
            if isinstance(comma, cst.Comma):
                comma = _with_role(comma, sep_ws)
            else:
                comma = cst.Comma(whitespace_after=_strip_comment(sep_ws))
        elif isinstance(close_comma, cst.Comma):
            if isinstance(comma, cst.Comma):
                comma = _with_role(comma, close_comma.whitespace_after)
            else:
                comma = close_comma.with_changes(
                    whitespace_after=_strip_comment(close_comma.whitespace_after)
                )
        else:
            comma = cst.MaybeSentinel.DEFAULT
        result.append(item.with_changes(comma=comma))
    return result


# ------------------------------------------------------------------------------ statement editing


@dataclass(eq=False)
class NewImport:
    """An import statement the codemod creates (or writes over an emptied one)."""

    module: str  # "from <module> import ..." or, when ``plain``, "import <module>"
    plain: bool = False
    asname: str = ""  # "import <module> as <asname>" (plain imports only)
    # (alias index in the statement it replaces, or None; imported name; bound name)
    entries: list[tuple[int | None, str, str]] = field(default_factory=list)


@dataclass(eq=False)
class StatementEdit:
    """What happens to one existing ``import``/``from ... import`` statement."""

    drop: set[int] = field(default_factory=set)  # alias indices removed
    modify: dict[int, tuple[str, str]] = field(default_factory=dict)  # alias index -> (name, local)
    append: list[tuple[str, str]] = field(default_factory=list)  # names merged into this statement
    in_place: NewImport | None = None  # written over the statement once all its aliases are gone
    after: list[NewImport] = field(default_factory=list)  # created right after the statement
    module: str | None = None  # a relative ``from`` import is written ``from <module> import ...``

    def is_noop(self) -> bool:
        return not (
            self.drop or self.modify or self.append or self.in_place or self.after or self.module
        )


def render_new_import(
    new: NewImport, over: cst.BaseSmallStatement | None = None
) -> cst.BaseSmallStatement:
    """The statement for ``new``; written over ``over`` (an emptied import) when given, reusing the
    formatting of the aliases that ``new`` takes over from it."""
    made: cst.Import | cst.ImportFrom
    if new.plain:
        asname = cst.AsName(name=cst.Name(new.asname)) if new.asname else None
        made = cst.Import(names=[cst.ImportAlias(name=dotted_expr(new.module), asname=asname)])
    elif isinstance(over, cst.ImportFrom) and not isinstance(over.names, cst.ImportStar):
        original = list(over.names)
        items = [
            with_local(original[i], name, local) if i is not None else new_alias(name, local)
            for i, name, local in new.entries
        ]
        return over.with_changes(
            module=dotted_expr(new.module),
            relative=(),
            names=arrange_aliases(original, items, over.lpar),
        )
    else:
        made = cst.ImportFrom(
            module=dotted_expr(new.module),
            names=[new_alias(name, local) for _, name, local in new.entries],
        )
    return made.with_changes(semicolon=over.semicolon) if over is not None else made


def apply_statement_edit(
    node: cst.Import | cst.ImportFrom, edit: StatementEdit
) -> tuple[cst.BaseSmallStatement | None, list[cst.BaseSmallStatement]]:
    """Apply ``edit`` to ``node``: the statement that stays in its place (None: removed) and the
    statements that follow it."""
    after = [render_new_import(new) for new in edit.after]
    if isinstance(node.names, cst.ImportStar):
        return node, after
    original = list(node.names)
    items: list[cst.ImportAlias] = []
    for i, alias in enumerate(original):
        if i in edit.drop:
            continue
        if i in edit.modify:
            name, local = edit.modify[i]
            alias = with_local(alias, name, local)
        items.append(alias)
    if not items and not edit.append:
        if edit.in_place is not None:
            return render_new_import(edit.in_place, node), after
        return None, after
    items.extend(new_alias(name, local) for name, local in edit.append)
    if isinstance(node, cst.ImportFrom):
        names = arrange_aliases(original, items, node.lpar)
        if edit.module is not None:
            absolute = dotted_expr(edit.module)
            return node.with_changes(module=absolute, relative=(), names=names), after
        return node.with_changes(names=names), after
    return node.with_changes(names=arrange_aliases(original, items, None)), after


def _semicolons(
    body: Sequence[cst.BaseSmallStatement], last_semicolon: object
) -> list[cst.BaseSmallStatement]:
    out: list[cst.BaseSmallStatement] = []
    for i, stmt in enumerate(body):
        if i < len(body) - 1:
            if not isinstance(stmt.semicolon, cst.Semicolon):
                stmt = stmt.with_changes(
                    semicolon=cst.Semicolon(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(" "),
                    )
                )
        else:
            stmt = stmt.with_changes(semicolon=last_semicolon)
        out.append(stmt)
    return out


def edit_small_statements(
    original: Sequence[cst.BaseSmallStatement],
    updated: Sequence[cst.BaseSmallStatement],
    edits: dict[int, StatementEdit],
    *,
    split_lines: bool,
) -> tuple[list[cst.BaseSmallStatement], list[cst.BaseSmallStatement]]:
    """Edit the small statements of one line (or suite).

    Returns the statements that stay on the line and, when ``split_lines``, those to put on new lines
    after it (statements created after the last one of the line).
    """
    body: list[cst.BaseSmallStatement] = []
    tail: list[cst.BaseSmallStatement] = []
    last = len(original) - 1
    for i, (orig, upd) in enumerate(zip(original, updated, strict=True)):
        edit = edits.get(id(orig))
        if edit is None or not isinstance(upd, (cst.Import, cst.ImportFrom)):
            body.append(upd)
            continue
        kept, after = apply_statement_edit(upd, edit)
        if kept is not None:
            body.append(kept)
        if split_lines and i == last:
            tail.extend(after)
        else:
            body.extend(after)
    if body:
        body = _semicolons(body, original[-1].semicolon if original else cst.MaybeSentinel.DEFAULT)
    return body, [stmt.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for stmt in tail]


def removed_line(line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """A removed line: a marker keeping its leading lines until the block is rebuilt."""
    return line.with_changes(body=[cst.Expr(cst.Name(_REMOVED_MARKER))])


def _is_marker(stmt: cst.BaseStatement) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    only = stmt.body[0]
    return (
        isinstance(only, cst.Expr)
        and isinstance(only.value, cst.Name)
        and only.value.value == _REMOVED_MARKER
    )


def _has_comment(lines: Iterable[cst.EmptyLine]) -> bool:
    return any(line.comment is not None for line in lines)


def _blanks(lines: Sequence[cst.EmptyLine], *, from_end: bool = False) -> int:
    """How many blank (comment-less) lines open ``lines`` (or close it, ``from_end``)."""
    count = 0
    for line in reversed(lines) if from_end else lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _join(before: Sequence[cst.EmptyLine], after: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """``before`` then ``after``, the blank lines where they meet counted once (the longer run).

    Removing a whole group of imports then leaves one separator, not two.
    """
    end = _blanks(before, from_end=True)
    start = _blanks(after)
    if end >= start:
        return [*before, *after[start:]]
    return [*before[: len(before) - end], *after]


def carry_removed_lines(
    body: Sequence[cst.BaseStatement],
    footer: Sequence[cst.EmptyLine],
    *,
    strip_opening: bool = True,
) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
    """Drop removed-line markers, handing their leading comments and blank lines to what follows.

    The statement that now comes first in a removed line's place gets the removed line's leading
    lines before its own (a blank run where they meet counted once), so separators and comments
    between groups stay as written. Blank lines that would newly open the block (the removed lines
    were its first statements) go, unless ``strip_opening`` is False; a removed last line leaves its
    comments in the footer.
    """
    out: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []
    opening = 0  # blank lines that opened the block above its removed first line
    removed = False
    for stmt in body:
        if _is_marker(stmt):
            lead: list[cst.EmptyLine] = list(getattr(stmt, "leading_lines", ()))
            if not out and not removed:
                opening = _blanks(lead)
            pending.extend(lead)
            removed = True
            continue
        if removed:
            merged = _join(pending, list(getattr(stmt, "leading_lines", ())))
            if not out and strip_opening:
                merged = merged[max(0, _blanks(merged) - opening) :]
            stmt = stmt.with_changes(leading_lines=merged)
            pending = []
            removed = False
        out.append(stmt)
    new_footer = list(footer)
    if pending and _has_comment(pending):
        kept = pending[: len(pending) - _blanks(pending, from_end=True)]
        if not out and strip_opening:
            kept = kept[max(0, _blanks(kept) - opening) :]
        new_footer = [*kept, *new_footer]
    return out, new_footer


def body_has_marker(body: Sequence[cst.BaseStatement]) -> bool:
    return any(_is_marker(stmt) for stmt in body)


class CarryRemovedLines(cst.CSTTransformer):
    """Blocks and the module drop the markers of removed lines (``removed_line``), handing their
    leading lines on (``carry_removed_lines``)."""

    # False: blank lines that would newly open the module stay (imports are added above them next).
    strip_module_opening = True

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not body_has_marker(updated_node.body):
            return updated_node
        body, footer = carry_removed_lines(updated_node.body, updated_node.footer)
        return updated_node.with_changes(body=body, footer=footer)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not body_has_marker(updated_node.body):
            return updated_node
        body, footer = carry_removed_lines(
            updated_node.body, updated_node.footer, strip_opening=self.strip_module_opening
        )
        return updated_node.with_changes(body=body, footer=footer)


class StatementEditor(CarryRemovedLines):
    """Apply ``StatementEdit``s (keyed by the id of the original import node) to a module.

    Imports created after a module-level import go to their sorted place when the module's import
    block is sorted (``codemods._ordering``); elsewhere they stay right after it.
    """

    def __init__(self, edits: dict[int, StatementEdit]) -> None:
        super().__init__()
        self.edits = edits
        self.created: list[cst.SimpleStatementLine] = []  # lines made for imports created after one

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if not any(id(s) in self.edits for s in original_node.body):
            return updated_node
        body, tail = edit_small_statements(
            original_node.body, updated_node.body, self.edits, split_lines=True
        )
        if not body and tail:
            body = [tail.pop(0)]
        if not body:
            return removed_line(updated_node)
        line = updated_node.with_changes(body=body)
        if not tail:
            return line
        made = [cst.SimpleStatementLine(body=[t]) for t in tail]
        self.created.extend(made)
        return cst.FlattenSentinel([line, *made])

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        if not any(id(s) in self.edits for s in original_node.body):
            return updated_node
        body, _ = edit_small_statements(
            original_node.body, updated_node.body, self.edits, split_lines=False
        )
        return updated_node.with_changes(body=body or [cst.Pass()])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        updated_node = super().leave_Module(original_node, updated_node)
        created = frozenset(id(line) for line in self.created)
        if not any(id(stmt) in created for stmt in updated_node.body):
            return updated_node
        if not header_sorted(original_node.body):
            return updated_node
        return updated_node.with_changes(body=place_created(updated_node.body, created))
