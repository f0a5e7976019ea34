"""Figures for the live utilisation page: every one aggregated in DuckDB into a small frame.

Each function takes a period (Warsaw dates, both ends included) and returns what one chart or
KPI needs (the volunteer and initiative tables exist since migrations 0004–0005). Every headline figure (``KPIS``) also has its rows (``kpi_rows``): the records it was
computed from, so staff and the coordinator can check any number the page or the Forum shows.
Contact data in those rows goes through ``privacy.show`` (masked for the coordinator).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard.core import clock
from dashboard.core import privacy
from dashboard.core.errors import Message, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings
from dashboard.services.reservations import reservations
from dashboard.services.volunteers import work as volunteer_work
from db.connection import Database

PRESETS = ("week", "month", "quarter", "pilot", "year", "custom")
# Occupancy the Centre aims for (booked ÷ open hours): below the band the room is under-used,
# above it NGOs start to be turned away.
TARGET_OCCUPANCY = (0.5, 0.8)
LONG_DAY_END = time(20, 0)   # the open call's long day: the room open until 20:00 (twice a week)
EVENING_FROM = time(18, 0)   # from here on a long day's hours count as its evening
LIVE_REFRESH_S = 30          # the page's live part reruns by itself this often
BOOKED = ("requested", "confirmed", "checked_in", "no_show")  # what occupies a room's time
MAX_PERIOD_DAYS = 3 * 366    # longer periods are refused (nobody reads a decade of weeks)
KPIS = ("organisations_served", "bookings_held", "no_show_rate", "events_held", "participants",
        "attendance_rate", "rating", "advisory_hours", "volunteer_hours")


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
    return (date.fromisoformat(app_settings.get_setting(db, "pilot_start", "2026-07-01")),
            date.fromisoformat(app_settings.get_setting(db, "pilot_end", "2026-12-31")))


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


def _whole_weeks(date_from: date, date_to: date) -> tuple[date, date]:
    return date_from - timedelta(days=date_from.weekday()), date_to + timedelta(days=6 - date_to.weekday())


# -- opening hours ----------------------------------------------------------------------------------------------
# Each day each resource was open (parameters: ``_open_days_params``): the opening-hours week in force that
# day, minus public holidays and staff closures — the rules of the compliance check.
_OPEN_DAYS = (
    "with grid as (select r.resource_id, d.day::date as day, isodow(d.day) - 1 as weekday "
    "from (select unnest(?::bigint[]) as resource_id) r, "
    "(select unnest(generate_series(?::date, ?::date, interval 1 day)) as day) d) "
    "select g.resource_id, g.day, h.opens, h.closes, date_diff('second', h.opens, h.closes) / 3600.0 as hours "
    "from grid g asof join opening_hours h on g.resource_id = h.resource_id and g.weekday = h.weekday "
    "and g.day >= h.valid_from where h.opens is not null and not list_contains(?::date[], g.day) and not exists "
    "(select 1 from closure c where c.cancelled_at is null and (c.resource_id is null or c.resource_id = g.resource_id) "
    "and g.day between c.date_from and c.date_to)"
)


def _open_days_params(ids: list[int], date_from: date, date_to: date) -> list:
    holidays = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)
                if reservations.holiday_name(date_from + timedelta(days=i))]
    return [ids, date_from, date_to, holidays]


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


def _week_start(days: pd.Series) -> pd.Series:
    return pd.Series([d - timedelta(days=d.weekday()) for d in days], index=days.index, dtype=object)


# -- rooms --------------------------------------------------------------------------------------------------------
def _occupancy_query(ids: list[int], date_from: date, date_to: date) -> tuple[str, list]:
    """Every resource × whole week of the period, its open and booked hours (aggregated in DuckDB)."""
    first, last = _whole_weeks(date_from, date_to)
    sql = (
        "with opened as (select resource_id, date_trunc('week', day)::date as week_start, sum(hours) as open_hours "
        "from (" + _OPEN_DAYS + ") group by all), "
        "booked as (select b.resource_id, date_trunc('week', b.starts_at)::date as week_start, "
        "sum(epoch(b.ends_at - b.starts_at)) / 3600.0 as booked_hours from booking b "
        "where b.starts_at >= ? and b.starts_at < ? and b.status in ('requested', 'confirmed', 'checked_in', 'no_show') "
        "and list_contains(?, b.resource_id) group by all), "
        "weeks as (select unnest(generate_series(?::date, ?::date, interval 7 day))::date as week_start) "
        "select w.week_start, r.id as resource_id, r.name as resource, "
        "coalesce(b.booked_hours, 0)::double as booked_hours, coalesce(o.open_hours, 0)::double as open_hours, "
        "case when coalesce(o.open_hours, 0) > 0 then coalesce(b.booked_hours, 0) / o.open_hours end as occupancy "
        "from weeks w cross join resource r "
        "left join opened o on o.resource_id = r.id and o.week_start = w.week_start "
        "left join booked b on b.resource_id = r.id and b.week_start = w.week_start "
        "where list_contains(?, r.id) order by w.week_start, r.name"
    )
    return sql, [*_open_days_params(ids, first, last), *_bounds(first, last), ids, first, last - timedelta(days=6), ids]


def room_occupancy(db: Database, actor: Actor, date_from: date, date_to: date,
                   resource_ids: list[int]) -> pd.DataFrame:
    """Per room and ISO week: hours booked (every booking not cancelled) ÷ hours the room was open.

    Weeks are whole ISO weeks overlapping the period, so a period starting on a Sunday does not
    show a week of one day at 0 %.
    """
    require(actor, "read")
    columns = ["week_start", "resource_id", "resource", "booked_hours", "open_hours", "occupancy"]
    ids = _ids(resource_ids)
    if not ids:
        return pd.DataFrame(columns=columns)
    sql, params = _occupancy_query(ids, date_from, date_to)
    frame = db.query(sql, params)
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame[columns]


def total_occupancy(frame: pd.DataFrame) -> pd.DataFrame:
    """The rooms of a ``room_occupancy`` frame together: per week, all booked ÷ all open hours."""
    if frame.empty:
        return pd.DataFrame(columns=["week_start", "booked_hours", "open_hours", "occupancy"])
    out = frame.groupby("week_start", as_index=False)[["booked_hours", "open_hours"]].sum()
    out["occupancy"] = (out["booked_hours"] / out["open_hours"]).where(out["open_hours"] > 0)
    return out


def heatmap(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> pd.DataFrame:
    """Booked half-hours by weekday (0 = Monday) and hour of day."""
    require(actor, "read")
    return db.query(
        "select isodow(s.slot_start) - 1 as weekday, hour(s.slot_start) as hour, count(*) / 2.0 as booked_hours "
        "from booking_slot s where s.slot_start >= ? and s.slot_start < ? and list_contains(?, s.resource_id) "
        "group by all order by 1, 2",
        [*_bounds(date_from, date_to), _ids(resource_ids)],
    )


def attendance(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> dict:
    """Of the bookings that already happened: held, no-shows, the no-show rate, and evening use."""
    require(actor, "read")
    row = db.one(
        "select count(*) filter (where status = 'checked_in'), count(*) filter (where status = 'no_show'), "
        "count(*) filter (where status in ('checked_in', 'no_show') and ends_at > starts_at::date + interval 18 hour), "
        "coalesce(sum(actual_attendance) filter (where status = 'checked_in'), 0) "
        "from booking where starts_at >= ? and starts_at < ? and list_contains(?, resource_id)",
        [*_bounds(date_from, date_to), _ids(resource_ids)],
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
    """Per week, the long days (a room open until 20:00) and how their evenings (from 18:00) were used.

    ``evenings``: room-days open until 20:00; ``used``: those with a booking in the evening;
    ``open_hours`` / ``booked_hours``: the evening hours open and booked on those days.
    """
    require(actor, "read")
    columns = ["week_start", "evenings", "used", "open_hours", "booked_hours"]
    ids = _ids(resource_ids)
    if not ids or date_from > date_to:
        return pd.DataFrame(columns=columns)
    frame = db.query(
        "with days as (select resource_id, day, closes from (" + _OPEN_DAYS + ") where closes >= ?), "
        "booked as (select resource_id, starts_at::date as day, sum(epoch(ends_at - greatest(starts_at, "
        "starts_at::date + ?::time))) / 3600.0 as booked_hours from booking "
        "where starts_at >= ? and starts_at < ? and list_contains(?, resource_id) and status in "
        "('requested', 'confirmed', 'checked_in', 'no_show') and ends_at > starts_at::date + ?::time group by all) "
        "select date_trunc('week', d.day)::date as week_start, count(*)::int as evenings, "
        "count(*) filter (where coalesce(b.booked_hours, 0) > 0)::int as used, "
        "sum(date_diff('second', ?::time, d.closes) / 3600.0)::double as open_hours, "
        "coalesce(sum(b.booked_hours), 0)::double as booked_hours "
        "from days d left join booked b on b.resource_id = d.resource_id and b.day = d.day "
        "group by 1 order by 1",
        [*_open_days_params(ids, date_from, date_to), LONG_DAY_END, EVENING_FROM, *_bounds(date_from, date_to), ids,
         EVENING_FROM, EVENING_FROM])
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame[columns]


def workstation_use(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """All workstations (S2's computer access) together, per week: booked ÷ open hours."""
    require(actor, "read")
    ids = [int(i) for i in reservations.resources(db, kind="workstation")["id"]]
    if not ids:
        return pd.DataFrame(columns=["week_start", "booked_hours", "open_hours", "occupancy"])
    sql, params = _occupancy_query(ids, date_from, date_to)
    frame = db.query(
        "select week_start, sum(booked_hours) as booked_hours, sum(open_hours) as open_hours, "
        "case when sum(open_hours) > 0 then sum(booked_hours) / sum(open_hours) end as occupancy "
        "from (" + sql + ") group by week_start order by week_start", params)
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame


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
# Events that took place in the period: not cancelled, first session inside it.
_EVENTS = ("select e.id from event e join event_session s on s.event_id = e.id where e.status <> 'cancelled' "
           "group by e.id having min(s.starts_at) >= ? and min(s.starts_at) < ?")


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
    """Events held, participants, attendance rate (present marks ÷ marks) and average rating."""
    require(actor, "read")
    row = db.one(
        "with ev as (" + _EVENTS + ") "
        "select (select count(*) from ev), "
        "(select count(*) from enrolment n where n.event_id in (select id from ev) and n.status = 'enrolled'), "
        "(select count(*) filter (where a.present) from attendance a join enrolment n on n.id = a.enrolment_id "
        " where n.event_id in (select id from ev)), "
        "(select count(*) from attendance a join enrolment n on n.id = a.enrolment_id where n.event_id in (select id from ev)), "
        "(select avg(f.rating) from feedback f where f.event_id in (select id from ev)), "
        "(select count(*) from feedback f where f.event_id in (select id from ev))",
        _took_place(date_from, date_to),
    )
    events, participants, present, marks, rating, ratings = row
    return {"events": int(events or 0), "participants": int(participants or 0),
            "attendance_rate": (present / marks) if marks else None, "marks": int(marks or 0),
            "rating": float(rating) if rating is not None else None, "ratings": int(ratings or 0)}


# -- organisations --------------------------------------------------------------------------------------------------
# Every service an organisation received, with the day: a room booking (not of the Centre's own
# events), a place at an event that took place, an advisory session.
_SERVED = (
    "select organisation_id, starts_at::date as served_on, 'booking' as kind, id as ref from booking "
    "where status in ('confirmed', 'checked_in') and organisation_id <> coalesce(?, -1) "
    "union all select n.organisation_id, s.starts_at::date, 'event', n.event_id from enrolment n "
    "join event_session s on s.event_id = n.event_id join event e on e.id = n.event_id "
    "where n.status = 'enrolled' and n.organisation_id is not null and e.status <> 'cancelled' "
    "union all select organisation_id, held_on, 'advisory', id from advisory"
)


def organisations_served(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    """Unique organisations served in the period (rooms, events, advisory): the pilot's headline."""
    require(actor, "read")
    count = db.scalar(
        "select count(distinct organisation_id) from (" + _SERVED + ") where served_on between ? and ?",
        [_centre(db), date_from, date_to])
    return {"organisations": int(count or 0)}


def organisations_by_service(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """How many organisations used each service (rooms, events, advisory) in the period."""
    require(actor, "read")
    return db.query(
        "select kind, count(distinct organisation_id) as organisations from (" + _SERVED + ") "
        "where served_on between ? and ? group by 1 order by case kind when 'booking' then 0 "
        "when 'event' then 1 else 2 end", [_centre(db), date_from, date_to])


def new_organisations_by_month(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Organisations whose first service ever falls in each month of the period."""
    require(actor, "read")
    return db.query(
        "with first as (select organisation_id, min(served_on) as first_on from (" + _SERVED + ") group by 1) "
        "select date_trunc('month', first_on)::date as month, count(*) as organisations from first "
        "where first_on between ? and ? group by 1 order by 1",
        [_centre(db), date_from, date_to])


# -- advisory and volunteers ----------------------------------------------------------------------------------------
def advisory_hours(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    require(actor, "read")
    row = db.one("select count(*), coalesce(sum(duration_min), 0) / 60.0, count(distinct organisation_id) "
                 "from advisory where held_on between ? and ?", [date_from, date_to])
    return {"sessions": int(row[0]), "hours": float(row[1]), "organisations": int(row[2])}


def advisory_by_month(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Advisory hours and sessions per month."""
    require(actor, "read")
    return db.query("select date_trunc('month', held_on)::date as month, sum(duration_min) / 60.0 as hours, "
                    "count(*) as sessions from advisory where held_on between ? and ? group by 1 order by 1",
                    [date_from, date_to])


def advisory_by_topic(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Advisory hours and sessions per education topic."""
    require(actor, "read")
    return db.query("select t.code as topic, t.name_pl, t.name_en, sum(a.duration_min) / 60.0 as hours, "
                    "count(*) as sessions from advisory a join topic t on t.code = a.topic_code "
                    "where a.held_on between ? and ? group by all order by min(t.sort)", [date_from, date_to])


def volunteer_hours(db: Database, actor: Actor, date_from: date, date_to: date) -> dict | None:
    """Approved volunteer hours, their value at the configured rate, and how many people gave them."""
    require(actor, "read")
    summary = volunteer_work.hours_summary(db, actor, date_from, date_to)
    return {"hours": float(summary["hours"]), "value_pln": summary["value_pln"], "rate": summary["rate_pln"],
            "volunteers": int(summary["volunteers"]), "entries": int(summary["entries"])}


def volunteer_by_month(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Approved hours, their value and the number of volunteers per month."""
    require(actor, "read")
    frame = volunteer_work.totals(db, actor, "month", date_from, date_to)
    frame["month"] = pd.to_datetime(frame["key"] + "-01").dt.date
    return frame[["month", "hours", "value_pln", "volunteers", "entries"]]


# -- local initiatives ----------------------------------------------------------------------------------------------
def initiatives_by_stage(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Initiatives submitted in the period, by the stage they are in now (procedure order, non-empty)."""
    require(actor, "read")
    return db.query(
        "select s.code as stage, s.name_pl, s.name_en, count(*) as initiatives from initiative i "
        "join initiative_stage s on s.code = i.stage where i.submitted_on between ? and ? "
        "group by all order by min(s.sort)", [date_from, date_to])


def initiatives_by_osiedle(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Initiatives submitted in the period per osiedle (housing estate), most first."""
    require(actor, "read")
    return db.query(
        "select o.name as osiedle, count(*) as initiatives from initiative i join osiedle o on o.id = i.osiedle_id "
        "where i.submitted_on between ? and ? group by all order by 2 desc, 1", [date_from, date_to])


# -- now ------------------------------------------------------------------------------------------------------------
def now_strip(db: Database, actor: Actor, now: datetime) -> dict:
    """Rooms in use right now, the next bookings today, and today's events."""
    require(actor, "read")
    in_use = db.query(
        "select r.name as resource, o.name as organisation, b.ends_at from booking b join resource r on r.id = b.resource_id "
        "join organisation o on o.id = b.organisation_id where b.starts_at <= ? and b.ends_at > ? "
        "and b.status in ('requested', 'confirmed', 'checked_in') order by r.name", [now, now])
    upcoming = db.query(
        "select r.name as resource, o.name as organisation, b.starts_at, b.ends_at from booking b "
        "join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
        "where b.starts_at > ? and b.starts_at < ?::date + interval 1 day "
        "and b.status in ('requested', 'confirmed') order by b.starts_at limit 5", [now, now])
    events = db.query(
        "select e.title, s.starts_at, s.ends_at from event_session s join event e on e.id = s.event_id "
        "where s.starts_at >= ?::date and s.starts_at < ?::date + interval 1 day and e.status <> 'cancelled' "
        "order by s.starts_at", [now, now])
    return {"in_use": in_use, "upcoming": upcoming, "events": events}


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


def area_available(db: Database, area: str) -> bool:
    """Whether the tables behind an area exist (kept for callers; every area's migration now runs)."""
    table = {"volunteers": "volunteer_hours", "initiatives": "initiative"}.get(area, area)
    return bool(db.scalar("select count(*) from information_schema.tables where table_name = ?", [table]))


def _centre(db: Database) -> int | None:
    """The Centre's own organisation (its events' room bookings) is not a served organisation."""
    value = app_settings.get_setting(db, "centre_organisation_id")
    return int(value) if value is not None else None


# -- the rows behind each KPI ---------------------------------------------------------------------------------------
def kpi_figures(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> dict:
    """Every headline figure of the page, keyed as ``KPIS`` (None: nothing to compute it from)."""
    return figures_from(attendance(db, actor, date_from, date_to, resource_ids),
                        events_summary(db, actor, date_from, date_to),
                        organisations_served(db, actor, date_from, date_to),
                        advisory_hours(db, actor, date_from, date_to),
                        volunteer_hours(db, actor, date_from, date_to))


def figures_from(visits: dict, events: dict, served: dict, advice: dict, volunteering: dict) -> dict:
    """The headline figures out of the reads behind them (a page that already holds those reads, cached,
    composes the figures without reading twice)."""
    return {
        "organisations_served": served["organisations"],
        "bookings_held": visits["held"], "no_show_rate": visits["no_show_rate"],
        "events_held": events["events"], "participants": events["participants"],
        "attendance_rate": events["attendance_rate"], "rating": events["rating"],
        "advisory_hours": advice["hours"], "volunteer_hours": volunteering["hours"],
    }


def kpi_rows(db: Database, actor: Actor, kpi: str, date_from: date, date_to: date,
             resource_ids: list[int] | None = None) -> pd.DataFrame:
    """The records one KPI was computed from, as the role may see them.

    The figure follows from the rows (see ``figure_from_rows``): a count is the number of rows, hours
    are the sum of ``hours``, a rate is the mean of its 0/1 column, the rating the mean of ``rating``.
    """
    require(actor, "read")
    if kpi not in KPIS:
        raise ValidationError({"kpi": Message("forum.error.kpi_unknown", {"kpi": kpi})})
    start, end = _bounds(date_from, date_to)
    if kpi == "organisations_served":
        return db.query(
            "select o.id, o.name as organisation, min(s.served_on) as first_served_on, "
            "count(distinct s.ref) filter (where s.kind = 'booking') as bookings, "
            "count(distinct s.ref) filter (where s.kind = 'event') as events, "
            "count(distinct s.ref) filter (where s.kind = 'advisory') as advisory_sessions "
            "from (" + _SERVED + ") s join organisation o on o.id = s.organisation_id "
            "where s.served_on between ? and ? group by all order by o.name, o.id",
            [_centre(db), date_from, date_to])
    if kpi in ("bookings_held", "no_show_rate"):
        statuses = ["checked_in"] if kpi == "bookings_held" else ["checked_in", "no_show"]
        frame = db.query(
            "select b.id, b.starts_at::date as day, strftime(b.starts_at, '%H:%M') as starts, "
            "strftime(b.ends_at, '%H:%M') as ends, r.name as resource, o.name as organisation, b.contact_person, "
            "b.purpose, b.attendees, b.actual_attendance, b.status, (b.status = 'no_show')::int as no_show "
            "from booking b join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
            "where b.starts_at >= ? and b.starts_at < ? and list_contains(?, b.resource_id) "
            "and list_contains(?, b.status) order by b.starts_at, b.id",
            [start, end, _ids(resource_ids), statuses])
        return frame if kpi == "no_show_rate" else frame.drop(columns=["no_show"])
    if kpi == "events_held":
        return db.query(
            "select e.id, e.title, e.event_type, min(s.starts_at) as first_session, count(s.id) as sessions, "
            "e.status, (select string_agg(t.topic_code, ', ' order by t.topic_code) from event_topic t "
            "where t.event_id = e.id) as topics, (select count(*) from enrolment n where n.event_id = e.id "
            "and n.status = 'enrolled') as participants from event e join event_session s on s.event_id = e.id "
            "where e.id in (" + _EVENTS + ") group by all order by first_session, e.id", _took_place(start, end))
    if kpi == "participants":
        frame = db.query(
            "select n.id, e.title as event, (select min(s.starts_at) from event_session s where s.event_id = e.id) "
            "as first_session, n.full_name, n.email, n.phone, coalesce(o.name, '') as organisation, n.walk_in "
            "from enrolment n join event e on e.id = n.event_id left join organisation o on o.id = n.organisation_id "
            "where n.status = 'enrolled' and n.event_id in (" + _EVENTS + ") order by first_session, e.id, n.full_name, n.id",
            _took_place(start, end))
        return _contacts(frame, actor)
    if kpi == "attendance_rate":
        return db.query(
            "select s.starts_at as session, e.title as event, n.full_name, a.present::int as present "
            "from attendance a join enrolment n on n.id = a.enrolment_id join event_session s on s.id = a.session_id "
            "join event e on e.id = n.event_id where n.event_id in (" + _EVENTS + ") "
            "order by s.starts_at, e.id, n.full_name, n.id", _took_place(start, end))
    if kpi == "rating":
        return db.query(
            "select e.id as event_id, e.title as event, f.rating, f.created_at::date as rated_on from feedback f "
            "join event e on e.id = f.event_id where f.event_id in (" + _EVENTS + ") order by e.id, f.enrolment_id",
            _took_place(start, end))
    if kpi == "advisory_hours":
        return db.query(
            "select a.id, a.held_on, o.name as organisation, a.advisor, a.topic_code as topic, a.form, "
            "a.duration_min, a.duration_min / 60.0 as hours from advisory a join organisation o on o.id = a.organisation_id "
            "where a.held_on between ? and ? order by a.held_on, a.id", [date_from, date_to])
    return volunteer_rows(db, actor, date_from, date_to)


def volunteer_rows(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Approved volunteer-hour entries of the period with their value; names only for roles that see them."""
    require(actor, "read")
    columns = ["id", "work_date", "volunteer", "opportunity", "hours", "value_pln"]
    frame = db.query(
        "select h.id, h.work_date, case when v.anonymised_at is null then v.last_name || ' ' || v.first_name end "
        "as volunteer, o.title as opportunity, h.hours::double as hours from volunteer_hours h "
        "join volunteer v on v.id = h.volunteer_id left join volunteer_assignment a on a.id = h.assignment_id "
        "left join volunteer_opportunity o on o.id = a.opportunity_id where h.status = 'approved' "
        "and h.work_date between ? and ? order by h.work_date, h.id", [date_from, date_to])
    if not actor.can("personal"):
        frame["volunteer"] = None
    frame["value_pln"] = (frame["hours"] * volunteer_work.hourly_rate(db)).round(2)
    return frame[columns]


def figure_from_rows(kpi: str, rows: pd.DataFrame) -> float | None:
    """What a KPI's rows add up to: the same number the page shows (a check anyone can redo in a sheet)."""
    if kpi in ("no_show_rate", "attendance_rate", "rating"):
        column = {"no_show_rate": "no_show", "attendance_rate": "present", "rating": "rating"}[kpi]
        return float(rows[column].mean()) if len(rows) else None
    if kpi in ("advisory_hours", "volunteer_hours"):
        return float(rows["hours"].sum()) if len(rows) else 0.0
    return float(len(rows))


def _contacts(frame: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """E-mail and phone as the role may see them (masked for the coordinator)."""
    for column in ("email", "phone"):
        seen: dict = {}
        frame[column] = [seen.setdefault(v, privacy.show(v, column, actor)) if isinstance(v, str) else ""
                         for v in frame[column]]
    return frame
