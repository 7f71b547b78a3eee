"""Caching helpers: a namespaced TTL cache and a process-wide memoizer."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Hashable
from typing import Any


class TTLCache:
    """Values that expire ``ttl`` seconds after they were stored.

    Entries are kept in the class-level ``_cache`` keyed by ``(namespace, key)``, so
    two caches with the same namespace see each other's values.
    """

    _cache = {}

    def __init__(self, namespace: str, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.namespace = namespace
        self.ttl = ttl
        self._clock = clock

    def set(self, key: Hashable, value: Any) -> None:
        self._cache[(self.namespace, key)] = (self._clock() + self.ttl, value)

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._cache.get((self.namespace, key))
        if entry is None:
            return default
        expires_at, value = entry
        if self._clock() >= expires_at:
            del self._cache[(self.namespace, key)]
            return default
        return value

    def invalidate(self, key: Hashable) -> None:
        self._cache.pop((self.namespace, key), None)


_MEMO = {}


def memoize(func: Callable[..., Any]) -> Callable[..., Any]:
    """Remember results by positional arguments for the life of the process."""

    @functools.wraps(func)
    def wrapper(*args: Hashable) -> Any:
        key = (func.__module__, func.__qualname__, args)
        if key not in _MEMO:
            _MEMO[key] = func(*args)
        return _MEMO[key]

    return wrapper


def clear_memo() -> None:
    _MEMO.clear()


def memo_size() -> int:
    return len(_MEMO)
