"""The pilot's budget: the plan by cost category and funding source, the actual costs, and the two compared.

The plan is per budget year (an admin edits it); staff record actual costs from accounting documents.
Volunteer work is the own personal contribution (wkład osobowy): it is not typed in as costs but valued
from the volunteer register (approved hours × the configured hourly rate), so the budget and the
register can never disagree. Amounts are PLN with two decimals (Decimal in, float out to frames).
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_date
from dashboard.core.errors import Errors, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings, audit
from dashboard.services.reporting import indicators, utilisation
from dashboard.services.volunteers import work as volunteer_work
from db.connection import Database

DEFAULT_PILOT = (date(2026, 7, 1), date(2026, 12, 31))
MAX_AMOUNT = Decimal("10000000")  # 10 million PLN: far above any line of a 100,000 PLN task, catches typos
# Where the register's volunteer valuation lands in the plan-vs-actual table.
VOLUNTEER_CATEGORY = indicators.VOLUNTEER_CATEGORY
COST_FIELDS = ("spent_on", "category_code", "source_code", "amount_pln", "description", "document_no")


# -- reference data ---------------------------------------------------------------------------------------------
def categories(db: Database) -> pd.DataFrame:
    return db.query("select code, sort, name_pl, name_en from budget_category order by sort")


def sources(db: Database) -> pd.DataFrame:
    return db.query("select code, sort, name_pl, name_en, kind, from_register from budget_source order by sort")


def pilot_period(db: Database) -> tuple[date, date]:
    """The pilot's dates (settings pilot_start / pilot_end, data like everything else)."""
    start = app_settings.get_setting(db, "pilot_start", DEFAULT_PILOT[0].isoformat())
    end = app_settings.get_setting(db, "pilot_end", DEFAULT_PILOT[1].isoformat())
    try:
        return date.fromisoformat(str(start)), date.fromisoformat(str(end))
    except ValueError:
        return DEFAULT_PILOT


def parse_amount(value: Any) -> Decimal | None:
    """A number, or a text as people type it ("1 250,50", "1250.5"); None when it is no finite number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    text = str(value).strip().replace("\xa0", "").replace(" ", "").replace("zł", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


# -- the plan -----------------------------------------------------------------------------------------------------
def plan_years(db: Database) -> list[int]:
    return [int(r[0]) for r in db.rows("select distinct year from budget_plan order by 1")]


def plan(db: Database, actor: Actor, year: int) -> pd.DataFrame:
    """Every category × source of a year (zeros included), with the planned amount."""
    require(actor, "read")
    return db.query(
        "select c.code as category_code, s.code as source_code, coalesce(p.amount_pln, 0)::double as amount_pln "
        "from budget_category c cross join budget_source s left join budget_plan p on p.category_code = c.code "
        "and p.source_code = s.code and p.year = ? order by c.sort, s.sort", [int(year)])


def set_plan(db: Database, actor: Actor, year: Any, amounts: dict[tuple[str, str], Any]) -> int:
    """Replace a year's planned amounts (admin): {(category, source): amount ≥ 0}; all or nothing, audited.

    A cell not given keeps its amount; 0 removes the line. Returns how many lines changed.
    """
    require(actor, "settings")
    errors, clean = Errors(), {}
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("year", "report.error.plan_year")
        errors.raise_if_any()
    known_categories = set(categories(db)["code"])
    known_sources = set(sources(db)["code"])
    for (category, source), value in amounts.items():
        field = f"{category}.{source}"
        if category not in known_categories:
            errors.add(field, "report.error.category_unknown")
        elif source not in known_sources:
            errors.add(field, "report.error.source_unknown")
        else:
            amount = parse_amount(value if value not in (None, "") else 0)
            if amount is None or amount < 0 or amount > MAX_AMOUNT:
                errors.add(field, "report.error.plan_amount")
            else:
                clean[(category, source)] = amount.quantize(Decimal("0.01"))
    errors.raise_if_any()

    def work(cur):
        cur.execute("select category_code, source_code, amount_pln from budget_plan where year = ?", [year])
        before = {(c, s): a for c, s, a in cur.fetchall()}
        changes_before, changes_after = {}, {}
        for (category, source), amount in clean.items():
            old = before.get((category, source), Decimal("0.00"))
            if old == amount:
                continue
            cur.execute("delete from budget_plan where year = ? and category_code = ? and source_code = ?",
                        [year, category, source])
            if amount > 0:
                cur.execute("insert into budget_plan (year, category_code, source_code, amount_pln) "
                            "values (?, ?, ?, ?)", [year, category, source, amount])
            changes_before[f"{category}.{source}"], changes_after[f"{category}.{source}"] = old, amount
        if changes_after:
            audit.record(cur, actor.username, "update", "budget_plan", year, changes_before, changes_after)
        return len(changes_after)

    return db.write(work)


# -- actual costs ---------------------------------------------------------------------------------------------------
def _validate_cost(db: Database, data: dict) -> dict:
    errors, clean = Errors(), {}
    spent_on = as_date(data.get("spent_on"))
    if spent_on is None:
        errors.add("spent_on", "error.required" if data.get("spent_on") in (None, "") else "error.date_format")
    else:
        start, end = pilot_period(db)
        if not start <= spent_on <= end:
            errors.add("spent_on", "report.error.cost_outside_period", start=start.strftime("%d.%m.%Y"),
                       end=end.strftime("%d.%m.%Y"))
    clean["spent_on"] = spent_on
    category = data.get("category_code")
    if category in (None, ""):
        errors.add("category_code", "error.required")
    elif category not in set(categories(db)["code"]):
        errors.add("category_code", "report.error.category_unknown")
    clean["category_code"] = category
    source = data.get("source_code")
    known = sources(db).set_index("code")
    if source in (None, ""):
        errors.add("source_code", "error.required")
    elif source not in known.index:
        errors.add("source_code", "report.error.source_unknown")
    elif bool(known.loc[source, "from_register"]):
        errors.add("source_code", "report.error.source_from_register")
    clean["source_code"] = source
    amount = parse_amount(data.get("amount_pln"))
    if amount is None:
        errors.add("amount_pln", "error.required" if data.get("amount_pln") in (None, "") else "report.error.amount")
    elif amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors.add("amount_pln", "report.error.amount")
    else:
        clean["amount_pln"] = amount.quantize(Decimal("0.01"))
    for name, length, required in (("description", 500, True), ("document_no", 60, False)):
        try:
            clean[name] = validators.clean_text(data.get(name), length, required)
        except validators.InvalidValue as exc:
            errors.add(name, exc.key, **exc.params)
    errors.raise_if_any()
    return clean


def _cost_row(cur, cost_id: Any) -> dict:
    try:
        number = int(cost_id)
    except (TypeError, ValueError):
        number = -1
    cur.execute("select * from budget_cost where id = ?", [number])
    row = cur.fetchone()
    if row is None:
        raise NotFound("report.error.cost_not_found", id=cost_id)
    return dict(zip([d[0] for d in cur.description], row))


def add_cost(db: Database, actor: Actor, data: dict) -> int:
    """Record one actual cost (staff); refused whole when any field is wrong."""
    require(actor, "write")
    clean = _validate_cost(db, data)

    def work(cur):
        now = clock.utc_now()
        cur.execute("insert into budget_cost (spent_on, category_code, source_code, amount_pln, description, "
                    "document_no, created_at, created_by, updated_at, updated_by) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
                    [*(clean[f] for f in COST_FIELDS), now, actor.username, now, actor.username])
        cost_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "budget_cost", cost_id, None, clean)
        return cost_id

    return db.write(work)


def update_cost(db: Database, actor: Actor, cost_id: Any, data: dict) -> None:
    require(actor, "write")
    clean = _validate_cost(db, data)

    def work(cur):
        row = _cost_row(cur, cost_id)
        before, after = audit.changed({f: row[f] for f in COST_FIELDS}, clean)
        if not after:
            return
        cur.execute("update budget_cost set spent_on = ?, category_code = ?, source_code = ?, amount_pln = ?, "
                    "description = ?, document_no = ?, updated_at = ?, updated_by = ? where id = ?",
                    [*(clean[f] for f in COST_FIELDS), clock.utc_now(), actor.username, row["id"]])
        audit.record(cur, actor.username, "update", "budget_cost", row["id"], before, after)

    db.write(work)


def delete_cost(db: Database, actor: Actor, cost_id: Any) -> None:
    """Remove a cost entered by mistake; the audit row keeps what it was."""
    require(actor, "write")

    def work(cur):
        row = _cost_row(cur, cost_id)
        cur.execute("delete from budget_cost where id = ?", [row["id"]])
        audit.record(cur, actor.username, "delete", "budget_cost", row["id"], {f: row[f] for f in COST_FIELDS}, None)

    db.write(work)


def get_cost(db: Database, actor: Actor, cost_id: Any) -> dict:
    require(actor, "read")
    with db.transaction() as cur:
        row = _cost_row(cur, cost_id)
    row["amount_pln"] = float(row["amount_pln"])
    return row


def costs(db: Database, actor: Actor, date_from: date, date_to: date, *, category: str | None = None,
          source: str | None = None) -> pd.DataFrame:
    """Costs dated in the period, newest first."""
    require(actor, "read")
    return db.query(
        "select id, spent_on, category_code, source_code, amount_pln::double as amount_pln, description, document_no, "
        "created_by, updated_at from budget_cost where spent_on between ? and ? "
        "and (?::varchar is null or category_code = ?) and (?::varchar is null or source_code = ?) "
        "order by spent_on desc, id desc", [date_from, date_to, category, category, source, source])


# -- plan against actual ---------------------------------------------------------------------------------------------
def volunteer_valuation(db: Database, actor: Actor, date_from: date, date_to: date) -> dict:
    """Approved volunteer hours worked in the period (up to today) on the Centre's own opportunities, at the
    configured rate: the catalogue's volunteer_hours_centre, volunteers_centre and volunteer_value_centre.

    Only the Centre's own opportunities are the operator's personal contribution to the public task; hours
    volunteers give to an organisation or a local initiative through the register are those hosts' contribution
    (the pilot report shows them by host, and the catalogue counts them all as volunteer_hours_register).
    """
    require(actor, "read")
    rate = volunteer_work.hourly_rate(db)
    if not utilisation.area_available(db, "volunteers"):
        return {"hours": 0.0, "rate": rate, "value_pln": 0.0, "volunteers": 0}
    v = indicators.values(db, actor, date_from, date_to,
                          ("volunteer_hours_centre", "volunteers_centre", "volunteer_value_centre"))
    return {"hours": float(v["volunteer_hours_centre"]), "rate": rate,
            "value_pln": float(v["volunteer_value_centre"]), "volunteers": int(v["volunteers_centre"])}


# The budget page's figures: indicator ids of the catalogue, in the order shown.
PAGE_INDICATORS = ("budget_planned", "budget_actual", "grant_actual", "volunteer_value_centre")
# What the page's captions say in words (the plan's and the costs' structure).
CAPTION_INDICATORS = ("grant_share_planned", "own_share_planned", "grant_share_actual", "grant_used_share",
                      "volunteer_hours_centre")


def plan_vs_actual(db: Database, actor: Actor, date_from: date, date_to: date) -> pd.DataFrame:
    """Per category × source with a plan or a cost: planned (the whole budget years the period touches), actual
    (costs dated in the period; volunteer work from the register) and what is left — the catalogue's budget lines
    (``indicators.plan_vs_actual``), which the budget indicators add up.

    Columns: category_code, source_code, category_sort, source_sort, kind, planned, actual, remaining, share.
    """
    require(actor, "read")
    return indicators.plan_vs_actual(db, indicators.period(date_from, date_to))


def totals_by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """A plan-vs-actual frame summed per category_code or source_code (in the reference order)."""
    sort = "category_sort" if key == "category_code" else "source_sort"
    extra = ["kind"] if key == "source_code" else []
    out = (frame.groupby([key, sort, *extra], as_index=False)[["planned", "actual"]].sum()
           .sort_values(sort).reset_index(drop=True))
    out["remaining"] = (out["planned"] - out["actual"]).round(2)
    out["share"] = (out["actual"] / out["planned"]).where(out["planned"] > 0)
    return out


def structure(frame: pd.DataFrame) -> dict:
    """The planned and actual totals split as the open call judges them: the grant's share of the total cost,
    own contribution, and of it the non-financial part (personal + in kind)."""
    out = {}
    for column in ("planned", "actual"):
        total = float(frame[column].sum())
        grant = float(frame.loc[frame["kind"] == "grant", column].sum())
        non_financial = float(frame.loc[frame["kind"].isin(["personal", "in_kind"]), column].sum())
        out[column] = {"total": round(total, 2), "grant": round(grant, 2), "own": round(total - grant, 2),
                       "non_financial": round(non_financial, 2),
                       "grant_share": grant / total if total else None,
                       "own_share": (total - grant) / total if total else None}
    return out

