"""The event form, shared by the new-event page and an event's edit section.

Values live under keyed widgets, so a refused save (a room clash, a capacity above the room's)
keeps everything typed; the service runs in the submit callback, so its messages are drawn
next to their fields. Sessions are a table: each row keeps its session id (hidden), so an edit
moves that session's booking rather than cancelling it and booking anew.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.core.converters import as_date, as_time
from dashboard.core.i18n import t, tm
from dashboard.services import reservations
from dashboard.services.education import trainings
from dashboard.ui import widgets as ui

FIELDS = ("title", "event_type", "partner_kind", "partner_name", "topics", "description", "trainer_name",
          "trainer_organisation", "resource_id", "capacity", "target_group", "status")
_SESSION_COLUMNS = ("id", "day", "start", "end")


def key(form: str, field: str) -> str:
    return f"{form}__{field}"


def _editor_key(form: str) -> str:
    return key(form, "sessions_editor")


def defaults(form: str, first_day: date) -> None:
    """A new event's starting values (kept once the user types)."""
    preset = {"title": "", "event_type": trainings.TYPES[0], "partner_kind": None, "partner_name": "",
              "topics": [], "description": "", "trainer_name": "", "trainer_organisation": "", "resource_id": None,
              "capacity": 15, "target_group": "", "status": "open"}
    for field, value in preset.items():
        st.session_state.setdefault(key(form, field), value)
    st.session_state.setdefault(key(form, "sessions"), _frame([{"id": None, "day": first_day, "start": time(10),
                                                                "end": time(14)}]))


def load(form: str, event: dict) -> None:
    """Fill the form from a stored event (when editing starts, and again after a save)."""
    for field in FIELDS:
        value = event.get(field)
        st.session_state[key(form, field)] = "" if value is None and field not in (
            "partner_kind", "resource_id") else value
    st.session_state[key(form, "status")] = event["status"] if event["status"] in ("planned", "open") else "open"
    st.session_state[key(form, "topics")] = list(event.get("topics") or [])
    st.session_state[key(form, "sessions")] = _frame(
        [{"id": int(s["id"]), "day": s["starts_at"].date(), "start": s["starts_at"].time(),
          "end": s["ends_at"].time()} for s in event["sessions"]])
    st.session_state.pop(_editor_key(form), None)


def clear(form: str) -> None:
    for name in [k for k in st.session_state if str(k).startswith(f"{form}__")]:
        del st.session_state[name]


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(_SESSION_COLUMNS))
    return frame.astype({"id": "Int64"})


def values(form: str) -> dict:
    data = {field: st.session_state.get(key(form, field)) for field in FIELDS}
    data["sessions"] = sessions(form)
    return data


def sessions(form: str) -> list[dict]:
    """The sessions table with the user's edits applied (rows changed, added, deleted)."""
    base = st.session_state[key(form, "sessions")].to_dict("records")
    editor = st.session_state.get(_editor_key(form)) or {}
    for index, change in (editor.get("edited_rows") or {}).items():
        base[int(index)].update(change)
    base += [dict(row) for row in editor.get("added_rows") or []]
    deleted = {int(i) for i in editor.get("deleted_rows") or []}
    return [{"id": _session_id(row.get("id")), "day": as_date(row.get("day")), "start": as_time(row.get("start")),
             "end": as_time(row.get("end"))} for index, row in enumerate(base) if index not in deleted]


def _session_id(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def fields(form: str, *, with_status: bool = True) -> None:
    """Draw the event's widgets with their messages (inside the caller's st.form)."""
    db = ui.db()
    rooms = reservations.resources(db, kind="room")
    room_names = dict(zip(rooms["id"].astype(int), rooms["name"]))
    room_capacity = dict(zip(rooms["id"].astype(int), rooms["capacity"]))
    topics = trainings.topics(db)
    lang_column = "name_pl" if st.session_state.get("lang", "pl") == "pl" else "name_en"
    topic_names = dict(zip(topics["code"], topics[lang_column].fillna(topics["name_pl"])))
    topic_names |= {code: code for code in st.session_state.get(key(form, "topics")) or [] if code not in topic_names}
    if st.session_state.get(key(form, "resource_id")) not in room_names:  # a room retired since: choose another
        st.session_state[key(form, "resource_id")] = None

    ui.field(form, "title", st.text_input, t("event.title") + " *")
    c1, c2, c3 = st.columns(3)
    with c1:
        ui.field(form, "event_type", st.selectbox, t("event.type") + " *", trainings.TYPES,
                 format_func=lambda v: t(f"event_type.{v}"))
    with c2:
        ui.field(form, "partner_kind", st.selectbox, t("event.partner_kind"), [None, *trainings.PARTNERS],
                 placeholder=t("common.none"), help=t("event.partner_help"),
                 format_func=lambda v: t("common.none") if v is None else t(f"partner.{v}"))
    with c3:
        ui.field(form, "partner_name", st.text_input, t("event.partner_name"),
                 placeholder=t("event.partner_placeholder"))
    ui.field(form, "topics", st.multiselect, t("event.topics") + " *", list(topic_names), format_func=topic_names.get,
             placeholder=t("common.choose"))
    ui.field(form, "description", st.text_area, t("event.description"))
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "trainer_name", st.text_input, t("event.trainer"))
    with c2:
        ui.field(form, "trainer_organisation", st.text_input, t("event.trainer_organisation"))
    c1, c2, c3 = st.columns(3)
    with c1:
        ui.field(form, "resource_id", st.selectbox, t("booking.resource") + " *", list(room_names),
                 placeholder=t("common.choose"),
                 format_func=lambda i: t("booking.resource_label", name=room_names.get(i, i),
                                         capacity=room_capacity.get(i, "—")))
    with c2:
        ui.field(form, "capacity", st.number_input, t("event.capacity") + " *", min_value=1, max_value=500, step=1)
    with c3:
        if with_status:
            ui.field(form, "status", st.selectbox, t("event.status"), ["open", "planned"],
                     format_func=lambda v: t(f"event_status.{v}"), help=t("events.edit.status_help"))
    ui.field(form, "target_group", st.text_input, t("event.target_group"), placeholder=t("event.target_placeholder"))
    st.markdown(f"**{t('event.sessions')}** *")
    st.data_editor(st.session_state[key(form, "sessions")], key=_editor_key(form), num_rows="dynamic",
                   hide_index=True, width="stretch", column_order=("day", "start", "end"), column_config={
                       "day": st.column_config.DateColumn(t("booking.day"), format="DD.MM.YYYY", required=True),
                       "start": st.column_config.TimeColumn(t("booking.start"), format="HH:mm", step=1800,
                                                            required=True),
                       "end": st.column_config.TimeColumn(t("booking.end"), format="HH:mm", step=1800,
                                                          required=True)})
    session_errors(form)


def session_errors(form: str) -> None:
    """Messages about the sessions table, each prefixed with the row it concerns ("Termin 2: ...")."""
    for field, message in ui.form_errors(form).items():
        if field.startswith("sessions"):
            number = field.split(".")[1] if field.count(".") >= 1 else ""
            prefix = t("event.session_no", no=int(number) + 1) + ": " if number.isdigit() else ""
            st.markdown(f":red[{ui.escape_md(prefix + tm(message))}]")


def on_submit(form: str, call: Callable[[dict], object], saved: Callable[[object], None]) -> Callable[[], None]:
    def submit() -> None:
        ok, result = ui.run_service(form, lambda: call(values(form)))
        if ok:
            saved(result)
    return submit
