"""The indicator catalogue: every figure the product shows about the pilot, defined once.

An indicator has a stable id, a name and a one-sentence definition in both languages (i18n keys
``indicator.<id>`` and ``indicator.<id>.definition``), a unit, the rule by which its rows give its
value (a count of the rows, the sum or mean of a column, a ratio of two columns' sums, a count of
distinct values) and a group: the grouped query that computes it together with its neighbours. Every
surface — home, Wykorzystanie, Rezultaty, Budżet, the report's XLSX and PDF, the Forum and its PPTX,
the "Wiersze" trace — reads its figures here (``values``) and the rows behind them here (``rows``);
none computes an indicator itself, so one label never carries two values.

Delivered means delivered: an indicator of what the Centre did (``kind == "delivered"``) counts only
what took place up to now (``clock.local_now()``) — a booking held, an event whose first session has
begun, advice and volunteer work dated up to today. What is booked later in the period is a separate,
"planned" figure. Register figures (``kind == "state"``) are the register as it is now; budget figures
count costs dated in the whole period (the volunteer valuation in them up to now).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import pandas as pd

from dashboard.core import clock, i18n, privacy
from dashboard.core.errors import Message, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services import reservations
from dashboard.services.admin import app_settings
from dashboard.services.volunteers import work as volunteer_work
from db.connection import Database

LONG_DAY_END = time(20, 0)   # the open call's long day: a room open until 20:00
EVENING_FROM = time(18, 0)   # from here on a long day counts as its evening
BOOKED = ("requested", "confirmed", "checked_in", "no_show")  # what occupies a resource's time
VOLUNTEER_CATEGORY = "volunteering"   # the budget category the volunteer valuation lands in


@dataclass(frozen=True)
class Indicator:
    """One figure of the pilot. ``rule`` says how ``rows`` give the value: ``count`` (rows), ``sum`` / ``mean``
    (of ``column``), ``ratio`` (sum of ``column`` ÷ sum of ``denominator``), ``distinct`` (values of ``column``)."""

    id: str
    unit: str                      # count | hours | pln | share | rating | per_week
    rule: str
    group: str
    kind: str = "delivered"        # delivered | planned | state | budget
    column: str | None = None
    denominator: str | None = None
    digits: int = 0                # decimals a screen shows
    people: bool = False           # a count of natural persons: a public slide shows 1 to 4 as "<5"

    @property
    def name_key(self) -> str:
        return f"indicator.{self.id}"

    @property
    def definition_key(self) -> str:
        return f"indicator.{self.id}.definition"

    def name(self, lang: str | None = None) -> str:
        return i18n.translate(lang or i18n.current_language(), self.name_key)

    def definition(self, lang: str | None = None) -> str:
        return i18n.translate(lang or i18n.current_language(), self.definition_key)


def _i(id: str, unit: str, rule: str, group: str, **kw) -> Indicator:
    return Indicator(id, unit, rule, group, **kw)


# The catalogue, in the order a definitions list shows it.
CATALOGUE: dict[str, Indicator] = {i.id: i for i in (
    # organisations
    _i("organisations_served", "count", "count", "organisations"),
    _i("new_organisations", "count", "count", "organisations"),
    # rooms and workstations (S2)
    _i("bookings_held", "count", "count", "rooms"),
    _i("no_show_rate", "share", "mean", "rooms", column="no_show"),
    _i("room_hours_booked", "hours", "sum", "rooms", column="hours", digits=1),
    _i("room_hours_planned", "hours", "sum", "rooms", kind="planned", column="hours", digits=1),
    _i("room_hours_open", "hours", "sum", "rooms", column="hours", digits=1),
    _i("occupancy", "share", "ratio", "rooms", column="booked_hours", denominator="open_hours"),
    _i("evenings_open", "count", "count", "rooms"),
    _i("evenings_used", "count", "sum", "rooms", column="used"),
    _i("workstation_occupancy", "share", "ratio", "rooms", column="booked_hours", denominator="open_hours"),
    _i("room_hours_per_week", "per_week", "mean", "weeks", column="hours_open", digits=1),
    _i("evenings_per_week", "per_week", "mean", "weeks", column="evenings", digits=1),
    # education (S1)
    _i("events_held", "count", "count", "events"),
    _i("trainings_held", "count", "count", "events"),
    _i("participants", "count", "count", "events", people=True),
    _i("attendance_rate", "share", "mean", "events", column="present"),
    _i("rating", "rating", "mean", "events", column="rating", digits=1),
    _i("advisory_sessions", "count", "count", "advisory"),
    _i("advisory_hours", "hours", "sum", "advisory", column="hours", digits=1),
    _i("organisations_advised", "count", "distinct", "advisory", column="organisation_id"),
    # volunteering (F1): the Centre's own opportunities, and the whole register
    _i("volunteer_hours_centre", "hours", "sum", "volunteers", column="hours", digits=1),
    _i("volunteer_value_centre", "pln", "sum", "volunteers", column="value_pln", digits=2),
    _i("volunteers_centre", "count", "distinct", "volunteers", column="volunteer_id", people=True),
    _i("volunteer_hours_register", "hours", "sum", "volunteers", column="hours", digits=1),
    _i("volunteers_register", "count", "distinct", "volunteers", column="volunteer_id", people=True),
    # local initiatives (F1)
    _i("initiatives_submitted", "count", "count", "initiatives"),
    _i("initiative_osiedla", "count", "distinct", "initiatives", column="osiedle"),
    # the calendar (booked or planned, not delivered)
    _i("bookings_scheduled", "count", "count", "rooms", kind="planned"),
    _i("bookings_planned", "count", "count", "rooms", kind="planned"),
    _i("events_scheduled", "count", "count", "schedule", kind="planned"),
    # the register and the house as they are now
    _i("resources_in_use", "count", "count", "now", kind="state"),
    _i("organisations_registered", "count", "count", "register", kind="state"),
    _i("osiedla_reached", "count", "distinct", "register", kind="state", column="osiedle"),
    _i("waitlisted", "count", "count", "register", kind="state"),
    # the budget
    _i("budget_planned", "pln", "sum", "budget", kind="budget", column="planned", digits=2),
    _i("budget_actual", "pln", "sum", "budget", kind="budget", column="actual", digits=2),
    _i("grant_planned", "pln", "sum", "budget", kind="budget", column="planned", digits=2),
    _i("grant_actual", "pln", "sum", "budget", kind="budget", column="actual", digits=2),
    _i("grant_used_share", "share", "ratio", "budget", kind="budget", column="actual", denominator="planned"),
    _i("grant_share_planned", "share", "ratio", "budget", kind="budget", column="grant_planned",
       denominator="planned"),
    _i("own_share_planned", "share", "ratio", "budget", kind="budget", column="own_planned", denominator="planned"),
    _i("grant_share_actual", "share", "ratio", "budget", kind="budget", column="grant_actual", denominator="actual"),
    _i("own_share_actual", "share", "ratio", "budget", kind="budget", column="own_actual", denominator="actual"),
    _i("in_kind_actual", "pln", "sum", "budget", kind="budget", column="actual", digits=2),
)}
IDS = tuple(CATALOGUE)


def get(indicator_id: str) -> Indicator:
    """The indicator of an id; a ValidationError (``indicator``) for an id the catalogue does not know."""
    try:
        return CATALOGUE[indicator_id]
    except (KeyError, TypeError):
        raise ValidationError({"indicator": Message("indicator.error.unknown", {"id": indicator_id})}) from None


# -- the period ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A period of Warsaw dates (both ends included) as of a moment: what "up to now" cuts at."""

    date_from: date
    date_to: date
    now: datetime

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.date_to + timedelta(days=1), time.min)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def cut(self) -> datetime:
        """Activity counts up to here: the period's end, or now when the period has not ended."""
        return max(self.start, min(self.end, self.now))

    @property
    def last_day(self) -> date:
        """The last day of the period counted for dated activity (advice, volunteer work): today at the latest."""
        return min(self.date_to, self.today)

    @property
    def reaches_future(self) -> bool:
        return self.end > self.now

    @property
    def not_started(self) -> bool:
        return self.start > self.now


def period(date_from: date, date_to: date, now: datetime | None = None) -> Period:
    return Period(date_from, date_to, now or clock.local_now())


# -- row sources (SQL) ---------------------------------------------------------------------------------------------
# Each day each resource was open: the opening-hours week in force that day, minus public holidays and
# staff closures — the rules of the compliance check (``reservations.compliance``). Parameters: ``open_days_params``.
OPEN_DAYS = (
    "with grid as (select r.resource_id, d.day::date as day, isodow(d.day) - 1 as weekday "
    "from (select unnest(?::bigint[]) as resource_id) r, "
    "(select unnest(generate_series(?::date, ?::date, interval 1 day)) as day) d) "
    "select g.resource_id, g.day, h.opens, h.closes, date_diff('second', h.opens, h.closes) / 3600.0 as hours "
    "from grid g asof join opening_hours h on g.resource_id = h.resource_id and g.weekday = h.weekday "
    "and g.day >= h.valid_from where h.opens is not null and not list_contains(?::date[], g.day) and not exists "
    "(select 1 from closure c where c.cancelled_at is null and (c.resource_id is null or c.resource_id = g.resource_id) "
    "and g.day between c.date_from and c.date_to)"
)


def open_days_params(ids: list[int], date_from: date, date_to: date) -> list:
    holidays = [day for year in range(date_from.year, date_to.year + 1) for day in _holidays(year)
                if date_from <= day <= date_to]
    return [ids, date_from, date_to, holidays]


@lru_cache(maxsize=32)
def _holidays(year: int) -> tuple[date, ...]:
    """The public holidays of a year (the compliance check's list), worked out once per process."""
    first = date(year, 1, 1)
    return tuple(first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)
                 if reservations.holiday_name(first + timedelta(days=i)))


# Open days up to now: ``OPEN_DAYS`` with each day's hours cut at now (today's) and whether its evening
# (a long day, from 18:00) has begun. Parameters: open_days_params, now's time ×2, today ×2.
OPEN_UNTIL_NOW = (
    "select o.resource_id, o.day, o.opens, o.closes, "
    "case when o.day < ? then o.hours else greatest(0, date_diff('second', o.opens, least(o.closes, ?::time))) "
    "/ 3600.0 end as hours, o.closes >= ?::time and (o.day < ? or ?::time >= ?::time) as evening "
    "from (" + OPEN_DAYS + ") o"
)


def open_until_now_params(ids: list[int], p: Period) -> list:
    last = min(p.date_to, p.today)
    return [p.today, p.now.time(), LONG_DAY_END, p.today, p.now.time(), EVENING_FROM,
            *open_days_params(ids, p.date_from, last)]


# Every service an organisation received, with its day, once it has taken place: a booking held (checked in;
# not the Centre's own, which are its events' rooms), a place at an event whose session has begun, advice given.
# Parameters: the Centre's organisation id, now, now, today.
SERVED = (
    "select organisation_id, starts_at::date as served_on, 'booking' as kind, id as ref from booking "
    "where status = 'checked_in' and organisation_id <> coalesce(?, -1) and starts_at < ? "
    "union all select n.organisation_id, s.starts_at::date, 'event', n.event_id from enrolment n "
    "join event_session s on s.event_id = n.event_id join event e on e.id = n.event_id "
    "where n.status = 'enrolled' and n.organisation_id is not null and e.status <> 'cancelled' and s.starts_at < ? "
    "union all select organisation_id, held_on, 'advisory', id from advisory where held_on <= ?"
)


def served_params(db: Database, p: Period) -> list:
    return [centre_id(db), p.now, p.now, p.today]


# Events held: not cancelled, the first session inside the period and begun by now. Parameters: start, cut.
EVENTS_HELD = ("select e.id from event e join event_session s on s.event_id = e.id where e.status <> 'cancelled' "
               "group by e.id having min(s.starts_at) >= ? and min(s.starts_at) < ?")


def centre_id(db: Database) -> int | None:
    """The Centre's own organisation: it is not a served organisation, and not in the register's counts."""
    value = app_settings.get_setting(db, "centre_organisation_id")
    return int(value) if value is not None else None


def _ids_of(db: Database, kind: str) -> list[int]:
    """Every resource of a kind, retired ones too: what was booked in a room counts whatever became of it."""
    return [int(i) for i in reservations.resources(db, kind=kind, active_only=False)["id"]]


# -- the grouped computations -------------------------------------------------------------------------------------
# Each returns {indicator id: (value, base)}: ``base`` is how many records a rate or a mean rests on
# (a public slide hides a rate built on fewer than five).
Result = dict[str, tuple[float | None, int | None]]


# The period's bookings that occupy time, and every booking figure of them (``_rooms``). Parameters: start, end;
# then now ×9.
_PERIOD_BOOKINGS = (
    "b as materialized (select b.resource_id, r.kind, b.status, b.starts_at, b.ends_at from booking b "
    "join resource r on r.id = b.resource_id where b.starts_at >= ? and b.starts_at < ? and b.status <> 'cancelled')")
_BOOKING_FIGURES = (
    "agg as (select count(*) filter (where kind = 'room' and status = 'checked_in' and starts_at < ?) as held, "
    "count(*) filter (where kind = 'room' and status = 'no_show' and starts_at < ?) as no_show, "
    "coalesce(sum(epoch(least(ends_at, ?) - starts_at)) filter (where kind = 'room' and starts_at < ?), 0) "
    "/ 3600.0 as room_booked, "
    "coalesce(sum(epoch(ends_at - greatest(starts_at, ?))) filter (where kind = 'room' and ends_at > ?), 0) "
    "/ 3600.0 as room_planned, "
    "coalesce(sum(epoch(least(ends_at, ?) - starts_at)) filter (where kind = 'workstation' and starts_at < ?), 0) "
    "/ 3600.0 as desk_booked, count(*) as scheduled, count(*) filter (where starts_at >= ?) as later from b)")
# The rooms' figures that rest on opening hours: only they need the (costly) pass over the open days.
_OPENING_FIGURES = frozenset({"room_hours_open", "occupancy", "evenings_open", "evenings_used",
                              "workstation_occupancy"})


def _booking_figures(held, no_show, booked, planned, scheduled, later) -> Result:
    done = int(held) + int(no_show)
    return {"bookings_held": (float(held), None), "no_show_rate": (no_show / done if done else None, done),
            "room_hours_booked": (float(booked), None), "room_hours_planned": (float(planned), None),
            "bookings_scheduled": (float(scheduled), None), "bookings_planned": (float(later), None)}


def _rooms(db: Database, p: Period, wanted: frozenset[str] | None = None) -> Result:
    """One scan of the period's bookings for every booking figure — held, no-shows, hours booked up to now and
    after it, the calendar — joined to the rooms' and workstations' open days up to now for opening hours,
    evenings and occupancy (so occupancy is exactly room hours booked ÷ room opening hours).

    ``wanted`` (None: all): when none of them rests on opening hours (the "now" strip's bookings still to come
    today), only the booking figures are computed, by the same aggregate over the same bookings — the open days
    cost most of the query and would change none of those figures. Without workstation occupancy (the utilisation
    page's rooms), only the rooms' open days are worked out: a quarter of the grid, the rooms' figures the same,
    and ``workstation_occupancy`` left out of the result."""
    if wanted is not None and not wanted & _OPENING_FIGURES:
        row = db.one("with " + _PERIOD_BOOKINGS + ", " + _BOOKING_FIGURES + " "
                     "select held, no_show, room_booked, room_planned, scheduled, later from agg",
                     [p.start, p.end, *[p.now] * 9])
        return _booking_figures(*row)
    with_desks = wanted is None or "workstation_occupancy" in wanted
    kinds = db.rows("select id, kind from resource where kind in ('room', 'workstation') order by id")
    rooms = [int(i) for i, kind in kinds if kind == "room"]
    desks = [int(i) for i, kind in kinds if kind == "workstation" and with_desks]
    if p.not_started or not (rooms or desks):
        days, day_params = ("select null::bigint as resource_id, null::date as day, null::double as hours, "
                            "null::boolean as evening where false"), []
    else:
        days, day_params = OPEN_UNTIL_NOW, open_until_now_params(rooms + desks, p)
    row = db.one(
        "with " + _PERIOD_BOOKINGS + ", days as (" + days + "), "
        "eve as (select resource_id, starts_at::date as day from b where kind = 'room' and starts_at < ? "
        "and ends_at > starts_at::date + ?::time group by all), " + _BOOKING_FIGURES + ", "
        "opened as (select coalesce(sum(d.hours) filter (where list_contains(?::bigint[], d.resource_id)), 0)::double "
        "as room_open, count(*) filter (where list_contains(?::bigint[], d.resource_id) and d.evening) as evenings, "
        "count(e.day) filter (where list_contains(?::bigint[], d.resource_id) and d.evening) as used, "
        "coalesce(sum(d.hours) filter (where list_contains(?::bigint[], d.resource_id)), 0)::double as desk_open "
        "from days d left join eve e on e.resource_id = d.resource_id and e.day = d.day) "
        "select held, no_show, room_booked, room_planned, desk_booked, scheduled, later, room_open, evenings, used, "
        "desk_open from agg, opened",
        [p.start, p.end, *day_params, p.now, EVENING_FROM, *[p.now] * 9, rooms, rooms, rooms, desks])
    held, no_show, booked, planned, desk_booked, scheduled, later, room_open, evenings, used, desk_open = row
    found = {**_booking_figures(held, no_show, booked, planned, scheduled, later),
             "room_hours_open": (float(room_open), None), "evenings_open": (float(evenings), None),
             "evenings_used": (float(used), None),
             "occupancy": (float(booked) / room_open if room_open else None, None)}
    if with_desks:
        found["workstation_occupancy"] = (float(desk_booked) / desk_open if desk_open else None, None)
    return found


def _weeks_range(p: Period) -> tuple[date, date] | None:
    """The Mondays of the ISO weeks lying wholly inside the period that have ended by now (first, last)."""
    first = p.date_from + timedelta(days=(7 - p.date_from.weekday()) % 7)
    last = min(p.date_to - timedelta(days=6), p.today - timedelta(days=7))
    last -= timedelta(days=last.weekday())
    return (first, last) if first <= last else None


def room_weeks(db: Database, p: Period) -> pd.DataFrame:
    """Per whole ISO week of the period ended by now, the room open longest: its hours open, and the most days
    any room was open until 20:00 — what the open call's terms (Q1, Q2) are checked on."""
    columns = ["week_start", "room", "hours_open", "evenings"]
    weeks, rooms = _weeks_range(p), reservations.resources(db, kind="room")
    if weeks is None or rooms.empty:
        return pd.DataFrame(columns=columns)
    ids = [int(i) for i in rooms["id"]]
    frame = db.query(
        "with days as (" + OPEN_DAYS + "), "
        "per as (select resource_id, date_trunc('week', day)::date as week_start, sum(hours) as hours_open, "
        "count(*) filter (where closes >= ?::time) as evenings from days group by all), "
        "weeks as (select unnest(generate_series(?::date, ?::date, interval 7 day))::date as week_start), "
        "grid as (select w.week_start, r.id, r.name, r.ord from weeks w cross join "
        "(select unnest(?::bigint[]) as id, unnest(?::varchar[]) as name, unnest(?::int[]) as ord) r) "
        "select g.week_start, arg_max(g.name, coalesce(per.hours_open, 0) * 1000000 - g.ord) as room, "
        "max(coalesce(per.hours_open, 0))::double as hours_open, max(coalesce(per.evenings, 0))::int as evenings "
        "from grid g left join per on per.resource_id = g.id and per.week_start = g.week_start "
        "group by g.week_start order by g.week_start",
        [*open_days_params(ids, weeks[0], weeks[1] + timedelta(days=6)), LONG_DAY_END, weeks[0], weeks[1],
         ids, list(rooms["name"]), list(range(len(ids)))])
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame[columns]


def _weeks(db: Database, p: Period) -> Result:
    weeks = room_weeks(db, p)
    n = len(weeks)
    return {"room_hours_per_week": (float(weeks["hours_open"].mean()) if n else None, n),
            "evenings_per_week": (float(weeks["evenings"].mean()) if n else None, n)}


def _events(db: Database, p: Period) -> Result:
    row = db.one(
        # The attendance marks of the events held are counted in one pass, present and all together.
        "with ev as materialized (select e.id, e.event_type from event e where e.id in (" + EVENTS_HELD + ")), "
        "marks as (select count(*) filter (where a.present) as present, count(*) as marks from attendance a "
        "join enrolment n on n.id = a.enrolment_id where n.event_id in (select id from ev)) "
        "select (select count(*) from ev), (select count(*) from ev where event_type = 'training'), "
        "(select count(*) from enrolment n where n.event_id in (select id from ev) and n.status = 'enrolled'), "
        "marks.present, marks.marks, "
        "(select avg(f.rating) from feedback f where f.event_id in (select id from ev)), "
        "(select count(*) from feedback f where f.event_id in (select id from ev)) from marks", [p.start, p.cut])
    events, trainings, participants, present, marks, rating, ratings = row
    return {"events_held": (float(events), None), "trainings_held": (float(trainings), None),
            "participants": (float(participants), None),
            "attendance_rate": (present / marks if marks else None, int(marks)),
            "rating": (float(rating) if rating is not None else None, int(ratings))}


def _schedule(db: Database, p: Period) -> Result:
    count = db.scalar("select count(distinct s.event_id) from event_session s join event e on e.id = s.event_id "
                      "where e.status <> 'cancelled' and s.starts_at >= ? and s.starts_at < ?", [p.start, p.end])
    return {"events_scheduled": (float(count or 0), None)}


def _organisations(db: Database, p: Period, wanted: frozenset[str] | None = None) -> Result:
    """Organisations served in the period and new ones (first served in it). ``wanted`` (None: both): without
    new organisations, only the count served — each organisation's first service ever is the costly part."""
    if wanted is not None and "new_organisations" not in wanted:
        count = db.scalar("select count(distinct organisation_id) from (" + SERVED + ") where served_on between ? and ?",
                          [*served_params(db, p), p.date_from, p.date_to])
        return {"organisations_served": (float(count), None)}
    row = db.one(
        "with s as (" + SERVED + "), "
        "first as (select s.organisation_id, min(s.served_on) as first_recorded, "
        "least(min(s.served_on), any_value(o.first_served_on)) as first_on from s "
        "join organisation o on o.id = s.organisation_id group by 1) "
        "select (select count(distinct organisation_id) from s where served_on between ? and ?), "
        "(select count(*) from first where first_on >= ? and first_recorded <= ?)",
        [*served_params(db, p), p.date_from, p.date_to, p.date_from, p.date_to])
    return {"organisations_served": (float(row[0]), None), "new_organisations": (float(row[1]), None)}


def _advisory(db: Database, p: Period) -> Result:
    row = db.one("select count(*), coalesce(sum(duration_min), 0) / 60.0, count(distinct organisation_id) "
                 "from advisory where held_on between ? and ?", [p.date_from, p.last_day])
    return {"advisory_sessions": (float(row[0]), None), "advisory_hours": (float(row[1]), None),
            "organisations_advised": (float(row[2]), None)}


def _volunteers(db: Database, p: Period) -> Result:
    row = db.one(
        "select coalesce(sum(h.hours), 0)::double, count(distinct h.volunteer_id), "
        "coalesce(sum(h.hours) filter (where o.host_kind = 'centre'), 0)::double, "
        "count(distinct h.volunteer_id) filter (where o.host_kind = 'centre') "
        "from volunteer_hours h left join volunteer_assignment a on a.id = h.assignment_id "
        "left join volunteer_opportunity o on o.id = a.opportunity_id "
        "where h.status = 'approved' and h.work_date between ? and ?", [p.date_from, p.last_day])
    hours, people, centre_hours, centre_people = row
    return {"volunteer_hours_register": (float(hours), None), "volunteers_register": (float(people), None),
            "volunteer_hours_centre": (float(centre_hours), None), "volunteers_centre": (float(centre_people), None),
            "volunteer_value_centre": (round(float(centre_hours) * volunteer_work.hourly_rate(db), 2), None)}


def _initiatives(db: Database, p: Period) -> Result:
    row = db.one("select count(*), count(distinct osiedle_id) from initiative where submitted_on between ? and ?",
                 [p.date_from, p.last_day])
    return {"initiatives_submitted": (float(row[0]), None), "initiative_osiedla": (float(row[1]), None)}


def _now(db: Database, p: Period) -> Result:
    count = db.scalar("select count(*) from booking where starts_at <= ? and ends_at > ? "
                      "and status in ('requested', 'confirmed', 'checked_in')", [p.now, p.now])
    return {"resources_in_use": (float(count or 0), None)}


def _register(db: Database, p: Period) -> Result:
    row = db.one(
        "select count(*), count(distinct osiedle_id), (select count(*) from enrolment n join event e "
        "on e.id = n.event_id where n.status = 'waitlisted' and e.status in ('open', 'full')) "
        "from organisation where id <> coalesce(?, -1)", [centre_id(db)])
    return {"organisations_registered": (float(row[0]), None), "osiedla_reached": (float(row[1]), None),
            "waitlisted": (float(row[2]), None)}


def plan_vs_actual(db: Database, p: Period) -> pd.DataFrame:
    """The budget's lines: per category × source with a plan or a cost, planned (the whole budget years the period
    touches), actual (costs dated in the whole period; the register's source valued as volunteer_value_centre, up to
    today) and what is left. Columns: category_code, source_code, category_sort, source_sort, kind, planned, actual,
    remaining, share."""
    frame = db.query(
        "with planned as (select category_code, source_code, sum(amount_pln)::double as planned from budget_plan "
        "where year between ? and ? group by all), "
        "actual as (select category_code, source_code, sum(amount_pln)::double as actual from budget_cost "
        "where spent_on between ? and ? group by all) "
        "select c.code as category_code, s.code as source_code, c.sort as category_sort, s.sort as source_sort, "
        "s.kind, s.from_register, coalesce(p.planned, 0) as planned, coalesce(a.actual, 0) as actual "
        "from budget_category c cross join budget_source s "
        "left join planned p on p.category_code = c.code and p.source_code = s.code "
        "left join actual a on a.category_code = c.code and a.source_code = s.code order by c.sort, s.sort",
        [p.date_from.year, p.date_to.year, p.date_from, p.date_to])
    valued = _volunteers(db, p)["volunteer_value_centre"][0]
    register = frame["from_register"].astype(bool)
    frame.loc[register, "actual"] = 0.0
    frame.loc[register & (frame["category_code"] == VOLUNTEER_CATEGORY), "actual"] = valued
    frame = frame[(frame["planned"] != 0) | (frame["actual"] != 0)].drop(columns="from_register")
    frame["remaining"] = (frame["planned"] - frame["actual"]).round(2)
    frame["share"] = (frame["actual"] / frame["planned"]).where(frame["planned"] > 0)
    return frame.reset_index(drop=True)


def budget_lines(db: Database, actor: Actor, p: Period) -> pd.DataFrame:
    """The budget's lines (``plan_vs_actual``) with the columns the budget indicators add up."""
    frame = plan_vs_actual(db, p)
    grant = frame["kind"] == "grant"
    return frame.assign(grant_planned=frame["planned"].where(grant, 0.0),
                        own_planned=frame["planned"].where(~grant, 0.0),
                        grant_actual=frame["actual"].where(grant, 0.0),
                        own_actual=frame["actual"].where(~grant, 0.0))


def _budget(db: Database, p: Period, actor: Actor) -> Result:
    lines = budget_lines(db, actor, p)
    return {key: (value_from_rows(key, _budget_rows(key, lines)), None)
            for key, ind in CATALOGUE.items() if ind.group == "budget"}


def _budget_rows(indicator_id: str, lines: pd.DataFrame) -> pd.DataFrame:
    if indicator_id in ("grant_planned", "grant_actual", "grant_used_share"):
        return lines[lines["kind"] == "grant"]
    if indicator_id == "in_kind_actual":
        return lines[lines["kind"] == "in_kind"]
    return lines


_GROUPS: dict[str, Callable[..., Result]] = {
    "rooms": _rooms, "weeks": _weeks, "events": _events,
    "schedule": _schedule, "organisations": _organisations, "advisory": _advisory, "volunteers": _volunteers,
    "initiatives": _initiatives, "now": _now, "register": _register,
}
# Groups that compute only the figures asked for when that spares them a costly part (same rule, same rows).
_NARROWED = frozenset({"rooms", "organisations"})


@dataclass(frozen=True)
class Values:
    """The indicators of one period as of one moment: ``values[id]`` and ``bases[id]`` (records behind a rate)."""

    date_from: date
    date_to: date
    now: datetime
    values: dict[str, float | None] = field(default_factory=dict)
    bases: dict[str, int | None] = field(default_factory=dict)

    def __getitem__(self, indicator_id: str) -> float | None:
        return self.values[indicator_id]

    def get(self, indicator_id: str, default=None):
        return self.values.get(indicator_id, default)

    @property
    def period(self) -> Period:
        return Period(self.date_from, self.date_to, self.now)


def values(db: Database, actor: Actor, date_from: date, date_to: date,
           ids: Iterable[str] | None = None, at: datetime | None = None) -> Values:
    """The indicators ``ids`` (all by default) for the period, as of now (or ``at``, a Warsaw wall-clock moment);
    each group of them in one query."""
    require(actor, "read")
    wanted = list(ids) if ids is not None else list(IDS)
    for indicator_id in wanted:
        get(indicator_id)
    p = period(date_from, date_to, at)
    found: Result = {}
    computed: set = set()
    asked = frozenset(wanted)
    for group in dict.fromkeys(CATALOGUE[i].group for i in wanted):
        if group == "budget":
            found.update(_budget(db, p, actor))
        elif _GROUPS[group] not in computed:
            computed.add(_GROUPS[group])
            compute = _GROUPS[group]
            found.update(compute(db, p, asked) if group in _NARROWED else compute(db, p))
    return Values(date_from, date_to, p.now, {i: found[i][0] for i in wanted}, {i: found[i][1] for i in wanted})


# -- the rows behind each indicator ----------------------------------------------------------------------------------
def rows(db: Database, actor: Actor, indicator_id: str, date_from: date, date_to: date) -> pd.DataFrame:
    """The records an indicator was computed from, as the role may see them (contacts masked for the coordinator,
    volunteers' names only for roles that see personal data). ``value_from_rows`` of them is the indicator."""
    require(actor, "read")
    ind = get(indicator_id)
    p = period(date_from, date_to)
    if ind.group == "budget":
        return _budget_rows(indicator_id, budget_lines(db, actor, p))[
            ["category_code", "source_code", "kind", "planned", "actual", "grant_planned", "own_planned",
             "grant_actual", "own_actual"]].reset_index(drop=True)
    return _ROWS[indicator_id](db, actor, p)


def _served_rows(db: Database, actor: Actor, p: Period) -> pd.DataFrame:
    return db.query(
        "select o.id, o.name as organisation, min(s.served_on) as first_served_on, "
        "count(distinct s.ref) filter (where s.kind = 'booking') as bookings, "
        "count(distinct s.ref) filter (where s.kind = 'event') as events, "
        "count(distinct s.ref) filter (where s.kind = 'advisory') as advisory_sessions "
        "from (" + SERVED + ") s join organisation o on o.id = s.organisation_id "
        "where s.served_on between ? and ? group by all order by o.name, o.id",
        [*served_params(db, p), p.date_from, p.date_to])


def _new_rows(db: Database, actor: Actor, p: Period) -> pd.DataFrame:
    return db.query(
        "with s as (" + SERVED + ") select o.id, o.name as organisation, "
        "least(min(s.served_on), any_value(o.first_served_on)) as first_service_on, "
        "min(s.served_on) as first_recorded_on, any_value(o.first_served_on) as registered_first_served_on "
        "from s join organisation o on o.id = s.organisation_id group by o.id, o.name "
        "having least(min(s.served_on), any_value(o.first_served_on)) >= ? and min(s.served_on) <= ? "
        "order by first_service_on, o.name, o.id", [*served_params(db, p), p.date_from, p.date_to])


_BOOKING_COLUMNS = (
    "select b.id, b.starts_at::date as day, strftime(b.starts_at, '%H:%M') as starts, "
    "strftime(b.ends_at, '%H:%M') as ends, r.name as resource, o.name as organisation, b.contact_person, "
    "b.purpose, b.attendees, b.actual_attendance, b.status")


def _booking_rows(db: Database, p: Period, where: str, params: list, extra: str = "") -> pd.DataFrame:
    return db.query(
        _BOOKING_COLUMNS + extra + " from booking b join resource r on r.id = b.resource_id "
        "join organisation o on o.id = b.organisation_id where b.starts_at >= ? and b.starts_at < ? and " + where
        + " order by b.starts_at, b.id", [p.start, p.end, *params])


def _held_rows(db, actor, p):
    return _booking_rows(db, p, "r.kind = 'room' and b.status = 'checked_in' and b.starts_at < ?", [p.now])


def _no_show_rows(db, actor, p):
    return _booking_rows(db, p, "r.kind = 'room' and b.status in ('checked_in', 'no_show') and b.starts_at < ?",
                         [p.now], ", (b.status = 'no_show')::int as no_show")


def _hours_booked_rows(db, actor, p):
    return db.query(
        _BOOKING_COLUMNS + ", epoch(least(b.ends_at, ?) - b.starts_at) / 3600.0 as hours "
        "from booking b join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
        "where r.kind = 'room' and b.status <> 'cancelled' and b.starts_at < ? and b.starts_at >= ? "
        "and b.starts_at < ? order by b.starts_at, b.id", [p.now, p.now, p.start, p.end])


def _hours_planned_rows(db, actor, p):
    return db.query(
        _BOOKING_COLUMNS + ", epoch(b.ends_at - greatest(b.starts_at, ?)) / 3600.0 as hours "
        "from booking b join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
        "where r.kind = 'room' and b.status <> 'cancelled' and b.ends_at > ? and b.starts_at >= ? "
        "and b.starts_at < ? order by b.starts_at, b.id", [p.now, p.now, p.start, p.end])


def _scheduled_rows(db, actor, p):
    return db.query(
        _BOOKING_COLUMNS + " from booking b join resource r on r.id = b.resource_id "
        "join organisation o on o.id = b.organisation_id where b.status <> 'cancelled' and b.starts_at >= ? "
        "and b.starts_at < ? order by b.starts_at, b.id", [p.start, p.end])


def _planned_rows(db, actor, p):
    return db.query(
        _BOOKING_COLUMNS + " from booking b join resource r on r.id = b.resource_id "
        "join organisation o on o.id = b.organisation_id where b.status <> 'cancelled' and b.starts_at >= ? "
        "and b.starts_at >= ? and b.starts_at < ? order by b.starts_at, b.id", [p.now, p.start, p.end])


def _in_use_rows(db, actor, p):
    return db.query(
        _BOOKING_COLUMNS + " from booking b join resource r on r.id = b.resource_id "
        "join organisation o on o.id = b.organisation_id where b.starts_at <= ? and b.ends_at > ? "
        "and b.status in ('requested', 'confirmed', 'checked_in') order by r.name, b.id", [p.now, p.now])


def day_rows(db: Database, p: Period, kind: str) -> pd.DataFrame:
    """Per resource of a kind and day of the period up to now: hours open (today's up to now), hours booked
    up to now, and for rooms whether the day was a long one with its evening begun, and used."""
    columns = ["day", "resource", "opens", "closes", "open_hours", "booked_hours", "evening", "used"]
    ids = _ids_of(db, kind)
    if p.not_started or not ids:
        return pd.DataFrame(columns=columns)
    frame = db.query(
        "with days as (" + OPEN_UNTIL_NOW + "), "
        "b as (select b.resource_id, b.starts_at::date as day, b.starts_at, b.ends_at from booking b "
        "join resource r on r.id = b.resource_id where r.kind = ? and b.starts_at >= ? and b.starts_at < ? "
        "and b.status <> 'cancelled'), "
        "per as (select resource_id, day, sum(epoch(least(ends_at, ?) - starts_at)) / 3600.0 as booked_hours, "
        "bool_or(ends_at > day + ?::time) as evening_booked from b group by all) "
        "select coalesce(d.day, per.day) as day, r.name as resource, d.opens, d.closes, "
        "coalesce(d.hours, 0)::double as open_hours, coalesce(per.booked_hours, 0)::double as booked_hours, "
        "coalesce(d.evening, false)::int as evening, "
        "(coalesce(d.evening, false) and coalesce(per.evening_booked, false))::int as used "
        "from days d full join per on per.resource_id = d.resource_id and per.day = d.day "
        "join resource r on r.id = coalesce(d.resource_id, per.resource_id) order by 1, r.id",
        [*open_until_now_params(ids, p), kind, p.start, p.cut, p.now, EVENING_FROM])
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame[columns]


def _open_rows(db, actor, p):
    days = day_rows(db, p, "room")
    return days[days["open_hours"] > 0].rename(columns={"open_hours": "hours"})[
        ["day", "resource", "opens", "closes", "hours"]].reset_index(drop=True)


def _evening_rows(db, actor, p):
    days = day_rows(db, p, "room")
    return days[days["evening"] == 1][["day", "resource", "closes", "booked_hours", "used"]].reset_index(drop=True)


def _room_day_rows(db, actor, p):
    return day_rows(db, p, "room")[["day", "resource", "open_hours", "booked_hours"]]


def _desk_day_rows(db, actor, p):
    return day_rows(db, p, "workstation")[["day", "resource", "open_hours", "booked_hours"]]


def _week_rows(db, actor, p):
    return room_weeks(db, p)


_EVENT_ROWS = (
    "select e.id, e.title, e.event_type, min(s.starts_at) as first_session, count(s.id) as sessions, "
    "e.status, (select string_agg(t.topic_code, ', ' order by t.topic_code) from event_topic t "
    "where t.event_id = e.id) as topics, (select count(*) from enrolment n where n.event_id = e.id "
    "and n.status = 'enrolled') as participants from event e join event_session s on s.event_id = e.id "
    "where e.id in (" + EVENTS_HELD + ") {extra} group by all order by first_session, e.id")


def _events_rows(db, actor, p):
    return db.query(_EVENT_ROWS.replace("{extra}", ""), [p.start, p.cut])


def _trainings_rows(db, actor, p):
    return db.query(_EVENT_ROWS.replace("{extra}", "and e.event_type = 'training'"), [p.start, p.cut])


def _participant_rows(db, actor, p):
    frame = db.query(
        "select n.id, e.title as event, (select min(s.starts_at) from event_session s where s.event_id = e.id) "
        "as first_session, n.full_name, n.email, n.phone, coalesce(o.name, '') as organisation, n.walk_in "
        "from enrolment n join event e on e.id = n.event_id left join organisation o on o.id = n.organisation_id "
        "where n.status = 'enrolled' and n.event_id in (" + EVENTS_HELD + ") "
        "order by first_session, e.id, n.full_name, n.id", [p.start, p.cut])
    return contacts(frame, actor)


def _attendance_rows(db, actor, p):
    return db.query(
        "select s.starts_at as session, e.title as event, n.full_name, a.present::int as present "
        "from attendance a join enrolment n on n.id = a.enrolment_id join event_session s on s.id = a.session_id "
        "join event e on e.id = n.event_id where n.event_id in (" + EVENTS_HELD + ") "
        "order by s.starts_at, e.id, n.full_name, n.id", [p.start, p.cut])


def _rating_rows(db, actor, p):
    return db.query(
        "select e.id as event_id, e.title as event, f.rating, f.created_at::date as rated_on from feedback f "
        "join event e on e.id = f.event_id where f.event_id in (" + EVENTS_HELD + ") order by e.id, f.enrolment_id",
        [p.start, p.cut])


def _scheduled_event_rows(db, actor, p):
    return db.query(
        "select e.id, e.title, e.event_type, min(s.starts_at) as first_session, count(s.id) as sessions, e.status "
        "from event e join event_session s on s.event_id = e.id where e.status <> 'cancelled' "
        "and s.starts_at >= ? and s.starts_at < ? group by all order by first_session, e.id", [p.start, p.end])


def _advisory_rows(db, actor, p):
    return db.query(
        "select a.id, a.held_on, a.organisation_id, o.name as organisation, a.advisor, a.topic_code as topic, a.form, "
        "a.duration_min, a.duration_min / 60.0 as hours from advisory a join organisation o on o.id = a.organisation_id "
        "where a.held_on between ? and ? order by a.held_on, a.id", [p.date_from, p.last_day])


def volunteer_rows(db: Database, actor: Actor, p: Period, centre_only: bool) -> pd.DataFrame:
    """Approved volunteer-hour entries of the period up to today with their value; names only for roles that
    see them. ``centre_only``: the Centre's own opportunities."""
    columns = ["id", "work_date", "volunteer_id", "volunteer", "host_kind", "opportunity", "hours", "value_pln"]
    frame = db.query(
        "select h.id, h.work_date, h.volunteer_id, case when v.anonymised_at is null then v.last_name || ' ' "
        "|| v.first_name end as volunteer, o.host_kind, o.title as opportunity, h.hours::double as hours "
        "from volunteer_hours h join volunteer v on v.id = h.volunteer_id "
        "left join volunteer_assignment a on a.id = h.assignment_id "
        "left join volunteer_opportunity o on o.id = a.opportunity_id where h.status = 'approved' "
        "and h.work_date between ? and ? and (not ? or o.host_kind = 'centre') order by h.work_date, h.id",
        [p.date_from, p.last_day, centre_only])
    if not actor.can("personal"):
        frame["volunteer"] = None
    frame["value_pln"] = frame["hours"] * volunteer_work.hourly_rate(db)
    return frame[columns]


def _initiative_rows(db, actor, p):
    return db.query(
        "select i.id, i.title, i.submitted_on, s.name_pl as stage, o.name as osiedle from initiative i "
        "join osiedle o on o.id = i.osiedle_id left join initiative_stage s on s.code = i.stage "
        "where i.submitted_on between ? and ? order by i.submitted_on, i.id", [p.date_from, p.last_day])


def _organisation_rows(db, actor, p):
    return db.query(
        "select g.id, g.name as organisation, g.legal_form, o.name as osiedle from organisation g "
        "left join osiedle o on o.id = g.osiedle_id where g.id <> coalesce(?, -1) order by g.name, g.id",
        [centre_id(db)])


def _waitlist_rows(db, actor, p):
    return db.query(
        "select n.id, e.title as event, n.full_name, n.created_at::date as enrolled_on from enrolment n "
        "join event e on e.id = n.event_id where n.status = 'waitlisted' and e.status in ('open', 'full') "
        "order by e.id, n.id", [])


_ROWS: dict[str, Callable[[Database, Actor, Period], pd.DataFrame]] = {
    "organisations_served": _served_rows, "new_organisations": _new_rows,
    "bookings_held": _held_rows, "no_show_rate": _no_show_rows, "room_hours_booked": _hours_booked_rows,
    "room_hours_planned": _hours_planned_rows, "room_hours_open": _open_rows, "occupancy": _room_day_rows,
    "evenings_open": _evening_rows, "evenings_used": _evening_rows, "workstation_occupancy": _desk_day_rows,
    "room_hours_per_week": _week_rows, "evenings_per_week": _week_rows,
    "events_held": _events_rows, "trainings_held": _trainings_rows, "participants": _participant_rows,
    "attendance_rate": _attendance_rows, "rating": _rating_rows,
    "advisory_sessions": _advisory_rows, "advisory_hours": _advisory_rows, "organisations_advised": _advisory_rows,
    "volunteer_hours_centre": lambda db, a, p: volunteer_rows(db, a, p, True),
    "volunteer_value_centre": lambda db, a, p: volunteer_rows(db, a, p, True),
    "volunteers_centre": lambda db, a, p: volunteer_rows(db, a, p, True),
    "volunteer_hours_register": lambda db, a, p: volunteer_rows(db, a, p, False),
    "volunteers_register": lambda db, a, p: volunteer_rows(db, a, p, False),
    "initiatives_submitted": _initiative_rows, "initiative_osiedla": _initiative_rows,
    "bookings_scheduled": _scheduled_rows, "bookings_planned": _planned_rows, "events_scheduled": _scheduled_event_rows,
    "resources_in_use": _in_use_rows, "organisations_registered": _organisation_rows,
    "osiedla_reached": _organisation_rows, "waitlisted": _waitlist_rows,
}


def value_from_rows(indicator_id: str, frame: pd.DataFrame) -> float | None:
    """What an indicator's rows add up to by its rule: the same number every surface shows (a check anyone
    can redo in a spreadsheet)."""
    ind = get(indicator_id)
    if ind.rule == "count":
        return float(len(frame))
    if ind.rule == "sum":
        return float(frame[ind.column].sum()) if len(frame) else 0.0
    if ind.rule == "mean":
        return float(frame[ind.column].mean()) if len(frame) else None
    if ind.rule == "distinct":
        return float(frame[ind.column].dropna().nunique())
    denominator = float(frame[ind.denominator].sum()) if len(frame) else 0.0
    return float(frame[ind.column].sum()) / denominator if denominator else None


def contacts(frame: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """E-mail and phone as the role may see them (masked for the coordinator)."""
    for column in ("email", "phone"):
        if column not in frame.columns:
            continue
        seen: dict = {}
        frame[column] = [seen.setdefault(v, privacy.show(v, column, actor)) if isinstance(v, str) else ""
                         for v in frame[column]]
    return frame


# -- results against targets ----------------------------------------------------------------------------------------
def share_of_target(value: float | None, target: float | None) -> float | None:
    """The achieved value as a share of its target ("% celu"): the one way the results table, the report and the
    Forum compute it. None when not measured or when the target is zero."""
    if value is None or target is None or _missing(value) or _missing(target) or not target:
        return None
    return float(value) / float(target)


def _missing(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


# -- showing ------------------------------------------------------------------------------------------------------------
def text(indicator_id: str, value: float | None, lang: str | None = None) -> str:
    """The value as a screen writes it: counts whole, hours with one decimal, shares as "45,2 %", money in zł."""
    ind = get(indicator_id)
    lang = lang or i18n.current_language()
    if value is None or _missing(value):
        return "—"
    if ind.unit == "share":
        return i18n.fmt_number(value * 100, lang=lang, digits=1) + " %"
    if ind.unit == "pln":
        return i18n.fmt_money(value, lang=lang)
    return i18n.fmt_number(value, lang=lang, digits=ind.digits)


def definitions(ids: Iterable[str], lang: str) -> list[tuple[str, str]]:
    """(name, definition) of each indicator, in the order given, each once."""
    return [(CATALOGUE[i].name(lang), CATALOGUE[i].definition(lang)) for i in dict.fromkeys(ids)]


def scope_note(p: Period, lang: str | None = None) -> str | None:
    """What a period reaching into the future (or not started) means for the figures, or None."""
    lang = lang or i18n.current_language()
    if p.not_started:
        return i18n.translate(lang, "indicator.scope.not_started")
    if p.reaches_future:
        return i18n.translate(lang, "indicator.scope.until_now", now=i18n.fmt_datetime(p.now, lang))
    return None
