"""Historia zmian: every write, who made it and when, with values before and after."""

from datetime import timedelta

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import t
from dashboard.services.admin import audit
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.audit"))
st.caption(t("audit.intro_local"))

c1, c2, c3, c4 = st.columns(4)
username = c1.text_input(t("audit.user"), key="audit_user").strip().lower() or None
entities = audit.entities(db)
entity = c2.selectbox(t("audit.entity"), [None, *entities], placeholder=t("common.all"), key="audit_entity",
                      format_func=lambda e: t("common.all") if e is None else audit.entity_title(e))
date_from = c3.date_input(t("audit.date_from"), value=clock.today() - timedelta(days=30), format="DD.MM.YYYY",
                          key="audit_from")
date_to = c4.date_input(t("audit.date_to"), value=clock.today(), format="DD.MM.YYYY", key="audit_to")
search = st.text_input(t("audit.search"), key="audit_search").strip() or None

if date_from and date_to and date_from > date_to:
    st.error(t("error.period_reversed"))
    st.stop()
rows = audit.view(db, actor, username=username, entity=entity, date_from=date_from, date_to=date_to, search=search)
if rows.empty:
    st.info(t("audit.none"))
else:
    st.caption(t("audit.count", count=len(rows)))
    ui.table(rows, {"at": "audit.at_local", "username": "audit.user", "action": "audit.action",
                    "entity": "audit.entity", "entity_id": "audit.entity_id", "before": "audit.before",
                    "after": "audit.after"})
