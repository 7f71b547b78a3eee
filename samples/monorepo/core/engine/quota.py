"""Per-engine task quotas."""

from __future__ import annotations


class QuotaExceeded(RuntimeError):
    """Raised when an engine runs more tasks than its quota allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"quota of {limit} tasks exhausted")
        self.limit = limit


class QuotaPolicy:
    """Counts units consumed against a fixed limit."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError("limit must be >= 0")
        self.limit = limit
        self.used = 0

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def consume(self, units: int = 1) -> None:
        """Charge ``units``; raise :class:`QuotaExceeded` instead of going over the limit."""
        if units <= 0:
            raise ValueError("units must be positive")
        if self.used + units > self.limit:
            raise QuotaExceeded(self.limit)
        self.used += units

    def reset(self) -> None:
        self.used = 0
