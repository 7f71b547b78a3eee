"""Dashboards: many users' reports at once."""

from __future__ import annotations

from collections.abc import Mapping

from .engine import UserEngine


def build_dashboard(metrics_by_user: Mapping[str, Mapping[str, float]]) -> dict[str, str]:
    """Rendered report per user."""
    return {user_id: UserEngine(user_id, metrics).render() for user_id, metrics in metrics_by_user.items()}


def leaderboard(metrics_by_user: Mapping[str, Mapping[str, float]], metric: str, n: int = 5) -> list[str]:
    """User ids with the highest value of ``metric``."""
    scored = [(metrics.get(metric, 0.0), user_id) for user_id, metrics in metrics_by_user.items()]
    return [user_id for _, user_id in sorted(scored, key=lambda s: (-s[0], s[1]))[:n]]
