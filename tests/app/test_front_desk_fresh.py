"""The front desk keeps the day's bookings between reruns (per data stamp), yet shows a booking made
elsewhere, a check-in and the clock moving on at the next rerun.

Monday 30 November 2026 in Łódź; the test's own room opens 10:00–18:00.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time
from html import unescape

import pytest

from dashboard.core import clock
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from dashboard.services.register import organisations
from tests.app.conftest import page_path, texts
from tests.conftest import app_as

MONDAY = date(2026, 11, 30)


@pytest.fixture
def room(app_db):
    tag = uuid.uuid4().hex[:6]
    room_id = reservations.create_resource(app_db, SYSTEM, {"kind": "room", "name": f"Sala recepcji {tag}",
                                                            "capacity": 12, "location": "parter"})
    orgs = [organisations.create(app_db, SYSTEM, {"name": f"{name} {tag}", "legal_form": "fundacja"},
                                 confirm_duplicate=True) for name in ("Fundacja Poranna", "Fundacja Popołudniowa")]
    clock.freeze(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # 09:00 in Łódź
    return {"id": room_id, "name": f"Sala recepcji {tag}", "orgs": orgs, "tag": tag}


def _book(db, room, organisation_id, start: time, end: time) -> int:
    return reservations.create_booking(db, SYSTEM, {
        "resource_id": room["id"], "organisation_id": organisation_id, "contact_person": "Anna Kowalska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 8, "day": MONDAY,
        "start": start, "end": end})


def _room_card(at, room) -> str:
    """The room's card as read on screen: its state line and booking lines (a block of several cards is cut
    into its cards; tags dropped, entities read)."""
    cards = [card for block in texts(at.html) for card in block.split('<div class="desk-card">')]
    return "\n".join(unescape(re.sub(r"<[^>]+>", " ", card)) for card in cards if room["tag"] in card)


def test_the_desk_shows_what_changed_since_the_last_rerun(app_db, room):
    morning = _book(app_db, room, room["orgs"][0], time(10), time(11, 30))
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("front_desk.py")).run()
    assert not at.exception
    assert "wolne do 10:00" in _room_card(at, room)
    assert at.button(key=f"desk_in_{morning}")  # arriving within the hour: one-click buttons

    _book(app_db, room, room["orgs"][1], time(15), time(16))  # booked at another desk
    at.run()
    assert f"Fundacja Popołudniowa {room['tag']}" in _room_card(at, room)

    at.button(key=f"desk_in_{morning}").click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key == f"desk_in_{morning}"]
    assert "obecnych: 8" in _room_card(at, room)

    clock.freeze(datetime(2026, 11, 30, 9, 15, tzinfo=UTC))  # 10:15: nothing written, the clock moved on
    at.run()
    assert f"zajęte — Fundacja Poranna {room['tag']} do 11:30" in _room_card(at, room)


def test_names_and_purposes_reach_the_desk_escaped(app_db, room):
    """The desk draws its cards as HTML: what staff typed is shown as text, never as markup."""
    hostile = organisations.create(app_db, SYSTEM, {"name": f"<script>alert(1)</script> & <b>Co</b> {room['tag']}",
                                                    "legal_form": "fundacja"}, confirm_duplicate=True)
    reservations.create_booking(app_db, SYSTEM, {
        "resource_id": room["id"], "organisation_id": hostile, "contact_person": "Anna Kowalska",
        "purpose": "<img src=x onerror=alert(2)>", "statutory_declared": True, "attendees": 8, "day": MONDAY,
        "start": time(14), "end": time(15)})
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("front_desk.py")).run()
    assert not at.exception

    drawn = "".join(texts(at.html))
    assert "<script>" not in drawn and "<img" not in drawn and "<b>Co</b>" not in drawn
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in drawn
    assert "<script>alert(1)</script> & <b>Co</b>" in _room_card(at, room)
    assert "<img src=x onerror=alert(2)>" in _room_card(at, room)
