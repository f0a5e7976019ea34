"""Live utilisation: rooms, workstations, lockers, events, organisations served, advice, volunteering
and local initiatives — refreshed every 30 s; every headline figure opens the rows behind it."""

import json

import pandas as pd
import streamlit as st

from dashboard.ui import cached
from dashboard.ui import chart_images
from dashboard.ui import charts
from dashboard.core import clock
from dashboard.ui import period_picker
from dashboard.ui import traceable
from dashboard.ui import widgets as ui
from dashboard.core.i18n import fmt_date, fmt_money, fmt_number, t
from dashboard.services.reservations import reservations
from dashboard.services.education import trainings
from dashboard.services.reporting import utilisation

db, actor = ui.db(), ui.actor()
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

KPI_LABELS = {"organisations_served": "util.organisations_served", "bookings_held": "util.bookings_held",
              "no_show_rate": "forum.util.no_show_rate", "events_held": "util.events_held",
              "participants": "forum.util.participants", "attendance_rate": "util.attendance_rate",
              "rating": "forum.util.rating", "advisory_hours": "util.advisory_hours",
              "volunteer_hours": "forum.util.volunteer_hours_short"}


def _pct(value) -> str:
    return "—" if value is None else f"{fmt_number(value * 100)}%"


def _trace_button(column, kpi: str) -> None:
    """Under each KPI: open the rows it was computed from (the panel below the figures)."""
    if column.button(t("forum.trace.button"), key=f"trace_{kpi}", type="tertiary", icon=":material/table_rows:",
                     help=t("forum.trace.button_help")):
        st.session_state["util_trace"] = kpi
        st.rerun()


@st.fragment(run_every=utilisation.LIVE_REFRESH_S)
def live_figures(date_from, date_to, resource_ids: tuple[int, ...]) -> None:
    """The "now" strip and the headline figures; reruns by itself, the filters stay as the user set them."""
    read = cached.Reader()
    now = clock.local_now()
    strip = read(utilisation.now_strip, now.replace(second=0, microsecond=0))  # a minute's "now", and any write
    c1, c2, c3 = st.columns(3)
    c1.metric(t("util.in_use_now"), len(strip["in_use"]), border=True,
              help=", ".join(f"{r.resource}: {r.organisation}" for r in strip["in_use"].itertuples()) or None)
    c2.metric(t("util.next_today"), len(strip["upcoming"]), border=True,
              help=", ".join(f"{r.starts_at:%H:%M} {r.resource}" for r in strip["upcoming"].itertuples()) or None)
    c3.metric(t("util.events_today"), len(strip["events"]), border=True,
              help=", ".join(f"{r.starts_at:%H:%M} {r.title}" for r in strip["events"].itertuples()) or None)
    st.caption(t("util.refreshed", time=now.strftime("%H:%M:%S")))

    visits = read(utilisation.attendance, date_from, date_to, resource_ids)
    events = read(utilisation.events_summary, date_from, date_to)
    advice = read(utilisation.advisory_hours, date_from, date_to)
    volunteering = read(utilisation.volunteer_hours, date_from, date_to)
    figures = utilisation.figures_from(visits, events, read(utilisation.organisations_served, date_from, date_to),
                                       advice, volunteering)
    shown = {
        "organisations_served": fmt_number(figures["organisations_served"]),
        "bookings_held": fmt_number(figures["bookings_held"]),
        "no_show_rate": _pct(figures["no_show_rate"]),
        "events_held": fmt_number(figures["events_held"]),
        "participants": fmt_number(figures["participants"]),
        "attendance_rate": _pct(figures["attendance_rate"]),
        "rating": "—" if figures["rating"] is None else fmt_number(figures["rating"], digits=2),
        "advisory_hours": fmt_number(figures["advisory_hours"], digits=1),
        "volunteer_hours": fmt_number(figures["volunteer_hours"], digits=1),
    }
    helps = {
        "bookings_held": t("forum.util.people_present", people=fmt_number(visits["people"])),
        "no_show_rate": t("forum.util.no_shows", count=fmt_number(visits["no_show"])),
        "rating": t("forum.util.ratings", count=fmt_number(events["ratings"])),
        "advisory_hours": t("util.advisory_sessions", count=advice["sessions"]),
        "volunteer_hours": t("forum.util.approved_only") + " "
        + t("forum.util.volunteer_help", value=fmt_money(volunteering["value_pln"]), rate=fmt_money(volunteering["rate"])),
    }
    # Four to a row: at five, labels and values such as "59 640,00 zł" were cut off with an ellipsis.
    items = [*utilisation.KPIS, "volunteer_value"]
    for first in range(0, len(items), 4):
        columns = st.columns(4)
        for column, kpi in zip(columns, items[first:first + 4]):
            if kpi == "volunteer_value":
                column.metric(t("util.volunteer_value"),
                              t("report.budget.pln", amount=fmt_number(round(float(volunteering["value_pln"])))),
                              border=True, help=t("util.volunteer_rate", rate=fmt_money(volunteering["rate"])))
                continue
            column.metric(t(KPI_LABELS[kpi]), shown[kpi], border=True, help=helps.get(kpi))
            _trace_button(column, kpi)


def trace_panel(date_from, date_to, resource_ids: tuple[int, ...]) -> None:
    """The rows one KPI was computed from, with what they add up to, and a CSV of them."""
    kpi = st.session_state.get("util_trace")
    if kpi not in utilisation.KPIS:
        return
    with st.container(border=True):
        head, close = st.columns([5, 1])
        head.subheader(t("forum.trace.title", kpi=t(KPI_LABELS[kpi])))
        if close.button(t("forum.trace.close"), key="trace_close", icon=":material/close:", width="stretch"):
            st.session_state.pop("util_trace", None)
            st.rerun()
        rows = cached.Reader()(utilisation.kpi_rows, kpi, date_from, date_to, resource_ids)
        show_rows(kpi, rows, utilisation.figure_from_rows(kpi, rows), f"{kpi}_{date_from}_{date_to}")


RULES = {"no_show_rate": ("mean", "no_show"), "attendance_rate": ("mean", "present"), "rating": ("mean", "rating"),
         "advisory_hours": ("sum", "hours"), "volunteer_hours": ("sum", "hours")}


def show_rows(kpi: str, rows, figure, file_stem: str) -> None:
    rule, column = RULES.get(kpi, ("count", None))
    if figure is None:
        value = "—"
    elif kpi in ("no_show_rate", "attendance_rate"):
        value = _pct(figure)
    else:
        value = fmt_number(figure, digits=0 if rule == "count" else 2)
    traceable.show(rows, rule, column, value, file_stem, masked=not actor.can("personal"))


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
        visits = read(utilisation.attendance, date_from, date_to, resource_ids)
        chart("outcomes", key, read(utilisation.booking_outcomes, date_from, date_to, resource_ids), labels,
              t("forum.util.chart_outcomes", rate=_pct(visits["no_show_rate"])), statuses)
    with right:
        evenings = read(utilisation.evening_use, date_from, date_to, resource_ids)
        title = t("forum.util.chart_evenings", used=fmt_number(evenings["used"].sum()),
                  evenings=fmt_number(evenings["evenings"].sum()))
        chart("evenings", key, evenings, labels, title, empty=evenings.empty or evenings["used"].sum() == 0)
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
        volunteering = read(utilisation.volunteer_hours, date_from, date_to)
        chart("volunteers", key, read(utilisation.volunteer_by_month, date_from, date_to), labels,
              t("forum.util.chart_volunteers", value=fmt_money(volunteering["value_pln"])))
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
