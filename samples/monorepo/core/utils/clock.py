"""Time helpers; every datetime here is timezone-aware UTC."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def start_of_month(moment: dt.datetime) -> dt.datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def billing_period(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month containing ``moment``, as ``[start, end)``."""
    start = start_of_month(moment)
    if start.month == 12:
        end = start.replace(year=start.year + 1, month=1)
    else:
        end = start.replace(month=start.month + 1)
    return start, end
