"""Live utilisation: rooms, workstations, lockers, events, organisations served, advice, volunteering
and local initiatives — refreshed every 30 s; every headline figure opens the rows behind it."""

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, t
from dashboard.services.reporting import indicators, utilisation
from dashboard.ui import cached, period_picker, traceable
from dashboard.ui import utilisation_view as view
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
# Static CSS only (no user text): an indicator's whole name shows, wrapped, never cut off with an ellipsis.
st.html("""<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
</style>""")
st.title(t("page.utilisation"))
today = clock.today()

# The resources and the pilot's dates change only with a write, and not with a booking: kept like the figures.
resources, pilot = view.head(cached.Reader())
c1, c2 = st.columns([3, 2])
date_from, date_to = period_picker.preset_range("util", utilisation.PRESETS, "month", pilot, today, c1, c2)
room_ids = [int(i) for i in resources.loc[resources["kind"] == "room", "id"]]
names = dict(zip(resources["id"].astype(int), resources["name"]))
chosen = st.multiselect(t("week.resources"), room_ids + [i for i in names if i not in room_ids], default=room_ids,
                        format_func=names.get, key="util_resources", placeholder=t("common.choose"))
st.caption(t("util.range", start=fmt_date(date_from), end=fmt_date(date_to)))
if not chosen:
    st.info(t("week.choose_resource"))
    st.stop()
chosen = sorted(int(i) for i in chosen)


def _trace_button(column, kpi: str) -> None:
    """Under each KPI: open the rows it was computed from (the panel below the figures)."""
    if column.button(t("forum.trace.button"), key=f"trace_{kpi}", type="tertiary", icon=":material/table_rows:",
                     help=t("forum.trace.button_help")):
        st.session_state["util_trace"] = kpi
        st.rerun()


def _metric(column, indicator_id: str, value, extra: str | None = None) -> None:
    """A catalogue indicator: its name, its value as the catalogue writes it, its definition as the help."""
    ind = indicators.CATALOGUE[indicator_id]
    help_text = ind.definition() + (f"\n\n{extra}" if extra else "")
    column.metric(ind.name(), indicators.text(indicator_id, value), border=True, help=help_text)


@st.fragment(run_every=utilisation.LIVE_REFRESH_S)
def live_figures(date_from, date_to, resource_ids: tuple[int, ...]) -> None:
    """The "now" strip and the headline figures; reruns by itself, the filters stay as the user set them.
    Every figure is a catalogue indicator (one grouped read per period, kept until the data changes)."""
    read = cached.Reader()
    now = clock.local_now()
    current = view.now_figures(read, now.replace(second=0, microsecond=0))  # a minute's "now", and any write
    for column, indicator_id in zip(st.columns(3), utilisation.NOW_STRIP):
        _metric(column, indicator_id, current["values"][indicator_id], current["lists"][indicator_id] or None)
    st.caption(t("util.refreshed", time=now.strftime("%H:%M:%S")))

    figures = view.figures(read, date_from, date_to)
    scope = indicators.scope_note(figures.period)
    st.caption(t("indicator.page_scope") + (" " + scope if scope else ""))
    # Four to a row: at five, labels and values such as "59 640,00 zł" were cut off with an ellipsis.
    for first in range(0, len(utilisation.KPIS), 4):
        for column, kpi in zip(st.columns(4), utilisation.KPIS[first:first + 4]):
            _metric(column, kpi, figures[kpi])
            _trace_button(column, kpi)


def trace_panel(date_from, date_to, resource_ids: tuple[int, ...]) -> None:
    """The rows one KPI was computed from (the catalogue's), with what they add up to, and a CSV of them."""
    kpi = st.session_state.get("util_trace")
    if kpi not in utilisation.KPIS:
        return
    with st.container(border=True):
        head, close = st.columns([5, 1])
        head.subheader(t("forum.trace.title", kpi=indicators.CATALOGUE[kpi].name()))
        if close.button(t("forum.trace.close"), key="trace_close", icon=":material/close:", width="stretch"):
            st.session_state.pop("util_trace", None)
            st.rerun()
        rows = cached.Reader()(indicators.rows, kpi, date_from, date_to)
        traceable.show_indicator(kpi, rows, f"{kpi}_{date_from}_{date_to}", masked=not actor.can("personal"))


@st.fragment(run_every=utilisation.LIVE_REFRESH_S)
def live_charts(date_from, date_to, resource_ids: tuple[int, ...]) -> None:
    """Every chart of the period, two to a row; reruns by itself like the figures above."""
    prepared = view.prepared(cached.Reader(), date_from, date_to, resource_ids, st.session_state.get("lang", "pl"))
    if prepared is None:
        st.info(t("forum.util.no_data_period"))
        return
    for first in range(0, len(prepared), 2):
        for column, chart in zip(st.columns(2), prepared[first:first + 2]):
            with column:
                view.show(chart)


ids = tuple(chosen)
live_figures(date_from, date_to, ids)
trace_panel(date_from, date_to, ids)
live_charts(date_from, date_to, ids)
