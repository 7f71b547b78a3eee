"""Read settings overrides from a small ``key = value`` file (one per line, ``#`` comments)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .settings import Settings


def parse_settings_text(text: str) -> dict[str, str]:
    """Parse ``key = value`` lines; blank lines and ``#`` comments are ignored."""
    values: dict[str, str] = {}
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"line {number}: expected 'key = value', got {raw_line!r}")
        values[key.strip()] = value.strip()
    return values


def load_settings(path: str | Path, base: Settings | None = None) -> Settings:
    """Apply the overrides in ``path`` on top of ``base`` (default: built-in defaults)."""
    overrides = parse_settings_text(Path(path).read_text(encoding="utf-8"))
    known = {field.name for field in dataclasses.fields(Settings)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)}")
    environ = {f"APP_{name.upper()}": value for name, value in overrides.items()}
    parsed = Settings.from_env(environ)
    changes = {name: getattr(parsed, name) for name in overrides}
    return (base if base is not None else Settings()).with_overrides(**changes)
