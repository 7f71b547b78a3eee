"""Reusable design-pattern helpers."""

from __future__ import annotations

import functools
import threading
from typing import Any


def singleton(cls: type) -> Any:
    """Class decorator: every call of the decorated name returns the same instance.

    The returned callable has ``reset()`` (for tests) and ``cls`` (the real class).
    """
    instances: dict[type, Any] = {}
    lock = threading.Lock()

    @functools.wraps(cls, updated=())
    def get_instance(*args: Any, **kwargs: Any) -> Any:
        with lock:
            if cls not in instances:
                instances[cls] = cls(*args, **kwargs)
            return instances[cls]

    def reset() -> None:
        with lock:
            instances.clear()

    get_instance.reset = reset
    get_instance.cls = cls
    return get_instance
