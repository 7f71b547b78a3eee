"""Per-user analytics reports."""

from analytics.reporting.engine import UserEngine

__all__ = ["UserEngine"]
