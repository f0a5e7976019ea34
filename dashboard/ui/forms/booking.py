"""The booking form, shared by the new-booking page and a booking's edit page.

Values live under keyed widgets so a refused booking keeps everything typed; the service
runs in the submit callback, so its messages are drawn next to their fields.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import date, time, timedelta

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import t
from dashboard.services import reservations
from dashboard.services.register import organisations
from dashboard.ui import widgets as ui

FIELDS = ("resource_id", "organisation_id", "contact_person", "purpose", "statutory_declared", "attendees",
          "day", "start", "end")
GRID = [time(h, m) for h in range(7, 22) for m in (0, 30)] + [time(22, 0)]


def key(form: str, field: str) -> str:
    return f"{form}__{field}"


def values(form: str) -> dict:
    return {f: st.session_state.get(key(form, f)) for f in FIELDS} | {
        "status": st.session_state.get(key(form, "status"), "confirmed")}


def load(form: str, booking: dict) -> None:
    """Fill the form from a stored booking (when editing starts)."""
    for field in FIELDS:
        st.session_state[key(form, field)] = booking.get(field)


def defaults(form: str) -> None:
    start_day = clock.today() + timedelta(days=1)
    while start_day.weekday() >= 5:  # the Centre's rooms open on weekdays
        start_day += timedelta(days=1)
    preset = {"statutory_declared": False, "attendees": 10, "day": start_day, "start": time(10, 0),
              "end": time(12, 0), "contact_person": "", "purpose": "", "status": "confirmed"}
    for field, value in preset.items():
        st.session_state.setdefault(key(form, field), value)


def prefill(form: str, query) -> None:
    """Initial values from a link, e.g. the week calendar's free half hour: ``?resource=3&day=2026-12-07
    &start=10:00&end=12:00``. Each parameter is taken out of ``query`` (st.query_params) as it is read, so
    it fills the form once and the person's own changes are kept on the next rerun; what does not read
    (an unknown resource, a time off the grid) leaves that field as it was."""
    given = {name: query.pop(name, None) for name in ("resource", "day", "start", "end")}
    if given["resource"] is not None:
        resources = reservations.resources(ui.db())
        offered = {int(i) for i, kind in zip(resources["id"], resources["kind"]) if kind != "locker"}
        if str(given["resource"]).isdigit() and int(given["resource"]) in offered:
            st.session_state[key(form, "resource_id")] = int(given["resource"])
    if given["day"] is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(given["day"])):
        with contextlib.suppress(ValueError):  # 2026-02-30
            st.session_state[key(form, "day")] = date.fromisoformat(str(given["day"]))
    for field in ("start", "end"):
        on_grid = next((v for v in GRID if v.strftime("%H:%M") == given[field]), None)
        if on_grid is not None:
            st.session_state[key(form, field)] = on_grid


def fields(form: str, *, with_status: bool = True) -> None:
    """Draw the booking's widgets with their messages (inside the caller's st.form)."""
    db = ui.db()
    rooms = reservations.resources(db)
    rooms = rooms[rooms["kind"] != "locker"]
    names = dict(zip(rooms["id"].astype(int), rooms["name"]))
    capacity = dict(zip(rooms["id"].astype(int), rooms["capacity"]))
    orgs = dict(organisations.choices(db))

    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "resource_id", st.selectbox, t("booking.resource") + " *", list(names), index=None,
                 placeholder=t("common.choose"),
                 format_func=lambda i: resource_label(names[i], capacity[i]))
    with c2:
        ui.field(form, "organisation_id", st.selectbox, t("booking.organisation") + " *", list(orgs), index=None,
                 placeholder=t("booking.organisation_placeholder"), format_func=lambda i: orgs.get(i, str(i)))
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "contact_person", st.text_input, t("booking.contact_person") + " *")
    with c2:
        ui.field(form, "attendees", st.number_input, t("booking.attendees") + " *", min_value=0, max_value=500, step=1)
    ui.field(form, "purpose", st.text_input, t("booking.purpose") + " *", placeholder=t("booking.purpose_hint"))
    c1, c2, c3 = st.columns(3)
    with c1:
        ui.field(form, "day", st.date_input, t("booking.day") + " *", format="DD.MM.YYYY")
    with c2:
        ui.field(form, "start", st.selectbox, t("booking.start") + " *", GRID,
                 format_func=lambda v: v.strftime("%H:%M"))
    with c3:
        ui.field(form, "end", st.selectbox, t("booking.end") + " *", GRID, format_func=lambda v: v.strftime("%H:%M"))
    if with_status:
        ui.field(form, "status", st.radio, t("booking.status"), ["confirmed", "requested"], horizontal=True,
                 format_func=lambda s: t(f"booking_status.{s}"))
    ui.field(form, "statutory_declared", st.checkbox, t("booking.statutory_declared") + " *")


def resource_label(name: str, capacity) -> str:
    """"Sala A (do 12 os.)"; a resource without a capacity (a projector) by its name alone."""
    if capacity is None or capacity != capacity:
        return name
    return t("booking.resource_label", name=name, capacity=int(capacity))


def clear(form: str) -> None:
    for k in [k for k in st.session_state if str(k).startswith(f"{form}__")]:
        del st.session_state[k]


def on_submit(form: str, call: Callable[[dict], object], saved: Callable[[object], None]) -> Callable[[], None]:
    def submit() -> None:
        ok, result = ui.run_service(form, lambda: call(values(form)))
        if ok:
            saved(result)
    return submit

