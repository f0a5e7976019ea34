"""The utilisation page's charts and figures, prepared once per data and drawn on every rerun.

The page (``pages/utilisation.py``) reruns on every click and its two live parts every 30 seconds. What it
shows changes only when the data does (a new audit stamp), the clock moves on or the user picks another period,
resources or language, so everything that costs is done once under that key (``cached.Reader.view``): the
reads (``utilisation.chart_frames``, the catalogue's figures), the Vega-Lite specs and their data as Arrow
bytes. A rerun with nothing changed only looks them up and sends them. After a write the frames are read
again, and a chart's spec is rebuilt only when its frame changed (``_spec`` is keyed by the frame's digest).

Most writes are the front desk's (``utilisation.BOOKING_WRITES``): they change only what rests on bookings. So the
reads are kept in three parts: what rests on bookings (the "now" strip's rooms and bookings, ``BOOKING_KPIS``,
``booking_frames``) for the stamp; organisations served and new ones (``SERVED_KPIS``, ``served_frames``) for the
newest write that is no calendar write (a check-in, or anything outside the front desk); the rest (the resources and
the pilot's dates, today's events, ``OTHER_KPIS``, ``other_frames``) for the newest write that is no booking write
(``utilisation.kept_stamps``).
After a booking is made, moved or cancelled only the first part is read again.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from dashboard.core.i18n import fmt_number, t
from dashboard.core.roles import Actor
from dashboard.services import reservations
from dashboard.services.reporting import indicators, utilisation
from dashboard.ui import cached, chart_images, charts
from dashboard.ui import widgets as ui
from db.connection import Database

# The labels the chart builders read (``labels[...]``), as translation keys.
LABELS = {"week": "hours.week", "occupancy": "util.occupancy", "resource": "booking.resource",
          "booked": "util.booked_hours", "open": "hours.hours_open", "hour": "week.hour", "day": "hours.day",
          "event_type": "event.type", "topic": "event.topic", "events": "util.events", "month": "events.month",
          "organisations": "util.new_organisations", "stage": "util.stage", "initiatives": "util.initiatives",
          "osiedle": "forum.col.osiedle", "bookings": "forum.util.bookings", "status": "booking.status",
          "evenings": "forum.util.evenings_open", "used": "forum.util.evenings_used", "value": "forum.util.evenings",
          "occupied": "forum.util.lockers_occupied", "lockers": "forum.util.lockers_total",
          "hours": "forum.col.hours"}
STATUSES = ("checked_in", "no_show", "confirmed", "requested")
MONTHLY = {"new_orgs": ("organisations", 0), "advisory": ("hours", 1), "volunteers": ("hours", 1)}


@dataclass(frozen=True)
class Chart:
    """One chart as the page draws it: its title, whether it is empty, and its spec twice — with the data as
    Arrow bytes for the page, as JSON rows for the PNG and SVG downloads (titled, at a report's width)."""

    kind: str
    title: str
    empty: bool
    shown: dict | None = None
    download: dict | None = None


def now_view(read: cached.Reader, minute: datetime) -> dict:
    """The "now" strip of a minute: the catalogue's figures and, as their help, what they count."""
    events = _kept(read, "other", "utilisation.now_events", (minute,),
                   lambda: utilisation.now_events(read.db, read.actor, minute))
    now = utilisation.merged_now(read(utilisation.now_bookings, minute), events)
    strip = now["lists"]
    lists = {"resources_in_use": ", ".join(f"{r.resource}: {r.organisation}" for r in strip["in_use"].itertuples()),
             "bookings_planned": ", ".join(f"{r.starts_at:%H:%M} {r.resource}" for r in strip["upcoming"].itertuples()),
             "events_scheduled": ", ".join(f"{r.starts_at:%H:%M} {r.title}" for r in strip["events"].itertuples())}
    return {"values": now["values"], "lists": lists}


def reader(db: Database, actor: Actor) -> cached.Reader:
    """A ``cached.Reader`` for a caller outside a page run (the benchmark): the same store, keys and stamp."""
    read = cached.Reader.__new__(cached.Reader)
    read.db, read.actor = db, actor
    read.stamp = int(db.scalar("select coalesce(max(id), 0) from audit_log") or 0)
    read.moment = cached.moment()
    return read


def _stamps(read: cached.Reader) -> dict[str, int]:
    """What the parts are kept for, as of the reader's stamp (one small query per new stamp)."""
    return read.view("utilisation.kept_stamps", (), lambda: utilisation.kept_stamps(read.db, read.stamp))


def _kept(read: cached.Reader, part: str, name: str, key: tuple, build):
    """``build()`` kept like ``read.view`` (handed out as is) but for the part's stamp (``"served"``, ``"other"``):
    a write that cannot change it leaves it where it was."""
    return cached.remember((read.db.path, read.actor.role, part, _stamps(read)[part], read.moment, name, *key),
                           build, copy=False)


def head(read: cached.Reader) -> tuple[pd.DataFrame, tuple[date, date]]:
    """The resources and the pilot's dates (they change only with a write outside the front desk's)."""
    return _kept(read, "other", "utilisation.head", (), lambda: (reservations.resources(read.db),
                                                                 utilisation.pilot_period(read.db)))


def figures(read: cached.Reader, date_from: date, date_to: date) -> indicators.Values:
    """The page's headline figures (``utilisation.KPIS``), kept for the stamp, the period and the clock; each part
    (the catalogue's, one call each) kept for its own stamp (``_kept``)."""
    def part(ids: tuple[str, ...]) -> indicators.Values:
        return indicators.values(read.db, read.actor, date_from, date_to, ids)

    def build() -> indicators.Values:
        parts = [part(utilisation.BOOKING_KPIS),
                 _kept(read, "served", "utilisation.kpis", (date_from, date_to), lambda: part(utilisation.SERVED_KPIS)),
                 _kept(read, "other", "utilisation.kpis", (date_from, date_to), lambda: part(utilisation.OTHER_KPIS))]
        values = {k: v for p in parts for k, v in p.values.items()}
        bases = {k: v for p in parts for k, v in p.bases.items()}
        return indicators.Values(date_from, date_to, parts[0].now, {k: values[k] for k in utilisation.KPIS},
                                 {k: bases[k] for k in utilisation.KPIS})

    return read.view("utilisation.kpis", (date_from, date_to), build)


def now_figures(read: cached.Reader, minute: datetime) -> dict:
    """The "now" strip of a minute (``now_view``), kept for the stamp: a write or the next minute reads it again."""
    return read.view("utilisation.now", (minute,), lambda: now_view(read, minute))


def frames(read: cached.Reader, date_from: date, date_to: date,
           resource_ids: tuple[int, ...]) -> dict[str, pd.DataFrame] | None:
    """Every chart's frame (``utilisation.chart_frames``): the bookings' read for the stamp, new organisations and
    the others kept for their own stamps (``_kept``). Handed out as kept, not copied: the charts are built from
    them and nothing changes them."""
    bookings = read.view("utilisation.booking_frames", (date_from, date_to, resource_ids),
                         lambda: utilisation.booking_frames(read.db, read.actor, date_from, date_to, resource_ids))
    if bookings is None:
        return None
    served = _kept(read, "served", "utilisation.served_frames", (date_from, date_to),
                   lambda: utilisation.served_frames(read.db, read.actor, date_from, date_to))
    others = _kept(read, "other", "utilisation.other_frames", (date_from, date_to),
                   lambda: utilisation.other_frames(read.db, read.actor, date_from, date_to))
    return utilisation.merged_frames(bookings, served, others)


def prepared(read: cached.Reader, date_from: date, date_to: date, resource_ids: tuple[int, ...],
             lang: str) -> list[Chart] | None:
    """Every chart of the period, ready to draw (None: nothing recorded in the period), kept for the stamp."""
    return read.view("utilisation.charts", (date_from, date_to, resource_ids, lang),
                     lambda: _prepare(frames(read, date_from, date_to, resource_ids), lang))


def _prepare(frames: dict[str, pd.DataFrame] | None, lang: str) -> list[Chart] | None:
    if frames is None:
        return None
    labels = {name: t(key) for name, key in LABELS.items()}
    statuses = {s: t(f"booking_status.{s}") for s in STATUSES}
    weekdays = [t(f"weekday_short.{d}") for d in range(7)]
    low, high = (int(share * 100) for share in utilisation.TARGET_OCCUPANCY)
    occupancy, evenings = frames["occupancy"], frames["evenings"]
    workstations, lockers = frames["workstations"], frames["lockers"]
    events = frames["events"].assign(event_type=lambda f: [t(f"event_type.{v}") for v in f["event_type"]],
                                     topic=lambda f: f["topic_pl" if lang == "pl" else "topic_en"])
    stages = frames["stages"]
    plan = [  # kind, title, frame, extra for the builder, empty (None: when the frame is)
        ("occupancy", t("util.chart_occupancy", low=low, high=high), occupancy, None,
         occupancy["booked_hours"].sum() == 0),
        ("heatmap", t("util.chart_heatmap"), frames["heatmap"], weekdays, None),
        ("outcomes", t("forum.util.chart_outcomes"), frames["outcomes"], statuses, None),
        ("evenings", t("forum.util.chart_evenings"), evenings, None, evenings.empty or evenings["used"].sum() == 0),
        ("workstations", t("forum.util.chart_workstations"),
         workstations.assign(resource=t("forum.util.all_workstations")), None, workstations["booked_hours"].sum() == 0),
        ("lockers", t("forum.util.chart_lockers"), lockers, None, lockers.empty or lockers["occupied"].sum() == 0),
        ("events", t("util.chart_events"), events[["event_type", "topic", "events"]], None, None),
        ("new_orgs", t("util.chart_new_orgs"), frames["new_orgs"], None, None),
        ("advisory", t("forum.util.chart_advisory"), frames["advisory"], None, None),
        ("volunteers", t("forum.util.chart_volunteers"), frames["volunteers"], None, None),
        ("stages", t("forum.util.chart_stages"),
         stages.assign(stage=stages["name_pl" if lang == "pl" else "name_en"])[["stage", "initiatives"]], None, None),
        ("osiedla", t("forum.util.chart_osiedla"), frames["osiedla"], None, None),
    ]
    out = []
    for kind, title, frame, extra, empty in plan:
        if frame.empty if empty is None else bool(empty):
            out.append(Chart(kind, title, True))
            continue
        height = max(280, 22 * len(frame)) if kind in ("stages", "osiedla") else 280
        spec, shown = _spec(kind, frame, labels, extra, height, lang)
        out.append(Chart(kind, title, False, shown,
                         {**spec, "width": 900, "title": {"text": title, "anchor": "start", "fontSize": 15}}))
    return out


def _spec(kind: str, frame: pd.DataFrame, labels: dict, extra, height: int, lang: str) -> tuple[dict, dict]:
    """A chart's Vega-Lite spec and its twin with the data as Arrow bytes, kept by the frame's digest and the
    language: building and validating one costs ~15 ms, so after a write only the charts whose data changed
    are built and converted again."""
    digest = hashlib.blake2b(pickle.dumps((frame, extra), protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()

    def build() -> tuple[dict, dict]:
        spec = _build(kind, frame, labels, extra, height, lang)
        return spec, charts.arrow_datasets(spec)

    return cached.remember(("utilisation.spec", kind, lang, height, digest), build, copy=False)


def _build(kind: str, frame: pd.DataFrame, labels: dict, extra, height: int, lang: str) -> dict:
    band = utilisation.TARGET_OCCUPANCY
    builders = {
        "occupancy": lambda: charts.occupancy_weeks(frame, labels, band),
        "heatmap": lambda: charts.weekday_hour_heatmap(frame, labels, extra),
        "outcomes": lambda: charts.status_columns(frame, labels, extra),
        "evenings": lambda: charts.overlay_columns(frame, "evenings", "used", labels),
        "workstations": lambda: charts.occupancy_weeks(frame, labels, band),
        "lockers": lambda: charts.occupied_line(frame, "day", "occupied", "lockers", labels),
        "events": lambda: charts.stacked_bars(frame, "event_type", "topic", "events", labels),
        "stages": lambda: charts.category_bars(frame, "stage", "initiatives", labels),
        "osiedla": lambda: charts.category_bars(frame, "osiedle", "initiatives", labels),
    }
    if kind in MONTHLY:
        value, digits = MONTHLY[kind]
        months = frame.assign(month_label=[f"{m:%m.%Y}" for m in frame["month"]],
                              tooltip=[fmt_number(v, digits=digits) for v in frame[value]])
        builders[kind] = lambda: charts.month_columns(months, value, labels)
    spec = charts.vega_spec(charts.themed(builders[kind](), height=height))
    if kind in MONTHLY:
        # Vega's default tick labels are English ("1,800"); write them as the language does ("1 800").
        thousands = " " if lang == "pl" else ","
        spec["encoding"]["y"]["axis"] = {"labelExpr": f"replace(format(datum.value, ',~f'), regexp(',', 'g'), "
                                                      f"'{thousands}')", "tickMinStep": 1}
    if kind == "events":
        spec["config"]["legend"].update(columns=1, labelLimit=400)  # names are long; one a line
    return spec


def show(chart: Chart) -> None:
    """A titled chart with PNG and SVG downloads; a period without data says so instead of empty axes."""
    st.markdown(f"**{ui.escape_md(chart.title)}**")
    if chart.empty:
        st.info(t("common.no_data"))
        return
    st.vega_lite_chart(chart.shown, theme=None, width="stretch")
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button("PNG", lambda: chart_images.png([chart.download])[0], file_name=f"{chart.kind}.png",
                       mime="image/png", key=f"png_{chart.kind}", width="stretch", icon=":material/image:",
                       on_click="ignore")
    c2.download_button("SVG", lambda: chart_images.svg(chart.download), file_name=f"{chart.kind}.svg",
                       mime="image/svg+xml", key=f"svg_{chart.kind}", width="stretch", icon=":material/draw:",
                       on_click="ignore")
