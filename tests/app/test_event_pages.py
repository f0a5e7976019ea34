"""AppTest: enrol until an event is full, the next person lands on the waitlist; mark attendance."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone

import pytest

from dashboard import clock
from dashboard.i18n import translate
from dashboard.roles import SYSTEM
from dashboard.services import reservations, trainings
from tests.app.conftest import page_path, texts
from tests.conftest import app_as

SESSION_DAY = date(2026, 12, 7)  # a Monday


@pytest.fixture
def small_event(app_db):
    """A two-place training in a room of its own, planned a week before it happens."""
    clock.freeze(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
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
    at.text_input(key="enrol_name").input(name)
    at.text_input(key="enrol_email").input(email)
    at.checkbox(key="enrol_consent").check()
    at.button(key="FormSubmitter:event_enrol-" + translate("pl", "event.enrol_submit")).click().run()
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
    clock.freeze(datetime(2026, 12, 7, 10, 30, tzinfo=timezone.utc))  # during the session
    session_id = int(app_db.scalar("select id from event_session where event_id = ?", [small_event]))
    at.run()
    editor_key = f"att_editor_{session_id}"
    at.session_state[editor_key] = {"edited_rows": {0: {"present": True}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="att_save").click().run()

    assert not at.exception
    marks = dict(app_db.rows(
        "select e.full_name, a.present from attendance a join enrolment e on e.id = a.enrolment_id "
        "where a.session_id = ?", [session_id]))
    first = sorted(["Jan Kowalski", "Łucja Żółkiewska"])[0]
    assert marks[first] is True and sum(marks.values()) == 1
