"""New event: a training, advisory, specialist, integration or consultation meeting, with its
sessions; saving books the room for every session or saves nothing."""

from datetime import time, timedelta

import pandas as pd
import streamlit as st

from dashboard import clock, ui
from dashboard.i18n import t, tm
from dashboard.services import reservations, trainings

db, actor = ui.db(), ui.actor()
FORM = "event_new"
st.title(t("page.event_new"))
ui.show_flash()

rooms = reservations.resources(db, kind="room")
room_names = dict(zip(rooms["id"].astype(int), rooms["name"]))
room_capacity = dict(zip(rooms["id"].astype(int), rooms["capacity"]))
topics = trainings.topics(db)
lang_column = "name_pl" if st.session_state.get("lang", "pl") == "pl" else "name_en"
topic_names = dict(zip(topics["code"], topics[lang_column].fillna(topics["name_pl"])))
first_day = clock.today() + timedelta(days=7)
while first_day.weekday() >= 5:  # rooms open on weekdays
    first_day += timedelta(days=1)
st.session_state.setdefault("event_new_sessions", pd.DataFrame(
    [{"day": first_day, "start": time(10, 0), "end": time(14, 0)}]))


def key(field: str) -> str:
    return f"{FORM}__{field}"


def values() -> dict:
    editor = st.session_state.get("event_new_sessions_editor", {})
    sessions = _sessions(editor)
    data = {f: st.session_state.get(key(f)) for f in (
        "title", "event_type", "partner_kind", "partner_name", "topics", "description", "trainer_name",
        "trainer_organisation", "resource_id", "capacity", "target_group", "status")}
    data["sessions"] = sessions
    return data


def _sessions(editor: dict) -> list[dict]:
    """The sessions table with the user's edits applied (rows added, changed, deleted)."""
    base = st.session_state["event_new_sessions"].to_dict("records")
    for index, change in editor.get("edited_rows", {}).items():
        base[int(index)].update(change)
    base += editor.get("added_rows", [])
    deleted = set(editor.get("deleted_rows", []))
    return [{"day": r.get("day"), "start": _time(r.get("start")), "end": _time(r.get("end"))}
            for i, r in enumerate(base) if i not in deleted]


def _time(value):
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return None
    return value


def submit() -> None:
    ok, event_id = ui.run_service(FORM, lambda: trainings.create_event(db, actor, values()))
    if ok:
        ui.flash(t("event.created"))
        st.session_state["_event_created"] = event_id


created = st.session_state.pop("_event_created", None)
if created:
    ui.goto("wydarzenie", id=created)

ui.form_message(FORM)
with st.form(FORM, enter_to_submit=False):
    st.text_input(t("event.title") + " *", key=key("title"))
    ui.field_error(FORM, "title")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.selectbox(t("event.type") + " *", trainings.TYPES, key=key("event_type"),
                     format_func=lambda v: t(f"event_type.{v}"))
        ui.field_error(FORM, "event_type")
    with c2:
        st.selectbox(t("event.partner_kind"), [None, *trainings.PARTNERS], placeholder=t("common.none"), key=key("partner_kind"),
                     format_func=lambda v: t("common.none") if v is None else t(f"partner.{v}"),
                     help=t("event.partner_help"))
        ui.field_error(FORM, "partner_kind")
    with c3:
        st.text_input(t("event.partner_name"), key=key("partner_name"), placeholder=t("event.partner_placeholder"))
        ui.field_error(FORM, "partner_name")
    st.multiselect(t("event.topics") + " *", list(topic_names), key=key("topics"), format_func=topic_names.get,
                   placeholder=t("common.choose"))
    ui.field_error(FORM, "topics")
    st.text_area(t("event.description"), key=key("description"))
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(t("event.trainer"), key=key("trainer_name"))
        ui.field_error(FORM, "trainer_name")
    with c2:
        st.text_input(t("event.trainer_organisation"), key=key("trainer_organisation"))
    c1, c2, c3 = st.columns(3)
    with c1:
        st.selectbox(t("booking.resource") + " *", list(room_names), key=key("resource_id"), index=None,
                     placeholder=t("common.choose"),
                     format_func=lambda i: t("booking.resource_label", name=room_names[i], capacity=room_capacity[i]))
        ui.field_error(FORM, "resource_id")
    with c2:
        st.number_input(t("event.capacity") + " *", min_value=1, max_value=500, value=15, key=key("capacity"))
        ui.field_error(FORM, "capacity")
    with c3:
        st.selectbox(t("event.status"), ["open", "planned"], key=key("status"),
                     format_func=lambda v: t(f"event_status.{v}"))
    st.text_input(t("event.target_group"), key=key("target_group"), placeholder=t("event.target_placeholder"))
    st.markdown(f"**{t('event.sessions')}** *")
    st.data_editor(st.session_state["event_new_sessions"], key="event_new_sessions_editor", num_rows="dynamic",
                   hide_index=True, width="stretch", column_config={
                       "day": st.column_config.DateColumn(t("booking.day"), format="DD.MM.YYYY", required=True),
                       "start": st.column_config.TimeColumn(t("booking.start"), format="HH:mm", step=1800,
                                                            required=True),
                       "end": st.column_config.TimeColumn(t("booking.end"), format="HH:mm", step=1800,
                                                          required=True)})
    for field, message in ui.form_errors(FORM).items():
        if field.startswith("sessions"):
            number = field.split(".")[1] if field.count(".") >= 1 else ""
            prefix = t("event.session_no", no=int(number) + 1) + ": " if number.isdigit() else ""
            st.markdown(f":red[{ui.escape_md(prefix + tm(message))}]")
    st.form_submit_button(t("event.create"), type="primary", on_click=submit)
