"""``diff``: the dry run, as one patch on stdout (paged on a terminal), a patch file or a directory."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from migrator.cli import session
from migrator.cli.base import JSON_HELP, PathArg, app, err_console, globals_of, plural
from migrator.cli.options import NoPagerOpt, RetireShimsOpt, Strings, StringsOpt
from migrator.cli.pager import page
from migrator.patches import (
    check_patch_targets,
    diff_text,
    render_patches,
    write_patch_dir,
    write_patch_file,
)
from migrator.render import ansi_diff


@app.command()
def diff(
    ctx: typer.Context,
    path: PathArg = Path("."),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write one combined patch here."),
    ] = None,
    patch_dir: Annotated[
        Path | None,
        typer.Option(
            "--patch-dir", metavar="DIR", help="Write one .patch per file here, mirroring the repo."
        ),
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there are changes (like git diff).")
    ] = False,
    retire_shims: RetireShimsOpt = False,
    strings: StringsOpt = Strings.code,
    no_pager: NoPagerOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Show the migration as unified diffs (a dry run).

    Nothing in the repository is written; the patch applies with `git apply` or `patch -p1`."""
    check_patch_targets(output, patch_dir)  # before the expensive work
    s = session.open_session(path, globals_of(ctx), migration=True)
    result = session.plan(s, strings.value)
    patchset = session.patches(s, result, retire_shims=retire_shims)
    patches = patchset.patches
    if output is not None:
        write_patch_file(output, render_patches(patches))
    if patch_dir is not None:
        write_patch_dir(patches, patch_dir)
    if as_json:
        doc = patchset.to_json()
        for entry, p in zip(doc["files"], patches, strict=True):
            entry["diff"] = diff_text(p)
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    elif output is None and patch_dir is None:
        if sys.stdout.isatty():  # for people: each file in its own encoding, coloured
            text = "".join(diff_text(p) for p in sorted(patches, key=lambda p: p.path))
            page(ansi_diff(text).encode(), sys.stdout, enabled=not no_pager)
        else:  # for tools: the exact bytes `git apply` takes
            page(render_patches(patches), sys.stdout, enabled=False)
    if not s.globals.quiet:
        err_console().print(f"{plural(len(patches), 'file')} would change")
    if exit_code and patches:
        raise typer.Exit(1)
