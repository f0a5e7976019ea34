"""Reads behind the reservations pages: the day board, the week calendar, the searchable list.

Writes and their rules live in ``reservations``; these only aggregate or page in DuckDB and
return small frames.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard.core.roles import Actor, require
from db.connection import Database

ACTIVE = ("requested", "confirmed", "checked_in")
STATUSES = ("requested", "confirmed", "checked_in", "no_show", "cancelled")

_BOOKING_COLUMNS = (
    "select b.id, b.resource_id, r.name as resource, r.kind, b.organisation_id, o.name as organisation, "
    "b.contact_person, b.purpose, b.attendees, b.actual_attendance, b.starts_at, b.ends_at, b.status, "
    "b.series_id, b.cancel_reason "
    "from booking b join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
)


def day_bookings(db: Database, day: date) -> pd.DataFrame:
    """Every booking of one day (cancelled ones too, so the desk sees what was called off)."""
    start = datetime.combine(day, time.min)
    return db.query(_BOOKING_COLUMNS + "where b.starts_at >= ? and b.starts_at < ? order by r.id, b.starts_at",
                    [start, start + timedelta(days=1)])


def free_gaps(opens: time | None, closes: time | None, busy: list[tuple[time, time]]) -> list[tuple[time, time]]:
    """Free intervals between opening and closing, given the day's active bookings."""
    if opens is None or closes is None:
        return []
    gaps, cursor = [], opens
    for start, end in sorted(busy):
        if start > cursor:
            gaps.append((cursor, min(start, closes)))
        cursor = max(cursor, end)
    if cursor < closes:
        gaps.append((cursor, closes))
    return [(a, b) for a, b in gaps if a < b]


def week_bookings(db: Database, monday: date, resource_ids: list[int]) -> pd.DataFrame:
    """Active and checked-in bookings of a week for the chosen resources."""
    if not resource_ids:
        return pd.DataFrame()
    start = datetime.combine(monday, time.min)
    return db.query(
        _BOOKING_COLUMNS + "where b.starts_at >= ? and b.starts_at < ? and b.status <> 'cancelled' "
        "and list_contains(?, b.resource_id) order by b.starts_at",
        [start, start + timedelta(days=7), [int(i) for i in resource_ids]],
    )


def search(db: Database, actor: Actor, *, resource_id: int | None = None, organisation_id: int | None = None,
           status: str | None = None, date_from: date | None = None, date_to: date | None = None,
           limit: int = 1000) -> pd.DataFrame:
    """Bookings matching the filters, newest first, at most ``limit`` rows."""
    require(actor, "read")
    where, params = ["true"], []
    if resource_id:
        where.append("b.resource_id = ?")
        params.append(int(resource_id))
    if organisation_id:
        where.append("b.organisation_id = ?")
        params.append(int(organisation_id))
    if status in STATUSES:
        where.append("b.status = ?")
        params.append(status)
    if date_from:
        where.append("b.starts_at >= ?")
        params.append(datetime.combine(date_from, time.min))
    if date_to:
        where.append("b.starts_at < ?")
        params.append(datetime.combine(date_to + timedelta(days=1), time.min))
    params.append(int(limit))
    return db.query(_BOOKING_COLUMNS + "where " + " and ".join(where) + " order by b.starts_at desc limit ?", params)


def count(db: Database, *, date_from: date, date_to: date) -> int:
    return int(db.scalar(
        "select count(*) from booking where starts_at >= ? and starts_at < ? and status <> 'cancelled'",
        [datetime.combine(date_from, time.min), datetime.combine(date_to + timedelta(days=1), time.min)]))


def availability(db: Database, resource_ids: list[int], date_from: date, date_to: date,
                 holiday_name=None) -> dict[tuple[int, date], dict]:
    """Opening hours in force and the closure reason for every (resource, day) of a range.

    Two queries for the whole range instead of two per resource and day: the front desk and
    the week calendar draw dozens of resource-days on every rerun. ``holiday_name(day)`` gives
    a public holiday's name (reservations.holiday_name); a holiday closes every resource.
    """
    if not resource_ids:
        return {}
    ids = [int(i) for i in resource_ids]
    hours = db.rows(
        "with days as (select d::date as day from generate_series(?::date, ?::date, interval 1 day) t(d)), "
        "res as (select unnest(?::bigint[]) as resource_id), "
        "version as (select r.resource_id, days.day, (select max(o.valid_from) from opening_hours o "
        "  where o.resource_id = r.resource_id and o.valid_from <= days.day) as valid_from from res r, days) "
        "select v.resource_id, v.day, oh.opens, oh.closes from version v left join opening_hours oh "
        "on oh.resource_id = v.resource_id and oh.valid_from = v.valid_from and oh.weekday = isodow(v.day) - 1",
        [date_from, date_to, ids],
    )
    closures = db.rows(
        "select resource_id, date_from, date_to, reason from closure where cancelled_at is null "
        "and date_to >= ? and date_from <= ? and (resource_id is null or list_contains(?, resource_id)) "
        "order by resource_id nulls first, id",
        [date_from, date_to, ids],
    )
    result = {}
    for resource_id, day, opens, closes in hours:
        reason = holiday_name(day) if holiday_name else None
        if reason is None:
            reason = next((r for rid, start, end, r in closures
                           if (rid is None or rid == resource_id) and start <= day <= end), None)
        result[(resource_id, day)] = {"opens": opens, "closes": closes, "closed": reason}
    return result
