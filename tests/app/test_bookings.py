"""AppTest: the booking form refuses a clash and keeps the input; the front desk checks in."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from dashboard.core import clock
from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from dashboard.services.register import organisations
from tests.app.conftest import page_path, texts
from tests.conftest import app_as

MONDAY = date(2026, 11, 30)


@pytest.fixture
def room(app_db):
    """A room of our own (default opening hours), so demo bookings never get in the way."""
    return reservations.create_resource(app_db, SYSTEM, {
        "kind": "room", "name": f"Sala testowa {uuid.uuid4().hex[:6]}", "capacity": 12, "location": "parter"})


@pytest.fixture
def two_organisations(app_db):
    first = organisations.create(app_db, SYSTEM, {"name": f"Stowarzyszenie Pierwsze {uuid.uuid4().hex[:6]}",
                                                  "legal_form": "stowarzyszenie"}, confirm_duplicate=True)
    second = organisations.create(app_db, SYSTEM, {"name": f"Fundacja Druga {uuid.uuid4().hex[:6]}",
                                                   "legal_form": "fundacja"}, confirm_duplicate=True)
    return first, second


def _freeze_monday_morning() -> None:
    clock.freeze(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # 09:00 in Łódź


def _book(db, room, organisation_id, start: time, end: time, day: date = MONDAY) -> int:
    return reservations.create_booking(db, SYSTEM, {
        "resource_id": room, "organisation_id": organisation_id, "contact_person": "Anna Kowalska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 8, "day": day,
        "start": start, "end": end})


def test_the_form_shows_the_clash_and_keeps_what_was_typed(app_db, room, two_organisations):
    _freeze_monday_morning()
    first, second = two_organisations
    _book(app_db, room, first, time(10, 0), time(12, 0))
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("booking_new.py")).run()
    at.selectbox(key="booking_new__resource_id").set_value(room)
    at.selectbox(key="booking_new__organisation_id").set_value(second)
    at.text_input(key="booking_new__contact_person").input("Łucja Żółkiewska")
    at.text_input(key="booking_new__purpose").input("Warsztaty dla wolontariuszy")
    at.date_input(key="booking_new__day").set_value(MONDAY)
    at.selectbox(key="booking_new__start").set_value(time(11, 0))
    at.selectbox(key="booking_new__end").set_value(time(13, 0))
    at.checkbox(key="booking_new__statutory_declared").check()
    at.button(key="FormSubmitter:booking_new-" + translate("pl", "booking.submit")).click().run()

    assert not at.exception
    errors = " ".join(texts(at.error))
    assert "Termin zajęty" in errors and "10:00–12:00" in errors
    assert at.text_input(key="booking_new__contact_person").value == "Łucja Żółkiewska"
    assert at.selectbox(key="booking_new__start").value == time(11, 0)
    clashing = app_db.scalar("select count(*) from booking where resource_id = ? and organisation_id = ?",
                             [room, second])
    assert clashing == 0


def test_the_front_desk_checks_a_booking_in(app_db, room, two_organisations):
    _freeze_monday_morning()
    booking_id = _book(app_db, room, two_organisations[0], time(10, 0), time(11, 30))
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("front_desk.py")).run()
    assert not at.exception
    at.button(key=f"desk_in_{booking_id}").click().run()

    assert not at.exception
    status, attended = app_db.one("select status, actual_attendance from booking where id = ?", [booking_id])
    assert (status, attended) == ("checked_in", 8)  # one click records the booked head count
    assert any("Zapisano obecność" in s for s in texts(at.success))

    at.selectbox(key="desk_other_pick").set_value(booking_id)
    at.number_input(key="desk_other_att").set_value(7)
    at.button(key="FormSubmitter:desk_other-" + translate("pl", "desk.check_in")).click().run()
    assert not at.exception
    assert app_db.one("select actual_attendance from booking where id = ?", [booking_id]) == (7,)
