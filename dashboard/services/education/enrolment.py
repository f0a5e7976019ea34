"""Enrolment into events, the waitlist, attendance per session and participants' feedback.

Capacity is guaranteed by the database, not by a count-then-insert (which over-enrols under
snapshot isolation): an enrolled participant holds one ``event_seat`` row under a primary key
on (event, seat number), and a duplicate person is stopped by ``enrolment_contact``'s key on
(event, normalised e-mail or phone). Every enrolment write also bumps the event's row_version,
so concurrent writes to one event are decided one after another (the loser retries in a fresh
snapshot): seats are the lowest free ones, the waitlist is in order of arrival (enrolment id),
and a freed place goes to the first waiting in the very transaction that freed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from dashboard.core import clock, privacy, validators
from dashboard.core.converters import as_int
from dashboard.core.errors import Conflict, Errors, Message, NotFound, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings, audit
from dashboard.services.education.events import event_row
from dashboard.services.sql import fetch_all, fetch_one, retrying_write
from db.connection import Database

CLOSE_SETTING = "enrolment_close_hours"  # registered in app_settings.KNOWN (validator, default 24)
DEFAULT_CLOSE_HOURS = app_settings.KNOWN[CLOSE_SETTING][1]
_ENROLMENT_FIELDS = ("id", "event_id", "full_name", "email", "phone", "organisation_id", "status", "walk_in")


def close_hours(db: Database) -> int:
    """Hours before the first session when enrolment closes (setting, 24 by default).

    A stored value the setting's validator refuses (written around ``set_setting``) counts as the default.
    """
    validate = app_settings.KNOWN[CLOSE_SETTING][0]
    try:
        return validate(app_settings.get_setting(db, CLOSE_SETTING))
    except (TypeError, ValueError):
        return DEFAULT_CLOSE_HOURS


# -- validation -------------------------------------------------------------------------------------
def _validate_person(data: dict) -> dict:
    """Name, at least one contact, consent (with its date); the organisation is checked in the transaction."""
    errors = Errors()
    clean: dict = {}
    for field, fn, args in (("full_name", validators.clean_text, (200, True)), ("email", validators.email, ()),
                            ("phone", validators.phone, ())):
        try:
            clean[field] = fn(data.get(field), *args)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)
    if "email" not in errors.errors and "phone" not in errors.errors and not (clean["email"] or clean["phone"]):
        errors.add("email", "error.contact_required")
    if data.get("consent") is not True:
        errors.add("consent", "error.consent_required")
    consent_on = data.get("consent_on") or clock.today()
    consent_on = consent_on.date() if isinstance(consent_on, datetime) else consent_on
    if not isinstance(consent_on, date):
        errors.add("consent_on", "error.date_format")
    elif consent_on > clock.today():
        errors.add("consent_on", "error.date_range")
    clean["consent_on"] = consent_on
    raw_org = data.get("organisation_id")
    clean["organisation_id"] = None if raw_org in (None, "") else as_int(raw_org)
    if raw_org not in (None, "") and clean["organisation_id"] is None:
        errors.add("organisation_id", "error.organisation_unknown")
    errors.raise_if_any()
    return clean


def contact_keys(clean: dict) -> list[str]:
    """The person's identities for the duplicate rule: normalised e-mail and E.164 phone."""
    return [k for k in (f"e:{clean['email']}" if clean.get("email") else None,
                        f"p:{clean['phone']}" if clean.get("phone") else None) if k]


def _refuse_event_state(cur, event: dict, close: int, walk_in: bool) -> None:
    """Enrolment only into an open (or full: waitlist) event, until ``close`` hours before it starts."""
    first = fetch_one(cur, "select min(starts_at) from event_session where event_id = ?", [event["id"]])[0]
    now = clock.local_now()
    key, params = None, {}
    if event["status"] == "cancelled":
        key = "error.event_cancelled"
    elif walk_in:
        key = None
    elif event["status"] == "held" or first is None or first <= now:
        key = "error.event_past"
    elif event["status"] == "planned":
        key = "error.enrolment_not_open"
    elif now > first - timedelta(hours=close):
        key, params = "error.enrolment_closed", {"hours": close}
    if key:
        raise ValidationError({"event_id": Message(key, params)})


def _refuse_unknown_organisation(cur, organisation_id: int | None) -> None:
    if organisation_id is not None and not fetch_one(cur, "select 1 from organisation where id = ?",
                                                     [organisation_id]):
        raise ValidationError({"organisation_id": Message("error.organisation_unknown")})


def _refuse_duplicate(cur, event_id: int, keys: list[str]) -> None:
    row = fetch_one(cur, "select e.full_name from enrolment_contact c join enrolment e on e.id = c.enrolment_id "
                         "where c.event_id = ? and list_contains(?::varchar[], c.contact_key) limit 1",
                    [event_id, keys])
    if row:
        raise Conflict("error.already_enrolled", name=row[0])


# -- seats and the waitlist -----------------------------------------------------------------------------
def _bump(cur, event_id: int) -> None:
    """Touch the event row so concurrent enrolment writes to it collide and are retried one by one."""
    cur.execute("update event set row_version = row_version + 1 where id = ?", [event_id])


def _free_seat(cur, event_id: int, capacity: int) -> int | None:
    row = fetch_one(cur, "select min(s.range) from range(1, ? + 1) s where s.range not in "
                         "(select seat_no from event_seat where event_id = ?)", [capacity, event_id])
    return None if row[0] is None else int(row[0])


def _take_seat(cur, event_id: int, seat: int, enrolment_id: int) -> None:
    cur.execute("insert into event_seat (event_id, seat_no, enrolment_id) values (?, ?, ?)",
                [event_id, seat, enrolment_id])


def refresh_status(cur, actor: Actor, event_id: int) -> None:
    """'full' when every seat is taken, 'open' otherwise (planned, held, cancelled stay as they are)."""
    require(actor, "write")
    event = event_row(cur, event_id)
    if event["status"] not in ("open", "full"):
        return
    taken = fetch_one(cur, "select count(*) from event_seat where event_id = ?", [event_id])[0]
    status = "full" if taken >= event["capacity"] else "open"
    if status != event["status"]:
        cur.execute("update event set status = ?, updated_at = ? where id = ?", [status, clock.utc_now(), event_id])


def promote_waiting(cur, actor: Actor, event_id: int) -> list[int]:
    """Give every free seat to the first waiting (order of arrival), each promotion audited.

    Runs in the transaction that freed the places, so two places freed at once promote two people.
    Nobody is promoted into a cancelled or held event, or one whose last session has ended.
    """
    require(actor, "write")
    event = event_row(cur, event_id)
    last = fetch_one(cur, "select max(ends_at) from event_session where event_id = ?", [event_id])[0]
    if event["status"] in ("cancelled", "held") or last is None or last <= clock.local_now():
        return []
    promoted = []
    waiting = fetch_all(cur, "select id from enrolment where event_id = ? and status = 'waitlisted' order by id",
                        [event_id])
    for (enrolment_id,) in waiting:
        seat = _free_seat(cur, event_id, event["capacity"])
        if seat is None:
            break
        _take_seat(cur, event_id, seat, enrolment_id)
        cur.execute("update enrolment set status = 'enrolled', promoted_at = ? where id = ?",
                    [clock.local_now(), enrolment_id])
        audit.record(cur, actor.username, "promote", "enrolment", enrolment_id, {"status": "waitlisted"},
                     {"status": "enrolled", "seat_no": seat, "event_id": event_id})
        promoted.append(enrolment_id)
    return promoted


# -- enrolment ----------------------------------------------------------------------------------------------
def _insert_enrolment(cur, actor: Actor, event_id: int, clean: dict, status: str, walk_in: bool) -> int:
    cur.execute(
        "insert into enrolment (event_id, full_name, email, phone, organisation_id, consent, consent_on, status, "
        "walk_in, enrolled_at, created_by, created_at) values (?, ?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?) returning id",
        [event_id, clean["full_name"], clean["email"], clean["phone"], clean["organisation_id"], clean["consent_on"],
         status, walk_in, clock.local_now(), actor.username, clock.utc_now()])
    enrolment_id = cur.fetchone()[0]
    cur.executemany("insert into enrolment_contact (event_id, contact_key, enrolment_id) values (?, ?, ?)",
                    [[event_id, key, enrolment_id] for key in contact_keys(clean)])
    return enrolment_id


def _enrol_in(cur, actor: Actor, event_id: Any, clean: dict, close: int, walk_in: bool = False) -> dict:
    """The whole enrolment inside the caller's transaction; returns id, status, seat_no, position."""
    event = event_row(cur, event_id)
    _bump(cur, event["id"])
    _refuse_event_state(cur, event, close, walk_in)
    _refuse_unknown_organisation(cur, clean["organisation_id"])
    _refuse_duplicate(cur, event["id"], contact_keys(clean))
    waiting = fetch_one(cur, "select count(*) from enrolment where event_id = ? and status = 'waitlisted'",
                        [event["id"]])[0]
    seat = None if waiting else _free_seat(cur, event["id"], event["capacity"])
    if walk_in and seat is None:
        raise Conflict("error.walk_in_no_seat", capacity=event["capacity"])
    status = "enrolled" if seat else "waitlisted"
    enrolment_id = _insert_enrolment(cur, actor, event["id"], clean, status, walk_in)
    if seat:
        _take_seat(cur, event["id"], seat, enrolment_id)
    refresh_status(cur, actor, event["id"])
    audit.record(cur, actor.username, "create", "enrolment", enrolment_id, None,
                 {"event_id": event["id"], "full_name": clean["full_name"], "status": status, "seat_no": seat,
                  "walk_in": walk_in, "consent_on": clean["consent_on"]})
    return {"id": enrolment_id, "status": status, "seat_no": seat, "position": None if seat else waiting + 1}


def enrol(db: Database, actor: Actor, event_id: int, data: dict) -> dict:
    """Enrol a participant: a seat if one is free (and nobody waits), else a place on the waitlist.

    data: full_name, email and/or phone, organisation_id (None: a resident), consent (True),
    consent_on (today by default). Returns {id, status, seat_no, position}.
    ValidationError per field (the event's state under 'event_id'); Conflict for a duplicate.
    """
    require(actor, "write")
    clean = _validate_person(data)
    close = close_hours(db)
    return retrying_write(db, lambda cur: _enrol_in(cur, actor, event_id, clean, close), "error.enrolment_busy")


def add_walk_in(db: Database, actor: Actor, session_id: int, data: dict) -> int:
    """Someone came on the spot: enrolled (a seat must be free) and marked present at this session."""
    require(actor, "write")
    clean = _validate_person(data)

    def work(cur):
        session = _session(cur, session_id)
        _refuse_not_started(session, on_the_day=True)
        made = _enrol_in(cur, actor, session["event_id"], clean, 0, walk_in=True)
        _mark(cur, actor, session["id"], {made["id"]: True})
        return made["id"]

    return retrying_write(db, work, "error.enrolment_busy")


def _enrolment_row(cur, enrolment_id: Any) -> dict:
    row = fetch_one(cur, "select " + ", ".join(_ENROLMENT_FIELDS) + " from enrolment where id = ?",
                    [as_int(enrolment_id) or -1])
    if row is None:
        raise NotFound("error.enrolment_not_found", id=enrolment_id)
    return dict(zip(_ENROLMENT_FIELDS, row))


def _cancel_in(cur, actor: Actor, row: dict, reason: str | None) -> None:
    if row["status"] == "cancelled":
        raise Conflict("error.enrolment_already_cancelled", name=row["full_name"])
    _bump(cur, row["event_id"])
    cur.execute("update enrolment set status = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ? "
                "where id = ?", [clock.local_now(), actor.username, reason, row["id"]])
    cur.execute("delete from event_seat where event_id = ? and enrolment_id = ?", [row["event_id"], row["id"]])
    cur.execute("delete from enrolment_contact where event_id = ? and enrolment_id = ?", [row["event_id"], row["id"]])
    audit.record(cur, actor.username, "cancel", "enrolment", row["id"], {"status": row["status"]},
                 {"status": "cancelled", "cancel_reason": reason})


def cancel_enrolments(db: Database, actor: Actor, enrolment_ids: Iterable[int], reason: str | None = None) -> list[int]:
    """Cancel several enrolments in one transaction, then fill the freed seats from the waitlist.

    Returns the ids promoted from the waitlist (in order).
    """
    require(actor, "write")
    ids = list(dict.fromkeys(enrolment_ids))
    try:
        reason = validators.clean_text(reason, 500)
    except validators.InvalidValue as exc:
        raise ValidationError({"reason": Message(exc.key, exc.params)}) from None

    def work(cur):
        rows = [_enrolment_row(cur, i) for i in ids]
        for row in rows:
            _cancel_in(cur, actor, row, reason)
        promoted = []
        for event_id in dict.fromkeys(r["event_id"] for r in rows):
            promoted += promote_waiting(cur, actor, event_id)
            refresh_status(cur, actor, event_id)
        return promoted

    return retrying_write(db, work, "error.enrolment_busy")


def cancel_enrolment(db: Database, actor: Actor, enrolment_id: int, reason: str | None = None) -> list[int]:
    """Cancel one enrolment (its seat goes to the first waiting); returns the ids promoted."""
    return cancel_enrolments(db, actor, [enrolment_id], reason)


# -- attendance -------------------------------------------------------------------------------------------------
def _session(cur, session_id: Any) -> dict:
    row = fetch_one(cur, "select s.id, s.event_id, s.starts_at, s.ends_at, e.status from event_session s "
                         "join event e on e.id = s.event_id where s.id = ?", [as_int(session_id) or -1])
    if row is None:
        raise NotFound("error.session_not_found", id=session_id)
    return dict(zip(("id", "event_id", "starts_at", "ends_at", "event_status"), row))


def _refuse_not_started(session: dict, on_the_day: bool = False) -> None:
    """Attendance from the session's start on (a walk-in from the session's day on)."""
    if session["event_status"] == "cancelled":
        raise ValidationError({"event_id": Message("error.event_cancelled")})
    now = clock.local_now()
    early = now.date() < session["starts_at"].date() if on_the_day else now < session["starts_at"]
    if early:
        raise Conflict("error.session_not_started", start=f"{session['starts_at']:%d.%m.%Y %H:%M}")


def _mark(cur, actor: Actor, session_id: int, marks: dict[int, bool]) -> None:
    now = clock.utc_now()
    cur.executemany(
        "insert into attendance (session_id, enrolment_id, present, marked_at, marked_by) values (?, ?, ?, ?, ?) "
        "on conflict (session_id, enrolment_id) do update set present = excluded.present, "
        "marked_at = excluded.marked_at, marked_by = excluded.marked_by",
        [[session_id, enrolment_id, bool(present), now, actor.username] for enrolment_id, present in marks.items()])


def record_attendance(db: Database, actor: Actor, session_id: int, marks: dict[int, bool]) -> None:
    """Mark enrolled participants present/absent at a session (a repeat corrects the marks).

    When every session of the event has begun, the event becomes 'held'.
    """
    require(actor, "write")
    marks = {as_int(k): bool(v) for k, v in (marks or {}).items()}

    def work(cur):
        session = _session(cur, session_id)
        _refuse_not_started(session)
        enrolled = {r[0] for r in fetch_all(cur, "select id from enrolment where event_id = ? and status = 'enrolled'",
                                            [session["event_id"]])}
        if not marks or any(k not in enrolled for k in marks):
            raise ValidationError({"marks": Message("error.not_enrolled")})
        _mark(cur, actor, session["id"], marks)
        _mark_held(cur, session["event_id"])
        audit.record(cur, actor.username, "attendance", "event_session", session["id"], None,
                     {"present": sorted(k for k, v in marks.items() if v),
                      "absent": sorted(k for k, v in marks.items() if not v)})

    db.write(work, attempts=40)


def _mark_held(cur, event_id: int) -> None:
    last = fetch_one(cur, "select max(starts_at) from event_session where event_id = ?", [event_id])[0]
    if last is not None and last <= clock.local_now():
        cur.execute("update event set status = 'held', updated_at = ? where id = ? and status in ('open', 'full', "
                    "'planned')", [clock.utc_now(), event_id])


def attendance(db: Database, actor: Actor, session_id: int) -> pd.DataFrame:
    """The session's enrolled participants with their mark (None: not yet marked)."""
    require(actor, "read")
    return db.query(
        "select e.id as enrolment_id, e.full_name, o.name as organisation, e.walk_in, a.present "
        "from event_session s join enrolment e on e.event_id = s.event_id and e.status = 'enrolled' "
        "left join organisation o on o.id = e.organisation_id "
        "left join attendance a on a.session_id = s.id and a.enrolment_id = e.id "
        "where s.id = ? order by e.full_name, e.id", [as_int(session_id) or -1])


# -- feedback ---------------------------------------------------------------------------------------------
def record_feedback(db: Database, actor: Actor, enrolment_id: int, rating: int, comment: str | None = None) -> None:
    """A participant's rating (1–5) and comment for the event; a repeat replaces it."""
    require(actor, "write")
    errors = Errors()
    value = as_int(rating)
    if value is None or not 1 <= value <= 5:
        errors.add("rating", "error.rating_range")
    try:
        comment = validators.clean_text(comment, 2000)
    except validators.InvalidValue as exc:
        errors.add("comment", exc.key, **exc.params)
    errors.raise_if_any()

    def work(cur):
        row = _enrolment_row(cur, enrolment_id)
        if row["status"] != "enrolled":
            raise Conflict("error.feedback_not_participant", name=row["full_name"])
        cur.execute("insert into feedback (event_id, enrolment_id, rating, comment, created_at, created_by) "
                    "values (?, ?, ?, ?, ?, ?) on conflict (event_id, enrolment_id) do update set "
                    "rating = excluded.rating, comment = excluded.comment, created_at = excluded.created_at, "
                    "created_by = excluded.created_by",
                    [row["event_id"], row["id"], value, comment, clock.utc_now(), actor.username])
        audit.record(cur, actor.username, "feedback", "enrolment", row["id"], None, {"rating": value})

    db.write(work, attempts=40)


def _period(date_from: date | None, date_to: date | None) -> tuple[str, list]:
    """Events whose first session falls in the range (both ends optional)."""
    return ("f.event_id in (select event_id from event_session group by event_id having "
            "(?::date is null or min(starts_at) >= ?::date) and (?::date is null or min(starts_at) < ?::date + 1))",
            [date_from, date_from, date_to, date_to])


def ratings_by_event(db: Database, actor: Actor, date_from: date | None = None,
                     date_to: date | None = None, event_id: int | None = None) -> pd.DataFrame:
    """Per event (or only ``event_id``, for its page): how many ratings and their mean."""
    require(actor, "read")
    where, params = _period(date_from, date_to)
    return db.query("select e.id as event_id, e.title, e.trainer_name, count(*) as ratings, "
                    "round(avg(f.rating), 2) as mean_rating from feedback f join event e on e.id = f.event_id "
                    f"where (?::bigint is null or f.event_id = ?::bigint) and {where} group by all order by e.id",
                    [as_int(event_id), as_int(event_id), *params])


def ratings_by_trainer(db: Database, actor: Actor, date_from: date | None = None,
                       date_to: date | None = None) -> pd.DataFrame:
    """Per trainer/advisor: events rated, ratings, mean (events without a trainer are left out)."""
    require(actor, "read")
    where, params = _period(date_from, date_to)
    return db.query("select e.trainer_name, count(distinct e.id) as events, count(*) as ratings, "
                    "round(avg(f.rating), 2) as mean_rating from feedback f join event e on e.id = f.event_id "
                    f"where e.trainer_name is not null and {where} group by all order by mean_rating desc, "
                    "e.trainer_name", params)


def ratings_by_topic(db: Database, actor: Actor, date_from: date | None = None,
                     date_to: date | None = None) -> pd.DataFrame:
    """Per topic (an event with two topics counts in both): ratings and their mean."""
    require(actor, "read")
    where, params = _period(date_from, date_to)
    return db.query("select t.code as topic, t.name_pl, t.name_en, count(*) as ratings, "
                    "round(avg(f.rating), 2) as mean_rating from feedback f "
                    "join event_topic et on et.event_id = f.event_id join topic t on t.code = et.topic_code "
                    f"where {where} group by all order by t.code", params)


# -- participants --------------------------------------------------------------------------------------------
def participants(db: Database, actor: Actor, event_id: int, include_cancelled: bool = False) -> pd.DataFrame:
    """The event's participants for the page and for exports (dashboard.core.exports neutralises cells).

    Enrolled first (by name), then the waitlist in order; contacts masked for the coordinator.
    Columns: no, enrolment_id, full_name, organisation, email, phone, status, seat_no, waitlist_position, walk_in,
    consent_on, enrolled_at, sessions_present.
    """
    require(actor, "read")
    frame = db.query(
        "select e.id, e.full_name, coalesce(o.name, 'mieszkaniec/mieszkanka') as organisation, e.email, e.phone, "
        "e.status, s.seat_no, case when e.status = 'waitlisted' then row_number() over "
        "(partition by e.status order by e.id) end as waitlist_position, e.walk_in, e.consent_on, e.enrolled_at, "
        "(select count(*) from attendance a where a.enrolment_id = e.id and a.present) as sessions_present "
        "from enrolment e left join organisation o on o.id = e.organisation_id "
        "left join event_seat s on s.enrolment_id = e.id and s.event_id = e.event_id "
        "where e.event_id = ? and (? or e.status <> 'cancelled') "
        "order by case e.status when 'enrolled' then 0 when 'waitlisted' then 1 else 2 end, "
        "case when e.status = 'waitlisted' then e.id end, e.full_name, e.id",
        [as_int(event_id) or -1, bool(include_cancelled)])
    for column in ("email", "phone"):  # missing values come back as NaN, which privacy.show cannot take
        frame[column] = [privacy.show(v if isinstance(v, str) else None, column, actor) for v in frame[column]]
    frame.insert(0, "no", range(1, len(frame) + 1))
    return frame.rename(columns={"id": "enrolment_id"}).astype({"email": object, "phone": object})


def waitlist(db: Database, actor: Actor, event_id: int) -> list[int]:
    """Enrolment ids waiting for a place, first first."""
    require(actor, "read")
    return [r[0] for r in db.rows("select id from enrolment where event_id = ? and status = 'waitlisted' order by id",
                                  [as_int(event_id) or -1])]
