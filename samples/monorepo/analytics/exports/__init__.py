"""Exports of analytics data (CSV for now)."""
