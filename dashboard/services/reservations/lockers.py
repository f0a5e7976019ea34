"""Lockers: long-term assignments to organisations, with the key handed over and returned.

A locker is a ``resource`` of kind 'locker'. Assignments are by whole days and may be
open-ended, so a slot table (as for bookings) does not fit; instead every assignment write
first bumps the locker's ``row_version``. Two concurrent writes on one locker then collide on
that row (DuckDB's write-write conflict), ``Database.write`` retries the loser, and its retry
sees the winner's assignment in its fresh snapshot and refuses the overlap. Nothing is deleted:
an assignment ends by its ``date_to`` (set when the key comes back).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_date, as_int
from dashboard.core.errors import Conflict, Errors, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from db.connection import Database

_FOREVER = date(9999, 12, 31)
_FIELDS = ("resource_id", "organisation_id", "date_from", "date_to", "key_handed_on", "key_returned_on", "notes")


def _validate(cur, data: dict) -> dict:
    """Normalise an assignment's fields or raise ValidationError, one message per field."""
    errors = Errors()
    clean = {"resource_id": as_int(data.get("resource_id")),
             "organisation_id": as_int(data.get("organisation_id"))}
    cur.execute("select kind, active from resource where id = ?", [clean["resource_id"] or -1])
    row = cur.fetchone()
    if row is None or not row[1]:
        errors.add("resource_id", "error.resource_unknown")
    elif row[0] != "locker":
        errors.add("resource_id", "error.not_a_locker")
    cur.execute("select count(*) from organisation where id = ?", [clean["organisation_id"] or -1])
    if not cur.fetchone()[0]:
        errors.add("organisation_id", "error.organisation_unknown")
    clean["date_from"] = as_date(data.get("date_from"))
    if clean["date_from"] is None:
        errors.add("date_from", "error.date_format")
    raw_to = data.get("date_to")
    clean["date_to"] = None if raw_to in (None, "") else as_date(raw_to)
    if raw_to not in (None, "") and clean["date_to"] is None:
        errors.add("date_to", "error.date_format")
    elif clean["date_to"] and clean["date_from"] and clean["date_to"] < clean["date_from"]:
        errors.add("date_to", "error.period_reversed")
    try:
        clean["notes"] = validators.clean_text(data.get("notes"), 500)
    except validators.InvalidValue as exc:
        errors.add("notes", exc.key, **exc.params)
    errors.raise_if_any()
    return clean


def _claim_locker(cur, resource_id: int) -> None:
    """Touch the locker's row so concurrent assignment writes on it conflict (see module doc)."""
    cur.execute("update resource set row_version = row_version + 1 where id = ?", [resource_id])


def _refuse_overlap(cur, resource_id: int, date_from: date, date_to: date | None, exclude_id: int = -1) -> None:
    """Conflict naming the organisation that holds the locker for part of the period."""
    cur.execute(
        "select o.name, a.date_from, a.date_to from locker_assignment a "
        "join organisation o on o.id = a.organisation_id "
        "where a.resource_id = ? and a.id <> ? and a.date_from <= ? and coalesce(a.date_to, ?) >= ? "
        "order by a.date_from limit 1",
        [resource_id, exclude_id, date_to or _FOREVER, _FOREVER, date_from],
    )
    row = cur.fetchone()
    if row is not None:
        raise Conflict("error.locker_taken", organisation=row[0], date_from=row[1].strftime("%d.%m.%Y"),
                       date_to=row[2].strftime("%d.%m.%Y") if row[2] else "—")


def assign_locker(db: Database, actor: Actor, data: dict) -> int:
    """Assign a locker to an organisation from ``date_from`` (to ``date_to``, or open-ended)."""
    require(actor, "write")

    def work(cur):
        clean = _validate(cur, data)
        _claim_locker(cur, clean["resource_id"])
        _refuse_overlap(cur, clean["resource_id"], clean["date_from"], clean["date_to"])
        now = clock.utc_now()
        cur.execute(
            "insert into locker_assignment (resource_id, organisation_id, date_from, date_to, notes, created_at, "
            "created_by, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?) returning id",
            [clean["resource_id"], clean["organisation_id"], clean["date_from"], clean["date_to"], clean["notes"],
             now, actor.username, now],
        )
        new_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "locker_assignment", new_id, None, clean)
        return new_id

    return db.write(work, attempts=32)  # desks assigning one locker at once queue up on its row


def _fetch(cur, assignment_id: int) -> dict:
    cur.execute("select " + ", ".join(_FIELDS) + " from locker_assignment where id = ?",
                [as_int(assignment_id) or -1])
    row = cur.fetchone()
    if row is None:
        raise NotFound("error.assignment_not_found", id=assignment_id)
    return dict(zip(_FIELDS, row))


def _key_day(value, field: str = "day") -> date:
    """A handover/return day: a date, not in the future."""
    day = as_date(value)
    errors = Errors()
    if day is None:
        errors.add(field, "error.date_format")
    elif day > clock.today():
        errors.add(field, "error.future_day")
    errors.raise_if_any()
    return day


def record_key_handed(db: Database, actor: Actor, assignment_id: int, day: date) -> None:
    """Note the day the organisation received the locker's key."""
    require(actor, "write")
    day = _key_day(day)

    def work(cur):
        before = _fetch(cur, assignment_id)
        if before["key_handed_on"] is not None:
            raise Conflict("error.key_already_handed", day=before["key_handed_on"].strftime("%d.%m.%Y"))
        if before["date_to"] is not None and day > before["date_to"]:
            raise Conflict("error.key_after_assignment", day=before["date_to"].strftime("%d.%m.%Y"))
        cur.execute("update locker_assignment set key_handed_on = ?, updated_at = ? where id = ?",
                    [day, clock.utc_now(), assignment_id])
        audit.record(cur, actor.username, "update", "locker_assignment", assignment_id,
                     {"key_handed_on": None}, {"key_handed_on": day})

    db.write(work)


def record_key_returned(db: Database, actor: Actor, assignment_id: int, day: date) -> None:
    """Note the key's return; this ends the assignment on that day (unless it ended earlier)."""
    require(actor, "write")
    day = _key_day(day)

    def work(cur):
        before = _fetch(cur, assignment_id)
        if before["key_returned_on"] is not None:
            raise Conflict("error.key_already_returned", day=before["key_returned_on"].strftime("%d.%m.%Y"))
        if before["key_handed_on"] is None:
            raise Conflict("error.key_not_handed")
        if day < before["key_handed_on"]:
            raise Conflict("error.key_returned_before_handed", day=before["key_handed_on"].strftime("%d.%m.%Y"))
        date_to = day if before["date_to"] is None or before["date_to"] > day else before["date_to"]
        date_to = max(date_to, before["date_from"])
        cur.execute("update locker_assignment set key_returned_on = ?, date_to = ?, updated_at = ? where id = ?",
                    [day, date_to, clock.utc_now(), assignment_id])
        audit.record(cur, actor.username, "update", "locker_assignment", assignment_id,
                     {"key_returned_on": None, "date_to": before["date_to"]},
                     {"key_returned_on": day, "date_to": date_to})

    db.write(work)


def end_locker_assignment(db: Database, actor: Actor, assignment_id: int, day: date) -> None:
    """End an assignment on ``day`` without a key event (e.g. agreed early end, key never issued)."""
    require(actor, "write")
    end = as_date(day)
    errors = Errors()
    if end is None:
        errors.add("day", "error.date_format")
    errors.raise_if_any()

    def work(cur):
        before = _fetch(cur, assignment_id)
        if end < before["date_from"]:
            errors.add("day", "error.period_reversed")
            errors.raise_if_any()
        cur.execute("update locker_assignment set date_to = ?, updated_at = ? where id = ?",
                    [end, clock.utc_now(), assignment_id])
        audit.record(cur, actor.username, "update", "locker_assignment", assignment_id,
                     {"date_to": before["date_to"]}, {"date_to": end})

    db.write(work)


def locker_overview(db: Database, day: date | None = None) -> pd.DataFrame:
    """Every active locker on ``day``: who holds it, the key's state, and whether it is free.

    A locker whose key is still out counts as taken even after the assignment's end date.
    """
    day = as_date(day) or clock.today()
    return db.query(
        "with current as ("
        "  select a.*, row_number() over (partition by a.resource_id order by a.date_from desc, a.id desc) as rn "
        "  from locker_assignment a "
        "  where a.date_from <= ? and (coalesce(a.date_to, ?) >= ? "
        "        or (a.key_handed_on is not null and a.key_returned_on is null))) "
        "select r.id as resource_id, r.name, r.location, c.id as assignment_id, c.organisation_id, "
        "o.name as organisation, c.date_from, c.date_to, c.key_handed_on, c.key_returned_on, c.notes, "
        "c.id is null as free "
        "from resource r left join current c on c.resource_id = r.id and c.rn = 1 "
        "left join organisation o on o.id = c.organisation_id "
        "where r.kind = 'locker' and r.active order by r.id",
        [day, _FOREVER, day],
    )


def locker_assignments(db: Database, resource_id: int | None = None,
                       organisation_id: int | None = None) -> pd.DataFrame:
    """The history of assignments (newest first), optionally of one locker or organisation."""
    return db.query(
        "select a.id, a.resource_id, r.name as locker, a.organisation_id, o.name as organisation, a.date_from, "
        "a.date_to, a.key_handed_on, a.key_returned_on, a.notes from locker_assignment a "
        "join resource r on r.id = a.resource_id join organisation o on o.id = a.organisation_id "
        "where (? is null or a.resource_id = ?) and (? is null or a.organisation_id = ?) "
        "order by a.date_from desc, a.id desc",
        [resource_id, resource_id, organisation_id, organisation_id],
    )
