"""Session analytics over live engines (1.x style module, still on the shim)."""

from __future__ import annotations

from core.legacy.engine_shim import *  # noqa: F403


def session_length(engine: UserEngine) -> int:  # noqa: F405
    """Number of tasks the engine ran during the session."""
    return len(engine.history)


def live_engines(engines: list) -> list:
    """The engines that are still running."""
    return [e for e in engines if isinstance(e, UserEngine) and e.running]  # noqa: F405
