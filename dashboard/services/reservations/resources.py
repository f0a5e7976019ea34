"""Resources (rooms, workstations, lockers, equipment) as data; a new one opens on the open call's default hours.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_int
from dashboard.core.errors import Conflict, Errors, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.sql import fetch_one
from db.connection import Database

KINDS = ("room", "workstation", "locker", "equipment")


HOURS_SINCE = date(2000, 1, 1)  # valid_from of a resource's first opening-hours week


# The open call's terms: Mon–Fri 10–18, Tue and Thu 12–20 meets 5 days, 8 h a day, 2 evenings.
DEFAULT_HOURS = {0: (time(10), time(18)), 1: (time(12), time(20)), 2: (time(10), time(18)),
                 3: (time(12), time(20)), 4: (time(10), time(18))}


_RESOURCE_FIELDS = ("kind", "name", "capacity", "location", "equipment_notes", "active")


def resources(db: Database, kind: str | None = None, active_only: bool = True) -> pd.DataFrame:
    """Resources in a stable order (rooms, workstations, lockers, equipment; then as created).

    ``capacity`` holds plain ints and None (not pandas' NA), so ``capacity or default`` works.
    """
    frame = db.query(
        "select id, kind, name, capacity, location, equipment_notes, active from resource "
        "where (? is null or kind = ?) and (active or not ?) "
        "order by case kind when 'room' then 1 when 'workstation' then 2 when 'locker' then 3 else 4 end, id",
        [kind, kind, bool(active_only)],
    )
    frame["capacity"] = pd.Series([None if pd.isna(c) else int(c) for c in frame["capacity"]], index=frame.index,
                                  dtype=object)
    return frame


def _validate_resource(data: dict) -> dict:
    """Normalise a resource's fields or raise ValidationError (a room needs a capacity)."""
    errors = Errors()
    clean: dict = {"kind": data.get("kind")}
    if clean["kind"] not in KINDS:
        errors.add("kind", "error.resource_kind")
    for field, length, required in (("name", 120, True), ("location", 200, False), ("equipment_notes", 1000, False)):
        try:
            clean[field] = validators.clean_text(data.get(field), length, required=required)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)
    raw = data.get("capacity")
    clean["capacity"] = None if raw in (None, "") or raw != raw else as_int(raw)
    if raw not in (None, "") and raw == raw and (clean["capacity"] is None or not 1 <= clean["capacity"] <= 1000):
        errors.add("capacity", "error.capacity_invalid")
    elif clean["capacity"] is None and clean["kind"] == "room":
        errors.add("capacity", "error.required")
    clean["active"] = bool(data.get("active", True))
    errors.raise_if_any()
    return clean


def _refuse_taken_name(cur, name: str, own_id: int = -1) -> None:
    """Names are unique regardless of case (see the migration for why not by an index)."""
    if fetch_one(cur, "select id from resource where lower(name) = lower(?) and id <> ?", [name, own_id]):
        raise Conflict("error.resource_name_taken", name=name)


_WEEK_OF_HOURS = ("insert into opening_hours (resource_id, valid_from, weekday, opens, closes) values "
                  + ", ".join(["(?, ?, ?, ?, ?)"] * 7))


def _insert_default_hours(cur, resource_id: int) -> None:
    """The week in one statement: DuckDB's executemany runs one statement per row (5 ms for the week, 1 ms so)."""
    cur.execute(_WEEK_OF_HOURS, [value for wd in range(7)
                                 for value in (resource_id, HOURS_SINCE, wd, *DEFAULT_HOURS.get(wd, (None, None)))])


def create_resource(db: Database, actor: Actor, data: dict) -> int:
    """Add a resource (admin), open by default on the open call's standard hours."""
    require(actor, "settings")
    clean = _validate_resource(data)

    def work(cur):
        _refuse_taken_name(cur, clean["name"])
        now = clock.utc_now()
        cur.execute(
            "insert into resource (kind, name, capacity, location, equipment_notes, active, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?) returning id",
            [clean[f] for f in _RESOURCE_FIELDS] + [now, now],
        )
        new_id = cur.fetchone()[0]
        _insert_default_hours(cur, new_id)
        audit.record(cur, actor.username, "create", "resource", new_id, None, clean)
        return new_id

    return db.write(work)


def resource_in(cur, resource_id: Any) -> dict | None:
    """The resource on ``cur`` (id, kind, name, capacity, location, equipment_notes, active), or None."""
    row = fetch_one(cur, "select id, kind, name, capacity, location, equipment_notes, active from resource "
                          "where id = ?", [as_int(resource_id) or -1])
    return None if row is None else dict(zip(("id",) + _RESOURCE_FIELDS, row))


def update_resource(db: Database, actor: Actor, resource_id: int, data: dict) -> None:
    """Change a resource (admin); fields not given keep their values. Deactivating hides it
    from new bookings and keeps its history."""
    require(actor, "settings")

    def work(cur):
        before = resource_in(cur, resource_id)
        if before is None:
            raise NotFound("error.resource_not_found", id=resource_id)
        clean = _validate_resource({**before, **data})
        _refuse_taken_name(cur, clean["name"], before["id"])
        old, new = audit.changed({f: before[f] for f in _RESOURCE_FIELDS}, clean)
        if not new:
            return
        cur.execute(
            "update resource set kind = ?, name = ?, capacity = ?, location = ?, equipment_notes = ?, active = ?, "
            "updated_at = ? where id = ?",
            [clean[f] for f in _RESOURCE_FIELDS] + [clock.utc_now(), before["id"]],
        )
        audit.record(cur, actor.username, "update", "resource", before["id"], old, new)

    db.write(work)
