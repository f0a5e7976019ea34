"""The local-initiative form, shared by the new-initiative page and an initiative's edit tab.

Values live under keyed widgets, so a refused save keeps everything typed; the service runs
in the submit button's callback, so its messages are known before the form is drawn and
appear right under their fields. Amounts are text fields: staff type "1 500,00" as on paper,
and a negative or garbled amount gets the service's message instead of being silently clamped.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Callable

import streamlit as st

from dashboard.ui import widgets as ui
from dashboard.core.i18n import current_language, fmt_money, t
from dashboard.services.initiatives import records as initiatives
from dashboard.services.register import organisations

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

    def error(field: str) -> None:
        ui.field_error(form, field)

    st.radio(t("initiatives.form.applicant_kind") + " *", ["group", "organisation"], horizontal=True,
             key=key(form, "applicant_kind"), format_func=lambda k: t(f"initiatives.applicant_kind.{k}"))
    error("applicant_kind")
    with st.form(form, enter_to_submit=False):
        st.text_input(t("initiatives.form.title") + " *", max_chars=200, key=key(form, "title"))
        error("title")
        st.text_area(t("initiatives.form.description"), max_chars=4000, key=key(form, "description"),
                     help=t("initiatives.form.description_help"))
        error("description")
        c1, c2 = st.columns(2)
        with c1:
            st.selectbox(t("initiatives.form.sphere") + " *", list(spheres), format_func=spheres.get, index=None,
                         placeholder=t("common.choose"), key=key(form, "sphere"),
                         help=t("initiatives.form.sphere_help"))
            error("sphere")
        with c2:
            st.selectbox(t("initiatives.form.osiedle") + " *", list(osiedle_names), format_func=osiedle_names.get,
                         index=None, placeholder=t("common.choose"), key=key(form, "osiedle_id"))
            error("osiedle_id")

        st.subheader(t("initiatives.form.applicants"))
        if st.session_state.get(key(form, "applicant_kind")) == "organisation":
            st.selectbox(t("initiatives.form.organisation") + " *", list(orgs), format_func=orgs.get, index=None,
                         placeholder=t("common.choose"), key=key(form, "organisation_id"))
            error("organisation_id")
        else:
            c1, c2, c3 = st.columns(3)
            with c1:
                st.text_input(t("initiatives.form.leader_name") + " *", max_chars=120, key=key(form, "leader_name"))
                error("leader_name")
            with c2:
                st.text_input(t("initiatives.form.leader_email"), key=key(form, "leader_email"))
                error("leader_email")
            with c3:
                st.text_input(t("initiatives.form.leader_phone"), key=key(form, "leader_phone"),
                              placeholder="601 234 567")
                error("leader_phone")
            st.caption(t("initiatives.form.contact_help"))
        c1, c2 = st.columns([1, 3])
        with c1:
            st.number_input(t("initiatives.form.supporters"), step=1, key=key(form, "supporters"),
                            help=t("initiatives.form.supporters_help"))
            error("supporters")
        with c2:
            st.text_input(t("initiatives.form.partners"), max_chars=1000, key=key(form, "partners"),
                          placeholder=t("initiatives.form.partners_placeholder"))
            error("partners")
        c1, c2 = st.columns(2)
        with c1:
            st.date_input(t("initiatives.form.planned_start"), min_value=date(2000, 1, 1), format="DD.MM.YYYY",
                          key=key(form, "planned_start"))
            error("planned_start")
        with c2:
            st.date_input(t("initiatives.form.planned_end"), min_value=date(2000, 1, 1), format="DD.MM.YYYY",
                          key=key(form, "planned_end"))
            error("planned_end")

        st.subheader(t("initiatives.form.city_part"))
        st.caption(t("initiatives.form.city_part_help"))
        c1, c2 = st.columns([1, 3])
        with c1:
            st.text_input(t("initiatives.form.city_part_pln"), key=key(form, "city_part_pln"), placeholder="0,00")
            error("city_part_pln")
        with c2:
            st.text_input(t("initiatives.form.city_part_description"), max_chars=2000,
                          key=key(form, "city_part_description"))
            error("city_part_description")

        st.subheader(t("initiatives.form.contribution"))
        c1, c2, c3 = st.columns(3)
        with c1:
            st.text_input(t("initiatives.form.social_work_hours"), key=key(form, "social_work_hours"), placeholder="0")
            error("social_work_hours")
        with c2:
            st.text_input(t("initiatives.form.social_work_rate_pln"), key=key(form, "social_work_rate_pln"),
                          placeholder=amount_text(rate), help=t("initiatives.form.rate_help", rate=fmt_money(rate)))
            error("social_work_rate_pln")
        with c3:
            st.text_input(t("initiatives.form.money_pln"), key=key(form, "money_pln"), placeholder="0,00")
            error("money_pln")
        c1, c2 = st.columns([1, 2])
        with c1:
            st.text_input(t("initiatives.form.in_kind_pln"), key=key(form, "in_kind_pln"), placeholder="0,00")
            error("in_kind_pln")
        with c2:
            st.text_input(t("initiatives.form.in_kind_description"), max_chars=2000,
                          key=key(form, "in_kind_description"), placeholder=t("initiatives.form.in_kind_placeholder"))
            error("in_kind_description")
        st.form_submit_button(submit_label, type="primary", on_click=submit)
