"""The advisory log (doradztwo, seed S1) and the expectations survey (seed S4).

Advice is one-to-one work with an organisation, logged after the fact: who advised, on which
topic, how long, in what form, the question and the outcome. The survey records which future
services (F1–F3, kept as data) each organisation wants after the pilot and how much; the
coordinator reads its summary.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_int
from dashboard.core.errors import Errors, Message, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.sql import fetch_all, fetch_one
from db.connection import Database

FORMS = ("in_person", "phone", "online")
_ADVISORY_FIELDS = ("organisation_id", "advisor", "topic_code", "held_on", "duration_min", "form", "question",
                    "outcome")


def _texts(data: dict, errors: Errors, clean: dict, spec: tuple) -> None:
    for field, length, required in spec:
        try:
            clean[field] = validators.clean_text(data.get(field), length, required=required)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)


def _validate_advisory(data: dict) -> dict:
    """Fields that need no database; the organisation and topic are checked in the transaction."""
    errors = Errors()
    clean: dict = {"organisation_id": as_int(data.get("organisation_id")), "topic_code": data.get("topic_code")}
    if not isinstance(clean["topic_code"], str):  # a number would make DuckDB cast the code column and fail
        errors.add("topic_code", "error.topic_unknown")
    _texts(data, errors, clean, (("advisor", 120, True), ("question", 2000, True), ("outcome", 2000, False)))
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        errors.add("held_on", "error.date_format")
    elif held_on > clock.today() or held_on.year < 2000:
        errors.add("held_on", "error.date_range")
    clean["held_on"] = held_on
    clean["duration_min"] = as_int(data.get("duration_min"))
    if clean["duration_min"] is None or not 5 <= clean["duration_min"] <= 600:
        errors.add("duration_min", "error.duration_invalid", min=5, max=600)
    clean["form"] = data.get("form")
    if clean["form"] not in FORMS:
        errors.add("form", "error.advisory_form")
    errors.raise_if_any()
    return clean


def _refuse_unknown(cur, clean: dict) -> None:
    errors = Errors()
    if not fetch_one(cur, "select 1 from organisation where id = ?", [clean["organisation_id"] or -1]):
        errors.add("organisation_id", "error.organisation_unknown")
    if not fetch_one(cur, "select 1 from topic where code = ? and active", [clean["topic_code"] or ""]):
        errors.add("topic_code", "error.topic_unknown")
    errors.raise_if_any()


def add_advisory(db: Database, actor: Actor, data: dict) -> int:
    """Log one advisory meeting (held today or earlier)."""
    require(actor, "write")
    clean = _validate_advisory(data)

    def work(cur):
        _refuse_unknown(cur, clean)
        cur.execute("insert into advisory (" + ", ".join(_ADVISORY_FIELDS) + ", created_at, created_by) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
                    [clean[f] for f in _ADVISORY_FIELDS] + [clock.utc_now(), actor.username])
        new_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "advisory", new_id, None, clean)
        return new_id

    return db.write(work)


def advisory_log(db: Database, actor: Actor, date_from: date | None = None, date_to: date | None = None, *,
                 organisation_id: int | None = None, limit: int = 5000) -> pd.DataFrame:
    """Advisory entries, newest first, with the organisation's name."""
    require(actor, "read")
    return db.query(
        "select a.id, a.held_on, o.name as organisation, a.advisor, a.topic_code, a.duration_min, a.form, "
        "a.question, a.outcome from advisory a join organisation o on o.id = a.organisation_id "
        "where (?::date is null or a.held_on >= ?) and (?::date is null or a.held_on <= ?) "
        "and (? is null or a.organisation_id = ?) order by a.held_on desc, a.id desc limit ?",
        [date_from, date_from, date_to, date_to, organisation_id, organisation_id, int(limit)])


def advisory_summary(db: Database, actor: Actor, date_from: date | None = None,
                     date_to: date | None = None) -> pd.DataFrame:
    """Per topic and form: sessions, organisations served and hours of advice."""
    require(actor, "read")
    return db.query(
        "select topic_code, form, count(*) as sessions, count(distinct organisation_id) as organisations, "
        "round(sum(duration_min) / 60.0, 1) as hours from advisory "
        "where (?::date is null or held_on >= ?) and (?::date is null or held_on <= ?) "
        "group by all order by topic_code, form", [date_from, date_from, date_to, date_to])


# -- the expectations survey (S4) ----------------------------------------------------------------------
def future_services(db: Database) -> pd.DataFrame:
    return db.query("select code, name_pl, name_en from future_service order by sort")


def _validate_answers(cur, answers: dict) -> dict[str, int]:
    known = {r[0] for r in fetch_all(cur, "select code from future_service", [])}
    errors = Errors()
    clean = {}
    for code, priority in (answers or {}).items():
        value = as_int(priority)
        if code not in known:
            errors.add("answers", "error.future_service_unknown", code=code)
        elif value is None or not 1 <= value <= 5:
            errors.add(f"answers.{code}", "error.priority_range")
        else:
            clean[code] = value
    errors.raise_if_any()
    return clean


def record_survey(db: Database, actor: Actor, organisation_id: int, answers: dict[str, int],
                  free_text: str | None = None, answered_on: date | None = None) -> None:
    """An organisation's answer: wanted services with priority 1–5 and a free text; a repeat replaces it."""
    require(actor, "write")
    try:
        free_text = validators.clean_text(free_text, 4000)
    except validators.InvalidValue as exc:
        raise ValidationError({"free_text": Message(exc.key, exc.params)}) from None
    answered_on = answered_on or clock.today()
    if isinstance(answered_on, datetime) or not isinstance(answered_on, date):
        raise ValidationError({"answered_on": Message("error.date_format")})

    def work(cur):
        if not fetch_one(cur, "select 1 from organisation where id = ?", [as_int(organisation_id) or -1]):
            raise ValidationError({"organisation_id": Message("error.organisation_unknown")})
        clean = _validate_answers(cur, answers)
        now = clock.utc_now()
        cur.execute("insert into survey_response (organisation_id, answered_on, free_text, created_at, created_by, "
                    "updated_at) values (?, ?, ?, ?, ?, ?) on conflict (organisation_id) do update set "
                    "answered_on = excluded.answered_on, free_text = excluded.free_text, updated_at = excluded.updated_at",
                    [organisation_id, answered_on, free_text, now, actor.username, now])
        cur.execute("delete from survey_answer where organisation_id = ?", [organisation_id])
        cur.executemany("insert into survey_answer (organisation_id, service_code, priority) values (?, ?, ?)",
                        [[organisation_id, code, p] for code, p in clean.items()])
        audit.record(cur, actor.username, "update", "survey_response", organisation_id, None,
                     {"answers": clean, "free_text": free_text, "answered_on": answered_on})

    db.write(work)


def survey_summary(db: Database, actor: Actor) -> pd.DataFrame:
    """Per future service: how many organisations want it, the mean priority, out of how many answered."""
    require(actor, "read")
    return db.query(
        "select f.code, f.name_pl, f.name_en, count(a.organisation_id) as organisations, "
        "round(avg(a.priority), 2) as mean_priority, (select count(*) from survey_response) as responses "
        "from future_service f left join survey_answer a on a.service_code = f.code "
        "group by f.code, f.name_pl, f.name_en, f.sort order by f.sort")


def survey_texts(db: Database, actor: Actor) -> pd.DataFrame:
    """The free-text answers with the organisation's name, newest first."""
    require(actor, "read")
    return db.query("select o.name as organisation, r.answered_on, r.free_text from survey_response r "
                    "join organisation o on o.id = r.organisation_id where r.free_text is not null "
                    "order by r.answered_on desc, o.name")


def survey_response(db: Database, actor: Actor, organisation_id: int) -> dict | None:
    """One organisation's current answer (to show before it is replaced), or None if it has not answered."""
    require(actor, "read")
    head = db.rows("select answered_on, free_text from survey_response where organisation_id = ?",
                   [as_int(organisation_id) or -1])
    if not head:
        return None
    answers = db.rows("select service_code, priority from survey_answer where organisation_id = ?",
                      [as_int(organisation_id) or -1])
    return {"answered_on": head[0][0], "free_text": head[0][1], "answers": {code: int(p) for code, p in answers}}
