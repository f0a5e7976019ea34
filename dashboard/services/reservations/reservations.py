"""Reservations: rooms, workstations and equipment booked by the half-hour.

Resources are data (``resource``), each with versioned weekly opening hours. A day is closed
by a Polish public holiday (the ``holidays`` package) or by a closure staff entered. A booking
is refused with a reason the user can act on: overlap (whose and when), outside hours, a
closed day, over capacity, in the past, beyond the horizon, off the 30-minute grid.

Double booking is impossible by construction, not by checking: every active booking owns
one ``booking_slot`` row per 30 minutes, under a primary key on (resource, slot). DuckDB
enforces that key across concurrent transactions (at the latest at COMMIT), whereas a
check-then-insert double-books under snapshot isolation. The checks inside the transaction
only produce a good message; when a concurrent writer wins anyway, the write is retried in a
fresh snapshot, where the check names the winner.

Other services that book rooms inside their own transaction (trainings) use the cursor-level
API below (``book_in``, ``move_in``, ``move_all_in``, ``cancel_in``, ``booking_in``,
``resource_in``, ``clean_reason``, ``as_day``, ``as_time``), the same code path as
``create_booking``, ``update_booking`` and ``cancel_booking``; never this module's private names.

Times are Europe/Warsaw wall clock, stored naive, so durations are wall-clock hours (a DST
week still has 8-hour days). Weekdays are 0 = Monday … 6 = Sunday, as ``date.weekday()``.
"""

from __future__ import annotations

import math
import random
import time as _time
from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Callable

import holidays as _holidays_pkg
import pandas as pd

from dashboard.core import clock
from dashboard.core import validators
from dashboard.core.errors import Conflict, Errors, Message, NotFound, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings
from dashboard.services.admin import audit
from dashboard.services.reservations.lockers import (  # noqa: F401  (part of this module's API)
    assign_locker, end_locker_assignment, locker_assignments, locker_overview, record_key_handed,
    record_key_returned,
)
from db.connection import ConstraintViolation, Database

KINDS = ("room", "workstation", "locker", "equipment")
STATUSES = ("requested", "confirmed", "checked_in", "no_show", "cancelled")
ACTIVE = ("requested", "confirmed", "checked_in")  # the statuses that hold booking_slot rows
SLOT = timedelta(minutes=30)
HOURS_SINCE = date(2000, 1, 1)  # valid_from of a resource's first opening-hours week
# The open call's terms: Mon–Fri 10–18, Tue and Thu 12–20 meets 5 days, 8 h a day, 2 evenings.
DEFAULT_HOURS = {0: (time(10), time(18)), 1: (time(12), time(20)), 2: (time(10), time(18)),
                 3: (time(12), time(20)), 4: (time(10), time(18))}
TERM_DAYS, TERM_HOURS_PER_DAY, TERM_EVENINGS, EVENING_UNTIL = 5, 8, 2, time(20)
MAX_SERIES = 104
MAX_ATTENDEES = 10_000  # the cap when a resource has no capacity (equipment)
MAX_CLOSURE_DAYS = 366
_WRITE_ROUNDS = 5
_HOLIDAY_LANGUAGES = {"pl": "pl", "en": "en_US"}
_RESOURCE_FIELDS = ("kind", "name", "capacity", "location", "equipment_notes", "active")
_BOOKING_SELECT = (
    "select b.id, b.resource_id, r.name as resource, r.kind, b.organisation_id, o.name as organisation, "
    "b.series_id, b.contact_person, b.purpose, b.statutory_declared, b.attendees, b.actual_attendance, "
    "b.starts_at::date as day, b.starts_at::time as start, b.ends_at::time as \"end\", b.starts_at, b.ends_at, "
    "b.status, b.checked_in_at, b.cancel_reason, b.cancelled_at, b.cancelled_by, b.created_at, b.created_by "
    "from booking b join resource r on r.id = b.resource_id join organisation o on o.id = b.organisation_id "
)


# -- small conversions -----------------------------------------------------------------
def _as_int(value: Any) -> int | None:
    """A form value as an int (numpy ints and whole floats too); None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number != int(number) or abs(number) >= 2**63:
        return None  # beyond BIGINT: no row has such an id, no room such a head count
    return int(number)


def as_day(value: Any) -> date | None:
    """A date (a datetime's day); None for anything else. Public: other services parse form days with it."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def as_time(value: Any) -> time | None:
    """A time, or 'HH:MM' text as widgets and editors sometimes send it; None otherwise. Public."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%H:%M").time()
        except ValueError:
            return None
    return None


def _on_grid(value: time) -> bool:
    return value.minute in (0, 30) and value.second == 0 and value.microsecond == 0


def _hm(value: time | datetime) -> str:
    return value.strftime("%H:%M")


def _dmy(value: date | datetime) -> str:
    return value.strftime("%d.%m.%Y")


def _hours(start: datetime | time, end: datetime | time) -> float:
    """Wall-clock hours between two naive times of one day."""
    if isinstance(start, time):
        start, end = datetime.combine(HOURS_SINCE, start), datetime.combine(HOURS_SINCE, end)
    return (end - start).total_seconds() / 3600


def _fetch_one(cur, sql: str, params: list) -> tuple | None:
    cur.execute(sql, params)
    return cur.fetchone()


def _fetch_all(cur, sql: str, params: list) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


# -- resources ---------------------------------------------------------------------------
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
    clean["capacity"] = None if raw in (None, "") or raw != raw else _as_int(raw)
    if raw not in (None, "") and raw == raw and (clean["capacity"] is None or not 1 <= clean["capacity"] <= 1000):
        errors.add("capacity", "error.capacity_invalid")
    elif clean["capacity"] is None and clean["kind"] == "room":
        errors.add("capacity", "error.required")
    clean["active"] = bool(data.get("active", True))
    errors.raise_if_any()
    return clean


def _refuse_taken_name(cur, name: str, own_id: int = -1) -> None:
    """Names are unique regardless of case (see the migration for why not by an index)."""
    if _fetch_one(cur, "select id from resource where lower(name) = lower(?) and id <> ?", [name, own_id]):
        raise Conflict("error.resource_name_taken", name=name)


def _insert_default_hours(cur, resource_id: int) -> None:
    cur.executemany(
        "insert into opening_hours (resource_id, valid_from, weekday, opens, closes) values (?, ?, ?, ?, ?)",
        [[resource_id, HOURS_SINCE, wd, *DEFAULT_HOURS.get(wd, (None, None))] for wd in range(7)],
    )


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


def _resource(cur, resource_id: Any) -> dict | None:
    row = _fetch_one(cur, "select id, kind, name, capacity, location, equipment_notes, active from resource "
                          "where id = ?", [_as_int(resource_id) or -1])
    return None if row is None else dict(zip(("id",) + _RESOURCE_FIELDS, row))


def update_resource(db: Database, actor: Actor, resource_id: int, data: dict) -> None:
    """Change a resource (admin); fields not given keep their values. Deactivating hides it
    from new bookings and keeps its history."""
    require(actor, "settings")

    def work(cur):
        before = _resource(cur, resource_id)
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


# -- opening hours -----------------------------------------------------------------------
def _week_in_force(cur, resource_id: int, on: date) -> dict[int, tuple[time, time] | None]:
    rows = _fetch_all(
        cur,
        "select weekday, opens, closes from opening_hours where resource_id = ? and valid_from = "
        "(select max(valid_from) from opening_hours where resource_id = ? and valid_from <= ?)",
        [resource_id, resource_id, on],
    )
    week: dict[int, tuple[time, time] | None] = {wd: None for wd in range(7)}
    for weekday, opens, closes in rows:
        week[weekday] = (opens, closes) if opens is not None else None
    return week


def opening_hours(db: Database, resource_id: int, on: date | None = None) -> pd.DataFrame:
    """The week of hours in force on ``on`` (today): 7 rows, weekday 0 = Monday, None = closed."""
    with db.transaction() as cur:
        week = _week_in_force(cur, _as_int(resource_id) or -1, as_day(on) or clock.today())
    return pd.DataFrame(
        [{"weekday": wd, "opens": h[0] if h else None, "closes": h[1] if h else None} for wd, h in week.items()]
    ).astype({"opens": object, "closes": object})


def _validate_hours(rows: list[dict]) -> dict[int, tuple[time, time] | None]:
    """A full week from the editor's rows (a weekday not given is closed) or ValidationError."""
    errors = Errors()
    week: dict[int, tuple[time, time] | None] = {wd: None for wd in range(7)}
    seen = set()
    for row in rows or []:
        weekday = _as_int(row.get("weekday"))
        if weekday is None or not 0 <= weekday <= 6 or weekday in seen:
            errors.add("weekday", "error.weekday_invalid")
            continue
        seen.add(weekday)
        raw_opens, raw_closes = row.get("opens"), row.get("closes")
        opens = None if raw_opens is None or raw_opens != raw_opens else as_time(raw_opens)
        closes = None if raw_closes is None or raw_closes != raw_closes else as_time(raw_closes)
        given = (raw_opens is not None and raw_opens == raw_opens, raw_closes is not None and raw_closes == raw_closes)
        if given == (False, False):
            continue
        if opens is None or closes is None or not (_on_grid(opens) and _on_grid(closes)) or opens >= closes:
            errors.add(f"hours_{weekday}", "error.hours_invalid", weekday=weekday)
            continue
        week[weekday] = (opens, closes)
    errors.raise_if_any()
    return week


def set_opening_hours(db: Database, actor: Actor, resource_id: int, rows: list[dict],
                      valid_from: date | None = None) -> int:
    """Set the weekly hours (admin) from ``valid_from`` (today) on; earlier weeks keep theirs.

    Returns how many future active bookings now lie outside the new hours (the page warns).
    """
    require(actor, "settings")
    week = _validate_hours(rows)
    valid_from = as_day(valid_from) or clock.today()

    def work(cur):
        resource = _resource(cur, resource_id)
        if resource is None:
            raise NotFound("error.resource_not_found", id=resource_id)
        before = _week_in_force(cur, resource["id"], valid_from)
        cur.execute("delete from opening_hours where resource_id = ? and valid_from = ?", [resource["id"], valid_from])
        cur.executemany(
            "insert into opening_hours (resource_id, valid_from, weekday, opens, closes) values (?, ?, ?, ?, ?)",
            [[resource["id"], valid_from, wd, *(h or (None, None))] for wd, h in week.items()],
        )
        audit.record(cur, actor.username, "update", "opening_hours", resource["id"],
                     {"valid_from": valid_from, "week": _week_text(before)},
                     {"valid_from": valid_from, "week": _week_text(week)})
        return _bookings_outside_hours(cur, resource["id"], max(valid_from, clock.today()))

    return db.write(work)


def _week_text(week: dict) -> dict:
    return {str(wd): (f"{_hm(h[0])}-{_hm(h[1])}" if h else None) for wd, h in week.items()}


def _bookings_outside_hours(cur, resource_id: int, since: date) -> int:
    rows = _fetch_all(cur, "select starts_at, ends_at from booking where resource_id = ? and status in "
                           "('requested', 'confirmed') and starts_at >= ?", [resource_id, since])
    outside = 0
    for starts_at, ends_at in rows:
        hours = _hours_on(cur, resource_id, starts_at.date())
        outside += hours is None or starts_at.time() < hours[0] or ends_at.time() > hours[1]
    return outside


def _hours_on(cur, resource_id: int, day: date) -> tuple[time, time] | None:
    row = _fetch_one(
        cur,
        "select opens, closes from opening_hours where resource_id = ? and weekday = ? and valid_from <= ? "
        "order by valid_from desc limit 1",
        [resource_id, day.weekday(), day],
    )
    return None if row is None or row[0] is None else (row[0], row[1])


# -- closures ----------------------------------------------------------------------------
@lru_cache(maxsize=128)
def _holidays_of(year: int, lang: str) -> dict[date, str]:
    """Polish public holidays of a year (24 December from 2025 on), names in ``lang``."""
    return dict(_holidays_pkg.country_holidays("PL", years=year, language=_HOLIDAY_LANGUAGES.get(lang, "pl")))


def holiday_name(day: date, lang: str = "pl") -> str | None:
    """The public holiday's name, or None on a normal day."""
    return _holidays_of(day.year, lang).get(day)


def _staff_closure(cur, resource_id: int | None, day: date) -> str | None:
    row = _fetch_one(
        cur,
        "select reason from closure where cancelled_at is null and (resource_id is null or resource_id = ?) "
        "and ? between date_from and date_to order by resource_id nulls first, id limit 1",
        [resource_id, day],
    )
    return None if row is None else row[0]


def closure_reason(db: Database, resource_id: int | None, day: date, lang: str = "pl") -> str | None:
    """Why the resource is closed on ``day``: the holiday's name or the staff closure's reason."""
    name = holiday_name(day, lang)
    if name:
        return name
    with db.transaction() as cur:
        return _staff_closure(cur, _as_int(resource_id), day)


def closures(db: Database, date_from: date, date_to: date, lang: str = "pl") -> pd.DataFrame:
    """Staff closures (not withdrawn) and public holidays in the range, by date, holidays flagged.

    Columns: id, resource_id, resource (None: the whole Centre), date_from, date_to, reason, holiday.
    """
    rows = db.dicts(
        "select c.id, c.resource_id, r.name as resource, c.date_from, c.date_to, c.reason, false as holiday "
        "from closure c left join resource r on r.id = c.resource_id "
        "where c.cancelled_at is null and c.date_from <= ? and c.date_to >= ?",
        [date_to, date_from],
    )
    for year in range(date_from.year, date_to.year + 1):
        rows += [{"id": None, "resource_id": None, "resource": None, "date_from": day, "date_to": day,
                  "reason": name, "holiday": True}
                 for day, name in _holidays_of(year, lang).items() if date_from <= day <= date_to]
    rows.sort(key=lambda r: (r["date_from"], not r["holiday"], r["id"] or 0))
    return pd.DataFrame(rows, columns=["id", "resource_id", "resource", "date_from", "date_to", "reason", "holiday"])


def _validate_closure(cur, data: dict) -> dict:
    errors = Errors()
    clean = {"resource_id": None if data.get("resource_id") in (None, "") else _as_int(data.get("resource_id")),
             "date_from": as_day(data.get("date_from")), "date_to": as_day(data.get("date_to"))}
    if data.get("resource_id") not in (None, "") and _resource(cur, clean["resource_id"]) is None:
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
        hit = [r[0] for r in _fetch_all(
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
        row = _fetch_one(cur, "select cancelled_at from closure where id = ?", [_as_int(closure_id) or -1])
        if row is None:
            raise NotFound("error.closure_not_found", id=closure_id)
        if row[0] is not None:
            return
        cur.execute("update closure set cancelled_at = ?, cancelled_by = ? where id = ?",
                    [clock.utc_now(), actor.username, closure_id])
        audit.record(cur, actor.username, "cancel", "closure", closure_id)

    db.write(work)


# -- booking checks ----------------------------------------------------------------------
_LIMIT_DEFAULTS = {"booking_horizon_days": 90, "fair_use_weekly_hours": None}


def _limits(db: Database) -> dict:
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
    day = as_day(data.get("day"))
    cur.execute(_CONTEXT_SQL, {"resource": _as_int(data.get("resource_id")) or -1,
                               "organisation": _as_int(data.get("organisation_id")) or -1,
                               "weekday": None if day is None else day.weekday(), "day": day,
                               "settings": list(_LIMIT_DEFAULTS)})
    resource, organisation, hours, closure, settings = cur.fetchone()
    stored = {item["key"]: item["value"] for item in settings or ()}
    return {"resource": resource, "organisation": organisation, "day": day,
            "hours": None if hours is None or hours["opens"] is None else (hours["opens"], hours["closes"]),
            "closure": closure,
            "settings": {key: app_settings.decoded(stored.get(key), key, default)
                         for key, default in _LIMIT_DEFAULTS.items()}}


def _validate_fields(cur, data: dict, errors: Errors, context: dict | None = None) -> dict:
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
    clean["organisation_id"] = _as_int(data.get("organisation_id"))
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
    clean["attendees"] = _as_int(data.get("attendees"))
    if clean["attendees"] is None or not 1 <= clean["attendees"] <= MAX_ATTENDEES:
        errors.add("attendees", "error.attendees_invalid")
    elif resource and resource["capacity"] and clean["attendees"] > resource["capacity"]:
        errors.add("attendees", "error.over_capacity", capacity=resource["capacity"])
    _validate_times(data, clean, errors)
    return clean


def _validate_times(data: dict, clean: dict, errors: Errors) -> None:
    """Day, start and end: types, the 30-minute grid, and end after start."""
    clean["day"] = as_day(data.get("day"))
    if clean["day"] is None:
        errors.add("day", "error.date_format")
    for field in ("start", "end"):
        clean[field] = as_time(data.get(field))
        if clean[field] is None:
            errors.add(field, "error.time_format")
        elif not _on_grid(clean[field]):
            errors.add(field, "error.not_on_grid")
    if clean["start"] and clean["end"] and clean["end"] <= clean["start"]:
        errors.add("end", "error.end_before_start")
    if clean["day"] and clean["start"] and clean["end"]:
        clean["starts_at"] = datetime.combine(clean["day"], clean["start"])
        clean["ends_at"] = datetime.combine(clean["day"], clean["end"])


def _day_problems(cur, resource_id: int, starts_at: datetime, ends_at: datetime,
                  limits: dict, context: dict | None = None) -> list[tuple[str, str, Message]]:
    """What stops this resource being booked then: (series status, form field, message), worst first.

    ``context``: ``_context`` read for this resource and day (its hours and closure are then not re-read).
    """
    day, now = starts_at.date(), clock.local_now()
    known = context is not None and context["day"] == day and (context["resource"] or {}).get("id") == resource_id
    problems = []
    reason = holiday_name(day) or (context["closure"] if known else _staff_closure(cur, resource_id, day))
    if reason:
        problems.append(("closed", "day", Message("error.closed_day", {"reason": reason})))
    if starts_at < now:
        problems.append(("invalid", "start" if day == now.date() else "day", Message("error.booking_in_past")))
    if limits["horizon"] is not None and day > now.date() + timedelta(days=limits["horizon"]):
        problems.append(("invalid", "day", Message("error.beyond_horizon", {"days": limits["horizon"]})))
    hours = context["hours"] if known else _hours_on(cur, resource_id, day)
    if hours is None:
        problems.append(("invalid", "day", Message("error.closed_weekday")))
    elif starts_at.time() < hours[0] or ends_at.time() > hours[1]:
        problems.append(("invalid", "start", Message("error.outside_opening_hours",
                                                     {"opens": _hm(hours[0]), "closes": _hm(hours[1])})))
    return problems


def _overlap(cur, resource_id: int, starts_at: datetime, ends_at: datetime,
             exclude: tuple[int, ...] = ()) -> dict | None:
    """The first active booking of the resource overlapping [starts_at, ends_at), if any (``exclude`` ignored)."""
    row = _fetch_one(
        cur,
        "select b.id, o.name, b.starts_at, b.ends_at from booking b join organisation o on o.id = b.organisation_id "
        "where b.resource_id = ? and b.status in ('requested', 'confirmed', 'checked_in') "
        "and b.starts_at < ? and b.ends_at > ? and not list_contains(?::bigint[], b.id) order by b.starts_at limit 1",
        [resource_id, ends_at, starts_at, list(exclude)],
    )
    return None if row is None else dict(zip(("id", "organisation", "starts_at", "ends_at"), row))


def _overlap_message(found: dict) -> Message:
    return Message("error.booking_overlap", {"organisation": found["organisation"], "day": _dmy(found["starts_at"]),
                                             "start": _hm(found["starts_at"]), "end": _hm(found["ends_at"])})


def _week_of(day: date) -> tuple[datetime, str]:
    monday = day - timedelta(days=day.weekday())
    iso = day.isocalendar()
    return datetime.combine(monday, time()), f"{iso[0]}-W{iso[1]:02d}"


def _booked_room_hours(cur, organisation_id: int, day: date, exclude: tuple[int, ...] = ()) -> float:
    """Hours of rooms the organisation holds (active bookings) in the ISO week of ``day``."""
    monday, _ = _week_of(day)
    row = _fetch_one(
        cur,
        "select coalesce(sum(epoch(b.ends_at - b.starts_at)), 0) / 3600 from booking b "
        "join resource r on r.id = b.resource_id where r.kind = 'room' and b.organisation_id = ? "
        "and b.status in ('requested', 'confirmed', 'checked_in') and b.starts_at >= ? and b.starts_at < ? "
        "and not list_contains(?::bigint[], b.id)",
        [organisation_id, monday, monday + timedelta(days=7), list(exclude)],
    )
    return float(row[0])


def _fair_use_message(cur, clean: dict, limits: dict, starts_at: datetime, ends_at: datetime,
                      exclude: tuple[int, ...] = (), planned: float = 0.0) -> Message | None:
    """The cap's message when this room booking would take the organisation over it that week."""
    cap = limits["cap"]
    if cap is None or clean["resource"]["kind"] != "room":
        return None
    booked = _booked_room_hours(cur, clean["organisation_id"], starts_at.date(), exclude) + planned
    if booked + _hours(starts_at, ends_at) <= cap + 1e-9:
        return None
    return Message("error.fair_use_cap", {"hours": _num(cap), "booked": _num(booked),
                                          "week": _week_of(starts_at.date())[1]})


def _num(value: float) -> str:
    return f"{value:g}"


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
    clean = _validate_fields(cur, data, errors, context)
    calendar_fields_ok = not any(f in errors.errors for f in ("resource_id", "day", "start", "end"))
    if calendar_fields_ok and _timing_changed(clean, before):
        for _status, field, message in _day_problems(cur, clean["resource_id"], clean["starts_at"],
                                                     clean["ends_at"], limits, context):
            errors.add(field, message.key, **message.params)
    errors.raise_if_any()
    exclude = ((before["id"],) if before else ()) + tuple(ignore)
    if check_overlap:
        _refuse_overlap(cur, clean, exclude)
    message = _fair_use_message(cur, clean, limits, clean["starts_at"], clean["ends_at"], exclude)
    if message:
        if not check_overlap:
            _refuse_overlap(cur, clean, exclude)
        raise Conflict(**_conflict_args(message))
    return clean


def _refuse_overlap(cur, clean: dict, exclude: tuple[int, ...] = ()) -> None:
    """Conflict naming whose booking is in the way (as the snapshot of ``cur`` sees it), if any is."""
    found = _overlap(cur, clean["resource_id"], clean["starts_at"], clean["ends_at"], exclude)
    if found:
        raise Conflict(**_conflict_args(_overlap_message(found)))


def _conflict_args(message: Message) -> dict:
    return {"key": message.key, **message.params}


# -- booking writes ----------------------------------------------------------------------
def _write(db: Database, work: Callable, explain: Callable[[], None] | None = None) -> Any:
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


def _insert_booking(cur, username: str, clean: dict, status: str, series_id: int | None = None) -> int:
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


def _audit_view(clean: dict, status: str | None = None) -> dict:
    """The booking as the change history shows it."""
    view = {k: clean[k] for k in ("resource_id", "organisation_id", "contact_person", "purpose", "attendees",
                                  "starts_at", "ends_at")}
    return view if status is None else {**view, "status": status}


def _new_status(data: dict) -> str:
    status = data.get("status") or "confirmed"
    if status not in ("confirmed", "requested"):
        errors = Errors()
        errors.add("status", "error.status_invalid")
        errors.raise_if_any()
    return status


_ROW_FIELDS = ("id", "resource_id", "organisation_id", "series_id", "contact_person", "purpose", "attendees",
               "starts_at", "ends_at", "status", "actual_attendance")


def _booking_row(cur, booking_id: Any) -> dict:
    row = _fetch_one(cur, "select " + ", ".join(_ROW_FIELDS) + " from booking where id = ?",
                     [_as_int(booking_id) or -1])
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


def _reason(value: Any) -> str:
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
    old, new = audit.changed({k: before[k] for k in _audit_view(clean)}, _audit_view(clean))
    if new:
        audit.record(cur, actor.username, "update", "booking", before["id"], old, new)


# -- the cursor-level API: booking inside the caller's transaction ---------------------------------
# For a service that books rooms as part of a larger write, e.g. ``trainings``: an event and its
# sessions' rooms in ONE transaction, so a clash saves nothing at all. Each function runs every rule
# of this module on the caller's cursor (opening hours, closures and holidays, overlaps, capacity,
# the grid, the past, the horizon, the fair-use cap), keeps ``booking_slot`` in step and writes the
# audit rows there; nothing is committed here. Errors are the same as the db-level functions'
# (ValidationError per field, Conflict, NotFound, PermissionDenied). A slot a concurrent writer took
# surfaces as ConstraintViolation, at the latest at COMMIT: retry the whole transaction in a fresh
# snapshot (as ``create_booking`` does), where the checks then name the winner.
#
# ``own_event=True`` marks the Centre's own events: exempt from the fair-use cap and the booking
# horizon (both ration the NGOs; the Centre plans its training year ahead), never from opening
# hours, closures, overlaps, capacity, the grid or the past.
#
# No other module may import a name starting with ``_`` from here; add to this API instead.

CHANGEABLE = ("requested", "confirmed")  # the statuses a booking can still be moved or cancelled from


def book_in(cur, actor: Actor, data: dict, *, own_event: bool = False) -> int:
    """Check and insert a booking, occupy its slots and audit it, on ``cur``; returns its id.

    data: resource_id, organisation_id, contact_person, purpose, statutory_declared (True),
    attendees, day, start, end, status ('confirmed' by default, or 'requested').
    """
    require(actor, "write")
    return _book(cur, actor, data, _new_status(data), own_event=own_event)


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
    booking_id = _insert_booking(cur, actor.username, clean, status)
    audit.record(cur, actor.username, "create", "booking", booking_id, None, _audit_view(clean, status))
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
    reason = _reason(reason)
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


def resource_in(cur, resource_id: Any) -> dict | None:
    """The resource on ``cur`` (id, kind, name, capacity, location, equipment_notes, active), or None."""
    return _resource(cur, resource_id)


def clean_reason(value: Any) -> str:
    """A cancellation reason, trimmed: required, at most 500 characters (ValidationError on 'reason')."""
    return _reason(value)


# -- booking writes through the cursor-level API ---------------------------------------------------
def create_booking(db: Database, actor: Actor, data: dict) -> int:
    """Book a resource; ValidationError per field, Conflict for an overlap or the fair-use cap.

    The same checks as ``book_in``, but the overlap is left to the booking_slot primary key (no
    pre-check query on the write path): when the slot insert (or the COMMIT) refuses, the clashing
    booking is looked up in a fresh snapshot and named; if none is visible yet, the write is retried.
    """
    require(actor, "write")
    status = _new_status(data)  # a bad status is refused before the transaction
    attempted: dict = {}

    def explain() -> None:
        if attempted:
            with db.transaction() as cur:
                _refuse_overlap(cur, attempted)

    return _write(db, lambda cur: _book(cur, actor, data, status, check_overlap=False, attempted=attempted),
                  explain)


def update_booking(db: Database, actor: Actor, booking_id: int, data: dict) -> None:
    """Edit a requested or confirmed booking; the same checks as a new one, itself excluded."""
    require(actor, "write")
    _write(db, lambda cur: move_in(cur, actor, booking_id, data))


def cancel_booking(db: Database, actor: Actor, booking_id: int, reason: str) -> None:
    """Cancel a requested or confirmed booking; it stays on record, its time becomes free."""
    require(actor, "write")
    reason = _reason(reason)
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
    attendance = _as_int(actual_attendance)
    if attendance is None or not 0 <= attendance <= 10000:
        errors = Errors()
        errors.add("actual_attendance", "error.attendance_invalid")
        errors.raise_if_any()

    def work(cur):
        row = _booking_row(cur, booking_id)
        _require_status(row, ("requested", "confirmed", "checked_in"))
        if clock.today() < row["starts_at"].date():
            raise Conflict("error.check_in_too_early", day=_dmy(row["starts_at"]))
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
            raise Conflict("error.no_show_too_early", start=f"{_dmy(row['starts_at'])} {_hm(row['starts_at'])}")
        cur.execute("update booking set status = 'no_show', updated_at = ? where id = ?",
                    [clock.utc_now(), row["id"]])
        _release(cur, row)
        audit.record(cur, actor.username, "no_show", "booking", row["id"], {"status": row["status"]},
                     {"status": "no_show"})

    db.write(work, attempts=16)


# -- reading bookings --------------------------------------------------------------------
def get_booking(db: Database, actor: Actor, booking_id: int) -> dict:
    """One booking with its resource's and organisation's names, day/start/end for the form."""
    require(actor, "read")
    rows = db.dicts(_BOOKING_SELECT + "where b.id = ?", [_as_int(booking_id) or -1])
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


# -- recurring series --------------------------------------------------------------------
def _series_days(first: date | None, every_weeks: Any, until: Any, count: Any, errors: Errors) -> list[date]:
    """The occurrence days: every N weeks from ``first``, up to ``until`` and/or ``count`` times."""
    step = _as_int(every_weeks)
    if step is None or not 1 <= step <= 52:
        errors.add("every_weeks", "error.series_every_weeks")
    until_day = None if until in (None, "") else as_day(until)
    if until not in (None, "") and until_day is None:
        errors.add("until", "error.date_format")
    times = None if count in (None, "") else _as_int(count)
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
    clean = _validate_fields(cur, data, errors)
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
        problems = _day_problems(cur, clean["resource_id"], starts_at, ends_at, limits)
        found = None if problems else _overlap(cur, clean["resource_id"], starts_at, ends_at)
        week = _week_of(day)[1]
        if problems:
            status, _field, detail = problems[0]
        elif found:
            status, detail = "conflict", _overlap_message(found)
        else:
            detail = _fair_use_message(cur, clean, limits, starts_at, ends_at,
                                       planned=planned_by_week.get(week, 0.0))
            status = "invalid" if detail else "free"
        if status == "free":
            planned_by_week[week] = planned_by_week.get(week, 0.0) + _hours(starts_at, ends_at)
        plan.append({"day": day, "status": status, "detail": detail, "starts_at": starts_at, "ends_at": ends_at})
    return plan


def preview_series(db: Database, actor: Actor, data: dict, every_weeks: int, until: date | None = None,
                   count: int | None = None) -> list[dict]:
    """Every occurrence of the planned series with its status; nothing is written.

    Each item: day, status ('free'/'conflict'/'closed'/'invalid'), detail (a Message or None),
    starts_at, ends_at.
    """
    require(actor, "read")
    limits = _limits(db)
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
    status = _new_status(data)
    limits = _limits(db)

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
            booked.append(_insert_booking(cur, actor.username, occurrence, status, series_id))
        audit.record(cur, actor.username, "create", "booking_series", series_id, None,
                     {**_audit_view({**clean, "starts_at": free[0]["starts_at"], "ends_at": free[0]["ends_at"]}),
                      "every_weeks": every_weeks, "bookings": booked, "skipped": [str(s[0]) for s in skipped]})
        return {"series_id": series_id, "booked": booked, "skipped": skipped}

    return _write(db, work)


def _insert_series(cur, actor: Actor, clean: dict, every_weeks: Any, until: Any, count: Any) -> int:
    cur.execute(
        "insert into booking_series (resource_id, organisation_id, every_weeks, first_day, until_day, occurrences, "
        "start_time, end_time, created_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [clean["resource_id"], clean["organisation_id"], _as_int(every_weeks), clean["day"],
         as_day(until), _as_int(count), clean["start"], clean["end"], clock.utc_now(), actor.username],
    )
    return cur.fetchone()[0]


def cancel_series(db: Database, actor: Actor, series_id: int, reason: str) -> int:
    """Cancel the series' occurrences that start after now; past ones stay as they were.

    Returns how many were cancelled.
    """
    require(actor, "write")
    reason = _reason(reason)

    def work(cur):
        if _fetch_one(cur, "select id from booking_series where id = ?", [_as_int(series_id) or -1]) is None:
            raise NotFound("error.series_not_found", id=series_id)
        rows = _fetch_all(cur, "select id from booking where series_id = ? and status in ('requested', 'confirmed') "
                               "and starts_at > ? order by starts_at", [series_id, clock.local_now()])
        for (booking_id,) in rows:
            cancel_in(cur, actor, booking_id, reason)
        cur.execute("update booking_series set cancelled_at = ?, cancelled_by = ?, cancel_reason = ? where id = ?",
                    [clock.local_now(), actor.username, reason, series_id])
        audit.record(cur, actor.username, "cancel", "booking_series", series_id, None,
                     {"cancel_reason": reason, "cancelled": len(rows)})
        return len(rows)

    return db.write(work, attempts=16)


# -- compliance with the open call's terms ----------------------------------------------------
class _Calendar:
    """Opening hours, holidays and staff closures of one resource, loaded once for a range."""

    def __init__(self, cur, resource_id: int, date_from: date, date_to: date):
        versions: dict[date, dict[int, tuple[time, time] | None]] = {}
        for valid_from, weekday, opens, closes in _fetch_all(
                cur, "select valid_from, weekday, opens, closes from opening_hours where resource_id = ? "
                     "order by valid_from", [resource_id]):
            versions.setdefault(valid_from, {})[weekday] = (opens, closes) if opens is not None else None
        self._starts = sorted(versions)
        self._weeks = [versions[v] for v in self._starts]
        self._closures = _fetch_all(
            cur, "select date_from, date_to, reason from closure where cancelled_at is null "
                 "and (resource_id is null or resource_id = ?) and date_from <= ? and date_to >= ? "
                 "order by resource_id nulls first, id", [resource_id, date_to, date_from])

    def hours(self, day: date) -> tuple[time, time] | None:
        index = bisect_right(self._starts, day) - 1
        return None if index < 0 else self._weeks[index].get(day.weekday())

    def closure(self, day: date) -> str | None:
        return next((reason for start, end, reason in self._closures if start <= day <= end), None)


def _shortfalls(open_days: list[tuple[date, time, time]]) -> list[Message]:
    """How a week's open days fall short of 5 days, 8 hours each, 2 evenings until 20:00."""
    found = []
    if len(open_days) < TERM_DAYS:
        found.append(Message("compliance.reason.days", {"days": len(open_days), "required": TERM_DAYS}))
    for day, opens, closes in open_days:
        if _hours(opens, closes) < TERM_HOURS_PER_DAY:
            found.append(Message("compliance.reason.day_hours", {"day": _dmy(day), "hours": _num(_hours(opens, closes)),
                                                                 "required": TERM_HOURS_PER_DAY}))
    evenings = sum(1 for _d, _o, closes in open_days if closes >= EVENING_UNTIL)
    if evenings < TERM_EVENINGS:
        found.append(Message("compliance.reason.evenings", {"evenings": evenings, "required": TERM_EVENINGS}))
    return found


def _week_row(calendar: _Calendar, monday: date) -> dict:
    """One ISO week: what was open, and 'ok', 'short_holiday' (explained) or 'short' (a failure)."""
    actual, without_holidays, notes = [], [], []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        hours, holiday, closure = calendar.hours(day), holiday_name(day), calendar.closure(day)
        if hours is None:
            continue
        if closure is None:
            without_holidays.append((day, *hours))
        if holiday:
            notes.append(Message("compliance.reason.holiday", {"day": _dmy(day), "name": holiday}))
        elif closure:
            notes.append(Message("compliance.reason.closure", {"day": _dmy(day), "reason": closure}))
        else:
            actual.append((day, *hours))
    shortfalls = _shortfalls(actual)
    if not shortfalls:
        status, reasons = "ok", []
    elif not _shortfalls(without_holidays):
        status, reasons = "short_holiday", [n for n in notes if n.key == "compliance.reason.holiday"]
    else:
        status, reasons = "short", notes + shortfalls
    return {"week_start": monday, "days_open": len(actual),
            "hours_open": sum(_hours(o, c) for _d, o, c in actual),
            "evenings": sum(1 for _d, _o, c in actual if c >= EVENING_UNTIL), "status": status, "reasons": reasons}


def compliance(db: Database, resource_id: int, date_from: date, date_to: date) -> pd.DataFrame:
    """Per ISO week touching the range: days open, hours open, evenings, status and reasons.

    Reasons are Messages (key + params) for the page to translate.
    """
    first = date_from - timedelta(days=date_from.weekday())
    date_to = min(date_to, date.max - timedelta(days=7))  # the week's Sunday must exist
    last = date_to - timedelta(days=date_to.weekday())
    with db.transaction() as cur:
        calendar = _Calendar(cur, _as_int(resource_id) or -1, first, last + timedelta(days=6))
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)] if first <= last else []
    return pd.DataFrame([_week_row(calendar, monday) for monday in weeks],
                        columns=["week_start", "days_open", "hours_open", "evenings", "status", "reasons"])
