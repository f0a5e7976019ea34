"""Closures staff enter (a day or a range, one resource or all): adding one can cancel the bookings it hits.
"""

from __future__ import annotations

from datetime import datetime, time

from dashboard.core import clock, validators
from dashboard.core.converters import as_date, as_int
from dashboard.core.errors import Conflict, Errors, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.reservations.bookings import cancel_in
from dashboard.services.reservations.resources import resource_in
from dashboard.services.sql import fetch_all, fetch_one
from db.connection import Database

MAX_CLOSURE_DAYS = 366


def _validate_closure(cur, data: dict) -> dict:
    errors = Errors()
    clean = {"resource_id": None if data.get("resource_id") in (None, "") else as_int(data.get("resource_id")),
             "date_from": as_date(data.get("date_from")), "date_to": as_date(data.get("date_to"))}
    if data.get("resource_id") not in (None, "") and resource_in(cur, clean["resource_id"]) is None:
        errors.add("resource_id", "error.resource_unknown")
    for field in ("date_from", "date_to"):
        if clean[field] is None:
            errors.add(field, "error.date_format")
    if clean["date_from"] and clean["date_to"]:
        if clean["date_to"] < clean["date_from"]:
            errors.add("date_to", "error.period_reversed")
        elif (clean["date_to"] - clean["date_from"]).days >= MAX_CLOSURE_DAYS:
            errors.add("date_to", "error.closure_too_long", max=MAX_CLOSURE_DAYS)
    try:
        clean["reason"] = validators.clean_text(data.get("reason"), 200, required=True)
    except validators.InvalidValue as exc:
        errors.add("reason", exc.key, **exc.params)
    errors.raise_if_any()
    return clean


def add_closure(db: Database, actor: Actor, data: dict, *, cancel_bookings: bool = False) -> int:
    """Close one resource (or all: resource_id None) for a date range.

    Bookings not yet checked in on those days are not silently left in place: the closure is
    refused with their number (``Conflict.booking_ids`` lists them) unless ``cancel_bookings``,
    which cancels them in the same transaction, with the closure's reason.
    """
    require(actor, "write")

    def work(cur):
        clean = _validate_closure(cur, data)
        hit = [r[0] for r in fetch_all(
            cur,
            "select id from booking where status in ('requested', 'confirmed') and starts_at >= ? "
            "and starts_at::date <= ? and (? is null or resource_id = ?) order by starts_at",
            [datetime.combine(clean["date_from"], time()), clean["date_to"], clean["resource_id"],
             clean["resource_id"]])]
        if hit and not cancel_bookings:
            error = Conflict("error.closure_has_bookings", count=len(hit))
            error.booking_ids = hit
            raise error
        for booking_id in hit:
            cancel_in(cur, actor, booking_id, clean["reason"])
        cur.execute(
            "insert into closure (resource_id, date_from, date_to, reason, created_at, created_by) "
            "values (?, ?, ?, ?, ?, ?) returning id",
            [clean["resource_id"], clean["date_from"], clean["date_to"], clean["reason"], clock.utc_now(),
             actor.username],
        )
        new_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "closure", new_id, None, {**clean, "cancelled_bookings": hit})
        return new_id

    return db.write(work, attempts=16)


def cancel_closure(db: Database, actor: Actor, closure_id: int) -> None:
    """Withdraw a closure (kept, marked cancelled); its days are bookable again."""
    require(actor, "write")

    def work(cur):
        row = fetch_one(cur, "select cancelled_at from closure where id = ?", [as_int(closure_id) or -1])
        if row is None:
            raise NotFound("error.closure_not_found", id=closure_id)
        if row[0] is not None:
            return
        cur.execute("update closure set cancelled_at = ?, cancelled_by = ? where id = ?",
                    [clock.utc_now(), actor.username, closure_id])
        audit.record(cur, actor.username, "cancel", "closure", closure_id)

    db.write(work)
