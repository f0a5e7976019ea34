"""Weekly series of bookings: planned date by date, previewed, created or cancelled as a whole.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from dashboard.core import clock
from dashboard.core.converters import as_date, as_int
from dashboard.core.errors import Conflict, Errors, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.reservations.bookings import (
    audit_view,
    booking_limits,
    cancel_in,
    clean_reason,
    day_problems,
    fair_use_message,
    find_overlap,
    insert_booking,
    new_status,
    overlap_message,
    slot_write,
    validate_fields,
    week_of,
)
from dashboard.services.reservations.timegrid import span_hours
from dashboard.services.sql import fetch_all, fetch_one
from db.connection import Database

MAX_SERIES = 104


def _series_days(first: date | None, every_weeks: Any, until: Any, count: Any, errors: Errors) -> list[date]:
    """The occurrence days: every N weeks from ``first``, up to ``until`` and/or ``count`` times."""
    step = as_int(every_weeks)
    if step is None or not 1 <= step <= 52:
        errors.add("every_weeks", "error.series_every_weeks")
    until_day = None if until in (None, "") else as_date(until)
    if until not in (None, "") and until_day is None:
        errors.add("until", "error.date_format")
    times = None if count in (None, "") else as_int(count)
    if count not in (None, "") and (times is None or times < 1):
        errors.add("count", "error.series_count")
    if until in (None, "") and count in (None, ""):
        errors.add("until", "error.series_end_required")
    if first and until_day and until_day < first:
        errors.add("until", "error.period_reversed")
    if errors.errors or first is None:
        return []
    days, day = [], first
    while (until_day is None or day <= until_day) and (times is None or len(days) < times):
        days.append(day)
        if len(days) > MAX_SERIES:
            errors.add("until" if until_day else "count", "error.series_too_long", max=MAX_SERIES)
            return []
        if day > date.max - timedelta(weeks=step):
            break  # the calendar ends; beyond the horizon anyway
        day += timedelta(weeks=step)
    return days


def _series_plan(cur, data: dict, every_weeks: Any, until: Any, count: Any) -> tuple[dict, list[date]]:
    """The series' common fields and its days, or ValidationError before any day is assessed."""
    errors = Errors()
    clean = validate_fields(cur, data, errors)
    days = _series_days(clean.get("day"), every_weeks, until, count, errors)
    errors.raise_if_any()
    return clean, days


def _assess(cur, clean: dict, days: list[date], limits: dict) -> list[dict]:
    """Each occurrence's status: 'free', 'conflict' (whose), 'closed' (why) or 'invalid' (why).

    Fair use counts the series' own earlier free occurrences in the same ISO week too.
    """
    plan, planned_by_week = [], {}
    for day in days:
        starts_at, ends_at = datetime.combine(day, clean["start"]), datetime.combine(day, clean["end"])
        status, detail = "free", None
        problems = day_problems(cur, clean["resource_id"], starts_at, ends_at, limits)
        found = None if problems else find_overlap(cur, clean["resource_id"], starts_at, ends_at)
        week = week_of(day)[1]
        if problems:
            status, _field, detail = problems[0]
        elif found:
            status, detail = "conflict", overlap_message(found)
        else:
            detail = fair_use_message(cur, clean, limits, starts_at, ends_at,
                                       planned=planned_by_week.get(week, 0.0))
            status = "invalid" if detail else "free"
        if status == "free":
            planned_by_week[week] = planned_by_week.get(week, 0.0) + span_hours(starts_at, ends_at)
        plan.append({"day": day, "status": status, "detail": detail, "starts_at": starts_at, "ends_at": ends_at})
    return plan


def preview_series(db: Database, actor: Actor, data: dict, every_weeks: int, until: date | None = None,
                   count: int | None = None) -> list[dict]:
    """Every occurrence of the planned series with its status; nothing is written.

    Each item: day, status ('free'/'conflict'/'closed'/'invalid'), detail (a Message or None),
    starts_at, ends_at.
    """
    require(actor, "read")
    limits = booking_limits(db)
    with db.transaction() as cur:
        clean, days = _series_plan(cur, data, every_weeks, until, count)
        return _assess(cur, clean, days, limits)


def create_series(db: Database, actor: Actor, data: dict, every_weeks: int, until: date | None = None,
                  count: int | None = None, only_free: bool = False) -> dict:
    """Book a recurring series in ONE transaction, never silently in part.

    only_free=False: all occurrences or nothing (a Conflict listing them in ``.occurrences``).
    only_free=True: the free ones; the rest are returned in ``skipped`` (day, status, detail).
    """
    require(actor, "write")
    status = new_status(data)
    limits = booking_limits(db)

    def work(cur):
        clean, days = _series_plan(cur, data, every_weeks, until, count)
        plan = _assess(cur, clean, days, limits)
        free = [p for p in plan if p["status"] == "free"]
        skipped = [(p["day"], p["status"], p["detail"]) for p in plan if p["status"] != "free"]
        if (skipped and not only_free) or not free:
            error = Conflict("error.series_not_free" if free else "error.series_nothing_free",
                             count=len(skipped), total=len(plan))
            error.occurrences = plan
            raise error
        series_id = _insert_series(cur, actor, clean, every_weeks, until, count)
        booked = []
        for item in free:
            occurrence = {**clean, "starts_at": item["starts_at"], "ends_at": item["ends_at"]}
            booked.append(insert_booking(cur, actor.username, occurrence, status, series_id))
        audit.record(cur, actor.username, "create", "booking_series", series_id, None,
                     {**audit_view({**clean, "starts_at": free[0]["starts_at"], "ends_at": free[0]["ends_at"]}),
                      "every_weeks": every_weeks, "bookings": booked, "skipped": [str(s[0]) for s in skipped]})
        return {"series_id": series_id, "booked": booked, "skipped": skipped}

    return slot_write(db, work)


def _insert_series(cur, actor: Actor, clean: dict, every_weeks: Any, until: Any, count: Any) -> int:
    cur.execute(
        "insert into booking_series (resource_id, organisation_id, every_weeks, first_day, until_day, occurrences, "
        "start_time, end_time, created_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [clean["resource_id"], clean["organisation_id"], as_int(every_weeks), clean["day"],
         as_date(until), as_int(count), clean["start"], clean["end"], clock.utc_now(), actor.username],
    )
    return cur.fetchone()[0]


def cancel_series(db: Database, actor: Actor, series_id: int, reason: str) -> int:
    """Cancel the series' occurrences that start after now; past ones stay as they were.

    Returns how many were cancelled.
    """
    require(actor, "write")
    reason = clean_reason(reason)

    def work(cur):
        if fetch_one(cur, "select id from booking_series where id = ?", [as_int(series_id) or -1]) is None:
            raise NotFound("error.series_not_found", id=series_id)
        rows = fetch_all(cur, "select id from booking where series_id = ? and status in ('requested', 'confirmed') "
                               "and starts_at > ? order by starts_at", [series_id, clock.local_now()])
        for (booking_id,) in rows:
            cancel_in(cur, actor, booking_id, reason)
        cur.execute("update booking_series set cancelled_at = ?, cancelled_by = ?, cancel_reason = ? where id = ?",
                    [clock.local_now(), actor.username, reason, series_id])
        audit.record(cur, actor.username, "cancel", "booking_series", series_id, None,
                     {"cancel_reason": reason, "cancelled": len(rows)})
        return len(rows)

    return db.write(work, attempts=16)
