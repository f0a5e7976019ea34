"""The front desk's board (``booking_views.desk_read``, then ``desk_board`` at a moment): for every resource on a day, what the desk says of
it — in use by whom until when, free until the next booking, free for the rest of the day, its free
time on another day, closed (a holiday, a closure) or not open at all — and its bookings by start.

The week: Monday 9 – Sunday 15 November 2026 (default hours: Monday 10–18, Tuesday 12–20). Wednesday
11 November is a public holiday. The desk looks at it on Monday 9 November at 11:00.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from dashboard.core.errors import PermissionDenied
from dashboard.core.roles import SYSTEM, Actor
from dashboard.services import reservations as res
from dashboard.services.reservations import booking_views
from tests.unit.builders import at, booking

MONDAY, TUESDAY, WEDNESDAY, SUNDAY = date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 15)
MONDAY_11 = datetime(2026, 11, 9, 11, 0)


@pytest.fixture
def monday(centre, admin):
    """The training room taken 10–12 and 15–16 (a 14:00 one called off); the meeting room booked from 13:00,
    its 10:30 group never came."""
    db = centre.db
    ids = {
        "morning": res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(10), end=time(12))),
        "called_off": res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(14), end=time(15))),
        "afternoon": res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(15), end=time(16),
                                                           organisation_id=centre.sasiedzi)),
        "meeting": res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(13), end=time(14),
                                                         resource_id=centre.meeting, attendees=6)),
        "absent": res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(10, 30), end=time(11),
                                                        resource_id=centre.meeting, attendees=6)),
    }
    res.cancel_booking(db, admin, ids["called_off"], "Odwołane przez organizację")
    at(datetime(2026, 11, 9, 10, 40))
    res.mark_no_show(db, admin, ids["absent"])
    return ids


def _board(centre, day: date, now: datetime = MONDAY_11):
    resources = [centre.room, centre.meeting, centre.workstation, centre.projector]
    return booking_views.desk_board(booking_views.desk_read(centre.db, SYSTEM, resources, day), day, now)


def test_today_a_room_in_use_says_by_whom_and_until_when(centre, monday):
    room = _board(centre, MONDAY)[centre.room]
    assert (room.state, room.organisation, room.until) == ("in_use", "Fundacja Zielona Łódź", time(12))
    # Free between the bookings: the called-off hour is free again.
    assert room.gaps == [(time(12), time(15)), (time(16), time(18))]


def test_today_a_room_not_in_use_says_when_the_next_group_comes(centre, monday):
    meeting = _board(centre, MONDAY)[centre.meeting]
    # The 10:30 group that never came does not hold the room.
    assert (meeting.state, meeting.until) == ("free_until", time(13))
    assert meeting.gaps == [(time(10), time(13)), (time(14), time(18))]


def test_today_with_nothing_more_booked_a_resource_is_free_for_the_rest_of_the_day(centre, monday):
    board = _board(centre, MONDAY)
    assert board[centre.workstation].state == "free_rest"
    assert board[centre.workstation].gaps == [(time(10), time(18))]
    assert board[centre.meeting].state == "free_until"
    assert _board(centre, MONDAY, now=datetime(2026, 11, 9, 16, 30))[centre.room].state == "free_rest"


def test_a_checked_in_group_still_in_the_room_keeps_it_in_use(centre, monday, admin):
    at(datetime(2026, 11, 9, 10, 5))
    res.check_in(centre.db, admin, monday["morning"], 11)
    room = _board(centre, MONDAY)[centre.room]
    assert (room.state, room.until) == ("in_use", time(12))
    assert room.bookings[0].status == "checked_in" and room.bookings[0].actual_attendance == 11


def test_the_day_lists_every_booking_by_start_the_called_off_too(centre, monday):
    room = _board(centre, MONDAY)[centre.room]
    assert [(b.starts_at.time(), b.organisation, b.status) for b in room.bookings] == [
        (time(10), "Fundacja Zielona Łódź", "confirmed"),
        (time(14), "Fundacja Zielona Łódź", "cancelled"),
        (time(15), "Stowarzyszenie Sąsiedzi z Bałut", "confirmed")]
    assert {b.resource for b in room.bookings} == {"Sala szkoleniowa"}
    assert [b.id for b in _board(centre, MONDAY)[centre.meeting].bookings] == [monday["absent"], monday["meeting"]]


def test_another_day_shows_its_free_time_and_not_who_is_in(centre, monday):
    tuesday = _board(centre, TUESDAY)
    assert tuesday[centre.room].state == "gaps"
    assert tuesday[centre.room].gaps == [(time(12), time(20))]  # Tuesday's hours, nothing booked
    assert tuesday[centre.room].bookings == []


def test_a_holiday_closes_everything_and_a_closure_its_resource(centre, monday, admin):
    holiday = _board(centre, WEDNESDAY)
    assert {r.state for r in holiday.values()} == {"closed"}
    assert {r.reason for r in holiday.values()} == {"Narodowe Święto Niepodległości"}
    res.add_closure(centre.db, admin, {"resource_id": centre.meeting, "date_from": TUESDAY, "date_to": TUESDAY,
                                       "reason": "Malowanie sali"})
    tuesday = _board(centre, TUESDAY)
    assert (tuesday[centre.meeting].state, tuesday[centre.meeting].reason) == ("closed", "Malowanie sali")
    assert tuesday[centre.room].state == "gaps"


def test_a_day_without_opening_hours_is_not_open(centre, monday):
    sunday = _board(centre, SUNDAY)
    assert {r.state for r in sunday.values()} == {"not_open"}
    assert all(r.gaps is None for r in sunday.values())


def test_no_resources_no_board(centre):
    assert booking_views.desk_board(booking_views.desk_read(centre.db, SYSTEM, [], MONDAY), MONDAY, MONDAY_11) == {}


def test_the_board_is_read_only_by_a_known_role(centre):
    with pytest.raises(PermissionDenied):
        booking_views.desk_read(centre.db, Actor("gosc", "guest"), [centre.room], MONDAY)


def test_the_hours_in_force_that_day_count_a_new_week_from_its_first_day(centre, admin):
    """New hours from Tuesday 10 November (Monday opens 8–20 from then on): the desk reads Monday 9th by the
    old hours and Monday 16th by the new; a resource left as it was keeps its old hours."""
    week = [{"weekday": wd, "opens": opens, "closes": closes} for wd, (opens, closes) in res.DEFAULT_HOURS.items()]
    week[0] = {"weekday": 0, "opens": time(8), "closes": time(20)}
    res.set_opening_hours(centre.db, admin, centre.room, week, valid_from=TUESDAY)
    before, after = _board(centre, MONDAY), _board(centre, date(2026, 11, 16))
    assert before[centre.room].gaps == [(time(10), time(18))]
    assert after[centre.room].gaps == [(time(8), time(20))]
    assert after[centre.meeting].gaps == [(time(10), time(18))]
