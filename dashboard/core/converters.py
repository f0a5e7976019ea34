"""The one set of converters from what a form, a URL or an editor sends to the value a service checks.

Each returns None when the value is not one, and never raises: the caller knows which field it was
and says so in the user's language. Integers are kept to DuckDB's BIGINT range, so ``"1e300"`` is
not a number any row could hold, and NaN, infinities and booleans are never numbers.
"""

from __future__ import annotations

import math
import operator
import re
from datetime import date, datetime, time
from typing import Any

_BIGINT = 2**63
# 10:30, 10:30:00, 10:30:00.000 as editors send them, and 10.30 as Poles write it.
_TIME_TEXT = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2})(?:\.\d+)?)?$")


def as_int(value: Any) -> int | None:
    """A whole number (int, numpy int, whole float, or its text: ' 42 ', '42.0'); None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
    else:
        try:
            number = operator.index(value)
        except TypeError:
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                return None
    if isinstance(number, float):
        if not math.isfinite(number) or number != int(number):
            return None
        number = int(number)
    return number if -_BIGINT <= number < _BIGINT else None


def as_date(value: Any) -> date | None:
    """A day from a date, a datetime (its day), ISO text ('2026-12-08') or Polish text ('08.12.2026')."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            pass
        try:
            return datetime.strptime(text, "%d.%m.%Y").date()
        except ValueError:
            return None
    return None


def as_time(value: Any) -> time | None:
    """A time of day from a time, a datetime, or text ('10:30', '10.30', '10:30:00.000'), to the second."""
    if isinstance(value, datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, time):
        return value.replace(microsecond=0)
    if isinstance(value, str) and (match := _TIME_TEXT.match(value.strip())):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        try:
            return time(hours, minutes, seconds)
        except ValueError:
            return None
    return None


def as_datetime(value: Any) -> datetime | None:
    """A naive wall-clock minute from a datetime, a date (its midnight) or ISO text."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            return None
    return None
