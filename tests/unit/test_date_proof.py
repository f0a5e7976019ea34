"""The suite on every day of the year (issue 16, point 5): the dates the date-sensitive tests book are derived
from a pinned clock and the opening hours, and what they book is bookable on every start tested.

Cheap stand-ins for tests/e2e/run_on_dates.py (which runs the real browser tests under ``CIVIC_E2E_NOW`` on each
start): for every start in ``PROOF_STARTS`` (a whole week, the eves of public holidays, two DST weekends) and a few
moments right at a clock change, with the clock frozen there,

* ``next_open_slot`` (tests/e2e/conftest.py) gives the first slot a new room can take, and nothing earlier;
* the service calls the browser tests make on that slot succeed (a new room, the booking, the week calendar,
  the same slot refused), as do the event test's (a training on its Monday/Wednesday/Friday, an enrolment a
  week before) and the crash-safety burst's (bookings at 12:00 from tomorrow on, a three-week series);
* the shifted server's offset puts "now" exactly at the start moment, on either side of a DST change.

The start the suite itself runs on (``CIVIC_E2E_NOW``, or the default) is one more case.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from dashboard.core import clock
from dashboard.core.errors import Conflict
from dashboard.services import reservations as res
from dashboard.services.education import enrolment, trainings
from dashboard.services.register import organisations
from dashboard.services.reservations import booking_views
from tests.e2e import shifted_server as shifted
from tests.e2e.conftest import PROOF_STARTS, Slot, default_hours, next_open_slot

# Moments at the clock changes themselves: 02:30 happens twice on 25 October 2026 and never on 28 March 2027.
EDGE_MOMENTS = {"dst-autumn-0230-twice": "2026-10-25T02:30", "dst-spring-0230-never": "2027-03-28T02:30",
                "dst-autumn-sat-late": "2026-10-24T23:45", "christmas-eve-eve-evening": "2026-12-23T19:59"}
STARTS = {**PROOF_STARTS, **EDGE_MOMENTS, "this-run": shifted.start_moment().isoformat(timespec="minutes")}
HORIZON_DAYS = 90


@pytest.fixture(params=list(STARTS.values()), ids=list(STARTS))
def start(request) -> datetime:
    """The clock frozen at the start moment, as the e2e server's reads when the suite begins."""
    moment = shifted.parse_moment(request.param)
    clock.freeze(moment.replace(tzinfo=clock.WARSAW))
    return moment


def _book(db, actor, room: int, organisation: int, day: date, start: time, end: time) -> int:
    return res.create_booking(db, actor, {
        "resource_id": room, "organisation_id": organisation, "contact_person": "Łucja Żółkiewska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 10, "day": day, "start": start,
        "end": end, "status": "confirmed"})


def _room_and_organisation(db, admin) -> tuple[int, int]:
    room = res.create_resource(db, admin, {"kind": "room", "name": "Sala E2E", "capacity": 20})
    organisation = organisations.create(db, admin, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja"})
    return room, organisation


def test_the_slot_is_the_first_open_one_after_today(start):
    today = clock.today()
    slot = next_open_slot(after=today)
    assert today < slot.day <= today + timedelta(days=HORIZON_DAYS)
    opens, closes = default_hours(slot.day)
    assert slot.day.weekday() < 5 and res.holiday_name(slot.day) is None
    assert slot.start == max(opens, time(10)) and slot.end <= closes
    assert datetime.combine(slot.day, slot.end) - datetime.combine(slot.day, slot.start) == timedelta(hours=2)
    for ahead in range(1, (slot.day - today).days):
        skipped = today + timedelta(days=ahead)
        assert default_hours(skipped) is None, f"{skipped} was open, yet {slot.day} was chosen"
    assert next_open_slot(after=clock.local_now()) == slot, "a moment and its day give the same slot"


def test_the_derivation_follows_opening_hours_and_holidays():
    """Fixed points: Tuesdays open at 12:00, holidays and weekends are skipped, a slot too long for the day is not."""
    assert next_open_slot(after=date(2026, 11, 16)) == Slot(date(2026, 11, 17), time(12), time(14))  # Mon -> Tue
    assert next_open_slot(after=date(2026, 11, 10)) == Slot(date(2026, 11, 12), time(12), time(14))  # 11.11 holiday
    assert next_open_slot(after=date(2026, 12, 23)).day == date(2026, 12, 28)  # 24-26 December, then the weekend
    assert next_open_slot(after=date(2026, 12, 31)).day == date(2027, 1, 4)  # 1 January, then the weekend
    assert next_open_slot(after=date(2027, 3, 27)).day == date(2027, 3, 30)  # Easter Sunday and Monday
    assert next_open_slot(after=date(2026, 11, 16), earliest=time(14)).start == time(14)
    assert next_open_slot(after=date(2026, 11, 17), hours=4, earliest=time(15)) == Slot(
        date(2026, 11, 19), time(15), time(19))  # Wednesday 15-19 would end after 18:00; Thursday is open until 20


def test_what_the_booking_browser_test_does_works_on_its_slot(start, db, admin):
    """tests/e2e/test_browser_booking.py: a new room, the slot booked, shown in its week, refused a second time."""
    room, organisation = _room_and_organisation(db, admin)
    slot = next_open_slot(after=clock.today())
    week = res.opening_hours(db, room, slot.day).set_index("weekday")
    assert (week.at[slot.day.weekday(), "opens"], week.at[slot.day.weekday(), "closes"]) == default_hours(slot.day)
    assert res.closure_reason(db, room, slot.day) is None

    booking_id = _book(db, admin, room, organisation, slot.day, slot.start, slot.end)

    monday = slot.day - timedelta(days=slot.day.weekday())
    shown = booking_views.calendar(db, [room], monday, monday + timedelta(days=6), clock.local_now(),
                                   res.holiday_name)["bookings"]
    assert list(shown["id"]) == [booking_id]
    assert shown["starts_at"].iloc[0] == datetime.combine(slot.day, slot.start)
    with pytest.raises(Conflict):
        _book(db, admin, room, organisation, slot.day, slot.start, slot.end)


def test_what_the_event_browser_test_does_works_on_its_day(start, db, admin, staff):
    """tests/e2e/test_browser_event_attendance.py: a Monday, Wednesday or Friday at least eight days on with no
    closure; a 10:00-14:00 training there, made and enrolled into a week before at noon."""
    room, _ = _room_and_organisation(db, admin)
    day = clock.today() + timedelta(days=8)
    while day.weekday() not in (0, 2, 4) or res.closure_reason(db, room, day):
        day += timedelta(days=1)
    clock.freeze(datetime.combine(day - timedelta(days=7), time(12), tzinfo=clock.WARSAW))
    event_id = trainings.create_event(db, staff, {
        "title": "Pozyskiwanie środków", "event_type": "training", "topics": ["T2"], "trainer_name": "Anna Trenerska",
        "resource_id": room, "capacity": 15, "sessions": [{"day": day, "start": time(10), "end": time(14)}]})
    enrolment.enrol(db, staff, event_id, {"full_name": "Łucja Żółkiewska", "email": "lucja@example.org",
                                          "consent": True})
    assert db.scalar("select count(*) from booking where resource_id = ? and status = 'confirmed'", [room]) == 1


def test_what_the_crash_safety_burst_books_is_bookable(start, db, admin, staff):
    """tests/unit/test_crash_safety.py's child: weekdays from tomorrow on, no holiday, blocks from 12:00 (the hours
    every weekday shares), within 80 days; a three-week series in the first week."""
    room, organisation = _room_and_organisation(db, admin)
    tomorrow = clock.today() + timedelta(days=1)
    days = [d for d in (tomorrow + timedelta(days=i) for i in range(80)) if d.weekday() < 5 and not res.holiday_name(d)]
    for day in (days[0], days[-1]):
        for block in (time(12), time(14), time(16)):
            _book(db, staff, room, organisation, day, block, (datetime.combine(day, block) + timedelta(hours=2)).time())
    first_week = [tomorrow + timedelta(days=i) for i in range(7)]
    series_days = [d for d in first_week if all(
        (d + timedelta(weeks=w)).weekday() < 5 and not res.holiday_name(d + timedelta(weeks=w)) for w in range(3))]
    assert series_days, "no day of the first week starts a three-week series"
    series_room = res.create_resource(db, admin, {"kind": "room", "name": "Sala cykliczna", "capacity": 20})
    done = res.create_series(db, staff, {
        "resource_id": series_room, "organisation_id": organisation, "contact_person": "Zofia Zielińska",
        "purpose": "Warsztaty", "statutory_declared": True, "attendees": 10, "day": series_days[0],
        "start": time(16), "end": time(18), "status": "confirmed"}, every_weeks=1, count=3)
    assert len(done["booked"]) == 3


@pytest.mark.parametrize("real_now", [datetime(2026, 12, 2, 0, 39, tzinfo=UTC), datetime(2026, 7, 1, 9, tzinfo=UTC),
                                      datetime(2030, 3, 31, 1, 30, tzinfo=UTC)], ids=["winter", "summer", "at-a-change"])
@pytest.mark.parametrize("text", list(STARTS.values()), ids=list(STARTS))
def test_the_shifted_clock_starts_at_the_moment_asked(text, real_now):
    """The e2e server's "now" is the real now plus ``offset_to(start)``: it reads as the start moment (02:30 on the
    spring change does not exist, so it reads as 03:30, the same instant), whatever the real date's DST."""
    moment = shifted.parse_moment(text)
    shown = (real_now + timedelta(seconds=shifted.offset_to(moment, real_now))).astimezone(clock.WARSAW)
    expected = moment.replace(tzinfo=clock.WARSAW).astimezone(UTC).astimezone(clock.WARSAW)
    assert shown.replace(tzinfo=None) == expected.replace(tzinfo=None)
    if moment != datetime(2027, 3, 28, 2, 30):
        assert shown.replace(tzinfo=None) == moment


def test_a_start_given_as_a_date_means_eleven_oclock_there():
    assert shifted.parse_moment("2026-12-23") == datetime(2026, 12, 23, 11, 0)
    assert shifted.parse_moment("2026-12-23T19:59") == datetime(2026, 12, 23, 19, 59)
    assert shifted.parse_moment("2026-10-25T01:00+00:00") == datetime(2026, 10, 25, 2, 0)  # after the change: UTC+1
    assert shifted.parse_moment(shifted.DEFAULT_START).weekday() == 2  # a Wednesday: open from 10:00
