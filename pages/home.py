"""Pulpit: today at the Centre at a glance."""

import streamlit as st

from dashboard.core import clock
from dashboard.ui import widgets as ui
from dashboard.core.i18n import fmt_date, fmt_number, t
from dashboard.services.reporting import overview

db, actor = ui.db(), ui.actor()
ui.unknown_page_note()
today = clock.today()
st.title(t("page.home"))
st.caption(t("home.today", weekday=t(f"weekday.{today.weekday()}"), date=fmt_date(today)))

figures = overview.register_figures(db, today)
c1, c2, c3 = st.columns(3)
c1.metric(t("home.organisations"), fmt_number(figures["organisations"]), border=True)
c2.metric(t("home.new_organisations_30d"), fmt_number(figures["new_30d"]), border=True)
c3.metric(t("home.osiedla_reached"), f"{figures['osiedla']} / 36", border=True)

st.subheader(t("home.modules"))
for module in overview.MODULES:
    with st.container(border=True):
        st.markdown(f"**{t(module.title_key)}**")
        if module.summary is None:
            st.caption(t("home.module_not_built"))
        else:
            for label_key, value in module.summary(db, today):
                st.markdown(f"{t(label_key)}: **{value}**")
