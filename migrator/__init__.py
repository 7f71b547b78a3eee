"""migrator: plan and perform single-source-of-truth consolidation migrations."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
