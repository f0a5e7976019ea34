"""The stages of a local initiative: the Łódź procedure as a state machine kept as data.

The allowed moves are rows of ``initiative_move`` (migration 0005), so the rules can be
read, shown and tested without reading code. Each move checks what its stage must record
(a deadline for fixes, a reason for a rejection, the agreement's number and date, the
budget at acceptance), updates the initiative and appends who/when/why to the history,
all in one transaction with an audit row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.errors import Conflict, Errors
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings, audit
from dashboard.services.initiatives.records import amount, fetch
from db.connection import Database

BUDGET_SETTING = "initiative_budget_pln"
# Stages whose city part counts against the year's budget (accepted and later, not closed off).
COMMITTED = ("accepted", "preparation", "agreement_signed", "in_progress", "settled")
# Columns each target stage may set, from the move's ``details``.
_SETS = {"fixes_requested": ("fixes_deadline",), "accepted": ("review_opinion", "accepted_on"),
         "rejected": ("review_opinion", "rejection_reason"),
         "preparation": ("responsible_unit", "schedule", "cost_estimate_pln"),
         "agreement_signed": ("agreement_number", "agreement_date"), "settled": ("settled_on",)}


def allowed_moves(db_or_cur, stage: str) -> list[str]:
    """The stages reachable from ``stage`` in one move, in the procedure's order."""
    sql = ("select m.to_stage from initiative_move m join initiative_stage s on s.code = m.to_stage "
           "where m.from_stage = ? order by s.sort")
    if isinstance(db_or_cur, Database):
        return [r[0] for r in db_or_cur.rows(sql, [stage])]
    db_or_cur.execute(sql, [stage])
    return [r[0] for r in db_or_cur.fetchall()]


def stages(db: Database) -> list[dict]:
    return db.dicts("select code, sort, name_pl, name_en, closed from initiative_stage order by sort")


def editable(db: Database, actor: Actor, stage: str) -> bool:
    """Whether the actor may still change an initiative standing at ``stage``. A closed stage (settled,
    rejected, withdrawn) is a record of what happened: ``records.update`` refuses it and no move leads on."""
    return editable_when(actor, db.scalar("select closed from initiative_stage where code = ?", [stage]))


def editable_when(actor: Actor, stage_closed: bool) -> bool:
    """``editable`` for a stage whose ``closed`` flag the caller has already read (the card has it)."""
    return actor.can("write") and not stage_closed


def move(db: Database, actor: Actor, initiative_id: int, to_stage: str, note: str | None = None, *,
         details: dict | None = None, confirm_over_budget: bool = False, over_budget_reason: str | None = None) -> None:
    """Move an initiative to ``to_stage`` if the procedure allows it from where it stands.

    A forbidden move raises Conflict listing the allowed ones; missing or wrong stage data
    raises ValidationError per field. Nothing is written unless everything holds.
    """
    require(actor, "write")
    errors = Errors()
    clean_note = _text(errors, "note", note, 2000)
    reason = _text(errors, "over_budget_reason", over_budget_reason, 1000)
    errors.raise_if_any()
    now = clock.local_now()

    def work(cur):
        row = fetch(cur, initiative_id)
        allowed = allowed_moves(cur, row["stage"])
        if to_stage not in allowed:
            raise Conflict("error.initiative_move_forbidden", from_stage=row["stage"], to_stage=str(to_stage),
                           allowed=", ".join(allowed) or "—")
        sets = _stage_data(row, to_stage, details or {}, now.date())
        text = clean_note
        if to_stage == "accepted":
            text = _budget_guard(cur, row, sets["accepted_on"], clean_note, confirm_over_budget, reason)
        _apply(cur, actor, row, to_stage, sets, text, now)

    db.write(work)


def _text(errors: Errors, field: str, value, limit: int) -> str | None:
    try:
        return validators.clean_text(value, limit)
    except validators.InvalidValue as exc:
        errors.add(field, exc.key, **exc.params)
        return None


def _stage_data(row: dict, to_stage: str, details: dict, today: date) -> dict:
    """What the target stage must record, validated; raises ValidationError per field."""
    errors, sets = Errors(), {}
    for field in _SETS.get(to_stage, ()):
        value = details.get(field)
        if field.endswith("_pln"):
            try:
                sets[field] = None if value in (None, "") else amount(value)
            except validators.InvalidValue as exc:
                errors.add(field, exc.key)
        elif field.endswith(("_on", "_date", "_deadline")):
            sets[field] = _day(errors, field, value, today)
        else:
            sets[field] = _text(errors, field, value, 2000)
    _stage_rules(errors, row, to_stage, sets, today)
    errors.raise_if_any()
    return sets


def _day(errors: Errors, field: str, value, today: date) -> date | None:
    """A date field of a move; the move's own day when left empty (decision, settlement)."""
    if value in (None, ""):
        return today if field in ("accepted_on", "settled_on") else None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors.add(field, "error.date_format")
        return None
    return value


def _stage_rules(errors: Errors, row: dict, to_stage: str, sets: dict, today: date) -> None:
    """The checks the law and the Łódź procedure put on each step."""
    if to_stage == "fixes_requested":
        if sets.get("fixes_deadline") is None and "fixes_deadline" not in errors.errors:
            errors.add("fixes_deadline", "error.required")
        elif sets.get("fixes_deadline") and sets["fixes_deadline"] < today:
            errors.add("fixes_deadline", "error.deadline_past")
    for field in ("accepted_on", "settled_on"):
        if sets.get(field) and sets[field] > today:
            errors.add(field, "error.date_range")
    if to_stage == "rejected" and not sets.get("rejection_reason") and "rejection_reason" not in errors.errors:
        errors.add("rejection_reason", "error.required")
    if to_stage == "preparation" and not sets.get("responsible_unit") and "responsible_unit" not in errors.errors:
        errors.add("responsible_unit", "error.required")
    if to_stage == "agreement_signed":
        _agreement_rules(errors, row, sets, today)
    if to_stage == "settled" and not (row.get("agreement_number") and row.get("agreement_date")):
        errors.add("agreement_number", "error.settle_without_agreement")


def _agreement_rules(errors: Errors, row: dict, sets: dict, today: date) -> None:
    if not sets.get("agreement_number") and "agreement_number" not in errors.errors:
        errors.add("agreement_number", "error.required")
    signed = sets.get("agreement_date")
    if signed is None and "agreement_date" not in errors.errors:
        errors.add("agreement_date", "error.required")
    elif signed is not None and row.get("accepted_on") and signed < row["accepted_on"]:
        errors.add("agreement_date", "error.agreement_before_acceptance", accepted_on=row["accepted_on"].isoformat())
    elif signed is not None and signed > today:
        errors.add("agreement_date", "error.date_range")


def update_preparation(db: Database, actor: Actor, initiative_id: int, data: dict) -> None:
    """Correct the schedule, cost estimate or responsible city unit while the initiative is in preparation.

    The city unit and the applicants work these out together, so they change after the move
    into preparation; once the agreement is signed they are fixed. The stage does not change
    and no history row is added; the audit keeps what changed.
    """
    require(actor, "write")
    fields = _SETS["preparation"]

    def work(cur):
        row = fetch(cur, initiative_id)
        if row["stage"] != "preparation":
            raise Conflict("initiatives.error.not_in_preparation", stage=row["stage"])
        sets = _stage_data(row, "preparation", {f: data.get(f) for f in fields}, clock.today())
        old, new = audit.changed({f: row[f] for f in fields}, sets)
        if not new:
            return
        cur.execute("update initiative set " + ", ".join(f + " = ?" for f in fields) + ", updated_at = ? where id = ?",
                    [*[sets[f] for f in fields], clock.utc_now(), row["id"]])
        audit.record(cur, actor.username, "update", "initiative", row["id"], old, new)

    db.write(work)


# The city's part of initiatives accepted and later, over rows of one year of acceptance (params: COMMITTED).
_COMMITTED_SUM = "coalesce(sum(city_part_pln) filter (where stage in (?, ?, ?, ?, ?)), 0)"


def committed(db_or_cur, year: int, exclude_id: int | None = None) -> Decimal:
    """The city's part of the year's initiatives accepted and later (by the year of acceptance)."""
    sql = "select " + _COMMITTED_SUM + " from initiative where year(accepted_on) = ? and id <> ?"
    params = [*COMMITTED, int(year), exclude_id or -1]
    if isinstance(db_or_cur, Database):
        return Decimal(db_or_cur.scalar(sql, params))
    db_or_cur.execute(sql, params)
    return Decimal(db_or_cur.fetchone()[0])


def _overrun(cur, row: dict, accepted_on: date) -> dict:
    """What accepting ``row`` on ``accepted_on`` does to that year's budget (by the year of acceptance).

    ``needs_confirmation``: the city's part of the year's acceptances would exceed the budget. An
    initiative that costs the city nothing adds nothing to an overrun, so it never needs one.
    """
    budget = Decimal(str(app_settings.get_setting_in(cur, BUDGET_SETTING)))
    amount = Decimal(row["city_part_pln"])
    before = committed(cur, accepted_on.year, row["id"])
    after = before + amount
    return {"year": accepted_on.year, "budget_pln": budget, "committed_pln": before, "amount_pln": amount,
            "after_pln": after, "over_pln": after - budget, "needs_confirmation": after > budget and amount != 0}


def budget_overrun(db: Database, actor: Actor, initiative_id: int, accepted_on: date | None = None) -> dict:
    """Before an acceptance: the year's budget and whether accepting the initiative on ``accepted_on``
    (today when not given) would overrun it — the decision ``move(..., "accepted")`` enforces, so a page
    asks for the confirmation exactly when the move would refuse without one.

    Returns year, budget_pln, committed_pln (the year's other acceptances), amount_pln (this city part),
    after_pln, over_pln (after − budget) and needs_confirmation.
    """
    require(actor, "read")
    with db.transaction() as cur:
        return _overrun(cur, fetch(cur, initiative_id), accepted_on or clock.today())


def _budget_guard(cur, row: dict, accepted_on: date, note: str | None, confirmed: bool, reason: str | None) -> str | None:
    """Refuse an acceptance that overruns the year's budget unless confirmed with a reason.

    Touches the guard row first, so two acceptances at once conflict and the retry sees both.
    Returns the note to store (the confirmation's reason is appended, so the history shows it).
    """
    cur.execute("update initiative_budget_guard set accepts = accepts + 1 where id = 1")
    overrun = _overrun(cur, row, accepted_on)
    if not overrun["needs_confirmation"]:
        return note
    if not confirmed:
        raise Conflict("error.initiative_over_budget", year=overrun["year"], budget=str(overrun["budget_pln"]),
                       committed=str(overrun["after_pln"] - overrun["amount_pln"]), amount=str(row["city_part_pln"]))
    if not reason:
        errors = Errors()
        errors.add("over_budget_reason", "error.required")
        errors.raise_if_any()
    marker = f"[ponad budżet {overrun['year']}: {overrun['after_pln']} > {overrun['budget_pln']} zł] {reason}"
    return f"{note}\n{marker}" if note else marker


def _apply(cur, actor: Actor, row: dict, to_stage: str, sets: dict, note: str | None, now: datetime) -> None:
    """Write the new stage, its data and the history row; audit before/after of what changed."""
    columns = list(sets)
    cur.execute("update initiative set stage = ?, stage_since = ?, updated_at = ?"
                + "".join(", " + c + " = ?" for c in columns) + " where id = ?",
                [to_stage, now, clock.utc_now(), *[sets[c] for c in columns], row["id"]])
    cur.execute("insert into initiative_history (initiative_id, from_stage, to_stage, at_local, username, note) "
                "values (?, ?, ?, ?, ?, ?)", [row["id"], row["stage"], to_stage, now, actor.username, note])
    before = {"stage": row["stage"], **{c: row[c] for c in columns}}
    audit.record(cur, actor.username, "move", "initiative", row["id"], before,
                 {"stage": to_stage, **sets, "note": note})


def timeline(db: Database, actor: Actor, initiative_id: int) -> pd.DataFrame:
    """Every move of one initiative, oldest first: from, to, when (Warsaw), who, note."""
    require(actor, "read")
    return db.query("select h.id, h.from_stage, h.to_stage, h.at_local, h.username, h.note, s.name_pl, s.name_en "
                    "from initiative_history h join initiative_stage s on s.code = h.to_stage "
                    "where h.initiative_id = ? order by h.at_local, h.id", [int(initiative_id)])


def budget(db: Database, actor: Actor, year: int) -> dict[str, Decimal]:
    """The year's budget, committed (accepted and later) and spent (settled), by year of acceptance.

    Committed and spent in one pass over the year's initiatives (the list page reads them on every rerun).
    """
    require(actor, "read")
    total = Decimal(str(app_settings.get_setting(db, BUDGET_SETTING)))
    used, spent = (Decimal(v) for v in db.one(
        "select " + _COMMITTED_SUM + ", coalesce(sum(city_part_pln) filter (where stage = 'settled'), 0) "
        "from initiative where year(accepted_on) = ?", [*COMMITTED, int(year)]))
    return {"budget_pln": total, "committed_pln": used, "spent_pln": spent, "left_pln": total - used}
