"""The week calendar's spec is made without Altair's JSON-schema check (``week_view._vega_lite``): the check
was most of the conversion's cost and changes nothing in what is made. So every shape the page draws is
checked here instead: the unvalidated spec equals the one Streamlit's own conversion makes with the check
on (``st.altair_chart``'s path, which raises on a spec that is not valid Vega-Lite), datasets included.

The week of Monday 9 November 2026: bookings of three statuses on Monday, a closure on Tuesday, the
holiday on Wednesday 11 November; "now" is Monday 11:00 (past half hours shaded, the red line drawn).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from dashboard.core.i18n import fmt_date, translate
from dashboard.services import reservations as res
from dashboard.services.reservations import booking_views
from dashboard.ui import charts, week_view
from tests.unit.builders import booking

MONDAY, TUESDAY, SUNDAY = date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 15)
NOW = datetime(2026, 11, 9, 11, 0)
NAMES = {"room": "Sala szkoleniowa", "meeting": "Sala spotkań"}


@pytest.fixture
def booked(centre, admin):
    db = centre.db
    res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(10), end=time(12)))
    res.create_booking(db, admin, booking(centre, day=MONDAY, start=time(14), end=time(16),
                                          organisation_id=centre.zielona, purpose="Warsztaty z bardzo długą nazwą"))
    res.create_booking(db, admin, booking(centre, resource_id=centre.meeting, day=MONDAY, start=time(12),
                                          end=time(13), attendees=6))
    res.add_closure(db, admin, {"resource_id": centre.meeting, "date_from": TUESDAY, "date_to": TUESDAY,
                                "reason": "Malowanie sali"})
    return centre


def _chart(centre, ids, date_from, date_to, *, day_view, can_book, width=1000):
    labels = {key: translate("pl", f"week.{key}") for key in week_view.LABEL_KEYS} | {
        "resource": translate("pl", "booking.resource"), "day": translate("pl", "booking.day"),
        "organisation": translate("pl", "booking.organisation"), "status": translate("pl", "booking.status"),
        "purpose": translate("pl", "booking.purpose")}
    status = {s: translate("pl", f"booking_status.{s}") for s in booking_views.STATUSES}
    data = booking_views.calendar(centre.db, ids, date_from, date_to, NOW, res.holiday_name)
    names = {centre.room: NAMES["room"], centre.meeting: NAMES["meeting"]}
    return charts.booking_calendar(data, names, labels, status,
                                   lambda d: f"{translate('pl', f'weekday_short.{d.weekday()}')} {d:%d.%m}",
                                   lambda d: fmt_date(d, "pl"), now=NOW, day_view=day_view, can_book=can_book,
                                   width=width)


@pytest.mark.parametrize("can_book", [True, False])
@pytest.mark.parametrize(("day_view", "one_room", "width"), [
    (False, False, 1000),   # the week of both rooms on a desktop
    (False, True, 1000),    # one room: rows are days only
    (True, False, 340),     # a day on a phone: a column per room
])
def test_the_unvalidated_spec_is_the_validated_one(booked, day_view, one_room, width, can_book):
    ids = [booked.room] if one_room else [booked.room, booked.meeting]
    date_from, date_to = (MONDAY, MONDAY) if day_view else (MONDAY, SUNDAY)
    chart = _chart(booked, ids, date_from, date_to, day_view=day_view, can_book=can_book, width=width)

    validated = _convert_altair_to_vega_lite_spec(chart)   # checks the schema: raises if the spec is invalid
    made = week_view._vega_lite(chart)

    assert made == validated
    assert made["datasets"] and all(isinstance(rows, bytes) for rows in made["datasets"].values())
    assert {p["name"] for p in made.get("params", [])} >= ({"booking", "slot"} if can_book else {"booking"})


def test_a_week_with_no_bookings_too(centre):
    chart = _chart(centre, [centre.room, centre.meeting], MONDAY, SUNDAY, day_view=False, can_book=True)
    assert week_view._vega_lite(chart) == _convert_altair_to_vega_lite_spec(chart)


def test_an_invalid_spec_is_still_caught_by_the_validated_path(booked):
    """The comparison above is only a check if the validated path does validate."""
    import altair as alt
    from altair.utils.schemapi import SchemaValidationError

    chart = _chart(booked, [booked.room], MONDAY, SUNDAY, day_view=False, can_book=True)
    broken = chart.copy()
    broken.padding = "wide"   # set as an attribute, unchecked; padding takes a number or an object, not this text
    with pytest.raises(SchemaValidationError):
        _convert_altair_to_vega_lite_spec(broken)
    assert week_view._vega_lite(broken)["padding"] == "wide"   # unvalidated: made as asked
    assert isinstance(chart, alt.LayerChart)
