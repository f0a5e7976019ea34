"""The reservations' cursor-level API (book_in, move_in, move_all_in, cancel_in, ...): what other
services use to book rooms inside their own transaction, instead of the module's private helpers.

"Now" is Monday 2 November 2026, 08:00 (as in test_trainings); the booking horizon is 90 days.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from dashboard.core.errors import Conflict, ValidationError
from dashboard.services import reservations as res
from dashboard.services.admin import app_settings
from dashboard.services.education import trainings
from tests.unit.builders import NEXT_TUESDAY, TUESDAY, WEDNESDAY, event_form, field_errors

FAR_TUESDAY = date(2027, 2, 9)  # 99 days ahead: beyond the 90-day horizon, a normal Tuesday


def ngo_booking(place, **changes) -> dict:
    data = {"resource_id": place.room, "organisation_id": place.zielona, "contact_person": "Zofia Zielińska",
            "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 10, "day": FAR_TUESDAY,
            "start": time(16), "end": time(19)}
    return {**data, **changes}


def booking_audit(db, booking_id: int) -> list[str]:
    return [r[0] for r in db.rows("select action from audit_log where entity = 'booking' and entity_id = ? "
                                  "order by id", [str(booking_id)])]


# -- own events: exempt from the horizon and the fair-use cap, from nothing else ---------------------
def test_an_event_beyond_the_horizon_is_booked_while_an_ngo_booking_that_far_is_refused(place, staff):
    assert (FAR_TUESDAY - date(2026, 11, 2)).days > app_settings.get_setting(place.db, "booking_horizon_days")

    event_id = trainings.create_event(place.db, staff, event_form(
        place, sessions=[{"day": FAR_TUESDAY, "start": time(16), "end": time(19)}]))
    session = trainings.get_event(place.db, staff, event_id)["sessions"][0]
    assert res.get_booking(place.db, staff, session["booking_id"])["status"] == "confirmed"

    with pytest.raises(ValidationError) as excinfo:
        res.create_booking(place.db, staff, ngo_booking(place, day=date(2027, 2, 16)))
    assert field_errors(excinfo) == {"day": "error.beyond_horizon"}
    with pytest.raises(ValidationError) as excinfo:  # the same rule on the cursor, without own_event
        place.db.write(lambda cur: res.book_in(cur, staff, ngo_booking(place, day=date(2027, 2, 16))))
    assert field_errors(excinfo) == {"day": "error.beyond_horizon"}


def test_an_own_event_is_exempt_from_the_fair_use_cap(place, staff, admin):
    app_settings.set_setting(place.db, admin, "fair_use_weekly_hours", 2)
    data = ngo_booking(place, day=TUESDAY)
    with pytest.raises(Conflict) as excinfo:
        place.db.write(lambda cur: res.book_in(cur, staff, data))
    assert excinfo.value.message.key == "error.fair_use_cap"
    booking_id = place.db.write(lambda cur: res.book_in(cur, staff, data, own_event=True))
    assert res.get_booking(place.db, staff, booking_id)["status"] == "confirmed"


def test_an_own_event_still_obeys_hours_closures_overlaps_and_capacity(place, staff):
    res.add_closure(place.db, staff, {"resource_id": None, "date_from": FAR_TUESDAY, "date_to": FAR_TUESDAY,
                                      "reason": "Inwentaryzacja"})
    book = lambda **changes: place.db.write(  # noqa: E731
        lambda cur: res.book_in(cur, staff, ngo_booking(place, **changes), own_event=True))

    for changes, expected in (({}, {"day": "error.closed_day"}),
                              ({"day": TUESDAY, "start": time(10), "end": time(12)},
                               {"start": "error.outside_opening_hours"}),
                              ({"day": TUESDAY, "attendees": 21}, {"attendees": "error.over_capacity"}),
                              ({"day": date(2026, 10, 27)}, {"day": "error.booking_in_past"})):
        with pytest.raises(ValidationError) as excinfo:
            book(**changes)
        assert field_errors(excinfo) == expected, changes
    book(day=TUESDAY)
    with pytest.raises(Conflict) as excinfo:
        book(day=TUESDAY, start=time(18), end=time(20))
    assert excinfo.value.message.key == "error.booking_overlap"


# -- moving in place ------------------------------------------------------------------------------
def test_moving_a_session_keeps_its_booking_id_and_writes_no_cancellation(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    first = trainings.get_event(place.db, staff, event_id)["sessions"][0]

    trainings.move_session(place.db, staff, first["id"], WEDNESDAY, time(10), time(12))

    moved = trainings.get_event(place.db, staff, event_id)["sessions"][0]
    assert moved["booking_id"] == first["booking_id"]
    booking = res.get_booking(place.db, staff, moved["booking_id"])
    assert (booking["status"], booking["starts_at"], booking["ends_at"]) == (
        "confirmed", datetime(2026, 11, 4, 10), datetime(2026, 11, 4, 12))
    assert booking_audit(place.db, moved["booking_id"]) == ["create", "update"]
    assert place.db.scalar("select count(*) from audit_log where entity = 'booking' and action = 'cancel'") == 0
    assert place.db.scalar("select count(*) from booking") == 2
    assert [r[0] for r in place.db.rows("select slot_start from booking_slot where booking_id = ? order by 1",
                                        [moved["booking_id"]])] == [
        datetime(2026, 11, 4, 10), datetime(2026, 11, 4, 10, 30), datetime(2026, 11, 4, 11),
        datetime(2026, 11, 4, 11, 30)]


def test_two_sessions_may_swap_times_in_one_edit(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    one, two = trainings.get_event(place.db, staff, event_id)["sessions"]

    trainings.update_event(place.db, staff, event_id, {"sessions": [
        {"id": one["id"], "day": NEXT_TUESDAY, "start": time(16), "end": time(19)},
        {"id": two["id"], "day": TUESDAY, "start": time(16), "end": time(19)}]})

    after = {s["id"]: s for s in trainings.get_event(place.db, staff, event_id)["sessions"]}
    assert (after[one["id"]]["starts_at"], after[one["id"]]["booking_id"]) == (two["starts_at"], one["booking_id"])
    assert (after[two["id"]]["starts_at"], after[two["id"]]["booking_id"]) == (one["starts_at"], two["booking_id"])
    assert place.db.scalar("select count(*) from booking_slot") == 12
    assert place.db.scalar("select count(*) from booking where status <> 'confirmed'") == 0


def test_a_session_moved_into_a_clash_names_its_own_fields_and_changes_nothing(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    sessions = trainings.get_event(place.db, staff, event_id)["sessions"]
    form = [{"id": s["id"], "day": s["starts_at"].date(), "start": s["starts_at"].time(), "end": s["ends_at"].time()}
            for s in sessions]
    form[1] = {**form[1], "day": WEDNESDAY, "start": time(17), "end": time(19)}  # Wednesday closes at 18:00

    with pytest.raises(ValidationError) as excinfo:
        trainings.update_event(place.db, staff, event_id, {"sessions": form})

    assert field_errors(excinfo) == {"sessions.1.start": "error.outside_opening_hours"}
    assert trainings.get_event(place.db, staff, event_id)["sessions"] == sessions


def test_update_and_cancel_booking_run_through_move_in_and_cancel_in(place, staff):
    booking_id = res.create_booking(place.db, staff, ngo_booking(place, day=TUESDAY))
    res.update_booking(place.db, staff, booking_id, {"start": time(17), "end": time(20)})
    place.db.write(lambda cur: res.move_in(cur, staff, booking_id, {"purpose": "Walne zebranie"}))
    assert res.get_booking(place.db, staff, booking_id)["purpose"] == "Walne zebranie"
    place.db.write(lambda cur: res.cancel_in(cur, staff, booking_id, "Zmiana planów"))
    with pytest.raises(Conflict):
        res.cancel_booking(place.db, staff, booking_id, "Jeszcze raz")
    assert booking_audit(place.db, booking_id) == ["create", "update", "update", "cancel"]
    assert place.db.scalar("select count(*) from booking_slot") == 0
