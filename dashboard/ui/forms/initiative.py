"""The local-initiative form, shared by the new-initiative page and an initiative's edit tab.

Values live under keyed widgets, so a refused save keeps everything typed; the service runs
in the submit button's callback, so its messages are known before the form is drawn and
appear right under their fields. Amounts are text fields: staff type "1 500,00" as on paper,
and a negative or garbled amount gets the service's message instead of being silently clamped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import streamlit as st

from dashboard.core.i18n import current_language, fmt_money, t
from dashboard.services.initiatives import records as initiatives
from dashboard.services.register import organisations
from dashboard.ui import widgets as ui

AMOUNTS = ("city_part_pln", "social_work_hours", "social_work_rate_pln", "in_kind_pln", "money_pln")
_EMPTY = {"applicant_kind": "group", "supporters": 0, "sphere": None, "osiedle_id": None, "organisation_id": None,
          "planned_start": None, "planned_end": None}


def key(form: str, field: str) -> str:
    return f"{form}__{field}"


def values(form: str) -> dict:
    return {field: st.session_state.get(key(form, field)) for field in initiatives.FIELDS}


def amount_text(value) -> str:
    """A stored amount as staff would type it: 120 h, 1500,50 zł (a comma in Polish)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = str(int(number)) if number == number.to_integral_value() else f"{number:.2f}"
    return text.replace(".", ",") if current_language() == "pl" else text


def load(form: str, row: dict) -> None:
    """Put an initiative's stored values into the form's widgets (once, when editing starts)."""
    for field in initiatives.FIELDS:
        value = row.get(field)
        if isinstance(value, float) and value != value:  # NaN from a frame
            value = None
        if field in AMOUNTS:
            value = amount_text(value)
        elif field in ("osiedle_id", "organisation_id", "supporters") and value is not None:
            value = int(value)
        elif value is None and field not in _EMPTY:
            value = ""
        st.session_state[key(form, field)] = value


def initiative_form(form: str, submit_label: str, save: Callable[[dict], object],
                    on_saved: Callable[[object], None]) -> None:
    """The whole form: applicants (an informal group or a registered organisation), the task,
    planned dates, the city's part and the residents' contribution by kind. The caller shows
    the form's overall message above it (it may need to word a service's codes for people)."""
    db = ui.db()
    for field in initiatives.FIELDS:
        st.session_state.setdefault(key(form, field), _EMPTY.get(field, ""))
    lang = current_language()
    spheres = {s["code"]: s[f"name_{lang}"] for s in initiatives.spheres(db)}
    osiedla = organisations.osiedla(db)
    osiedle_names = dict(zip(osiedla["id"].astype(int), osiedla["name"]))
    orgs = dict(organisations.choices(db))
    rate = initiatives.default_rate(db)

    def submit() -> None:
        ok, result = ui.run_service(form, lambda: save(values(form)))
        if ok:
            on_saved(result)

    ui.field(form, "applicant_kind", st.radio, t("initiatives.form.applicant_kind") + " *", ["group", "organisation"],
             horizontal=True, format_func=lambda k: t(f"initiatives.applicant_kind.{k}"))
    with st.form(form, enter_to_submit=False):
        ui.field(form, "title", st.text_input, t("initiatives.form.title") + " *", max_chars=200)
        ui.field(form, "description", st.text_area, t("initiatives.form.description"), max_chars=4000,
                 help=t("initiatives.form.description_help"))
        c1, c2 = st.columns(2)
        with c1:
            ui.field(form, "sphere", st.selectbox, t("initiatives.form.sphere") + " *", list(spheres),
                     format_func=spheres.get, index=None, placeholder=t("common.choose"),
                     help=t("initiatives.form.sphere_help"))
        with c2:
            ui.field(form, "osiedle_id", st.selectbox, t("initiatives.form.osiedle") + " *", list(osiedle_names),
                     format_func=osiedle_names.get, index=None, placeholder=t("common.choose"))

        st.subheader(t("initiatives.form.applicants"))
        if st.session_state.get(key(form, "applicant_kind")) == "organisation":
            ui.field(form, "organisation_id", st.selectbox, t("initiatives.form.organisation") + " *", list(orgs),
                     format_func=orgs.get, index=None, placeholder=t("common.choose"))
        else:
            c1, c2, c3 = st.columns(3)
            with c1:
                ui.field(form, "leader_name", st.text_input, t("initiatives.form.leader_name") + " *", max_chars=120)
            with c2:
                ui.field(form, "leader_email", st.text_input, t("initiatives.form.leader_email"))
            with c3:
                ui.field(form, "leader_phone", st.text_input, t("initiatives.form.leader_phone"),
                         placeholder="601 234 567")
            st.caption(t("initiatives.form.contact_help"))
        c1, c2 = st.columns([1, 3])
        with c1:
            ui.field(form, "supporters", st.number_input, t("initiatives.form.supporters"), step=1,
                     help=t("initiatives.form.supporters_help"))
        with c2:
            ui.field(form, "partners", st.text_input, t("initiatives.form.partners"), max_chars=1000,
                     placeholder=t("initiatives.form.partners_placeholder"))
        c1, c2 = st.columns(2)
        with c1:
            ui.field(form, "planned_start", st.date_input, t("initiatives.form.planned_start"),
                     min_value=date(2000, 1, 1), format="DD.MM.YYYY")
        with c2:
            ui.field(form, "planned_end", st.date_input, t("initiatives.form.planned_end"), min_value=date(2000, 1, 1),
                     format="DD.MM.YYYY")

        st.subheader(t("initiatives.form.city_part"))
        st.caption(t("initiatives.form.city_part_help"))
        c1, c2 = st.columns([1, 3])
        with c1:
            ui.field(form, "city_part_pln", st.text_input, t("initiatives.form.city_part_pln"), placeholder="0,00")
        with c2:
            ui.field(form, "city_part_description", st.text_input, t("initiatives.form.city_part_description"),
                     max_chars=2000)

        st.subheader(t("initiatives.form.contribution"))
        c1, c2, c3 = st.columns(3)
        with c1:
            ui.field(form, "social_work_hours", st.text_input, t("initiatives.form.social_work_hours"), placeholder="0")
        with c2:
            ui.field(form, "social_work_rate_pln", st.text_input, t("initiatives.form.social_work_rate_pln"),
                     placeholder=amount_text(rate), help=t("initiatives.form.rate_help", rate=fmt_money(rate)))
        with c3:
            ui.field(form, "money_pln", st.text_input, t("initiatives.form.money_pln"), placeholder="0,00")
        c1, c2 = st.columns([1, 2])
        with c1:
            ui.field(form, "in_kind_pln", st.text_input, t("initiatives.form.in_kind_pln"), placeholder="0,00")
        with c2:
            ui.field(form, "in_kind_description", st.text_input, t("initiatives.form.in_kind_description"),
                     max_chars=2000, placeholder=t("initiatives.form.in_kind_placeholder"))
        ui.outcome(form)  # saved or refused, next to the button
        st.form_submit_button(submit_label, type="primary", on_click=submit)
