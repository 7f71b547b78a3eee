"""A report as a format-independent document, and its plain-text and Markdown renderings.

:mod:`migrator.view` builds one :class:`Document` from a plan; the renderers only lay it out, so the
text and Markdown reports always hold the same sections and numbers (the rich terminal rendering is
in :mod:`migrator.render`). Text in lines may mark code with backticks: Markdown keeps them, the
plain and terminal renderings drop them. Nothing is ever cut short: cells are never truncated, a wide
table is laid out as plain aligned columns (plain text) or folded inside its cells (terminal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "code", "num"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: ColumnKind = "text"


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    intro: tuple[str, ...] = ()  # lines before the table
    table: Table | None = None
    outro: tuple[str, ...] = ()  # lines after it


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    headline: tuple[str, ...]  # the first lines: what was scanned, the score
    sections: tuple[Section, ...]
    score: float | None = None  # for colouring the headline on a terminal

    def text(self) -> str:
        return render_plain(self)

    def markdown(self) -> str:
        return render_markdown(self)


_CODE = re.compile(r"`([^`]*)`")


def plain(line: str) -> str:
    """A line without its backtick code marks."""
    return _CODE.sub(r"\1", line)


# -- plain text --------------------------------------------------------------------------------


def _plain_table(table: Table, indent: str = "  ") -> list[str]:
    header = tuple(c.name for c in table.columns)
    widths = [max(len(r[k]) for r in (header, *table.rows)) for k in range(len(header))]
    out: list[str] = []
    for row in (header, *table.rows):
        cells = []
        for k, (cell, col) in enumerate(zip(row, table.columns, strict=True)):
            last = k == len(row) - 1
            if col.kind == "num":
                cells.append(cell.rjust(widths[k]))
            else:
                cells.append(cell if last else cell.ljust(widths[k]))
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def render_plain(doc: Document) -> str:
    """The report for a pipe or a file: aligned columns, no box drawing, nothing truncated."""
    out = [plain(line) for line in doc.headline]
    if out:
        out[0] = f"{doc.title} · {out[0]}"
    for section in doc.sections:
        out.append("")
        out.append(section.title)
        out += ["  " + plain(line) for line in section.intro]
        if section.table is not None and section.table.rows:
            out += _plain_table(section.table)
        out += ["  " + plain(line) for line in section.outro]
    return "\n".join(out) + "\n"


# -- Markdown ----------------------------------------------------------------------------------


def _md_code(text: str) -> str:
    if not text:
        return ""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_cell(text: str, kind: ColumnKind) -> str:
    cell = _md_code(text) if kind == "code" and text not in ("", "-") else text
    return cell.replace("|", "\\|").replace("\n", " ")


def _md_table(table: Table) -> list[str]:
    head = "| " + " | ".join(c.name for c in table.columns) + " |"
    rule = "| " + " | ".join("---:" if c.kind == "num" else "---" for c in table.columns) + " |"
    rows = [
        "| "
        + " | ".join(_md_cell(v, c.kind) for v, c in zip(row, table.columns, strict=True))
        + " |"
        for row in table.rows
    ]
    return [head, rule, *rows]


def render_markdown(doc: Document) -> str:
    """The report for a pull request comment: the same sections as the text report."""
    out = [f"## {doc.title}", ""]
    for k, line in enumerate(doc.headline):
        out.append(f"**{line}**" if k == 1 and doc.score is not None else line)
        out.append("")
    for section in doc.sections:
        out += [f"### {section.title}", ""]
        if section.intro:
            out += [_md_line(line) for line in section.intro]
            out.append("")
        if section.table is not None and section.table.rows:
            out += _md_table(section.table)
            out.append("")
        if section.outro:
            out += [_md_line(line) for line in section.outro]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_line(line: str) -> str:
    body = line.lstrip(" ")
    return "  " * ((len(line) - len(body)) // 2) + f"- {body}"
