"""Editing an event after it was announced: its data, its room, its sessions and its capacity.

Every change that touches the calendar goes through the reservation rules in the event's own
transaction, so a clash names whose booking is in the way and leaves everything as it was.
Capacity: below the enrolled count is refused; a rise promotes from the waitlist in order.

"Now" is Monday 2 November 2026, 08:00 (see test_trainings); the event meets on Tuesday
3 November and Tuesday 10 November, 16:00–19:00, in the 20-place training room.
"""

from __future__ import annotations

import json
from datetime import datetime, time

import pytest

from dashboard.core.errors import Conflict, PermissionDenied, ValidationError
from dashboard.services import reservations as res
from dashboard.services.education import enrolment, trainings
from tests.unit.builders import NEXT_TUESDAY, TUESDAY, WEDNESDAY, event_form, field_errors


def person(i: int) -> dict:
    return {"full_name": f"Uczestniczka {i:02d}", "email": f"osoba{i}@example.org", "organisation_id": None,
            "consent": True}


def zielona_booking(place, staff, **changes) -> int:
    """Fundacja Zielona Łódź's board meeting, in the way of whatever the test moves there."""
    data = {"resource_id": place.room, "organisation_id": place.zielona, "contact_person": "Zofia Zielińska",
            "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 8, "day": WEDNESDAY,
            "start": time(10), "end": time(12), **changes}
    return res.create_booking(place.db, staff, data)


def snapshot(place, event_id: int) -> tuple:
    """Everything an edit could touch: the event, its topics and sessions, every booking and slot."""
    return (place.db.rows("select * exclude (updated_at) from event where id = ?", [event_id]),
            place.db.rows("select * from event_topic order by all"),
            place.db.rows("select * from event_session order by id"),
            place.db.rows("select id, resource_id, starts_at, ends_at, status, attendees, purpose from booking "
                          "order by id"),
            place.db.rows("select * from booking_slot order by all"),
            place.db.scalar("select count(*) from audit_log"))


def session_form(event: dict) -> list[dict]:
    return [{"id": s["id"], "day": s["starts_at"].date(), "start": s["starts_at"].time(), "end": s["ends_at"].time()}
            for s in event["sessions"]]


def test_editing_the_description_fields_keeps_the_bookings_and_audits_only_what_changed(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    before = trainings.get_event(place.db, staff, event_id)

    promoted = trainings.update_event(place.db, staff, event_id, {
        "title": "Oferta w Generatorze Wniosków", "description": "Dla początkujących", "topics": ["generator"],
        "trainer_name": "Żaneta Wójcik", "target_group": "młode stowarzyszenia", "status": "planned"})

    after = trainings.get_event(place.db, staff, event_id)
    assert promoted == []
    assert (after["title"], after["description"], after["topics"], after["trainer_name"], after["target_group"],
            after["status"]) == ("Oferta w Generatorze Wniosków", "Dla początkujących", ["generator"],
                                 "Żaneta Wójcik", "młode stowarzyszenia", "planned")
    assert [s["booking_id"] for s in after["sessions"]] == [s["booking_id"] for s in before["sessions"]]
    # the room bookings follow the title and the trainer (what the front desk sees)
    assert set(place.db.rows("select purpose, contact_person from booking")) == {
        ("Oferta w Generatorze Wniosków", "Żaneta Wójcik")}
    audit_after = place.db.rows("select after from audit_log where entity = 'event' and action = 'update'")
    assert len(audit_after) == 1
    assert set(json.loads(audit_after[0][0])) == {"title", "description", "topics", "trainer_name",
                                                               "target_group", "status"}


def test_changing_the_room_moves_every_booking_in_place(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    before = trainings.get_event(place.db, staff, event_id)

    trainings.update_event(place.db, staff, event_id, {"resource_id": place.small, "capacity": 8})

    after = trainings.get_event(place.db, staff, event_id)
    assert (after["room"], after["capacity"]) == ("Sala spotkań", 8)
    assert [s["booking_id"] for s in after["sessions"]] == [s["booking_id"] for s in before["sessions"]]
    assert set(place.db.rows("select resource_id, attendees, status from booking")) == {(place.small, 8, "confirmed")}
    assert {r[0] for r in place.db.rows("select distinct resource_id from booking_slot")} == {place.small}


def test_a_room_taken_at_one_session_refuses_the_change_naming_whose_and_when_and_changes_nothing(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    res.create_booking(place.db, staff, {
        "resource_id": place.small, "organisation_id": place.zielona, "contact_person": "Zofia Zielińska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 6, "day": NEXT_TUESDAY,
        "start": time(17), "end": time(18)})
    before = snapshot(place, event_id)

    with pytest.raises(Conflict) as excinfo:
        trainings.update_event(place.db, staff, event_id, {"resource_id": place.small, "capacity": 8,
                                                            "title": "Nowy tytuł"})

    assert excinfo.value.message.key == "error.booking_overlap"
    assert excinfo.value.message.params == {"organisation": "Fundacja Zielona Łódź", "day": "10.11.2026",
                                            "start": "17:00", "end": "18:00"}
    assert snapshot(place, event_id) == before


def test_moving_a_session_onto_another_booking_names_it_and_changes_nothing(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    zielona_booking(place, staff)
    event = trainings.get_event(place.db, staff, event_id)
    before = snapshot(place, event_id)
    form = session_form(event)
    form[0] = {**form[0], "day": WEDNESDAY, "start": time(11), "end": time(13)}

    with pytest.raises(Conflict) as excinfo:
        trainings.update_event(place.db, staff, event_id, {"sessions": form})

    assert excinfo.value.message.params == {"organisation": "Fundacja Zielona Łódź", "day": "04.11.2026",
                                            "start": "10:00", "end": "12:00"}
    assert snapshot(place, event_id) == before


def test_adding_and_removing_sessions_books_and_frees_the_room(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    first, second = trainings.get_event(place.db, staff, event_id)["sessions"]

    trainings.update_event(place.db, staff, event_id, {"sessions": [
        {"id": first["id"], "day": TUESDAY, "start": time(16), "end": time(19)},
        {"day": WEDNESDAY, "start": time(10), "end": time(12)}]})

    sessions = trainings.get_event(place.db, staff, event_id)["sessions"]
    assert [(s["starts_at"], s["ends_at"]) for s in sessions] == [
        (datetime(2026, 11, 3, 16), datetime(2026, 11, 3, 19)), (datetime(2026, 11, 4, 10), datetime(2026, 11, 4, 12))]
    assert sessions[0]["booking_id"] == first["booking_id"]
    assert res.get_booking(place.db, staff, second["booking_id"])["status"] == "cancelled"
    assert place.db.scalar("select count(*) from booking_slot where booking_id = ?", [second["booking_id"]]) == 0
    assert place.db.scalar("select count(*) from booking_slot where booking_id = ?", [sessions[1]["booking_id"]]) == 4


def test_capacity_below_the_enrolled_count_is_refused_with_the_count(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place, capacity=4))
    for i in range(1, 4):
        enrolment.enrol(place.db, staff, event_id, person(i))
    before = snapshot(place, event_id)

    with pytest.raises(ValidationError) as excinfo:
        trainings.update_event(place.db, staff, event_id, {"capacity": 2})

    assert field_errors(excinfo) == {"capacity": "events.error.capacity_below_enrolled"}
    assert excinfo.value.errors["capacity"].params == {"enrolled": 3}
    assert snapshot(place, event_id) == before
    trainings.update_event(place.db, staff, event_id, {"capacity": 3})  # exactly the enrolled count is fine
    assert trainings.get_event(place.db, staff, event_id)["status"] == "full"


def test_a_capacity_rise_of_two_promotes_the_first_two_waiting_in_order_of_arrival(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place, capacity=2))
    ids = [enrolment.enrol(place.db, staff, event_id, person(i))["id"] for i in range(1, 6)]
    assert enrolment.waitlist(place.db, staff, event_id) == ids[2:]

    promoted = trainings.update_event(place.db, staff, event_id, {"capacity": 4})

    assert promoted == [ids[2], ids[3]]
    assert enrolment.waitlist(place.db, staff, event_id) == [ids[4]]
    assert [r[0] for r in place.db.rows("select entity_id from audit_log where action = 'promote' order by id")] == [
        str(ids[2]), str(ids[3])]
    seats = place.db.rows("select seat_no, enrolment_id from event_seat where event_id = ? order by seat_no",
                          [event_id])
    assert seats == [(1, ids[0]), (2, ids[1]), (3, ids[2]), (4, ids[3])]
    event = trainings.get_event(place.db, staff, event_id)
    assert (event["status"], event["enrolled"], event["waitlisted"]) == ("full", 4, 1)
    assert {r[0] for r in place.db.rows("select attendees from booking")} == {4}


def test_a_cancelled_event_cannot_be_edited_and_a_coordinator_cannot_edit(place, staff, coordinator):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    with pytest.raises(PermissionDenied):
        trainings.update_event(place.db, coordinator, event_id, {"title": "Inny"})
    trainings.cancel_event(place.db, staff, event_id, "Choroba prowadzącej")
    with pytest.raises(Conflict) as excinfo:
        trainings.update_event(place.db, staff, event_id, {"title": "Inny"})
    assert excinfo.value.message.key == "error.event_already_cancelled"


def test_an_unchanged_save_writes_no_audit_row(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    event = trainings.get_event(place.db, staff, event_id)
    before = place.db.scalar("select count(*) from audit_log")

    trainings.update_event(place.db, staff, event_id, {"sessions": session_form(event), "topics": event["topics"]})

    assert place.db.scalar("select count(*) from audit_log") == before
