"""In-process publish/subscribe bus."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from core.utils.patterns import singleton

Handler = Callable[[dict[str, Any]], None]


@singleton
class EventBus:
    """The process-wide event bus; ``EventBus()`` always returns the same instance."""

    def __init__(self) -> None:
        self._handlers: defaultdict[str, list[Handler]] = defaultdict(list)
        self.published: list[tuple[str, dict[str, Any]]] = []

    def subscribe(self, topic: str, handler: Handler) -> None:
        if handler not in self._handlers[topic]:
            self._handlers[topic].append(handler)

    def unsubscribe(self, topic: str, handler: Handler) -> None:
        if handler in self._handlers[topic]:
            self._handlers[topic].remove(handler)

    def publish(self, topic: str, payload: dict[str, Any] | None = None) -> int:
        """Deliver ``payload`` to every handler of ``topic``; return how many ran."""
        message = dict(payload or {})
        self.published.append((topic, message))
        handlers = list(self._handlers[topic])
        for handler in handlers:
            handler(message)
        return len(handlers)

    def install_default_handlers(self) -> None:
        # Imported here: core.events.handlers imports this module at its top.
        from core.events import handlers

        handlers.register_defaults(self)
