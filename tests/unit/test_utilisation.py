"""Tests for the utilisation figures: each against a value worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from dashboard import clock
from dashboard.services import advisory, organisations, reservations, utilisation

HOLIDAY_WEEK = date(2026, 11, 9)  # Mon 9 Nov; Wed 11 Nov is Independence Day


@pytest.fixture
def centre(db, admin, staff):
    clock.freeze(datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc))
    room = reservations.create_resource(db, admin, {"kind": "room", "name": "Sala szkoleniowa", "capacity": 20})
    first = organisations.create(db, staff, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja"})
    second = organisations.create(db, staff, {"name": "Stowarzyszenie Sąsiedzi", "legal_form": "stowarzyszenie"})
    return room, first, second


def _book(db, staff, room, organisation_id, day, start, end):
    return reservations.create_booking(db, staff, {
        "resource_id": room, "organisation_id": organisation_id, "contact_person": "Anna Kowalska",
        "purpose": "Zebranie", "statutory_declared": True, "attendees": 10, "day": day, "start": start, "end": end})


def test_occupancy_in_a_week_with_a_holiday(db, staff, coordinator, centre):
    room, first, _ = centre
    _book(db, staff, room, first, HOLIDAY_WEEK, time(10, 0), time(18, 0))  # 8 h on Monday

    frame = utilisation.room_occupancy(db, coordinator, HOLIDAY_WEEK, date(2026, 11, 15), [room])

    week = frame[frame["week_start"] == HOLIDAY_WEEK].iloc[0]
    assert week["open_hours"] == 32.0  # 5 × 8 h less the holiday
    assert week["booked_hours"] == 8.0
    assert week["occupancy"] == pytest.approx(0.25)


def test_a_period_starting_on_sunday_counts_whole_weeks(db, staff, coordinator, centre):
    room, first, _ = centre
    _book(db, staff, room, first, date(2026, 11, 2), time(10, 0), time(14, 0))

    frame = utilisation.room_occupancy(db, coordinator, date(2026, 11, 1), date(2026, 11, 8), [room])

    assert list(frame["week_start"]) == [date(2026, 10, 26), date(2026, 11, 2)]
    assert frame.iloc[1]["booked_hours"] == 4.0 and frame.iloc[1]["open_hours"] == 40.0


def test_unique_organisations_across_bookings_and_advice(db, staff, coordinator, centre):
    room, first, second = centre
    _book(db, staff, room, first, date(2026, 11, 4), time(10, 0), time(12, 0))
    _book(db, staff, room, first, date(2026, 11, 6), time(10, 0), time(12, 0))
    clock.freeze(datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc))
    for organisation_id in (first, second):
        advisory.add_advisory(db, staff, {"organisation_id": organisation_id, "advisor": "Ewa Doradczyni",
                                          "topic_code": "T2", "held_on": date(2026, 11, 18), "duration_min": 90,
                                          "form": "in_person", "question": "Skąd wziąć środki?"})

    served = utilisation.organisations_served(db, coordinator, date(2026, 11, 1), date(2026, 11, 30))
    hours = utilisation.advisory_hours(db, coordinator, date(2026, 11, 1), date(2026, 11, 30))

    assert served == {"organisations": 2}
    assert hours == {"sessions": 2, "hours": 3.0, "organisations": 2}


def test_presets_cover_the_expected_dates():
    today = date(2026, 11, 28)  # a Saturday
    assert utilisation.period("week", today) == (date(2026, 11, 23), date(2026, 11, 29))
    assert utilisation.period("month", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert utilisation.period("quarter", today) == (date(2026, 10, 1), date(2026, 12, 31))
    assert utilisation.period("pilot", today, (date(2026, 7, 1), date(2026, 12, 31))) == (date(2026, 7, 1),
                                                                                          date(2026, 12, 31))
