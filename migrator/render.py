"""Rendering for people on a terminal (rich): coloured diffs and the report document.

Library modules never import rich; the CLI renders their results with this module.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from migrator.document import Document, plain
from migrator.document import Table as DocTable


def colorize(diff_text: str) -> Text:
    """A diff as rich ``Text``: bold headers, cyan hunk ranges, green additions, red removals."""
    text = Text()
    in_header = False
    pieces = diff_text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    for line in lines:
        if line.startswith("diff --git "):
            in_header = True
        if line.startswith("@@"):
            in_header = False
            style = "cyan"
        elif in_header:
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("\\"):
            style = "dim"
        else:
            style = ""
        text.append(line, style=style)
    return text


def ansi_diff(diff_text: str) -> str:
    """A diff with ANSI colours (none when ``NO_COLOR`` is set), for a terminal or a pager."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, soft_wrap=True, highlight=False)
    console.print(colorize(diff_text), end="")
    return buffer.getvalue()


# -- the report -------------------------------------------------------------------------------


def _score_style(score: float) -> str:
    return "bold green" if score >= 90 else "bold yellow" if score >= 60 else "bold red"


def _rich_table(table: DocTable) -> Table:
    out = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for col in table.columns:
        out.add_column(
            col.name,
            justify="right" if col.kind == "num" else "left",
            overflow="fold",  # never cut a name short: fold it inside its cell
            style="cyan" if col.kind == "code" else None,
            header_style="bold",
        )
    for row in table.rows:
        out.add_row(*(Text(cell) for cell in row))
    return out


def render_document(doc: Document, console: Console) -> None:
    """The report on a terminal (rich tables folded to its width), or as plain text elsewhere."""
    if not console.is_terminal:
        console.file.write(doc.text())
        console.file.flush()
        return
    for k, line in enumerate(doc.headline):
        if k == 0:
            console.print(Text.assemble((doc.title, "bold"), "  ", plain(line)))
        elif doc.score is not None and line.startswith("compliance score"):
            head, _, rest = plain(line).partition(" · ")
            label, _, value = head.rpartition(" ")
            console.print(
                Text.assemble((label + " ", "bold"), (value, _score_style(doc.score)), " · " + rest)
            )
        else:
            console.print(Text(plain(line)))
    for section in doc.sections:
        console.print()
        console.print(Text(section.title, style="bold underline"))
        for line in section.intro:
            console.print(Text("  " + plain(line)))
        if section.table is not None and section.table.rows:
            console.print(Padding(_rich_table(section.table), (0, 0, 0, 2)))
        for line in section.outro:
            console.print(Text("  " + plain(line)))
