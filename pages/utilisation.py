"""Live utilisation: rooms, workstations, lockers, events, organisations served, advice, volunteering
and local initiatives — refreshed every 30 s; every headline figure opens the rows behind it."""

import json

import pandas as pd
import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, fmt_number, t
from dashboard.services import reservations
from dashboard.services.education import trainings
from dashboard.services.reporting import indicators, utilisation
from dashboard.ui import cached, chart_images, charts, period_picker, traceable
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
# Static CSS only (no user text): an indicator's whole name shows, wrapped, never cut off with an ellipsis.
st.html("""<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
</style>""")
st.title(t("page.utilisation"))
today = clock.today()

c1, c2 = st.columns([3, 2])
date_from, date_to = period_picker.preset_range("util", utilisation.PRESETS, "month", utilisation.pilot_period(db),
                                                today, c1, c2)
resources = reservations.resources(db)
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
    Every figure is a catalogue indicator (one grouped read per period, cached)."""
    read = cached.Reader()
    now = clock.local_now()
    minute = now.replace(second=0, microsecond=0)  # a minute's "now", and any write
    strip = read(utilisation.now_strip, minute)
    current = read(indicators.values, minute.date(), minute.date(), utilisation.NOW_STRIP, at=minute)
    lists = {"resources_in_use": ", ".join(f"{r.resource}: {r.organisation}" for r in strip["in_use"].itertuples()),
             "bookings_planned": ", ".join(f"{r.starts_at:%H:%M} {r.resource}" for r in strip["upcoming"].itertuples()),
             "events_scheduled": ", ".join(f"{r.starts_at:%H:%M} {r.title}" for r in strip["events"].itertuples())}
    for column, indicator_id in zip(st.columns(3), utilisation.NOW_STRIP):
        _metric(column, indicator_id, current[indicator_id], lists[indicator_id] or None)
    st.caption(t("util.refreshed", time=now.strftime("%H:%M:%S")))

    figures = read(indicators.values, date_from, date_to, utilisation.KPIS)
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


@st.cache_data(max_entries=256, show_spinner=False)
def _spec(kind: str, key: tuple, _frame, _labels: dict, _extra=None, height: int = 280) -> dict:
    """Vega-Lite specs are cached (building and validating one costs ~15 ms), keyed by the frame's digest and
    the language (``key``), so a write elsewhere rebuilds only the charts whose data it changed."""
    frame, labels, extra = _frame, _labels, _extra
    builders = {
        "occupancy": lambda: charts.occupancy_weeks(frame, labels, utilisation.TARGET_OCCUPANCY),
        "heatmap": lambda: charts.weekday_hour_heatmap(frame, labels, extra),
        "outcomes": lambda: charts.status_columns(frame, labels, extra),
        "evenings": lambda: charts.overlay_columns(frame, "evenings", "used", labels),
        "workstations": lambda: charts.occupancy_weeks(frame, labels, utilisation.TARGET_OCCUPANCY),
        "lockers": lambda: charts.occupied_line(frame, "day", "occupied", "lockers", labels),
        "events": lambda: charts.stacked_bars(frame, "event_type", "topic", "events", labels),
        "new_orgs": lambda: charts.month_columns(_months(frame, "organisations", 0), "organisations", labels),
        "advisory": lambda: charts.month_columns(_months(frame, "hours", 1), "hours", labels),
        "volunteers": lambda: charts.month_columns(_months(frame, "hours", 1), "hours", labels),
        "stages": lambda: charts.category_bars(frame, "stage", "initiatives", labels),
        "osiedla": lambda: charts.category_bars(frame, "osiedle", "initiatives", labels),
    }
    # JSON-safe (dates as ISO text): vl-convert, which renders the PNG and SVG downloads, takes only JSON types.
    spec = json.loads(json.dumps(charts.themed(builders[kind](), height=height).to_dict(), default=str))
    if kind in ("new_orgs", "advisory", "volunteers"):
        # Vega's default tick labels are English ("1,800"); write them as the language does ("1 800").
        thousands = " " if key[0] == "pl" else ","
        spec["encoding"]["y"]["axis"] = {"labelExpr": f"replace(format(datum.value, ',~f'), regexp(',', 'g'), "
                                                      f"'{thousands}')", "tickMinStep": 1}
    if kind == "events":
        spec["config"]["legend"].update(columns=1, labelLimit=400)  # names are long; one a line
    return spec


def _months(frame, value: str, digits: int):
    """A per-month frame as month_columns wants it: a label per month and the value as the page writes it."""
    return frame.assign(month_label=[f"{m:%m.%Y}" for m in frame["month"]],
                        tooltip=[fmt_number(v, digits=digits) for v in frame[value]])


def chart(kind: str, key: tuple, frame, labels: dict, title: str, extra=None, empty: bool | None = None) -> None:
    """A titled chart with PNG and SVG downloads; a period without data says so instead of empty axes."""
    st.markdown(f"**{ui.escape_md(title)}**")
    if frame.empty if empty is None else empty:
        st.info(t("common.no_data"))
        return
    height = max(280, 22 * len(frame)) if kind in ("stages", "osiedla") else 280
    digest = int(pd.util.hash_pandas_object(frame.astype(str), index=False).sum())
    spec = _spec(kind, (*key, digest, tuple(frame.columns)), frame, labels, extra, height)
    st.vega_lite_chart(spec, theme=None, width="stretch")
    c1, c2, _ = st.columns([1, 1, 2])
    # A downloaded chart says what it is, at a width that suits a report page.
    titled = {**spec, "width": 900, "title": {"text": title, "anchor": "start", "fontSize": 15}}
    c1.download_button("PNG", lambda: chart_images.png([titled])[0], file_name=f"{kind}.png",
                       mime="image/png", key=f"png_{kind}", width="stretch", icon=":material/image:",
                       on_click="ignore")
    c2.download_button("SVG", lambda: chart_images.svg(titled), file_name=f"{kind}.svg",
                       mime="image/svg+xml", key=f"svg_{kind}", width="stretch", icon=":material/draw:",
                       on_click="ignore")


@st.fragment(run_every=utilisation.LIVE_REFRESH_S)
def live_charts(date_from, date_to, resource_ids: tuple[int, ...]) -> None:
    """Every chart of the period; reruns by itself like the figures above."""
    read = cached.Reader()
    key = (st.session_state.get("lang", "pl"),)
    if not read(utilisation.period_has_data, date_from, date_to):
        st.info(t("forum.util.no_data_period"))
        return
    lang = st.session_state.get("lang", "pl")
    labels = {"week": t("hours.week"), "occupancy": t("util.occupancy"), "resource": t("booking.resource"),
              "booked": t("util.booked_hours"), "open": t("hours.hours_open"), "hour": t("week.hour"),
              "day": t("hours.day"), "event_type": t("event.type"), "topic": t("event.topic"),
              "events": t("util.events"), "month": t("events.month"), "organisations": t("util.new_organisations"),
              "stage": t("util.stage"), "initiatives": t("util.initiatives"), "osiedle": t("forum.col.osiedle"),
              "bookings": t("forum.util.bookings"), "status": t("booking.status"),
              "evenings": t("forum.util.evenings_open"), "used": t("forum.util.evenings_used"),
              "value": t("forum.util.evenings"), "occupied": t("forum.util.lockers_occupied"),
              "lockers": t("forum.util.lockers_total"), "hours": t("forum.col.hours")}
    statuses = {s: t(f"booking_status.{s}") for s in ("checked_in", "no_show", "confirmed", "requested")}
    band = t("util.chart_occupancy", low=int(utilisation.TARGET_OCCUPANCY[0] * 100),
             high=int(utilisation.TARGET_OCCUPANCY[1] * 100))

    left, right = st.columns(2)
    with left:
        occupancy = read(utilisation.room_occupancy, date_from, date_to, resource_ids)
        chart("occupancy", key, occupancy, labels, band, empty=occupancy["booked_hours"].sum() == 0)
    with right:
        chart("heatmap", key, read(utilisation.heatmap, date_from, date_to, resource_ids), labels,
              t("util.chart_heatmap"), [t(f"weekday_short.{d}") for d in range(7)])
    left, right = st.columns(2)
    with left:
        chart("outcomes", key, read(utilisation.booking_outcomes, date_from, date_to, resource_ids), labels,
              t("forum.util.chart_outcomes"), statuses)
    with right:
        evenings = read(utilisation.evening_use, date_from, date_to, resource_ids)
        chart("evenings", key, evenings, labels, t("forum.util.chart_evenings"),
              empty=evenings.empty or evenings["used"].sum() == 0)
    left, right = st.columns(2)
    with left:
        workstations = read(utilisation.workstation_use, date_from, date_to)
        chart("workstations", key, workstations.assign(resource=t("forum.util.all_workstations")), labels,
              t("forum.util.chart_workstations"), empty=workstations["booked_hours"].sum() == 0)
    with right:
        lockers = read(utilisation.lockers_occupied, date_from, date_to)
        chart("lockers", key, lockers, labels, t("forum.util.chart_lockers"),
              empty=lockers.empty or lockers["occupied"].sum() == 0)
    left, right = st.columns(2)
    with left:
        frame = read(utilisation.events_by_type_topic, date_from, date_to)
        frame["event_type"] = frame["event_type"].map(lambda v: t(f"event_type.{v}"))
        topics = trainings.topics(db, active_only=False)
        topic_names = dict(zip(topics["code"], topics["name_pl" if key[0] == "pl" else "name_en"]
                               .fillna(topics["name_pl"])))
        frame["topic"] = frame["topic"].map(lambda c: topic_names.get(c, c))  # names, not codes such as "T1"
        chart("events", key, frame, labels, t("util.chart_events"))
    with right:
        chart("new_orgs", key, read(utilisation.new_organisations_by_month, date_from, date_to), labels,
              t("util.chart_new_orgs"))
    left, right = st.columns(2)
    with left:
        chart("advisory", key, read(utilisation.advisory_by_month, date_from, date_to), labels,
              t("forum.util.chart_advisory"))
    with right:
        chart("volunteers", key, read(utilisation.volunteer_by_month, date_from, date_to), labels,
              t("forum.util.chart_volunteers"))
    left, right = st.columns(2)
    with left:
        stages = read(utilisation.initiatives_by_stage, date_from, date_to)
        stages = stages.assign(stage=stages["name_pl" if lang == "pl" else "name_en"])
        chart("stages", key, stages[["stage", "initiatives"]], labels, t("forum.util.chart_stages"))
    with right:
        chart("osiedla", key, read(utilisation.initiatives_by_osiedle, date_from, date_to), labels,
              t("forum.util.chart_osiedla"))


ids = tuple(chosen)
live_figures(date_from, date_to, ids)
trace_panel(date_from, date_to, ids)
live_charts(date_from, date_to, ids)
