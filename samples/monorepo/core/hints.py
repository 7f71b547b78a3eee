"""Names for annotations only.

Modules that must stay cheap to import can annotate with these names under
``if TYPE_CHECKING:``; nothing here exists at runtime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.engine.user_engine import UserEngine
