"""The command-line interface: a thin typer layer over the library.

Each command parses options, calls one library function, renders the result and picks the exit code.
Status and progress go to stderr; reports, diffs and JSON go to stdout.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from codemods.sources import DecodeError, decode_source
from migrator import __version__
from migrator.config import load_config
from migrator.errors import MigratorError
from migrator.findings import Plan
from migrator.patches import (
    FilePatch,
    check_patch_targets,
    colorize,
    render_patches,
    unified_diff,
    write_patch_dir,
    write_patch_file,
)
from migrator.planner import PlanOptions, make_plan
from migrator.report import check_thresholds, load_baseline, render_markdown, render_text, to_json

if TYPE_CHECKING:
    from migrator.pipeline import PatchSet

# The writing side (libcst, the codemods, GitPython) is imported by the commands that need it, so
# `plan` and `check` start fast.

app = typer.Typer(
    name="migrator",
    help="Plan and perform single-source-of-truth consolidation migrations in Python codebases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Strings(str, Enum):
    code = "code"
    all = "all"


@dataclass
class Globals:
    config: Path | None = None
    jobs: int | None = None
    use_cache: bool = True
    quiet: bool = False


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _out() -> Console:
    # Piped output is read by people too (CI logs, PR comments): do not squeeze tables into 80 columns.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


class _ProgressBar:
    """A progress bar on stderr for runs longer than about a second, on a terminal, unless quiet."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.start = time.monotonic()
        self.progress: Progress | None = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < 1.0:
            return
        if self.progress is None:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=_err(),
                transient=True,
            )
            self.progress.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _globals(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    g = obj if isinstance(obj, Globals) else Globals()
    # The global options are accepted after the command name too (`migrator plan --no-cache`).
    p = ctx.params
    return Globals(
        config=p.get("config") or g.config,
        jobs=p.get("jobs") or g.jobs,
        use_cache=g.use_cache and not p.get("no_cache", False),
        quiet=g.quiet or bool(p.get("quiet", False)),
    )


ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Config file (default: migrator.toml or pyproject.toml in PATH)."
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: CPU count; 1 runs in-process)."
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write .migrator/cache.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or status on stderr.")]


def _root(path: Path) -> Path:
    if not path.is_dir():
        raise MigratorError(f"{path}: not a directory")
    return path.resolve()


def _plan(
    ctx: typer.Context, path: Path, strings: Literal["code", "all"] = "code"
) -> tuple[Plan, Globals]:
    g = _globals(ctx)
    root = _root(path)
    bar = _ProgressBar(g.quiet)
    try:
        plan = make_plan(
            root,
            config_path=g.config,
            options=PlanOptions(jobs=g.jobs, use_cache=g.use_cache, strings=strings),
            progress=bar,
        )
    finally:
        bar.close()
    if not g.quiet:
        err = _err()
        for u in plan.report.unparseable:
            err.print(
                f"[yellow]warning[/yellow]: {u.path}:{u.line}: {u.error} (skipped)",
                markup=True,
                highlight=False,
            )
    return plan, g


def _patches(
    ctx: typer.Context,
    path: Path,
    strings: Strings,
    retire_shims: bool,
    before_rewrite: Callable[[Plan], None] | None = None,
) -> tuple[Plan, PatchSet, Globals]:
    from migrator.pipeline import compute_patches

    plan, g = _plan(ctx, path, "all" if strings is Strings.all else "code")
    if before_rewrite is not None:
        before_rewrite(plan)
    bar = _ProgressBar(g.quiet)
    try:
        patchset = compute_patches(
            _root(path), plan, jobs=g.jobs, retire_shims=retire_shims, progress=bar
        )
    finally:
        bar.close()
    if not g.quiet:
        err = _err()
        for o in patchset.errors:
            err.print(f"[yellow]warning[/yellow]: {o.path}:{o.error_line}: {o.error} (skipped)")
        for skipped in patchset.skipped:
            if skipped.warn:
                err.print(f"warning: {skipped.path}: {skipped.reason}", markup=False)
        for p, note in patchset.notes:
            if note.code not in ("kept",):
                err.print(f"note: {p}:{note.line}: {note.message} [{note.code}]", markup=False)
    return plan, patchset, g


F = TypeVar("F", bound=Callable[..., None])


def _domain_errors(func: F) -> F:
    """One line on stderr and the error's exit code, for every command (CliRunner included)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except MigratorError as exc:
            _err().print(f"migrator: error: {exc}", markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:  # a bug: one line naming the crash log, exit 5 (never 1)
            from migrator.crash import EXIT_INTERNAL, crash_message

            _err().print(f"migrator: error: {crash_message(exc)}", markup=False, highlight=False)
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"migrator {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    ctx: typer.Context,
    config: ConfigOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_show_version, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = Globals(config=config, jobs=jobs, use_cache=not no_cache, quiet=quiet)


PathArg = Annotated[Path, typer.Argument(help="Repository root (where migrator.toml lives).")]


@app.command()
@_domain_errors
def plan(
    ctx: typer.Context,
    config: ConfigOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    path: PathArg = Path("."),
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="A previous JSON report to compare with.")
    ] = None,
) -> None:
    """Report every fragmented import, duplicate factory, singleton, cross-service import and shared state."""
    base = load_baseline(baseline) if baseline else None
    result, _ = _plan(ctx, path)
    _render(result, format, base)


def _render(result: Plan, format: Format, base: dict[str, Any] | None) -> None:
    if format is Format.json:
        sys.stdout.write(json.dumps(to_json(result.report, base), indent=2) + "\n")
    elif format is Format.markdown:
        sys.stdout.write(render_markdown(result.report, base) + "\n")
    else:
        render_text(result.report, _out(), base)


@app.command()
@_domain_errors
def check(
    ctx: typer.Context,
    config: ConfigOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    path: PathArg = Path("."),
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
    baseline: Annotated[Path | None, typer.Option("--baseline")] = None,
) -> None:
    """Plan, then exit 1 when any [thresholds] value is exceeded (each is named on stderr)."""
    base = load_baseline(baseline) if baseline else None
    result, g = _plan(ctx, path)
    cfg = load_config(_root(path), g.config)
    _render(result, format, base)
    failures = check_thresholds(result.report, cfg.thresholds)
    err = _err()
    for line in failures:
        err.print(f"threshold exceeded: {line}", markup=False)
    if failures:
        raise typer.Exit(1)
    if not g.quiet:
        err.print("all thresholds met")


@app.command()
@_domain_errors
def diff(
    ctx: typer.Context,
    config: ConfigOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    path: PathArg = Path("."),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write one combined patch here.")
    ] = None,
    patch_dir: Annotated[
        Path | None, typer.Option("--patch-dir", help="Write one .patch per file here.")
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there are changes.")
    ] = False,
    retire_shims: Annotated[
        bool, typer.Option("--retire-shims", help="Also delete shims nothing uses any more.")
    ] = False,
    strings: Annotated[
        Strings, typer.Option("--strings", help="'all' also rewrites docstrings and comments.")
    ] = Strings.code,
    as_json: Annotated[
        bool, typer.Option("--json", help="A machine-readable summary on stdout.")
    ] = False,
) -> None:
    """Dry run: the unified diffs the migration would apply (nothing is written to the repository)."""
    check_patch_targets(output, patch_dir)  # before the expensive work
    _, patchset, g = _patches(ctx, path, strings, retire_shims)
    patches = patchset.patches
    if output is not None:
        write_patch_file(output, render_patches(patches))
    if patch_dir is not None:
        write_patch_dir(patches, patch_dir)
    if as_json:
        doc = patchset.to_json()
        for entry, p in zip(doc["files"], patches, strict=True):
            entry["diff"] = _diff_text(p)
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    elif output is None and patch_dir is None:
        _print_patches(patches)
    if not g.quiet:
        _err().print(f"{len(patches)} file(s) would change")
    if exit_code and patches:
        raise typer.Exit(1)


def _diff_text(patch: FilePatch) -> str:
    """A patch's diff as text for people: decoded with the file's own encoding (latin-1 stays é)."""
    data = unified_diff(patch)
    try:
        encoding = decode_source(patch.old if patch.old is not None else patch.new or b"").encoding
        return data.decode(encoding)
    except (DecodeError, UnicodeDecodeError, LookupError):
        return data.decode("utf-8", "replace")


def _print_patches(patches: tuple[FilePatch, ...] | list[FilePatch]) -> None:
    data = render_patches(patches)
    if sys.stdout.isatty():
        _out().print(colorize(data.decode("utf-8", "replace")))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


class _Interactive:
    """Asks per file: [y]es [n]o [a]ll remaining [q]uit [d]iff again. Reads answers from stdin."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.index = 0
        self.all = False
        self.quit = False
        self.console = _out()

    def _ask(self) -> str:
        self.console.print(
            "Apply this change? [y]es [n]o [a]ll remaining [q]uit [d]iff again ",
            end="",
            markup=False,
        )
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            return "q"
        return line.strip().lower()[:1]

    def __call__(self, patch: FilePatch) -> bool:
        self.index += 1
        if self.quit:
            return False
        if self.all:
            return True
        show = True
        while True:
            if show:
                self.console.print(f"[bold]({self.index}/{self.total}) {patch.path}[/bold]")
                text = _diff_text(patch)
                self.console.print(colorize(text) if sys.stdout.isatty() else text, markup=False)
                show = False
            answer = self._ask()
            if answer == "y":
                return True
            if answer == "n":
                return False
            if answer == "a":
                self.all = True
                return True
            if answer == "q":
                self.quit = True
                return False
            if answer == "d":
                show = True


@app.command()
@_domain_errors
def apply(
    ctx: typer.Context,
    config: ConfigOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    path: PathArg = Path("."),
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Confirm each file.")
    ] = False,
    branch: Annotated[
        str | None, typer.Option("--branch", help="Create and switch to this new branch first.")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit exactly the changed files.")
    ] = False,
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="Commit message (default: generated).")
    ] = None,
    verify: Annotated[
        str | None,
        typer.Option("--verify", help="Run this command after writing; roll back if it fails."),
    ] = None,
    verify_timeout: Annotated[
        float,
        typer.Option(
            "--verify-timeout",
            min=0,
            help="Seconds --verify may run before it is stopped and the run rolled back (0: no limit).",
        ),
    ] = 1800.0,
    allow_dirty: Annotated[
        bool, typer.Option("--allow-dirty", help="Write files that have uncommitted changes.")
    ] = False,
    retire_shims: Annotated[
        bool, typer.Option("--retire-shims", help="Delete shims nothing uses any more.")
    ] = False,
    strings: Annotated[Strings, typer.Option("--strings")] = Strings.code,
    as_json: Annotated[
        bool, typer.Option("--json", help="A machine-readable summary on stdout.")
    ] = False,
) -> None:
    """Write the changes, recording a run that `migrator rollback` can undo."""
    from migrator.applier import ApplyOptions, apply_patches
    from migrator.preflight import preflight, preflight_files

    root = _root(path)
    options = ApplyOptions(
        allow_dirty=allow_dirty,
        branch=branch,
        commit=commit,
        message=message,
        verify=verify,
        verify_timeout=verify_timeout or None,
    )
    preflight(root, options)  # refusals that need no plan, before the expensive work
    _, patchset, g = _patches(
        ctx,
        path,
        strings,
        retire_shims,
        before_rewrite=lambda plan: preflight_files(
            root, [spec.path for spec in plan.specs], options
        ),
    )
    patches = list(patchset.patches)
    err = _err()
    confirm = _Interactive(len(patches)) if interactive else None
    result = apply_patches(root, patches, options, confirm=confirm)
    if as_json:
        doc = {**result.to_json(), "errors": [o.error_json() for o in patchset.errors]}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    if not g.quiet:
        if result.run_id is None:
            err.print("nothing to apply")
        else:
            err.print(
                f"run {result.run_id}: {len(result.written)} written, {len(result.deleted)} deleted, "
                f"{len(result.skipped)} skipped"
                + (f", committed {result.commit[:10]}" if result.commit else "")
            )
            err.print(f"undo with: migrator rollback {result.run_id}", markup=False)


DirOpt = Annotated[Path, typer.Option("--directory", "-C", help="Repository root.")]


@app.command("rollback")
@_domain_errors
def rollback_cmd(
    run_id: Annotated[
        str | None, typer.Argument(help="Run to undo (default: the last one).")
    ] = None,
    directory: DirOpt = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Restore even files changed after the run.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Undo a run: restore every file byte-for-byte (a committed run gets a revert commit)."""
    from migrator.applier import rollback

    result = rollback(_root(directory), run_id, force=force)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
        return
    err = _err()
    err.print(
        f"run {result.run_id} rolled back: {len(result.restored)} restored, "
        f"{len(result.removed)} removed"
        + (f", revert commit {result.revert_commit[:10]}" if result.revert_commit else "")
        + (f", branch {result.branch_deleted} deleted" if result.branch_deleted else ""),
        markup=False,
    )
    for saved in result.saved:
        err.print(f"your later version of {saved.path} is saved as {saved.saved_as}", markup=False)


@app.command()
@_domain_errors
def runs(
    directory: DirOpt = Path("."), as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List recorded runs (id, time, files, status)."""
    from migrator.journal import list_runs
    from migrator.recovery import recover_if_idle

    root = _root(directory)
    recover_if_idle(root)
    infos = list_runs(root)
    if as_json:
        sys.stdout.write(json.dumps([i.to_json() for i in infos], indent=2) + "\n")
        return
    out = _out()
    if not infos:
        out.print("no runs recorded")
        return
    for i in infos:
        out.print(f"{i.id}  {i.created}  {i.files:>4} files  {i.status}", markup=False)


@app.command()
@_domain_errors
def init(
    ctx: typer.Context,
    config: ConfigOpt = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    path: PathArg = Path("."),
    stdout: Annotated[
        bool, typer.Option("--stdout", help="Print the proposal instead of writing migrator.toml.")
    ] = False,
) -> None:
    """Propose a migrator.toml from what discovery finds (never overwrites an existing file)."""
    from migrator.proposer import propose

    g = _globals(ctx)
    root = _root(path)
    target = root / "migrator.toml"
    if target.exists() and not stdout:
        raise MigratorError(
            f"{target}: already exists (not overwritten); use --stdout to see the proposal"
        )
    text = propose(root, jobs=g.jobs, use_cache=g.use_cache)
    if stdout:
        sys.stdout.write(text)
        return
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(text)
    _err().print(f"wrote {target}")


def main() -> None:
    """Console entry point: domain errors become one line on stderr and their exit code."""
    try:
        app()
    except MigratorError as exc:
        _err().print(f"migrator: error: {exc}", markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except Exception as exc:  # outside any command (option parsing, rendering): still one line
        from migrator.crash import EXIT_INTERNAL, crash_message

        _err().print(f"migrator: error: {crash_message(exc)}", markup=False, highlight=False)
        sys.exit(EXIT_INTERNAL)
