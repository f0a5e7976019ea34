"""New event: a training, advisory, specialist, integration or consultation meeting, with its
sessions; saving books the room for every session or saves nothing."""

from datetime import timedelta

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import t
from dashboard.services.education import trainings
from dashboard.ui import widgets as ui
from dashboard.ui.forms import event as event_form

db, actor = ui.db(), ui.actor()
FORM = "event_new"
created = st.session_state.pop("_event_created", None)
if created:  # the event's page shows the "saved" message: showing it here would spend it before the switch
    event_form.clear(FORM)
    ui.goto("wydarzenie", id=created)

st.title(t("page.event_new"))
ui.show_flash()

first_day = clock.today() + timedelta(days=7)
while first_day.weekday() >= 5:  # rooms open on weekdays
    first_day += timedelta(days=1)
event_form.defaults(FORM, first_day)


def saved(event_id: int) -> None:
    ui.flash(t("event.created"))
    st.session_state["_event_created"] = event_id


with st.form(FORM, enter_to_submit=False):
    event_form.fields(FORM)
    ui.outcome(FORM)  # a refusal once, next to the button
    st.form_submit_button(t("event.create"), type="primary", on_click=event_form.on_submit(
        FORM, lambda values: trainings.create_event(db, actor, values), saved))
