"""Register a volunteer: the minimal record, the processing consent (required) and the optional ones."""

import streamlit as st

from dashboard.core.i18n import t
from dashboard.services.volunteers import register as volunteers
from dashboard.ui import widgets as ui
from dashboard.ui.forms import volunteer as volunteer_form

FORM = "vol_new"
db, actor = ui.db(), ui.actor()
st.title(t("page.volunteer_new"))
st.caption(t("volunteers.new.intro"))

created = st.session_state.pop("_vol_new_created", None)
if created:
    ui.goto("wolontariusz", id=created)

volunteer_form.defaults(FORM, with_consents=True)


def register() -> None:
    ok, new_id = ui.run_service(FORM, lambda: volunteers.register(
        db, actor, volunteer_form.values(FORM, with_consents=True)))
    if ok:
        name = f"{st.session_state[volunteer_form.key(FORM, 'first_name')]} " \
               f"{st.session_state[volunteer_form.key(FORM, 'last_name')]}"
        ui.flash(t("volunteers.new.created", name=name.strip()))
        volunteer_form.clear(FORM)
        st.session_state["_vol_new_created"] = new_id


with st.form(FORM, enter_to_submit=False):
    volunteer_form.fields(FORM, with_consents=True)
    ui.outcome(FORM)  # a refusal once, next to the button
    st.form_submit_button(t("volunteers.new.submit"), type="primary", on_click=register)
