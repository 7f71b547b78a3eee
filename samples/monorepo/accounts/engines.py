"""Engine names as the accounts service has always imported them."""

from core.legacy import UserEngine as AccountEngine

__all__ = ["AccountEngine"]
