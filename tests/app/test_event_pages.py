"""AppTest: enrol until an event is full, the next person lands on the waitlist; mark attendance."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from dashboard.core import clock
from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from dashboard.services.education import trainings
from tests.app.conftest import page_path, texts
from tests.conftest import app_as

SESSION_DAY = date(2026, 12, 7)  # a Monday


@pytest.fixture
def small_event(app_db):
    """A two-place training in a room of its own, planned a week before it happens."""
    clock.freeze(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    room = reservations.create_resource(app_db, SYSTEM, {
        "kind": "room", "name": f"Sala szkoleń {uuid.uuid4().hex[:6]}", "capacity": 10})
    return trainings.create_event(app_db, SYSTEM, {
        "title": "Księgowość w małej fundacji", "event_type": "training", "topics": ["T5"],
        "trainer_name": "Żaneta Wójcik", "resource_id": room, "capacity": 2, "status": "open",
        "sessions": [{"day": SESSION_DAY, "start": time(10, 0), "end": time(13, 0)}]})


def _open(event_id: int):
    at = app_as("recepcja")
    at.run()
    at.query_params["id"] = str(event_id)
    at.switch_page(page_path("event.py")).run()
    assert not at.exception
    return at


def _enrol(at, name: str, email: str):
    event_id = at.query_params["id"]  # the enrolment form and what is typed in it belong to this event
    at.text_input(key=f"enrol_{event_id}_name").input(name)
    at.text_input(key=f"enrol_{event_id}_email").input(email)
    at.checkbox(key=f"enrol_{event_id}_consent").check()
    at.button(key=f"FormSubmitter:event_enrol_{event_id}-" + translate("pl", "event.enrol_submit")).click().run()
    assert not at.exception


def test_enrol_until_full_then_the_waitlist(app_db, small_event):
    at = _open(small_event)
    _enrol(at, "Łucja Żółkiewska", "lucja@example.org")
    _enrol(at, "Jan Kowalski", "jan@example.org")
    _enrol(at, "Ewa Nowak", "ewa@example.org")

    assert any("lista rezerwowa, miejsce 1" in s for s in texts(at.success))
    statuses = dict(app_db.rows("select full_name, status from enrolment where event_id = ?", [small_event]))
    assert statuses == {"Łucja Żółkiewska": "enrolled", "Jan Kowalski": "enrolled", "Ewa Nowak": "waitlisted"}


def test_mark_attendance_for_a_session(app_db, small_event):
    at = _open(small_event)
    _enrol(at, "Łucja Żółkiewska", "lucja@example.org")
    _enrol(at, "Jan Kowalski", "jan@example.org")
    clock.freeze(datetime(2026, 12, 7, 10, 30, tzinfo=UTC))  # during the session
    session_id = int(app_db.scalar("select id from event_session where event_id = ?", [small_event]))
    at.run()
    editor_key = f"att_editor_{session_id}_0"  # the first editor of this session (each save opens a fresh one)
    at.session_state[editor_key] = {"edited_rows": {0: {"present": True}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="att_save").click().run()

    assert not at.exception
    marks = dict(app_db.rows(
        "select e.full_name, a.present from attendance a join enrolment e on e.id = a.enrolment_id "
        "where a.session_id = ?", [session_id]))
    first = sorted(["Jan Kowalski", "Łucja Żółkiewska"])[0]
    assert marks[first] is True and sum(marks.values()) == 1
    assert translate("pl", "event.attendance_saved", present=1, total=2) in texts(at.success)


# -- editing and moving ----------------------------------------------------------------------------
def _edit_key(event_id: int, field: str) -> str:
    return f"event_edit_{event_id}__{field}"


def _save_edit(at, event_id: int):
    at.button(key=f"FormSubmitter:event_edit_{event_id}-" + translate("pl", "common.save")).click().run()
    assert not at.exception
    return at


def test_staff_edit_an_event_and_a_capacity_rise_promotes_the_waiting_by_name(app_db, small_event):
    at = _open(small_event)
    for name, email in (("Łucja Żółkiewska", "lucja@example.org"), ("Jan Kowalski", "jan@example.org"),
                        ("Ewa Nowak", "ewa@example.org")):
        _enrol(at, name, email)
    at.text_input(key=_edit_key(small_event, "title")).input("Księgowość w małej fundacji — edycja 2")
    at.text_input(key=_edit_key(small_event, "target_group")).input("skarbnicy stowarzyszeń")
    at.number_input(key=_edit_key(small_event, "capacity")).set_value(3)
    _save_edit(at, small_event)

    title, capacity, group = app_db.one("select title, capacity, target_group from event where id = ?", [small_event])
    assert (title, capacity, group) == ("Księgowość w małej fundacji — edycja 2", 3, "skarbnicy stowarzyszeń")
    assert app_db.scalar("select status from enrolment where event_id = ? and full_name = 'Ewa Nowak'",
                         [small_event]) == "enrolled"
    assert any("Ewa Nowak" in s and "listy rezerwowej" in s for s in texts(at.success))
    assert texts(at.title)[0] == "Księgowość w małej fundacji — edycja 2"


def test_capacity_below_the_enrolled_is_refused_next_to_the_field(app_db, small_event):
    at = _open(small_event)
    _enrol(at, "Łucja Żółkiewska", "lucja@example.org")
    _enrol(at, "Jan Kowalski", "jan@example.org")
    at.number_input(key=_edit_key(small_event, "capacity")).set_value(1)
    _save_edit(at, small_event)

    assert app_db.scalar("select capacity from event where id = ?", [small_event]) == 2
    assert any("Zapisanych osób: 2" in s.replace("\\", "") for s in texts(at.markdown))
    assert at.number_input(key=_edit_key(small_event, "capacity")).value == 1  # the typed value is kept


def test_moving_a_session_onto_a_booked_hour_names_the_booking_and_changes_nothing(app_db, small_event):
    room = app_db.scalar("select resource_id from event where id = ?", [small_event])
    organisation = app_db.scalar("select min(id) from organisation where name <> ?", [trainings.CENTRE_NAME])
    org_name = app_db.scalar("select name from organisation where id = ?", [organisation])
    reservations.create_booking(app_db, SYSTEM, {
        "resource_id": room, "organisation_id": organisation, "contact_person": "Zofia Zielińska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 6, "day": date(2026, 12, 9),
        "start": time(10), "end": time(12)})
    before = app_db.rows("select s.starts_at, s.ends_at, b.starts_at, b.status from event_session s "
                         "join booking b on b.id = s.booking_id where s.event_id = ?", [small_event])
    at = _open(small_event)

    at.session_state[_edit_key(small_event, "sessions_editor")] = {
        "edited_rows": {0: {"day": "2026-12-09", "start": "11:00", "end": "13:00"}}, "added_rows": [],
        "deleted_rows": []}
    _save_edit(at, small_event)

    shown = texts(at.error)
    assert any(org_name in s and "09.12.2026" in s and "10:00" in s for s in shown), shown
    assert app_db.rows("select s.starts_at, s.ends_at, b.starts_at, b.status from event_session s "
                       "join booking b on b.id = s.booking_id where s.event_id = ?", [small_event]) == before


def test_moving_a_session_to_a_free_hour_moves_its_booking(app_db, small_event):
    booking = app_db.scalar("select booking_id from event_session where event_id = ?", [small_event])
    at = _open(small_event)

    at.session_state[_edit_key(small_event, "sessions_editor")] = {
        "edited_rows": {0: {"day": "2026-12-10", "start": "14:00", "end": "17:00"}}, "added_rows": [],
        "deleted_rows": []}
    _save_edit(at, small_event)

    assert not texts(at.error)
    assert app_db.rows("select s.starts_at, s.booking_id, b.starts_at, b.status from event_session s "
                       "join booking b on b.id = s.booking_id where s.event_id = ?", [small_event]) == [
        (datetime(2026, 12, 10, 14), booking, datetime(2026, 12, 10, 14), "confirmed")]
    assert translate("pl", "events.edit.saved") in " ".join(texts(at.success))


def test_a_coordinator_sees_the_event_without_the_edit_form(app_db, small_event):
    at = app_as("koordynator")
    at.run()
    at.query_params["id"] = str(small_event)
    at.switch_page(page_path("event.py")).run()
    assert not at.exception
    assert texts(at.title)[0] == "Księgowość w małej fundacji"
    assert not [e for e in at.expander if e.label == translate("pl", "events.edit.title")]


def test_a_new_event_books_its_room_and_opens_its_page(app_db):
    clock.freeze(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    room = reservations.create_resource(app_db, SYSTEM, {
        "kind": "room", "name": f"Sala warsztatowa {uuid.uuid4().hex[:6]}", "capacity": 12})
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("event_new.py")).run()
    at.text_input(key="event_new__title").input("Sprawozdanie z dotacji krok po kroku")
    at.multiselect(key="event_new__topics").select("T5")
    at.selectbox(key="event_new__resource_id").select(room)
    at.number_input(key="event_new__capacity").set_value(12)
    at.button(key="FormSubmitter:event_new-" + translate("pl", "event.create")).click().run()

    assert not at.exception
    event_id, status = app_db.one("select id, status from event where title = 'Sprawozdanie z dotacji krok po kroku'")
    assert status == "open"
    assert app_db.rows("select b.resource_id, b.starts_at, b.status from event_session s join booking b "
                       "on b.id = s.booking_id where s.event_id = ?", [event_id]) == [
        (room, datetime(2026, 12, 7, 10), "confirmed")]
    assert texts(at.title)[0] == "Sprawozdanie z dotacji krok po kroku"
    assert translate("pl", "event.created") in texts(at.success), "the event's page says it was saved"
