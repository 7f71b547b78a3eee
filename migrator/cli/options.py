"""Options that several commands share: declared once, with one help text."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer


class Strings(str, Enum):
    code = "code"
    all = "all"


StringsOpt = Annotated[
    Strings,
    typer.Option(
        "--strings",
        help="Which strings naming a moved path to rewrite: 'code' (patch targets, "
        "import_module arguments, other literals) or 'all' (also docstrings and comments).",
    ),
]
RetireShimsOpt = Annotated[
    bool,
    typer.Option("--retire-shims", help="Also delete re-export shims nothing uses after the run."),
]
NoPagerOpt = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Do not page diffs (default on a terminal: $MIGRATOR_PAGER, $PAGER, or less -FRX).",
    ),
]
