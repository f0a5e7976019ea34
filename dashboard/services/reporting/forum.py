"""The Forum presentation: the pilot's headline figures and key charts for a period, as slides.

What the Plenipotentiary shows at the Forum of Plenipotentiaries is public, so a slide carries
aggregates only: no names, e-mails or phone numbers ever leave the queries here, and any count of
1 to 4 for a category is shown as "<5" (in figures, chart bars and the results table) so a small
group cannot be recognised. A zero stays "0": it identifies no one. Rates and averages built on
fewer than five records are not shown at all, for the same reason.

Texts are built in the language asked for (Polish for the Forum); the page and the PPTX export
(``dashboard.ui.forum_export``) only lay the slides out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.core import i18n
from dashboard.core.roles import Actor, require
from dashboard.services.reservations import reservations
from dashboard.services.reporting import results
from dashboard.services.reporting import utilisation
from db.connection import Database

SMALL_COUNT = 5          # counts below this (and above zero) are shown as "<5"
SUPPRESSED = "<5"
TOP_OSIEDLA = 10         # the osiedla chart shows this many, most initiatives first
LIGHTS = {"green": "●", "amber": "●", "red": "●", "none": "○"}


@dataclass(frozen=True)
class Figure:
    """One big number on a slide: ``value`` as computed, ``text`` as shown ("<5" for a small count)."""

    key: str
    label: str
    value: float | None
    text: str


@dataclass
class Chart:
    """A bar chart's data: one row per category with ``value`` (None when suppressed) and ``text``."""

    key: str
    title: str
    frame: pd.DataFrame
    value_title: str
    percent: bool = False
    band: tuple[float, float] | None = None   # a target band (occupancy), drawn behind a line chart
    kind: str = "bars"                        # "bars" (horizontal, categories) or "line" (per week)
    note: str = ""


@dataclass
class Slide:
    key: str
    title: str
    subtitle: str = ""
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    table: pd.DataFrame | None = None         # columns: result, target, achieved, status, light, code, value
    table_headers: list[str] = field(default_factory=list)
    note: str = ""


def count_text(value: float | int | None, lang: str) -> str:
    """A count as a slide shows it: "<5" for 1–4, otherwise the number."""
    if value is None:
        return "—"
    if 0 < value < SMALL_COUNT:
        return SUPPRESSED
    return i18n.fmt_number(value, lang=lang)


def suppressed(frame: pd.DataFrame, category: str, count: str, value: str | None = None,
               value_text=None) -> pd.DataFrame:
    """A chart frame (category, value, text) where a category with a count under 5 has no value, only "<5".

    ``value`` is the column drawn (the count itself by default); ``value_text`` formats it.
    """
    value = value or count
    small = [0 < c < SMALL_COUNT for c in frame[count]]
    values = [None if s else float(v) for s, v in zip(small, frame[value])]
    texts = [SUPPRESSED if s else (value_text(v) if value_text else str(int(v))) for s, v in zip(small, frame[value])]
    return pd.DataFrame({"category": list(frame[category]), "value": values, "text": texts})


def deck(db: Database, actor: Actor, date_from: date, date_to: date, lang: str = "pl") -> list[Slide]:
    """Every slide for the period, in order. An empty period gives a title slide and a "no data" slide."""
    require(actor, "read")
    date_from, date_to = utilisation.check_period(date_from, date_to)

    def t(key: str, **params) -> str:
        return i18n.translate(lang, key, **params)

    span = t("forum.slide.period", start=i18n.fmt_date(date_from, lang), end=i18n.fmt_date(date_to, lang))
    opening = Slide("title", t("forum.slide.title.title"), span, note=t("forum.slide.title.note"))
    if not utilisation.period_has_data(db, actor, date_from, date_to):
        opening.note = t("forum.no_data")
        return [opening, Slide("no_data", t("forum.no_data"), span)]
    return [opening, *_slides(db, actor, date_from, date_to, lang, t, span)]


def _slides(db, actor, date_from, date_to, lang, t, span) -> list[Slide]:
    number = lambda v, digits=0: i18n.fmt_number(v, lang=lang, digits=digits)  # noqa: E731
    pct = lambda v: "—" if v is None else i18n.fmt_number(v * 100, lang=lang) + "%"  # noqa: E731
    rooms = [int(i) for i in reservations.resources(db, kind="room")["id"]]
    served = utilisation.organisations_served(db, actor, date_from, date_to)["organisations"]
    new_orgs = utilisation.new_organisations_by_month(db, actor, date_from, date_to)
    visits = utilisation.attendance(db, actor, date_from, date_to, rooms)
    events = utilisation.events_summary(db, actor, date_from, date_to)
    advice = utilisation.advisory_hours(db, actor, date_from, date_to)
    volunteering = utilisation.volunteer_hours(db, actor, date_from, date_to)
    new_total = int(new_orgs["organisations"].sum()) if len(new_orgs) else 0

    def count(key: str, value) -> Figure:
        return Figure(key, t(f"forum.figure.{key}"), None if value is None else float(value), count_text(value, lang))

    def amount(key: str, value, text: str) -> Figure:
        return Figure(key, t(f"forum.figure.{key}"), None if value is None else float(value), text)

    headline = Slide("headline", t("forum.slide.headline.title"), span, figures=[
        count("organisations_served", served),
        count("new_organisations", new_total),
        count("bookings_held", visits["held"]),
        count("events_held", events["events"]),
        count("participants", events["participants"]),
        amount("advisory_hours", advice["hours"], number(advice["hours"], 1)),
        amount("volunteer_hours", volunteering["hours"], number(volunteering["hours"], 1)),
        amount("volunteer_value", volunteering["value_pln"], i18n.fmt_money(volunteering["value_pln"], lang=lang)),
    ], note=t("forum.slide.headline.note"))

    occupancy = utilisation.total_occupancy(utilisation.room_occupancy(db, actor, date_from, date_to, rooms))
    booked, opened = float(occupancy["booked_hours"].sum()), float(occupancy["open_hours"].sum())
    average = booked / opened if opened else None
    evenings = utilisation.evening_use(db, actor, date_from, date_to, rooms)
    long_days, used = int(evenings["evenings"].sum()), int(evenings["used"].sum())
    workstations = utilisation.workstation_use(db, actor, date_from, date_to)
    ws_open = float(workstations["open_hours"].sum())
    ws_use = float(workstations["booked_hours"].sum()) / ws_open if ws_open else None
    done = visits["held"] + visits["no_show"]
    occupancy_chart = occupancy.assign(
        category=[i18n.fmt_date(w, lang) for w in occupancy["week_start"]],
        value=occupancy["occupancy"], text=[pct(v) if v == v else "—" for v in occupancy["occupancy"]])
    rooms_slide = Slide("rooms", t("forum.slide.rooms.title"), span, figures=[
        amount("occupancy", average, pct(average)),
        amount("room_hours_booked", booked, number(booked)),
        amount("no_show_rate", visits["no_show_rate"] if done >= SMALL_COUNT else None,
               pct(visits["no_show_rate"]) if done >= SMALL_COUNT else "—"),
        Figure("evenings_used", t("forum.figure.evenings_used"), float(used),
               t("forum.of", part=count_text(used, lang), whole=count_text(long_days, lang))),
        amount("workstation_use", ws_use, pct(ws_use)),
    ], charts=[Chart("occupancy", t("forum.chart.occupancy", low=int(utilisation.TARGET_OCCUPANCY[0] * 100),
                                                      high=int(utilisation.TARGET_OCCUPANCY[1] * 100)),
                     occupancy_chart[["category", "value", "text"]], t("forum.axis.occupancy"), percent=True,
                     band=utilisation.TARGET_OCCUPANCY, kind="line")],
        note=t("forum.slide.rooms.note"))

    by_type = utilisation.events_by_type(db, actor, date_from, date_to)
    by_type["label"] = [t(f"event_type.{v}") for v in by_type["event_type"]]
    by_topic = utilisation.events_by_topic(db, actor, date_from, date_to)
    by_topic["label"] = by_topic["name_pl" if lang == "pl" else "name_en"]
    rate_ok, rating_ok = events["marks"] >= SMALL_COUNT, events["ratings"] >= SMALL_COUNT
    education = Slide("education", t("forum.slide.education.title"), span, figures=[
        count("events_held", events["events"]),
        count("participants", events["participants"]),
        amount("attendance_rate", events["attendance_rate"] if rate_ok else None,
               pct(events["attendance_rate"]) if rate_ok else "—"),
        amount("rating", events["rating"] if rating_ok else None,
               number(events["rating"], 1) + " / 5" if rating_ok and events["rating"] is not None else "—"),
    ], charts=[Chart("events_by_type", t("forum.chart.events_by_type"), suppressed(by_type, "label", "events"),
                     t("forum.axis.events")),
               Chart("events_by_topic", t("forum.chart.events_by_topic"), suppressed(by_topic, "label", "events"),
                     t("forum.axis.events"))],
        note=t("forum.slide.education.note"))

    services = utilisation.organisations_by_service(db, actor, date_from, date_to)
    services["label"] = [t(f"forum.service.{k}") for k in services["kind"]]
    new_orgs["label"] = [f"{m:%m.%Y}" for m in pd.to_datetime(new_orgs["month"])]
    organisations = Slide("organisations", t("forum.slide.organisations.title"), span, figures=[
        count("organisations_served", served),
        count("new_organisations", new_total),
        count("organisations_advised", advice["organisations"]),
    ], charts=[Chart("organisations_by_service", t("forum.chart.organisations_by_service"),
                     suppressed(services, "label", "organisations"), t("forum.axis.organisations")),
               Chart("new_organisations", t("forum.chart.new_organisations"),
                     suppressed(new_orgs, "label", "organisations"), t("forum.axis.organisations"))],
        note=t("forum.slide.organisations.note"))

    topics = utilisation.advisory_by_topic(db, actor, date_from, date_to)
    topics["label"] = topics["name_pl" if lang == "pl" else "name_en"]
    advisory = Slide("advisory", t("forum.slide.advisory.title"), span, figures=[
        amount("advisory_hours", advice["hours"], number(advice["hours"], 1)),
        count("advisory_sessions", advice["sessions"]),
        count("organisations_advised", advice["organisations"]),
    ], charts=[Chart("advisory_by_topic", t("forum.chart.advisory_by_topic"),
                     suppressed(topics, "label", "sessions", "hours", lambda v: number(v, 1)),
                     t("forum.axis.hours"), note=t("forum.chart.suppressed_sessions"))],
        note=t("forum.slide.advisory.note"))

    months = utilisation.volunteer_by_month(db, actor, date_from, date_to)
    months["label"] = [f"{m:%m.%Y}" for m in pd.to_datetime(months["month"])]
    volunteers = Slide("volunteering", t("forum.slide.volunteering.title"), span, figures=[
        amount("volunteer_hours", volunteering["hours"], number(volunteering["hours"], 1)),
        amount("volunteer_value", volunteering["value_pln"], i18n.fmt_money(volunteering["value_pln"], lang=lang)),
        count("volunteers", volunteering["volunteers"]),
    ], charts=[Chart("volunteer_hours", t("forum.chart.volunteer_hours"),
                     suppressed(months, "label", "volunteers", "hours", lambda v: number(v, 1)),
                     t("forum.axis.hours"), note=t("forum.chart.suppressed_volunteers"))],
        note=t("forum.slide.volunteering.note", rate=i18n.fmt_money(volunteering["rate"], lang=lang)))

    stages = utilisation.initiatives_by_stage(db, actor, date_from, date_to)
    stages["label"] = stages["name_pl" if lang == "pl" else "name_en"]
    osiedla = utilisation.initiatives_by_osiedle(db, actor, date_from, date_to)
    initiatives = Slide("initiatives", t("forum.slide.initiatives.title"), span, figures=[
        count("initiatives", int(stages["initiatives"].sum()) if len(stages) else 0),
        count("osiedla", len(osiedla)),
    ], charts=[Chart("initiatives_by_stage", t("forum.chart.initiatives_by_stage"),
                     suppressed(stages, "label", "initiatives"), t("forum.axis.initiatives")),
               Chart("initiatives_by_osiedle", t("forum.chart.initiatives_by_osiedle", top=TOP_OSIEDLA),
                     suppressed(osiedla.head(TOP_OSIEDLA), "osiedle", "initiatives"), t("forum.axis.initiatives"))],
        note=t("forum.slide.initiatives.note"))
    slides = [headline, rooms_slide, education, organisations, advisory, volunteers, initiatives]
    slides.append(Slide("results", t("forum.slide.results.title"), span,
                        table=_results_table(db, actor, date_from, date_to, lang, t),
                        table_headers=[t("results.result"), t("results.target"), t("results.achieved"),
                                       t("results.status")],
                        note=t("forum.slide.results.note")))
    return slides


# Results whose figure is a count of people, organisations or events (the others are hours).
_COUNTED_RESULTS = {"trainings_held", "participants", "organisations_served"}


def _results_table(db, actor, date_from, date_to, lang, t) -> pd.DataFrame:
    frame = results.table(db, actor, date_from, date_to)
    rows = []
    for row in frame.itertuples():
        value = None if row.achieved is None or row.achieved != row.achieved else float(row.achieved)
        if value is None:
            achieved = "—"
        elif row.code in _COUNTED_RESULTS:
            achieved = count_text(value, lang)
        else:
            achieved = i18n.fmt_number(value, lang=lang, digits=1)
        target = i18n.fmt_number(row.target, lang=lang) + (" " + t("results.per_week") if row.per_week else "")
        rows.append({"result": t(f"result.{row.code}"), "target": target, "achieved": achieved,
                     "status": t(f"results.light.{row.light}"), "light": row.light, "code": row.code,
                     "value": value})
    return pd.DataFrame(rows, columns=["result", "target", "achieved", "status", "light", "code", "value"])
