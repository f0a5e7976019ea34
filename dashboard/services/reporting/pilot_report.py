"""The pilot report for the city: an XLSX workbook (a sheet per area) and a PDF summary in Polish.

The PDF follows the public-task report (sprawozdanie z realizacji zadania publicznego, Dz.U. 2018 poz. 2057):
part I the results achieved with their figures and the actions carried out, part II the costs by source,
with the own personal (volunteer work) and in-kind contribution. Both files hold aggregates only — no names,
e-mails or phone numbers — so they can be sent to the city and published.

Every figure is an indicator of the catalogue (``indicators``): the same name, definition and value as on
the screens and at the Forum, and both files list the indicators they use with their definitions (the
"Definicje" sheet, the PDF's appendix). Activity figures count what was done up to now when the period has
not ended yet — a report lists what was done, not what is planned; costs count over the whole period.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard import PROJECT_ROOT
from dashboard.core import exports
from dashboard.core.converters import as_date
from dashboard.core.errors import Errors
from dashboard.core.i18n import fmt_date, fmt_datetime, fmt_money, fmt_number, translate
from dashboard.core.roles import Actor, require
from dashboard.services import reservations
from dashboard.services.education import advisory, trainings
from dashboard.services.reporting import budget, indicators, results, utilisation
from dashboard.services.volunteers import work as volunteer_work
from db.connection import Database

if TYPE_CHECKING:  # fpdf and xlsxwriter are imported where a file is made: the report page does not load them
    from fpdf import FPDF

FONT_DIR = PROJECT_ROOT / "dashboard" / "assets" / "fonts"
FONT = "DejaVu"
CENTRE = "Centrum Obywatelskie w Łodzi"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- the period -----------------------------------------------------------------------------------------------------


def validate_period(date_from: Any, date_to: Any) -> tuple[date, date]:
    """Both ends given and in order, else field errors (date_from / date_to) the page shows under the pickers."""
    errors = Errors()
    start, end = as_date(date_from), as_date(date_to)
    for name, raw, parsed in (("date_from", date_from, start), ("date_to", date_to, end)):
        if parsed is None:
            errors.add(name, "report.error.period_empty" if raw in (None, "", ()) else "error.date_format")
    if start and end and start > end:
        errors.add("date_to", "error.period_reversed")
    errors.raise_if_any()
    return start, end


# -- the figures -----------------------------------------------------------------------------------------------------
# The indicators the report gives (catalogue ids), by how the workbook writes them.
SUMMARY = ("organisations_served", "new_organisations", "bookings_held", "room_hours_booked", "room_hours_open",
           "evenings_open", "evenings_used", "events_held", "trainings_held", "participants", "rating",
           "advisory_sessions", "advisory_hours", "organisations_advised", "volunteer_hours_centre",
           "volunteers_centre", "volunteer_hours_register", "volunteers_register", "initiatives_submitted",
           "initiative_osiedla")
PLANNED = ("room_hours_planned",)        # only for a period reaching into the future
SHARES = ("occupancy", "no_show_rate", "workstation_occupancy", "attendance_rate", "grant_used_share",
          "grant_share_actual", "own_share_actual")
MONEY = ("volunteer_value_centre", "budget_planned", "budget_actual", "grant_planned", "grant_actual",
         "in_kind_actual")
INDICATORS = SUMMARY + PLANNED + SHARES + MONEY
# The headline figures of the report page (catalogue ids).
PAGE_INDICATORS = ("organisations_served", "events_held", "advisory_hours", "room_hours_booked",
                   "volunteer_hours_centre", "initiatives_submitted", "budget_actual", "grant_actual")


@dataclass
class Figures:
    """Everything both files show, computed once (aggregates only). ``values`` are the catalogue's indicators."""

    date_from: date
    date_to: date
    until: date                       # activity counted up to here (today, when the period is still running)
    generated_at: datetime
    values: indicators.Values
    costs_entered: int
    results: pd.DataFrame
    rooms: pd.DataFrame
    weeks: pd.DataFrame
    events_by_type: pd.DataFrame
    events_by_topic: pd.DataFrame
    advisory: pd.DataFrame
    organisations: pd.DataFrame
    new_organisations: pd.DataFrame
    legal_forms: pd.DataFrame
    rate: float
    volunteer_months: pd.DataFrame
    volunteer_hosts: pd.DataFrame
    initiative_stages: pd.DataFrame
    initiative_osiedla: pd.DataFrame
    budget: pd.DataFrame
    budget_sources: pd.DataFrame
    budget_categories: pd.DataFrame
    names: dict[str, dict] = field(default_factory=dict)

    @property
    def headline(self) -> dict[str, float | None]:
        """The indicators by id (the report's own figure: ``costs_entered``)."""
        return {**self.values.values, "costs_entered": self.costs_entered}

    @property
    def period(self) -> indicators.Period:
        return self.values.period

    @property
    def ids(self) -> tuple[str, ...]:
        """The indicators the files show, in order: the summary's, then the results' (once each)."""
        planned = PLANNED if self.period.reaches_future else ()
        codes = [c for c in self.results["code"] if c in indicators.CATALOGUE]
        return tuple(dict.fromkeys(SUMMARY + planned + SHARES + MONEY + tuple(codes)))

    @property
    def has_data(self) -> bool:
        """Whether anything was done or spent in the period (opening hours alone are not data)."""
        v = self.values
        return bool(self.costs_entered) or any(v[k] for k in (
            "organisations_served", "room_hours_booked", "events_held", "advisory_sessions",
            "volunteer_hours_register", "initiatives_submitted"))


def _rooms(db: Database, p: indicators.Period) -> pd.DataFrame:
    """Per resource used in the period up to now (every room listed): bookings begun, held, no-shows, hours booked
    up to now, organisations — the rooms' lines add up to the catalogue's bookings held and room hours booked."""
    return db.query(
        "with b as (select * from booking where starts_at >= ? and starts_at < ? and status <> 'cancelled') "
        "select r.name as resource, r.kind, count(b.id) as bookings, "
        "count(b.id) filter (where b.status = 'checked_in') as held, "
        "count(b.id) filter (where b.status = 'no_show') as no_show, "
        "coalesce(sum(epoch(least(b.ends_at, ?) - b.starts_at)) / 3600.0, 0)::double as booked_hours, "
        "count(distinct b.organisation_id) as organisations "
        "from resource r left join b on b.resource_id = r.id where r.kind = 'room' or b.id is not null "
        "group by r.id, r.name, r.kind order by case r.kind when 'room' then 1 when 'workstation' then 2 "
        "when 'locker' then 3 else 4 end, r.id", [p.start, p.cut, p.now])


def _events_by_type(db: Database, p: indicators.Period) -> pd.DataFrame:
    """The catalogue's events held (not cancelled, first session in the period and begun), per type."""
    return db.query(
        "with ev as (select e.id, e.event_type, count(*) as sessions, "
        "sum(epoch(s.ends_at - s.starts_at)) / 3600.0 as hours from event e join event_session s on s.event_id = e.id "
        "where e.id in (" + indicators.EVENTS_HELD + ") group by e.id, e.event_type), "
        "p as (select event_id, count(*) as participants from enrolment where status = 'enrolled' group by 1) "
        "select ev.event_type, count(*) as events, sum(ev.sessions)::bigint as sessions, "
        "sum(ev.hours)::double as hours, "
        "coalesce(sum(p.participants), 0)::bigint as participants from ev left join p on p.event_id = ev.id "
        "group by 1 order by 1", [p.start, p.cut])


def _organisations(db: Database, p: indicators.Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The catalogue's organisations served per service (rooms, events, advisory) and in total, and by legal form."""
    served = ("with served as (" + indicators.SERVED + "), "
              "period as (select case kind when 'booking' then 'rooms' when 'event' then 'events' "
              "else 'advisory' end as channel, organisation_id from served where served_on between ? and ?) ")
    params = [*indicators.served_params(db, p), p.date_from, p.date_to]
    channels = db.query(
        served + "select channel, count(distinct organisation_id) as organisations from period group by 1 "
                 "union all select 'total', count(distinct organisation_id) from period", params)
    order = {"rooms": 1, "events": 2, "advisory": 3, "total": 4}
    channels = (pd.DataFrame({"channel": list(order)}).merge(channels, on="channel", how="left")
                .fillna({"organisations": 0}))
    channels["organisations"] = channels["organisations"].astype(int)
    forms = db.query(
        served + "select o.legal_form, count(*) as organisations from organisation o "
                 "where o.id in (select organisation_id from period) group by 1 order by 2 desc, 1", params)
    return channels, forms


def _volunteers(db: Database, actor: Actor, date_from: date, until: date) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    """The rate, every approved hour in the register per month, and per host (the Centre's line is its personal
    contribution: the catalogue's volunteer_hours_centre)."""
    rate = volunteer_work.hourly_rate(db)
    if not utilisation.area_available(db, "volunteers"):
        return rate, pd.DataFrame(columns=["month", "hours", "volunteers"]), \
            pd.DataFrame(columns=["host_kind", "hours", "volunteers", "value_pln"])
    months = db.query(
        "select strftime(work_date, '%Y-%m') as month, sum(hours)::double as hours, count(distinct volunteer_id) "
        "as volunteers from volunteer_hours where status = 'approved' and work_date between ? and ? "
        "group by 1 order by 1", [date_from, until])
    hosts = db.query(
        "select o.host_kind, sum(h.hours)::double as hours, count(distinct h.volunteer_id) as volunteers "
        "from volunteer_hours h join volunteer_assignment a on a.id = h.assignment_id "
        "join volunteer_opportunity o on o.id = a.opportunity_id where h.status = 'approved' "
        "and h.work_date between ? and ? group by 1 order by 1", [date_from, until])
    hosts["value_pln"] = (hosts["hours"] * rate).round(2)
    return rate, months, hosts


def _initiatives(db: Database, date_from: date, date_to: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Local initiatives submitted in the period, per stage and per osiedle, with the money involved."""
    if not utilisation.area_available(db, "initiatives"):
        return (pd.DataFrame(columns=["stage", "name_pl", "name_en", "initiatives"]),
                pd.DataFrame(columns=["osiedle", "initiatives", "residents_pln", "city_part_pln"]))
    stages = db.query(
        "select s.code as stage, s.name_pl, s.name_en, count(i.id) as initiatives from initiative_stage s "
        "left join initiative i on i.stage = s.code and i.submitted_on between ? and ? "
        "group by all order by min(s.sort)", [date_from, date_to])
    osiedla = db.query(
        "select o.name as osiedle, count(*) as initiatives, "
        "sum(round(i.social_work_hours * i.social_work_rate_pln, 2) + i.in_kind_pln + i.money_pln)::double "
        "as residents_pln, sum(i.city_part_pln)::double as city_part_pln from initiative i "
        "join osiedle o on o.id = i.osiedle_id where i.submitted_on between ? and ? group by o.id, o.name "
        "order by 2 desc, 1", [date_from, date_to])
    return stages, osiedla


def _nan_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def figures(db: Database, actor: Actor, date_from: Any, date_to: Any) -> Figures:
    """The report's figures for a valid period (refused otherwise with field errors)."""
    require(actor, "export")
    date_from, date_to = validate_period(date_from, date_to)
    values = indicators.values(db, actor, date_from, date_to, INDICATORS)
    p = values.period
    until = p.last_day
    if until < date_from:
        until = date_from - timedelta(days=1)  # a period that has not started: every dated query finds nothing
    result_rows = results.table(db, actor, date_from, date_to)
    result_rows["achieved"] = [_nan_to_none(v) for v in result_rows["achieved"]]
    room_ids = [int(i) for i in reservations.resources(db, kind="room", active_only=False)["id"]]
    weeks = utilisation.room_occupancy(db, actor, date_from, date_to, room_ids)
    channels, legal_forms = _organisations(db, p)
    rate, months, hosts = _volunteers(db, actor, date_from, until)
    stages, osiedla = _initiatives(db, date_from, until)
    plan_actual = budget.plan_vs_actual(db, actor, date_from, date_to)
    costs_entered = int(db.scalar("select count(*) from budget_cost where spent_on between ? and ?",
                                  [date_from, date_to]) or 0)
    names = {
        "category": {r.code: {"pl": r.name_pl, "en": r.name_en} for r in budget.categories(db).itertuples()},
        "source": {r.code: {"pl": r.name_pl, "en": r.name_en} for r in budget.sources(db).itertuples()},
        "topic": {r.code: {"pl": r.name_pl, "en": r.name_en or r.name_pl}
                  for r in trainings.topics(db, active_only=False).itertuples()},
    }
    return Figures(date_from, date_to, until, p.now, values, costs_entered, result_rows, _rooms(db, p), weeks,
                   _events_by_type(db, p), utilisation.events_by_type_topic(db, actor, date_from, date_to),
                   advisory.advisory_summary(db, actor, date_from, until), channels,
                   utilisation.new_organisations_by_month(db, actor, date_from, date_to), legal_forms, rate, months,
                   hosts, stages, osiedla, plan_actual, budget.totals_by(plan_actual, "source_code"),
                   budget.totals_by(plan_actual, "category_code"), names)


# -- XLSX --------------------------------------------------------------------------------------------------------------
@dataclass
class Table:
    """One titled table on a sheet: the frame's columns (in order) with their header keys and number formats."""

    title_key: str
    frame: pd.DataFrame
    columns: dict[str, str]              # column -> i18n key of its header
    formats: dict[str, str] = field(default_factory=dict)   # column -> int | dec1 | money | pct | date
    row_formats: dict[str, list[str]] = field(default_factory=dict)   # column -> a format per row (over formats)


def _sheets(f: Figures, lang: str) -> list[tuple[str, list[Table]]]:
    """The workbook's layout: (sheet title key, tables), translated labels filled into the frames."""
    def tr(key: str, **params) -> str:
        return translate(lang, key, **params)

    def name(kind: str, code: str) -> str:
        entry = f.names.get(kind, {}).get(code)
        return entry[lang] if entry else code

    result_frame = f.results.assign(
        result=f.results["code"].map(lambda c: indicators.CATALOGUE[c].name(lang) if c in indicators.CATALOGUE else c),
        unit=f.results["per_week"].map(lambda w: tr("report.col.per_week") if w else tr("report.col.in_period")),
        status=f.results["light"].map(lambda light: tr(f"results.light.{light}")))
    planned = PLANNED if f.period.reaches_future else ()
    activity = SUMMARY + planned + tuple(i for i in SHARES if indicators.CATALOGUE[i].kind != "budget")
    finance = MONEY + tuple(i for i in SHARES if indicators.CATALOGUE[i].kind == "budget")
    summary, summary_formats = _measures(f, activity, lang)
    money, money_formats = _measures(f, finance, lang)
    period = pd.DataFrame({"measure": [tr("report.col.date_from"), tr("report.col.date_to"), tr("report.col.until"),
                                       tr("report.col.generated_at")],
                           "value": [f.date_from, f.date_to, f.until if f.until >= f.date_from else None,
                                     fmt_datetime(f.generated_at, lang)]})
    rooms = f.rooms.assign(kind=f.rooms["kind"].map(lambda k: tr(f"report.resource_kind.{k}")))
    weeks = f.weeks.assign(week_start=pd.to_datetime(f.weeks["week_start"]).dt.date) if len(f.weeks) else f.weeks
    by_type = f.events_by_type.assign(event_type=f.events_by_type["event_type"].map(lambda v: tr(f"event_type.{v}")))
    by_topic = f.events_by_topic.assign(event_type=f.events_by_topic["event_type"].map(lambda v: tr(f"event_type.{v}")),
                                        topic=f.events_by_topic["topic"].map(lambda c: name("topic", c)))
    events_total, events_formats = _measures(f, ("events_held", "trainings_held", "participants", "attendance_rate",
                                                 "rating"), lang)
    advice = f.advisory.assign(topic=f.advisory["topic_code"].map(lambda c: name("topic", c)),
                               form=f.advisory["form"].map(lambda v: tr(f"advisory_form.{v}")))
    channels = f.organisations.assign(channel=f.organisations["channel"].map(lambda c: tr(f"report.channel.{c}")))
    forms = f.legal_forms.assign(legal_form=f.legal_forms["legal_form"].map(lambda v: tr(f"legal_form.{v}")))
    new_orgs = f.new_organisations.assign(
        month=pd.to_datetime(f.new_organisations["month"]).dt.strftime("%Y-%m")) if len(f.new_organisations) \
        else pd.DataFrame(columns=["month", "organisations"])
    volunteers, volunteer_formats = _measures(f, ("volunteer_hours_centre", "volunteers_centre",
                                                  "volunteer_value_centre", "volunteer_hours_register",
                                                  "volunteers_register"), lang)
    volunteers = pd.concat([volunteers, pd.DataFrame({"measure": [tr("report.col.hourly_rate")],
                                                      "value": [f.rate]})], ignore_index=True)
    volunteer_formats = [*volunteer_formats, "money"]
    defined = pd.DataFrame({
        "measure": [indicators.CATALOGUE[i].name(lang) for i in f.ids],
        "definition": [indicators.CATALOGUE[i].definition(lang) for i in f.ids],
        "unit": [tr(f"indicator.unit.{indicators.CATALOGUE[i].unit}") for i in f.ids],
        "value": [f.values.get(i) if i in f.values.values else _result_value(f, i) for i in f.ids]})
    hosts = f.volunteer_hosts.assign(host_kind=f.volunteer_hosts["host_kind"].map(lambda v: tr(f"report.host.{v}")))
    stages = f.initiative_stages.assign(stage=f.initiative_stages["name_pl" if lang == "pl" else "name_en"]) \
        if len(f.initiative_stages) else f.initiative_stages.assign(stage=[])
    plan = f.budget.assign(category=f.budget["category_code"].map(lambda c: name("category", c)),
                           source=f.budget["source_code"].map(lambda c: name("source", c)))
    by_source = f.budget_sources.assign(source=f.budget_sources["source_code"].map(lambda c: name("source", c)))
    by_category = f.budget_categories.assign(
        category=f.budget_categories["category_code"].map(lambda c: name("category", c)))
    plan_cols = {"planned": "report.col.planned", "actual": "report.col.actual", "remaining": "report.col.remaining",
                 "share": "report.col.used"}
    plan_fmt = {"planned": "money", "actual": "money", "remaining": "money", "share": "pct"}
    return [
        ("report.sheet.summary", [
            Table("report.table.period", period, {"measure": "report.col.measure", "value": "report.col.value"},
                  {"value": "date"}),
            Table("report.table.headline", summary, {"measure": "report.col.measure", "value": "report.col.value"},
                  {"value": "dec1"}, {"value": summary_formats}),
            Table("report.table.headline_money", money, {"measure": "report.col.measure", "value": "report.col.value"},
                  {"value": "money"}, {"value": money_formats})]),
        ("report.sheet.results", [
            Table("report.table.results", result_frame,
                  {"result": "results.result", "target": "report.col.target", "unit": "report.col.unit",
                   "achieved": "results.achieved", "share": "report.col.of_target", "status": "results.status"},
                  {"target": "dec1", "achieved": "dec1", "share": "pct"})]),
        ("report.sheet.rooms", [
            Table("report.table.resources", rooms,
                  {"resource": "report.col.resource", "kind": "report.col.kind", "bookings": "report.col.bookings",
                   "held": "report.col.held", "no_show": "report.col.no_show",
                   "booked_hours": "report.col.booked_hours",
                   "organisations": "report.col.organisations"},
                  {"bookings": "int", "held": "int", "no_show": "int", "booked_hours": "dec1", "organisations": "int"}),
            Table("report.table.weeks", weeks,
                  {"week_start": "report.col.week_start", "resource": "report.col.resource",
                   "open_hours": "report.col.open_hours", "booked_hours": "report.col.booked_hours",
                   "occupancy": "report.col.occupancy"},
                  {"week_start": "date", "open_hours": "dec1", "booked_hours": "dec1", "occupancy": "pct"})]),
        ("report.sheet.education", [
            Table("report.table.events_total", events_total, {"measure": "report.col.measure",
                                                              "value": "report.col.value"}, {"value": "dec1"},
                  {"value": events_formats}),
            Table("report.table.events_by_type", by_type,
                  {"event_type": "report.col.event_type", "events": "report.col.events",
                   "sessions": "report.col.sessions",
                   "hours": "report.col.hours", "participants": "report.col.participants"},
                  {"events": "int", "sessions": "int", "hours": "dec1", "participants": "int"}),
            Table("report.table.events_by_topic", by_topic,
                  {"event_type": "report.col.event_type", "topic": "report.col.topic", "events": "report.col.events"},
                  {"events": "int"})]),
        ("report.sheet.advisory", [
            Table("report.table.advisory", advice,
                  {"topic": "report.col.topic", "form": "report.col.form", "sessions": "report.col.consultations",
                   "organisations": "report.col.organisations", "hours": "report.col.hours"},
                  {"sessions": "int", "organisations": "int", "hours": "dec1"})]),
        ("report.sheet.organisations", [
            Table("report.table.channels", channels, {"channel": "report.col.channel",
                                                      "organisations": "report.col.organisations"},
                  {"organisations": "int"}),
            Table("report.table.legal_forms", forms, {"legal_form": "report.col.legal_form",
                                                      "organisations": "report.col.organisations"},
                  {"organisations": "int"}),
            Table("report.table.new_organisations", new_orgs, {"month": "report.col.month",
                                                               "organisations": "report.col.new_organisations"},
                  {"organisations": "int"})]),
        ("report.sheet.volunteers", [
            Table("report.table.volunteers", volunteers, {"measure": "report.col.measure", "value": "report.col.value"},
                  {"value": "dec1"}, {"value": volunteer_formats}),
            Table("report.table.volunteer_months", f.volunteer_months,
                  {"month": "report.col.month", "hours": "indicator.volunteer_hours_register",
                   "volunteers": "indicator.volunteers_register"},
                  {"hours": "dec1", "volunteers": "int"}),
            Table("report.table.volunteer_hosts", hosts,
                  {"host_kind": "report.col.host", "hours": "report.col.volunteer_hours",
                   "volunteers": "report.col.volunteers", "value_pln": "report.col.value_pln"},
                  {"hours": "dec1", "volunteers": "int", "value_pln": "money"})]),
        ("report.sheet.initiatives", [
            Table("report.table.initiative_stages", stages, {"stage": "report.col.stage",
                                                             "initiatives": "report.col.initiatives"},
                  {"initiatives": "int"}),
            Table("report.table.initiative_osiedla", f.initiative_osiedla,
                  {"osiedle": "report.col.osiedle", "initiatives": "report.col.initiatives",
                   "residents_pln": "report.col.residents_pln", "city_part_pln": "report.col.city_part_pln"},
                  {"initiatives": "int", "residents_pln": "money", "city_part_pln": "money"})]),
        ("report.sheet.budget", [
            Table("report.table.budget_sources", by_source, {"source": "report.col.source", **plan_cols}, plan_fmt),
            Table("report.table.budget_categories", by_category, {"category": "report.col.category", **plan_cols},
                  plan_fmt),
            Table("report.table.budget_lines", plan, {"category": "report.col.category", "source": "report.col.source",
                                                      **plan_cols}, plan_fmt)]),
        ("indicator.definitions", [
            Table("indicator.definitions_intro", defined,
                  {"measure": "indicator.col.indicator", "definition": "indicator.col.definition",
                   "unit": "indicator.col.unit", "value": "indicator.col.value"},
                  {"value": "dec1"}, {"value": [_FORMAT_OF_UNIT[indicators.CATALOGUE[i].unit] for i in f.ids]})]),
    ]


# How the workbook writes an indicator of each unit.
_FORMAT_OF_UNIT = {"count": "int", "hours": "dec1", "per_week": "dec1", "rating": "dec1", "share": "pct",
                   "pln": "money"}


def _measures(f: Figures, ids, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """A measure/value table of catalogue indicators (their names and values), with each row's number format."""
    ids = list(ids)
    return (pd.DataFrame({"measure": [indicators.CATALOGUE[i].name(lang) for i in ids],
                          "value": [f.values[i] for i in ids]}),
            [_FORMAT_OF_UNIT[indicators.CATALOGUE[i].unit] for i in ids])


def _result_value(f: Figures, code: str) -> float | None:
    """A result's achieved figure (the catalogue's, as the results table holds it)."""
    found = f.results.loc[f.results["code"] == code, "achieved"]
    return _nan_to_none(found.iloc[0]) if len(found) else None


_FORMATS = {"int": "#,##0", "dec1": "#,##0.0", "money": "#,##0.00", "pct": "0.0%", "date": "dd.mm.yyyy"}


def _cell(value: Any) -> Any:
    """A frame's value as xlsxwriter writes it: numbers stay numbers, text is made formula-safe, gaps are blank."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (bool, int, float, date, datetime)):
        return value
    return exports.neutralise(str(value))


def xlsx(db: Database, actor: Actor, date_from: Any, date_to: Any, lang: str = "pl") -> bytes:
    """The workbook: a summary sheet and one per area, every figure a number cell (no pictures)."""
    f = figures(db, actor, date_from, date_to)
    return xlsx_from(f, lang)


def xlsx_from(f: Figures, lang: str = "pl") -> bytes:
    buffer = io.BytesIO()
    import xlsxwriter

    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#EFEAE2", "bottom": 1, "text_wrap": True, "valign": "top"})
    muted = book.add_format({"italic": True, "font_color": "#666666"})
    formats = {k: book.add_format({"num_format": v}) for k, v in _FORMATS.items()}
    book.set_properties({"title": translate(lang, "report.title"), "author": CENTRE})
    for sheet_key, tables in _sheets(f, lang):
        sheet = book.add_worksheet(translate(lang, sheet_key)[:31])
        sheet.write(0, 0, exports.neutralise(translate(lang, sheet_key)), title)
        sheet.write(1, 0, translate(lang, "report.period_line", start=fmt_date(f.date_from, lang),
                                    end=fmt_date(f.date_to, lang)), muted)
        row, widths = 3, {}
        if not f.has_data:
            sheet.write(2, 0, translate(lang, "report.no_data"), bold)
        for table in tables:
            sheet.write(row, 0, exports.neutralise(translate(lang, table.title_key)), bold)
            row += 1
            columns = [c for c in table.columns if c in table.frame.columns]
            for index, column in enumerate(columns):
                label = translate(lang, table.columns[column])
                sheet.write(row, index, exports.neutralise(label), header)
                widths[index] = max(widths.get(index, 10), min(45, len(label) + 2))
            row += 1
            if table.frame.empty:
                sheet.write(row, 0, translate(lang, "report.no_data"), muted)
                row += 1
            for number, values in enumerate(table.frame[columns].itertuples(index=False)):
                for index, (column, value) in enumerate(zip(columns, values)):
                    value = _cell(value)
                    kind = (table.row_formats[column][number] if column in table.row_formats
                            else table.formats.get(column))
                    if kind == "date" and not isinstance(value, (date, datetime)):
                        kind = None  # a text cell in a column of dates (the "generated at" line)
                    if kind == "dec1" and isinstance(value, int):
                        kind = "int"
                    if value is None:
                        sheet.write_blank(row, index, None)
                    else:
                        sheet.write(row, index, value, formats.get(kind))
                    if isinstance(value, str):
                        widths[index] = max(widths.get(index, 10), min(60, len(value) + 2))
                row += 1
            row += 1
        for index, width in widths.items():
            sheet.set_column(index, index, width)
    book.close()
    return buffer.getvalue()


# -- PDF ---------------------------------------------------------------------------------------------------------------
@cache
def _pdf_class() -> type[FPDF]:
    """FPDF with the Centre's footer (defined on first use, so fpdf loads only when a PDF is made)."""
    from fpdf import FPDF

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 6, f"{CENTRE} — {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    return _Pdf


def _new_pdf() -> FPDF:
    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(18, 16, 18)
    pdf.set_creator(CENTRE)
    pdf.alias_nb_pages()
    return pdf


def _text(pdf: FPDF, text: str, size: float = 10, style: str = "", align: str = "L", height: float = 5.5) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str, size: float = 12, keep: float = 20) -> None:
    """A section heading, moved to a new page with what follows when less than ``keep`` mm are left."""
    if pdf.get_y() + keep > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(3)
    _text(pdf, text, size, "B", height=7)
    pdf.ln(1)


def _grid(pdf: FPDF, rows: list[tuple[str, ...]], widths: tuple[float, ...], align: str | None = None,
          total: bool = False) -> None:
    """A table whose first row is the header; ``align`` per column (L/R, default: the first left, numbers right);
    ``total`` sets the last row in bold."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", 9)
    align = align or "L" + "R" * (len(widths) - 1)
    aligns = tuple({"L": "LEFT", "R": "RIGHT"}[a] for a in align)
    with pdf.table(col_widths=widths, text_align=aligns, line_height=5.5, first_row_as_headings=True) as table:
        for index, values in enumerate(rows):
            table.row(values, style=FontFace(emphasis="BOLD") if total and index == len(rows) - 1 else None)
    pdf.ln(2)


def _pl(key: str, **params) -> str:
    return translate("pl", key, **params)


def _num(value: Any, digits: int = 0) -> str:
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return "—" if missing else fmt_number(value, "pl", digits)


def _money(value: Any) -> str:
    return "—" if value is None else fmt_money(value, "pl")


def _pct(value: Any) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else \
        fmt_number(value * 100, "pl", 1) + " %"


def pdf(db: Database, actor: Actor, date_from: Any, date_to: Any) -> bytes:
    """The summary in Polish, in the order of the public-task report."""
    return pdf_from(figures(db, actor, date_from, date_to))


def _value(f: Figures, indicator_id: str) -> str:
    """An indicator's value as the PDF writes it (the catalogue's way: "45,2 %", "1 234,50 zł", "58,0")."""
    value = f.values.get(indicator_id) if indicator_id in f.values.values else _result_value(f, indicator_id)
    return indicators.text(indicator_id, value, "pl")


def _named(f: Figures, ids) -> str:
    """"Name: value; Name: value" — each figure under its catalogue name, so no label carries two values."""
    return "; ".join(f"{indicators.CATALOGUE[i].name('pl')}: {_value(f, i)}" for i in ids)


def pdf_from(f: Figures) -> bytes:
    doc = _new_pdf()
    doc.add_page()
    _text(doc, CENTRE, 10, align="C")
    doc.ln(2)
    _text(doc, _pl("report.pdf.title"), 16, "B", align="C", height=8)
    _text(doc, _pl("report.pdf.subtitle"), 10, align="C")
    doc.ln(3)
    _text(doc, _pl("report.pdf.period", start=fmt_date(f.date_from, "pl"), end=fmt_date(f.date_to, "pl")), 11, "B",
          align="C")
    if f.until < f.date_from:
        _text(doc, _pl("report.pdf.not_started"), 9, align="C")
    elif f.period.reaches_future:
        _text(doc, _pl("report.pdf.until", date=fmt_date(f.until, "pl")), 9, align="C")
    _text(doc, _pl("report.pdf.generated", at=fmt_datetime(f.generated_at, "pl")), 9, align="C")
    if not f.has_data:
        doc.ln(4)
        _text(doc, _pl("report.no_data"), 12, "B", align="C")

    _heading(doc, _pl("report.pdf.part1"), 13)
    _heading(doc, _pl("report.pdf.results_heading"), 11, keep=12 + 6 * (len(f.results) + 1))
    rows = [(_pl("results.result"), _pl("report.col.target"), _pl("results.achieved"), _pl("report.col.of_target"),
             _pl("results.status"))]
    for r in f.results.itertuples():
        unit = " " + _pl("results.per_week") if r.per_week else ""
        known = r.code in indicators.CATALOGUE
        rows.append((indicators.CATALOGUE[r.code].name("pl") if known else r.code, _num(r.target, 0) + unit,
                     indicators.text(r.code, r.achieved, "pl") if known else _num(r.achieved, 1), _pct(r.share),
                     _pl(f"results.light.{r.light}")))
    _grid(doc, rows, (60, 30, 24, 20, 40), align="LRRRL")
    _text(doc, _pl("report.pdf.results_note"), 8)

    _heading(doc, _pl("report.pdf.actions_heading"), 11)
    if not f.has_data:
        _text(doc, _pl("report.no_data"))
    else:
        for line in _actions(f):
            _text(doc, "• " + line)
            doc.ln(0.5)

    _heading(doc, _pl("report.pdf.part2"), 13, keep=20 + 6 * (len(f.budget_categories) + 2))
    _heading(doc, _pl("report.pdf.costs_by_category"), 11)
    if f.budget.empty:
        _text(doc, _pl("report.no_data"))
    else:
        rows = [(_pl("report.col.category"), _pl("report.col.planned"), _pl("report.col.actual"),
                 _pl("report.col.used"))]
        for r in f.budget_categories.itertuples():
            rows.append((f.names["category"].get(r.category_code, {}).get("pl", r.category_code), _money(r.planned),
                         _money(r.actual), _pct(r.share)))
        rows.append((_pl("report.pdf.total"), _value(f, "budget_planned"), _value(f, "budget_actual"),
                     _pct(f.values["budget_actual"] / f.values["budget_planned"] if f.values["budget_planned"]
                          else None)))
        _grid(doc, rows, (70, 36, 36, 32), total=True)
    _heading(doc, _pl("report.pdf.costs_by_source"), 11, keep=12 + 6 * (len(f.budget_sources) + 2))
    if f.budget.empty:
        _text(doc, _pl("report.no_data"))
    else:
        rows = [(_pl("report.col.source"), _pl("report.col.planned"), _pl("report.col.actual"), _pl("report.col.used"))]
        for r in f.budget_sources.itertuples():
            rows.append((f.names["source"].get(r.source_code, {}).get("pl", r.source_code), _money(r.planned),
                         _money(r.actual), _pct(r.share)))
        rows.append((_pl("report.pdf.total"), _value(f, "budget_planned"), _value(f, "budget_actual"),
                     _pct(f.values["budget_actual"] / f.values["budget_planned"] if f.values["budget_planned"]
                          else None)))
        _grid(doc, rows, (70, 36, 36, 32), total=True)
        if f.values["budget_actual"]:
            _text(doc, _named(f, ("grant_share_actual", "own_share_actual")) + ".", 9)
    _heading(doc, _pl("report.pdf.contribution_heading"), 11)
    names = {i: indicators.CATALOGUE[i].name("pl") for i in ("volunteer_hours_centre", "volunteer_value_centre",
                                                              "volunteers_centre", "in_kind_actual")}
    _text(doc, _pl("report.pdf.personal", hours_name=names["volunteer_hours_centre"],
                   hours=_value(f, "volunteer_hours_centre"), rate=_money(f.rate),
                   value_name=names["volunteer_value_centre"], value=_value(f, "volunteer_value_centre"),
                   volunteers_name=names["volunteers_centre"], volunteers=_value(f, "volunteers_centre")))
    doc.ln(0.5)
    _text(doc, _pl("report.pdf.in_kind", name=names["in_kind_actual"], value=_value(f, "in_kind_actual")))
    in_kind_lines = f.budget[(f.budget["kind"] == "in_kind") & (f.budget["actual"] > 0)] if len(f.budget) else f.budget
    for r in in_kind_lines.itertuples():
        _text(doc, "  – " + f.names["category"].get(r.category_code, {}).get("pl", r.category_code) + ": "
              + _money(r.actual), 9)

    _heading(doc, _pl("report.pdf.part3"), 13)
    _text(doc, _pl("report.pdf.privacy"), 9)

    # The appendix: every indicator the report gives, its definition and its value (the XLSX's "Definicje").
    doc.add_page()
    _heading(doc, _pl("report.pdf.definitions_heading"), 13)
    _text(doc, _pl("indicator.definitions_intro"), 9)
    doc.ln(1)
    rows = [(_pl("indicator.col.indicator"), _pl("indicator.col.definition"), _pl("indicator.col.value"))]
    rows += [(indicators.CATALOGUE[i].name("pl"), indicators.CATALOGUE[i].definition("pl"), _value(f, i))
             for i in f.ids]
    _grid(doc, rows, (42, 100, 32), align="LLR")
    return bytes(doc.output())


# Part I.2: each service of the pilot and the indicators that measure it.
_ACTIONS = (
    ("report.pdf.service.education", ("events_held", "trainings_held", "participants", "attendance_rate", "rating")),
    ("report.pdf.service.advisory", ("advisory_sessions", "advisory_hours", "organisations_advised")),
    ("report.pdf.service.rooms", ("bookings_held", "no_show_rate", "room_hours_booked", "occupancy", "evenings_used",
                                  "evenings_open", "workstation_occupancy")),
    ("report.pdf.service.organisations", ("organisations_served", "new_organisations")),
    ("report.pdf.service.volunteers", ("volunteer_hours_centre", "volunteers_centre", "volunteer_value_centre",
                                       "volunteer_hours_register", "volunteers_register")),
    ("report.pdf.service.initiatives", ("initiatives_submitted", "initiative_osiedla")),
)


def _actions(f: Figures) -> list[str]:
    """Part I.2: one sentence per service of the pilot (S1–S4, volunteering, initiatives), each figure under its
    catalogue name; the cooperation meetings (S3, S4) as the events held of their types."""
    types = dict(zip(f.events_by_type["event_type"], f.events_by_type["events"]))
    lines = [f"{_pl(key)} — {_named(f, ids)}." for key, ids in _ACTIONS]
    if f.period.reaches_future and f.values["room_hours_planned"]:
        lines[2] = lines[2][:-1] + f" ({_named(f, ('room_hours_planned',))})."
    lines.insert(3, _pl("report.pdf.action_cooperation", events=indicators.CATALOGUE["events_held"].name("pl"),
                        integration=_num(types.get("integration_meeting", 0)),
                        consultation=_num(types.get("consultation_meeting", 0))))
    return lines


def file_name(date_from: date, date_to: date, extension: str) -> str:
    return f"sprawozdanie-{date_from.isoformat()}-{date_to.isoformat()}.{extension}"
