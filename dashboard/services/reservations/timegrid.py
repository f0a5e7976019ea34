"""The half-hour grid and how times and hours are written in messages (shared by the reservation modules).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

SLOT = timedelta(minutes=30)


def on_grid(value: time) -> bool:
    return value.minute in (0, 30) and value.second == 0 and value.microsecond == 0


def hm(value: time | datetime) -> str:
    return value.strftime("%H:%M")


def dmy(value: date | datetime) -> str:
    return value.strftime("%d.%m.%Y")


def minute_up(value: datetime) -> datetime:
    """The first whole minute at or after ``value``. Every half hour starts on a whole minute, so a slot
    has not begun at ``value`` exactly when it has not begun at ``minute_up(value)``: a read that depends
    on "now" only through that can be kept for the minute."""
    whole = value.replace(second=0, microsecond=0)
    return whole if whole == value else whole + timedelta(minutes=1)


def span_hours(start: datetime | time, end: datetime | time) -> float:
    """Wall-clock hours between two naive times of one day."""
    if isinstance(start, time):
        start, end = datetime.combine(date.min, start), datetime.combine(date.min, end)
    return (end - start).total_seconds() / 3600


def num_text(value: float) -> str:
    return f"{value:g}"
