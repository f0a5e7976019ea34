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

from dashboard.core import clock, validators
from dashboard.core.converters import as_datetime, as_int
from dashboard.core.errors import Errors, Message, NotFound, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings, audit
from dashboard.services.sql import fetch_all, fetch_dicts, fetch_one
from dashboard.services.volunteers import register as vol
from db.connection import Database

RATE_SETTING = "volunteer_hourly_rate_pln"  # registered in app_settings.KNOWN
HOSTS = ("centre", "organisation", "initiative")
OPPORTUNITY_STATUSES = ("open", "filled", "closed", "cancelled")
# Where an opportunity may go from each status: a cancelled one stays cancelled (its people were told).
STATUS_MOVES = {"open": ("filled", "closed", "cancelled"), "filled": ("open", "closed", "cancelled"),
                "closed": ("open",), "cancelled": ()}
MAX_NEEDED = 1000  # volunteers one opportunity may ask for
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


def _validate_opportunity(cur, data: dict) -> dict:
    errors, clean = Errors(), {}
    vol.field(errors, clean, "title", validators.clean_text, data.get("title"), 200, True)
    vol.field(errors, clean, "description", validators.clean_text, data.get("description"), 4000)
    vol.field(errors, clean, "place", validators.clean_text, data.get("place"), 300)
    for name in ("starts_at", "ends_at"):
        clean[name] = as_datetime(data.get(name))
        if clean[name] is None:
            errors.add(name, "error.required" if data.get(name) in (None, "") else "error.date_format")
    if clean["starts_at"] and clean["ends_at"] and clean["ends_at"] <= clean["starts_at"]:
        errors.add("ends_at", "error.end_before_start")
    _host(cur, data, errors, clean)
    codes = {r[0] for r in fetch_all(cur, "select code from volunteer_skill where active", [])}
    vol.validate_codes(errors, clean, "skills", data.get("skills"), codes, "error.volunteer_skill_unknown")
    clean["needed"] = as_int(data.get("needed") or 1)
    if clean["needed"] is None or clean["needed"] < 1:
        errors.add("needed", "error.volunteer_needed")
    elif clean["needed"] > MAX_NEEDED:  # 10**18 would reach the INTEGER column as a raw ConversionException
        errors.add("needed", "volunteer_work.error.needed_too_many", max=MAX_NEEDED)
    clean["with_children"] = bool(data.get("with_children"))
    errors.raise_if_any()
    clean["slots"] = slots_of(clean["starts_at"], clean["ends_at"])
    return clean


def _host(cur, data: dict, errors: Errors, clean: dict) -> None:
    """The Centre, an organisation from the register, or a local initiative (table ``initiative``)."""
    kind = data.get("host_kind") or "centre"
    clean["host_kind"], clean["organisation_id"], clean["initiative_id"] = kind, None, None
    if kind not in HOSTS:
        errors.add("host_kind", "error.volunteer_host")
    elif kind == "organisation":
        clean["organisation_id"] = as_int(data.get("organisation_id"))
        if data.get("organisation_id") in (None, ""):
            errors.add("organisation_id", "error.required")
        elif not fetch_one(cur, "select 1 from organisation where id = ?", [clean["organisation_id"]]):
            errors.add("organisation_id", "error.organisation_unknown")
    elif kind == "initiative":
        clean["initiative_id"] = as_int(data.get("initiative_id"))
        if data.get("initiative_id") in (None, ""):
            errors.add("initiative_id", "error.required")
        elif not fetch_one(cur, "select 1 from initiative where id = ?", [clean["initiative_id"]]):
            errors.add("initiative_id", "error.initiative_not_found", id=data.get("initiative_id"))


def initiative_choices(db: Database, actor: Actor) -> list[tuple[int, str]]:
    """(id, title) of the local initiatives still in progress (not in a closed stage): who may ask for volunteers."""
    require(actor, "read")
    return [(r[0], r[1]) for r in db.rows(
        "select i.id, i.title from initiative i join initiative_stage s on s.code = i.stage where not s.closed "
        "order by i.id desc")]


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
    rows = fetch_dicts(cur, "select * from volunteer_opportunity where id = ?", [as_int(opportunity_id)])
    if not rows:
        raise NotFound("error.volunteer_opportunity_not_found", id=opportunity_id)
    return rows[0]


_HOST_NAME = "case o.host_kind when 'organisation' then g.name when 'initiative' then i.title end"
_OPPORTUNITY_COLUMNS = (
    "select o.id, o.title, o.description, o.host_kind, o.organisation_id, o.initiative_id, "
    + _HOST_NAME + " as host_name, o.starts_at, o.ends_at, o.place, o.skills, o.needed, o.with_children, o.status, "
    "coalesce(n.proposed, 0) as proposed, coalesce(n.confirmed, 0) as confirmed from volunteer_opportunity o "
    "left join organisation g on g.id = o.organisation_id left join initiative i on i.id = o.initiative_id "
    "left join (select opportunity_id, count(*) filter (where status = 'proposed') as proposed, "
    "count(*) filter (where status = 'confirmed') as confirmed from volunteer_assignment {counted} group by 1) n "
    "on n.opportunity_id = o.id ")
_OPPORTUNITY_SQL = _OPPORTUNITY_COLUMNS.format(counted="")
# One opportunity (its page reads it on every rerun): its own people counted, not every assignment grouped.
_ONE_OPPORTUNITY_SQL = _OPPORTUNITY_COLUMNS.format(counted="where opportunity_id = ?") + "where o.id = ?"


def list_opportunities(db: Database, actor: Actor, *, status: str | None = None, host_kind: str | None = None,
                       date_from: date | None = None, date_to: date | None = None, limit: int = 1000) -> pd.DataFrame:
    """Opportunities overlapping the period (either end may be open), soonest first, with people proposed/confirmed."""
    require(actor, "read")
    where, params = ["true"], []
    if status:
        where.append("o.status = ?")
        params.append(status)
    if host_kind:
        where.append("o.host_kind = ?")
        params.append(host_kind)
    if date_from:
        where.append("o.ends_at >= ?")
        params.append(datetime.combine(date_from, time()))
    if date_to:
        where.append("o.starts_at < ?")
        params.append(datetime.combine(date_to + timedelta(days=1), time()))
    params.append(int(limit))
    return db.query(_OPPORTUNITY_SQL + "where " + " and ".join(where) + " order by o.starts_at, o.id limit ?", params)


def get_opportunity(db: Database, actor: Actor, opportunity_id: Any) -> dict:
    """One opportunity with its host's name and how many people are proposed and confirmed."""
    require(actor, "read")
    number = as_int(opportunity_id)
    rows = db.dicts(_ONE_OPPORTUNITY_SQL, [number, number])
    if not rows:
        raise NotFound("error.volunteer_opportunity_not_found", id=opportunity_id)
    return rows[0]


def set_opportunity_status(db: Database, actor: Actor, opportunity_id: Any, status: str) -> None:
    """Move an opportunity along STATUS_MOVES. Cancelling declines the proposals still open, so their
    volunteers' time is free again; confirmed assignments stay, with any hours already logged."""
    require(actor, "write")

    def work(cur):
        opportunity = opportunity_row(cur, opportunity_id)
        if status not in STATUS_MOVES.get(opportunity["status"], ()):
            raise ValidationError({"status": Message("volunteer_work.error.status_move")})
        now = clock.utc_now()
        cur.execute("update volunteer_opportunity set status = ?, updated_at = ? where id = ?",
                    [status, now, opportunity["id"]])
        declined = []
        if status == "cancelled":
            declined = [r[0] for r in fetch_all(
                cur, "update volunteer_assignment set status = 'declined', updated_at = ? where opportunity_id = ? "
                     "and status = 'proposed' returning id", [now, opportunity["id"]])]
        audit.record(cur, actor.username, "update", "volunteer_opportunity", opportunity["id"],
                     {"status": opportunity["status"]}, {"status": status, "declined_assignments": sorted(declined)})

    db.write(work)


def matching(db: Database, actor: Actor, opportunity_id: int, limit: int = 50) -> pd.DataFrame:
    """Active volunteers (processing allowed) ranked by skills overlap, then availability overlap, then name.

    Those already proposed or confirmed for it are left out; ``has_agreement`` says whether an active
    agreement covers its dates (without one, ``assign`` refuses). One SQL query with list intersections,
    so it stays fast on the whole register.
    """
    require(actor, "read")
    with db.transaction() as cur:
        opportunity = opportunity_row(cur, opportunity_id)
    return db.query(
        "with consent as (select volunteer_id, bool_or(withdrawn_on is null) as ok "
        "from volunteer_consent where kind = 'processing' group by volunteer_id), "
        "covered as (select distinct volunteer_id from volunteer_agreement where status = 'active' and starts_on <= ? "
        "and least(ends_on, coalesce(terminated_on, ends_on)) >= ?), "
        "taken as (select volunteer_id from volunteer_assignment where opportunity_id = ? and status <> 'declined') "
        "select v.id, v.first_name, v.last_name, v.skills, v.availability, "
        "len(list_intersect(v.skills, ?::varchar[])) as skill_overlap, "
        "len(list_intersect(v.availability, ?::varchar[])) as availability_overlap, "
        "cv.volunteer_id is not null as has_agreement from volunteer v "
        "join consent c on c.volunteer_id = v.id and c.ok left join covered cv on cv.volunteer_id = v.id "
        "where v.status = 'active' and v.anonymised_at is null and v.id not in (select volunteer_id from taken) "
        "order by skill_overlap desc, availability_overlap desc, v.last_name, v.first_name, v.id limit ?",
        [opportunity["starts_at"].date(), opportunity["ends_at"].date(), opportunity["id"], opportunity["skills"],
         opportunity["slots"], int(limit)])


def find_for_opportunity(db: Database, actor: Actor, opportunity_id: int, text: str | None,
                         limit: int = 20) -> tuple[list[dict], int]:
    """Volunteers of the whole register found by name for an opportunity, each with what stands between
    them and the assignment; returns (people, how many match in all).

    Unlike ``matching`` it leaves nobody out for being a candidate, having no agreement or a withdrawn
    consent: a new volunteer is found at once, and ``missing`` says what to put right first (each a
    Message: the processing consent, the agreement, the NNW insurance of a draft agreement, the status,
    a guardian's consent, the check for work with children, a clash). ``assigned`` marks people already
    proposed or confirmed for it; ``assignable`` is true when ``assign`` would accept them now.
    """
    require(actor, "read")
    words = " ".join((text or "").lower().split())
    if not words:
        return [], 0
    name = "strip_accents(replace(lower(v.first_name || ' ' || v.last_name || ' ' || v.first_name), 'ł', 'l'))"
    pattern = "%" + words + "%"
    with db.transaction() as cur:
        opportunity = opportunity_row(cur, opportunity_id)
        where = f"v.anonymised_at is null and {name} like strip_accents(replace(?, 'ł', 'l'))"
        total = int(fetch_one(cur, "select count(*) from volunteer v where " + where, [pattern])[0])
        people = fetch_dicts(
            cur, "select v.*, len(list_intersect(v.skills, ?::varchar[])) as skill_overlap from volunteer v where "
                 + where + " order by case v.status when 'active' then 0 when 'candidate' then 1 else 2 end, "
                 "v.last_name, v.first_name, v.id limit ?", [opportunity["skills"], pattern, int(limit)])
        taken = {r[0] for r in fetch_all(
            cur, "select volunteer_id from volunteer_assignment where opportunity_id = ? and status <> 'declined'",
            [opportunity["id"]])}
        found = []
        for person in people:
            missing: dict[str, Message] = {}
            if not vol.processing_allowed(cur, person["id"]):
                missing["consent"] = Message("volunteer_work.missing.consent")
            problems = assignment_problems(cur, person, opportunity)
            if "agreement_id" in problems:
                draft = fetch_dicts(
                    cur, "select * from volunteer_agreement where volunteer_id = ? and status = 'draft' and "
                         "starts_on <= ? and ends_on >= ? order by starts_on desc, id desc limit 1",
                    [person["id"], opportunity["starts_at"].date(), opportunity["ends_at"].date()])
                if draft:
                    problems["agreement_id"] = Message("volunteer_work.missing.agreement_draft")
                    if vol.insurance(draft[0]) == "missing":
                        problems["insurance"] = Message("volunteer_work.missing.insurance")
                else:
                    problems["agreement_id"] = Message("volunteer_work.missing.agreement")
            if person["status"] == "candidate":
                problems["volunteer_id"] = Message("volunteer_work.missing.candidate")
            missing.update(problems)
            found.append({"id": person["id"], "first_name": person["first_name"], "last_name": person["last_name"],
                          "status": person["status"], "skill_overlap": int(person["skill_overlap"] or 0),
                          "assigned": person["id"] in taken, "missing": missing,
                          "assignable": not missing and person["id"] not in taken})
    return found, total


# -- assignments ------------------------------------------------------------------------------------------------
def _covering_agreement(cur, volunteer_id: int, opportunity: dict) -> dict | None:
    rows = fetch_dicts(
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
    overlap = fetch_one(
        cur, "select a.id from volunteer_assignment a join volunteer_opportunity o on o.id = a.opportunity_id "
             "where a.volunteer_id = ? and a.status in ('proposed', 'confirmed') and o.status <> 'cancelled' "
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
        if fetch_one(cur, "select 1 from volunteer_assignment where volunteer_id = ? and opportunity_id = ? and "
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
    rows = fetch_dicts(cur, "select * from volunteer_assignment where id = ?", [as_int(assignment_id)])
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


# register.insurance(agreement) == 'missing', as SQL over the agreement ``g`` (the threshold is the same constant).
_UNINSURED = ("(datediff('day', g.starts_on, g.ends_on) + 1 <= " + str(int(vol.WRITTEN_ABOVE_DAYS))
              + " and g.nnw_policy is null and g.waiver_reason is null)")


def opportunity_assignments(db: Database, actor: Actor, opportunity_id: Any) -> pd.DataFrame:
    """The people proposed, confirmed or declined for one opportunity, with their agreement's NNW flag
    (``uninsured``: ≤30 days, no policy and no waiver) and their hours. The name only for roles that see
    personal data; others get None and work with the counts."""
    require(actor, "read")
    frame = db.query(
        "select a.id, a.volunteer_id, case when v.anonymised_at is null then v.last_name || ' ' || v.first_name end "
        "as volunteer, a.status, a.starts_at, a.ends_at, a.agreement_id, g.form as agreement_form, "
        "datediff('day', g.starts_on, g.ends_on) + 1 as agreement_days, " + _UNINSURED + " as uninsured, "
        "coalesce(h.approved, 0)::double as hours_approved, coalesce(h.pending, 0)::double as hours_pending "
        "from volunteer_assignment a join volunteer v on v.id = a.volunteer_id "
        "join volunteer_agreement g on g.id = a.agreement_id left join (select assignment_id, "
        "sum(hours) filter (where status = 'approved') as approved, sum(hours) filter (where status = 'pending') "
        "as pending from volunteer_hours where assignment_id in (select id from volunteer_assignment "
        "where opportunity_id = ?) group by 1) h on h.assignment_id = a.id where a.opportunity_id = ? "
        "order by case a.status when 'confirmed' then 0 when 'proposed' then 1 else 2 end, volunteer, a.id",
        [as_int(opportunity_id)] * 2)  # the hours summed for this opportunity's people only, not all 200,000 rows
    if not actor.can("personal"):
        frame["volunteer"] = None
    return frame


def uninsured_assignments(db: Database, actor: Actor) -> pd.DataFrame:
    """Assignments under a ≤30-day agreement without NNW insurance or a waiver (art. 46): a flag for staff."""
    require(actor, "read")
    return db.query(
        "select a.id, a.volunteer_id, a.opportunity_id, g.starts_on, g.ends_on from volunteer_assignment a "
        "join volunteer_agreement g on g.id = a.agreement_id where a.status <> 'declined' and " + _UNINSURED
        + " order by a.id")


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

    Refused: not positive, more than 24 h in one day (summed over all the person's entries), a day outside
    the agreement's period (after its termination included) or outside the assignment's own dates.
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
    first_day, last_day = assignment["starts_at"].date(), assignment["ends_at"].date()
    if not first_day <= clean["work_date"] <= last_day:
        raise ValidationError({"work_date": Message("volunteer_work.error.hours_outside_assignment",
                                                    {"start": first_day.isoformat(), "end": last_day.isoformat()})})
    logged = fetch_one(cur, "select coalesce(sum(hours), 0) from volunteer_hours where volunteer_id = ? and "
                                "work_date = ? and status <> 'rejected'", [assignment["volunteer_id"], clean["work_date"]])[0]
    if Decimal(logged) + clean["hours"] > 24:  # the message wants the hours already logged that day, not the day
        raise ValidationError({"hours": Message("error.volunteer_hours_day_limit", {"logged": str(logged)})})


def _decide_one(cur, actor: Actor, hours_id: Any, status: str, pending_only: bool) -> None:
    rows = fetch_dicts(cur, "select * from volunteer_hours where id = ?", [as_int(hours_id)])
    if not rows:
        raise NotFound("error.volunteer_hours_not_found", id=hours_id)
    if pending_only and rows[0]["status"] != "pending":
        raise ValidationError({"hours_id": Message("volunteer_work.error.hours_decided", {"id": rows[0]["id"]})})
    vol.writable(cur, rows[0]["volunteer_id"])
    cur.execute("update volunteer_hours set status = ?, decided_by = ?, decided_at = ? where id = ?",
                [status, actor.username, clock.utc_now(), rows[0]["id"]])
    audit.record(cur, actor.username, "update", "volunteer_hours", rows[0]["id"], {"status": rows[0]["status"]},
                 {"status": status})


def decide_hours(db: Database, actor: Actor, hours_id: int, approve: bool) -> None:
    """Staff approve (or reject) logged hours; only approved hours count in totals and certificates."""
    require(actor, "write")
    db.write(lambda cur: _decide_one(cur, actor, hours_id, "approved" if approve else "rejected", False))


def decide_hours_many(db: Database, actor: Actor, hours_ids: list, approve: bool) -> int:
    """Approve (or reject) several pending entries from the queue in one transaction: all or none.

    An entry someone else decided in the meantime (or whose volunteer withdrew consent) refuses the
    whole batch, so the queue on screen and the database never disagree half-way.
    """
    require(actor, "write")
    ids = sorted({as_int(i) or -1 for i in hours_ids or []})
    if not ids:
        raise ValidationError({"hours_id": Message("volunteer_work.error.nothing_selected")})
    status = "approved" if approve else "rejected"

    def work(cur):
        for hours_id in ids:
            _decide_one(cur, actor, hours_id, status, True)
        return len(ids)

    return db.write(work)


def hours_entries(db: Database, actor: Actor, status: str | None = "pending", volunteer_id: Any = None,
                  limit: int = 500) -> pd.DataFrame:
    """Logged hours with the volunteer's name and the opportunity (the approval queue): oldest first.

    Names are personal data, so only roles that see them (staff, admin) may read this list. Entries of people
    whose data may no longer be processed (consent withdrawn, anonymised) are left out: nobody may decide them."""
    require(actor, "personal")
    return db.query(
        "select h.id, h.work_date, h.hours::double as hours, h.description, h.status, h.volunteer_id, "
        "v.last_name || ' ' || v.first_name as volunteer, a.opportunity_id, o.title as opportunity, h.created_by, "
        "h.decided_by from volunteer_hours h join volunteer v on v.id = h.volunteer_id "
        "join volunteer_assignment a on a.id = h.assignment_id join volunteer_opportunity o on o.id = a.opportunity_id "
        "where v.anonymised_at is null and (? is null or h.status = ?) and exists (select 1 from volunteer_consent c "
        "where c.volunteer_id = v.id and c.kind = 'processing' and c.withdrawn_on is null) "
        "and (?::bigint is null or h.volunteer_id = ?::bigint) order by h.work_date, h.id limit ?",
        [status, status, volunteer_id, volunteer_id, int(limit)])


def pending_by_volunteer(db: Database, actor: Actor) -> pd.DataFrame:
    """Who has entries waiting for approval, with how many and how long: the queue's filter, whatever its length."""
    require(actor, "personal")
    return db.query(
        "select h.volunteer_id as id, any_value(v.last_name || ' ' || v.first_name) as volunteer, count(*) as entries, "
        "sum(h.hours)::double as hours from volunteer_hours h join volunteer v on v.id = h.volunteer_id "
        "where h.status = 'pending' and v.anonymised_at is null and exists (select 1 from volunteer_consent c "
        "where c.volunteer_id = v.id and c.kind = 'processing' and c.withdrawn_on is null) "
        "group by h.volunteer_id order by volunteer, id")


def loggable_volunteers(db: Database, actor: Actor) -> pd.DataFrame:
    """Volunteers with a confirmed assignment whose data may still be processed: whom hours can be logged for."""
    require(actor, "write")
    return db.query(
        "select v.id, v.last_name || ' ' || v.first_name as volunteer, count(*) as assignments from volunteer v "
        "join volunteer_assignment a on a.volunteer_id = v.id and a.status = 'confirmed' "
        "where v.anonymised_at is null and exists (select 1 from volunteer_consent c where c.volunteer_id = v.id "
        "and c.kind = 'processing' and c.withdrawn_on is null) group by all order by volunteer, v.id")


def volunteer_assignments(db: Database, actor: Actor, volunteer_id: Any, status: str | None = None) -> pd.DataFrame:
    """One volunteer's assignments (newest first) with the opportunity and the agreement's period."""
    require(actor, "read")
    return db.query(
        "select a.id, a.opportunity_id, o.title as opportunity, a.starts_at, a.ends_at, a.status, a.agreement_id, "
        "g.starts_on as agreement_starts_on, least(g.ends_on, coalesce(g.terminated_on, g.ends_on)) as agreement_ends_on "
        "from volunteer_assignment a join volunteer_opportunity o on o.id = a.opportunity_id "
        "join volunteer_agreement g on g.id = a.agreement_id where a.volunteer_id = ? and (? is null or a.status = ?) "
        "order by a.starts_at desc, a.id desc", [as_int(volunteer_id), status, status])


def log_window(assignment: Any) -> tuple[date, date]:
    """The first and last day on which hours of an assignment (a row of ``volunteer_assignments``) may be
    logged: inside both the agreement's period (up to its termination) and the assignment's own dates,
    the days ``log_hours`` accepts."""

    def day(value: Any) -> date:
        return value.date() if isinstance(value, datetime) else value

    return (max(day(assignment["starts_at"]), day(assignment["agreement_starts_on"])),
            min(day(assignment["ends_at"]), day(assignment["agreement_ends_on"])))


def hourly_rate(db: Database) -> float:
    """PLN per hour used to value volunteer work (setting; a refused stored value counts as the default)."""
    validate, default = app_settings.KNOWN[RATE_SETTING]
    try:
        return validate(app_settings.get_setting(db, RATE_SETTING))
    except (TypeError, ValueError):
        return default


# The host groups by who offered the work: each organisation apart, the Centre, local initiatives together.
_GROUPS = {
    "volunteer": ("h.volunteer_id", "v.last_name || ' ' || v.first_name"),
    "organisation": ("case when o.host_kind = 'organisation' then 'organisation:' || o.organisation_id "
                     "else o.host_kind end",
                     "case o.host_kind when 'organisation' then g.name when 'initiative' then 'Inicjatywy lokalne' "
                     "else 'Centrum Obywatelskie' end"),
    "opportunity": ("o.id", "o.title"),
    "month": ("strftime(h.work_date, '%Y-%m')", "strftime(h.work_date, '%Y-%m')"),
}
_TOTALS_SQL = (
    "select {key} as key, any_value({label}) as label, any_value(o.host_kind) as host_kind, "
    "sum(h.hours)::double as hours, count(*) as entries, count(distinct h.volunteer_id) as volunteers "
    "from volunteer_hours h join volunteer v on v.id = h.volunteer_id "
    "join volunteer_assignment a on a.id = h.assignment_id join volunteer_opportunity o on o.id = a.opportunity_id "
    "left join organisation g on g.id = o.organisation_id where h.status = 'approved' "
    "and (?::date is null or h.work_date >= ?::date) and (?::date is null or h.work_date <= ?::date) "
    "group by 1 order by 1")


def totals(db: Database, actor: Actor, by: str, date_from: date | None = None,
           date_to: date | None = None) -> pd.DataFrame:
    """Approved hours, entries, volunteers and their value in PLN per volunteer, host (``organisation``),
    opportunity or month, optionally within a period of work dates.

    Per volunteer the rows name people, so that grouping needs the 'personal' permission: the
    coordinator works with the other groupings and ``hours_summary`` (aggregates only).
    """
    require(actor, "personal" if by == "volunteer" else "read")
    if by not in _GROUPS:
        raise ValidationError({"by": Message("error.volunteer_group")})
    key, label = _GROUPS[by]
    frame = db.query(_TOTALS_SQL.replace("{key}", key).replace("{label}", label),  # fixed texts from _GROUPS only
                     [date_from, date_from, date_to, date_to])
    frame["value_pln"] = (frame["hours"] * hourly_rate(db)).round(2)
    return frame


def hours_summary(db: Database, actor: Actor, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Headline figures for anyone who may read: approved hours, their value, how many volunteers gave
    them, and what still waits for approval (counts only, no names)."""
    require(actor, "read")
    row = db.one(
        "select coalesce(sum(hours) filter (where status = 'approved'), 0)::double, "
        "count(distinct volunteer_id) filter (where status = 'approved'), count(*) filter (where status = 'approved'), "
        "count(*) filter (where status = 'pending'), coalesce(sum(hours) filter (where status = 'pending'), 0)::double "
        "from volunteer_hours where (?::date is null or work_date >= ?::date) and (?::date is null or work_date <= ?::date)",
        [date_from, date_from, date_to, date_to])
    rate = hourly_rate(db)
    return {"hours": row[0], "volunteers": row[1], "entries": row[2], "pending_entries": row[3],
            "pending_hours": row[4], "rate_pln": rate, "value_pln": round(row[0] * rate, 2)}
