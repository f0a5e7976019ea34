"""The Forum presentation: the pilot's headline figures and key charts for a period, as slides.

What the Plenipotentiary shows at the Forum of Plenipotentiaries is public, so a slide carries
aggregates only: no names, e-mails or phone numbers ever leave the queries here. Suppression protects
people, not procedures: a count of natural persons (participants, volunteers, residents) of 1 to 4 is
shown as "<5" (in figures, chart bars and the results table) so a small group cannot be recognised;
counts of organisations, initiatives, events, bookings and hours are shown as they are. A zero stays "0":
it identifies no one. Rates and averages built on fewer than five records are not shown at all. A chart
whose every bar would be "<5" becomes one sentence (``Chart.sentence``) instead of an empty chart.

Every figure on a slide is an indicator of the catalogue (``indicators``): its name as the label, its
value as every other surface shows it, and its definition in the slide's ``definitions`` (the PPTX's
speaker notes, the page's help). Texts are built in the language asked for (Polish for the Forum); the
page and the PPTX export (``dashboard.ui.forum_export``) only lay the slides out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.core import i18n
from dashboard.core.roles import Actor, require
from dashboard.services import reservations
from dashboard.services.reporting import indicators, results, utilisation
from dashboard.services.volunteers import work as volunteer_work
from db.connection import Database

SMALL_COUNT = 5          # counts below this (and above zero) are shown as "<5"
SUPPRESSED = "<5"
TOP_OSIEDLA = 10         # the osiedla chart shows this many, most initiatives first
# The catalogue's counts of natural persons: the only figures shown as "<5" (issue 19).
PERSONS = frozenset(i.id for i in indicators.CATALOGUE.values() if i.people)  # counts of natural persons
LIGHTS = {"green": "●", "amber": "●", "red": "●", "none": "○"}


@dataclass(frozen=True)
class Figure:
    """One big number on a slide: the indicator ``key`` (a catalogue id), its name as ``label``, ``value`` as the
    catalogue computed it, ``text`` as shown ("<5" for a small count), and its ``definition``."""

    key: str
    label: str
    value: float | None
    text: str
    definition: str = ""


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
    sentence: str = ""                        # said instead of the chart when every bar would be "<5"


@dataclass
class Slide:
    key: str
    title: str
    subtitle: str = ""
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    table: pd.DataFrame | None = None         # columns: result, target, achieved, status, light, code, value, share
    table_headers: list[str] = field(default_factory=list)
    note: str = ""
    definitions: list[tuple[str, str]] = field(default_factory=list)   # (name, definition) of its figures
    definitions_heading: str = ""


def count_text(value: float | int | None, lang: str) -> str:
    """A count as a slide shows it: "<5" for 1–4, otherwise the number."""
    if value is None:
        return "—"
    if 0 < value < SMALL_COUNT:
        return SUPPRESSED
    return i18n.fmt_number(value, lang=lang)


def suppressed(frame: pd.DataFrame, category: str, count: str, value: str | None = None,
               value_text=None, people: bool = True) -> pd.DataFrame:
    """A chart frame (category, value, text) where a category with under 5 persons has no value, only "<5".

    ``count`` counts natural persons when ``people`` (otherwise organisations, events…: nothing is hidden);
    ``value`` is the column drawn (the count itself by default); ``value_text`` formats it.
    """
    value = value or count
    small = [people and 0 < c < SMALL_COUNT for c in frame[count]]
    values = [None if s else float(v) for s, v in zip(small, frame[value])]
    texts = [SUPPRESSED if s else (value_text(v) if value_text else str(int(v))) for s, v in zip(small, frame[value])]
    return pd.DataFrame({"category": list(frame[category]), "value": values, "text": texts})


def plain(frame: pd.DataFrame, category: str, value: str, value_text=None) -> pd.DataFrame:
    """A chart frame of counts or hours that identify no person: every value shown as it is."""
    return suppressed(frame, category, value, value, value_text, people=False)


def all_suppressed(frame: pd.DataFrame) -> bool:
    """Whether every bar of a chart frame would be "<5" (and there is at least one)."""
    return not frame.empty and all(text == SUPPRESSED for text in frame["text"])


def people_chart(key: str, title: str, frame: pd.DataFrame, value_title: str, sentence: str, **kw) -> Chart:
    """A chart of persons: when every bar would be "<5", ``sentence`` says so instead of an empty chart."""
    return Chart(key, title, frame, value_title, sentence=sentence if all_suppressed(frame) else "", **kw)


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
    slides = _slides(db, actor, date_from, date_to, lang, t, span)
    scope = indicators.scope_note(indicators.period(date_from, date_to), lang)
    if scope:
        opening.note = f"{opening.note}\n\n{scope}"
    return [opening, *slides]


# The figures of each slide: indicator ids of the catalogue, in the order shown.
SLIDE_FIGURES = {
    "headline": ("organisations_served", "new_organisations", "bookings_held", "events_held", "participants",
                 "advisory_hours", "volunteer_hours_centre", "volunteer_value_centre"),
    "rooms": ("occupancy", "room_hours_booked", "no_show_rate", "evenings_used", "workstation_occupancy"),
    "education": ("events_held", "participants", "attendance_rate", "rating"),
    "organisations": ("organisations_served", "new_organisations", "organisations_advised"),
    "advisory": ("advisory_hours", "advisory_sessions", "organisations_advised"),
    "volunteering": ("volunteer_hours_register", "volunteers_register", "volunteer_hours_centre",
                     "volunteer_value_centre"),
    "initiatives": ("initiatives_submitted", "initiative_osiedla"),
}
# Read besides the figures: what "evenings used … of …" counts against, and the hours booked still to come.
_ALSO = ("evenings_open", "room_hours_planned")
# Rates and means built on fewer than five records are not shown (a small group could be recognised).
_RATES = ("no_show_rate", "attendance_rate", "rating")


def _slides(db, actor, date_from, date_to, lang, t, span) -> list[Slide]:
    number = lambda v, digits=0: i18n.fmt_number(v, lang=lang, digits=digits)  # noqa: E731
    pct = lambda v: "—" if v is None else i18n.fmt_number(v * 100, lang=lang) + "%"  # noqa: E731
    rooms = [int(i) for i in reservations.resources(db, kind="room")["id"]]
    wanted = tuple(dict.fromkeys([i for ids in SLIDE_FIGURES.values() for i in ids] + list(_ALSO)))
    values = indicators.values(db, actor, date_from, date_to, wanted)

    def figure(key: str) -> Figure:
        ind, value = indicators.CATALOGUE[key], values[key]
        if key in _RATES and (values.bases[key] or 0) < SMALL_COUNT:
            value, text = None, "—"
        elif key == "evenings_used":
            text = t("forum.of", part=number(value), whole=number(values["evenings_open"]))
        elif ind.unit == "count":
            text = count_text(value, lang) if key in PERSONS else number(value)
        elif ind.unit == "share":
            text = pct(value)
        elif ind.unit == "rating":
            text = "—" if value is None else number(value, 1) + " / 5"
        elif ind.unit == "pln":
            text = i18n.fmt_money(value, lang=lang)
        else:
            text = "—" if value is None else number(value, 1)
        return Figure(key, ind.name(lang), None if value is None else float(value), text, ind.definition(lang))

    def slide(key: str, charts: list[Chart], extra: tuple[str, ...] = (), **kw) -> Slide:
        ids = SLIDE_FIGURES[key] + extra
        shown = [figure(i) for i in ids]
        described = list(ids) + (["evenings_open"] if "evenings_used" in ids else [])
        return Slide(key, t(f"forum.slide.{key}.title"), span, figures=shown, charts=charts,
                     note=kw.pop("note", t(f"forum.slide.{key}.note")),
                     definitions=indicators.definitions(described, lang),
                     definitions_heading=t("indicator.notes_heading"), **kw)

    headline = slide("headline", [])

    occupancy = utilisation.total_occupancy(utilisation.room_occupancy(db, actor, date_from, date_to, rooms))
    occupancy_chart = occupancy.assign(
        category=[i18n.fmt_date(w, lang) for w in occupancy["week_start"]],
        value=occupancy["occupancy"], text=[pct(v) if v == v else "—" for v in occupancy["occupancy"]])
    planned = ("room_hours_planned",) if values["room_hours_planned"] else ()   # a period reaching into the future
    rooms_slide = slide("rooms", [Chart("occupancy", t("forum.chart.occupancy",
                                                       low=int(utilisation.TARGET_OCCUPANCY[0] * 100),
                                                       high=int(utilisation.TARGET_OCCUPANCY[1] * 100)),
                                        occupancy_chart[["category", "value", "text"]], t("forum.axis.occupancy"),
                                        percent=True, band=utilisation.TARGET_OCCUPANCY, kind="line")],
                        extra=planned)

    by_type = utilisation.events_by_type(db, actor, date_from, date_to)
    by_type["label"] = [t(f"event_type.{v}") for v in by_type["event_type"]]
    by_topic = utilisation.events_by_topic(db, actor, date_from, date_to)
    by_topic["label"] = by_topic["name_pl" if lang == "pl" else "name_en"]
    education = slide("education", [
        Chart("events_by_type", t("forum.chart.events_by_type"), plain(by_type, "label", "events"),
              t("forum.axis.events")),
        Chart("events_by_topic", t("forum.chart.events_by_topic"), plain(by_topic, "label", "events"),
              t("forum.axis.events"))])

    services = utilisation.organisations_by_service(db, actor, date_from, date_to)
    services["label"] = [t(f"forum.service.{k}") for k in services["kind"]]
    new_orgs = utilisation.new_organisations_by_month(db, actor, date_from, date_to)
    new_orgs["label"] = [f"{m:%m.%Y}" for m in pd.to_datetime(new_orgs["month"])]
    organisations = slide("organisations", [
        Chart("organisations_by_service", t("forum.chart.organisations_by_service"),
              plain(services, "label", "organisations"), t("forum.axis.organisations")),
        Chart("new_organisations", t("forum.chart.new_organisations"),
              plain(new_orgs, "label", "organisations"), t("forum.axis.organisations"))])

    topics = utilisation.advisory_by_topic(db, actor, date_from, date_to)
    topics["label"] = topics["name_pl" if lang == "pl" else "name_en"]
    advisory = slide("advisory", [
        Chart("advisory_by_topic", t("forum.chart.advisory_by_topic"),
              plain(topics, "label", "hours", lambda v: number(v, 1)), t("forum.axis.hours"))])

    months = utilisation.volunteer_by_month(db, actor, date_from, date_to)
    months["label"] = [f"{m:%m.%Y}" for m in pd.to_datetime(months["month"])]
    volunteers = slide("volunteering", [
        people_chart("volunteer_hours", t("forum.chart.volunteer_hours"),
                     suppressed(months, "label", "volunteers", "hours", lambda v: number(v, 1)),
                     t("forum.axis.hours"), t("forum.chart.all_suppressed_volunteers"),
                     note=t("forum.chart.suppressed_volunteers"))],
        note=t("forum.slide.volunteering.note", rate=i18n.fmt_money(volunteer_work.hourly_rate(db), lang=lang)))

    stages = utilisation.initiatives_by_stage(db, actor, date_from, date_to)
    stages["label"] = stages["name_pl" if lang == "pl" else "name_en"]
    osiedla = utilisation.initiatives_by_osiedle(db, actor, date_from, date_to)
    initiatives = slide("initiatives", [
        Chart("initiatives_by_stage", t("forum.chart.initiatives_by_stage"),
              plain(stages, "label", "initiatives"), t("forum.axis.initiatives")),
        Chart("initiatives_by_osiedle", t("forum.chart.initiatives_by_osiedle", top=TOP_OSIEDLA),
              plain(osiedla.head(TOP_OSIEDLA), "osiedle", "initiatives"), t("forum.axis.initiatives"))])
    slides = [headline, rooms_slide, education, organisations, advisory, volunteers, initiatives]
    table = _results_table(db, actor, date_from, date_to, lang, t)
    slides.append(Slide("results", t("forum.slide.results.title"), span, table=table,
                        table_headers=[t("results.result"), t("results.target"), t("results.achieved"),
                                       t("results.status")],
                        note=t("forum.slide.results.note"),
                        definitions=indicators.definitions([c for c in table["code"] if c in indicators.CATALOGUE],
                                                           lang),
                        definitions_heading=t("indicator.notes_heading")))
    return slides


def _results_table(db, actor, date_from, date_to, lang, t) -> pd.DataFrame:
    """The results against targets: each result is its catalogue indicator, its "% celu" the catalogue's
    ``share_of_target`` (said in the status: "osiągnięty — 105 % celu")."""
    frame = results.table(db, actor, date_from, date_to)
    rows = []
    for row in frame.itertuples():
        ind = indicators.CATALOGUE.get(row.code)
        value = None if row.achieved is None or row.achieved != row.achieved else float(row.achieved)
        if value is None:
            achieved = "—"
        elif ind is not None and ind.unit == "count":
            achieved = count_text(value, lang) if row.code in PERSONS else i18n.fmt_number(value, lang=lang)
        else:
            achieved = i18n.fmt_number(value, lang=lang, digits=1)
        target = i18n.fmt_number(row.target, lang=lang) + (" " + t("results.per_week") if row.per_week else "")
        status = t(f"results.light.{row.light}")
        if row.share is not None and achieved != SUPPRESSED:
            status += " — " + t("indicator.of_target", share=i18n.fmt_number(row.share * 100, lang=lang) + " %")
        rows.append({"result": ind.name(lang) if ind else row.code, "target": target, "achieved": achieved,
                     "status": status, "light": row.light, "code": row.code, "value": value, "share": row.share})
    return pd.DataFrame(rows, columns=["result", "target", "achieved", "status", "light", "code", "value", "share"])
