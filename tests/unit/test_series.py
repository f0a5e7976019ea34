"""Recurring bookings: the preview tells each date's fate; creating is all-or-nothing, or the
free dates only when asked; never a silent partial series. Cancelling one cancels the future."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from dashboard.core.errors import Conflict, NotFound, ValidationError
from dashboard.services import reservations as res
from dashboard.services.admin import app_settings
from tests.unit.builders import at, booking, field_errors

WEDNESDAYS = [date(2026, 11, 4), date(2026, 11, 11), date(2026, 11, 18), date(2026, 11, 25), date(2026, 12, 2),
              date(2026, 12, 9)]


def wednesday_series(centre, **changes) -> dict:
    return booking(centre, day=WEDNESDAYS[0], start=time(10), end=time(12), **changes)


@pytest.fixture
def mixed(centre, staff, admin):
    """Six Wednesdays: a holiday, someone else's booking and a date beyond a 30-day horizon among them."""
    res.create_booking(centre.db, staff, booking(centre, organisation_id=centre.sasiedzi, day=WEDNESDAYS[3],
                                                 start=time(10, 30), end=time(11, 30)))
    app_settings.set_setting(centre.db, admin, "booking_horizon_days", 30)
    return centre


def counts(db) -> tuple:
    return tuple(db.scalar("select count(*) from " + table)
                 for table in ("booking", "booking_series", "booking_slot", "audit_log"))


def test_the_preview_gives_each_date_its_status_and_reason(mixed, staff):
    plan = res.preview_series(mixed.db, staff, wednesday_series(mixed), every_weeks=1, count=6)

    assert [p["day"] for p in plan] == WEDNESDAYS
    assert [p["status"] for p in plan] == ["free", "closed", "free", "conflict", "free", "invalid"]
    assert plan[1]["detail"].params == {"reason": "Narodowe Święto Niepodległości"}
    assert plan[3]["detail"].key == "error.booking_overlap"
    assert plan[3]["detail"].params == {"organisation": "Stowarzyszenie Sąsiedzi z Bałut", "day": "25.11.2026",
                                        "start": "10:30", "end": "11:30"}
    assert plan[5]["detail"].key == "error.beyond_horizon"
    assert plan[0]["detail"] is None


def test_all_or_nothing_writes_nothing_when_a_date_is_not_free(mixed, staff):
    before = counts(mixed.db)

    with pytest.raises(Conflict) as excinfo:
        res.create_series(mixed.db, staff, wednesday_series(mixed), every_weeks=1, count=6, only_free=False)

    assert excinfo.value.message.key == "error.series_not_free"
    assert excinfo.value.message.params == {"count": 3, "total": 6}
    assert [p["status"] for p in excinfo.value.occurrences] == ["free", "closed", "free", "conflict", "free",
                                                                "invalid"]
    assert counts(mixed.db) == before


def test_only_free_books_the_free_dates_and_reports_the_rest(mixed, staff):
    result = res.create_series(mixed.db, staff, wednesday_series(mixed), every_weeks=1, count=6, only_free=True)

    assert len(result["booked"]) == 3
    assert [(day, status) for day, status, _ in result["skipped"]] == [
        (WEDNESDAYS[1], "closed"), (WEDNESDAYS[3], "conflict"), (WEDNESDAYS[5], "invalid")]
    days = mixed.db.rows("select starts_at::date, series_id from booking where series_id is not null order by 1")
    assert days == [(WEDNESDAYS[i], result["series_id"]) for i in (0, 2, 4)]
    assert mixed.db.scalar("select count(*) from booking_slot where booking_id in (select id from booking "
                           "where series_id = ?)", [result["series_id"]]) == 12
    assert mixed.db.scalar("select count(*) from audit_log where entity = 'booking_series'") == 1


def test_a_fully_free_series_is_booked_whole(centre, staff):
    result = res.create_series(centre.db, staff, booking(centre), every_weeks=2, until=date(2026, 12, 15))

    assert result["skipped"] == []
    assert centre.db.rows("select starts_at::date from booking order by 1") == [
        (date(2026, 11, 3),), (date(2026, 11, 17),), (date(2026, 12, 1),), (date(2026, 12, 15),)]


def test_nothing_free_is_refused_even_with_only_free(centre, staff):
    with pytest.raises(Conflict) as excinfo:
        res.create_series(centre.db, staff, booking(centre, day=date(2026, 11, 7)), every_weeks=1, count=3,
                          only_free=True)  # Saturdays: closed
    assert excinfo.value.message.key == "error.series_nothing_free"
    assert centre.db.scalar("select count(*) from booking_series") == 0


def test_a_slot_taken_after_the_preview_still_stops_an_all_or_nothing_series(centre, staff):
    plan = res.preview_series(centre.db, staff, booking(centre), every_weeks=1, count=3)
    assert {p["status"] for p in plan} == {"free"}
    res.create_booking(centre.db, staff, booking(centre, organisation_id=centre.sasiedzi, day=date(2026, 11, 10)))

    with pytest.raises(Conflict):
        res.create_series(centre.db, staff, booking(centre), every_weeks=1, count=3)
    assert centre.db.scalar("select count(*) from booking") == 1


def test_fair_use_counts_in_the_preview(centre, staff, admin):
    app_settings.set_setting(centre.db, admin, "fair_use_weekly_hours", 2)
    res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=4,
                                                 day=date(2026, 11, 12), start=time(12), end=time(13)))
    plan = res.preview_series(centre.db, staff, booking(centre), every_weeks=1, count=3)
    assert [p["status"] for p in plan] == ["free", "invalid", "free"]
    assert plan[1]["detail"].key == "error.fair_use_cap"


def test_a_series_is_validated_before_any_date_is_looked_at(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        res.preview_series(centre.db, staff, booking(centre, attendees=0), every_weeks=0)
    assert field_errors(excinfo) == {"attendees": "error.attendees_invalid", "every_weeks": "error.series_every_weeks",
                                     "until": "error.series_end_required"}
    with pytest.raises(ValidationError) as excinfo:
        res.preview_series(centre.db, staff, booking(centre), every_weeks=1, until=date(2026, 11, 1))
    assert field_errors(excinfo) == {"until": "error.period_reversed"}
    with pytest.raises(ValidationError) as excinfo:
        res.preview_series(centre.db, staff, booking(centre), every_weeks=1, count=500)
    assert field_errors(excinfo) == {"count": "error.series_too_long"}


def test_cancelling_a_series_cancels_only_what_has_not_started(centre, staff):
    result = res.create_series(centre.db, staff, booking(centre), every_weeks=1, count=4)
    first, second, third, fourth = result["booked"]
    at(datetime(2026, 11, 3, 12, 5))
    res.check_in(centre.db, staff, first, 14)
    at(datetime(2026, 11, 10, 12, 30))  # the second meeting is under way

    cancelled = res.cancel_series(centre.db, staff, result["series_id"], "Projekt zakończony")

    assert cancelled == 2
    statuses = dict(centre.db.rows("select id, status from booking"))
    assert [statuses[i] for i in (first, second, third, fourth)] == ["checked_in", "confirmed", "cancelled",
                                                                     "cancelled"]
    assert centre.db.scalar("select count(*) from booking_slot where booking_id in (?, ?)", [third, fourth]) == 0
    res.create_booking(centre.db, staff, booking(centre, organisation_id=centre.sasiedzi, day=date(2026, 11, 17)))


def test_cancelling_an_unknown_series_is_not_found(centre, staff):
    with pytest.raises(NotFound):
        res.cancel_series(centre.db, staff, 42, "x")
