"""``--files``: act on the files named on the command line only (how pre-commit calls a hook).

With ``--files`` every positional argument is a file; the project root is found from the current
directory (pre-commit runs hooks from the repository's top). Paths become root-relative with ``/``;
files outside the root are ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer._click.core import ParameterSource

from migrator.cli.base import project_root

# The command's context settings: the positional PATH may be followed by more files.
FILES_CONTEXT = {"allow_extra_args": True}

FilesOpt = Annotated[
    bool,
    typer.Option(
        "--files",
        help="The arguments are files (as pre-commit passes them): report or rewrite only "
        "those; the project root is found from the current directory.",
    ),
]


def split_files(ctx: typer.Context, path: Path, files: bool) -> tuple[Path, frozenset[str] | None]:
    """(the PATH to find the root from, the root-relative files or None without ``--files``)."""
    if not files:
        if ctx.args:
            raise typer.BadParameter(
                f"unexpected extra arguments {' '.join(ctx.args)!r} (files need --files)"
            )
        return path, None
    given = list(ctx.args)
    if ctx.get_parameter_source("path") is not ParameterSource.DEFAULT:
        given.insert(0, str(path))
    root = project_root(Path("."))
    chosen: set[str] = set()
    for name in given:
        full = Path(name).resolve()
        try:
            chosen.add(full.relative_to(root).as_posix())
        except ValueError:
            continue  # outside the project
    return Path("."), frozenset(chosen)
