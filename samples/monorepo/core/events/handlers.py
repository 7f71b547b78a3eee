"""Default handlers for engine lifecycle events."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from core.events.bus import EventBus

if TYPE_CHECKING:
    from core.engine import UserEngine

logger = logging.getLogger(__name__)

STARTED = "engine.started"
STOPPED = "engine.stopped"


def engine_event(engine: UserEngine) -> dict[str, Any]:
    """The payload published for an engine."""
    return {"user_id": engine.user_id, "state": engine.state.value, "tasks": len(engine.history)}


def publish_started(engine: UserEngine) -> int:
    return EventBus().publish(STARTED, engine_event(engine))


def publish_stopped(engine: UserEngine) -> int:
    return EventBus().publish(STOPPED, engine_event(engine))


def log_event(payload: dict[str, Any]) -> None:
    logger.info("engine event for %s: %s", payload.get("user_id"), payload.get("state"))


def register_defaults(bus: Any) -> None:
    """Subscribe the logging handler to every engine topic of ``bus``."""
    for topic in (STARTED, STOPPED):
        bus.subscribe(topic, log_event)
