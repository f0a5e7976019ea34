"""The events catalogue: validation with field keys, and the room booked through the reservation
rules in the event's own transaction — a clash saves nothing at all.

"Now" is Monday 2 November 2026, 08:00 in Łódź (as in the reservation tests); the training room
is open Tuesday 12:00–20:00 and Wednesday 10:00–18:00.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest

from dashboard.core.errors import Conflict, PermissionDenied, ValidationError
from dashboard.services import reservations as res
from dashboard.services.education import trainings
from tests.unit.builders import NEXT_TUESDAY, TUESDAY, WEDNESDAY, event_form, field_errors
from tests.unit.builders import event_counts as counts


def test_creating_an_event_books_its_room_for_every_session(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))

    event = trainings.get_event(place.db, staff, event_id)
    assert event["status"] == "open" and event["topics"] == ["T4", "generator"] and event["room"] == "Sala szkoleniowa"
    bookings = place.db.rows("select b.starts_at, b.ends_at, b.status, o.name, b.attendees from event_session s "
                             "join booking b on b.id = s.booking_id join organisation o on o.id = b.organisation_id "
                             "where s.event_id = ? order by 1", [event_id])
    assert bookings == [
        (datetime(2026, 11, 3, 16), datetime(2026, 11, 3, 19), "confirmed", trainings.CENTRE_NAME, 15),
        (datetime(2026, 11, 10, 16), datetime(2026, 11, 10, 19), "confirmed", trainings.CENTRE_NAME, 15)]
    assert place.db.scalar("select count(*) from booking_slot") == 12  # 2 × 3 h of half-hours
    assert place.db.scalar("select count(*) from organisation where name = ?", [trainings.CENTRE_NAME]) == 1
    assert place.db.scalar("select count(*) from audit_log where entity = 'event' and action = 'create'") == 1


def test_the_centre_organisation_is_created_once(place, staff):
    trainings.create_event(place.db, staff, event_form(place))
    trainings.create_event(place.db, staff, event_form(place, sessions=[{"day": WEDNESDAY, "start": time(10),
                                                                         "end": time(12)}]))
    assert place.db.scalar("select count(*) from organisation where name = ?", [trainings.CENTRE_NAME]) == 1


def test_a_taken_room_refuses_the_event_with_the_reservation_conflict_and_leaves_nothing(place, staff):
    res.create_booking(place.db, staff, {
        "resource_id": place.room, "organisation_id": place.zielona, "contact_person": "Zofia Zielińska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 10, "day": NEXT_TUESDAY,
        "start": time(18), "end": time(20)})
    before = counts(place.db)
    audit_before = place.db.scalar("select count(*) from audit_log")

    with pytest.raises(Conflict) as excinfo:
        trainings.create_event(place.db, staff, event_form(place))

    assert excinfo.value.message.key == "error.booking_overlap"
    assert excinfo.value.message.params == {"organisation": "Fundacja Zielona Łódź", "day": "10.11.2026",
                                            "start": "18:00", "end": "20:00"}
    assert counts(place.db) == before  # no event, no session, no topic, no booking, no slot
    assert place.db.scalar("select count(*) from audit_log") == audit_before
    assert place.db.scalar("select count(*) from organisation where name = ?", [trainings.CENTRE_NAME]) == 0


def test_a_session_outside_opening_hours_is_a_field_error_of_that_session(place, staff):
    form = event_form(place, sessions=[{"day": TUESDAY, "start": time(16), "end": time(18)},
                                       {"day": WEDNESDAY, "start": time(17), "end": time(19)}])
    with pytest.raises(ValidationError) as excinfo:
        trainings.create_event(place.db, staff, form)
    assert field_errors(excinfo) == {"sessions.1.start": "error.outside_opening_hours"}
    assert counts(place.db)["event"] == 0


def test_validation_reports_every_field(place, staff):
    form = event_form(place, title=" ", event_type="picnic", topics=["T9"], capacity=21,
                      sessions=[{"day": TUESDAY, "start": time(18), "end": time(16)}])
    with pytest.raises(ValidationError) as excinfo:
        trainings.create_event(place.db, staff, form)
    assert field_errors(excinfo) == {"title": "error.required", "event_type": "error.event_type",
                                     "topics": "error.topic_unknown", "capacity": "events.error.capacity_above_room",
                                     "sessions.0.end": "error.end_before_start"}
    assert excinfo.value.errors["capacity"].params["capacity"] == 20


def test_an_integration_meeting_needs_its_partner_and_a_room_must_be_a_room(place, staff):
    with pytest.raises(ValidationError) as excinfo:
        trainings.create_event(place.db, staff, event_form(place, event_type="integration_meeting",
                                                           resource_id=place.workstation))
    assert field_errors(excinfo) == {"partner_kind": "error.partner_required", "resource_id": "error.event_room_unknown"}
    event_id = trainings.create_event(place.db, staff, event_form(
        place, event_type="integration_meeting", partner_kind="dialogue_commission",
        partner_name="Komisja Dialogu Obywatelskiego ds. Kultury"))
    assert trainings.get_event(place.db, staff, event_id)["partner_kind"] == "dialogue_commission"


def test_moving_a_session_rebooks_the_room_and_a_clash_keeps_the_old_time(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    first = trainings.get_event(place.db, staff, event_id)["sessions"][0]

    trainings.move_session(place.db, staff, first["id"], WEDNESDAY, time(10), time(12))

    moved = trainings.get_event(place.db, staff, event_id)["sessions"][0]
    assert (moved["id"], moved["starts_at"]) == (first["id"], datetime(2026, 11, 4, 10))
    # the booking moves in place (same id, still confirmed), its slots with it
    assert moved["booking_id"] == first["booking_id"]
    assert res.get_booking(place.db, staff, first["booking_id"])["status"] == "confirmed"
    assert place.db.scalar("select count(*) from booking_slot where booking_id = ?", [moved["booking_id"]]) == 4
    assert place.db.scalar("select min(slot_start) from booking_slot where booking_id = ?",
                           [moved["booking_id"]]) == datetime(2026, 11, 4, 10)

    res.create_booking(place.db, staff, {
        "resource_id": place.room, "organisation_id": place.zielona, "contact_person": "Zofia Zielińska",
        "purpose": "Zebranie", "statutory_declared": True, "attendees": 5, "day": TUESDAY,
        "start": time(12), "end": time(14)})
    before = (counts(place.db), trainings.get_event(place.db, staff, event_id)["sessions"])
    with pytest.raises(Conflict):
        trainings.move_session(place.db, staff, moved["id"], TUESDAY, time(13), time(15))
    assert (counts(place.db), trainings.get_event(place.db, staff, event_id)["sessions"]) == before


def test_cancelling_an_event_frees_its_room(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))

    trainings.cancel_event(place.db, staff, event_id, "Choroba prowadzącej")

    assert trainings.get_event(place.db, staff, event_id)["status"] == "cancelled"
    assert place.db.scalar("select count(*) from booking_slot") == 0
    assert {r[0] for r in place.db.rows("select status from booking")} == {"cancelled"}
    trainings.create_event(place.db, staff, event_form(place))  # the same times are free again


def test_capacity_cannot_exceed_the_room_when_changed_either(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    with pytest.raises(ValidationError) as excinfo:
        trainings.update_event(place.db, staff, event_id, {"resource_id": place.small})
    assert field_errors(excinfo) == {"capacity": "events.error.capacity_above_room"}


def test_topics_are_data_an_admin_extends(place, admin, staff):
    with pytest.raises(PermissionDenied):
        trainings.add_topic(place.db, staff, "wolontariat", "Wolontariat")
    trainings.add_topic(place.db, admin, "wolontariat", "Wolontariat", "Volunteering")
    codes = list(trainings.topics(place.db)["code"])
    assert codes == ["T1", "T2", "T3", "T4", "T5", "T6", "generator", "wolontariat"]
    with pytest.raises(Conflict):
        trainings.add_topic(place.db, admin, "wolontariat", "Wolontariat")


def test_a_coordinator_cannot_create_events(place, coordinator):
    with pytest.raises(PermissionDenied):
        trainings.create_event(place.db, coordinator, event_form(place))


def test_the_catalogue_lists_events_with_counts(place, staff):
    event_id = trainings.create_event(place.db, staff, event_form(place))
    frame = trainings.events(place.db, staff, TUESDAY, TUESDAY)
    assert list(frame["id"]) == [event_id]
    assert frame.iloc[0]["sessions"] == 2 and frame.iloc[0]["topics"] == "T4, generator"
    assert trainings.events(place.db, staff, WEDNESDAY, WEDNESDAY).empty
