"""Bookings: the checks that give a reason the user can act on, the slot-holding writes, the cursor-level
API other services book rooms with inside their own transaction, and the reads of bookings.
"""

from __future__ import annotations

import random
import time as _time
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_date, as_int, as_time
from dashboard.core.errors import Conflict, Errors, Message, NotFound, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings, audit
from dashboard.services.reservations.opening_hours import holiday_name, hours_on, staff_closure
from dashboard.services.reservations.timegrid import SLOT, dmy, hm, num_text, on_grid, span_hours
from dashboard.services.sql import fetch_one
from db.connection import ConstraintViolation, Database

STATUSES = ("requested", "confirmed", "checked_in", "no_show", "cancelled")


ACTIVE = ("requested", "confirmed", "checked_in")  # the statuses that hold booking_slot rows


MAX_ATTENDEES = 10_000  # the cap when a resource has no capacity (equipment)


_WRITE_ROUNDS = 5


_BOOKING_SELECT = (
    "select b.id, b.resource_id, r.name as resource, r.kind, b.organisation_id, o.name as organisation, "
    "b.series_id, b.contact_person, b.purpose, b.statutory_declared, b.attendees, b.actual_attendance, "
    "b.starts_at::date as day, b.starts_at::time as start, b.ends_at::time as \"end\", b.starts_at, b.ends_at, "
    "b.status, b.checked_in_at, b.cancel_reason, b.cancelled_at, b.cancelled_by, b.created_at, b.created_by "
    "from booking b join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
)


_LIMIT_DEFAULTS = {"booking_horizon_days": 90, "fair_use_weekly_hours": None}


def booking_limits(db: Database) -> dict:
    """The run-time settings a booking check needs, read once per call (one query)."""
    return _limits_from(app_settings.get_settings(db, _LIMIT_DEFAULTS))


def _limits_from(settings: dict, own_event: bool = False) -> dict:
    if own_event:
        return {"horizon": None, "cap": None}
    return {"horizon": int(settings["booking_horizon_days"]), "cap": settings["fair_use_weekly_hours"]}


def _limits_in(cur, own_event: bool = False) -> dict:
    """The same settings read in the caller's transaction.

    The Centre's own events have neither: the horizon and the fair-use cap ration the NGOs' use of
    the rooms, while the Centre plans its training year ahead. (A horizon of None is not checked.)
    """
    if own_event:
        return _limits_from({}, own_event=True)
    return _limits_from(app_settings.get_settings_in(cur, _LIMIT_DEFAULTS))


# Everything the checks of one booking read from the database, in ONE round trip (each part a scalar
# subquery, NULL when there is no such row): the resource, the organisation's name, the day's opening
# hours in force (as ``_hours_on``: the latest version from on or before the day), the staff closure of
# the day (as ``_staff_closure``: one of the whole Centre first, then the lowest id) and the limits'
# settings (raw JSON text by key). arg_max/arg_min rather than ORDER BY … LIMIT 1: the same row, a
# cheaper plan. Public holidays come from Python (``holiday_name``, cached per year).
_CONTEXT_SQL = (
    "select (select {'id': id, 'kind': kind, 'name': name, 'capacity': capacity, 'location': location, "
    "'equipment_notes': equipment_notes, 'active': active} from resource where id = $resource), "
    "(select name from organisation where id = $organisation), "
    "(select arg_max({'opens': opens, 'closes': closes}, valid_from) from opening_hours "
    "where resource_id = $resource and weekday = $weekday and valid_from <= $day), "
    "(select arg_min(reason, [(resource_id is not null)::bigint, id]) from closure where cancelled_at is null "
    "and (resource_id is null or resource_id = $resource) and $day between date_from and date_to), "
    "(select list({'key': key, 'value': value}) from app_setting where list_contains($settings, key))"
)


def _context(cur, data: dict) -> dict:
    """What the checks of the booking ``data`` describes need from the database, read in one query.

    resource (dict or None), organisation (its name or None), day, hours ((opens, closes); None: closed
    that weekday), closure (the staff closure's reason or None) and settings (the limits' values).
    """
    day = as_date(data.get("day"))
    cur.execute(_CONTEXT_SQL, {"resource": as_int(data.get("resource_id")) or -1,
                               "organisation": as_int(data.get("organisation_id")) or -1,
                               "weekday": None if day is None else day.weekday(), "day": day,
                               "settings": list(_LIMIT_DEFAULTS)})
    resource, organisation, hours, closure, settings = cur.fetchone()
    stored = {item["key"]: item["value"] for item in settings or ()}
    return {"resource": resource, "organisation": organisation, "day": day,
            "hours": None if hours is None or hours["opens"] is None else (hours["opens"], hours["closes"]),
            "closure": closure,
            "settings": {key: app_settings.decoded(stored.get(key), key, default)
                         for key, default in _LIMIT_DEFAULTS.items()}}


def validate_fields(cur, data: dict, errors: Errors, context: dict | None = None) -> dict:
    """The fields that do not depend on the calendar; errors collected, not raised.

    ``context``: ``_context(cur, data)`` when the caller has already read it.
    """
    context = context if context is not None else _context(cur, data)
    clean: dict = {"resource": context["resource"]}
    resource = clean["resource"]
    if resource is None or not resource["active"]:
        errors.add("resource_id", "error.resource_unknown")
    elif resource["kind"] == "locker":
        errors.add("resource_id", "error.locker_not_bookable")
    clean["resource_id"] = resource["id"] if resource else None
    clean["organisation_id"] = as_int(data.get("organisation_id"))
    if context["organisation"] is None:
        errors.add("organisation_id", "error.organisation_unknown")
    clean["organisation"] = context["organisation"]
    for field, length in (("contact_person", 120), ("purpose", 500)):
        try:
            clean[field] = validators.clean_text(data.get(field), length, required=True)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)
    if data.get("statutory_declared") is not True:
        errors.add("statutory_declared", "error.statutory_required")
    clean["statutory_declared"] = True
    clean["attendees"] = as_int(data.get("attendees"))
    if clean["attendees"] is None or not 1 <= clean["attendees"] <= MAX_ATTENDEES:
        errors.add("attendees", "error.attendees_invalid")
    elif resource and resource["capacity"] and clean["attendees"] > resource["capacity"]:
        errors.add("attendees", "error.over_capacity", capacity=resource["capacity"])
    _validate_times(data, clean, errors)
    return clean


def _validate_times(data: dict, clean: dict, errors: Errors) -> None:
    """Day, start and end: types, the 30-minute grid, and end after start."""
    clean["day"] = as_date(data.get("day"))
    if clean["day"] is None:
        errors.add("day", "error.date_format")
    for field in ("start", "end"):
        clean[field] = as_time(data.get(field))
        if clean[field] is None:
            errors.add(field, "error.time_format")
        elif not on_grid(clean[field]):
            errors.add(field, "error.not_on_grid")
    if clean["start"] and clean["end"] and clean["end"] <= clean["start"]:
        errors.add("end", "error.end_before_start")
    if clean["day"] and clean["start"] and clean["end"]:
        clean["starts_at"] = datetime.combine(clean["day"], clean["start"])
        clean["ends_at"] = datetime.combine(clean["day"], clean["end"])


def day_problems(cur, resource_id: int, starts_at: datetime, ends_at: datetime,
                  limits: dict, context: dict | None = None) -> list[tuple[str, str, Message]]:
    """What stops this resource being booked then: (series status, form field, message), worst first.

    ``context``: ``_context`` read for this resource and day (its hours and closure are then not re-read).
    """
    day, now = starts_at.date(), clock.local_now()
    known = context is not None and context["day"] == day and (context["resource"] or {}).get("id") == resource_id
    problems = []
    reason = holiday_name(day) or (context["closure"] if known else staff_closure(cur, resource_id, day))
    if reason:
        problems.append(("closed", "day", Message("error.closed_day", {"reason": reason})))
    if starts_at < now:
        problems.append(("invalid", "start" if day == now.date() else "day", Message("error.booking_in_past")))
    if limits["horizon"] is not None and day > now.date() + timedelta(days=limits["horizon"]):
        problems.append(("invalid", "day", Message("error.beyond_horizon", {"days": limits["horizon"]})))
    hours = context["hours"] if known else hours_on(cur, resource_id, day)
    if hours is None:
        problems.append(("invalid", "day", Message("error.closed_weekday")))
    elif starts_at.time() < hours[0] or ends_at.time() > hours[1]:
        problems.append(("invalid", "start", Message("error.outside_opening_hours",
                                                     {"opens": hm(hours[0]), "closes": hm(hours[1])})))
    return problems


def find_overlap(cur, resource_id: int, starts_at: datetime, ends_at: datetime,
             exclude: tuple[int, ...] = ()) -> dict | None:
    """The first active booking of the resource overlapping [starts_at, ends_at), if any (``exclude`` ignored)."""
    row = fetch_one(
        cur,
        "select b.id, o.name, b.starts_at, b.ends_at from booking b join organisation o on o.id = b.organisation_id "
        "where b.resource_id = ? and b.status in ('requested', 'confirmed', 'checked_in') "
        "and b.starts_at < ? and b.ends_at > ? and not list_contains(?::bigint[], b.id) order by b.starts_at limit 1",
        [resource_id, ends_at, starts_at, list(exclude)],
    )
    return None if row is None else dict(zip(("id", "organisation", "starts_at", "ends_at"), row))


def overlap_message(found: dict) -> Message:
    return Message("error.booking_overlap", {"organisation": found["organisation"], "day": dmy(found["starts_at"]),
                                             "start": hm(found["starts_at"]), "end": hm(found["ends_at"])})


def week_of(day: date) -> tuple[datetime, str]:
    monday = day - timedelta(days=day.weekday())
    iso = day.isocalendar()
    return datetime.combine(monday, time()), f"{iso[0]}-W{iso[1]:02d}"


def _booked_room_hours(cur, organisation_id: int, day: date, exclude: tuple[int, ...] = ()) -> float:
    """Hours of rooms the organisation holds (active bookings) in the ISO week of ``day``."""
    monday, _ = week_of(day)
    row = fetch_one(
        cur,
        "select coalesce(sum(epoch(b.ends_at - b.starts_at)), 0) / 3600 from booking b "
        "join resource r on r.id = b.resource_id where r.kind = 'room' and b.organisation_id = ? "
        "and b.status in ('requested', 'confirmed', 'checked_in') and b.starts_at >= ? and b.starts_at < ? "
        "and not list_contains(?::bigint[], b.id)",
        [organisation_id, monday, monday + timedelta(days=7), list(exclude)],
    )
    return float(row[0])


def fair_use_message(cur, clean: dict, limits: dict, starts_at: datetime, ends_at: datetime,
                      exclude: tuple[int, ...] = (), planned: float = 0.0) -> Message | None:
    """The cap's message when this room booking would take the organisation over it that week."""
    cap = limits["cap"]
    if cap is None or clean["resource"]["kind"] != "room":
        return None
    booked = _booked_room_hours(cur, clean["organisation_id"], starts_at.date(), exclude) + planned
    if booked + span_hours(starts_at, ends_at) <= cap + 1e-9:
        return None
    return Message("error.fair_use_cap", {"hours": num_text(cap), "booked": num_text(booked),
                                          "week": week_of(starts_at.date())[1]})


def _timing_changed(clean: dict, before: dict | None) -> bool:
    return before is None or (clean["resource_id"], clean.get("starts_at"), clean.get("ends_at")) != (
        before["resource_id"], before["starts_at"], before["ends_at"])


def _checked_booking(cur, data: dict, limits: dict, before: dict | None = None,
                     ignore: tuple[int, ...] = (), context: dict | None = None, check_overlap: bool = True) -> dict:
    """Every check of point 4, in the transaction's snapshot: ValidationError, then Conflict.

    An edit that keeps the resource and the time skips the calendar checks, so correcting a
    purpose never fails because the hours were shortened since the booking was made. ``ignore``:
    other bookings this transaction is moving away (``move_all_in``), not in anybody's way.

    ``check_overlap=False`` (``create_booking`` only) leaves the overlap to the booking_slot primary
    key: the slot insert refuses it and the caller names the clash after the rollback (``_write``).
    The overlap still wins over the fair-use message: a booking over the cap is checked for it first.
    """
    errors = Errors()
    context = context if context is not None else _context(cur, data)
    clean = validate_fields(cur, data, errors, context)
    calendar_fields_ok = not any(f in errors.errors for f in ("resource_id", "day", "start", "end"))
    if calendar_fields_ok and _timing_changed(clean, before):
        for _status, field, message in day_problems(cur, clean["resource_id"], clean["starts_at"],
                                                     clean["ends_at"], limits, context):
            errors.add(field, message.key, **message.params)
    errors.raise_if_any()
    exclude = ((before["id"],) if before else ()) + tuple(ignore)
    if check_overlap:
        _refuse_overlap(cur, clean, exclude)
    message = fair_use_message(cur, clean, limits, clean["starts_at"], clean["ends_at"], exclude)
    if message:
        if not check_overlap:
            _refuse_overlap(cur, clean, exclude)
        raise Conflict(**_conflict_args(message))
    return clean


def _refuse_overlap(cur, clean: dict, exclude: tuple[int, ...] = ()) -> None:
    """Conflict naming whose booking is in the way (as the snapshot of ``cur`` sees it), if any is."""
    found = find_overlap(cur, clean["resource_id"], clean["starts_at"], clean["ends_at"], exclude)
    if found:
        raise Conflict(**_conflict_args(overlap_message(found)))


def _conflict_args(message: Message) -> dict:
    return {"key": message.key, **message.params}


def slot_write(db: Database, work: Callable, explain: Callable[[], None] | None = None) -> Any:
    """Run a slot-taking write; a slot lost to a concurrent writer is retried in a fresh snapshot.

    The retry's own checks then see the winner and raise the Conflict naming whose and when.
    ``explain`` (for a ``work`` that leaves the overlap to the slot key) is called after a lost
    slot, outside the failed transaction, to raise that Conflict itself. A competitor that is still
    uncommitted after several rounds gets the generic message.
    """
    for attempt in range(_WRITE_ROUNDS):
        try:
            return db.write(work, attempts=16)
        except ConstraintViolation as exc:
            if not _is_duplicate_key(exc):
                raise  # a CHECK or foreign key refused: a bug to see, not a busy slot
        if explain is not None:
            explain()
        _time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
    raise Conflict("error.booking_slot_busy")


def _is_duplicate_key(exc: ConstraintViolation) -> bool:
    text = str(exc).lower()
    return "duplicate key" in text or "primary key or unique" in text


def _occupy(cur, resource_id: int, starts_at: datetime, ends_at: datetime, booking_id: int,
            keep_from: datetime | None = None, keep_to: datetime | None = None) -> None:
    """Insert the slot rows of [starts_at, ends_at), except those in [keep_from, keep_to) it already holds.

    One INSERT of all the rows (a list parameter unnested); none at all when there is nothing new.
    """
    slots, moment = [], starts_at
    while moment < ends_at:
        if keep_from is None or moment < keep_from or moment >= keep_to:
            slots.append(moment)
        moment += SLOT
    if slots:
        cur.execute("insert into booking_slot (resource_id, slot_start, booking_id) "
                    "select ?, unnest(?::timestamp[]), ?", [resource_id, slots, booking_id])


def _release(cur, booking: dict) -> None:
    cur.execute(
        "delete from booking_slot where resource_id = ? and slot_start >= ? and slot_start < ? and booking_id = ?",
        [booking["resource_id"], booking["starts_at"], booking["ends_at"], booking["id"]],
    )


def _move_slots(cur, before: dict, clean: dict) -> None:
    """An edit frees only the slots no longer covered and takes only the new ones."""
    if before["resource_id"] != clean["resource_id"]:
        _release(cur, before)
        _occupy(cur, clean["resource_id"], clean["starts_at"], clean["ends_at"], before["id"])
        return
    cur.execute(
        "delete from booking_slot where resource_id = ? and slot_start >= ? and slot_start < ? and booking_id = ? "
        "and (slot_start < ? or slot_start >= ?)",
        [before["resource_id"], before["starts_at"], before["ends_at"], before["id"], clean["starts_at"],
         clean["ends_at"]],
    )
    _occupy(cur, clean["resource_id"], clean["starts_at"], clean["ends_at"], before["id"],
            before["starts_at"], before["ends_at"])


def insert_booking(cur, username: str, clean: dict, status: str, series_id: int | None = None) -> int:
    now = clock.utc_now()
    cur.execute(
        "insert into booking (resource_id, organisation_id, series_id, contact_person, purpose, statutory_declared, "
        "attendees, starts_at, ends_at, status, created_at, created_by, updated_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [clean["resource_id"], clean["organisation_id"], series_id, clean["contact_person"], clean["purpose"], True,
         clean["attendees"], clean["starts_at"], clean["ends_at"], status, now, username, now],
    )
    booking_id = cur.fetchone()[0]
    _occupy(cur, clean["resource_id"], clean["starts_at"], clean["ends_at"], booking_id)
    return booking_id


def audit_view(clean: dict, status: str | None = None) -> dict:
    """The booking as the change history shows it."""
    view = {k: clean[k] for k in ("resource_id", "organisation_id", "contact_person", "purpose", "attendees",
                                  "starts_at", "ends_at")}
    return view if status is None else {**view, "status": status}


def new_status(data: dict) -> str:
    status = data.get("status") or "confirmed"
    if status not in ("confirmed", "requested"):
        errors = Errors()
        errors.add("status", "error.status_invalid")
        errors.raise_if_any()
    return status


_ROW_FIELDS = ("id", "resource_id", "organisation_id", "series_id", "contact_person", "purpose", "attendees",
               "starts_at", "ends_at", "status", "actual_attendance")


def _booking_row(cur, booking_id: Any) -> dict:
    row = fetch_one(cur, "select " + ", ".join(_ROW_FIELDS) + " from booking where id = ?",
                     [as_int(booking_id) or -1])
    if row is None:
        raise NotFound("error.booking_not_found", id=booking_id)
    return dict(zip(_ROW_FIELDS, row))


def _form_values(row: dict) -> dict:
    """A stored booking in the shape of the form's data, so an edit may send only what changed."""
    return {"resource_id": row["resource_id"], "organisation_id": row["organisation_id"],
            "contact_person": row["contact_person"], "purpose": row["purpose"], "statutory_declared": True,
            "attendees": row["attendees"], "day": row["starts_at"].date(), "start": row["starts_at"].time(),
            "end": row["ends_at"].time()}


def _require_status(row: dict, allowed: tuple[str, ...]) -> None:
    """Refuse a lifecycle step from the wrong state, saying which state it is in."""
    if row["status"] not in allowed:
        raise Conflict(f"error.booking_already_{row['status']}", status=row["status"])


def clean_reason(value: Any) -> str:
    """A cancellation reason, trimmed: required, at most 500 characters (ValidationError on 'reason')."""
    errors = Errors()
    try:
        text = validators.clean_text(value, 500, required=True)
    except validators.InvalidValue as exc:
        errors.add("reason", exc.key, **exc.params)
    errors.raise_if_any()
    return text


def _move(cur, actor: Actor, before: dict, data: dict, limits: dict, ignore: tuple[int, ...] = (),
          released: bool = False) -> None:
    """Edit one booking in place (same id): the checks of a new one, itself and ``ignore`` excluded.

    ``released``: its slot rows were already deleted (``move_all_in``), so all of the new ones are taken.
    """
    _require_status(before, CHANGEABLE)
    merged = {**_form_values(before), **{k: v for k, v in data.items() if k != "status"}}
    clean = _checked_booking(cur, merged, limits, before, ignore)
    cur.execute(
        "update booking set resource_id = ?, organisation_id = ?, contact_person = ?, purpose = ?, attendees = ?, "
        "starts_at = ?, ends_at = ?, updated_at = ? where id = ?",
        [clean["resource_id"], clean["organisation_id"], clean["contact_person"], clean["purpose"],
         clean["attendees"], clean["starts_at"], clean["ends_at"], clock.utc_now(), before["id"]],
    )
    if released:
        _occupy(cur, clean["resource_id"], clean["starts_at"], clean["ends_at"], before["id"])
    else:
        _move_slots(cur, before, clean)
    old, new = audit.changed({k: before[k] for k in audit_view(clean)}, audit_view(clean))
    if new:
        audit.record(cur, actor.username, "update", "booking", before["id"], old, new)


CHANGEABLE = ("requested", "confirmed")  # the statuses a booking can still be moved or cancelled from


def changeable(booking: dict) -> bool:
    """Whether the booking can still be edited, moved or cancelled (pages ask this, never read statuses)."""
    return booking.get("status") in CHANGEABLE


def book_in(cur, actor: Actor, data: dict, *, own_event: bool = False) -> int:
    """Check and insert a booking, occupy its slots and audit it, on ``cur``; returns its id.

    data: resource_id, organisation_id, contact_person, purpose, statutory_declared (True),
    attendees, day, start, end, status ('confirmed' by default, or 'requested').
    """
    require(actor, "write")
    return _book(cur, actor, data, new_status(data), own_event=own_event)


def _book(cur, actor: Actor, data: dict, status: str, *, own_event: bool = False, check_overlap: bool = True,
          attempted: dict | None = None) -> int:
    """``book_in``'s work: one query for what the checks read, the checks, the booking, its slots, the audit row.

    ``attempted`` receives the checked booking before it is written (for ``create_booking``'s ``explain``).
    """
    context = _context(cur, data)
    clean = _checked_booking(cur, data, _limits_from(context["settings"], own_event), context=context,
                             check_overlap=check_overlap)
    if attempted is not None:
        attempted.update(clean)
    booking_id = insert_booking(cur, actor.username, clean, status)
    audit.record(cur, actor.username, "create", "booking", booking_id, None, audit_view(clean, status))
    return booking_id


def move_in(cur, actor: Actor, booking_id: int, data: dict, *, own_event: bool = False) -> None:
    """Edit a requested or confirmed booking IN PLACE (same id) on ``cur``: new time, room or fields.

    Fields not in ``data`` keep their values; ``status`` is ignored. The same checks as a new
    booking, itself excluded; when the resource and the time stay, the calendar checks are skipped.
    Only the slots no longer covered are freed and only the new ones taken; one 'update' audit row
    (none when nothing changed), never a cancellation.
    """
    require(actor, "write")
    _move(cur, actor, booking_in(cur, booking_id), data, _limits_in(cur, own_event))


def move_all_in(cur, actor: Actor, moves: list[tuple[int, dict]], *, own_event: bool = False) -> None:
    """``move_in`` for several bookings at once, so one may take another's old time (a swap).

    Every booking's slots are freed first; each is then checked against everything else, the others
    of ``moves`` at their new time once moved and not in the way before. A refusal (ValidationError,
    Conflict) carries ``.booking_id``, the booking whose move it refused.
    """
    require(actor, "write")
    limits = _limits_in(cur, own_event)
    rows = []
    for booking_id, data in moves:
        row = booking_in(cur, booking_id)
        try:
            _require_status(row, CHANGEABLE)
        except Conflict as exc:
            exc.booking_id = row["id"]
            raise
        rows.append((row, data))
    pending = {row["id"] for row, _data in rows}
    if len(pending) != len(rows):
        raise ValueError("move_all_in: a booking is moved twice")
    for row, _data in rows:
        _release(cur, row)
    for row, data in rows:
        pending.discard(row["id"])
        try:
            _move(cur, actor, row, data, limits, ignore=tuple(sorted(pending)), released=True)
        except (ValidationError, Conflict) as exc:
            exc.booking_id = row["id"]
            raise


def cancel_in(cur, actor: Actor, booking_id: int, reason: str) -> None:
    """Cancel a requested or confirmed booking on ``cur``: status, who, when, why; its slots are freed.

    Conflict when it is in another state (``booking_in`` tells which); ValidationError for an empty reason.
    """
    require(actor, "write")
    reason = clean_reason(reason)
    row = booking_in(cur, booking_id)
    _require_status(row, CHANGEABLE)
    cur.execute(
        "update booking set status = 'cancelled', cancel_reason = ?, cancelled_at = ?, cancelled_by = ?, "
        "updated_at = ? where id = ?",
        [reason, clock.local_now(), actor.username, clock.utc_now(), row["id"]],
    )
    _release(cur, row)
    audit.record(cur, actor.username, "cancel", "booking", row["id"], {"status": row["status"]},
                 {"status": "cancelled", "cancel_reason": reason})


def booking_in(cur, booking_id: Any) -> dict:
    """The stored booking on ``cur`` (NotFound otherwise): id, resource_id, organisation_id, series_id,
    contact_person, purpose, attendees, starts_at, ends_at, status, actual_attendance."""
    return _booking_row(cur, booking_id)


def create_booking(db: Database, actor: Actor, data: dict) -> int:
    """Book a resource; ValidationError per field, Conflict for an overlap or the fair-use cap.

    The same checks as ``book_in``, but the overlap is left to the booking_slot primary key (no
    pre-check query on the write path): when the slot insert (or the COMMIT) refuses, the clashing
    booking is looked up in a fresh snapshot and named; if none is visible yet, the write is retried.
    """
    require(actor, "write")
    status = new_status(data)  # a bad status is refused before the transaction
    attempted: dict = {}

    def explain() -> None:
        if attempted:
            with db.transaction() as cur:
                _refuse_overlap(cur, attempted)

    return slot_write(db, lambda cur: _book(cur, actor, data, status, check_overlap=False, attempted=attempted),
                  explain)


def update_booking(db: Database, actor: Actor, booking_id: int, data: dict) -> None:
    """Edit a requested or confirmed booking; the same checks as a new one, itself excluded.

    A session's room booking keeps its room and time here: they move with the session on the event's
    page, or the catalogue, enrolment and attendance would keep the old time while the room moved.
    """
    require(actor, "write")

    def work(cur) -> None:
        session = fetch_one(cur, "select event_id from event_session where booking_id = ?", [as_int(booking_id)])
        before = booking_in(cur, booking_id) if session else None
        move_in(cur, actor, booking_id, data)
        if session:
            after = booking_in(cur, booking_id)
            if any(before[k] != after[k] for k in ("resource_id", "starts_at", "ends_at")):
                raise Conflict("error.booking_of_event_session", event=session[0])

    slot_write(db, work)


def cancel_booking(db: Database, actor: Actor, booking_id: int, reason: str) -> None:
    """Cancel a requested or confirmed booking; it stays on record, its time becomes free."""
    require(actor, "write")
    reason = clean_reason(reason)
    db.write(lambda cur: cancel_in(cur, actor, booking_id, reason), attempts=16)


def confirm_booking(db: Database, actor: Actor, booking_id: int) -> None:
    """A requested booking becomes confirmed."""
    require(actor, "write")

    def work(cur):
        row = _booking_row(cur, booking_id)
        _require_status(row, ("requested",))
        cur.execute("update booking set status = 'confirmed', updated_at = ? where id = ?",
                    [clock.utc_now(), row["id"]])
        audit.record(cur, actor.username, "confirm", "booking", row["id"], {"status": row["status"]},
                     {"status": "confirmed"})

    db.write(work, attempts=16)


def check_in(db: Database, actor: Actor, booking_id: int, actual_attendance: int) -> None:
    """The group came: record how many people (from the booking's day on; a repeat corrects it)."""
    require(actor, "write")
    attendance = as_int(actual_attendance)
    if attendance is None or not 0 <= attendance <= 10000:
        errors = Errors()
        errors.add("actual_attendance", "error.attendance_invalid")
        errors.raise_if_any()

    def work(cur):
        row = _booking_row(cur, booking_id)
        _require_status(row, ("requested", "confirmed", "checked_in"))
        if clock.today() < row["starts_at"].date():
            raise Conflict("error.check_in_too_early", day=dmy(row["starts_at"]))
        cur.execute(
            "update booking set status = 'checked_in', actual_attendance = ?, "
            "checked_in_at = coalesce(checked_in_at, ?), updated_at = ? where id = ?",
            [attendance, clock.local_now(), clock.utc_now(), row["id"]],
        )
        audit.record(cur, actor.username, "check_in", "booking", row["id"],
                     {"status": row["status"], "actual_attendance": row["actual_attendance"]},
                     {"status": "checked_in", "actual_attendance": attendance})

    db.write(work, attempts=16)


def mark_no_show(db: Database, actor: Actor, booking_id: int) -> None:
    """Nobody came (only once the booking has started); the rest of its time becomes free."""
    require(actor, "write")

    def work(cur):
        row = _booking_row(cur, booking_id)
        _require_status(row, ("requested", "confirmed"))
        if clock.local_now() < row["starts_at"]:
            raise Conflict("error.no_show_too_early", start=f"{dmy(row['starts_at'])} {hm(row['starts_at'])}")
        cur.execute("update booking set status = 'no_show', updated_at = ? where id = ?",
                    [clock.utc_now(), row["id"]])
        _release(cur, row)
        audit.record(cur, actor.username, "no_show", "booking", row["id"], {"status": row["status"]},
                     {"status": "no_show"})

    db.write(work, attempts=16)


def get_booking(db: Database, actor: Actor, booking_id: int) -> dict:
    """One booking with its resource's and organisation's names, day/start/end for the form."""
    require(actor, "read")
    rows = db.dicts(_BOOKING_SELECT + "where b.id = ?", [as_int(booking_id) or -1])
    if not rows:
        raise NotFound("error.booking_not_found", id=booking_id)
    return rows[0]


def bookings(db: Database, actor: Actor, date_from: date, date_to: date, *, resource_id: int | None = None,
             organisation_id: int | None = None, statuses: tuple[str, ...] | list[str] | None = None,
             limit: int = 5000) -> pd.DataFrame:
    """Bookings starting in [date_from, date_to], in time order, with names joined."""
    require(actor, "read")
    until = datetime.combine(min(date_to, date.max - timedelta(days=1)) + timedelta(days=1), time())
    wanted = None if statuses is None else list(statuses)
    return db.query(
        _BOOKING_SELECT + "where b.starts_at >= ? and b.starts_at < ? and (? is null or b.resource_id = ?) "
        "and (? is null or b.organisation_id = ?) and (?::varchar[] is null or list_contains(?::varchar[], b.status)) "
        "order by b.starts_at, r.id limit ?",
        [datetime.combine(date_from, time()), until, resource_id, resource_id, organisation_id, organisation_id,
         wanted, wanted, int(limit)],
    )
