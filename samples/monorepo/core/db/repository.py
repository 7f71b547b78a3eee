"""In-memory repositories: the stand-in for the ORM in development and tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class InMemoryRepository(Generic[T]):
    """Records by key, one table per subclass.

    ``_tables`` lives on the base class, so every repository in the process shares
    it; ``reset_all`` empties all of them at once.
    """

    _tables = {}
    table = "default"

    def _rows(self) -> dict[str, T]:
        return self._tables.setdefault(self.table, {})

    def add(self, key: str, record: T) -> None:
        rows = self._rows()
        if key in rows:
            raise KeyError(f"{self.table}: duplicate key {key!r}")
        rows[key] = record

    def get(self, key: str) -> T | None:
        return self._rows().get(key)

    def remove(self, key: str) -> None:
        self._rows().pop(key, None)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._rows().values()))

    def __len__(self) -> int:
        return len(self._rows())

    @classmethod
    def reset_all(cls) -> None:
        cls._tables.clear()
