"""Organisations register: search, filter, open one, add a new one."""

import pandas as pd
import streamlit as st

from dashboard.core.i18n import fmt_date, t
from dashboard.core.privacy import show
from dashboard.services.register import organisations
from dashboard.ui import widgets as ui
from dashboard.ui.forms import organisation as forms

db, actor = ui.db(), ui.actor()
st.title(t("page.organisations"))
ui.show_flash()

osiedla = organisations.osiedla(db)
osiedle_names = dict(zip(osiedla["id"].astype(int), osiedla["name"]))
c1, c2, c3 = st.columns([3, 2, 2])
text = c1.text_input(t("org.search"), key="org_search", placeholder=t("org.search_hint"))
legal_form = c2.selectbox(t("org.legal_form"), [None, *organisations.legal_forms(db)], placeholder=t("common.all"),
                          key="org_filter_form",
                          format_func=lambda c: t("common.all") if c is None else t(f"legal_form.{c}"))
osiedle_id = c3.selectbox(t("org.osiedle"), [None, *osiedle_names], placeholder=t("common.all"), key="org_filter_osiedle",
                          format_func=lambda i: t("common.all") if i is None else osiedle_names[i])

found = organisations.search(db, actor, text=text, legal_form=legal_form, osiedle_id=osiedle_id)
st.caption(t("org.found", count=len(found), total=organisations.count(db)))
if found.empty:
    st.info(t("org.none_found"))
else:
    found["legal_form"] = found["legal_form"].map(lambda c: t(f"legal_form.{c}"))
    for kind in ("email", "phone"):  # a missing value comes from DuckDB as NaN once the column has others
        found[kind] = [show(None if pd.isna(v) else v, kind, actor) for v in found[kind]]
    found["first_served_on"] = found["first_served_on"].map(fmt_date)
    picked = ui.table(found, {"name": "org.name", "legal_form": "org.legal_form", "nip": "org.nip",
                              "krs": "org.krs", "osiedle": "org.osiedle", "contact_person": "org.contact_person",
                              "email": "org.email", "phone": "org.phone", "first_served_on": "org.first_served_on"},
                      on_select="rerun", selection_mode="single-row", key="org_table")
    rows = picked.selection.rows if picked else []
    if rows:
        ui.goto("organizacja", id=int(found.iloc[rows[0]]["id"]))
    st.caption(t("org.open_hint"))

if actor.can("write"):
    with st.expander(t("org.add"), expanded=bool(ui.form_errors("org_new") or ui.duplicates("org_new"))):
        def saved(new_id):
            ui.flash(t("org.created"))
            for key in [k for k in st.session_state if str(k).startswith("org_new__")]:
                del st.session_state[key]

        forms.organisation_form(
            "org_new", t("org.add_submit"),
            save=lambda values, confirm: organisations.create(db, actor, values, confirm_duplicate=confirm),
            on_saved=saved,
        )
