"""New local initiative: the residents' application as it reaches the Centre (UDPP art. 19b);
saving registers it as submitted and opens its page."""

import streamlit as st

from dashboard.core.i18n import t
from dashboard.services.initiatives import records as initiatives
from dashboard.ui import widgets as ui
from dashboard.ui.forms import initiative as initiative_form

db, actor = ui.db(), ui.actor()
FORM = "initiative_new"
st.title(t("page.initiative_new"))
st.caption(t("initiatives.new.intro"))

created = st.session_state.pop("_initiative_created", None)
if created:
    ui.goto("inicjatywa", id=created)


def saved(new_id: int) -> None:
    ui.flash(t("initiatives.new.created", id=new_id))
    st.session_state["_initiative_created"] = new_id
    for field in initiatives.FIELDS:  # the next application starts from an empty form
        st.session_state.pop(initiative_form.key(FORM, field), None)


initiative_form.initiative_form(FORM, t("initiatives.new.submit"),
                                save=lambda values: initiatives.create(db, actor, values), on_saved=saved)
