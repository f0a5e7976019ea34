"""Forms shared by several pages. Values live under keyed widgets, so a refused save keeps
everything the user typed; the service is called from the submit button's callback, so the
messages are known before the form is drawn and appear right under their fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import t
from dashboard.services.register import organisations
from dashboard.ui import cached
from dashboard.ui import widgets as ui

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
    # Reference data the migrations set (osiedla valid on a day, legal forms): read once a day, not every rerun.
    osiedla = cached.remember(("osiedla", db.path, clock.today()), lambda: organisations.osiedla(db))
    osiedle_names = dict(zip(osiedla["id"].astype(int), osiedla["name"]))
    legal_forms = cached.remember(("legal forms", db.path, clock.today()), lambda: organisations.legal_forms(db))

    def submit(confirm: bool = False) -> None:
        ok, result = ui.run_service(form, lambda: save(values(form), confirm))
        if ok:
            on_saved(result)

    with st.form(form, enter_to_submit=False):
        # No max_chars: the browser would cut a longer name silently; the service refuses it with a message.
        ui.field(form, "name", st.text_input, t("org.name") + " *")
        c1, c2 = st.columns(2)
        with c1:
            ui.field(form, "legal_form", st.selectbox, t("org.legal_form") + " *", legal_forms,
                     format_func=lambda code: t(f"legal_form.{code}"))
        with c2:
            ui.field(form, "krs", st.text_input, t("org.krs"), help=t("org.krs_help"))
        c1, c2 = st.columns(2)
        with c1:
            ui.field(form, "nip", st.text_input, t("org.nip"), help=t("org.nip_help"))
        with c2:
            ui.field(form, "regon", st.text_input, t("org.regon"))
        c1, c2, c3 = st.columns([3, 1, 2])
        with c1:
            ui.field(form, "street", st.text_input, t("org.street"))
        with c2:
            ui.field(form, "postal_code", st.text_input, t("org.postal_code"), placeholder="90-001")
        with c3:
            ui.field(form, "city", st.text_input, t("org.city"), placeholder="Łódź")
        ui.field(form, "osiedle_id", st.selectbox, t("org.osiedle"), [None, *osiedle_names],
                 format_func=lambda i: t("common.none") if i is None else osiedle_names[i],
                 placeholder=t("common.none"))  # a None value shows the placeholder, not the option
        c1, c2, c3 = st.columns(3)
        with c1:
            ui.field(form, "contact_person", st.text_input, t("org.contact_person"))
        with c2:
            ui.field(form, "email", st.text_input, t("org.email"))
        with c3:
            ui.field(form, "phone", st.text_input, t("org.phone"), placeholder="42 123 45 67")
        ui.field(form, "first_served_on", st.date_input, t("org.first_served_on"), min_value=date(2000, 1, 1),
                 max_value=clock.today(), format="DD.MM.YYYY")
        ui.field(form, "notes", st.text_area, t("org.notes"))
        ui.outcome(form)  # saved or refused, next to the button
        st.form_submit_button(submit_label, type="primary", on_click=submit)
    matches = ui.duplicates(form)
    if matches:  # the choice a suspected duplicate asks for, right under the button that met it
        st.warning(t("org.duplicate_warning"))
        for match in matches:
            reasons = ", ".join(t(f"org.duplicate_reason.{r}") for r in match["reasons"])
            st.markdown(f"- **{ui.escape_md(match['name'])}** — {reasons}")
        st.button(t("org.save_anyway"), on_click=submit, kwargs={"confirm": True}, key=f"{form}_confirm")
