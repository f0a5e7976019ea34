"""The week calendar's drawing is kept by the rows it was drawn from (``week_view.prepared``), not only by the
data stamp: a write that leaves the shown week as it was (a booking in another week, any other area's write)
reads the week again but does not draw it again (issue 20), and what it hands out is what a new drawing makes.

The week of Monday 9 November 2026, both rooms; "now" is the ``centre`` fixture's Monday 2 November 08:00.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from dashboard.core import clock
from dashboard.services import reservations as res
from dashboard.ui import cached, charts, utilisation_view, week_view
from tests.unit.builders import booking

MONDAY, SUNDAY, NEXT_TUESDAY = date(2026, 11, 9), date(2026, 11, 15), date(2026, 11, 17)


@pytest.fixture
def drawings(monkeypatch):
    cached.clear()
    made = []
    original = charts.booking_calendar

    def counting(*args, **kwargs):
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(charts, "booking_calendar", counting)
    yield made
    cached.clear()


def _shown(centre, actor) -> dict:
    read = utilisation_view.reader(centre.db, actor)   # a rerun's reader: the stamp as it is now
    names = {centre.room: "Sala szkoleniowa", centre.meeting: "Sala spotkań"}
    return week_view.prepared(read, [centre.room, centre.meeting], names, MONDAY, SUNDAY, clock.local_now(), "pl",
                              day_view=False, can_book=True, on_phone=False)


def test_a_write_outside_the_shown_week_reads_it_again_but_does_not_draw_it_again(centre, admin, drawings):
    res.create_booking(centre.db, admin, booking(centre, day=MONDAY, start=time(10), end=time(12)))
    first = _shown(centre, admin)
    assert len(drawings) == 1 and first["count"] == 1

    res.create_booking(centre.db, admin, booking(centre, day=NEXT_TUESDAY, start=time(12), end=time(14)))
    again = _shown(centre, admin)   # a new stamp: read again, the same rows
    assert again is first and len(drawings) == 1

    res.create_booking(centre.db, admin, booking(centre, day=MONDAY, start=time(14), end=time(16)))
    changed = _shown(centre, admin)   # the shown week changed: drawn again
    assert len(drawings) == 2 and changed["count"] == 2 and changed["spec"] != first["spec"]


def test_a_kept_drawing_is_what_a_new_drawing_makes(centre, admin, drawings):
    res.create_booking(centre.db, admin, booking(centre, day=MONDAY, start=time(10), end=time(12)))
    _shown(centre, admin)
    res.create_booking(centre.db, admin, booking(centre, day=NEXT_TUESDAY, start=time(12), end=time(14)))
    kept = _shown(centre, admin)

    cached.clear()
    fresh = _shown(centre, admin)
    assert len(drawings) == 2 and fresh is not kept
    assert fresh["spec"] == kept["spec"] and fresh["count"] == kept["count"]
    assert fresh["table"].equals(kept["table"])
