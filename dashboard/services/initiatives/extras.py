"""Around an initiative: the review team's advisory scores, the support log and the documents checklist.

The score is advisory by design: councils set criteria, not cut-offs (a voivode annulled a
"below 20 points = rejected" rule), so nothing here reads or changes the stage.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.errors import Errors
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.initiatives.records import fetch
from db.connection import Database


# -- advisory scoring ------------------------------------------------------------------------
def criteria(db: Database) -> list[dict]:
    """Active criteria with weights and the top of their scale, the heaviest (social work) first."""
    return db.dicts("select code, name_pl, name_en, weight, max_points from initiative_criterion "
                    "where active order by sort")


def score(db: Database, actor: Actor, initiative_id: int, points: dict[str, int], reviewer: str | None = None) -> None:
    """Store one reviewer's points (0..max per criterion); the stage is never touched."""
    require(actor, "write")
    known = {c["code"]: c["max_points"] for c in criteria(db)}
    errors, clean = Errors(), {}
    try:
        who = validators.clean_text(reviewer, 120) if isinstance(reviewer, str) else None
    except validators.InvalidValue as exc:
        who = None
        errors.add("reviewer", exc.key, **exc.params)
    for code, value in (points or {}).items():
        if code not in known:
            errors.add(str(code), "error.criterion_unknown")
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= known[code]:
            errors.add(code, "error.points_range", max=known[code])
        else:
            clean[code] = value
    if not points:
        errors.add("points", "error.required")
    errors.raise_if_any()
    who, now = who or actor.username, clock.local_now()

    def work(cur):
        row = fetch(cur, initiative_id)
        for code, value in clean.items():
            cur.execute("insert into initiative_score (initiative_id, reviewer, criterion, points, scored_at) "
                        "values (?, ?, ?, ?, ?) on conflict (initiative_id, reviewer, criterion) "
                        "do update set points = excluded.points, scored_at = excluded.scored_at",
                        [row["id"], who, code, value, now])
        audit.record(cur, actor.username, "score", "initiative", row["id"], None, {"reviewer": who, **clean})

    db.write(work)


def scores(db: Database, actor: Actor, initiative_id: int) -> dict:
    """Points per reviewer and criterion, each reviewer's weighted total (0–100) and their mean,
    and the active criteria they were given against (the card's grid shows them, so it need not read them again).

    A reviewer's total is Σ weight × points / max over the criteria they scored, divided by
    the sum of all active weights: unscored criteria count as 0, so a half-done card cannot
    look better than a finished one.
    """
    require(actor, "read")
    active = criteria(db)
    crit = {c["code"]: c for c in active}
    weights = sum((Decimal(c["weight"]) for c in crit.values()), Decimal(0))
    frame = db.query("select reviewer, criterion, points from initiative_score where initiative_id = ? "
                     "order by reviewer, criterion", [int(initiative_id)])
    totals = {}
    for reviewer, group in frame.groupby("reviewer"):
        part = sum((Decimal(crit[c]["weight"]) * int(p) / crit[c]["max_points"]
                    for c, p in zip(group["criterion"], group["points"]) if c in crit), Decimal(0))
        totals[reviewer] = (part * 100 / weights).quantize(Decimal("0.01")) if weights else Decimal(0)
    mean = (sum(totals.values(), Decimal(0)) / len(totals)).quantize(Decimal("0.01")) if totals else None
    return {"points": frame, "by_reviewer": totals, "advisory_total": mean, "criteria": active}


# -- support log -----------------------------------------------------------------------------
def add_support(db: Database, actor: Actor, initiative_id: int, data: dict) -> int:
    """Record a meeting or advice the Centre gave the applicants (date, advisor, topic, outcome)."""
    require(actor, "write")
    errors, clean = Errors(), {}
    for field, limit, required in (("advisor", 120, True), ("topic", 500, True), ("outcome", 2000, False)):
        try:
            clean[field] = validators.clean_text(data.get(field), limit, required=required)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)
    held = data.get("held_on")
    if not isinstance(held, date) or isinstance(held, datetime):
        errors.add("held_on", "error.date_format")
    elif held > clock.today():
        errors.add("held_on", "error.date_range")
    errors.raise_if_any()

    def work(cur):
        row = fetch(cur, initiative_id)
        cur.execute("insert into initiative_support (initiative_id, held_on, advisor, topic, outcome, created_at, "
                    "created_by) values (?, ?, ?, ?, ?, ?, ?) returning id",
                    [row["id"], held, clean["advisor"], clean["topic"], clean["outcome"], clock.utc_now(),
                     actor.username])
        new_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "initiative_support", new_id, None,
                     {"initiative_id": row["id"], "held_on": held, **clean})
        return new_id

    return db.write(work)


def support_log(db: Database, actor: Actor, initiative_id: int) -> pd.DataFrame:
    require(actor, "read")
    return db.query("select id, held_on, advisor, topic, outcome from initiative_support where initiative_id = ? "
                    "order by held_on, id", [int(initiative_id)])


# -- documents checklist ---------------------------------------------------------------------
def set_document(db: Database, actor: Actor, initiative_id: int, kind: str, status: str,
                 received_on: date | None = None, note: str | None = None) -> None:
    """Mark one document received (with its date), missing, or not needed (only optional ones: a permit)."""
    require(actor, "write")
    kinds = {r[0]: r[1] for r in db.rows("select code, optional from initiative_document_kind")}
    errors = Errors()
    if kind not in kinds:
        errors.add("kind", "error.document_kind_unknown")
    if status not in ("received", "missing", "not_needed") or (status == "not_needed" and not kinds.get(kind)):
        errors.add("status", "error.status_invalid")
    if status == "received" and (not isinstance(received_on, date) or received_on > clock.today()):
        errors.add("received_on", "error.date_format" if not isinstance(received_on, date) else "error.date_range")
    try:
        note = validators.clean_text(note, 1000)
    except validators.InvalidValue as exc:
        errors.add("note", exc.key, **exc.params)
    errors.raise_if_any()
    day = received_on if status == "received" else None

    def work(cur):
        row = fetch(cur, initiative_id)
        cur.execute("insert into initiative_document (initiative_id, kind, status, received_on, note, updated_at, "
                    "updated_by) values (?, ?, ?, ?, ?, ?, ?) on conflict (initiative_id, kind) do update set "
                    "status = excluded.status, received_on = excluded.received_on, note = excluded.note, "
                    "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    [row["id"], kind, status, day, note, clock.utc_now(), actor.username])
        audit.record(cur, actor.username, "update", "initiative_document", f"{row['id']}/{kind}", None,
                     {"status": status, "received_on": day, "note": note})

    db.write(work)


def checklist(db: Database, actor: Actor, initiative_id: int) -> pd.DataFrame:
    """Every document kind for one initiative: received (with date), not needed, or missing."""
    require(actor, "read")
    return db.query("select k.code as kind, k.name_pl, k.name_en, coalesce(d.status, 'missing') as status, "
                    "d.received_on, d.note from initiative_document_kind k left join initiative_document d "
                    "on d.kind = k.code and d.initiative_id = ? order by k.sort", [int(initiative_id)])
