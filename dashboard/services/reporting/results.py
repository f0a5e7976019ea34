"""The pilot's results against their targets (the offer's "rezultaty" table).

Targets are rows of ``result_target`` (an admin edits them); each result's achieved figure is
computed here from the rows the other pages record. A result whose area is not built yet has
no figure (None), never a zero that would read as failure.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard.core import clock
from dashboard.core.errors import Errors, Message, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.reservations import reservations
from dashboard.services.reporting import utilisation
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
    """Each result's figure for the period (weekly ones as the mean over the rooms' weeks).

    Every figure is an aggregate of the rows ``achieved_rows`` lists for it, so a number on the
    results page can always be opened and checked.
    """
    require(actor, "read")
    weeks = room_weeks(db, actor, date_from, date_to)
    return {
        "room_hours_per_week": float(weeks["hours_open"].mean()) if len(weeks) else None,
        "evenings_per_week": float(weeks["evenings"].mean()) if len(weeks) else None,
        "trainings_held": float(db.scalar("select count(*) from (" + _TRAININGS + ")",
                                          _trainings_params(date_from, date_to)) or 0),
        "participants": float(utilisation.events_summary(db, actor, date_from, date_to)["participants"]),
        "organisations_served": float(utilisation.organisations_served(db, actor, date_from, date_to)["organisations"]),
        "advisory_hours": float(utilisation.advisory_hours(db, actor, date_from, date_to)["hours"]),
        "volunteer_hours": utilisation.volunteer_hours(db, actor, date_from, date_to)["hours"],
    }


# Trainings held: training events not cancelled whose first session falls in the period and whose
# last session has ended.
_TRAININGS = (
    "select e.id, e.title, min(s.starts_at) as first_session, max(s.ends_at) as last_session_end, "
    "count(*) as sessions, e.status, (select count(*) from enrolment n where n.event_id = e.id "
    "and n.status = 'enrolled') as participants from event e join event_session s on s.event_id = e.id "
    "where e.event_type = 'training' and e.status in ('held', 'open', 'full', 'planned') group by all "
    "having min(s.starts_at) >= ? and min(s.starts_at) < ? and max(s.ends_at) < ?"
)


def _trainings_params(date_from: date, date_to: date) -> list:
    return [datetime.combine(date_from, time.min), datetime.combine(date_to + timedelta(days=1), time.min),
            clock.local_now()]


def room_weeks(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Per ISO week of the period, the room open longest: its hours open, and the most evenings
    (until 20:00) any room was open — what the open call's terms (Q1, Q2) are checked on."""
    require(actor, "read")
    rooms = reservations.resources(db, kind="room")
    frames = []
    for room in rooms.itertuples():
        weeks = reservations.compliance(db, int(room.id), date_from, date_to)
        frames.append(weeks.assign(room=room.name)[["week_start", "room", "hours_open", "evenings"]])
    if not frames or all(f.empty for f in frames):
        return pd.DataFrame(columns=["week_start", "room", "hours_open", "evenings"])
    weeks = pd.concat(frames, ignore_index=True)
    best = weeks.sort_values(["week_start", "hours_open"], ascending=[True, False], kind="stable")
    best = best.groupby("week_start", as_index=False).first()[["week_start", "room", "hours_open"]]
    best["evenings"] = best["week_start"].map(weeks.groupby("week_start")["evenings"].max())
    return best.astype({"hours_open": float, "evenings": int}).reset_index(drop=True)


ROWS_OF = {"room_hours_per_week": "hours_open", "evenings_per_week": "evenings", "trainings_held": None,
           "participants": None, "organisations_served": None, "advisory_hours": "hours", "volunteer_hours": "hours"}


def achieved_rows(db: Database, actor: Actor, code: str, date_from: date, date_to: date) -> pd.DataFrame:
    """The rows a result's achieved figure was computed from (contacts as the role may see them).

    Weekly results: the mean of the column ``ROWS_OF[code]``; hours: its sum; counts: the number of rows.
    """
    require(actor, "read")
    if code not in ROWS_OF:
        raise ValidationError({"code": Message("error.target_unknown")})
    if code in ("room_hours_per_week", "evenings_per_week"):
        return room_weeks(db, actor, date_from, date_to)
    if code == "trainings_held":
        return db.query(_TRAININGS + " order by first_session, e.id", _trainings_params(date_from, date_to))
    if code == "volunteer_hours":
        return utilisation.volunteer_rows(db, actor, date_from, date_to)
    return utilisation.kpi_rows(db, actor, code, date_from, date_to)


def figure_from_rows(code: str, rows: pd.DataFrame) -> float | None:
    """What ``achieved_rows`` add up to: equal to the achieved figure on the page."""
    column = ROWS_OF[code]
    if column is None:
        return float(len(rows))
    if code in ("room_hours_per_week", "evenings_per_week"):
        return float(rows[column].mean()) if len(rows) else None
    return float(rows[column].sum()) if len(rows) else 0.0


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
