"""The analytics service: usage tracking, reports and revenue figures."""
