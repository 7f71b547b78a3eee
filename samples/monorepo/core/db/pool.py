"""A small process-wide pool of sqlite3 connections."""

from __future__ import annotations

import sqlite3
import threading

from core.config import get_settings


class PoolExhausted(RuntimeError):
    """Every connection of the pool is in use."""


class ConnectionPool:
    """Hands out at most ``size`` connections to one sqlite database."""

    def __init__(self, database: str, size: int = 4) -> None:
        if size < 1:
            raise ValueError("size must be >= 1")
        self.database = database
        self.size = size
        self._idle: list[sqlite3.Connection] = []
        self._in_use = 0
        self._lock = threading.Lock()

    def acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                conn = self._idle.pop()
            elif self._in_use < self.size:
                conn = sqlite3.connect(self.database, check_same_thread=False)
            else:
                raise PoolExhausted(f"all {self.size} connections to {self.database} are in use")
            self._in_use += 1
            return conn

    def release(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            self._in_use -= 1
            self._idle.append(conn)

    def close(self) -> None:
        with self._lock:
            for conn in self._idle:
                conn.close()
            self._idle.clear()

    @property
    def in_use(self) -> int:
        return self._in_use


def database_from_url(url: str) -> str:
    """``sqlite://path/to.db`` -> ``path/to.db``; ``sqlite://`` alone means in-memory."""
    prefix = "sqlite://"
    if not url.startswith(prefix):
        raise ValueError(f"unsupported database url: {url!r}")
    return url[len(prefix):] or ":memory:"


def create_engine(url: str, size: int = 4) -> ConnectionPool:
    """Open a pool for ``url``. Named after SQLAlchemy's function; no relation to user engines."""
    return ConnectionPool(database_from_url(url), size)


_pool = None
_pool_lock = threading.Lock()


def get_pool() -> ConnectionPool:
    """The process-wide pool for the configured database (created on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = create_engine(get_settings().database_url)
    return _pool
