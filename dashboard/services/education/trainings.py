"""Education and integration events (seed S1, S3): the catalogue, its topics and room bookings.

An event has one or more sessions; each session holds a normal room booking (organisation: the
Centre itself) made through the reservations' cursor-level API IN THE EVENT'S OWN TRANSACTION, so
an event whose room is taken is not saved at all and the user hears the reservation's Conflict
(whose and when). The bookings are the Centre's own events (``own_event=True``): every rule
applies except the fair-use cap and the booking horizon, which ration the NGOs. Moving a session
(or changing the event's room or capacity) moves its booking in place, same booking id, in the
same transaction; removing a session or cancelling the event cancels its booking, which frees the room.

Enrolment, attendance and feedback live in ``enrolment``; certificates in ``certificates``; the
advisory log and the expectations survey in ``advisory``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from itertools import pairwise

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_date, as_int, as_time
from dashboard.core.errors import Conflict, Errors, Message, NotFound, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services import reservations as res
from dashboard.services.admin import audit
from dashboard.services.education import enrolment
from dashboard.services.education.events import EVENT_FIELDS, event_row, session_rows
from dashboard.services.sql import fetch_all, fetch_one, retrying_write
from db.connection import Database

TYPES = ("training", "advisory", "specialist_meeting", "integration_meeting", "consultation_meeting")
PARTNERS = ("city_hall", "council", "dialogue_commission")
STATUSES = ("planned", "open", "full", "held", "cancelled")
CENTRE_NAME = "Centrum Obywatelskie (wydarzenia własne)"
CENTRE_SETTING = "centre_organisation_id"
MAX_SESSIONS = 30
_TEXT_FIELDS = (("title", 200, True), ("description", 4000, False), ("trainer_name", 120, False),
                ("trainer_organisation", 200, False), ("target_group", 300, False), ("partner_name", 200, False))
_TOPIC_CODE = re.compile(r"^[a-z0-9_]{1,30}$|^T[0-9]{1,3}$")


# -- topics ------------------------------------------------------------------------------------
def topics(db: Database, active_only: bool = True) -> pd.DataFrame:
    """Topics in their order: code, name_pl, name_en, active (for select boxes and reports)."""
    return db.query("select code, sort, name_pl, name_en, active from topic where active or not ? order by sort, code",
                    [bool(active_only)])


def add_topic(db: Database, actor: Actor, code: str, name_pl: str, name_en: str | None = None) -> str:
    """An admin extends the topic list (topics are data, not code); it goes to the end."""
    require(actor, "settings")
    errors = Errors()
    code = (code or "").strip()
    if not _TOPIC_CODE.match(code):
        errors.add("code", "error.topic_code")
    names = {}
    for field, value, required in (("name_pl", name_pl, True), ("name_en", name_en, False)):
        try:
            names[field] = validators.clean_text(value, 120, required=required)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)
    errors.raise_if_any()
    names["name_en"] = names["name_en"] or names["name_pl"]

    def work(cur):
        if fetch_one(cur, "select code from topic where lower(code) = lower(?)", [code]):
            raise Conflict("error.topic_taken", code=code)
        sort = fetch_one(cur, "select coalesce(max(sort), 0) + 1 from topic", [])[0]
        cur.execute("insert into topic (code, sort, name_pl, name_en) values (?, ?, ?, ?)",
                    [code, sort, names["name_pl"], names["name_en"]])
        audit.record(cur, actor.username, "create", "topic", code, None, {**names, "sort": sort})
        return code

    return retrying_write(db, work, "error.topic_taken")


def set_topic_active(db: Database, actor: Actor, code: str, active: bool) -> None:
    """Retire a topic (kept for the history of past events) or bring it back."""
    require(actor, "settings")

    def work(cur):
        row = fetch_one(cur, "select active from topic where code = ?", [code])
        if row is None:
            raise NotFound("error.topic_not_found", code=code)
        if row[0] != bool(active):
            cur.execute("update topic set active = ? where code = ?", [bool(active), code])
            audit.record(cur, actor.username, "update", "topic", code, {"active": row[0]}, {"active": bool(active)})

    db.write(work)


# -- validation ------------------------------------------------------------------------------------
def _clean_texts(data: dict, errors: Errors, clean: dict) -> None:
    for field, length, required in _TEXT_FIELDS:
        try:
            clean[field] = validators.clean_text(data.get(field), length, required=required)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)


def _clean_kind(data: dict, errors: Errors, clean: dict) -> None:
    """Type, and for an integration meeting with whom (City Hall, the Council, a Commission)."""
    clean["event_type"] = data.get("event_type")
    if clean["event_type"] not in TYPES:
        errors.add("event_type", "error.event_type")
    partner = data.get("partner_kind") or None
    if clean["event_type"] == "integration_meeting" and partner not in PARTNERS:
        errors.add("partner_kind", "error.partner_required")
    clean["partner_kind"] = partner if clean["event_type"] == "integration_meeting" else None
    if clean["partner_kind"] is None:
        clean["partner_name"] = None


def _clean_topics(cur, data: dict, errors: Errors, clean: dict, keep: tuple = ()) -> None:
    """At least one known topic; a retired one only if the event already had it."""
    codes = list(dict.fromkeys(data.get("topics") or []))
    known = {r[0]: r[1] for r in fetch_all(cur, "select code, active from topic", [])}
    if not codes:
        errors.add("topics", "error.topics_required")
    elif any(c not in known or (not known[c] and c not in keep) for c in codes):
        errors.add("topics", "error.topic_unknown")
    clean["topics"] = codes


def _clean_sessions(data: dict, errors: Errors) -> list[dict]:
    """Each session's day, start and end (end after start), sorted, not overlapping each other."""
    raw = data.get("sessions") or []
    if not raw:
        errors.add("sessions", "error.sessions_required")
    elif len(raw) > MAX_SESSIONS:
        errors.add("sessions", "error.sessions_too_many", max=MAX_SESSIONS)
    sessions = []
    for index, item in enumerate(raw[:MAX_SESSIONS]):
        one = _clean_session(item, f"sessions.{index}", errors)
        if one:
            sessions.append({**one, "index": index})
    sessions.sort(key=lambda s: s["starts_at"])
    for before, after in pairwise(sessions):
        if after["starts_at"] < before["ends_at"]:
            errors.add(f"sessions.{after['index']}.start", "error.sessions_overlap")
    return sessions


def _clean_session(item: dict, prefix: str, errors: Errors) -> dict | None:
    day, start, end = as_date(item.get("day")), as_time(item.get("start")), as_time(item.get("end"))
    for name, value, key in (("day", day, "error.date_format"), ("start", start, "error.time_format"),
                             ("end", end, "error.time_format")):
        if value is None:
            errors.add(f"{prefix}.{name}", key)
    if start and end and end <= start:
        errors.add(f"{prefix}.end", "error.end_before_start")
        return None
    if day is None or start is None or end is None:
        return None
    return {"day": day, "start": start, "end": end, "starts_at": datetime.combine(day, start),
            "ends_at": datetime.combine(day, end), "id": as_int(item.get("id"))}


def _clean_room(cur, data: dict, errors: Errors, clean: dict) -> None:
    """A room (not a workstation) and a capacity no larger than the room's."""
    room = res.resource_in(cur, data.get("resource_id"))
    if room is None or not room["active"] or room["kind"] != "room":
        errors.add("resource_id", "error.event_room_unknown")
        room = None
    clean["resource_id"] = room["id"] if room else None
    clean["capacity"] = as_int(data.get("capacity"))
    if clean["capacity"] is None or clean["capacity"] < 1:
        errors.add("capacity", "error.capacity_invalid")
    elif room and room["capacity"] and clean["capacity"] > room["capacity"]:
        errors.add("capacity", "events.error.capacity_above_room", capacity=room["capacity"], room=room["name"])


def _validate(cur, data: dict, keep_topics: tuple = ()) -> dict:
    """Every field of the event form, all errors at once (field keys as the form names them)."""
    errors = Errors()
    clean: dict = {}
    _clean_texts(data, errors, clean)
    _clean_kind(data, errors, clean)
    _clean_topics(cur, data, errors, clean, keep_topics)
    _clean_room(cur, data, errors, clean)
    clean["status"] = data.get("status") or "open"
    if clean["status"] not in ("planned", "open"):
        errors.add("status", "error.status_invalid")
    clean["sessions"] = _clean_sessions(data, errors)
    errors.raise_if_any()
    return clean


# -- the Centre's own organisation and room bookings -----------------------------------------------
def centre_organisation(cur) -> int:
    """The organisation row the Centre's own bookings belong to, created on first use.

    Not inserted by the migration (a new installation's register stays empty); its id is kept
    in app_setting, whose primary key stops two first events at once from creating two rows.
    """
    row = fetch_one(cur, "select value from app_setting where key = ?", [CENTRE_SETTING])
    if row is not None:
        return int(row[0])
    now = clock.utc_now()
    cur.execute("insert into organisation (name, legal_form, city, notes, created_at, updated_at) "
                "values (?, 'inna', 'Łódź', ?, ?, ?) returning id",
                [CENTRE_NAME, "Rezerwacje sal na wydarzenia organizowane przez Centrum.", now, now])
    new_id = cur.fetchone()[0]
    cur.execute("insert into app_setting (key, value) values (?, ?)", [CENTRE_SETTING, str(new_id)])
    audit.record(cur, "system", "create", "organisation", new_id, None, {"name": CENTRE_NAME, "legal_form": "inna"})
    return new_id


def _booking_data(cur, actor: Actor, event: dict, session: dict) -> dict:
    """The room booking of one session, as the reservation form would have it."""
    return {"resource_id": event["resource_id"], "organisation_id": centre_organisation(cur),
            "contact_person": event.get("trainer_name") or actor.full_name or actor.username,
            "purpose": event["title"], "statutory_declared": True, "attendees": event["capacity"],
            "day": session["day"], "start": session["start"], "end": session["end"], "status": "confirmed"}


def _session_errors(prefix: str, exc: ValidationError) -> ValidationError:
    """A booking's calendar errors as errors of the session's own fields (sessions.N.day ...)."""
    return ValidationError({_session_field(prefix, f): m for f, m in exc.errors.items()})


def _book(cur, actor: Actor, event: dict, session: dict, prefix: str) -> int:
    """Book the event's room for one session with every reservation check, in the caller's transaction.

    A calendar problem comes back as a ValidationError on the session's own fields; an overlap
    as the reservation's Conflict (whose and when).
    """
    try:
        return res.book_in(cur, actor, _booking_data(cur, actor, event, session), own_event=True)
    except ValidationError as exc:
        raise _session_errors(prefix, exc) from None


def _session_field(prefix: str, field: str) -> str:
    return f"{prefix}.{field}" if field in ("day", "start", "end") else field


def _holds_room(cur, booking_id: int | None) -> bool:
    """Whether the session's booking still holds the room (requested/confirmed: it can move or be cancelled)."""
    return booking_id is not None and res.booking_in(cur, booking_id)["status"] in res.CHANGEABLE


def _release(cur, actor: Actor, booking_id: int | None, reason: str) -> None:
    """Cancel a session's booking if it still holds the room (a past, checked-in one stays)."""
    if _holds_room(cur, booking_id):
        res.cancel_in(cur, actor, booking_id, reason)


# -- writes ------------------------------------------------------------------------------------------
def _insert_event(cur, actor: Actor, clean: dict) -> int:
    now = clock.utc_now()
    cur.execute(
        "insert into event (title, event_type, partner_kind, partner_name, description, trainer_name, "
        "trainer_organisation, resource_id, capacity, target_group, status, created_at, created_by, updated_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [clean[f] for f in ("title", "event_type", "partner_kind", "partner_name", "description", "trainer_name",
                            "trainer_organisation", "resource_id", "capacity", "target_group", "status")]
        + [now, actor.username, now])
    event_id = cur.fetchone()[0]
    cur.executemany("insert into event_topic (event_id, topic_code) values (?, ?)",
                    [[event_id, code] for code in clean["topics"]])
    return event_id


def _insert_session(cur, actor: Actor, event_id: int, clean: dict, session: dict) -> int:
    booking_id = _book(cur, actor, clean, session, f"sessions.{session['index']}")
    cur.execute("insert into event_session (event_id, starts_at, ends_at, booking_id) values (?, ?, ?, ?) "
                "returning id", [event_id, session["starts_at"], session["ends_at"], booking_id])
    return cur.fetchone()[0]


def _audit_event(clean: dict) -> dict:
    view = {k: v for k, v in clean.items() if k != "sessions"}
    view["sessions"] = [f"{s['starts_at']:%Y-%m-%d %H:%M}-{s['ends_at']:%H:%M}" for s in clean["sessions"]]
    return view


def create_event(db: Database, actor: Actor, data: dict) -> int:
    """Add an event and book its room for every session, all in one transaction.

    data: title, event_type, partner_kind/partner_name (integration meetings), topics (codes),
    description, trainer_name, trainer_organisation, resource_id, capacity, target_group,
    status ('open' by default, or 'planned'), sessions [{day, start, end}].
    """
    require(actor, "write")

    def work(cur):
        clean = _validate(cur, data)
        event_id = _insert_event(cur, actor, clean)
        for session in clean["sessions"]:
            _insert_session(cur, actor, event_id, clean, session)
        audit.record(cur, actor.username, "create", "event", event_id, None, _audit_event(clean))
        return event_id

    return retrying_write(db, work, "error.booking_slot_busy", attempts=16)


def _form_values(cur, event: dict) -> dict:
    topics_now = [r[0] for r in fetch_all(cur, "select topic_code from event_topic where event_id = ? "
                                               "order by topic_code", [event["id"]])]
    sessions = [{"id": s["id"], "day": s["starts_at"].date(), "start": s["starts_at"].time(),
                 "end": s["ends_at"].time()} for s in session_rows(cur, event["id"])]
    return {**{k: event[k] for k in EVENT_FIELDS}, "topics": topics_now, "sessions": sessions,
            "status": event["status"] if event["status"] in ("planned", "open") else "open"}


FINAL = ("cancelled", "held")  # an event in these statuses is on record only: no edit, move or enrolment change


def changeable(event: dict) -> bool:
    """Whether the event can still be edited or moved (pages ask this instead of reading statuses)."""
    return event.get("status") not in FINAL


def _require_changeable(event: dict) -> None:
    if not changeable(event):
        raise Conflict(f"error.event_already_{event['status']}")


def update_event(db: Database, actor: Actor, event_id: int, data: dict) -> list[int]:
    """Change an event; fields not given keep their values. Returns the enrolment ids promoted.

    Sessions (a list of {id?, day, start, end}) replace the current ones: a session whose time or
    room changed has its booking moved in place (same booking id, every check run again) in this
    one transaction, so a clash leaves the event exactly as it was. A removed session's booking is
    cancelled. A session with attendance cannot be removed.

    Capacity: lowering it below the number already enrolled is refused (staff decide whom to
    move, and tell them; nobody loses a promised place silently); raising it gives the new places
    to the waitlist in order of arrival, each promotion audited, in this same transaction.
    """
    require(actor, "write")

    def work(cur):
        event = event_row(cur, event_id)
        _require_changeable(event)
        current = _form_values(cur, event)
        clean = _validate(cur, {**current, **data}, keep_topics=tuple(current["topics"]))
        _check_capacity_not_below_seats(cur, event["id"], clean["capacity"])
        _apply_event_fields(cur, event, clean)
        _apply_sessions(cur, actor, event, clean)
        old, new = audit.changed(_audit_form(event, current), _audit_event(clean))
        if new:
            audit.record(cur, actor.username, "update", "event", event["id"], old, new)
        promoted = enrolment.promote_waiting(cur, actor, event["id"])
        enrolment.refresh_status(cur, actor, event["id"])
        return promoted

    return retrying_write(db, work, "error.booking_slot_busy", attempts=16)


def _audit_form(event: dict, current: dict) -> dict:
    """The stored event in the shape of ``_audit_event``, so the audit row holds only what changed."""
    view = {k: event.get(k) for k in EVENT_FIELDS if k not in ("cancel_reason", "cancelled_at", "cancelled_by",
                                                                "created_at", "created_by", "id")}
    view["topics"], view["status"] = current["topics"], current["status"]  # 'full' is derived, not chosen
    view["sessions"] = [f"{datetime.combine(s['day'], s['start']):%Y-%m-%d %H:%M}-{s['end']:%H:%M}"
                        for s in sorted(current["sessions"], key=lambda s: (s["day"], s["start"]))]
    return view


def _check_capacity_not_below_seats(cur, event_id: int, capacity: int) -> None:
    """A capacity below the enrolled count is refused; seats above it are renumbered into 1..capacity."""
    taken, highest = fetch_one(cur, "select count(*), coalesce(max(seat_no), 0) from event_seat where event_id = ?",
                               [event_id])
    if taken > capacity:
        errors = Errors()
        errors.add("capacity", "events.error.capacity_below_enrolled", enrolled=taken)
        errors.raise_if_any()
    if highest > capacity:  # seat numbers carry no meaning beyond "one per place"
        ids = [r[0] for r in fetch_all(cur, "select enrolment_id from event_seat where event_id = ? order by seat_no",
                                       [event_id])]
        cur.execute("delete from event_seat where event_id = ?", [event_id])
        cur.executemany("insert into event_seat (event_id, seat_no, enrolment_id) values (?, ?, ?)",
                        [[event_id, n, e] for n, e in enumerate(ids, start=1)])


def _apply_event_fields(cur, event: dict, clean: dict) -> None:
    cur.execute(
        "update event set title = ?, event_type = ?, partner_kind = ?, partner_name = ?, description = ?, "
        "trainer_name = ?, trainer_organisation = ?, resource_id = ?, capacity = ?, target_group = ?, "
        "status = ?, updated_at = ?, row_version = row_version + 1 where id = ?",
        [clean[f] for f in ("title", "event_type", "partner_kind", "partner_name", "description", "trainer_name",
                            "trainer_organisation", "resource_id", "capacity", "target_group")]
        + [_status_after(cur, event, clean), clock.utc_now(), event["id"]])
    cur.execute("delete from event_topic where event_id = ?", [event["id"]])
    cur.executemany("insert into event_topic (event_id, topic_code) values (?, ?)",
                    [[event["id"], code] for code in clean["topics"]])


def _status_after(cur, event: dict, clean: dict) -> str:
    if clean["status"] == "planned":
        return "planned"
    taken = fetch_one(cur, "select count(*) from event_seat where event_id = ?", [event["id"]])[0]
    return "full" if taken >= clean["capacity"] else "open"


def _apply_sessions(cur, actor: Actor, event: dict, clean: dict) -> None:
    """Cancel the bookings of removed sessions, move those of changed ones in place, book new ones.

    The moves run together (``reservations.move_all_in``), after the removals, so one session may
    take another's old time within the same edit. A session whose booking no longer holds the room
    (cancelled by a closure, say) gets a new booking when its time or room changes; a change of
    capacity, title or trainer alone updates only the bookings that still hold the room (a held
    session stays as it was).
    """
    current = {s["id"]: s for s in session_rows(cur, event["id"])}
    wanted, added = {}, []  # kept sessions by id (an id given twice: the second is a new session)
    for session in clean["sessions"]:
        if session["id"] in current and session["id"] not in wanted:
            wanted[session["id"]] = session
        else:
            added.append(session)
    room_changed = clean["resource_id"] != event["resource_id"]
    # the bookings carry the event's head count, title (purpose) and trainer (contact): keep them in step
    booking_changed = any(clean[f] != event[f] for f in ("capacity", "title", "trainer_name"))
    for session_id, old in current.items():
        if session_id in wanted:
            continue
        if fetch_one(cur, "select 1 from attendance where session_id = ? limit 1", [session_id]):
            raise Conflict("error.session_has_attendance")
        _release(cur, actor, old["booking_id"], "Zmiana terminu wydarzenia")
        cur.execute("delete from event_session where id = ?", [session_id])
    moves, rebook, prefixes = [], [], {}
    for session_id, session in wanted.items():
        old = current[session_id]
        retimed = room_changed or (old["starts_at"], old["ends_at"]) != (session["starts_at"], session["ends_at"])
        if _holds_room(cur, old["booking_id"]) and (retimed or booking_changed):
            moves.append((old["booking_id"], _booking_data(cur, actor, clean, session)))
            prefixes[old["booking_id"]] = f"sessions.{session['index']}"
        elif retimed:
            rebook.append((session, old))
        if retimed:
            cur.execute("update event_session set starts_at = ?, ends_at = ? where id = ?",
                        [session["starts_at"], session["ends_at"], old["id"]])
    try:
        res.move_all_in(cur, actor, moves, own_event=True)
    except ValidationError as exc:
        raise _session_errors(prefixes.get(getattr(exc, "booking_id", None), "sessions"), exc) from None
    for session, old in rebook:
        booking_id = _book(cur, actor, clean, session, f"sessions.{session['index']}")
        cur.execute("update event_session set booking_id = ? where id = ?", [booking_id, old["id"]])
    for session in added:
        _insert_session(cur, actor, event["id"], clean, session)


def move_session(db: Database, actor: Actor, session_id: int, day: date, start: time, end: time) -> None:
    """Move one session to another time (same room), moving its booking in one transaction."""
    require(actor, "write")
    row = db.one("select event_id from event_session where id = ?", [as_int(session_id) or -1])
    if row is None:
        raise NotFound("error.session_not_found", id=session_id)
    with db.transaction() as cur:
        sessions = _form_values(cur, event_row(cur, row[0]))["sessions"]
    moved = [{**s, "day": day, "start": start, "end": end} if s["id"] == as_int(session_id) else s for s in sessions]
    update_event(db, actor, row[0], {"sessions": moved})


def set_event_status(db: Database, actor: Actor, event_id: int, status: str) -> None:
    """Open a planned event for enrolment (or back to planned), or mark it held once it has begun."""
    require(actor, "write")
    if status not in ("planned", "open", "held"):
        raise ValidationError({"status": Message("error.status_invalid")})

    def work(cur):
        event = event_row(cur, event_id)
        _require_changeable(event)
        first = fetch_one(cur, "select min(starts_at) from event_session where event_id = ?", [event["id"]])[0]
        if status == "held" and (first is None or first > clock.local_now()):
            raise Conflict("error.event_not_started")
        new = status
        if status == "open":
            taken = fetch_one(cur, "select count(*) from event_seat where event_id = ?", [event["id"]])[0]
            new = "full" if taken >= event["capacity"] else "open"
        cur.execute("update event set status = ?, updated_at = ?, row_version = row_version + 1 where id = ?",
                    [new, clock.utc_now(), event["id"]])
        audit.record(cur, actor.username, "update", "event", event["id"], {"status": event["status"]},
                     {"status": new})

    db.write(work, attempts=40)


def cancel_event(db: Database, actor: Actor, event_id: int, reason: str) -> None:
    """Cancel an event: it stays on record, its room bookings are cancelled (the room is free)."""
    require(actor, "write")
    reason = res.clean_reason(reason)

    def work(cur):
        event = event_row(cur, event_id)
        _require_changeable(event)
        for session in session_rows(cur, event["id"]):
            _release(cur, actor, session["booking_id"], reason)
        cur.execute("update event set status = 'cancelled', cancel_reason = ?, cancelled_at = ?, cancelled_by = ?, "
                    "updated_at = ?, row_version = row_version + 1 where id = ?",
                    [reason, clock.local_now(), actor.username, clock.utc_now(), event["id"]])
        audit.record(cur, actor.username, "cancel", "event", event["id"], {"status": event["status"]},
                     {"status": "cancelled", "cancel_reason": reason})

    db.write(work, attempts=40)


# -- reads -----------------------------------------------------------------------------------------------
def get_event(db: Database, actor: Actor, event_id: int) -> dict:
    """One event with its room's name, topics (codes) and sessions, and its seat counts."""
    require(actor, "read")
    with db.transaction() as cur:
        event = event_row(cur, event_id)
        event["topics"] = [r[0] for r in fetch_all(cur, "select t.code from event_topic et join topic t on "
                                                         "t.code = et.topic_code where et.event_id = ? order by t.sort",
                                                   [event["id"]])]
        event["sessions"] = session_rows(cur, event["id"])
        event["room"] = fetch_one(cur, "select name from resource where id = ?", [event["resource_id"]])[0]
        counts = fetch_one(cur, "select count(*) filter (where status = 'enrolled'), "
                                "count(*) filter (where status = 'waitlisted') from enrolment where event_id = ?",
                           [event["id"]])
    event["enrolled"], event["waitlisted"] = counts
    return event


def events(db: Database, actor: Actor, date_from: date | None = None, date_to: date | None = None, *,
           event_type: str | None = None, topic: str | None = None, status: str | None = None,
           limit: int = 2000) -> pd.DataFrame:
    """The catalogue: events whose first session falls in the range, with counts, in time order."""
    require(actor, "read")
    return db.query(
        "with s as (select event_id, min(starts_at) as first_start, max(ends_at) as last_end, count(*) as sessions "
        "from event_session group by event_id), "
        "e as (select event_id, count(*) filter (where status = 'enrolled') as enrolled, "
        "count(*) filter (where status = 'waitlisted') as waitlisted from enrolment group by event_id) "
        "select ev.id, ev.title, ev.event_type, ev.partner_kind, ev.trainer_name, r.name as room, ev.capacity, "
        "ev.status, s.first_start, s.last_end, s.sessions, coalesce(e.enrolled, 0) as enrolled, "
        "coalesce(e.waitlisted, 0) as waitlisted, "
        "(select string_agg(topic_code, ', ' order by topic_code) from event_topic t where t.event_id = ev.id) "
        "as topics from event ev join resource r on r.id = ev.resource_id left join s on s.event_id = ev.id "
        "left join e on e.event_id = ev.id "
        "where (?::date is null or s.first_start >= ?::date) and (?::date is null or s.first_start < ?::date + 1) "
        "and (? is null or ev.event_type = ?) and (? is null or ev.status = ?) "
        "and (? is null or exists (select 1 from event_topic t where t.event_id = ev.id and t.topic_code = ?)) "
        "order by s.first_start, ev.id limit ?",
        [date_from, date_from, date_to, date_to, event_type, event_type, status, status, topic, topic, int(limit)])
