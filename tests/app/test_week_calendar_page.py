"""AppTest of the week calendar (issue 19): week and day navigation, the data the chart is sent (read back
from the page's Vega-Lite element), and the new-booking form filled from a free half hour's link.

"Now" is frozen at Monday 7 December 2026, 09:00 in Łódź; the test's own room (default opening hours:
Mon/Wed/Fri 10–18, Tue/Thu 12–20) has one booking this week and one the next, and a closure on the
Wednesday of next week. Thursday 24 December is a public holiday (Wigilia).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time

import pyarrow as pa
import pytest

from dashboard.core import clock
from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from dashboard.services.register import organisations
from tests.app.conftest import page_path, texts
from tests.conftest import app_as

THIS_TUESDAY, NEXT_TUESDAY, NEXT_WEDNESDAY = date(2026, 12, 8), date(2026, 12, 15), date(2026, 12, 16)


@pytest.fixture
def room(app_db):
    """A room of the test's own with a booking this week, one the next, and a closure next Wednesday."""
    tag = uuid.uuid4().hex[:6]
    room_id = reservations.create_resource(app_db, SYSTEM, {"kind": "room", "name": f"Sala kalendarza {tag}",
                                                            "capacity": 12, "location": "parter"})
    clock.freeze(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # book a week ahead
    names = {}
    for day, name in ((THIS_TUESDAY, f"Stowarzyszenie Tego Tygodnia {tag}"),
                      (NEXT_TUESDAY, f"Fundacja Następnego Tygodnia z Bardzo Długą Nazwą {tag}")):
        org = organisations.create(app_db, SYSTEM, {"name": name, "legal_form": "fundacja"}, confirm_duplicate=True)
        names[day] = name
        reservations.create_booking(app_db, SYSTEM, {
            "resource_id": room_id, "organisation_id": org, "contact_person": "Anna Kowalska",
            "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 8, "day": day,
            "start": time(12, 0), "end": time(14, 0)})
    reservations.add_closure(app_db, SYSTEM, {"resource_id": room_id, "date_from": NEXT_WEDNESDAY,
                                              "date_to": NEXT_WEDNESDAY, "reason": f"Malowanie {tag}"})
    clock.freeze(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))  # Monday 7 December, 09:00 in Łódź
    return {"id": room_id, "name": f"Sala kalendarza {tag}", "orgs": names, "closure": f"Malowanie {tag}"}


def _week_page(room, view: str = "week"):
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("week.py")).run()
    at.selectbox(key="week_resource").set_value(str(room["id"])).run()
    if view != "week":
        at.button_group(key="week_view").set_value(view).run()
    assert not at.exception
    return at


def _chart(at) -> tuple[dict, dict[str, list[dict]]]:
    """The calendar's Vega-Lite spec and its data sets (name -> rows), as the page sends them."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    (element,) = [e for e in walk(at.main) if getattr(e, "type", "") == "vega_lite_chart"]
    data = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in element.proto.datasets}
    return json.loads(element.proto.spec), data


def _rows(at, field: str) -> list[dict]:
    """Rows of every data set that has ``field``."""
    return [row for rows in _chart(at)[1].values() if rows and field in rows[0] for row in rows]


def _click(at, label_key: str):
    at.button(key={"week.prev_week": "week_prev", "week.next_week": "week_next", "week.prev_day": "week_prev",
                   "week.next_day": "week_next", "week.today": "week_today"}[label_key]).click().run()
    assert not at.exception
    return at


def test_previous_next_and_today_move_the_week(room):
    at = _week_page(room)
    assert texts(at.subheader) == ["Tydzień 7–13 grudnia 2026"]
    assert [b["organisation"] for b in _rows(at, "booking_id")] == [room["orgs"][THIS_TUESDAY]]

    _click(at, "week.next_week")
    assert texts(at.subheader) == ["Tydzień 14–20 grudnia 2026"]
    shown = _rows(at, "booking_id")
    assert [(b["organisation"], b["date"], b["time"]) for b in shown] == [
        (room["orgs"][NEXT_TUESDAY], "15.12.2026", "12:00–14:00")]

    _click(at, "week.prev_week")
    _click(at, "week.prev_week")
    assert texts(at.subheader) == ["Tydzień 30 listopada – 6 grudnia 2026"]
    assert _rows(at, "booking_id") == []
    _click(at, "week.today")
    assert texts(at.subheader) == ["Tydzień 7–13 grudnia 2026"]
    # One room chosen: its rows are the days alone, Monday to Friday.
    assert [r["row"] for r in _rows(at, "legend") if r["legend"] == "Poza godzinami otwarcia"] == [
        "pon. 07.12", "wt. 08.12", "śr. 09.12", "czw. 10.12", "pt. 11.12"]


def test_the_day_view_goes_a_day_at_a_time(room):
    at = _week_page(room, view="day")
    assert texts(at.subheader) == ["Poniedziałek, 7 grudnia 2026"]
    _click(at, "week.next_day")
    assert texts(at.subheader) == ["Wtorek, 8 grudnia 2026"]
    assert [b["organisation"] for b in _rows(at, "booking_id")] == [room["orgs"][THIS_TUESDAY]]
    _click(at, "week.prev_day")
    _click(at, "week.prev_day")
    assert texts(at.subheader) == ["Niedziela, 6 grudnia 2026"]
    assert translate("pl", "week.day_closed") in texts(at.info)  # nothing opens on a Sunday


def test_the_chart_is_sent_titled_tooltips_closures_and_holidays(room):
    at = _week_page(room)
    _click(at, "week.next_week")
    spec, _ = _chart(at)
    titles = {translate("pl", k) for k in (
        "booking.organisation", "booking.resource", "booking.day", "week.time", "booking.status", "booking.purpose",
        "week.attendees", "week.free_time", "week.closed_kind", "week.closed", "week.now")}
    tooltips = [tip for layer in spec["layer"] if isinstance(layer["encoding"].get("tooltip"), list)
                for tip in layer["encoding"]["tooltip"]]
    assert tooltips and all(tip.get("title") in titles for tip in tooltips), tooltips
    assert all(isinstance(layer["encoding"].get("tooltip"), list) or layer["mark"].get("tooltip", "") is None
               for layer in spec["layer"])  # the shading layers have none, not a default list of every field
    closed = {(r["row"], r["text"], r["kind"]) for r in _rows(at, "reason")}
    assert closed == {("śr. 16.12", f"Zamknięte: {room['closure']}", "Zamknięcie")}
    assert {(p["name"]) for p in spec["params"]} >= {"booking", "slot"}

    _click(at, "week.next_week")  # 21–27 December: Christmas Eve and Christmas Day
    assert texts(at.subheader) == ["Tydzień 21–27 grudnia 2026"]
    closed = {(r["row"], r["text"], r["kind"]) for r in _rows(at, "reason")}
    assert closed == {("czw. 24.12", "Zamknięte: Wigilia Bożego Narodzenia", "Święto"),
                      ("pt. 25.12", "Zamknięte: Boże Narodzenie (pierwszy dzień)", "Święto")}
    assert not [s for s in _rows(at, "slot") if s["date"] in ("24.12.2026", "25.12.2026")]


def test_free_slots_are_only_offered_to_who_may_book(room):
    at = app_as("koordynator")
    at.run()
    at.switch_page(page_path("week.py")).run()
    assert not at.exception
    spec, _ = _chart(at)
    assert {p["name"] for p in spec["params"]} & {"booking", "slot"} == {"booking"}
    assert texts(at.caption)[0] == translate("pl", "week.click_hint_read")


def _new_booking(query: dict):
    at = app_as("recepcja")
    at.run()
    at.query_params.update(query)
    at.switch_page(page_path("booking_new.py")).run()
    assert not at.exception
    return at


def test_a_free_slot_link_fills_the_new_booking_form(room):
    at = _new_booking({"resource": str(room["id"]), "day": "2026-12-09", "start": "13:00", "end": "15:00"})
    assert at.selectbox(key="booking_new__resource_id").value == room["id"]
    assert at.date_input(key="booking_new__day").value == date(2026, 12, 9)
    assert at.selectbox(key="booking_new__start").value == time(13, 0)
    assert at.selectbox(key="booking_new__end").value == time(15, 0)
    # The link fills the form once: it leaves the address, and what the person changes is kept when the
    # form is sent (here refused: no organisation chosen).
    assert not {"resource", "day", "start", "end"} & set(at.query_params)
    at.selectbox(key="booking_new__start").set_value(time(13, 30))
    at.date_input(key="booking_new__day").set_value(date(2026, 12, 11))
    at.button(key="FormSubmitter:booking_new-" + translate("pl", "booking.submit")).click().run()
    assert not at.exception and at.error
    assert at.selectbox(key="booking_new__start").value == time(13, 30)
    assert at.date_input(key="booking_new__day").value == date(2026, 12, 11)
    assert at.selectbox(key="booking_new__resource_id").value == room["id"]


def test_a_link_that_does_not_read_leaves_the_defaults(room):
    at = _new_booking({"resource": "999999", "day": "9 grudnia", "start": "13:15", "end": "25:00"})
    assert at.selectbox(key="booking_new__resource_id").value is None
    assert at.date_input(key="booking_new__day").value == date(2026, 12, 8)  # the next weekday
    assert at.selectbox(key="booking_new__start").value == time(10, 0)
    assert at.selectbox(key="booking_new__end").value == time(12, 0)
