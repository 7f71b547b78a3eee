"""What every command shares: the typer app, the global options (declared once), the root, the consoles.

Global options are declared once, on the app's callback. They are accepted before or after the
command name (``migrator -q plan`` and ``migrator plan -q``): the group moves the ones it finds after
the command name in front of it before parsing, the way git treats ``-C`` and ruff ``--config``.
Domain errors (:class:`migrator.errors.MigratorError`) become one line on stderr and their exit code,
here and nowhere else.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer._click import Context as ClickContext
from typer.core import TyperGroup, TyperOption

from migrator import __version__
from migrator.config import find_root
from migrator.errors import MigratorError

# The order `migrator --help` lists commands in (others follow, in the order they were added).
COMMAND_ORDER = [
    "init",
    "plan",
    "check",
    "baseline",
    "history",
    "diff",
    "apply",
    "runs",
    "rollback",
]

# Option names shared by several commands; one spelling, one help text.
JSON_HELP = "Print a machine-readable summary on stdout (status stays on stderr)."


@dataclass(frozen=True, slots=True)
class Globals:
    """The global options, as the callback parsed them."""

    config: Path | None = None
    jobs: int | None = None
    use_cache: bool = True
    quiet: bool = False


def _option_names(params: list[Any]) -> tuple[set[str], set[str]]:
    """(options that take a value, options that do not) among ``params``."""
    valued: set[str] = set()
    flags: set[str] = set()
    for p in params:
        if not isinstance(p, TyperOption):
            continue
        names = [*p.opts, *p.secondary_opts]
        (flags if p.is_flag or p.count else valued).update(names)
    return valued, flags


def _name(arg: str) -> str:
    return arg.split("=", 1)[0] if arg.startswith("--") else arg


def hoist_globals(group: TyperGroup, ctx: ClickContext, args: list[str]) -> list[str]:
    """``args`` with the group's own options found after the command name moved before it.

    The command's own options (and their values) are left where they are, so ``-m -q`` keeps ``-q``
    as the commit message; nothing after ``--`` is touched.
    """
    valued, flags = _option_names(group.get_params(ctx))
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        i += 2 if args[i] in valued else 1
    if i >= len(args) or args[i] == "--":
        return args
    command = group.get_command(ctx, args[i])
    if command is None:
        return args
    own_valued, own_flags = _option_names(command.get_params(ctx))
    moved: list[str] = []
    rest: list[str] = []
    j = i + 1
    while j < len(args):
        arg = args[j]
        name = _name(arg)
        takes_next = "=" not in arg and j + 1 < len(args)
        if arg == "--":
            rest.extend(args[j:])
            break
        if name in own_valued or name in own_flags:
            rest.append(arg)
            if name in own_valued and takes_next:
                rest.append(args[j + 1])
                j += 1
        elif name in flags:
            moved.append(arg)
        elif name in valued:
            moved.append(arg)
            if takes_next:
                moved.append(args[j + 1])
                j += 1
        elif not arg.startswith("--") and arg[:2] in valued:  # -j4
            moved.append(arg)
        else:
            rest.append(arg)
        j += 1
    return [*args[:i], *moved, args[i], *rest]


class MigratorGroup(TyperGroup):
    """The command group: global options anywhere, domain errors mapped to exit codes once."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_globals(self, ctx, args))

    def list_commands(self, ctx: ClickContext) -> list[str]:
        names = list(self.commands)
        return sorted(names, key=lambda n: COMMAND_ORDER.index(n) if n in COMMAND_ORDER else 99)

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except MigratorError as exc:
            fail(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, typer.BadParameter, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: one line naming the crash log, exit 5 (never 1)
            from migrator.crash import EXIT_INTERNAL, crash_message

            fail(crash_message(exc))
            raise typer.Exit(EXIT_INTERNAL) from None


app = typer.Typer(
    name="migrator",
    cls=MigratorGroup,
    help=(
        "Plan and perform single-source-of-truth consolidation migrations in Python codebases.\n\n"
        "Global options go before or after the command. Every command takes an optional PATH: "
        "any directory inside the project (default: the current one), from which the root is "
        "found as ruff and git find theirs."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is plain: `[thresholds]` is a TOML table, not markup
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"migrator {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="Config file (default: migrator.toml or [tool.migrator] in pyproject.toml, "
            "found from PATH upwards).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Worker processes (default: CPU count; 1 runs in-process).",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write .migrator/cache.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or status on stderr.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_show_version, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = Globals(config=config, jobs=jobs, use_cache=not no_cache, quiet=quiet)


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Globals) else Globals()


PathArg = Annotated[
    Path,
    typer.Argument(
        metavar="PATH",
        help="Any directory inside the project (default: the current one).",
        show_default=False,
    ),
]


def project_root(path: Path) -> Path:
    """The project root for a PATH argument (see :func:`migrator.config.find_root`)."""
    return find_root(path)


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def fail(message: str) -> None:
    """The one way an error reaches the user: one line on stderr."""
    err_console().print(f"migrator: error: {message}", markup=False, highlight=False)


def main() -> None:
    """Console entry point (``migrator.cli:main``)."""
    try:
        app()
    except MigratorError as exc:  # raised outside a command (while parsing the global options)
        fail(str(exc))
        sys.exit(exc.exit_code)
    except Exception as exc:  # outside any command (option parsing, rendering): still one line
        from migrator.crash import EXIT_INTERNAL, crash_message

        fail(crash_message(exc))
        sys.exit(EXIT_INTERNAL)
