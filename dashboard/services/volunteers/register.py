"""The volunteer register: people, their consents, agreements (porozumienia) and safety records.

The legal basis is the Public Benefit and Volunteer Work Act, art. 42–46, and RODO (domain notes §2).
The record is minimal on purpose: there is no field for a PESEL, an ID number, health data or the
content of a criminal-record check, so none can be typed in. Every write checks the processing
consent first: once it is withdrawn, processing stops and only anonymisation may still write.

Opportunities, assignments and hours are in ``work``; export, anonymisation and the
retention review in ``gdpr``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

import pandas as pd

from dashboard.core import clock, privacy, validators
from dashboard.core.converters import as_date, as_int
from dashboard.core.errors import Errors, Message, NotFound, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.sql import fetch_all, fetch_dicts, fetch_one
from db.connection import Database

STATUSES = ("candidate", "active", "inactive")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon", "evening")
SLOTS = tuple(f"{d}_{p}" for d in WEEKDAYS for p in PARTS)
CONSENT_KINDS = ("processing", "photos", "newsletter", "guardian")
FORMS = ("oral", "written")
WRITTEN_ABOVE_DAYS = 30  # art. 44 ust. 4: more than 30 days → a written agreement
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_VOLUNTEER_FIELDS = ("id", "first_name", "last_name", "email", "phone", "birth_year", "birth_date", "skills", "tags",
                     "languages", "availability", "osiedle_id", "status", "status_since", "found_via", "notes",
                     "bhp_briefing_on", "child_check_on", "child_check_ok", "anonymised_at")


# -- small helpers shared by the volunteer modules --------------------------------------------------------
def field(errors: Errors, clean: dict, name: str, fn: Callable, *args: Any) -> None:
    """Run one validator and put its value into ``clean`` or its message into ``errors``."""
    try:
        clean[name] = fn(*args)
    except validators.InvalidValue as exc:
        errors.add(name, exc.key, **exc.params)


def required_date(errors: Errors, clean: dict, name: str, value: Any, required: bool = True) -> None:
    parsed = as_date(value)
    if parsed is None and (required or value not in (None, "")):
        errors.add(name, "error.required" if value in (None, "") else "error.date_format")
    clean[name] = parsed


def volunteer_row(cur, volunteer_id: Any) -> dict:
    rows = fetch_dicts(cur, "select * from volunteer where id = ?", [as_int(volunteer_id)])
    if not rows:
        raise NotFound("error.volunteer_not_found", id=volunteer_id)
    return rows[0]


def processing_allowed(cur, volunteer_id: int) -> bool:
    """A processing consent given and not withdrawn (withdrawal closes every open one)."""
    return fetch_one(cur, "select 1 from volunteer_consent where volunteer_id = ? and kind = 'processing' "
                          "and withdrawn_on is null", [volunteer_id]) is not None


def writable(cur, volunteer_id: Any) -> dict:
    """The volunteer's row, refusing any write once processing stopped (consent withdrawn, anonymised)."""
    row = volunteer_row(cur, volunteer_id)
    if row["anonymised_at"] is not None or not processing_allowed(cur, row["id"]):
        raise ValidationError({"volunteer_id": Message("error.volunteer_processing_stopped")})
    return row


def adult_on(birth_date: date | None, birth_year: int | None, day: date) -> bool:
    """18 or over on ``day``: to the day with a birth date; with only a year, only if surely 18.

    With the year alone the person may be born on 31 December, so they count as a minor until then.
    Someone born on 29 February comes of age on 1 March in a common year.
    """
    if birth_date is not None:
        try:
            eighteenth = birth_date.replace(year=birth_date.year + 18)
        except ValueError:
            eighteenth = date(birth_date.year + 18, 3, 1)
        return day >= eighteenth
    if birth_year is not None:
        return day >= date(birth_year + 18, 12, 31)
    return True  # unknown age: the form requires it, so only old rows (or anonymised) get here


def engagement_days(starts_on: date, ends_on: date) -> int:
    """Calendar days counted from the first day (art. 44 ust. 4): 1–30 June is 30 days."""
    return (ends_on - starts_on).days + 1


# -- validation ------------------------------------------------------------------------------------------
def validate_codes(errors: Errors, clean: dict, name: str, values: Any, allowed: set[str] | None, key: str,
           pattern: re.Pattern | None = None) -> None:
    items = [str(v).strip().lower() for v in (values or []) if str(v).strip()]
    bad = [v for v in items if (allowed is not None and v not in allowed) or (pattern and not pattern.match(v))]
    if bad:
        errors.add(name, key, value=bad[0])
    clean[name] = sorted(set(items))


def _tags(errors: Errors, clean: dict, values: Any) -> None:
    tags = []
    for value in values or []:
        try:
            text = validators.clean_text(value, 40)
        except validators.InvalidValue as exc:
            errors.add("tags", exc.key, **exc.params)
            continue
        if text:
            tags.append(text.lower())
    clean["tags"] = sorted(set(tags))[:30]


def _birth(errors: Errors, clean: dict, data: dict) -> None:
    """A birth date or a birth year (only to know who is a minor); one of them is required."""
    birth_date = as_date(data.get("birth_date"))
    if data.get("birth_date") not in (None, "") and birth_date is None:
        errors.add("birth_date", "error.date_format")
    given_year = data.get("birth_year")
    year = birth_date.year if birth_date else (None if given_year in (None, "") else as_int(given_year))
    this_year = clock.today().year
    if birth_date is None and year is None and given_year not in (None, ""):
        errors.add("birth_year", "error.volunteer_birth_invalid")
    elif birth_date is None and year is None and "birth_date" not in errors.errors:
        errors.add("birth_year", "error.required")
    elif year is not None and not this_year - 100 <= year <= this_year - 10:
        errors.add("birth_date" if birth_date else "birth_year", "error.volunteer_birth_invalid")
    clean["birth_date"], clean["birth_year"] = birth_date, year


def validate_volunteer(cur, data: dict) -> dict:
    """Every field of the volunteer form; all problems reported at once."""
    errors, clean = Errors(), {}
    field(errors, clean, "first_name", validators.clean_text, data.get("first_name"), 100, True)
    field(errors, clean, "last_name", validators.clean_text, data.get("last_name"), 100, True)
    field(errors, clean, "email", validators.email, data.get("email"))
    field(errors, clean, "phone", validators.phone, data.get("phone"))
    if not errors.errors.keys() & {"email", "phone"} and not (clean["email"] or clean["phone"]):
        errors.add("email", "error.contact_required")
    _birth(errors, clean, data)
    skills = {r[0] for r in fetch_all(cur, "select code from volunteer_skill where active", [])}
    validate_codes(errors, clean, "skills", data.get("skills"), skills, "error.volunteer_skill_unknown")
    validate_codes(errors, clean, "languages", data.get("languages"), None, "error.volunteer_language", _LANGUAGE)
    validate_codes(errors, clean, "availability", data.get("availability"), set(SLOTS), "error.volunteer_availability")
    _tags(errors, clean, data.get("tags"))
    status = data.get("status") or "candidate"
    if status not in STATUSES:
        errors.add("status", "error.volunteer_status")
    clean["status"] = status
    given_osiedle = data.get("osiedle_id")
    clean["osiedle_id"] = None if given_osiedle in (None, "") else as_int(given_osiedle)
    if given_osiedle not in (None, "") and not fetch_one(cur, "select 1 from osiedle where id = ?", [clean["osiedle_id"]]):
        errors.add("osiedle_id", "error.osiedle_unknown")
    field(errors, clean, "found_via", validators.clean_text, data.get("found_via"), 200)
    field(errors, clean, "notes", validators.clean_text, data.get("notes"), 2000)
    errors.raise_if_any()
    return clean


def _validate_processing_consent(data: dict) -> tuple[date, str | None]:
    """Registration needs the processing consent, given on a date not in the future, with its scope."""
    errors = Errors()
    given = as_date(data.get("consent_on")) or (clock.today() if data.get("consent_on") in (None, "") else None)
    if data.get("consent") is not True:
        errors.add("consent", "error.consent_required")
    if given is None:
        errors.add("consent_on", "error.date_format")
    elif given > clock.today():
        errors.add("consent_on", "error.volunteer_future_date")
    scope = None
    try:
        scope = validators.clean_text(data.get("consent_scope"), 500)
    except validators.InvalidValue as exc:
        errors.add("consent_scope", exc.key, **exc.params)
    errors.raise_if_any()
    return given, scope or "rejestr wolontariuszy Centrum Obywatelskiego"


def _validate_registration_consents(data: dict, given_on: date) -> list[dict]:
    """The optional consents ticked on the registration form, and a minor's guardian consent if brought along.

    Photos and newsletter are given on the day of the processing consent; a guardian's written consent
    carries its own date (that day by default) and the guardian's name.
    """
    errors, found = Errors(), []
    for kind in ("photos", "newsletter"):
        if data.get(f"consent_{kind}") is True:
            found.append({"kind": kind, "given_on": given_on, "scope": None, "guardian_name": None})
    clean: dict = {}
    field(errors, clean, "guardian_name", validators.clean_text, data.get("guardian_name"), 200)
    required_date(errors, clean, "guardian_consent_on", data.get("guardian_consent_on"), required=False)
    if clean["guardian_consent_on"] and clean["guardian_consent_on"] > clock.today():
        errors.add("guardian_consent_on", "error.volunteer_future_date")
    if clean["guardian_consent_on"] and not clean.get("guardian_name") and "guardian_name" not in errors.errors:
        errors.add("guardian_name", "error.required")
    errors.raise_if_any()
    if clean.get("guardian_name"):
        found.append({"kind": "guardian", "given_on": clean["guardian_consent_on"] or given_on, "scope": None,
                      "guardian_name": clean["guardian_name"]})
    return found


# -- volunteers --------------------------------------------------------------------------------------------
def _insert_consent(cur, actor: Actor, volunteer_id: int, kind: str, given_on: date, scope: str | None,
                    guardian_name: str | None = None) -> int:
    cur.execute("insert into volunteer_consent (volunteer_id, kind, given_on, scope, guardian_name, created_at, "
                "created_by) values (?, ?, ?, ?, ?, ?, ?) returning id",
                [volunteer_id, kind, given_on, scope, guardian_name, clock.utc_now(), actor.username])
    return cur.fetchone()[0]


def register(db: Database, actor: Actor, data: dict) -> int:
    """A new volunteer with the processing consent (required: it is the basis for keeping the record)."""
    require(actor, "write")
    return db.write(lambda cur: register_in(cur, actor, data))


def update(db: Database, actor: Actor, volunteer_id: int, data: dict) -> None:
    """Change the record (the whole form); the status change date feeds the retention review."""
    require(actor, "write")

    def work(cur):
        row = writable(cur, volunteer_id)
        clean = validate_volunteer(cur, {**{k: row[k] for k in _VOLUNTEER_FIELDS}, **data})
        before, after = audit.changed({k: row[k] for k in clean}, clean)
        if not after:
            return
        since = clock.today() if clean["status"] != row["status"] else row["status_since"]
        cur.execute(
            "update volunteer set first_name = ?, last_name = ?, email = ?, phone = ?, birth_year = ?, birth_date = ?, "
            "skills = ?, tags = ?, languages = ?, availability = ?, osiedle_id = ?, status = ?, status_since = ?, "
            "found_via = ?, notes = ?, updated_at = ? where id = ?",
            [clean["first_name"], clean["last_name"], clean["email"], clean["phone"], clean["birth_year"],
             clean["birth_date"], clean["skills"], clean["tags"], clean["languages"], clean["availability"],
             clean["osiedle_id"], clean["status"], since, clean["found_via"], clean["notes"], clock.utc_now(), row["id"]])
        audit.record(cur, actor.username, "update", "volunteer", row["id"], before, after)

    db.write(work)


def set_status(db: Database, actor: Actor, volunteer_id: int, status: str) -> None:
    update(db, actor, volunteer_id, {"status": status})


# -- consents --------------------------------------------------------------------------------------------------
def add_consent(db: Database, actor: Actor, volunteer_id: int, kind: str, given_on: Any = None,
                scope: str | None = None, guardian_name: str | None = None) -> int:
    """Record a consent: photos/newsletter (optional), a guardian's written consent for a minor, or a new processing one."""
    require(actor, "write")
    errors, clean = Errors(), {}
    if kind not in CONSENT_KINDS:
        errors.add("kind", "error.volunteer_consent_kind")
    required_date(errors, clean, "given_on", given_on or clock.today())
    if clean["given_on"] and clean["given_on"] > clock.today():
        errors.add("given_on", "error.volunteer_future_date")
    field(errors, clean, "scope", validators.clean_text, scope, 500)
    field(errors, clean, "guardian_name", validators.clean_text, guardian_name, 200, kind == "guardian")
    errors.raise_if_any()

    def work(cur):
        row = volunteer_row(cur, volunteer_id) if kind == "processing" else writable(cur, volunteer_id)
        if row["anonymised_at"] is not None:
            raise ValidationError({"volunteer_id": Message("error.volunteer_processing_stopped")})
        consent_id = _insert_consent(cur, actor, row["id"], kind, clean["given_on"], clean["scope"],
                                     clean["guardian_name"] if kind == "guardian" else None)
        audit.record(cur, actor.username, "create", "volunteer_consent", consent_id, None,
                     {"volunteer_id": row["id"], "kind": kind, "given_on": clean["given_on"]})
        return consent_id

    return db.write(work)


def withdraw_consent(db: Database, actor: Actor, volunteer_id: int, kind: str, withdrawn_on: Any = None) -> None:
    """Withdraw a consent from a date; withdrawing 'processing' stops every later write but anonymisation."""
    require(actor, "write")
    errors, clean = Errors(), {}
    required_date(errors, clean, "withdrawn_on", withdrawn_on or clock.today())
    if kind not in CONSENT_KINDS:
        errors.add("kind", "error.volunteer_consent_kind")
    errors.raise_if_any()

    def work(cur):
        row = writable(cur, volunteer_id)
        open_ids = [r[0] for r in fetch_all(cur, "select id from volunteer_consent where volunteer_id = ? and kind = ? "
                                                 "and withdrawn_on is null and given_on <= ?",
                                            [row["id"], kind, clean["withdrawn_on"]])]
        if not open_ids:
            raise ValidationError({"kind": Message("error.volunteer_consent_none")})
        cur.execute("update volunteer_consent set withdrawn_on = ? where list_contains(?::bigint[], id)",
                    [clean["withdrawn_on"], open_ids])
        audit.record(cur, actor.username, "withdraw", "volunteer_consent", row["id"], None,
                     {"volunteer_id": row["id"], "kind": kind, "withdrawn_on": clean["withdrawn_on"]})

    db.write(work)


def has_guardian_consent(cur, volunteer_id: int, on: date) -> bool:
    return fetch_one(cur, "select 1 from volunteer_consent where volunteer_id = ? and kind = 'guardian' and "
                          "given_on <= ? and (withdrawn_on is null or withdrawn_on > ?)", [volunteer_id, on, on]) is not None


# -- safety (art. 45; child protection act of 13.05.2016) --------------------------------------------------------
def record_safety(db: Database, actor: Actor, volunteer_id: int, *, bhp_briefing_on: Any = None,
                  child_check_on: Any = None, child_check_ok: bool | None = None) -> None:
    """The BHP briefing date and that the register check for work with children was done and OK — never its content."""
    require(actor, "write")
    errors, clean = Errors(), {}
    required_date(errors, clean, "bhp_briefing_on", bhp_briefing_on, required=False)
    required_date(errors, clean, "child_check_on", child_check_on, required=child_check_ok is not None)
    for name in ("bhp_briefing_on", "child_check_on"):
        if clean[name] and clean[name] > clock.today():
            errors.add(name, "error.volunteer_future_date")
    errors.raise_if_any()

    def work(cur):
        row = writable(cur, volunteer_id)
        after = {k: v for k, v in clean.items() if v is not None}
        if clean["child_check_on"]:
            after["child_check_ok"] = bool(child_check_ok)
        before = {k: row[k] for k in after}
        cur.execute("update volunteer set bhp_briefing_on = coalesce(?, bhp_briefing_on), child_check_on = "
                    "coalesce(?, child_check_on), child_check_ok = coalesce(?, child_check_ok), updated_at = ? "
                    "where id = ?", [clean["bhp_briefing_on"], clean["child_check_on"], after.get("child_check_ok"),
                                     clock.utc_now(), row["id"]])
        audit.record(cur, actor.username, "update", "volunteer", row["id"], before, after)

    db.write(work)


# -- agreements (porozumienie, art. 44) ----------------------------------------------------------------------------
def _validate_agreement(data: dict) -> dict:
    errors, clean = Errors(), {}
    field(errors, clean, "scope", validators.clean_text, data.get("scope"), 1000, True)
    required_date(errors, clean, "starts_on", data.get("starts_on"))
    required_date(errors, clean, "ends_on", data.get("ends_on"))
    if clean["starts_on"] and clean["ends_on"] and clean["ends_on"] < clean["starts_on"]:
        errors.add("ends_on", "error.end_before_start")
    form = data.get("form") or "oral"
    if form not in FORMS:
        errors.add("form", "error.volunteer_agreement_form")
    clean["form"] = form
    required_date(errors, clean, "signed_on", data.get("signed_on"), required=False)
    if form == "written" and clean["signed_on"] is None and "signed_on" not in errors.errors:
        errors.add("signed_on", "error.required")
    errors.raise_if_any()
    return clean


def add_agreement(db: Database, actor: Actor, volunteer_id: int, data: dict) -> int:
    """A draft agreement: scope, period, oral or written (with the signing date); activate it separately."""
    require(actor, "write")
    clean = _validate_agreement(data)

    def work(cur):
        row = writable(cur, volunteer_id)
        now = clock.utc_now()
        cur.execute("insert into volunteer_agreement (volunteer_id, scope, starts_on, ends_on, form, signed_on, status, "
                    "created_at, created_by, updated_at) values (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) returning id",
                    [row["id"], clean["scope"], clean["starts_on"], clean["ends_on"], clean["form"], clean["signed_on"],
                     now, actor.username, now])
        agreement_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "volunteer_agreement", agreement_id, None,
                     {"volunteer_id": row["id"], **clean})
        return agreement_id

    return db.write(work)


def agreement_row(cur, agreement_id: Any) -> dict:
    rows = fetch_dicts(cur, "select * from volunteer_agreement where id = ?", [as_int(agreement_id)])
    if not rows:
        raise NotFound("error.volunteer_agreement_not_found", id=agreement_id)
    return rows[0]


def _agreement_write(db: Database, actor: Actor, agreement_id: Any, change: Callable[[Any, dict], dict]) -> None:
    """Load the agreement and its volunteer (refusing once processing stopped), apply ``change``, audit it."""

    def work(cur):
        agreement = agreement_row(cur, agreement_id)
        writable(cur, agreement["volunteer_id"])
        after = change(cur, agreement)
        audit.record(cur, actor.username, "update", "volunteer_agreement", agreement["id"],
                     {k: agreement.get(k) for k in after}, after)

    db.write(work)


def record_insurance(db: Database, actor: Actor, agreement_id: int, policy: str, insured_on: Any) -> None:
    """NNW accident insurance (art. 46 ust. 1): the policy reference and its date."""
    require(actor, "write")
    errors, clean = Errors(), {}
    field(errors, clean, "nnw_policy", validators.clean_text, policy, 100, True)
    required_date(errors, clean, "nnw_on", insured_on)
    errors.raise_if_any()

    def change(cur, agreement):
        cur.execute("update volunteer_agreement set nnw_policy = ?, nnw_on = ?, updated_at = ? where id = ?",
                    [clean["nnw_policy"], clean["nnw_on"], clock.utc_now(), agreement["id"]])
        return clean

    _agreement_write(db, actor, agreement_id, change)


def waive_insurance(db: Database, actor: Actor, agreement_id: int, reason: str) -> None:
    """An administrator's explicit decision to proceed without NNW, with the reason (kept for inspection)."""
    require(actor, "settings")
    errors, clean = Errors(), {}
    field(errors, clean, "waiver_reason", validators.clean_text, reason, 500, True)
    errors.raise_if_any()

    def change(cur, agreement):
        after = {"waiver_reason": clean["waiver_reason"], "waiver_by": actor.username, "waiver_on": clock.today()}
        cur.execute("update volunteer_agreement set waiver_reason = ?, waiver_by = ?, waiver_on = ?, updated_at = ? "
                    "where id = ?", [after["waiver_reason"], actor.username, after["waiver_on"], clock.utc_now(),
                                     agreement["id"]])
        return after

    _agreement_write(db, actor, agreement_id, change)


def insurance(agreement: dict) -> str:
    """How the agreement covers accidents (art. 46): 'zus' (over 30 days, the accident insurance act covers
    the volunteer), 'nnw' (a policy recorded), 'waived' (an administrator's decision) or 'missing' — and a
    missing one blocks the activation. Pages ask this rather than counting days themselves."""
    if engagement_days(agreement["starts_on"], agreement["ends_on"]) > WRITTEN_ABOVE_DAYS:
        return "zus"
    if agreement["nnw_policy"]:
        return "nnw"
    return "waived" if agreement["waiver_reason"] else "missing"


def activation_problems(cur, agreement: dict) -> dict[str, Message]:
    """Why an agreement may not start yet: the legal rules of art. 44 ust. 4, art. 46 and a minor's guardian."""
    problems: dict[str, Message] = {}
    days = engagement_days(agreement["starts_on"], agreement["ends_on"])
    if days > WRITTEN_ABOVE_DAYS and (agreement["form"] != "written" or agreement["signed_on"] is None):
        problems["form"] = Message("error.volunteer_written_required", {"days": days})
    if insurance(agreement) == "missing":
        problems["nnw_policy"] = Message("error.volunteer_insurance_required", {"days": days})
    person = volunteer_row(cur, agreement["volunteer_id"])
    if not adult_on(person["birth_date"], person["birth_year"], agreement["starts_on"]) and \
            not has_guardian_consent(cur, person["id"], agreement["starts_on"]):
        problems["guardian"] = Message("error.volunteer_guardian_required")
    return problems


def activate_agreement(db: Database, actor: Actor, agreement_id: int) -> None:
    """Start the engagement, only when every legal condition is met (else ValidationError, nothing written)."""
    require(actor, "write")

    def change(cur, agreement):
        if agreement["status"] != "draft":
            raise ValidationError({"status": Message("error.volunteer_agreement_state")})
        problems = activation_problems(cur, agreement)
        if problems:
            raise ValidationError(problems)
        cur.execute("update volunteer_agreement set status = 'active', updated_at = ? where id = ?",
                    [clock.utc_now(), agreement["id"]])
        _candidate_becomes_active(cur, actor, agreement["volunteer_id"])
        return {"status": "active"}

    _agreement_write(db, actor, agreement_id, change)


def _candidate_becomes_active(cur, actor: Actor, volunteer_id: int) -> None:
    """A started engagement makes a candidate an active volunteer (so matching offers them) — in the same write."""
    changed = cur.execute("update volunteer set status = 'active', status_since = ?, updated_at = ? "
                          "where id = ? and status = 'candidate' returning id",
                          [clock.today(), clock.utc_now(), volunteer_id]).fetchall()
    if changed:
        audit.record(cur, actor.username, "update", "volunteer", volunteer_id, {"status": "candidate"},
                     {"status": "active"})


def terminate_agreement(db: Database, actor: Actor, agreement_id: int, terminated_on: Any = None) -> None:
    """End the agreement early (or record its end); hours after that day are refused."""
    require(actor, "write")
    errors, clean = Errors(), {}
    required_date(errors, clean, "terminated_on", terminated_on or clock.today())
    errors.raise_if_any()

    def change(cur, agreement):
        if clean["terminated_on"] < agreement["starts_on"]:
            raise ValidationError({"terminated_on": Message("error.end_before_start")})
        cur.execute("update volunteer_agreement set terminated_on = ?, status = 'ended', updated_at = ? where id = ?",
                    [clean["terminated_on"], clock.utc_now(), agreement["id"]])
        return {"terminated_on": clean["terminated_on"], "status": "ended"}

    _agreement_write(db, actor, agreement_id, change)


# -- reading ----------------------------------------------------------------------------------------------------
def skills(db: Database) -> pd.DataFrame:
    return db.query("select code, name_pl, name_en from volunteer_skill where active order by sort")


def _register_filters(status: str | None, skill: str | None, osiedle_id: int | None,
                      text: str | None) -> tuple[str, list]:
    """The WHERE clause of the register list (fixed SQL, values as parameters only)."""
    where, params = ["v.anonymised_at is null"], []
    if status:
        where.append("v.status = ?")
        params.append(status)
    if skill:
        where.append("list_contains(v.skills, ?)")
        params.append(skill)
    if osiedle_id:
        where.append("v.osiedle_id = ?")
        params.append(as_int(osiedle_id))
    if text and text.strip():
        # By name only: a search by e-mail or phone would let a masked viewer test who is registered.
        # Diacritics folded (ł too, which is a letter of its own), so "zolkiewska" finds "Żółkiewska".
        where.append("strip_accents(replace(lower(v.first_name || ' ' || v.last_name || ' ' || v.first_name), 'ł', 'l')) "
                     "like strip_accents(replace(?, 'ł', 'l'))")
        params.append("%" + " ".join(text.lower().split()) + "%")
    return " and ".join(where), params


# Formatting a phone number parses it (~0.1 ms); the list redraws the same rows on every rerun.
_shown = lru_cache(maxsize=65_536)(privacy.show)


def list_volunteers(db: Database, actor: Actor, status: str | None = None, limit: int = 500, *,
                    skill: str | None = None, osiedle_id: int | None = None, text: str | None = None) -> pd.DataFrame:
    """The register for a list page, filtered; contacts through ``privacy.show`` (masked for the coordinator)."""
    require(actor, "read")
    where, params = _register_filters(status, skill, osiedle_id, text)
    frame = db.query(
        "select v.id, v.first_name, v.last_name, v.email, v.phone, v.status, v.status_since, v.osiedle_id, "
        "o.name as osiedle, v.skills, v.languages from volunteer v "
        "left join osiedle o on o.id = v.osiedle_id where " + where +
        " order by v.last_name, v.first_name, v.id limit ?", [*params, int(limit)])
    frame["email"] = [_shown(None if pd.isna(v) else v, "email", actor) for v in frame["email"]]
    frame["phone"] = [_shown(None if pd.isna(v) else v, "phone", actor) for v in frame["phone"]]
    return frame


def count_volunteers(db: Database, actor: Actor, status: str | None = None, *, skill: str | None = None,
                     osiedle_id: int | None = None, text: str | None = None) -> int:
    """How many volunteers match the filters (the list itself stops at its limit)."""
    require(actor, "read")
    where, params = _register_filters(status, skill, osiedle_id, text)
    return int(db.scalar("select count(*) from volunteer v where " + where, params))


def status_counts(db: Database, actor: Actor) -> dict[str, int]:
    """Volunteers per status (anonymised ones excluded): the register's headline figures."""
    require(actor, "read")
    counts = dict(db.rows("select status, count(*) from volunteer where anonymised_at is null group by 1"))
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def get_volunteer(db: Database, actor: Actor, volunteer_id: int) -> dict:
    """One volunteer with contacts masked for roles without 'personal'."""
    require(actor, "read")
    with db.cursor() as cur:  # one statement: no transaction to begin and commit on every rerun of the page
        row = volunteer_row(cur, volunteer_id)
    row["email"] = privacy.show(row["email"], "email", actor)
    row["phone"] = privacy.show(row["phone"], "phone", actor)
    return row


def processing_state(db: Database, actor: Actor, volunteer_id: int) -> str:
    """'allowed', 'stopped' (the processing consent withdrawn) or 'anonymised': what the page must say."""
    require(actor, "read")
    with db.transaction() as cur:
        return _state(cur, volunteer_row(cur, volunteer_id))


def _state(cur, row: dict) -> str:
    if row["anonymised_at"] is not None:
        return "anonymised"
    return "allowed" if processing_allowed(cur, row["id"]) else "stopped"


def age_group_of(row: dict, on: date | None = None) -> str | None:
    """'minor' or 'adult' as the recorded birth data say; None once anonymisation erased them (shown as "—",
    never as "18+": an erased minor is not an adult)."""
    if row["anonymised_at"] is not None or (row["birth_date"] is None and row["birth_year"] is None):
        return None
    return "adult" if adult_on(row["birth_date"], row["birth_year"], on or clock.today()) else "minor"


def standing(db: Database, actor: Actor, person: dict) -> dict:
    """The processing state and the age group of a volunteer the page has just read (``get_volunteer``).

    The same answers as ``processing_state`` and ``gdpr.age_group``, from the row already in hand:
    one query (the processing consent) on each rerun of the volunteer's page instead of two more
    reads of the same row, each in its own transaction.
    """
    require(actor, "read")
    with db.cursor() as cur:
        return {"state": _state(cur, person), "age_group": age_group_of(person)}


def consents(db: Database, actor: Actor, volunteer_id: int) -> pd.DataFrame:
    """Every consent of the person, newest first; a guardian's name only for roles that see personal data."""
    require(actor, "read")
    frame = db.query("select id, kind, given_on, scope, guardian_name, withdrawn_on from volunteer_consent "
                     "where volunteer_id = ? order by given_on desc, id desc", [as_int(volunteer_id)])
    if not actor.can("personal"):
        frame["guardian_name"] = ["***" if isinstance(v, str) and v else "" for v in frame["guardian_name"]]
    return frame


def is_minor(db: Database, actor: Actor, volunteer_id: int, on: date | None = None) -> bool:
    """Under 18 on the day (today by default), by the same rule the agreements and assignments use."""
    row = get_volunteer(db, actor, volunteer_id)
    return not adult_on(row["birth_date"], row["birth_year"], on or clock.today())


def agreements(db: Database, actor: Actor, volunteer_id: int) -> list[dict]:
    """The person's agreements, newest first, each with its length in days and, for a draft, what blocks it."""
    require(actor, "read")
    with db.transaction() as cur:
        rows = fetch_dicts(cur, "select * from volunteer_agreement where volunteer_id = ? order by starts_on desc, id desc",
                           [as_int(volunteer_id)])
        for row in rows:
            row["days"] = engagement_days(row["starts_on"], row["ends_on"])
            row["problems"] = activation_problems(cur, row) if row["status"] == "draft" else {}
    return rows


def assignments_of(db: Database, actor: Actor, volunteer_id: int) -> pd.DataFrame:
    """The person's assignments with their opportunity and hours (approved and waiting), newest first."""
    require(actor, "read")
    return db.query(
        "select a.id, a.opportunity_id, o.title, o.host_kind, a.starts_at, a.ends_at, a.status, a.agreement_id, "
        "coalesce(sum(h.hours) filter (where h.status = 'approved'), 0)::double as approved_hours, "
        "coalesce(sum(h.hours) filter (where h.status = 'pending'), 0)::double as pending_hours "
        "from volunteer_assignment a join volunteer_opportunity o on o.id = a.opportunity_id "
        "left join volunteer_hours h on h.assignment_id = a.id where a.volunteer_id = ? "
        "group by all order by a.starts_at desc, a.id desc", [as_int(volunteer_id)])


def hours_summary(db: Database, actor: Actor, volunteer_id: int) -> dict:
    """Approved, waiting and rejected hours of one person, and the period of the approved ones."""
    require(actor, "read")
    row = db.one("select coalesce(sum(hours) filter (where status = 'approved'), 0)::double, "
                 "coalesce(sum(hours) filter (where status = 'pending'), 0)::double, "
                 "coalesce(sum(hours) filter (where status = 'rejected'), 0)::double, "
                 "min(work_date) filter (where status = 'approved'), max(work_date) filter (where status = 'approved') "
                 "from volunteer_hours where volunteer_id = ?", [as_int(volunteer_id)])
    return {"approved": row[0], "pending": row[1], "rejected": row[2], "first": row[3], "last": row[4]}


def register_in(cur, actor: Actor, data: dict) -> int:
    """``register`` on the caller's cursor (nothing is committed here), for a write of many at once
    (the spreadsheet import): the same checks, rows and audit row; every message at once.
    """
    require(actor, "write")
    errors = Errors()
    consent_on, scope, extra = None, None, []
    for step in ("processing", "extra"):
        try:
            if step == "processing":
                consent_on, scope = _validate_processing_consent(data)
            else:
                extra = _validate_registration_consents(data, consent_on or clock.today())
        except ValidationError as exc:
            errors.errors.update(exc.errors)
    try:
        clean = validate_volunteer(cur, data)
    except ValidationError as exc:
        errors.errors.update(exc.errors)
    errors.raise_if_any()
    now = clock.utc_now()
    cur.execute(
        "insert into volunteer (first_name, last_name, email, phone, birth_year, birth_date, skills, tags, languages, "
        "availability, osiedle_id, status, status_since, found_via, notes, created_at, created_by, updated_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [clean["first_name"], clean["last_name"], clean["email"], clean["phone"], clean["birth_year"],
         clean["birth_date"], clean["skills"], clean["tags"], clean["languages"], clean["availability"],
         clean["osiedle_id"], clean["status"], clock.today(), clean["found_via"], clean["notes"], now,
         actor.username, now])
    volunteer_id = cur.fetchone()[0]
    _insert_consent(cur, actor, volunteer_id, "processing", consent_on, scope)
    for consent in extra:
        _insert_consent(cur, actor, volunteer_id, consent["kind"], consent["given_on"], consent["scope"],
                        consent["guardian_name"])
    audit.record(cur, actor.username, "create", "volunteer", volunteer_id, None,
                 {**clean, "consents": [c["kind"] for c in extra]})
    return volunteer_id


def tag_suggestions(db: Database, limit: int = 40) -> list[str]:
    """The free interest tags most used so far, offered on the form so the same interest is spelled one way."""
    return [r[0] for r in db.rows("select tag, count(*) from (select unnest(tags) as tag from volunteer "
                                  "where anonymised_at is null) group by 1 order by 2 desc, 1 limit ?", [int(limit)])]
