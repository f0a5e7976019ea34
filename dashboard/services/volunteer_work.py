"""Volunteer work: opportunities, matching, assignments, the hours log and the certificate (zaświadczenie).

An assignment is only made when the law allows the person to do that work: an active agreement covering
the opportunity (so its form and NNW insurance were checked at activation), a guardian's consent for a
minor, and the register check for work with children. Every assignment write bumps the volunteer's
row_version, so two concurrent assignments of one person are decided one at a time (no overlaps).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from dashboard import clock, validators
from dashboard.errors import Errors, Message, NotFound, ValidationError
from dashboard.roles import Actor, require
from dashboard.services import app_settings, audit
from dashboard.services import volunteers as vol
from db.connection import Database

RATE_SETTING = "volunteer_hourly_rate_pln"  # registered in app_settings.KNOWN
HOSTS = ("centre", "organisation", "initiative")
_PART_HOURS = {"morning": (6, 12), "afternoon": (12, 17), "evening": (17, 23)}


# -- opportunities ------------------------------------------------------------------------------------------
def slots_of(starts_at: datetime, ends_at: datetime) -> list[str]:
    """Weekday × part-of-day slots an opportunity needs: its days (all week from 7 days on) × parts its hours touch."""
    days = min(7, (ends_at.date() - starts_at.date()).days + 1)
    weekdays = {vol.WEEKDAYS[(starts_at.weekday() + i) % 7] for i in range(days)}
    if ends_at.date() > starts_at.date() and ends_at.time() <= starts_at.time():
        parts = set(vol.PARTS)  # a multi-day period without a daily window
    else:
        begin, end = starts_at.hour + starts_at.minute / 60, ends_at.hour + ends_at.minute / 60
        parts = {p for p, (a, b) in _PART_HOURS.items() if begin < b and end > a} or set(vol.PARTS)
    return sorted(f"{d}_{p}" for d in weekdays for p in parts)


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _validate_opportunity(cur, data: dict) -> dict:
    errors, clean = Errors(), {}
    vol.field(errors, clean, "title", validators.clean_text, data.get("title"), 200, True)
    vol.field(errors, clean, "description", validators.clean_text, data.get("description"), 4000)
    vol.field(errors, clean, "place", validators.clean_text, data.get("place"), 300)
    for name in ("starts_at", "ends_at"):
        clean[name] = _as_datetime(data.get(name))
        if clean[name] is None:
            errors.add(name, "error.required" if data.get(name) in (None, "") else "error.date_format")
    if clean["starts_at"] and clean["ends_at"] and clean["ends_at"] <= clean["starts_at"]:
        errors.add("ends_at", "error.end_before_start")
    _host(cur, data, errors, clean)
    codes = {r[0] for r in vol.fetch_all(cur, "select code from volunteer_skill where active", [])}
    vol._codes(errors, clean, "skills", data.get("skills"), codes, "error.volunteer_skill_unknown")
    clean["needed"] = vol.as_id(data.get("needed") or 1)
    if clean["needed"] < 1:
        errors.add("needed", "error.volunteer_needed")
    clean["with_children"] = bool(data.get("with_children"))
    errors.raise_if_any()
    clean["slots"] = slots_of(clean["starts_at"], clean["ends_at"])
    return clean


def _host(cur, data: dict, errors: Errors, clean: dict) -> None:
    """The Centre, an organisation from the register, or a local initiative (its module comes later: no check)."""
    kind = data.get("host_kind") or "centre"
    clean["host_kind"], clean["organisation_id"], clean["initiative_id"] = kind, None, None
    if kind not in HOSTS:
        errors.add("host_kind", "error.volunteer_host")
    elif kind == "organisation":
        clean["organisation_id"] = vol.as_id(data.get("organisation_id"))
        if not vol.fetch_one(cur, "select 1 from organisation where id = ?", [clean["organisation_id"]]):
            errors.add("organisation_id", "error.organisation_unknown")
    elif kind == "initiative":
        clean["initiative_id"] = vol.as_id(data.get("initiative_id"))
        if clean["initiative_id"] < 1:
            errors.add("initiative_id", "error.required")


def create_opportunity(db: Database, actor: Actor, data: dict) -> int:
    """A piece of volunteer work offered by the Centre, an organisation or a local initiative."""
    require(actor, "write")

    def work(cur):
        clean = _validate_opportunity(cur, data)
        now = clock.utc_now()
        cur.execute(
            "insert into volunteer_opportunity (title, description, host_kind, organisation_id, initiative_id, starts_at, "
            "ends_at, place, skills, slots, needed, with_children, status, created_at, created_by, updated_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) returning id",
            [clean["title"], clean["description"], clean["host_kind"], clean["organisation_id"], clean["initiative_id"],
             clean["starts_at"], clean["ends_at"], clean["place"], clean["skills"], clean["slots"], clean["needed"],
             clean["with_children"], now, actor.username, now])
        opportunity_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "volunteer_opportunity", opportunity_id, None, clean)
        return opportunity_id

    return db.write(work)


def opportunity_row(cur, opportunity_id: Any) -> dict:
    rows = vol.fetch_dicts(cur, "select * from volunteer_opportunity where id = ?", [vol.as_id(opportunity_id)])
    if not rows:
        raise NotFound("error.volunteer_opportunity_not_found", id=opportunity_id)
    return rows[0]


def matching(db: Database, actor: Actor, opportunity_id: int, limit: int = 50) -> pd.DataFrame:
    """Active volunteers (processing allowed) ranked by skills overlap, then availability overlap, then name.

    One SQL query with list intersections, so it stays fast on the whole register.
    """
    require(actor, "read")
    with db.transaction() as cur:
        opportunity = opportunity_row(cur, opportunity_id)
    return db.query(
        "with consent as (select volunteer_id, bool_or(withdrawn_on is null) as ok "
        "from volunteer_consent where kind = 'processing' group by volunteer_id) "
        "select v.id, v.first_name, v.last_name, len(list_intersect(v.skills, ?::varchar[])) as skill_overlap, "
        "len(list_intersect(v.availability, ?::varchar[])) as availability_overlap from volunteer v "
        "join consent c on c.volunteer_id = v.id and c.ok where v.status = 'active' and v.anonymised_at is null "
        "order by skill_overlap desc, availability_overlap desc, v.last_name, v.first_name, v.id limit ?",
        [opportunity["skills"], opportunity["slots"], int(limit)])


# -- assignments ------------------------------------------------------------------------------------------------
def _covering_agreement(cur, volunteer_id: int, opportunity: dict) -> dict | None:
    rows = vol.fetch_dicts(
        cur, "select * from volunteer_agreement where volunteer_id = ? and status = 'active' and starts_on <= ? and "
             "least(ends_on, coalesce(terminated_on, ends_on)) >= ? order by starts_on desc, id desc limit 1",
        [volunteer_id, opportunity["starts_at"].date(), opportunity["ends_at"].date()])
    return rows[0] if rows else None


def assignment_problems(cur, person: dict, opportunity: dict) -> dict[str, Message]:
    """Every legal or practical reason the person may not take this work now."""
    problems: dict[str, Message] = {}
    start = opportunity["starts_at"].date()
    agreement = _covering_agreement(cur, person["id"], opportunity)
    if person["status"] != "active":
        problems["volunteer_id"] = Message("error.volunteer_not_active")
    if agreement is None:
        problems["agreement_id"] = Message("error.volunteer_no_agreement")
    if not vol.adult_on(person["birth_date"], person["birth_year"], start) and \
            not vol.has_guardian_consent(cur, person["id"], start):
        problems["guardian"] = Message("error.volunteer_guardian_required")
    if opportunity["with_children"] and not (person["child_check_ok"] and person["child_check_on"]):
        problems["child_check"] = Message("error.volunteer_child_check_required")
    overlap = vol.fetch_one(
        cur, "select a.id from volunteer_assignment a where a.volunteer_id = ? and a.status in ('proposed', 'confirmed') "
             "and a.starts_at < ? and a.ends_at > ? and a.opportunity_id <> ? limit 1",
        [person["id"], opportunity["ends_at"], opportunity["starts_at"], opportunity["id"]])
    if overlap:
        problems["opportunity_id"] = Message("error.volunteer_assignment_overlap", {"id": overlap[0]})
    return problems


def assign(db: Database, actor: Actor, opportunity_id: int, volunteer_id: int) -> int:
    """Propose the volunteer for the opportunity, if the law and their calendar allow it."""
    require(actor, "write")

    def work(cur):
        person = vol.writable(cur, volunteer_id)
        cur.execute("update volunteer set row_version = row_version + 1 where id = ?", [person["id"]])
        opportunity = opportunity_row(cur, opportunity_id)
        if opportunity["status"] != "open":
            raise ValidationError({"opportunity_id": Message("error.volunteer_opportunity_closed")})
        if vol.fetch_one(cur, "select 1 from volunteer_assignment where volunteer_id = ? and opportunity_id = ? and "
                              "status <> 'declined'", [person["id"], opportunity["id"]]):
            raise ValidationError({"volunteer_id": Message("error.volunteer_already_assigned")})
        problems = assignment_problems(cur, person, opportunity)
        if problems:
            raise ValidationError(problems)
        agreement = _covering_agreement(cur, person["id"], opportunity)
        now = clock.utc_now()
        cur.execute("insert into volunteer_assignment (opportunity_id, volunteer_id, agreement_id, starts_at, ends_at, "
                    "status, created_at, created_by, updated_at) values (?, ?, ?, ?, ?, 'proposed', ?, ?, ?) returning id",
                    [opportunity["id"], person["id"], agreement["id"], opportunity["starts_at"], opportunity["ends_at"],
                     now, actor.username, now])
        assignment_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "volunteer_assignment", assignment_id, None,
                     {"volunteer_id": person["id"], "opportunity_id": opportunity["id"], "agreement_id": agreement["id"]})
        return assignment_id

    return db.write(work)


def assignment_row(cur, assignment_id: Any) -> dict:
    rows = vol.fetch_dicts(cur, "select * from volunteer_assignment where id = ?", [vol.as_id(assignment_id)])
    if not rows:
        raise NotFound("error.volunteer_assignment_not_found", id=assignment_id)
    return rows[0]


def _decide(db: Database, actor: Actor, assignment_id: int, status: str) -> None:
    require(actor, "write")

    def work(cur):
        assignment = assignment_row(cur, assignment_id)
        vol.writable(cur, assignment["volunteer_id"])
        if assignment["status"] != "proposed":
            raise ValidationError({"status": Message("error.volunteer_assignment_state")})
        cur.execute("update volunteer_assignment set status = ?, updated_at = ? where id = ?",
                    [status, clock.utc_now(), assignment["id"]])
        audit.record(cur, actor.username, "update", "volunteer_assignment", assignment["id"],
                     {"status": "proposed"}, {"status": status})

    db.write(work)


def confirm(db: Database, actor: Actor, assignment_id: int) -> None:
    """The volunteer said yes."""
    _decide(db, actor, assignment_id, "confirmed")


def decline(db: Database, actor: Actor, assignment_id: int) -> None:
    """The volunteer (or staff) said no; the time becomes free again."""
    _decide(db, actor, assignment_id, "declined")


def uninsured_assignments(db: Database, actor: Actor) -> pd.DataFrame:
    """Assignments under a ≤30-day agreement without NNW insurance or a waiver (art. 46): a flag for staff."""
    require(actor, "read")
    return db.query(
        "select a.id, a.volunteer_id, a.opportunity_id, g.starts_on, g.ends_on from volunteer_assignment a "
        "join volunteer_agreement g on g.id = a.agreement_id where a.status <> 'declined' and "
        "datediff('day', g.starts_on, g.ends_on) + 1 <= 30 and g.nnw_policy is null and g.waiver_reason is null "
        "order by a.id")


# -- hours ----------------------------------------------------------------------------------------------------------
def _validate_hours(data: dict) -> dict:
    errors, clean = Errors(), {}
    vol.required_date(errors, clean, "work_date", data.get("work_date"))
    try:
        hours = Decimal(str(data.get("hours"))).quantize(Decimal("0.01"))
        if not hours.is_finite():
            raise ValueError
    except (ArithmeticError, ValueError):
        hours = None
    if hours is None or hours <= 0 or hours > 24:
        errors.add("hours", "error.volunteer_hours_invalid")
    clean["hours"] = hours
    vol.field(errors, clean, "description", validators.clean_text, data.get("description"), 1000)
    if clean["work_date"] and clean["work_date"] > clock.today():
        errors.add("work_date", "error.volunteer_future_date")
    errors.raise_if_any()
    return clean


def log_hours(db: Database, actor: Actor, assignment_id: int, data: dict) -> int:
    """Hours worked on one day of a confirmed assignment, waiting for staff approval.

    Refused: not positive, more than 24 h in one day (summed over all the person's entries), or a day
    outside the agreement's period (after its termination included).
    """
    require(actor, "write")
    clean = _validate_hours(data)

    def work(cur):
        assignment = assignment_row(cur, assignment_id)
        vol.writable(cur, assignment["volunteer_id"])
        cur.execute("update volunteer set row_version = row_version + 1 where id = ?", [assignment["volunteer_id"]])
        _refuse_hours(cur, assignment, clean)
        cur.execute("insert into volunteer_hours (assignment_id, volunteer_id, work_date, hours, description, status, "
                    "created_at, created_by) values (?, ?, ?, ?, ?, 'pending', ?, ?) returning id",
                    [assignment["id"], assignment["volunteer_id"], clean["work_date"], clean["hours"],
                     clean["description"], clock.utc_now(), actor.username])
        hours_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "volunteer_hours", hours_id, None,
                     {"assignment_id": assignment["id"], "work_date": clean["work_date"], "hours": clean["hours"]})
        return hours_id

    return db.write(work)


def _refuse_hours(cur, assignment: dict, clean: dict) -> None:
    if assignment["status"] != "confirmed":
        raise ValidationError({"assignment_id": Message("error.volunteer_assignment_state")})
    agreement = vol.agreement_row(cur, assignment["agreement_id"])
    last = min(agreement["ends_on"], agreement["terminated_on"] or agreement["ends_on"])
    if not agreement["starts_on"] <= clean["work_date"] <= last:
        raise ValidationError({"work_date": Message("error.volunteer_hours_outside_agreement",
                                                    {"start": agreement["starts_on"].isoformat(), "end": last.isoformat()})})
    day = vol.fetch_one(cur, "select coalesce(sum(hours), 0) from volunteer_hours where volunteer_id = ? and "
                             "work_date = ? and status <> 'rejected'", [assignment["volunteer_id"], clean["work_date"]])[0]
    if Decimal(day) + clean["hours"] > 24:
        raise ValidationError({"hours": Message("error.volunteer_hours_day_limit", {"logged": str(day)})})


def decide_hours(db: Database, actor: Actor, hours_id: int, approve: bool) -> None:
    """Staff approve (or reject) logged hours; only approved hours count in totals and certificates."""
    require(actor, "write")

    def work(cur):
        rows = vol.fetch_dicts(cur, "select * from volunteer_hours where id = ?", [vol.as_id(hours_id)])
        if not rows:
            raise NotFound("error.volunteer_hours_not_found", id=hours_id)
        vol.writable(cur, rows[0]["volunteer_id"])
        status = "approved" if approve else "rejected"
        cur.execute("update volunteer_hours set status = ?, decided_by = ?, decided_at = ? where id = ?",
                    [status, actor.username, clock.utc_now(), rows[0]["id"]])
        audit.record(cur, actor.username, "update", "volunteer_hours", rows[0]["id"], {"status": rows[0]["status"]},
                     {"status": status})

    db.write(work)


def hourly_rate(db: Database) -> float:
    """PLN per hour used to value volunteer work (setting; a refused stored value counts as the default)."""
    validate, default = app_settings.KNOWN[RATE_SETTING]
    try:
        return validate(app_settings.get_setting(db, RATE_SETTING))
    except (TypeError, ValueError):
        return default


_GROUPS = {
    "volunteer": ("h.volunteer_id", "v.last_name || ' ' || v.first_name"),
    "organisation": ("o.organisation_id", "coalesce(g.name, 'Centrum Obywatelskie')"),
    "opportunity": ("o.id", "o.title"),
    "month": ("strftime(h.work_date, '%Y-%m')", "strftime(h.work_date, '%Y-%m')"),
}
_TOTALS_SQL = (
    "select {key} as key, any_value({label}) as label, sum(h.hours)::double as hours, count(*) as entries "
    "from volunteer_hours h join volunteer v on v.id = h.volunteer_id "
    "join volunteer_assignment a on a.id = h.assignment_id join volunteer_opportunity o on o.id = a.opportunity_id "
    "left join organisation g on g.id = o.organisation_id where h.status = 'approved' group by 1 order by 1")


def totals(db: Database, actor: Actor, by: str) -> pd.DataFrame:
    """Approved hours and their value in PLN per volunteer, organisation, opportunity or month (aggregates)."""
    require(actor, "read")
    if by not in _GROUPS:
        raise ValidationError({"by": Message("error.volunteer_group")})
    key, label = _GROUPS[by]
    frame = db.query(_TOTALS_SQL.replace("{key}", key).replace("{label}", label))  # fixed texts from _GROUPS only
    frame["value_pln"] = (frame["hours"] * hourly_rate(db)).round(2)
    return frame
