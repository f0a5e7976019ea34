"""Training catalogue: upcoming and past events, filtered by topic, type, month and status."""

from datetime import date, timedelta

import streamlit as st

from dashboard import clock, ui
from dashboard.i18n import fmt_date, t
from dashboard.services import trainings

db, actor = ui.db(), ui.actor()
st.title(t("page.events"))
today = clock.today()
topics = trainings.topics(db)
topic_names = dict(zip(topics["code"], topics["name_pl" if st.session_state.get("lang", "pl") == "pl" else "name_en"]
                       .fillna(topics["name_pl"])))

c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
when = c1.segmented_control(t("events.when"), ["upcoming", "past"], default="upcoming", key="ev_when",
                            format_func=lambda w: t(f"events.{w}"))
event_type = c2.selectbox(t("event.type"), [None, *trainings.TYPES], placeholder=t("common.all"), key="ev_type",
                          format_func=lambda v: t("common.all") if v is None else t(f"event_type.{v}"))
topic = c3.selectbox(t("event.topic"), [None, *topic_names], placeholder=t("common.all"), key="ev_topic",
                     format_func=lambda v: t("common.all") if v is None else topic_names[v])
status = c4.selectbox(t("event.status"), [None, *trainings.STATUSES], placeholder=t("common.all"), key="ev_status",
                      format_func=lambda v: t("common.all") if v is None else t(f"event_status.{v}"))
months = [date(today.year + (today.month - 1 + k) // 12, (today.month - 1 + k) % 12 + 1, 1) for k in range(-12, 7)]
month = st.selectbox(t("events.month"), [None, *months], placeholder=t("common.all"), key="ev_month",
                     format_func=lambda m: t("common.all") if m is None else f"{m:%m.%Y}")

if month:
    date_from, date_to = month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
elif when == "past":
    date_from, date_to = None, today - timedelta(days=1)
else:
    date_from, date_to = today, None
found = trainings.events(db, actor, date_from, date_to, event_type=event_type, topic=topic, status=status)
if when == "past" and not month:
    found = found.iloc[::-1]
if found.empty:
    st.info(t("events.none"))
    st.stop()

table = found.assign(
    when=found["first_start"].map(fmt_date) + " " + found["first_start"].dt.strftime("%H:%M"),
    event_type=found["event_type"].map(lambda v: t(f"event_type.{v}")),
    status=found["status"].map(lambda v: t(f"event_status.{v}")),
    places=found["enrolled"].astype(str) + " / " + found["capacity"].astype(str)
    + found["waitlisted"].map(lambda w: f" (+{w})" if w else ""),
)
st.caption(t("events.count", count=len(found)))
picked = ui.table(table, {"when": "events.first_session", "title": "event.title", "event_type": "event.type",
                          "topics": "event.topics", "trainer_name": "event.trainer", "room": "booking.resource",
                          "places": "events.places", "sessions": "events.sessions", "status": "event.status"},
                  on_select="rerun", selection_mode="single-row", key="ev_table")
if picked and picked.selection.rows:
    ui.goto("wydarzenie", id=int(found.iloc[picked.selection.rows[0]]["id"]))
st.caption(t("events.open_hint"))
