"""The command-line interface: a thin typer layer over the library, one module per command group.

``base`` holds the app, the global options and the error mapping; each other module registers its
commands on ``base.app`` when imported. A new command is a new module imported here.
"""

from __future__ import annotations

from migrator.cli import (  # noqa: F401  (registers the commands)
    apply,
    baseline,
    diff,
    history,
    init,
    report,
    runs,
)
from migrator.cli.base import app, main

__all__ = ["app", "main"]
