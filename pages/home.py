"""Pulpit: today at the Centre at a glance."""

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, t
from dashboard.services.reporting import indicators, overview
from dashboard.ui import cached
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
ui.unknown_page_note()
today = clock.today()
st.title(t("page.home"))
st.caption(t("home.today", weekday=t(f"weekday.{today.weekday()}"), date=fmt_date(today)))


def label(shown: overview.Shown) -> str:
    """The indicator's catalogue name, with the window it is counted over."""
    name = indicators.CATALOGUE[shown.indicator].name()
    return f"{name} ({t(overview.WINDOWS[shown.window][0])})" if shown.window else name


def value(shown: overview.Shown) -> str:
    text = indicators.text(shown.indicator, shown.value)
    return f"{text} / {overview.OSIEDLA}" if shown.indicator == "osiedla_reached" else text


# Every figure is a catalogue indicator: its name as the label, its definition as the help. Cached on the newest
# audit row like the figure pages (the home page is the one every login opens).
read = cached.Reader()
for column, shown in zip(st.columns(3), read(overview.figures, today, overview.REGISTER)):
    column.metric(label(shown), value(shown), border=True,
                  help=indicators.CATALOGUE[shown.indicator].definition())

st.subheader(t("home.modules"))
for module in overview.MODULES:
    with st.container(border=True):
        st.markdown(f"**{t(module.title_key)}**")
        for shown in read(overview.figures, today, module.figures):
            st.markdown(f"{ui.escape_md(label(shown))}: **{value(shown)}**",
                        help=indicators.CATALOGUE[shown.indicator].definition())
