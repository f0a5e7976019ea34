"""The week calendar's data (issue 19): what ``booking_views.calendar`` reads and what the chart builder
makes of it: closures and holidays present and labelled, free half hours only where one can book,
every tooltip field with a translated title, times as HH:MM and dates as dd.mm.rrrr.

The week: Monday 9 – Sunday 15 November 2026. Wednesday 11 November is a public holiday; the meeting
room is closed on Tuesday 10 November for painting. "Now" (the ``centre`` fixture) is Monday
2 November 08:00, unless a test moves it.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time

import pandas as pd
import pytest

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, translate
from dashboard.services import reservations as res
from dashboard.services.reservations import booking_views
from dashboard.ui import charts
from tests.unit.builders import at, booking

MONDAY, TUESDAY, WEDNESDAY, SUNDAY = date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 15)
HOLIDAY = "Narodowe Święto Niepodległości"
PAINTING = "Malowanie sali"

LABELS = {key: translate("pl", f"week.{key}") for key in (
    "outside", "free", "closed", "holiday", "closure", "closed_as", "free_describe", "booking_describe", "free_time",
    "closed_kind", "now", "legend", "time", "attendees")} | {
    "resource": translate("pl", "booking.resource"), "day": translate("pl", "booking.day"),
    "organisation": translate("pl", "booking.organisation"), "status": translate("pl", "booking.status"),
    "purpose": translate("pl", "booking.purpose")}
STATUS_LABELS = {s: translate("pl", f"booking_status.{s}") for s in booking_views.STATUSES}


@pytest.fixture
def week(centre, admin):
    """A booking on Monday 10:00–12:00 in the training room, one cancelled at 14:00, the painting closure."""
    db = centre.db
    kept = res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(10), end=time(12)))
    called_off = res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(14), end=time(16)))
    res.cancel_booking(db, admin, called_off, "Odwołane przez organizację")
    res.add_closure(db, admin, {"resource_id": centre.meeting, "date_from": TUESDAY, "date_to": TUESDAY,
                                "reason": PAINTING})
    return {"kept": kept, "called_off": called_off}


def _calendar(centre, now: datetime):
    return booking_views.calendar(centre.db, [centre.room, centre.meeting], MONDAY, SUNDAY, now, res.holiday_name)


def test_days_carry_opening_hours_closures_and_holidays(centre, week):
    days = _calendar(centre, clock.local_now())["days"]
    # Monday to Friday for both rooms; the weekend has no opening hours, so no rows.
    assert len(days) == 10 and set(days["day"]) == {date(2026, 11, d) for d in range(9, 14)}
    by = {(r, d): row for r, d, row in zip(days["resource_id"], days["day"], days.to_dict("records"))}
    assert by[(centre.room, TUESDAY)]["opens"] == time(12) and by[(centre.room, TUESDAY)]["closes"] == time(20)
    assert pd.isna(by[(centre.room, TUESDAY)]["closed"])
    assert by[(centre.meeting, TUESDAY)]["closed"] == PAINTING and not by[(centre.meeting, TUESDAY)]["holiday"]
    for resource in (centre.room, centre.meeting):
        assert by[(resource, WEDNESDAY)]["closed"] == HOLIDAY and by[(resource, WEDNESDAY)]["holiday"]


def test_free_half_hours_are_only_where_one_can_book(centre, week):
    data = _calendar(centre, datetime(2026, 11, 9, 13, 10))  # Monday 13:10: the morning has gone
    free = data["free"]
    room_monday = free[(free["resource_id"] == centre.room) & (free["day"] == MONDAY)]
    # Open 10–18, booked 10–12, the cancelled 14–16 is free again, before 13:30 is past.
    assert [f"{s:%H:%M}" for s in room_monday["starts_at"]] == [
        "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30"]
    assert set(room_monday["gap_end"]) == {datetime(2026, 11, 9, 18)}
    closed_days = {(centre.meeting, TUESDAY), (centre.room, WEDNESDAY), (centre.meeting, WEDNESDAY)}
    assert not {(r, d) for r, d in zip(free["resource_id"], free["day"])} & closed_days
    assert list(data["bookings"]["id"]) == [week["kept"]]  # a cancelled booking is not drawn


def _spec(centre, *, day_view=False, can_book=True, now=datetime(2026, 11, 9, 11, 0)):
    data = _calendar(centre, now)
    names = {centre.room: "Sala szkoleniowa", centre.meeting: "Sala spotkań"}
    chart = charts.booking_calendar(data, names, LABELS, STATUS_LABELS,
                                    lambda d: f"{translate('pl', f'weekday_short.{d.weekday()}')} {d:%d.%m}",
                                    lambda d: fmt_date(d, "pl"), now=now, day_view=day_view, can_book=can_book)
    return json.loads(json.dumps(chart.to_dict(), default=str))


def _layers_with(spec: dict, field: str) -> list[list[dict]]:
    """The rows of each layer whose data has ``field``."""
    found = []
    for layer in spec["layer"]:
        rows = spec["datasets"][layer["data"]["name"]]
        if rows and field in rows[0]:
            found.append(rows)
    return found


@pytest.mark.parametrize("day_view", [False, True])
def test_every_tooltip_field_has_a_translated_title(centre, week, day_view):
    spec = _spec(centre, day_view=day_view)
    titles = set(LABELS.values())
    tooltips = [t for layer in spec["layer"] for t in (layer["encoding"].get("tooltip") or [])
                if isinstance(layer["encoding"].get("tooltip"), list)]
    assert tooltips, "no tooltips at all"
    for tooltip in tooltips:
        assert tooltip.get("title") in titles, tooltip  # never a raw field name like "row" or "short_org"
    for layer in spec["layer"]:  # the shading layers show none (not a default list of every field)
        assert isinstance(layer["encoding"].get("tooltip"), list) or (
            "tooltip" not in layer["encoding"] and layer["mark"]["tooltip"] is None), layer


def test_tooltips_read_times_as_hh_mm_and_dates_as_dd_mm_yyyy(centre, week):
    spec = _spec(centre)
    (bookings,) = _layers_with(spec, "booking_id")[:1]
    kept = next(b for b in bookings if b["booking_id"] == week["kept"])
    assert kept["organisation"] == "Fundacja Zielona Łódź" and kept["time"] == "10:00–12:00"
    assert kept["date"] == "09.11.2026" and kept["status_label"] == "potwierdzona"
    assert kept["describe"] == "Fundacja Zielona Łódź, Sala szkoleniowa, 09.11.2026, 10:00–12:00"
    (slots,) = _layers_with(spec, "slot")
    for slot in slots:
        assert re.fullmatch(r"\d{2}:\d{2}–\d{2}:\d{2}", slot["time"]) and re.fullmatch(r"\d{2}\.\d{2}\.2026", slot["date"])
    room = [s for s in slots if s["resource"] == "Sala szkoleniowa"]
    first = min(room, key=lambda s: (s["date"][3:5], s["date"][:2], s["time"]))
    # Monday 11:00 is "now" and the room is booked until 12:00: its first free half hour is 12:00, offered
    # until 14:00 (two hours); the meeting room's last one on Monday is offered until closing only.
    assert first["slot"] == f"{centre.room}|2026-11-09|12:00|14:00"
    assert f"{centre.meeting}|2026-11-09|17:30|18:00" in {s["slot"] for s in slots}


def test_closures_and_holidays_are_drawn_and_labelled(centre, week):
    spec = _spec(centre)
    closed = _layers_with(spec, "reason")[0]
    texts = {(c["row"], c["text"], c["kind"]) for c in closed}
    assert ("wt. 10.11 · Sala spotkań", f"Zamknięte: {PAINTING}", "Zamknięcie") in texts
    assert ("śr. 11.11 · Sala szkoleniowa", f"Zamknięte: {HOLIDAY}", "Święto") in texts
    assert ("śr. 11.11 · Sala spotkań", f"Zamknięte: {HOLIDAY}", "Święto") in texts
    legend = next(layer["encoding"]["color"]["scale"]["domain"] for layer in spec["layer"]
                  if "scale" in layer["encoding"].get("color", {}))
    assert {"potwierdzona", "wstępna", "Wolne", "Zamknięte", "Poza godzinami otwarcia"} <= set(legend)


def test_clicks_are_point_selections_and_free_slots_only_for_who_may_book(centre, week):
    names = lambda spec: {p["name"] for p in spec.get("params", [])}  # noqa: E731
    assert {"booking", "slot"} <= names(_spec(centre))
    assert set(charts.CALENDAR_SELECTIONS) == {"booking", "slot"}
    read_only = _spec(centre, can_book=False)
    assert "booking" in names(read_only) and "slot" not in names(read_only)


def test_the_current_time_is_marked_on_todays_rows_only(centre, week):
    spec = _spec(centre, now=datetime(2026, 11, 9, 11, 20))
    (now_rows,) = _layers_with(spec, "at")
    assert {r["row"] for r in now_rows} == {"pon. 09.11 · Sala szkoleniowa", "pon. 09.11 · Sala spotkań"}
    assert {r["time"] for r in now_rows} == {"11:20"}
    at(datetime(2026, 11, 16, 9, 0))  # a later week: no line in this one
    assert not _layers_with(_spec(centre, now=clock.local_now()), "at")
