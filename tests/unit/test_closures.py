"""Closed days: Polish public holidays come by themselves, staff closures are entered, and the
weekly compliance report tells a holiday (explained) from a real shortfall (a failure)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from dashboard.core.errors import Conflict, NotFound, ValidationError
from dashboard.services import reservations as res
from tests.unit.builders import TUESDAY, WEDNESDAY, at, booking, field_errors


@pytest.mark.parametrize("day,name", [
    (date(2026, 11, 11), "Narodowe Święto Niepodległości"),
    (date(2026, 12, 24), "Wigilia Bożego Narodzenia"),
    (date(2027, 3, 29), "Poniedziałek Wielkanocny"),
    (date(2025, 12, 24), "Wigilia Bożego Narodzenia"),  # a public holiday from 2025 on
])
def test_public_holidays_close_every_resource(centre, day, name):
    assert res.closure_reason(centre.db, centre.room, day) == name
    assert res.closure_reason(centre.db, None, day) == name
    assert res.holiday_name(day, "en") is not None


def test_christmas_eve_was_a_working_day_before_2025(centre):
    assert res.closure_reason(centre.db, centre.room, date(2024, 12, 24)) is None


@pytest.mark.parametrize("now,day", [
    (datetime(2026, 12, 1, 9), date(2026, 12, 24)),   # Thursday
    (datetime(2027, 3, 1, 9), date(2027, 3, 29)),     # Easter Monday
])
def test_no_booking_on_a_holiday(centre, staff, now, day):
    at(now)
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, day=day, start=time(12), end=time(14)))
    assert field_errors(excinfo) == {"day": "error.closed_day"}


def test_a_staff_closure_of_one_room_leaves_the_others_open(centre, staff):
    closure_id = res.add_closure(centre.db, staff, {"resource_id": centre.room, "date_from": TUESDAY,
                                                    "date_to": WEDNESDAY, "reason": "Malowanie sali"})

    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre))
    assert excinfo.value.errors["day"].params == {"reason": "Malowanie sali"}
    res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=6))
    assert res.closure_reason(centre.db, centre.meeting, TUESDAY) is None

    res.cancel_closure(centre.db, staff, closure_id)
    res.create_booking(centre.db, staff, booking(centre))
    assert centre.db.scalar("select count(*) from closure") == 1  # withdrawn, not deleted


def test_a_closure_of_the_whole_centre_closes_everything(centre, staff):
    res.add_closure(centre.db, staff, {"resource_id": None, "date_from": TUESDAY, "date_to": TUESDAY,
                                       "reason": "Szkolenie zespołu"})
    for resource_id in (centre.room, centre.meeting, centre.workstation, centre.projector):
        assert res.closure_reason(centre.db, resource_id, TUESDAY) == "Szkolenie zespołu"
        with pytest.raises(ValidationError):
            res.create_booking(centre.db, staff, booking(centre, resource_id=resource_id, attendees=1))


def test_closing_days_with_bookings_asks_first_then_cancels_them_with_the_reason(centre, staff):
    booked = res.create_booking(centre.db, staff, booking(centre))
    elsewhere = res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=5))
    data = {"resource_id": centre.room, "date_from": TUESDAY, "date_to": TUESDAY, "reason": "Awaria ogrzewania"}

    with pytest.raises(Conflict) as excinfo:
        res.add_closure(centre.db, staff, data)
    assert excinfo.value.message.key == "error.closure_has_bookings"
    assert excinfo.value.booking_ids == [booked]
    assert centre.db.scalar("select count(*) from closure") == 0

    res.add_closure(centre.db, staff, data, cancel_bookings=True)

    assert res.get_booking(centre.db, staff, booked)["cancel_reason"] == "Awaria ogrzewania"
    assert res.get_booking(centre.db, staff, elsewhere)["status"] == "confirmed"
    assert centre.db.scalar("select count(*) from booking_slot where booking_id = ?", [booked]) == 0


def test_a_closure_is_validated(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        res.add_closure(centre.db, staff, {"resource_id": 999, "date_from": WEDNESDAY, "date_to": TUESDAY,
                                           "reason": ""})
    assert field_errors(excinfo) == {"resource_id": "error.resource_unknown", "date_to": "error.period_reversed",
                                     "reason": "error.required"}
    with pytest.raises(NotFound):
        res.cancel_closure(centre.db, staff, 999)


def test_closures_lists_staff_closures_and_flags_holidays(centre, staff):
    res.add_closure(centre.db, staff, {"resource_id": centre.room, "date_from": date(2026, 11, 12),
                                       "date_to": date(2026, 11, 13), "reason": "Malowanie sali"})
    frame = res.closures(centre.db, date(2026, 11, 1), date(2026, 11, 30))
    assert frame[["date_from", "reason", "holiday"]].values.tolist() == [
        [date(2026, 11, 1), "Uroczystość Wszystkich Świętych", True],
        [date(2026, 11, 11), "Narodowe Święto Niepodległości", True],
        [date(2026, 11, 12), "Malowanie sali", False]]
    assert frame["resource"].iloc[2] == "Sala szkoleniowa"


# -- compliance with the open call's terms -----------------------------------------------------
def test_a_standard_week_meets_the_terms(centre):
    week = res.compliance(centre.db, centre.room, date(2026, 11, 2), date(2026, 11, 8))
    assert week.to_dict("records") == [{"week_start": date(2026, 11, 2), "days_open": 5, "hours_open": 40.0,
                                        "evenings": 2, "status": "ok", "reasons": []}]


def test_a_week_with_a_holiday_is_short_for_an_explained_reason(centre):
    row = res.compliance(centre.db, centre.room, date(2026, 11, 9), date(2026, 11, 15)).iloc[0]
    assert (row["days_open"], row["hours_open"], row["status"]) == (4, 32.0, "short_holiday")
    assert [(r.key, r.params) for r in row["reasons"]] == [
        ("compliance.reason.holiday", {"day": "11.11.2026", "name": "Narodowe Święto Niepodległości"})]


def test_a_week_where_thursday_was_shortened_is_short(centre, admin):
    week = [{"weekday": wd, "opens": opens, "closes": closes} for wd, (opens, closes) in res.DEFAULT_HOURS.items()]
    week[3] = {"weekday": 3, "opens": time(12), "closes": time(18)}
    res.set_opening_hours(centre.db, admin, centre.room, week, valid_from=date(2026, 11, 16))

    weeks = res.compliance(centre.db, centre.room, date(2026, 11, 2), date(2026, 11, 22))

    assert weeks["status"].tolist() == ["ok", "short_holiday", "short"]
    short = weeks.iloc[2]
    assert (short["days_open"], short["hours_open"], short["evenings"]) == (5, 38.0, 1)
    assert [r.key for r in short["reasons"]] == ["compliance.reason.day_hours", "compliance.reason.evenings"]
    assert short["reasons"][0].params == {"day": "19.11.2026", "hours": "6", "required": 8}


def test_a_staff_closure_makes_a_week_short_and_names_it(centre, staff):
    res.add_closure(centre.db, staff, {"resource_id": None, "date_from": date(2026, 11, 19),
                                       "date_to": date(2026, 11, 19), "reason": "Szkolenie zespołu"})
    row = res.compliance(centre.db, centre.room, date(2026, 11, 16), date(2026, 11, 16)).iloc[0]
    assert (row["status"], row["days_open"], row["evenings"]) == ("short", 4, 1)
    assert row["reasons"][0].params == {"day": "19.11.2026", "reason": "Szkolenie zespołu"}


def test_compliance_covers_every_iso_week_touching_the_range(centre):
    weeks = res.compliance(centre.db, centre.room, date(2026, 12, 23), date(2027, 1, 6))
    assert weeks["week_start"].tolist() == [date(2026, 12, 21), date(2026, 12, 28), date(2027, 1, 4)]
    # 24-26 December and 1 and 6 January are holidays: explained, not failures
    assert weeks["status"].tolist() == ["short_holiday", "short_holiday", "short_holiday"]


def test_a_year_of_holidays_is_worked_out_once_for_every_day_asked(monkeypatch):
    """The compliance report and the week calendar ask day by day; the year's calendar is built once."""
    import importlib

    opening_hours = importlib.import_module("dashboard.services.reservations.opening_hours")  # the module, not the read
    opening_hours._holidays_of.cache_clear()
    built = []
    real = opening_hours._holidays_pkg.country_holidays
    monkeypatch.setattr(opening_hours._holidays_pkg, "country_holidays",
                        lambda *args, **kwargs: built.append(kwargs["years"]) or real(*args, **kwargs))
    days = [date(2031, 1, 1) + (date(2031, 1, 2) - date(2031, 1, 1)) * i for i in range(365)]
    named = {day: res.holiday_name(day) for day in days}
    assert built == [2031]
    assert named[date(2031, 11, 11)] == "Narodowe Święto Niepodległości" and named[date(2031, 11, 12)] is None
    with pytest.raises(TypeError):  # what every caller shares cannot be changed by one of them
        opening_hours._holidays_of(2031, "pl")[date(2031, 11, 12)] = "Dzień wolny"
