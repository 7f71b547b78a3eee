"""The one exception family the library raises for bad input; the CLI maps it to exit codes."""

from __future__ import annotations


class MigratorError(Exception):
    """A domain error with a one-line message meant for the user (exit code 2 by default)."""

    exit_code: int = 2


class ConfigError(MigratorError):
    """The configuration is invalid: the message names the file, the key and the problem."""


class RefusedError(MigratorError):
    """An operation was refused to protect the user's files (stale plan, dirty tree, lock)."""


class RolledBackError(MigratorError):
    """The run was stopped and rolled back (a verify command failed, a conflict)."""

    exit_code = 3


class RollbackRefusedError(MigratorError):
    """Rollback refused: files changed since the run (use --force)."""

    exit_code = 4
