"""Buffered product-analytics events, flushed in batches to the warehouse."""

from __future__ import annotations

from typing import Any

from core.utils.clock import utcnow

MAX_BUFFER = 500

_BUFFER = []


def track(event: str, **properties: Any) -> None:
    """Queue ``event``; flushes automatically when the buffer is full."""
    if not event:
        raise ValueError("event name must not be empty")
    _BUFFER.append({"event": event, "at": utcnow().isoformat(), "properties": properties})
    if len(_BUFFER) >= MAX_BUFFER:
        flush()


def flush() -> list[dict[str, Any]]:
    """Hand over the buffered events and start a new buffer."""
    global _BUFFER
    batch, _BUFFER = _BUFFER, []
    return batch


def pending() -> int:
    return len(_BUFFER)
