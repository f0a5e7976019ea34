"""Reads behind the reservations pages: the day board, the week calendar, the searchable list.

Writes and their rules live in ``reservations``; these only aggregate or page in DuckDB and
return small frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import pandas as pd

from dashboard.core.roles import Actor, require
from dashboard.services.reservations.opening_hours import holiday_name as public_holiday
from db.connection import Database

ACTIVE = ("requested", "confirmed", "checked_in")
STATUSES = ("requested", "confirmed", "checked_in", "no_show", "cancelled")

_BOOKING_COLUMNS = (
    "select b.id, b.resource_id, r.name as resource, r.kind, b.organisation_id, o.name as organisation, "
    "b.contact_person, b.purpose, b.attendees, b.actual_attendance, b.starts_at, b.ends_at, b.status, "
    "b.series_id, b.cancel_reason "
    "from booking b join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
)


class DeskBooking(NamedTuple):
    """One booking as the front desk lists it (plain Python values: the desk reads a few hundred a day)."""
    id: int
    resource_id: int
    resource: str
    organisation: str
    purpose: str
    attendees: int
    actual_attendance: int | None
    starts_at: datetime
    ends_at: datetime
    status: str


@dataclass(frozen=True)
class DeskResource:
    """What the front desk says of one resource on a day, language-free.

    ``state`` is one of: "closed" (``reason``), "not_open" (no opening hours that day), and when open:
    on today "in_use" (``organisation`` until ``until``), "free_until" (the next booking's start in
    ``until``) or "free_rest"; on another day "gaps". ``gaps``: the free time between opening and
    closing (None when the resource does not open that day). ``bookings``: the day's bookings,
    cancelled ones too, by start.
    """
    state: str
    gaps: list[tuple[time, time]] | None
    bookings: list[DeskBooking]
    reason: str | None = None
    organisation: str | None = None
    until: time | None = None


class DeskRead(NamedTuple):
    """What the desk reads of a day, before "now" decides who is in: the same on every rerun until the
    data change, so the page keeps it per data stamp (``cached.Reader``)."""
    bookings: dict[int, list[DeskBooking]]  # resource id -> its bookings by start, cancelled ones too
    hours: dict[int, dict]                  # resource id -> opens, closes, closed (``availability``)


def desk_read(db: Database, actor: Actor, resource_ids: list[int], day: date) -> DeskRead:
    """The day's bookings grouped by resource and each resource's hours: one query for the bookings and two
    for the hours, then one pass in Python. (Filtering a frame per resource, hundreds of pandas filters a
    rerun at city scale, is what made the desk slow.) Holidays are named in Polish, as on the desk before."""
    require(actor, "read")
    ids = [int(i) for i in resource_ids]
    if not ids:
        return DeskRead({}, {})
    start = datetime.combine(day, time.min)
    rows = db.rows(
        "select b.id, b.resource_id, r.name, o.name, b.purpose, b.attendees, b.actual_attendance, b.starts_at, "
        "b.ends_at, b.status from booking b join resource r on r.id = b.resource_id "
        "join organisation o on o.id = b.organisation_id "
        "where b.starts_at >= ? and b.starts_at < ? and list_contains(?, b.resource_id) order by b.starts_at, b.id",
        [start, start + timedelta(days=1), ids])
    mine: dict[int, list[DeskBooking]] = {i: [] for i in ids}
    for row in rows:
        mine[row[1]].append(DeskBooking(*row))
    states = availability(db, ids, day, day, public_holiday)
    return DeskRead(mine, {i: states.get((i, day), {}) for i in ids})


def desk_board(read: DeskRead, day: date, now: datetime) -> dict[int, DeskResource]:
    """The front desk's board: for each resource read, its state at ``now``, free time and bookings on ``day``."""
    return {i: _desk_resource(read.hours[i], bookings, day, now) for i, bookings in read.bookings.items()}


def _desk_resource(hours: dict, bookings: list[DeskBooking], day: date, now: datetime) -> DeskResource:
    """One resource's ``DeskResource`` from its hours that day and its bookings (by start)."""
    opens = hours.get("opens")
    active = [b for b in bookings if b.status in ACTIVE]
    gaps = None if opens is None else free_gaps(opens, hours.get("closes"),
                                                [(b.starts_at.time(), b.ends_at.time()) for b in active])
    if hours.get("closed"):
        return DeskResource("closed", gaps, bookings, reason=hours["closed"])
    if opens is None:
        return DeskResource("not_open", gaps, bookings)
    if day != now.date():
        return DeskResource("gaps", gaps, bookings)
    current = next((b for b in active if b.starts_at <= now < b.ends_at), None)
    if current:
        return DeskResource("in_use", gaps, bookings, organisation=current.organisation, until=current.ends_at.time())
    upcoming = next((b for b in active if b.starts_at > now), None)
    if upcoming:
        return DeskResource("free_until", gaps, bookings, until=upcoming.starts_at.time())
    return DeskResource("free_rest", gaps, bookings)


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


def week_bookings(db: Database, monday: date, resource_ids: list[int], days: int = 7) -> pd.DataFrame:
    """Bookings that were not cancelled (no-shows too) of a week, or ``days`` days, for the chosen resources,
    by start (and id: the same order on every rerun, so the chart's data and the table do not reshuffle)."""
    if not resource_ids:
        return pd.DataFrame()
    start = datetime.combine(monday, time.min)
    return db.query(
        _BOOKING_COLUMNS + "where b.starts_at >= ? and b.starts_at < ? and b.status <> 'cancelled' "
        "and list_contains(?, b.resource_id) order by b.starts_at, b.id",
        [start, start + timedelta(days=days), [int(i) for i in resource_ids]],
    )


CALENDAR_SLOT = timedelta(minutes=30)


def calendar(db: Database, resource_ids: list[int], date_from: date, date_to: date, now: datetime,
             holiday_name=None) -> dict[str, pd.DataFrame]:
    """Everything the week calendar draws for the resources and days of a range, language-free.

    - ``days``: one row per resource and day the resource has opening hours: resource_id, day,
      opens, closes, closed (the holiday's name or the closure's reason; None when open), holiday.
    - ``bookings``: the bookings that were not cancelled (``week_bookings`` columns).
    - ``free``: every half hour one could book: resource_id, day, starts_at, ends_at, gap_end (where
      the free time it lies in ends), for open days only, not booked and not already begun at ``now``.
    """
    ids = [int(i) for i in resource_ids]
    states = availability(db, ids, date_from, date_to, holiday_name)
    bookings = week_bookings(db, date_from, ids, days=(date_to - date_from).days + 1)
    busy: dict[tuple[int, date], list[tuple[time, time]]] = {}
    for resource_id, starts_at, ends_at, status in (zip(bookings["resource_id"], bookings["starts_at"],
                                                         bookings["ends_at"], bookings["status"])
                                                     if not bookings.empty else ()):
        if status in ACTIVE:
            busy.setdefault((int(resource_id), starts_at.date()), []).append((starts_at.time(), ends_at.time()))
    days, free = [], []
    for offset in range((date_to - date_from).days + 1):
        day = date_from + timedelta(days=offset)
        for resource_id in ids:
            state = states.get((resource_id, day))
            if not state or state["opens"] is None:
                continue
            closed = state["closed"]
            days.append({"resource_id": resource_id, "day": day, "opens": state["opens"], "closes": state["closes"],
                         "closed": closed, "holiday": bool(closed and holiday_name and holiday_name(day))})
            if closed:
                continue
            for gap_start, gap_end in free_gaps(state["opens"], state["closes"], busy.get((resource_id, day), [])):
                slot, end = datetime.combine(day, gap_start), datetime.combine(day, gap_end)
                while slot + CALENDAR_SLOT <= end:
                    if slot >= now:
                        free.append({"resource_id": resource_id, "day": day, "starts_at": slot,
                                     "ends_at": slot + CALENDAR_SLOT, "gap_end": end})
                    slot += CALENDAR_SLOT
    return {
        "days": pd.DataFrame(days, columns=["resource_id", "day", "opens", "closes", "closed", "holiday"]),
        "bookings": bookings,
        "free": pd.DataFrame(free, columns=["resource_id", "day", "starts_at", "ends_at", "gap_end"]),
    }


ORDERS = ("upcoming", "newest")  # soonest first / latest first


def _filters(resource_id: int | None, organisation_id: int | None, status: str | None, date_from: date | None,
             date_to: date | None) -> tuple[str, list]:
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
    return " and ".join(where), params


def search(db: Database, actor: Actor, *, resource_id: int | None = None, organisation_id: int | None = None,
           status: str | None = None, date_from: date | None = None, date_to: date | None = None,
           limit: int | None = 1000, offset: int = 0, order: str = "newest") -> pd.DataFrame:
    """Bookings matching the filters: ``order`` "newest" (latest start first) or "upcoming" (soonest
    first); ``limit`` rows from ``offset`` (``limit=None``: all of them, e.g. for an export).
    ``count_matching`` says how many there are in all."""
    require(actor, "read")
    where, params = _filters(resource_id, organisation_id, status, date_from, date_to)
    direction = "asc" if order == "upcoming" else "desc"
    sql = _BOOKING_COLUMNS + f"where {where} order by b.starts_at {direction}, b.id {direction}"
    if limit is not None:
        sql += " limit ? offset ?"
        params += [int(limit), max(0, int(offset))]
    return db.query(sql, params)


def count_matching(db: Database, actor: Actor, *, resource_id: int | None = None, organisation_id: int | None = None,
                   status: str | None = None, date_from: date | None = None, date_to: date | None = None) -> int:
    """How many bookings ``search`` finds with the same filters (all pages together)."""
    require(actor, "read")
    where, params = _filters(resource_id, organisation_id, status, date_from, date_to)
    return int(db.scalar("select count(*) from booking b where " + where, params))


def shown_status(status: str, starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    """The status as people say it at ``now``: a checked-in booking still running is "in_progress"
    (its people are in the room), not yet "held"."""
    if status == "checked_in" and starts_at <= now < ends_at:
        return "in_progress"
    return status


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
    # The version in force on a day is the latest one from before it: an ASOF join finds it in one pass
    # (a correlated max() per resource and day cost ~20 ms for a week of every resource).
    hours = db.rows(
        "with wanted as (select unnest(?::bigint[]) as resource_id, d::date as day "
        "  from generate_series(?::date, ?::date, interval 1 day) t(d)), "
        "versions as (select distinct resource_id, valid_from from opening_hours), "
        "version as (select w.resource_id, w.day, v.valid_from from wanted w asof left join versions v "
        "  on v.resource_id = w.resource_id and w.day >= v.valid_from) "
        "select v.resource_id, v.day, oh.opens, oh.closes from version v left join opening_hours oh "
        "on oh.resource_id = v.resource_id and oh.valid_from = v.valid_from and oh.weekday = isodow(v.day) - 1",
        [ids, date_from, date_to],
    )
    closures = db.rows(
        "select resource_id, date_from, date_to, reason from closure where cancelled_at is null "
        "and date_to >= ? and date_from <= ? and (resource_id is null or list_contains(?, resource_id)) "
        "order by resource_id nulls first, id",
        [date_from, date_to, ids],
    )
    result, holidays = {}, {}
    for resource_id, day, opens, closes in hours:
        if day not in holidays:  # once per day, not per resource and day
            holidays[day] = holiday_name(day) if holiday_name else None
        reason = holidays[day]
        if reason is None:
            reason = next((r for rid, start, end, r in closures
                           if (rid is None or rid == resource_id) and start <= day <= end), None)
        result[(resource_id, day)] = {"opens": opens, "closes": closes, "closed": reason}
    return result
