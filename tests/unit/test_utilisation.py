"""Tests for the utilisation figures: each against a value worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from dashboard.core import clock
from dashboard.services import reservations
from dashboard.services.education import advisory
from dashboard.services.register import organisations
from dashboard.services.reporting import utilisation

HOLIDAY_WEEK = date(2026, 11, 9)  # Mon 9 Nov; Wed 11 Nov is Independence Day


@pytest.fixture
def centre(db, admin, staff):
    clock.freeze(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
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
    clock.freeze(datetime(2026, 11, 16, 8, 0, tzinfo=UTC))  # the week is over: all of it counts

    frame = utilisation.room_occupancy(db, coordinator, HOLIDAY_WEEK, date(2026, 11, 15), [room])

    week = frame[frame["week_start"] == HOLIDAY_WEEK].iloc[0]
    assert week["open_hours"] == 32.0  # 5 × 8 h less the holiday
    assert week["booked_hours"] == 8.0
    assert week["occupancy"] == pytest.approx(0.25)


def test_a_period_starting_on_sunday_counts_only_its_own_days(db, staff, coordinator, centre):
    room, first, _ = centre
    _book(db, staff, room, first, date(2026, 11, 2), time(10, 0), time(14, 0))
    clock.freeze(datetime(2026, 11, 9, 8, 0, tzinfo=UTC))

    frame = utilisation.room_occupancy(db, coordinator, date(2026, 11, 1), date(2026, 11, 8), [room])

    # The week of 26 October holds only Sunday 1 November (closed): its Monday–Saturday are outside the period.
    assert list(frame["week_start"]) == [date(2026, 10, 26), date(2026, 11, 2)]
    assert frame.iloc[0]["open_hours"] == 0.0 and frame.iloc[0]["booked_hours"] == 0.0
    assert frame.iloc[1]["booked_hours"] == 4.0 and frame.iloc[1]["open_hours"] == 40.0


def test_occupancy_counts_up_to_now_and_the_weeks_add_up_to_the_indicator(db, staff, coordinator, centre):
    from dashboard.services.reporting import indicators

    room, first, _ = centre
    _book(db, staff, room, first, date(2026, 11, 3), time(12, 0), time(16, 0))   # Tuesday, 4 h
    _book(db, staff, room, first, date(2026, 11, 5), time(12, 0), time(14, 0))   # Thursday, later
    clock.freeze(datetime(2026, 11, 3, 14, 0, tzinfo=clock.WARSAW))             # Tuesday 14:00, mid-booking

    frame = utilisation.room_occupancy(db, coordinator, date(2026, 11, 2), date(2026, 11, 8), [room])
    figures = indicators.values(db, coordinator, date(2026, 11, 2), date(2026, 11, 8))

    # Monday 10–18 (8 h) and Tuesday 12:00–14:00 open so far; of the Tuesday booking the 2 h until now.
    assert frame["open_hours"].sum() == figures["room_hours_open"] == 10.0
    assert frame["booked_hours"].sum() == figures["room_hours_booked"] == 2.0
    assert figures["occupancy"] == pytest.approx(0.2) and figures["room_hours_planned"] == 4.0


def test_unique_organisations_across_bookings_and_advice(db, staff, coordinator, centre):
    room, first, second = centre
    _book(db, staff, room, first, date(2026, 11, 4), time(10, 0), time(12, 0))
    _book(db, staff, room, first, date(2026, 11, 6), time(10, 0), time(12, 0))
    clock.freeze(datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
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


# -- on the fixed February of forum_dataset (see its docstring for the hand count) ------------------------------
FEB = (date(2026, 2, 1), date(2026, 2, 28))


def test_unique_organisations_across_bookings_events_and_advisory(pilot, coordinator):
    served = utilisation.organisations_served(pilot.db, coordinator, *FEB)
    rows = utilisation.kpi_rows(pilot.db, coordinator, "organisations_served", *FEB)

    # A and B came for rooms and advice, D, E and F for the training (two from D count once);
    # C booked but never came (a no-show serves nobody); the Centre's own booking for the training is not service.
    assert served == {"organisations": 5}
    assert rows[["organisation", "bookings", "events", "advisory_sessions"]].values.tolist() == [
        ["Fundacja Rozwoju Widzewa", 0, 1, 0], ["Fundacja Zielona Łódź", 2, 0, 1],
        ["Stowarzyszenie Kultury Teofilowa", 0, 1, 0], ["Stowarzyszenie Sąsiedzi z Bałut", 1, 0, 1],
        ["Towarzystwo Przyjaciół Chojen", 0, 1, 0]]
    by_service = utilisation.organisations_by_service(pilot.db, coordinator, *FEB)
    assert by_service.values.tolist() == [["booking", 2], ["event", 3], ["advisory", 2]]
    new = utilisation.new_organisations_by_month(pilot.db, coordinator, *FEB)
    assert [(month.date(), count) for month, count in new.values.tolist()] == [(date(2026, 2, 1), 5)]
    assert utilisation.new_organisations_by_month(pilot.db, coordinator, date(2026, 3, 1), date(2026, 3, 31)).empty


def test_volunteer_hours_are_valued_at_the_hourly_rate(pilot, admin, coordinator):
    from dashboard.services.admin import app_settings

    assert utilisation.volunteer_hours(pilot.db, coordinator, *FEB) == {
        "hours": 5.5, "value_pln": 220.0, "rate": 40.0, "volunteers": 1, "entries": 2}  # 3.5 h + 2 h at 40 zł
    app_settings.set_setting(pilot.db, admin, "volunteer_hourly_rate_pln", 37.5)
    assert utilisation.volunteer_hours(pilot.db, coordinator, *FEB)["value_pln"] == 206.25
    assert utilisation.volunteer_hours(pilot.db, coordinator, date(2026, 2, 11), date(2026, 2, 28))["hours"] == 2


def test_bookings_held_no_shows_and_evenings_on_the_long_days(pilot, coordinator):
    rooms = [pilot.room]
    visits = utilisation.attendance(pilot.db, coordinator, *FEB, rooms)
    outcomes = utilisation.booking_outcomes(pilot.db, coordinator, *FEB, rooms)
    evenings = utilisation.evening_use(pilot.db, coordinator, *FEB, rooms)

    assert visits == {"held": 3, "no_show": 1, "no_show_rate": 0.25, "evening": 1, "people": 19}  # 8 + 5 + 6 people
    assert outcomes.values.tolist() == [[date(2026, 2, 2), "checked_in", 2], [date(2026, 2, 2), "no_show", 1],
                                        [date(2026, 2, 9), "checked_in", 1], [date(2026, 2, 9), "confirmed", 1]]
    # Tuesdays and Thursdays are open until 20:00: 8 evenings in February, 2 h each from 18:00;
    # only C's booking (Thu 5 Feb 18–20) used one; the training ends at 18:00 sharp.
    assert evenings.values.tolist() == [[date(2026, 2, 2), 2, 1, 4.0, 2.0], [date(2026, 2, 9), 2, 0, 4.0, 0.0],
                                        [date(2026, 2, 16), 2, 0, 4.0, 0.0], [date(2026, 2, 23), 2, 0, 4.0, 0.0]]


def test_lockers_occupied_per_day(pilot, admin, staff, coordinator):
    from dashboard.services.reservations import lockers

    locker = reservations.create_resource(pilot.db, admin, {"kind": "locker", "name": "Szafka 1"})
    reservations.create_resource(pilot.db, admin, {"kind": "locker", "name": "Szafka 2"})
    lockers.assign_locker(pilot.db, staff, {"resource_id": locker, "organisation_id": pilot.organisations["A"],
                                               "date_from": date(2026, 2, 10), "date_to": date(2026, 2, 20)})

    frame = utilisation.lockers_occupied(pilot.db, coordinator, date(2026, 2, 9), date(2026, 2, 21))

    assert frame["lockers"].unique().tolist() == [2]
    assert frame["occupied"].tolist() == [0] + [1] * 11 + [0]


def test_workstation_use_counts_every_workstation_together(db, admin, staff, coordinator, centre):
    _room, first, _ = centre
    desks = [reservations.create_resource(db, admin, {"kind": "workstation", "name": f"Stanowisko {i}"})
             for i in (1, 2)]
    _book(db, staff, desks[0], first, date(2026, 11, 4), time(10, 0), time(14, 0))
    _book(db, staff, desks[1], first, date(2026, 11, 5), time(12, 0), time(13, 0))
    clock.freeze(datetime(2026, 11, 9, 8, 0, tzinfo=UTC))

    frame = utilisation.workstation_use(db, coordinator, date(2026, 11, 2), date(2026, 11, 8))

    # Each workstation open 10–18 Mon/Wed/Fri and 12–20 Tue/Thu: 40 h a week, 80 h together; 5 h booked.
    assert frame.values.tolist() == [[date(2026, 11, 2), 5.0, 80.0, 5.0 / 80.0]]


def test_a_period_without_anything_recorded_has_no_data(pilot, coordinator):
    assert utilisation.period_has_data(pilot.db, coordinator, *FEB)
    assert not utilisation.period_has_data(pilot.db, coordinator, date(2027, 2, 1), date(2027, 2, 28))


def test_open_hours_match_the_compliance_check_around_a_holiday(db, staff, coordinator, centre):
    room, _first, _ = centre
    days = utilisation.open_days(db, [room], date(2026, 11, 9), date(2026, 11, 15))
    weeks = reservations.compliance(db, room, date(2026, 11, 9), date(2026, 11, 15))

    assert days["day"].tolist() == [date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 13)]
    assert days["hours"].sum() == weeks.iloc[0]["hours_open"] == 32.0


def test_an_event_counts_as_delivered_only_once_it_has_started(pilot, coordinator):
    clock.freeze(datetime(2026, 2, 10, 15, 0, tzinfo=clock.WARSAW))  # the training starts at 16:00 that day
    before = utilisation.events_summary(pilot.db, coordinator, *FEB)
    clock.freeze(datetime(2026, 2, 10, 16, 30, tzinfo=clock.WARSAW))
    during = utilisation.events_summary(pilot.db, coordinator, *FEB)

    assert (before["events"], before["participants"]) == (0, 0)
    assert during["events"] == 1 and during["participants"] > 0
    assert utilisation.kpi_rows(pilot.db, coordinator, "events_held", *FEB)["id"].tolist() == [pilot.event]
