"""The week calendar is prepared once a minute (pages/week.py keeps it by ``timegrid.minute_up(now)``).

That is only right if the free half hours one is offered are the same for every "now" up to the next
whole minute: a half hour that began at 13:00 is gone at 13:00:01 and still offered at 12:59:59.
The week of Monday 9 November 2026; the training room is free all Monday (open 10–18).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from dashboard.services import reservations as res
from dashboard.services.reservations import booking_views, timegrid

MONDAY = date(2026, 11, 9)


@pytest.mark.parametrize(("now", "up"), [
    (datetime(2026, 11, 9, 13, 0), datetime(2026, 11, 9, 13, 0)),                 # on the minute: itself
    (datetime(2026, 11, 9, 13, 0, 0, 1), datetime(2026, 11, 9, 13, 1)),
    (datetime(2026, 11, 9, 12, 59, 59, 999999), datetime(2026, 11, 9, 13, 0)),
    (datetime(2026, 12, 31, 23, 59, 30), datetime(2027, 1, 1, 0, 0)),            # over the year's end
])
def test_minute_up_is_the_first_whole_minute_not_before_now(now, up):
    assert timegrid.minute_up(now) == up


def _first_free(centre, now: datetime) -> time:
    free = booking_views.calendar(centre.db, [centre.room], MONDAY, MONDAY, now, res.holiday_name)["free"]
    return free["starts_at"].iloc[0].time()


@pytest.mark.parametrize(("now", "first"), [
    (datetime(2026, 11, 9, 12, 59, 59), time(13, 0)),
    (datetime(2026, 11, 9, 13, 0), time(13, 0)),
    (datetime(2026, 11, 9, 13, 0, 1), time(13, 30)),
    (datetime(2026, 11, 9, 13, 29, 30), time(13, 30)),
])
def test_the_half_hours_offered_are_the_same_at_now_and_at_its_whole_minute(centre, now, first):
    assert _first_free(centre, now) == first
    assert _first_free(centre, timegrid.minute_up(now)) == first
