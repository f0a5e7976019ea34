"""Booking a room: every refusal says why, boundaries are exact, the lifecycle keeps history.

"Now" is pinned to Monday 2 November 2026, 08:00 in Łódź, so every date below is fixed.
The ``centre`` fixture (tests/unit/conftest.py, shared by the reservation test files) sets up the pilot's
resources and two organisations through the services, as an admin would.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from dashboard.core import clock
from dashboard.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from dashboard.services import reservations as res
from dashboard.services.admin import app_settings
from dashboard.services.reservations import lockers
from db.connection import Database
from tests.unit.builders import NOW, TUESDAY, WEDNESDAY, at, booking, field_errors


def slots_of(db: Database, booking_id: int) -> list[datetime]:
    return [r[0] for r in db.rows("select slot_start from booking_slot where booking_id = ? order by 1", [booking_id])]


def half_hours(day: date, start: time, end: time) -> list[datetime]:
    first, last = datetime.combine(day, start), datetime.combine(day, end)
    return [first + timedelta(minutes=30 * i) for i in range(int((last - first).total_seconds() // 1800))]


# -- a booking and its slots ---------------------------------------------------------------------
def test_a_booking_holds_one_slot_per_half_hour_and_is_audited(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))

    assert slots_of(centre.db, booking_id) == half_hours(TUESDAY, time(12), time(14))
    stored = res.get_booking(centre.db, staff, booking_id)
    assert (stored["day"], stored["start"], stored["end"]) == (TUESDAY, time(12), time(14))
    assert stored["organisation"] == "Fundacja Zielona Łódź" and stored["status"] == "confirmed"
    assert centre.db.scalar("select count(*) from audit_log where entity = 'booking' and entity_id = ? "
                            "and action = 'create' and username = ?", [str(booking_id), staff.username]) == 1


def test_a_request_can_be_made_and_then_confirmed(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre, status="requested"))
    assert len(slots_of(centre.db, booking_id)) == 4  # a request already holds its time

    res.confirm_booking(centre.db, staff, booking_id)

    assert res.get_booking(centre.db, staff, booking_id)["status"] == "confirmed"
    with pytest.raises(Conflict) as excinfo:
        res.confirm_booking(centre.db, staff, booking_id)
    assert excinfo.value.message.key == "error.booking_already_confirmed"


# -- refusals (point 4) -----------------------------------------------------------------------
def test_an_overlap_names_whose_booking_it_is_and_when(centre, staff):
    res.create_booking(centre.db, staff, booking(centre, organisation_id=centre.sasiedzi))

    with pytest.raises(Conflict) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, start=time(13, 30), end=time(15, 0)))

    message = excinfo.value.message
    assert message.key == "error.booking_overlap"
    assert message.params == {"organisation": "Stowarzyszenie Sąsiedzi z Bałut", "day": "03.11.2026",
                              "start": "12:00", "end": "14:00"}


def test_a_booking_inside_another_or_around_it_overlaps_too(centre, staff):
    res.create_booking(centre.db, staff, booking(centre, start=time(13), end=time(15)))
    for start, end in ((time(13, 30), time(14, 30)), (time(12), time(16)), (time(14, 30), time(15))):
        with pytest.raises(Conflict):
            res.create_booking(centre.db, staff, booking(centre, start=start, end=end))


def test_another_room_at_the_same_time_is_fine(centre, staff):
    res.create_booking(centre.db, staff, booking(centre))
    res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=8))


def test_back_to_back_bookings_are_allowed(centre, staff):
    res.create_booking(centre.db, staff, booking(centre, start=time(13), end=time(14)))
    res.create_booking(centre.db, staff, booking(centre, start=time(14), end=time(15)))  # starts as it ends
    res.create_booking(centre.db, staff, booking(centre, start=time(12), end=time(13)))  # ends as it starts

    assert centre.db.scalar("select count(*) from booking_slot") == 6


def test_the_last_half_hour_of_a_long_day_is_bookable_but_not_beyond_closing(centre, staff):
    res.create_booking(centre.db, staff, booking(centre, start=time(19, 30), end=time(20, 0)))

    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=5,
                                                     start=time(19, 30), end=time(20, 30)))
    assert field_errors(excinfo) == {"start": "error.outside_opening_hours"}
    assert excinfo.value.errors["start"].params == {"opens": "12:00", "closes": "20:00"}


def test_before_opening_is_refused(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, day=WEDNESDAY, start=time(9, 30), end=time(11)))
    assert field_errors(excinfo) == {"start": "error.outside_opening_hours"}


def test_a_weekend_day_is_closed(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, day=date(2026, 11, 7)))
    assert field_errors(excinfo) == {"day": "error.closed_weekday"}


def test_a_public_holiday_is_refused_with_its_name(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, day=date(2026, 11, 11)))
    assert field_errors(excinfo) == {"day": "error.closed_day"}
    assert excinfo.value.errors["day"].params == {"reason": "Narodowe Święto Niepodległości"}


def test_more_people_than_the_room_holds_is_refused(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=9))
    assert field_errors(excinfo) == {"attendees": "error.over_capacity"}
    assert excinfo.value.errors["attendees"].params == {"capacity": 8}
    res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=8))


@pytest.mark.parametrize("end", [time(12, 0), time(11, 30)])
def test_an_end_not_after_the_start_is_refused(centre, staff, end):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, start=time(12), end=end))
    assert field_errors(excinfo) == {"end": "error.end_before_start"}


def test_a_start_earlier_today_is_in_the_past(centre, staff):
    at(datetime(2026, 11, 3, 13, 5))
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, start=time(13), end=time(14)))
    assert field_errors(excinfo) == {"start": "error.booking_in_past"}
    res.create_booking(centre.db, staff, booking(centre, start=time(13, 30), end=time(14)))


def test_an_earlier_day_is_in_the_past(centre, staff):
    at(datetime(2026, 11, 4, 9, 0))
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre))
    assert field_errors(excinfo) == {"day": "error.booking_in_past"}


def test_the_booking_horizon_is_ninety_days_and_a_setting(centre, staff, admin):
    last = clock.today() + timedelta(days=90)  # Sunday 31 January 2027 is closed, so take the Friday before
    friday = last - timedelta(days=(last.weekday() - 4) % 7)
    res.create_booking(centre.db, staff, booking(centre, day=friday, start=time(10), end=time(11)))
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, day=date(2027, 2, 1), start=time(10), end=time(11)))
    assert field_errors(excinfo) == {"day": "error.beyond_horizon"}
    assert excinfo.value.errors["day"].params == {"days": 90}

    app_settings.set_setting(centre.db, admin, "booking_horizon_days", 120)
    res.create_booking(centre.db, staff, booking(centre, day=date(2027, 2, 1), start=time(10), end=time(11)))


def test_exactly_ninety_days_ahead_is_still_allowed(centre, staff):
    at(datetime(2026, 11, 6, 9, 0))  # a Friday: 90 days later is Thursday 4 February 2027
    res.create_booking(centre.db, staff, booking(centre, day=date(2027, 2, 4)))


@pytest.mark.parametrize("start,end,field", [(time(12, 15), time(14), "start"), (time(12), time(13, 45), "end"),
                                             (time(12, 0, 30), time(14), "start")])
def test_times_off_the_half_hour_grid_are_refused(centre, staff, start, end, field):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, start=start, end=end))
    assert field_errors(excinfo) == {field: "error.not_on_grid"}


def test_the_statutory_declaration_is_required(centre, staff):
    for value in (False, None, "yes"):
        with pytest.raises(ValidationError) as excinfo:
            res.create_booking(centre.db, staff, booking(centre, statutory_declared=value))
        assert field_errors(excinfo) == {"statutory_declared": "error.statutory_required"}


def test_an_empty_form_names_every_missing_field(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, {})
    assert field_errors(excinfo) == {
        "resource_id": "error.resource_unknown", "organisation_id": "error.organisation_unknown",
        "contact_person": "error.required", "purpose": "error.required",
        "statutory_declared": "error.statutory_required", "attendees": "error.attendees_invalid",
        "day": "error.date_format", "start": "error.time_format", "end": "error.time_format"}
    assert centre.db.scalar("select count(*) from booking") == 0


def test_lockers_and_inactive_resources_are_not_booked_by_the_hour(centre, staff, admin):
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, resource_id=centre.locker, attendees=1))
    assert field_errors(excinfo) == {"resource_id": "error.locker_not_bookable"}

    res.update_resource(centre.db, admin, centre.meeting, {"active": False})
    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(centre.db, staff, booking(centre, resource_id=centre.meeting, attendees=2))
    assert field_errors(excinfo) == {"resource_id": "error.resource_unknown"}


def test_equipment_without_a_capacity_takes_any_head_count(centre, staff):
    res.create_booking(centre.db, staff, booking(centre, resource_id=centre.projector, attendees=40))


# -- edits ---------------------------------------------------------------------------------------
def test_an_edit_may_overlap_its_own_old_time_and_moves_only_the_changed_slots(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    kept = centre.db.rows("select rowid from booking_slot where slot_start = ?", [datetime(2026, 11, 3, 13)])

    res.update_booking(centre.db, staff, booking_id, booking(centre, start=time(13), end=time(15, 30)))

    assert slots_of(centre.db, booking_id) == half_hours(TUESDAY, time(13), time(15, 30))
    assert centre.db.rows("select rowid from booking_slot where slot_start = ?", [datetime(2026, 11, 3, 13)]) == kept
    assert res.get_booking(centre.db, staff, booking_id)["start"] == time(13)


def test_an_edit_into_someone_elses_time_is_refused_and_changes_nothing(centre, staff):
    ours = res.create_booking(centre.db, staff, booking(centre))
    res.create_booking(centre.db, staff, booking(centre, organisation_id=centre.sasiedzi, start=time(15), end=time(17)))

    with pytest.raises(Conflict) as excinfo:
        res.update_booking(centre.db, staff, ours, {"start": time(14), "end": time(16)})

    assert excinfo.value.message.params["organisation"] == "Stowarzyszenie Sąsiedzi z Bałut"
    assert slots_of(centre.db, ours) == half_hours(TUESDAY, time(12), time(14))


def test_an_edit_goes_through_the_same_checks(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    with pytest.raises(ValidationError) as excinfo:
        res.update_booking(centre.db, staff, booking_id, {"day": date(2026, 11, 11), "attendees": 25})
    assert field_errors(excinfo) == {"day": "error.closed_day", "attendees": "error.over_capacity"}


def test_an_edit_to_another_room_moves_every_slot(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre, attendees=6))
    res.update_booking(centre.db, staff, booking_id, {"resource_id": centre.meeting})
    assert centre.db.rows("select distinct resource_id from booking_slot") == [(centre.meeting,)]
    res.create_booking(centre.db, staff, booking(centre))  # the training room is free again


def test_correcting_the_purpose_survives_hours_shortened_since(centre, staff, admin):
    booking_id = res.create_booking(centre.db, staff, booking(centre, start=time(18), end=time(20)))
    week = [{"weekday": wd, "opens": time(10), "closes": time(18)} for wd in range(5)]
    assert res.set_opening_hours(centre.db, admin, centre.room, week) == 1  # one booking now outside hours

    res.update_booking(centre.db, staff, booking_id, {"purpose": "Walne zebranie członków"})

    assert res.get_booking(centre.db, staff, booking_id)["purpose"] == "Walne zebranie członków"


def test_a_cancelled_booking_cannot_be_edited(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    res.cancel_booking(centre.db, staff, booking_id, "Zmiana planów")
    with pytest.raises(Conflict) as excinfo:
        res.update_booking(centre.db, staff, booking_id, {"purpose": "Inny cel"})
    assert excinfo.value.message.key == "error.booking_already_cancelled"


def test_an_unknown_booking_is_not_found(centre, staff):
    with pytest.raises(NotFound):
        res.update_booking(centre.db, staff, 999, {"purpose": "x"})
    with pytest.raises(NotFound):
        res.get_booking(centre.db, staff, 999)


# -- lifecycle (point 7) ---------------------------------------------------------------------
def test_cancelling_keeps_the_booking_and_frees_its_time(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))

    res.cancel_booking(centre.db, staff, booking_id, "Choroba prowadzącego")

    stored = res.get_booking(centre.db, staff, booking_id)
    assert (stored["status"], stored["cancel_reason"], stored["cancelled_by"]) == (
        "cancelled", "Choroba prowadzącego", staff.username)
    assert stored["cancelled_at"] == datetime(2026, 11, 2, 8, 0)
    assert slots_of(centre.db, booking_id) == []
    other = res.create_booking(centre.db, staff, booking(centre, organisation_id=centre.sasiedzi))
    assert len(slots_of(centre.db, other)) == 4


def test_a_cancellation_needs_a_reason_and_happens_once(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    with pytest.raises(ValidationError) as excinfo:
        res.cancel_booking(centre.db, staff, booking_id, "  ")
    assert field_errors(excinfo) == {"reason": "error.required"}
    res.cancel_booking(centre.db, staff, booking_id, "Pomyłka")
    with pytest.raises(Conflict):
        res.cancel_booking(centre.db, staff, booking_id, "Pomyłka")


def test_check_in_only_from_the_bookings_day(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    with pytest.raises(Conflict) as excinfo:
        res.check_in(centre.db, staff, booking_id, 10)
    assert excinfo.value.message.key == "error.check_in_too_early"

    at(datetime(2026, 11, 3, 11, 50))  # the group arrives ten minutes early
    res.check_in(centre.db, staff, booking_id, 11)

    stored = res.get_booking(centre.db, staff, booking_id)
    assert (stored["status"], stored["actual_attendance"]) == ("checked_in", 11)
    assert len(slots_of(centre.db, booking_id)) == 4  # it still holds its time
    with pytest.raises(Conflict):
        res.cancel_booking(centre.db, staff, booking_id, "za późno")


def test_check_in_needs_a_head_count(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    at(datetime(2026, 11, 3, 12, 0))
    with pytest.raises(ValidationError) as excinfo:
        res.check_in(centre.db, staff, booking_id, -1)
    assert field_errors(excinfo) == {"actual_attendance": "error.attendance_invalid"}


def test_no_show_only_after_the_start_and_it_frees_the_rest(centre, staff):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    at(datetime(2026, 11, 3, 11, 59))
    with pytest.raises(Conflict) as excinfo:
        res.mark_no_show(centre.db, staff, booking_id)
    assert excinfo.value.message.key == "error.no_show_too_early"

    at(datetime(2026, 11, 3, 12, 20))
    res.mark_no_show(centre.db, staff, booking_id)

    assert res.get_booking(centre.db, staff, booking_id)["status"] == "no_show"
    res.create_booking(centre.db, staff, booking(centre, start=time(12, 30), end=time(14)))
    with pytest.raises(Conflict):
        res.check_in(centre.db, staff, booking_id, 5)


def test_nothing_is_ever_hard_deleted(centre, staff):
    first = res.create_booking(centre.db, staff, booking(centre))
    second = res.create_booking(centre.db, staff, booking(centre, day=WEDNESDAY, start=time(10), end=time(11)))
    res.cancel_booking(centre.db, staff, first, "Odwołane")
    at(datetime(2026, 11, 4, 10, 30))
    res.mark_no_show(centre.db, staff, second)
    assert centre.db.rows("select id, status from booking order by id") == [(first, "cancelled"), (second, "no_show")]


# -- fair use (point 8) -------------------------------------------------------------------------
def test_fair_use_cap_counts_room_hours_per_organisation_per_iso_week(centre, staff, admin):
    db = centre.db
    assert app_settings.get_setting(db, "fair_use_weekly_hours") is None
    res.create_booking(db, staff, booking(centre, start=time(12), end=time(16)))  # off: no limit
    app_settings.set_setting(db, admin, "fair_use_weekly_hours", 6)
    res.create_booking(db, staff, booking(centre, day=WEDNESDAY, start=time(10), end=time(12)))  # 6 h: at the cap

    with pytest.raises(Conflict) as excinfo:
        res.create_booking(db, staff, booking(centre, resource_id=centre.meeting, attendees=4, day=date(2026, 11, 6),
                                              start=time(10), end=time(10, 30)))
    assert excinfo.value.message.key == "error.fair_use_cap"
    assert excinfo.value.message.params == {"hours": "6", "booked": "6", "week": "2026-W45"}

    res.create_booking(db, staff, booking(centre, resource_id=centre.workstation, attendees=1, day=date(2026, 11, 6),
                                          start=time(10), end=time(12)))  # a workstation is not a room
    res.create_booking(db, staff, booking(centre, organisation_id=centre.sasiedzi, day=date(2026, 11, 6),
                                          start=time(10), end=time(14)))  # another organisation
    res.create_booking(db, staff, booking(centre, day=date(2026, 11, 10), start=time(12), end=time(18)))  # next week


def test_fair_use_frees_up_when_a_booking_is_cancelled(centre, staff, admin):
    app_settings.set_setting(centre.db, admin, "fair_use_weekly_hours", 2)
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    with pytest.raises(Conflict):
        res.create_booking(centre.db, staff, booking(centre, day=WEDNESDAY, start=time(10), end=time(11)))
    res.cancel_booking(centre.db, staff, booking_id, "Zmiana planów")
    res.create_booking(centre.db, staff, booking(centre, day=WEDNESDAY, start=time(10), end=time(11)))


def test_an_edit_is_not_counted_against_its_own_hours(centre, staff, admin):
    app_settings.set_setting(centre.db, admin, "fair_use_weekly_hours", 2)
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    res.update_booking(centre.db, staff, booking_id, {"start": time(13), "end": time(15)})


# -- roles ------------------------------------------------------------------------------------
def test_the_coordinator_reads_but_cannot_write(centre, staff, coordinator):
    booking_id = res.create_booking(centre.db, staff, booking(centre))
    assert res.get_booking(centre.db, coordinator, booking_id)["id"] == booking_id
    writes = [
        lambda: res.create_booking(centre.db, coordinator, booking(centre, day=WEDNESDAY)),
        lambda: res.update_booking(centre.db, coordinator, booking_id, {"purpose": "x"}),
        lambda: res.cancel_booking(centre.db, coordinator, booking_id, "x"),
        lambda: res.confirm_booking(centre.db, coordinator, booking_id),
        lambda: res.check_in(centre.db, coordinator, booking_id, 3),
        lambda: res.mark_no_show(centre.db, coordinator, booking_id),
        lambda: res.create_series(centre.db, coordinator, booking(centre), 1, count=2),
        lambda: res.add_closure(centre.db, coordinator, {"resource_id": None, "date_from": TUESDAY,
                                                         "date_to": TUESDAY, "reason": "x"}),
        lambda: lockers.assign_locker(centre.db, coordinator, {"resource_id": centre.locker,
                                                           "organisation_id": centre.zielona, "date_from": TUESDAY}),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert res.get_booking(centre.db, staff, booking_id)["status"] == "confirmed"


def test_resources_hours_and_settings_are_for_admins(centre, staff):
    with pytest.raises(PermissionDenied):
        res.create_resource(centre.db, staff, {"kind": "room", "name": "Sala 3", "capacity": 10})
    with pytest.raises(PermissionDenied):
        res.update_resource(centre.db, staff, centre.room, {"capacity": 30})
    with pytest.raises(PermissionDenied):
        res.set_opening_hours(centre.db, staff, centre.room, [])
    with pytest.raises(PermissionDenied):
        app_settings.set_setting(centre.db, staff, "booking_horizon_days", 30)


# -- resources, hours and settings ---------------------------------------------------------------
def test_resources_are_listed_by_kind_and_can_be_filtered(centre, admin):
    frame = res.resources(centre.db)
    assert list(frame.columns) == ["id", "kind", "name", "capacity", "location", "equipment_notes", "active"]
    assert list(frame["kind"]) == ["room", "room", "workstation", "locker", "equipment"]
    assert list(res.resources(centre.db, kind="room")["name"]) == ["Sala szkoleniowa", "Sala spotkań"]
    res.update_resource(centre.db, admin, centre.projector, {"active": False})
    assert len(res.resources(centre.db)) == 4
    assert len(res.resources(centre.db, active_only=False)) == 5


def test_a_resource_is_validated_and_its_name_is_unique(centre, admin):
    with pytest.raises(ValidationError) as excinfo:
        res.create_resource(centre.db, admin, {"kind": "sauna", "name": "", "capacity": 0})
    assert field_errors(excinfo) == {"kind": "error.resource_kind", "name": "error.required",
                                     "capacity": "error.capacity_invalid"}
    with pytest.raises(ValidationError) as excinfo:
        res.create_resource(centre.db, admin, {"kind": "room", "name": "Sala bez pojemności"})
    assert field_errors(excinfo) == {"capacity": "error.required"}
    with pytest.raises(Conflict):
        res.create_resource(centre.db, admin, {"kind": "room", "name": "Sala spotkań", "capacity": 8})
    with pytest.raises(Conflict):
        res.update_resource(centre.db, admin, centre.room, {"name": "Sala spotkań"})
    res.update_resource(centre.db, admin, centre.room, {"name": "Sala szkoleniowa", "capacity": 24})
    assert res.resources(centre.db, kind="room")["capacity"].tolist() == [24, 8]


def test_a_new_resource_opens_on_the_standard_week(centre):
    hours = res.opening_hours(centre.db, centre.room)
    assert hours["weekday"].tolist() == list(range(7))
    assert list(zip(hours["opens"], hours["closes"])) == [
        (time(10), time(18)), (time(12), time(20)), (time(10), time(18)), (time(12), time(20)),
        (time(10), time(18)), (None, None), (None, None)]


def test_new_opening_hours_apply_from_their_date_and_earlier_weeks_keep_theirs(centre, admin, staff):
    week = [{"weekday": wd, "opens": "09:00", "closes": "17:00"} for wd in range(6)]
    res.set_opening_hours(centre.db, admin, centre.room, week, valid_from=date(2026, 11, 9))

    assert res.opening_hours(centre.db, centre.room)["opens"][0] == time(10)
    later = res.opening_hours(centre.db, centre.room, on=date(2026, 11, 9))
    assert later["opens"][5] == time(9) and later["closes"][6] is None
    res.create_booking(centre.db, staff, booking(centre, day=date(2026, 11, 14), start=time(9), end=time(10)))
    with pytest.raises(ValidationError):
        res.create_booking(centre.db, staff, booking(centre, day=date(2026, 11, 10), start=time(18), end=time(19)))


def test_opening_hours_are_validated(centre, admin):
    with pytest.raises(ValidationError) as excinfo:
        res.set_opening_hours(centre.db, admin, centre.room, [
            {"weekday": 0, "opens": time(18), "closes": time(10)}, {"weekday": 1, "opens": time(10), "closes": None},
            {"weekday": 2, "opens": time(10, 15), "closes": time(18)}, {"weekday": 9, "opens": None, "closes": None}])
    assert field_errors(excinfo) == {"hours_0": "error.hours_invalid", "hours_1": "error.hours_invalid",
                                     "hours_2": "error.hours_invalid", "weekday": "error.weekday_invalid"}


def test_settings_have_defaults_and_are_validated(db, admin):
    assert app_settings.get_setting(db, "booking_horizon_days") == 90
    assert app_settings.get_setting(db, "fair_use_weekly_hours") is None
    assert app_settings.get_setting(db, "no_such_setting", "x") == "x"
    for key, value in (("booking_horizon_days", 0), ("booking_horizon_days", "90"), ("fair_use_weekly_hours", -2)):
        with pytest.raises(ValidationError):
            app_settings.set_setting(db, admin, key, value)
    app_settings.set_setting(db, admin, "fair_use_weekly_hours", 10)
    app_settings.set_setting(db, admin, "fair_use_weekly_hours", None)
    assert app_settings.get_setting(db, "fair_use_weekly_hours") is None
    assert db.scalar("select count(*) from audit_log where entity = 'app_setting'") == 2


# -- daylight saving time: durations are wall-clock ----------------------------------------------
def test_the_monday_after_the_spring_change_books_normally(centre, staff):
    at(datetime(2026, 3, 27, 9, 0))  # clocks go forward on Sunday 29 March 2026
    booking_id = res.create_booking(centre.db, staff, booking(centre, day=date(2026, 3, 30), start=time(10),
                                                              end=time(12)))
    assert slots_of(centre.db, booking_id) == half_hours(date(2026, 3, 30), time(10), time(12))


def test_the_monday_after_the_autumn_change_books_normally(centre, staff):
    at(datetime(2026, 10, 23, 9, 0))  # clocks go back on Sunday 25 October 2026
    res.create_booking(centre.db, staff, booking(centre, day=date(2026, 10, 26), start=time(10), end=time(18)))
    assert centre.db.scalar("select count(*) from booking_slot") == 16


@pytest.mark.parametrize("monday", [date(2026, 3, 23), date(2026, 10, 19)])
def test_a_week_with_a_clock_change_still_has_forty_hours(centre, monday):
    week = res.compliance(centre.db, centre.room, monday, monday + timedelta(days=6))
    row = week.iloc[0]
    assert (row["days_open"], row["hours_open"], row["evenings"], row["status"]) == (5, 40.0, 2, "ok")


def test_bookings_lists_a_period_with_names(centre, staff):
    res.create_booking(centre.db, staff, booking(centre))
    res.create_booking(centre.db, staff, booking(centre, day=WEDNESDAY, start=time(10), end=time(11)))
    cancelled = res.create_booking(centre.db, staff, booking(centre, day=WEDNESDAY, start=time(12), end=time(13)))
    res.cancel_booking(centre.db, staff, cancelled, "x")

    frame = res.bookings(centre.db, staff, TUESDAY, WEDNESDAY)
    assert len(frame) == 3 and frame["resource"].iloc[0] == "Sala szkoleniowa"
    active = res.bookings(centre.db, staff, WEDNESDAY, WEDNESDAY, statuses=("confirmed",))
    assert active["start"].tolist() == [time(10)]


# -- demo data --------------------------------------------------------------------------------
def test_demo_bookings_respect_hours_holidays_closures_and_each_other(db):
    from dashboard import demo

    clock.freeze(NOW)
    demo.fill(db, 1)

    names = res.resources(db)["name"].tolist()
    assert {"Sala szkoleniowa", "Sala spotkań", "Stanowisko komputerowe 3", "Szafka 10", "Projektor"} <= set(names)
    assert db.scalar("select count(*) from booking") > 2000
    assert dict(db.rows("select status, count(*) > 0 from booking group by 1")) == {
        "requested": True, "confirmed": True, "checked_in": True, "no_show": True, "cancelled": True}
    assert db.scalar("select count(*) from booking where status in ('requested', 'confirmed') and ends_at < ?",
                     [datetime(2026, 11, 2, 8)]) == 0  # the past is settled
    assert db.scalar("select count(distinct valid_from) from opening_hours") == 1  # one week per resource
    week_rows = db.rows("select resource_id, weekday, opens, closes from opening_hours")
    hours = {(r, wd): (o, c) for r, wd, o, c in week_rows}
    closed = db.rows("select resource_id, date_from, date_to from closure")
    outside = []
    for resource_id, starts_at, ends_at in db.rows("select resource_id, starts_at, ends_at from booking"):
        opens, closes = hours[(resource_id, starts_at.weekday())]
        day = starts_at.date()
        if (opens is None or starts_at.time() < opens or ends_at.time() > closes or res.holiday_name(day)
                or any(r in (None, resource_id) and first <= day <= last for r, first, last in closed)):
            outside.append((resource_id, starts_at))
    assert outside == []
    assert db.scalar("select count(*) from closure") >= 3 and db.scalar("select count(*) from locker_assignment") >= 5
    from tests.unit.builders import overlapping_pairs, slots_match_bookings
    assert overlapping_pairs(db) == 0 and slots_match_bookings(db)
