"""CSV export of per-user usage."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

<<<<<<< HEAD
from core.engine.user_engine import UserEngine
=======
from core.legacy.engine_shim import UserEngine
>>>>>>> feature/legacy-export

COLUMNS = ("user_id", "state", "tasks_run")


def export_engines(engines: Iterable[UserEngine]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for engine in engines:
        writer.writerow([engine.user_id, engine.state.value, len(engine.history)])
    return buffer.getvalue()
