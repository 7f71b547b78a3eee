"""Command-line interface (placeholder until the planner lands)."""

from __future__ import annotations


def main() -> None:
    raise SystemExit("migrator: not yet implemented")
