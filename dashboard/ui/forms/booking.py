"""The booking form, shared by the new-booking page and a booking's edit page.

Values live under keyed widgets so a refused booking keeps everything typed; the service
runs in the submit callback, so its messages are drawn next to their fields.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Callable

import streamlit as st

from dashboard.core import clock
from dashboard.ui import widgets as ui
from dashboard.core.i18n import t
from dashboard.services.register import organisations
from dashboard.services.reservations import reservations

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
                 format_func=lambda i: t("booking.resource_label", name=names[i], capacity=capacity[i]))
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
        st.radio(t("booking.status"), ["confirmed", "requested"], key=key(form, "status"), horizontal=True,
                 format_func=lambda s: t(f"booking_status.{s}"))
    ui.field(form, "statutory_declared", st.checkbox, t("booking.statutory_declared") + " *")


def clear(form: str) -> None:
    for k in [k for k in st.session_state if str(k).startswith(f"{form}__")]:
        del st.session_state[k]


def on_submit(form: str, call: Callable[[dict], object], saved: Callable[[object], None]) -> Callable[[], None]:
    def submit() -> None:
        ok, result = ui.run_service(form, lambda: call(values(form)))
        if ok:
            saved(result)
    return submit

