"""Time, in the two frames the product uses.

Domain times (bookings, events) are Europe/Warsaw wall-clock and stored naive; audit and
login times are UTC and stored naive. Keeping both behind one module lets tests pin "now".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")

_frozen: datetime | None = None  # an aware datetime, set only by tests


def freeze(moment: datetime | None) -> None:
    """Pin the clock (tests); ``None`` releases it."""
    global _frozen
    _frozen = moment


def utc_now() -> datetime:
    """Naive UTC, for audit rows and login bookkeeping."""
    now = _frozen or datetime.now(UTC)
    return now.astimezone(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    """Naive Europe/Warsaw wall-clock, for domain times."""
    now = _frozen or datetime.now(UTC)
    return now.astimezone(WARSAW).replace(tzinfo=None)


def today() -> date:
    return local_now().date()
