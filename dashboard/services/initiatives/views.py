"""Read models of local initiatives for the pages: the pipeline, the filtered list, per osiedle, one card.

Aggregation happens in SQL so the pages get small frames even at city scale (thousands of rows).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.core import clock
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings
from dashboard.services.initiatives import extras as initiative_extras
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from db.connection import Database

STUCK_SETTING = "initiative_stuck_days"
_RESIDENTS = "(round(i.social_work_hours * i.social_work_rate_pln, 2) + i.in_kind_pln + i.money_pln)"


def pipeline(db: Database, actor: Actor, per_stage: int | None = None) -> dict[str, pd.DataFrame]:
    """Counts per stage (every stage, zeros too) and the open items with days in their stage.

    ``stuck`` flags an open item that has waited longer than the setting initiative_stuck_days,
    so the Centre can chase the city unit or the applicants; ``counts`` also says how many are
    stuck per stage. With ``per_stage`` the items are only the most recent arrivals of each
    stage (the board shows a few cards per column; its counts stay whole).
    """
    require(actor, "read")
    stuck_days = int(app_settings.get_setting(db, STUCK_SETTING))
    today = clock.today()
    counts = db.query("select s.code as stage, s.name_pl, s.name_en, s.closed, count(i.id) as count, "
                      "count(i.id) filter (where not s.closed and date_diff('day', i.stage_since::date, ?::date) > ?) "
                      "as stuck from initiative_stage s left join initiative i on i.stage = s.code "
                      "group by all order by min(s.sort)", [today, stuck_days])
    limit = "qualify row_number() over (partition by i.stage order by i.stage_since desc, i.id desc) <= ? " \
        if per_stage else ""
    items = db.query("select i.id, i.title, i.stage, o.name as osiedle, i.stage_since, "
                     "date_diff('day', i.stage_since::date, ?::date) as days_in_stage from initiative i "
                     "join initiative_stage s on s.code = i.stage join osiedle o on o.id = i.osiedle_id "
                     "where not s.closed " + limit + "order by s.sort, i.stage_since",
                     [today, *([int(per_stage)] if per_stage else [])])
    items["stuck"] = items["days_in_stage"] > stuck_days
    return {"counts": counts, "items": items, "stuck_days": stuck_days}


def list_initiatives(db: Database, actor: Actor, *, stage: str | None = None, osiedle_id: int | None = None,
                     sphere: str | None = None, year: int | None = None, text: str | None = None,
                     stuck_only: bool = False, limit: int = 5000) -> pd.DataFrame:
    """Initiatives matching the filters (year: of submission), newest first, with their money.

    ``text`` is found anywhere in the title, the applicant (organisation or leader) or the
    agreement number, case-insensitively and literally (no wildcards); ``stuck_only`` keeps the
    open ones waiting in their stage longer than the setting initiative_stuck_days.
    """
    require(actor, "read")
    today = clock.today()
    where, params = ["true"], [today]
    for column, value in (("i.stage", stage), ("i.osiedle_id", osiedle_id), ("i.sphere", sphere)):
        if value not in (None, ""):
            where.append(column + " = ?")
            params.append(value)
    if year:
        where.append("year(i.submitted_on) = ?")
        params.append(int(year))
    needle = (text or "").strip().lower()
    if needle:
        where.append("strpos(lower(concat_ws(' ', i.title, g.name, i.leader_name, i.agreement_number)), ?) > 0")
        params.append(needle)
    if stuck_only:
        where.append("not st.closed and date_diff('day', i.stage_since::date, ?::date) > ?")
        params += [today, int(app_settings.get_setting(db, STUCK_SETTING))]
    params.append(int(limit))
    return db.query(
        "select i.id, i.title, i.stage, i.sphere, s.name_pl as sphere_pl, s.name_en as sphere_en, i.osiedle_id, "
        "o.name as osiedle, i.submitted_on, i.accepted_on, i.stage_since, "
        "date_diff('day', i.stage_since::date, ?::date) as days_in_stage, i.supporters, i.city_part_pln, "
        + _RESIDENTS + " as residents_pln, coalesce(g.name, i.leader_name) as applicant "
        "from initiative i join initiative_sphere s on s.code = i.sphere join osiedle o on o.id = i.osiedle_id "
        "join initiative_stage st on st.code = i.stage "
        "left join organisation g on g.id = i.organisation_id where " + " and ".join(where)
        + " order by i.submitted_on desc, i.id desc limit ?", params)


def years(db: Database, actor: Actor) -> list[int]:
    """The years initiatives were submitted in, newest first, with the current year always offered."""
    require(actor, "read")
    found = {int(r[0]) for r in db.rows("select distinct year(submitted_on) from initiative")}
    return sorted(found | {clock.today().year}, reverse=True)


def per_osiedle(db: Database, actor: Actor, year: int | None = None, on: date | None = None) -> pd.DataFrame:
    """Every osiedle valid on ``on`` (all 36 today, zeros included): initiatives, residents' contribution, city spend.

    Withdrawn and rejected initiatives are counted but add no money; city_committed is the city
    part of accepted and later, city_spent of settled ones.
    """
    require(actor, "read")
    on = on or clock.today()
    year_filter = "and year(i.submitted_on) = ?" if year else ""
    params = [int(year)] if year else []
    return db.query(
        "select o.id as osiedle_id, o.name as osiedle, o.district, count(i.id) as initiatives, "
        "coalesce(sum(case when i.stage not in ('rejected', 'withdrawn') then " + _RESIDENTS + " end), 0) "
        "as residents_pln, coalesce(sum(case when i.stage in (?, ?, ?, ?, ?) then i.city_part_pln end), 0) "
        "as city_committed_pln, coalesce(sum(case when i.stage = 'settled' then i.city_part_pln end), 0) "
        "as city_spent_pln from osiedle o left join initiative i on i.osiedle_id = o.id " + year_filter
        + " where o.valid_from <= ? and (o.valid_to is null or o.valid_to >= ?) group by all order by o.id",
        [*initiative_stages.COMMITTED, *params, on, on])


def get_initiative(db: Database, actor: Actor, initiative_id: int) -> dict:
    """One initiative's card: its data, money totals, timeline, allowed moves, checklist, scores, support."""
    row = initiatives.get_row(db, actor, initiative_id)
    return {**row, "money": initiatives.money_totals(row),
            "timeline": initiative_stages.timeline(db, actor, row["id"]),
            "allowed_moves": initiative_stages.allowed_moves(db, row["stage"]),
            "checklist": initiative_extras.checklist(db, actor, row["id"]),
            "scores": initiative_extras.scores(db, actor, row["id"]),
            "support": initiative_extras.support_log(db, actor, row["id"])}
