"""The pilot's results against their targets (the offer's "rezultaty" table).

Targets are rows of ``result_target`` (an admin edits them); each row's ``code`` is the id of the
indicator (``indicators.CATALOGUE``) the result is measured by, so the achieved figure here is the
same number every other surface shows under the same name, and "% celu" is computed one way
(``indicators.share_of_target``) for this table, the report and the Forum. A result that cannot be
measured yet (no whole week ended in the period) has no figure (None), never a zero that would read
as failure.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.core.errors import Errors, Message, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.reporting import indicators
from db.connection import Database

# Share of the target at which a result turns amber rather than red.
AMBER_FROM = 0.8
# The offer's results (migrations 0006 and 0009), each an indicator id; the targets table is the truth.
DEFAULT_CODES = ("room_hours_per_week", "evenings_per_week", "trainings_held", "participants",
                 "organisations_served", "advisory_hours", "volunteer_hours_centre")
# The column of a result's rows its figure is the mean or sum of (None: the number of rows).
ROWS_OF = {code: indicators.CATALOGUE[code].column for code in DEFAULT_CODES}


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
    """Each result's figure for the period: its indicator's value in the catalogue (weekly ones as the mean over
    the whole weeks of the period ended by now). Every figure is an aggregate of the rows ``achieved_rows``
    lists for it, so a number on the results page can always be opened and checked."""
    codes = [c for c in targets(db)["code"] if c in indicators.CATALOGUE]
    return dict(indicators.values(db, actor, date_from, date_to, codes).values)


def room_weeks(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Per whole ISO week of the period ended by now, the room open longest: its hours open, and the most
    evenings (until 20:00) any room was open — what the open call's terms (Q1, Q2) are checked on."""
    require(actor, "read")
    return indicators.room_weeks(db, indicators.period(date_from, date_to))


def achieved_rows(db: Database, actor: Actor, code: str, date_from: date, date_to: date) -> pd.DataFrame:
    """The rows a result's achieved figure was computed from (contacts as the role may see them): the rows of
    its indicator in the catalogue."""
    require(actor, "read")
    if code not in indicators.CATALOGUE:
        raise ValidationError({"code": Message("error.target_unknown")})
    return indicators.rows(db, actor, code, date_from, date_to)


def figure_from_rows(code: str, rows: pd.DataFrame) -> float | None:
    """What ``achieved_rows`` add up to: equal to the achieved figure on the page."""
    return indicators.value_from_rows(code, rows)


def light(target: float, value: float | None) -> str:
    """green when met, amber from 80 % of the target, red below; grey when not measured."""
    if value is None or value != value:
        return "none"
    if value >= target:
        return "green"
    return "amber" if target and value >= AMBER_FROM * target else "red"


def table(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """The targets with the achieved figure, its share of the target ("% celu") and the light (for a period that
    has not begun: no figures, every light grey).

    Columns: code, sort, target, per_week, achieved, share, light.
    """
    frame = targets(db)
    # A period that has not begun measures nothing yet: no figure, not a zero that would read as failure.
    values = {} if indicators.period(date_from, date_to).not_started else achieved(db, actor, date_from, date_to)
    frame["achieved"] = pd.Series([values.get(c) for c in frame["code"]], index=frame.index, dtype=object)
    frame["share"] = pd.Series([indicators.share_of_target(v, t) for v, t in zip(frame["achieved"], frame["target"])],
                               index=frame.index, dtype=object)
    frame["light"] = [light(t, v) for t, v in zip(frame["target"], frame["achieved"])]
    return frame
