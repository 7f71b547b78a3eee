"""Deferred work run by engines."""
