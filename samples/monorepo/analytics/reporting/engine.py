"""The report engine: renders one user's metrics as a text report.

Despite the name this has nothing to do with core.engine.user_engine.UserEngine;
it predates the core engine and kept its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class UserEngine:
    """Renders the analytics report of a single user."""

    def __init__(self, user_id: str, metrics: Mapping[str, float], title: str = "Usage report") -> None:
        self.user_id = user_id
        self.metrics = dict(metrics)
        self.title = title

    def top(self, n: int = 3) -> list[tuple[str, float]]:
        """The ``n`` largest metrics, largest first (ties by name)."""
        return sorted(self.metrics.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def section(self, heading: str, keys: Iterable[str]) -> str:
        rows = [f"  {key}: {self.metrics[key]:g}" for key in keys if key in self.metrics]
        return "\n".join([heading, *rows]) if rows else heading + "\n  (no data)"

    def render(self) -> str:
        header = f"{self.title} for {self.user_id}"
        return "\n".join([header, "=" * len(header), self.section("Metrics", sorted(self.metrics))])
