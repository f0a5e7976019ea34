"""Figures for the live utilisation page: every one aggregated in DuckDB into a small frame.

Each function takes a period (Warsaw dates, both ends included) and returns what one chart or
KPI needs. Areas whose pages do not exist yet (volunteers, local initiatives) are reported as
missing by ``area_available``, so the page says so instead of drawing invented figures.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard.roles import Actor, require
from dashboard.services import reservations
from db.connection import Database

PRESETS = ("week", "month", "quarter", "pilot", "year", "custom")
# Occupancy the Centre aims for (booked ÷ open hours): below the band the room is under-used,
# above it NGOs start to be turned away.
TARGET_OCCUPANCY = (0.5, 0.8)
LONG_DAY_END = time(20, 0)


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


def _bounds(date_from: date, date_to: date) -> list[datetime]:
    return [datetime.combine(date_from, time.min), datetime.combine(date_to + timedelta(days=1), time.min)]


def room_occupancy(db: Database, actor: Actor, date_from: date, date_to: date,
                   resource_ids: list[int]) -> pd.DataFrame:
    """Per room and ISO week: hours booked (active and held bookings) ÷ hours the room was open.

    Weeks are whole ISO weeks overlapping the period, so a period starting on a Sunday does not
    show a week of one day at 0 %.
    """
    require(actor, "read")
    date_from = date_from - timedelta(days=date_from.weekday())
    date_to = date_to + timedelta(days=6 - date_to.weekday())
    if not resource_ids:
        return pd.DataFrame(columns=["week_start", "resource", "booked_hours", "open_hours", "occupancy"])
    booked = db.query(
        "select b.resource_id, date_trunc('week', b.starts_at)::date as week_start, "
        "sum(epoch(b.ends_at - b.starts_at)) / 3600.0 as booked_hours "
        "from booking b where b.starts_at >= ? and b.starts_at < ? and b.status in "
        "('requested', 'confirmed', 'checked_in', 'no_show') and list_contains(?, b.resource_id) group by all",
        [*_bounds(date_from, date_to), [int(i) for i in resource_ids]],
    )
    names = reservations.resources(db, active_only=False).set_index("id")["name"]
    frames = []
    for resource_id in resource_ids:
        weeks = reservations.compliance(db, int(resource_id), date_from, date_to)
        if weeks.empty:
            continue
        frames.append(pd.DataFrame({"resource_id": int(resource_id), "week_start": pd.to_datetime(weeks["week_start"]).dt.date,
                                    "open_hours": weeks["hours_open"].astype(float)}))
    if not frames:
        return pd.DataFrame(columns=["week_start", "resource", "booked_hours", "open_hours", "occupancy"])
    opened = pd.concat(frames)
    booked["week_start"] = pd.to_datetime(booked["week_start"]).dt.date
    out = opened.merge(booked, on=["resource_id", "week_start"], how="left").fillna({"booked_hours": 0.0})
    out["resource"] = out["resource_id"].map(names)
    out["occupancy"] = (out["booked_hours"] / out["open_hours"]).where(out["open_hours"] > 0)
    return out.sort_values(["week_start", "resource"]).reset_index(drop=True)


def heatmap(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> pd.DataFrame:
    """Booked half-hours by weekday (0 = Monday) and hour of day."""
    require(actor, "read")
    return db.query(
        "select isodow(s.slot_start) - 1 as weekday, hour(s.slot_start) as hour, count(*) / 2.0 as booked_hours "
        "from booking_slot s where s.slot_start >= ? and s.slot_start < ? and list_contains(?, s.resource_id) "
        "group by all order by 1, 2",
        [*_bounds(date_from, date_to), [int(i) for i in resource_ids]],
    )


def attendance(db: Database, actor: Actor, date_from: date, date_to: date, resource_ids: list[int]) -> dict:
    """Of the bookings that already happened: held, no-shows, the no-show rate, and evening use."""
    require(actor, "read")
    row = db.one(
        "select count(*) filter (where status = 'checked_in'), count(*) filter (where status = 'no_show'), "
        "count(*) filter (where status in ('checked_in', 'no_show') and ends_at > starts_at::date + interval 18 hour), "
        "coalesce(sum(actual_attendance) filter (where status = 'checked_in'), 0) "
        "from booking where starts_at >= ? and starts_at < ? and list_contains(?, resource_id)",
        [*_bounds(date_from, date_to), [int(i) for i in resource_ids]],
    )
    held, no_show, evening, people = (int(v or 0) for v in row)
    done = held + no_show
    return {"held": held, "no_show": no_show, "no_show_rate": (no_show / done) if done else None,
            "evening": evening, "people": people}


def events_by_type_topic(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Events that took place (not cancelled, first session in the period) by type and topic."""
    require(actor, "read")
    return db.query(
        "with ev as (select e.id, e.event_type, min(s.starts_at) as first_start from event e "
        "join event_session s on s.event_id = e.id where e.status <> 'cancelled' group by all) "
        "select ev.event_type, t.topic_code as topic, count(distinct ev.id) as events from ev "
        "join event_topic t on t.event_id = ev.id where ev.first_start >= ? and ev.first_start < ? group by all "
        "order by 1, 2",
        _bounds(date_from, date_to),
    )


def events_summary(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    """Events held, participants, attendance rate (present marks ÷ marks) and average rating."""
    require(actor, "read")
    row = db.one(
        "with ev as (select e.id from event e join event_session s on s.event_id = e.id "
        "where e.status <> 'cancelled' group by e.id having min(s.starts_at) >= ? and min(s.starts_at) < ?) "
        "select (select count(*) from ev), "
        "(select count(*) from enrolment n where n.event_id in (select id from ev) and n.status = 'enrolled'), "
        "(select count(*) filter (where a.present) from attendance a join enrolment n on n.id = a.enrolment_id "
        " where n.event_id in (select id from ev)), "
        "(select count(*) from attendance a join enrolment n on n.id = a.enrolment_id where n.event_id in (select id from ev)), "
        "(select avg(f.rating) from feedback f where f.event_id in (select id from ev))",
        _bounds(date_from, date_to),
    )
    events, participants, present, marks, rating = row
    return {"events": int(events or 0), "participants": int(participants or 0),
            "attendance_rate": (present / marks) if marks else None,
            "rating": float(rating) if rating is not None else None}


_SERVED = (
    "select organisation_id, starts_at::date as served_on from booking "
    "where status in ('confirmed', 'checked_in') and organisation_id <> coalesce(?, -1) "
    "union all select n.organisation_id, s.starts_at::date from enrolment n "
    "join event_session s on s.event_id = n.event_id where n.status = 'enrolled' and n.organisation_id is not null "
    "union all select organisation_id, held_on from advisory"
)


def organisations_served(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    """Unique organisations served in the period (rooms, events, advisory): the pilot's headline."""
    require(actor, "read")
    centre = _centre(db)
    count = db.scalar(
        "select count(distinct organisation_id) from (" + _SERVED + ") where served_on between ? and ?",
        [centre, date_from, date_to])
    return {"organisations": int(count or 0)}


def new_organisations_by_month(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Organisations whose first service ever falls in each month of the period."""
    require(actor, "read")
    return db.query(
        "with first as (select organisation_id, min(served_on) as first_on from (" + _SERVED + ") group by 1) "
        "select date_trunc('month', first_on)::date as month, count(*) as organisations from first "
        "where first_on between ? and ? group by 1 order by 1",
        [_centre(db), date_from, date_to])


def advisory_hours(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    require(actor, "read")
    row = db.one("select count(*), coalesce(sum(duration_min), 0) / 60.0, count(distinct organisation_id) "
                 "from advisory where held_on between ? and ?", [date_from, date_to])
    return {"sessions": int(row[0]), "hours": float(row[1]), "organisations": int(row[2])}


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


def area_available(db: Database, area: str) -> bool:
    """Whether the tables behind an area exist yet (volunteers and initiatives come later)."""
    table = {"volunteers": "volunteer_hours", "initiatives": "initiative"}.get(area, area)
    return bool(db.scalar("select count(*) from information_schema.tables where table_name = ?", [table]))


def _centre(db: Database) -> int | None:
    """The Centre's own organisation (its events' room bookings) is not a served organisation."""
    from dashboard.services import app_settings

    value = app_settings.get_setting(db, "centre_organisation_id")
    return int(value) if value is not None else None


def volunteer_hours(db: Database, actor: Actor, date_from: date, date_to: date) -> dict | None:
    """Approved volunteer hours and their value at the configured rate (None: register not built)."""
    require(actor, "read")
    if not area_available(db, "volunteers"):
        return None
    from dashboard.services import app_settings

    hours = float(db.scalar("select coalesce(sum(hours), 0) from volunteer_hours where status = 'approved' "
                            "and work_date between ? and ?", [date_from, date_to]) or 0)
    rate = float(app_settings.get_setting(db, "volunteer_hourly_rate_pln"))
    return {"hours": hours, "value_pln": round(hours * rate, 2), "rate": rate}
