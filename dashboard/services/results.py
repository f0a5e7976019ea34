"""The pilot's results against their targets (the offer's "rezultaty" table).

Targets are rows of ``result_target`` (an admin edits them); each result's achieved figure is
computed here from the rows the other pages record. A result whose area is not built yet has
no figure (None), never a zero that would read as failure.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.errors import Errors
from dashboard.roles import Actor, require
from dashboard.services import audit, reservations, utilisation
from db.connection import Database

# Share of the target at which a result turns amber rather than red.
AMBER_FROM = 0.8


def targets(db: Database) -> pd.DataFrame:
    return db.query("select code, sort, target, per_week from result_target order by sort")


def set_targets(db: Database, actor: Actor, values: dict[str, object]) -> None:
    """Change targets (admin); each must be a number ≥ 0. All or nothing, audited."""
    require(actor, "settings")
    known = set(targets(db)["code"])
    errors, clean = Errors(), {}
    for code, value in values.items():
        if code not in known:
            errors.add(code, "error.target_unknown")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.add(code, "error.target_not_number")
            continue
        if number != number or number < 0 or number > 1e9:
            errors.add(code, "error.target_negative")
        else:
            clean[code] = number
    errors.raise_if_any()

    def work(cur):
        for code, number in clean.items():
            cur.execute("select target from result_target where code = ?", [code])
            before = cur.fetchone()[0]
            if before != number:
                cur.execute("update result_target set target = ? where code = ?", [number, code])
                audit.record(cur, actor.username, "update", "result_target", code, {"target": before},
                             {"target": number})

    db.write(work)


def achieved(db: Database, actor: Actor, date_from: date, date_to: date) -> dict[str, float | None]:
    """Each result's figure for the period (weekly ones as the mean over the rooms' weeks)."""
    require(actor, "read")
    rooms = [int(i) for i in reservations.resources(db, kind="room")["id"]]
    weeks = [reservations.compliance(db, room, date_from, date_to) for room in rooms]
    weeks = pd.concat(weeks) if weeks else pd.DataFrame()
    best_room = weeks.groupby("week_start")[["hours_open", "evenings"]].max() if not weeks.empty else None
    events = utilisation.events_summary(db, actor, date_from, date_to)
    trainings_held = db.scalar(
        "select count(*) from event e where e.event_type = 'training' and e.status in ('held', 'open', 'full', 'planned') "
        "and (select min(starts_at) from event_session s where s.event_id = e.id) between ? and ?::date + 1 "
        "and (select max(ends_at) from event_session s where s.event_id = e.id) < now()::timestamp",
        [date_from, date_to])
    return {
        "room_hours_per_week": None if best_room is None else float(best_room["hours_open"].mean()),
        "evenings_per_week": None if best_room is None else float(best_room["evenings"].mean()),
        "trainings_held": float(trainings_held or 0),
        "participants": float(events["participants"]),
        "organisations_served": float(utilisation.organisations_served(db, actor, date_from, date_to)["organisations"]),
        "advisory_hours": float(utilisation.advisory_hours(db, actor, date_from, date_to)["hours"]),
        "volunteer_hours": _volunteer_hours(db, date_from, date_to),
    }


def _volunteer_hours(db: Database, date_from: date, date_to: date) -> float | None:
    if not utilisation.area_available(db, "volunteers"):
        return None
    return float(db.scalar("select coalesce(sum(hours), 0) from volunteer_hours where status = 'approved' "
                           "and work_date between ? and ?", [date_from, date_to]) or 0)


def light(target: float, value: float | None) -> str:
    """green when met, amber from 80 % of the target, red below; grey when not measured."""
    if value is None:
        return "none"
    if value >= target:
        return "green"
    return "amber" if target and value >= AMBER_FROM * target else "red"


def table(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    frame = targets(db)
    values = achieved(db, actor, date_from, date_to)
    frame["achieved"] = frame["code"].map(values)
    frame["light"] = [light(t, v) for t, v in zip(frame["target"], frame["achieved"])]
    return frame
