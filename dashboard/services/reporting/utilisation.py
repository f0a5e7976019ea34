"""Figures for the live utilisation page: the headline figures come from the indicator catalogue
(``indicators``), the charts — breakdowns of them — are aggregated here in DuckDB into small frames.

Each function takes a period (Warsaw dates, both ends included). Like the indicators they break down,
the charts of what the Centre did (occupancy, evenings, events, organisations, advice, volunteering)
count up to now; the bookings chart shows what is still to come apart. Every headline figure (``KPIS``)
also has its rows (``kpi_rows``, the catalogue's): the records it was computed from, so staff and the
coordinator can check any number the page or the Forum shows. Contact data in those rows goes through
``privacy.show`` (masked for the coordinator).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from dashboard.core import clock
from dashboard.core.errors import Message, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings
from dashboard.services.reporting import indicators
from dashboard.services.volunteers import work as volunteer_work
from db.connection import Database

PRESETS = ("week", "month", "quarter", "pilot", "year", "custom")
# Occupancy the Centre aims for (booked ÷ open hours): below the band the room is under-used,
# above it NGOs start to be turned away.
TARGET_OCCUPANCY = (0.5, 0.8)
LONG_DAY_END = indicators.LONG_DAY_END   # the open call's long day: the room open until 20:00 (twice a week)
EVENING_FROM = indicators.EVENING_FROM   # from here on a long day's hours count as its evening
LIVE_REFRESH_S = 30          # the page's live part reruns by itself this often
BOOKED = indicators.BOOKED   # what occupies a room's time
MAX_PERIOD_DAYS = 3 * 366    # longer periods are refused (nobody reads a decade of weeks)
# The page's headline figures: indicator ids of the catalogue, in the order shown (four to a row).
KPIS = ("organisations_served", "bookings_held", "no_show_rate", "occupancy",
        "events_held", "participants", "attendance_rate", "rating",
        "advisory_hours", "volunteer_hours_register", "volunteer_hours_centre", "volunteer_value_centre")
# The "now" strip above them: rooms in use now, bookings still to come today, today's events.
NOW_STRIP = ("resources_in_use", "bookings_planned", "events_scheduled")
# The writes made at the front desk all day (audit ``entity:action``). They change only what rests on bookings, so
# the page keeps the rest for the newest write *outside* them (``kept_stamps``) and reads again after one of them
# only what they can change. A demo fill or an import is none of them, whatever its entity; nor is anything else (a
# locker lent, a closure, an event…): after it, everything is read again.
# The calendar's writes: a booking made, moved, confirmed, marked a no-show or cancelled, a weekly series. None of
# them touches a booking that was held (only requested and confirmed ones can change), so an organisation served
# (``indicators.SERVED``: a booking held, a place at an event, advice) is not one of them.
CALENDAR_WRITES = ("booking:create", "booking:update", "booking:confirm", "booking:no_show", "booking:cancel",
                   "booking_series:create", "booking_series:cancel")
# ... and a check-in: a booking held, so an organisation served too.
BOOKING_WRITES = (*CALENDAR_WRITES, "booking:check_in")
# The headline figures in three parts, by the writes that change them: every booking write (the rooms' figures),
# a check-in but no other booking write (organisations served), and no booking write (events, advice, volunteering).
BOOKING_KPIS = tuple(k for k in KPIS if indicators.CATALOGUE[k].group == "rooms")
SERVED_KPIS = tuple(k for k in KPIS if indicators.CATALOGUE[k].group == "organisations")
OTHER_KPIS = tuple(k for k in KPIS if k not in BOOKING_KPIS + SERVED_KPIS)


def period(preset: str, today: date, pilot: tuple[date, date] | None = None,
           custom: tuple[date, date] | None = None) -> tuple[date, date]:
    """The dates a preset covers; the pilot's own dates come from the caller (they are data)."""
    if preset == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if preset == "month":
        start = today.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if preset == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first_month, 1)
        end_month = first_month + 2
        return start, (date(today.year, end_month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if preset == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if preset == "pilot" and pilot:
        return pilot
    if preset == "custom" and custom:
        return custom
    return today - timedelta(days=29), today


def pilot_period(db: Database) -> tuple[date, date]:
    """The pilot's dates (settings pilot_start / pilot_end; the open call's July–December by default)."""
    dates = app_settings.get_settings(db, {"pilot_start": "2026-07-01", "pilot_end": "2026-12-31"})  # one query
    return date.fromisoformat(dates["pilot_start"]), date.fromisoformat(dates["pilot_end"])


def check_period(date_from: object, date_to: object) -> tuple[date, date]:
    """Both ends given, as dates, in order and not absurdly long; else a ValidationError on ``period``."""
    if not isinstance(date_from, date) or not isinstance(date_to, date):
        raise ValidationError({"period": Message("forum.error.period_missing")})
    if isinstance(date_from, datetime) or isinstance(date_to, datetime):
        date_from, date_to = _day(date_from), _day(date_to)
    if date_from > date_to:
        raise ValidationError({"period": Message("error.period_reversed")})
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise ValidationError({"period": Message("forum.error.period_too_long", {"days": MAX_PERIOD_DAYS})})
    return date_from, date_to


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _bounds(date_from: date, date_to: date) -> list[datetime]:
    return [datetime.combine(date_from, time.min), datetime.combine(date_to + timedelta(days=1), time.min)]


def _took_place(date_from: date | datetime, date_to: date | datetime) -> list[datetime]:
    """``_bounds`` ending now at the latest: an event counts as delivered once it has started, so a period
    reaching into the future (this month, the pilot) never counts planned events as held."""
    if isinstance(date_from, datetime):
        start, end = date_from, date_to
    else:
        start, end = _bounds(date_from, date_to)
    return [start, min(end, clock.local_now())]


def _ids(resource_ids) -> list[int]:
    return [int(i) for i in (resource_ids or [])]


# -- opening hours ----------------------------------------------------------------------------------------------
# Each day each resource was open: the catalogue's rule (the opening-hours week in force that day, minus public
# holidays and staff closures — the rules of the compliance check).
_OPEN_DAYS = indicators.OPEN_DAYS
_open_days_params = indicators.open_days_params


def open_days(db: Database, resource_ids, date_from: date, date_to: date) -> pd.DataFrame:
    """Every day each resource was open: opens, closes and hours, in one query for all resources.

    The same rules as the compliance check (``reservations.compliance``): the opening-hours week in
    force that day, minus public holidays and staff closures.
    """
    ids = _ids(resource_ids)
    if not ids or date_from > date_to:
        return pd.DataFrame(columns=["resource_id", "day", "opens", "closes", "hours"])
    frame = db.query(_OPEN_DAYS + " order by g.resource_id, g.day", _open_days_params(ids, date_from, date_to))
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


# -- rooms --------------------------------------------------------------------------------------------------------
_OCCUPANCY_COLUMNS = ["week_start", "resource_id", "resource", "booked_hours", "open_hours", "occupancy"]


def _week_range(p, date_from: date) -> tuple[date, date]:
    """Mondays of the period's first week and of its last week up to today (the weeks a chart has columns for)."""
    last = min(p.date_to, p.today)
    return date_from - timedelta(days=date_from.weekday()), last - timedelta(days=last.weekday())


def _weekly_hours(db: Database, ids: list[int], date_from: date, date_to: date) -> pd.DataFrame:
    """Every resource × ISO week of the period up to now: hours open and hours booked, both counted only on the
    period's days and up to now — the catalogue's occupancy, week by week (a week at the period's edge holds
    only its days inside the period)."""
    p = indicators.period(date_from, date_to)
    if not ids or p.not_started:
        return pd.DataFrame(columns=_OCCUPANCY_COLUMNS)
    first_week, last_week = _week_range(p, date_from)
    frame = db.query(
        "with days as (" + indicators.OPEN_UNTIL_NOW + "), "
        "opened as (select resource_id, date_trunc('week', day)::date as week_start, sum(hours) as open_hours "
        "from days group by all), "
        "booked as (select resource_id, date_trunc('week', starts_at)::date as week_start, "
        "sum(epoch(least(ends_at, ?) - starts_at)) / 3600.0 as booked_hours from booking "
        "where starts_at >= ? and starts_at < ? and status <> 'cancelled' and list_contains(?::bigint[], resource_id) "
        "group by all), "
        "weeks as (select unnest(generate_series(?::date, ?::date, interval 7 day))::date as week_start) "
        "select w.week_start, r.id as resource_id, r.name as resource, "
        "coalesce(b.booked_hours, 0)::double as booked_hours, coalesce(o.open_hours, 0)::double as open_hours, "
        "case when coalesce(o.open_hours, 0) > 0 then coalesce(b.booked_hours, 0) / o.open_hours end as occupancy "
        "from weeks w cross join resource r "
        "left join opened o on o.resource_id = r.id and o.week_start = w.week_start "
        "left join booked b on b.resource_id = r.id and b.week_start = w.week_start "
        "where list_contains(?::bigint[], r.id) order by w.week_start, r.name",
        [*indicators.open_until_now_params(ids, p), p.now, p.start, p.cut, ids, first_week, last_week, ids])
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame[_OCCUPANCY_COLUMNS]


def _weeks_with_evenings(db: Database, ids: list[int], date_from: date, date_to: date) -> pd.DataFrame:
    """``_weekly_hours`` and ``evening_use`` of every resource in one pass over the opening hours and the
    bookings: per resource × week, the hours open and booked and the occupancy, and the long days' evenings
    (``evenings``, ``used``, ``evening_open``, ``evening_booked``) — the page reads both, and each pass over
    the opening hours and the period's bookings is the costly part of either.

    The period's bookings are added up once per resource and day (hours booked, and those past the evening's
    start), that is joined to the open days, and the week's figures are one GROUP BY of that: one aggregate and
    one join fewer than a pass per figure, the same sums (checked equal on the city dataset)."""
    p = indicators.period(date_from, date_to)
    columns = [*_OCCUPANCY_COLUMNS, "evenings", "used", "evening_open", "evening_booked"]
    if not ids or p.not_started:
        return pd.DataFrame(columns=columns)
    first_week, last_week = _week_range(p, date_from)
    frame = db.query(
        "with days as (" + indicators.OPEN_UNTIL_NOW + "), "
        "bd as (select resource_id, starts_at::date as day, sum(epoch(least(ends_at, ?) - starts_at)) / 3600.0 "
        "as booked, count(*) filter (where ends_at > starts_at::date + ?::time) as late, "
        "sum(epoch(least(ends_at, ?) - greatest(starts_at, starts_at::date + ?::time))) "
        "filter (where ends_at > starts_at::date + ?::time) / 3600.0 as late_hours from booking "
        "where starts_at >= ? and starts_at < ? and status <> 'cancelled' and list_contains(?::bigint[], resource_id) "
        "group by all), "
        "per as (select coalesce(d.resource_id, bd.resource_id) as resource_id, "
        "date_trunc('week', coalesce(d.day, bd.day))::date as week_start, sum(d.hours) as open_hours, "
        "count(*) filter (where d.evening) as evenings, sum(greatest(0, date_diff('second', ?::time, "
        "case when d.day < ? then d.closes else least(d.closes, ?::time) end)) / 3600.0) filter (where d.evening) "
        "as evening_open, sum(bd.booked) as booked_hours, count(*) filter (where d.evening and bd.late > 0) as used, "
        "sum(greatest(bd.late_hours, 0)) filter (where d.evening and bd.late > 0) as evening_booked "
        "from days d full join bd on bd.resource_id = d.resource_id and bd.day = d.day group by all), "
        "weeks as (select unnest(generate_series(?::date, ?::date, interval 7 day))::date as week_start) "
        "select w.week_start, r.id as resource_id, r.name as resource, "
        "coalesce(x.booked_hours, 0)::double as booked_hours, coalesce(x.open_hours, 0)::double as open_hours, "
        "case when coalesce(x.open_hours, 0) > 0 then coalesce(x.booked_hours, 0) / x.open_hours end as occupancy, "
        "coalesce(x.evenings, 0)::int as evenings, coalesce(x.used, 0)::int as used, "
        "coalesce(x.evening_open, 0)::double as evening_open, coalesce(x.evening_booked, 0)::double as evening_booked "
        "from weeks w cross join resource r left join per x on x.resource_id = r.id and x.week_start = w.week_start "
        "where list_contains(?::bigint[], r.id) order by w.week_start, r.name",
        [*indicators.open_until_now_params(ids, p), p.now, EVENING_FROM, p.now, EVENING_FROM, EVENING_FROM,
         p.start, p.cut, ids, EVENING_FROM, p.today, p.now.time(), first_week, last_week, ids])
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame[columns]


def _week_sums(weeks: pd.DataFrame, ids: list[int], columns: tuple[str, ...]) -> tuple[object, dict]:
    """The rows of the resources ``ids`` added up per ``week_start`` (weeks in order): the weeks, and each column's
    sums. In numpy: a pandas GROUP BY of these few rows cost ~2 ms of every refresh, these sums ~0.2 ms."""
    mask = np.isin(weeks["resource_id"].to_numpy(dtype="int64"), np.asarray(ids, dtype="int64"))
    codes, keys = pd.factorize(weeks["week_start"].to_numpy()[mask], sort=True)
    return keys, {c: np.bincount(codes, weights=weeks[c].to_numpy(dtype="float64")[mask],
                                 minlength=len(keys)).astype("float64", copy=False) for c in columns}


def _evenings_of(weeks: pd.DataFrame, ids: list[int]) -> pd.DataFrame:
    """``evening_use`` of the resources ``ids`` from a ``_weeks_with_evenings`` frame: their weeks with a long
    day, added up."""
    keys, sums = _week_sums(weeks, ids, ("evenings", "used", "evening_open", "evening_booked"))
    keep = sums["evenings"] > 0
    return pd.DataFrame({"week_start": pd.Series(keys[keep], dtype=object),
                         "evenings": sums["evenings"][keep].astype("int32"), "used": sums["used"][keep].astype("int32"),
                         "open_hours": sums["evening_open"][keep], "booked_hours": sums["evening_booked"][keep]})


def room_occupancy(db: Database, actor: Actor, date_from: date, date_to: date,
                   resource_ids: list[int]) -> pd.DataFrame:
    """Per resource and ISO week: hours booked (every booking not cancelled) ÷ hours the resource was open,
    both up to now and on the period's days only, so the weeks add up to the catalogue's occupancy."""
    require(actor, "read")
    return _weekly_hours(db, _ids(resource_ids), date_from, date_to)


def total_occupancy(frame: pd.DataFrame) -> pd.DataFrame:
    """The rooms of a ``room_occupancy`` frame together: per week, all booked ÷ all open hours."""
    if frame.empty:
        return pd.DataFrame(columns=["week_start", "booked_hours", "open_hours", "occupancy"])
    out = frame.groupby("week_start", as_index=False)[["booked_hours", "open_hours"]].sum()
    out["occupancy"] = (out["booked_hours"] / out["open_hours"]).where(out["open_hours"] > 0)
    return out


def heatmap(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> pd.DataFrame:
    """Booked half-hours, up to now, by weekday (0 = Monday) and hour of day."""
    require(actor, "read")
    p = indicators.period(date_from, date_to)
    return db.query(
        "select isodow(s.slot_start) - 1 as weekday, hour(s.slot_start) as hour, count(*) / 2.0 as booked_hours "
        "from booking_slot s where s.slot_start >= ? and s.slot_start < ? and list_contains(?, s.resource_id) "
        "group by all order by 1, 2",
        [p.start, p.cut, _ids(resource_ids)],
    )


def attendance(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> dict:
    """Of the chosen resources' bookings that already happened (begun by now): held, no-shows, the no-show
    rate, evening use and the people present."""
    require(actor, "read")
    p = indicators.period(date_from, date_to)
    row = db.one(
        "select count(*) filter (where status = 'checked_in'), count(*) filter (where status = 'no_show'), "
        "count(*) filter (where status in ('checked_in', 'no_show') and ends_at > starts_at::date + interval 18 hour), "
        "coalesce(sum(actual_attendance) filter (where status = 'checked_in'), 0) "
        "from booking where starts_at >= ? and starts_at < ? and list_contains(?, resource_id)",
        [p.start, p.cut, _ids(resource_ids)],
    )
    held, no_show, evening, people = (int(v or 0) for v in row)
    done = held + no_show
    return {"held": held, "no_show": no_show, "no_show_rate": (no_show / done) if done else None,
            "evening": evening, "people": people}


def booking_outcomes(db: Database, actor: Actor, date_from: date, date_to: date,
                     resource_ids: list[int]) -> pd.DataFrame:
    """Bookings per week by what became of them: held (checked in), no-show, or still to come."""
    require(actor, "read")
    frame = db.query(
        "select date_trunc('week', starts_at)::date as week_start, status, count(*) as bookings from booking "
        "where starts_at >= ? and starts_at < ? and list_contains(?, resource_id) and status in "
        "('requested', 'confirmed', 'checked_in', 'no_show') group by all order by 1, 2",
        [*_bounds(date_from, date_to), _ids(resource_ids)])
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame


def evening_use(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> pd.DataFrame:
    """Per week, the long days (a room open until 20:00) whose evening has begun, and how they were used.

    ``evenings``: room-days open until 20:00; ``used``: those with a booking begun by now lasting past 18:00;
    ``open_hours`` / ``booked_hours``: the evening hours open and booked on those days, up to now — the
    catalogue's evenings_open and evenings_used, week by week.
    """
    require(actor, "read")
    columns = ["week_start", "evenings", "used", "open_hours", "booked_hours"]
    ids = _ids(resource_ids)
    p = indicators.period(date_from, date_to)
    if not ids or p.not_started:
        return pd.DataFrame(columns=columns)
    frame = db.query(
        "with days as (" + indicators.OPEN_UNTIL_NOW + "), "
        "per as (select resource_id, starts_at::date as day, sum(epoch(least(ends_at, ?) - greatest(starts_at, "
        "starts_at::date + ?::time))) / 3600.0 as booked_hours from booking "
        "where starts_at >= ? and starts_at < ? and list_contains(?::bigint[], resource_id) and status <> 'cancelled' "
        "and ends_at > starts_at::date + ?::time group by all) "
        "select date_trunc('week', d.day)::date as week_start, count(*)::int as evenings, "
        "count(per.day)::int as used, "
        "sum(greatest(0, date_diff('second', ?::time, case when d.day < ? then d.closes "
        "else least(d.closes, ?::time) end)) / 3600.0)::double as open_hours, "
        "coalesce(sum(greatest(per.booked_hours, 0)), 0)::double as booked_hours "
        "from days d left join per on per.resource_id = d.resource_id and per.day = d.day where d.evening "
        "group by 1 order by 1",
        [*indicators.open_until_now_params(ids, p), p.now, EVENING_FROM, p.start, p.cut, ids, EVENING_FROM,
         EVENING_FROM, p.today, p.now.time()])
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame[columns]


def workstation_use(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """All workstations (S2's computer access) together, per week: booked ÷ open hours, up to now."""
    require(actor, "read")
    return _workstations(_weekly_hours(db, _workstation_ids(db), date_from, date_to), _workstation_ids(db))


def _workstation_ids(db: Database) -> list[int]:
    return [int(r[0]) for r in db.rows("select id from resource where kind = 'workstation' order by id")]


def _workstations(weekly: pd.DataFrame, desks: list[int]) -> pd.DataFrame:
    """The workstations' rows of a ``_weekly_hours`` frame added up per week: ``total_occupancy`` of them, in numpy
    (``_week_sums``) when there are any."""
    if not np.isin(weekly["resource_id"].to_numpy(dtype="int64"), np.asarray(desks, dtype="int64")).any():
        return total_occupancy(weekly.iloc[0:0])[["week_start", "booked_hours", "open_hours", "occupancy"]]
    keys, sums = _week_sums(weekly, desks, ("booked_hours", "open_hours"))
    booked, opened = sums["booked_hours"], sums["open_hours"]
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(opened > 0, booked / opened, np.nan)
    return pd.DataFrame({"week_start": pd.Series(keys, dtype=object), "booked_hours": booked, "open_hours": opened,
                         "occupancy": occupancy})


def lockers_occupied(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Per day: lockers held by an organisation (assigned that day, or its key still out) of all lockers."""
    require(actor, "read")
    if date_from > date_to:
        return pd.DataFrame(columns=["day", "occupied", "lockers"])
    frame = db.query(
        "with days as (select unnest(generate_series(?::date, ?::date, interval 1 day))::date as day), "
        "lockers as (select id from resource where kind = 'locker' and active) "
        "select d.day, count(distinct a.resource_id) as occupied, (select count(*) from lockers) as lockers "
        "from days d left join locker_assignment a on a.resource_id in (select id from lockers) and ("
        "(a.date_from <= d.day and coalesce(a.date_to, d.day) >= d.day) or (a.key_handed_on <= d.day "
        "and (a.key_returned_on is null or a.key_returned_on > d.day))) group by d.day order by d.day",
        [date_from, date_to])
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


# -- events ---------------------------------------------------------------------------------------------------------
# Events that took place in the period: the catalogue's events held (not cancelled, first session inside the
# period and begun by now). Parameters: ``_took_place``.
_EVENTS = indicators.EVENTS_HELD


def events_by_type_topic(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Events that took place (not cancelled, first session in the period) by type and topic."""
    require(actor, "read")
    return db.query(
        "select e.event_type, t.topic_code as topic, count(distinct e.id) as events from event e "
        "join event_topic t on t.event_id = e.id where e.id in (" + _EVENTS + ") group by all order by 1, 2",
        _took_place(date_from, date_to),
    )


def events_by_type(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Events that took place per type (each event once)."""
    require(actor, "read")
    return db.query("select event_type, count(*) as events from event where id in (" + _EVENTS + ") "
                    "group by 1 order by 2 desc, 1", _took_place(date_from, date_to))


def events_by_topic(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Events that took place per education topic (T1–T6…; an event with two topics counts in both)."""
    require(actor, "read")
    return db.query(
        "select t.code as topic, t.name_pl, t.name_en, count(distinct et.event_id) as events from topic t "
        "join event_topic et on et.topic_code = t.code where et.event_id in (" + _EVENTS + ") "
        "group by all order by min(t.sort)", _took_place(date_from, date_to))


def events_summary(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    """The catalogue's events held, participants, attendance rate (present marks ÷ marks) and average rating,
    with the marks and ratings they rest on."""
    v = indicators.values(db, actor, date_from, date_to,
                          ("events_held", "participants", "attendance_rate", "rating"))
    return {"events": int(v["events_held"]), "participants": int(v["participants"]),
            "attendance_rate": v["attendance_rate"], "marks": int(v.bases["attendance_rate"] or 0),
            "rating": v["rating"], "ratings": int(v.bases["rating"] or 0)}


# -- organisations --------------------------------------------------------------------------------------------------
# Every service an organisation received, with the day, once it took place: the catalogue's rows.
_SERVED = indicators.SERVED


def organisations_served(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    """Unique organisations served in the period up to now (rooms, events, advisory): the pilot's headline."""
    v = indicators.values(db, actor, date_from, date_to, ("organisations_served",))
    return {"organisations": int(v["organisations_served"])}


def organisations_by_service(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """How many organisations used each service (rooms, events, advisory) in the period, up to now."""
    require(actor, "read")
    p = indicators.period(date_from, date_to)
    return db.query(
        "select kind, count(distinct organisation_id) as organisations from (" + _SERVED + ") "
        "where served_on between ? and ? group by 1 order by case kind when 'booking' then 0 "
        "when 'event' then 1 else 2 end", [*indicators.served_params(db, p), date_from, date_to])


def new_organisations_by_month(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """The catalogue's new organisations, per month of their first service."""
    require(actor, "read")
    p = indicators.period(date_from, date_to)
    # The catalogue's new-organisation rows (``indicators.rows``), counted per month in DuckDB: a month's
    # figure, not a row per organisation, comes back.
    # Each organisation's first recorded service is found before its row is joined: ~2,000 organisations
    # joined, not every service.
    frame = db.query(
        "with s as (" + indicators.SERVED + "), "
        "f as (select organisation_id, min(served_on) as first_recorded from s group by 1), "
        "n as (select least(f.first_recorded, o.first_served_on) as first_on from f "
        "join organisation o on o.id = f.organisation_id "
        "where least(f.first_recorded, o.first_served_on) >= ? and f.first_recorded <= ?) "
        "select date_trunc('month', first_on)::timestamp as month, count(*) as organisations from n "
        "group by 1 order by 1", [*indicators.served_params(db, p), p.date_from, p.date_to])
    return frame.astype({"month": "datetime64[ns]", "organisations": "int64"})


# -- advisory and volunteers ----------------------------------------------------------------------------------------
def advisory_hours(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    """The catalogue's advisory sessions, hours and organisations advised in the period, up to today."""
    v = indicators.values(db, actor, date_from, date_to,
                          ("advisory_sessions", "advisory_hours", "organisations_advised"))
    return {"sessions": int(v["advisory_sessions"]), "hours": float(v["advisory_hours"]),
            "organisations": int(v["organisations_advised"])}


def _last_day(date_to: date) -> date:
    return min(date_to, clock.today())


def advisory_by_month(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Advisory hours and sessions per month, up to today."""
    require(actor, "read")
    return db.query("select date_trunc('month', held_on)::date as month, sum(duration_min) / 60.0 as hours, "
                    "count(*) as sessions from advisory where held_on between ? and ? group by 1 order by 1",
                    [date_from, _last_day(date_to)])


def advisory_by_topic(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Advisory hours and sessions per education topic, up to today."""
    require(actor, "read")
    return db.query("select t.code as topic, t.name_pl, t.name_en, sum(a.duration_min) / 60.0 as hours, "
                    "count(*) as sessions from advisory a join topic t on t.code = a.topic_code "
                    "where a.held_on between ? and ? group by all order by min(t.sort)",
                    [date_from, _last_day(date_to)])


def volunteer_hours(db: Database, actor: Actor, date_from: date, date_to: date) -> dict | None:
    """Every approved hour in the register up to today (the catalogue's volunteer_hours_register), how many people
    gave them and in how many entries; ``value_pln`` at the configured rate."""
    require(actor, "read")
    summary = volunteer_work.hours_summary(db, actor, date_from, _last_day(date_to))
    return {"hours": float(summary["hours"]), "value_pln": summary["value_pln"], "rate": summary["rate_pln"],
            "volunteers": int(summary["volunteers"]), "entries": int(summary["entries"])}


def volunteer_by_month(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Approved hours in the register and the number of volunteers per month, up to today."""
    require(actor, "read")
    # The register's approved hours by month straight from volunteer_hours (what ``volunteer_work.totals(…,
    # "month")`` adds up, without its joins for hosts' and volunteers' names, which a month does not show).
    frame = db.query(
        "select date_trunc('month', work_date)::date as month, sum(hours)::double as hours, "
        "count(distinct volunteer_id) as volunteers, count(*) as entries from volunteer_hours "
        "where status = 'approved' and work_date between ? and ? group by 1 order by 1",
        [date_from, _last_day(date_to)])
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["value_pln"] = (frame["hours"] * volunteer_work.hourly_rate(db)).round(2)
    return frame[["month", "hours", "value_pln", "volunteers", "entries"]]


# -- local initiatives ----------------------------------------------------------------------------------------------
def initiatives_by_stage(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Initiatives submitted in the period up to today, by the stage they are in now (procedure order, non-empty)."""
    require(actor, "read")
    return db.query(
        "select s.code as stage, s.name_pl, s.name_en, count(*) as initiatives from initiative i "
        "join initiative_stage s on s.code = i.stage where i.submitted_on between ? and ? "
        "group by all order by min(s.sort)", [date_from, _last_day(date_to)])


def initiatives_by_osiedle(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Initiatives submitted in the period up to today per osiedle (housing estate), most first."""
    require(actor, "read")
    return db.query(
        "select o.name as osiedle, count(*) as initiatives from initiative i join osiedle o on o.id = i.osiedle_id "
        "where i.submitted_on between ? and ? group by all order by 2 desc, 1", [date_from, _last_day(date_to)])


# -- now ------------------------------------------------------------------------------------------------------------
def now_strip(db: Database, actor: Actor, now: datetime) -> dict:
    """Rooms in use right now, the next bookings today, and today's events (the lists behind the "now" strip;
    its figures are the catalogue's ``NOW_STRIP``)."""
    return {**_now_booking_lists(db, actor, now), **_now_event_lists(db, actor, now)}


def _now_booking_lists(db: Database, actor: Actor, now: datetime) -> dict:
    """The strip's rooms in use and next bookings: apart from the events, which no booking write changes."""
    require(actor, "read")
    in_use = db.query(
        "select r.name as resource, o.name as organisation, b.ends_at from booking b join resource r on r.id = b.resource_id "
        "join organisation o on o.id = b.organisation_id where b.starts_at <= ? and b.ends_at > ? "
        "and b.status in ('requested', 'confirmed', 'checked_in') order by r.name, b.id", [now, now])
    upcoming = db.query(
        "select r.name as resource, o.name as organisation, b.starts_at, b.ends_at from booking b "
        "join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
        "where b.starts_at > ? and b.starts_at < ?::date + interval 1 day "
        "and b.status in ('requested', 'confirmed') order by b.starts_at, r.name, b.id limit 5", [now, now])
    return {"in_use": in_use, "upcoming": upcoming}


def _now_event_lists(db: Database, actor: Actor, now: datetime) -> dict:
    """Today's event sessions, not cancelled, in the order they start."""
    require(actor, "read")
    events = db.query(
        "select e.title, s.starts_at, s.ends_at from event_session s join event e on e.id = s.event_id "
        "where s.starts_at >= ?::date and s.starts_at < ?::date + interval 1 day and e.status <> 'cancelled' "
        "order by s.starts_at, e.title, s.id", [now, now])
    return {"events": events}


def period_has_data(db: Database, actor: Actor, date_from: date, date_to: date) -> bool:
    """Whether anything was recorded in the period (bookings, events, advice, volunteering, initiatives).

    Lockers alone do not count: an assignment "until further notice" would make every future period look used.
    """
    require(actor, "read")
    start, end = _bounds(date_from, date_to)
    checks = [
        ("select 1 from booking where starts_at >= ? and starts_at < ? and status <> 'cancelled' limit 1", [start, end]),
        ("select 1 from event_session where starts_at >= ? and starts_at < ? limit 1", [start, end]),
        ("select 1 from advisory where held_on between ? and ? limit 1", [date_from, date_to]),
        ("select 1 from volunteer_hours where work_date between ? and ? limit 1", [date_from, date_to]),
        ("select 1 from initiative where submitted_on between ? and ? limit 1", [date_from, date_to]),
    ]
    return any(db.one(sql, params) for sql, params in checks)


# -- the page's reads, one per live part ------------------------------------------------------------------------------
# Every chart of the page, in the order shown. ``chart_frames`` returns one small frame for each.
CHARTS = ("occupancy", "heatmap", "outcomes", "evenings", "workstations", "lockers", "events", "new_orgs",
          "advisory", "volunteers", "stages", "osiedla")


def now_figures(db: Database, actor: Actor, now: datetime) -> dict:
    """The "now" strip of a minute: its lists (``now_strip``) and its figures (the catalogue's ``NOW_STRIP``) —
    the bookings' part and the events' part (``now_bookings``, ``now_events``) together."""
    return merged_now(now_bookings(db, actor, now), now_events(db, actor, now))


# The "now" strip's figures that rest on bookings; today's events are the other part (no booking write changes it).
NOW_BOOKINGS = ("resources_in_use", "bookings_planned")


def now_bookings(db: Database, actor: Actor, now: datetime) -> dict:
    """The "now" strip's rooms in use and bookings still to come today: their lists and their figures."""
    return {"lists": _now_booking_lists(db, actor, now),
            "values": indicators.values(db, actor, now.date(), now.date(), NOW_BOOKINGS, at=now)}


def now_events(db: Database, actor: Actor, now: datetime) -> dict:
    """The "now" strip's events today: their list and their figure."""
    ids = tuple(i for i in NOW_STRIP if i not in NOW_BOOKINGS)
    return {"lists": _now_event_lists(db, actor, now),
            "values": indicators.values(db, actor, now.date(), now.date(), ids, at=now)}


def merged_now(*parts: dict) -> dict:
    """The parts of a minute's "now" strip as ``now_figures`` gives it (lists and figures in the strip's order)."""
    lists = {name: frame for part in parts for name, frame in part["lists"].items()}
    values = {i: v for part in parts for i, v in part["values"].values.items()}
    bases = {i: v for part in parts for i, v in part["values"].bases.items()}
    first = parts[0]["values"]
    return {"lists": {name: lists[name] for name in ("in_use", "upcoming", "events")},
            "values": indicators.Values(first.date_from, first.date_to, first.now,
                                        {i: values[i] for i in NOW_STRIP}, {i: bases[i] for i in NOW_STRIP})}


def chart_frames(db: Database, actor: Actor, date_from: date, date_to: date,
                 resource_ids: list[int]) -> dict[str, pd.DataFrame] | None:
    """Every chart's frame of the period (``CHARTS``), small and aggregated in DuckDB; None when nothing was
    recorded in the period (``period_has_data``).

    The bookings' frames (``booking_frames``), new organisations (``served_frames``) and the others
    (``other_frames``) together: the page keeps them apart, so a booking write reads again only what it can change
    (see ``BOOKING_WRITES``).
    """
    bookings = booking_frames(db, actor, date_from, date_to, resource_ids)
    if bookings is None:
        return None
    return merged_frames(bookings, served_frames(db, actor, date_from, date_to),
                         other_frames(db, actor, date_from, date_to))


# The charts in the same three parts as the headline figures (``BOOKING_KPIS``, ``SERVED_KPIS``, ``OTHER_KPIS``).
BOOKING_CHARTS = ("occupancy", "heatmap", "outcomes", "evenings", "workstations")
SERVED_CHARTS = ("new_orgs",)
OTHER_CHARTS = tuple(c for c in CHARTS if c not in BOOKING_CHARTS + SERVED_CHARTS)


def merged_frames(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The parts' frames of one period as ``chart_frames`` gives them (in ``CHARTS`` order)."""
    every = {name: frame for part in parts for name, frame in part.items()}
    return {name: every[name] for name in CHARTS}


def booking_frames(db: Database, actor: Actor, date_from: date, date_to: date,
                   resource_ids: list[int]) -> dict[str, pd.DataFrame] | None:
    """The frames of ``BOOKING_CHARTS``; None when nothing was recorded in the period (any area: whether the page
    has charts at all is read again after every write). The rooms' and the workstations' weeks come from one pass
    over the opening hours."""
    require(actor, "read")
    if not period_has_data(db, actor, date_from, date_to):
        return None
    ids, desks = _ids(resource_ids), _workstation_ids(db)
    weekly = _weeks_with_evenings(db, sorted(set(ids) | set(desks)), date_from, date_to)
    return {
        "occupancy": weekly.loc[weekly["resource_id"].isin(ids), _OCCUPANCY_COLUMNS].reset_index(drop=True),
        "heatmap": heatmap(db, actor, date_from, date_to, ids),
        "outcomes": booking_outcomes(db, actor, date_from, date_to, ids),
        "evenings": _evenings_of(weekly, ids),
        "workstations": _workstations(weekly[_OCCUPANCY_COLUMNS], desks).reset_index(drop=True),
    }


def served_frames(db: Database, actor: Actor, date_from: date, date_to: date) -> dict[str, pd.DataFrame]:
    """The frames of ``SERVED_CHARTS``: new organisations per month (a check-in changes them, no other booking
    write does)."""
    return {"new_orgs": new_organisations_by_month(db, actor, date_from, date_to)}


def other_frames(db: Database, actor: Actor, date_from: date, date_to: date) -> dict[str, pd.DataFrame]:
    """The frames of ``OTHER_CHARTS`` (lockers, events, advice, volunteering, initiatives): no booking write changes
    them. Events carry their topics' names (``topic_pl``, ``topic_en``) beside the codes."""
    require(actor, "read")
    events = db.query(
        "select e.event_type, t.topic_code as topic, coalesce(any_value(tp.name_pl), t.topic_code) as topic_pl, "
        "coalesce(any_value(tp.name_en), any_value(tp.name_pl), t.topic_code) as topic_en, "
        "count(distinct e.id) as events from event e join event_topic t on t.event_id = e.id "
        "left join topic tp on tp.code = t.topic_code where e.id in (" + _EVENTS + ") "
        "group by e.event_type, t.topic_code order by 1, 2", _took_place(date_from, date_to))
    return {
        "lockers": lockers_occupied(db, actor, date_from, date_to),
        "events": events,
        "advisory": advisory_by_month(db, actor, date_from, date_to),
        "volunteers": volunteer_by_month(db, actor, date_from, date_to),
        "stages": initiatives_by_stage(db, actor, date_from, date_to),
        "osiedla": initiatives_by_osiedle(db, actor, date_from, date_to),
    }


# How many of the newest audit rows ``kept_stamps`` looks through first: the log grows by every write the app makes,
# and the newest write outside the front desk's is almost always among the last ones.
KEPT_WINDOW = 1000


def kept_stamps(db: Database, stamp: int) -> dict[str, int]:
    """What the page keeps its parts for, as of the data's ``stamp`` (0: no such write yet): ``served`` — the newest
    audit row up to ``stamp`` that is no calendar write (``CALENDAR_WRITES``), and ``other`` — the newest that is
    no booking write at all (``BOOKING_WRITES``). One small query per new stamp: the last ``KEPT_WINDOW`` rows
    first, the whole log only when none of them is outside the front desk's."""
    for newer_than in (int(stamp) - KEPT_WINDOW, -1):
        served, other = db.one(
            "select max(id) filter (where not list_contains(?::varchar[], entity || ':' || action)), "
            "max(id) filter (where not list_contains(?::varchar[], entity || ':' || action)) "
            "from audit_log where id <= ? and id > ?", [list(CALENDAR_WRITES), list(BOOKING_WRITES), int(stamp),
                                                        newer_than])
        if other is not None:
            break
    return {"served": int(served or 0), "other": int(other or 0)}


def area_available(db: Database, area: str) -> bool:
    """Whether the tables behind an area exist (kept for callers; every area's migration now runs)."""
    table = {"volunteers": "volunteer_hours", "initiatives": "initiative"}.get(area, area)
    return bool(db.scalar("select count(*) from information_schema.tables where table_name = ?", [table]))


def _centre(db: Database) -> int | None:
    """The Centre's own organisation (its events' room bookings) is not a served organisation."""
    return indicators.centre_id(db)


# -- the rows behind each KPI: the catalogue's ----------------------------------------------------------------------
def kpi_figures(db: Database, actor: Actor, date_from: date, date_to: date,
                resource_ids: list[int] | None = None) -> dict:
    """Every headline figure of the page, keyed as ``KPIS`` (None: nothing to compute it from). They are the
    Centre's (every room), whatever resources the page's charts show."""
    return dict(indicators.values(db, actor, date_from, date_to, KPIS).values)


def kpi_rows(db: Database, actor: Actor, kpi: str, date_from: date, date_to: date,
             resource_ids: list[int] | None = None) -> pd.DataFrame:
    """The records one KPI was computed from, as the role may see them (the catalogue's ``rows``).

    The figure follows from the rows (see ``figure_from_rows``): a count is the number of rows, hours
    are the sum of ``hours``, a rate is the mean of its 0/1 column, the rating the mean of ``rating``.
    """
    require(actor, "read")
    if kpi not in KPIS:
        raise ValidationError({"kpi": Message("forum.error.kpi_unknown", {"kpi": kpi})})
    return indicators.rows(db, actor, kpi, date_from, date_to)


def volunteer_rows(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Approved volunteer-hour entries of the period (every host) up to today with their value; names only for
    roles that see them."""
    require(actor, "read")
    return indicators.rows(db, actor, "volunteer_hours_register", date_from, date_to)


def figure_from_rows(kpi: str, rows: pd.DataFrame) -> float | None:
    """What a KPI's rows add up to: the same number the page shows (a check anyone can redo in a sheet)."""
    return indicators.value_from_rows(kpi, rows)
