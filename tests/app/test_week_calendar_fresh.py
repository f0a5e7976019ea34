"""The week calendar keeps its prepared chart between reruns (pages/week.py), yet a booking made or
called off anywhere in the app shows on the next rerun: every write makes a new data stamp.

"Now" is Monday 7 December 2026, 09:00 in Łódź; the test's own room is free all week.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time

import pyarrow as pa
import pytest

from dashboard.core import clock
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from dashboard.services.register import organisations
from tests.app.conftest import page_path
from tests.conftest import app_as

TUESDAY = date(2026, 12, 8)


@pytest.fixture
def room(app_db):
    tag = uuid.uuid4().hex[:6]
    room_id = reservations.create_resource(app_db, SYSTEM, {"kind": "room", "name": f"Sala świeża {tag}",
                                                            "capacity": 12, "location": "parter"})
    org = organisations.create(app_db, SYSTEM, {"name": f"Fundacja Świeżych Danych {tag}", "legal_form": "fundacja"},
                               confirm_duplicate=True)
    clock.freeze(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    return {"id": room_id, "org": org, "org_name": f"Fundacja Świeżych Danych {tag}"}


def _booked(at) -> list[str]:
    """Organisations of the bookings the chart is sent."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    (chart,) = [e for e in walk(at.main) if getattr(e, "type", "") == "vega_lite_chart"]
    rows = [row for d in chart.proto.datasets for row in pa.ipc.open_stream(d.data.data).read_all().to_pylist()]
    assert json.loads(chart.proto.spec)["layer"]
    return [row["organisation"] for row in rows if "booking_id" in row]


def test_a_booking_made_elsewhere_shows_on_the_next_rerun_and_goes_when_called_off(app_db, room):
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("week.py")).run()
    at.selectbox(key="week_resource").set_value(str(room["id"])).run()
    assert not at.exception and _booked(at) == []
    at.run()
    assert _booked(at) == []

    booking_id = reservations.create_booking(app_db, SYSTEM, {
        "resource_id": room["id"], "organisation_id": room["org"], "contact_person": "Anna Kowalska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 8, "day": TUESDAY,
        "start": time(12, 0), "end": time(14, 0)})
    at.run()
    assert _booked(at) == [room["org_name"]]
    assert len(at.expander) and not at.table  # the table is drawn only while its expander is open
    at.session_state["week_table_box"] = True
    at.run()
    assert str(at.table[0].value.index[0]) == "08.12.2026"

    reservations.cancel_booking(app_db, SYSTEM, booking_id, "Odwołane")
    at.run()
    assert _booked(at) == []


def test_each_choice_of_resources_and_view_gets_its_own_calendar(app_db, room):
    reservations.create_booking(app_db, SYSTEM, {
        "resource_id": room["id"], "organisation_id": room["org"], "contact_person": "Anna Kowalska",
        "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 8, "day": TUESDAY,
        "start": time(12, 0), "end": time(14, 0)})
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("week.py")).run()
    at.selectbox(key="week_resource").set_value("all").run()
    everyone = _booked(at)
    at.selectbox(key="week_resource").set_value(str(room["id"])).run()
    assert _booked(at) == [room["org_name"]] and len(everyone) > 1 and room["org_name"] in everyone
    at.button_group(key="week_view").set_value("day").run()  # Monday: nothing booked in the room
    assert not at.exception and _booked(at) == []
    at.selectbox(key="week_resource").set_value("all").run()
    assert _booked(at) != everyone  # the day, not the week
