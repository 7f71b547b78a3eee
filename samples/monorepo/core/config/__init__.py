"""Configuration: import :class:`Settings` from :mod:`core.config.settings`."""

from core.config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
