"""Shared building blocks used by every service: engines, settings, storage, events."""
