"""Forms shared by several pages. Values live under keyed widgets, so a refused save keeps
everything the user typed; the service is called from the submit button's callback, so the
messages are known before the form is drawn and appear right under their fields."""

from __future__ import annotations

from datetime import date
from typing import Callable

import streamlit as st

from dashboard.core import clock
from dashboard.ui import widgets as ui
from dashboard.core.i18n import t
from dashboard.services.register import organisations

ORG_FIELDS = ("name", "legal_form", "krs", "nip", "regon", "street", "postal_code", "city", "osiedle_id",
              "contact_person", "email", "phone", "first_served_on", "notes")


_DEFAULTS = {"legal_form": "stowarzyszenie", "osiedle_id": None, "first_served_on": None}


def _key(form: str, field: str) -> str:
    return f"{form}__{field}"


def load_values(form: str, values: dict) -> None:
    """Put a record's values into the form's widgets (once, when editing starts)."""
    for field in ORG_FIELDS:
        value = values.get(field)
        if field == "osiedle_id" and value is not None:
            value = int(value)
        if isinstance(value, float) and value != value:  # NaN from a frame
            value = None
        st.session_state[_key(form, field)] = value if value is not None or field in ("osiedle_id", "first_served_on") else ""


def values(form: str) -> dict:
    return {field: st.session_state.get(_key(form, field)) for field in ORG_FIELDS}


def organisation_form(form: str, submit_label: str, save: Callable[[dict, bool], object],
                      on_saved: Callable[[object], None]) -> None:
    """The organisation form; ``save(values, confirm_duplicate)`` is the service call."""
    db = ui.db()
    for field in ORG_FIELDS:
        st.session_state.setdefault(_key(form, field), _DEFAULTS.get(field, ""))
    osiedla = organisations.osiedla(db)
    osiedle_names = dict(zip(osiedla["id"].astype(int), osiedla["name"]))

    def submit(confirm: bool = False) -> None:
        ok, result = ui.run_service(form, lambda: save(values(form), confirm))
        if ok:
            on_saved(result)

    ui.form_message(form)
    matches = ui.duplicates(form)
    if matches:
        st.warning(t("org.duplicate_warning"))
        for match in matches:
            reasons = ", ".join(t(f"org.duplicate_reason.{r}") for r in match["reasons"])
            st.markdown(f"- **{ui.escape_md(match['name'])}** — {reasons}")
        st.button(t("org.save_anyway"), on_click=submit, kwargs={"confirm": True}, key=f"{form}_confirm")

    with st.form(form, enter_to_submit=False):
        st.text_input(t("org.name") + " *", key=_key(form, "name"), max_chars=200)
        ui.field_error(form, "name")
        c1, c2 = st.columns(2)
        with c1:
            st.selectbox(t("org.legal_form") + " *", organisations.legal_forms(db), key=_key(form, "legal_form"),
                         format_func=lambda code: t(f"legal_form.{code}"))
            ui.field_error(form, "legal_form")
        with c2:
            st.text_input(t("org.krs"), key=_key(form, "krs"), help=t("org.krs_help"))
            ui.field_error(form, "krs")
        c1, c2 = st.columns(2)
        with c1:
            st.text_input(t("org.nip"), key=_key(form, "nip"), help=t("org.nip_help"))
            ui.field_error(form, "nip")
        with c2:
            st.text_input(t("org.regon"), key=_key(form, "regon"))
            ui.field_error(form, "regon")
        c1, c2, c3 = st.columns([3, 1, 2])
        with c1:
            st.text_input(t("org.street"), key=_key(form, "street"))
            ui.field_error(form, "street")
        with c2:
            st.text_input(t("org.postal_code"), key=_key(form, "postal_code"), placeholder="90-001")
            ui.field_error(form, "postal_code")
        with c3:
            st.text_input(t("org.city"), key=_key(form, "city"), placeholder="Łódź")
            ui.field_error(form, "city")
        st.selectbox(t("org.osiedle"), [None, *osiedle_names], key=_key(form, "osiedle_id"),
                     format_func=lambda i: t("common.none") if i is None else osiedle_names[i],
                     placeholder=t("common.none"))  # a None value shows the placeholder, not the option
        ui.field_error(form, "osiedle_id")
        c1, c2, c3 = st.columns(3)
        with c1:
            st.text_input(t("org.contact_person"), key=_key(form, "contact_person"))
            ui.field_error(form, "contact_person")
        with c2:
            st.text_input(t("org.email"), key=_key(form, "email"))
            ui.field_error(form, "email")
        with c3:
            st.text_input(t("org.phone"), key=_key(form, "phone"), placeholder="42 123 45 67")
            ui.field_error(form, "phone")
        st.date_input(t("org.first_served_on"), key=_key(form, "first_served_on"),
                      min_value=date(2000, 1, 1), max_value=clock.today(), format="DD.MM.YYYY")
        ui.field_error(form, "first_served_on")
        st.text_area(t("org.notes"), key=_key(form, "notes"), max_chars=2000)
        ui.field_error(form, "notes")
        st.form_submit_button(submit_label, type="primary", on_click=submit)
