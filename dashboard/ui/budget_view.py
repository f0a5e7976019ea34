"""The budget page's reference lists, tables and chart (``pages/budget.py``), prepared once per data and drawn on
every rerun.

At city scale a rerun of the page read the categories, sources, pilot dates and the period's costs again,
formatted every amount, summed the plan per source and built the Altair chart (its spec validated): ~55 ms of a
~60 ms script, the same on every rerun until the data change (a new audit stamp), or the person picks another
period or language. So each is made once under that key (``cached.Reader.view``, handed out as is: the page
only reads them).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.core.i18n import fmt_number, t
from dashboard.services.reporting import budget
from dashboard.ui import cached, cells, charts
from dashboard.ui import widgets as ui

SOURCE_COLUMNS = {"source": "report.col.source", "planned_text": "report.col.planned",
                  "actual_text": "report.col.actual", "remaining_text": "report.col.remaining", "used": "report.col.used"}
COST_COLUMNS = {"spent_on_text": "report.cost.spent_on", "category": "report.cost.category",
                "source": "report.cost.source", "amount": "report.cost.amount", "description": "report.cost.description",
                "document_no": "report.cost.document_no"}


def pct(value) -> str:
    return "—" if value is None or value != value else fmt_number(value * 100, digits=1) + " %"


def references(reader: cached.Reader, lang: str) -> dict:
    """{"pilot": (start, end), "categories", "sources": frames in their order, "category_names",
    "source_names": code → name in ``lang``, "typed_sources": the codes of sources typed in (not from a register)}."""

    def build() -> dict:
        categories, sources = budget.categories(reader.db), budget.sources(reader.db)
        name = "name_pl" if lang == "pl" else "name_en"
        return {"pilot": budget.pilot_period(reader.db), "categories": categories, "sources": sources,
                "category_names": dict(zip(categories["code"], categories[name])),
                "source_names": dict(zip(sources["code"], sources[name])),
                "typed_sources": [c for c, register in zip(sources["code"], sources["from_register"]) if not register]}

    return reader.view("budget_references", (lang,), build)


def plan_vs_actual(reader: cached.Reader, refs: dict, date_from: date, date_to: date, lang: str) -> dict:
    """{"frame": plan vs actual per category and source, "by_source": its sums per source, "sources": those as the
    table shown, "lines": every category × source as the details table, "chart": the chart's Vega-Lite spec
    (None when there is nothing)}."""

    def build() -> dict:
        frame = reader(budget.plan_vs_actual, date_from, date_to)
        by_source = budget.totals_by(frame, "source_code")
        names, category_names = refs["source_names"], refs["category_names"]
        out = {"frame": frame, "by_source": by_source, "sources": None, "lines": None, "chart": None}
        if frame.empty:
            return out
        out["sources"] = by_source.assign(
            source=by_source["source_code"].map(names), planned_text=cells.money(by_source["planned"], lang),
            actual_text=cells.money(by_source["actual"], lang), remaining_text=cells.money(by_source["remaining"], lang),
            used=by_source["share"].map(pct))
        out["lines"] = frame.assign(
            category=frame["category_code"].map(category_names), source=frame["source_code"].map(names),
            planned_text=cells.money(frame["planned"], lang), actual_text=cells.money(frame["actual"], lang),
            remaining_text=cells.money(frame["remaining"], lang), used=frame["share"].map(pct))
        measures = [t("report.budget.measure_plan"), t("report.budget.measure_actual")]
        long = pd.concat([
            pd.DataFrame({"category": frame["category_code"].map(category_names),
                          "source": frame["source_code"].map(names), "measure": label, "amount": frame[column],
                          "source_order": frame["source_sort"]})
            for label, column in zip(measures, ("planned", "actual"))], ignore_index=True)
        long = long[long["amount"] > 0]
        labels = {"amount": t("report.budget.amount_axis"), "source": t("report.col.source"),
                  "category": t("report.col.category"), "measure": t("report.budget.measure")}
        chart = charts.budget_plan_actual(long, labels, [category_names[c] for c in refs["categories"]["code"]],
                                          [names[c] for c in refs["sources"]["code"]], measures,
                                          thousands=" " if lang == "pl" else ",")
        out["chart"] = ui.vega_lite_spec(charts.themed(chart, height=360))
        return out

    return reader.view("budget_plan_vs_actual", (date_from, date_to, lang), build)


def costs(reader: cached.Reader, refs: dict, date_from: date, date_to: date, lang: str) -> dict:
    """{"listed": the period's costs, newest first, "shown": them as the table shown}."""

    def build() -> dict:
        listed = reader(budget.costs, date_from, date_to)
        shown = listed.assign(spent_on_text=cells.dates(listed["spent_on"], lang),
                              category=listed["category_code"].map(refs["category_names"]),
                              source=listed["source_code"].map(refs["source_names"]),
                              amount=cells.money(listed["amount_pln"], lang))
        return {"listed": listed, "shown": shown}

    return reader.view("budget_costs", (date_from, date_to, lang), build)
