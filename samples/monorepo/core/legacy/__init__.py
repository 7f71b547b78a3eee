"""Deprecated 1.x import locations. Do not add new names here."""

from .engine_shim import UserEngine

__all__ = ["UserEngine"]
