"""Expectations survey (S4): record which future services an organisation wants and how much; the summary."""

from datetime import date

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import current_language, fmt_date, fmt_number, t
from dashboard.services.education import advisory
from dashboard.services.register import organisations
from dashboard.ui import charts
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
FORM = "survey"
st.title(t("page.survey"))
st.caption(t("survey.intro"))
ui.show_flash()
today = clock.today()

orgs = dict(organisations.choices(db))
services = advisory.future_services(db)
name_column = "name_pl" if current_language() == "pl" else "name_en"
service_names = {code: f"{code} · {name}" for code, name in zip(services["code"], services[name_column])}
NOT_WANTED = 0  # the radio's "not wanted"; the service only receives wanted services with 1–5


def key(field: str) -> str:
    return f"{FORM}__{field}"


def reset_answers() -> None:
    for code in service_names:
        st.session_state[key(code)] = NOT_WANTED
    st.session_state[key("free_text")] = ""
    st.session_state[key("answered_on")] = today


def load_existing() -> None:
    """Picking an organisation that already answered loads its answer, so saving replaces it knowingly."""
    reset_answers()
    chosen = st.session_state.get(key("organisation_id"))
    existing = advisory.survey_response(db, actor, chosen) if chosen is not None else None
    if existing:
        for code, priority in existing["answers"].items():
            st.session_state[key(code)] = priority
        st.session_state[key("free_text")] = existing["free_text"] or ""


def submit() -> None:
    chosen = st.session_state.get(key("organisation_id"))
    answers = {code: st.session_state[key(code)] for code in service_names
               if st.session_state.get(key(code), NOT_WANTED) != NOT_WANTED}
    ok, _ = ui.run_service(FORM, lambda: advisory.record_survey(
        db, actor, chosen, answers, st.session_state.get(key("free_text")), st.session_state.get(key("answered_on"))))
    if ok:
        ui.flash(t("survey.saved", name=orgs.get(chosen, "")))
        st.session_state[key("organisation_id")] = None
        reset_answers()


if actor.can("write"):
    st.session_state.setdefault(key("organisation_id"), None)
    st.session_state.setdefault(key("free_text"), "")
    st.session_state.setdefault(key("answered_on"), today)
    for code in service_names:
        st.session_state.setdefault(key(code), NOT_WANTED)
    with st.expander(t("survey.add"), expanded=bool(ui.form_errors(FORM)) or
                     st.session_state[key("organisation_id")] is not None):
        ui.form_message(FORM)
        ui.field(FORM, "organisation_id", st.selectbox, t("survey.organisation") + " *", list(orgs),
                 format_func=orgs.get, placeholder=t("common.choose"), on_change=load_existing)
        chosen = st.session_state[key("organisation_id")]
        existing = advisory.survey_response(db, actor, chosen) if chosen is not None else None
        if existing:
            st.info(t("survey.already_answered", date=fmt_date(existing["answered_on"])))
        with st.form(FORM, enter_to_submit=False):
            st.caption(t("survey.priority_help"))
            ui.field_error(FORM, "answers")
            for code, label in service_names.items():
                ui.field(FORM, f"answers.{code}", st.radio, label, [NOT_WANTED, 1, 2, 3, 4, 5], horizontal=True,
                         key=key(code), format_func=lambda p: t("survey.not_wanted") if p == NOT_WANTED else str(p))
            ui.field(FORM, "free_text", st.text_area, t("survey.free_text"), max_chars=4000)
            st.date_input(t("survey.answered_on"), min_value=date(2000, 1, 1), max_value=today, format="DD.MM.YYYY",
                          key=key("answered_on"))
            st.form_submit_button(t("survey.submit"), type="primary", on_click=submit)

st.subheader(t("survey.summary"))
summary = advisory.survey_summary(db, actor)
responses = int(summary["responses"].max()) if len(summary) else 0
st.caption(t("survey.responses", count=responses))
if responses == 0:
    st.info(t("survey.none"))
else:
    frame = summary.assign(service=summary["code"].map(service_names))
    labels = {"service": t("survey.service"), "measure": t("survey.measure"), "value": t("survey.value"),
              "organisations": t("survey.organisations_wanting"), "mean_priority": t("survey.mean_priority")}
    st.altair_chart(charts.themed(charts.survey_summary(frame, labels), height=60 + 45 * len(frame)), theme=None)
    shown = frame.assign(mean_priority=frame["mean_priority"].map(lambda v: fmt_number(v, digits=2)))
    ui.table(shown, {"service": "survey.service", "organisations": "survey.organisations_wanting",
                     "mean_priority": "survey.mean_priority"}, key="survey_summary_table")

st.subheader(t("survey.texts"))
free = advisory.survey_texts(db, actor)
if free.empty:
    st.info(t("survey.no_texts"))
else:
    ui.table(free.assign(answered_on=free["answered_on"].map(fmt_date)),
             {"organisation": "survey.organisation", "answered_on": "survey.answered_on", "free_text": "survey.free_text"},
             key="survey_texts_table")
