"""AppTest: the budget page's closed sections (the lines of the plan, the plan editor, the new cost's form) are
drawn only once opened (issue 20: every element drawn costs the browser time on each switch to the page), and
open as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.core import clock
from dashboard.core.i18n import translate
from tests.app.conftest import open_page_as


@pytest.fixture(autouse=True)
def _frozen_today():
    clock.freeze(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # Friday 27.11.2026, 10:00 in Łódź


def _open_budget(role: str):
    return open_page_as(role, "budget.py")


def _widget_keys(at) -> set:
    return {w.key for w in (*at.selectbox, *at.text_input, *at.date_input)}


def test_the_details_table_is_drawn_once_opened_and_the_forms_always():
    """A closed "Szczegóły" costs the browser nothing on a switch to the page; the plan editor and the new cost's
    form stay drawn while closed, so what was typed into them survives closing and opening them again."""
    at = _open_budget("admin")
    labels = [e.label for e in at.expander]
    for key in ("report.budget.details", "report.plan.edit", "report.cost.add"):
        assert translate("pl", key) in labels
    tables = len(at.dataframe)
    assert {"budget_plan_year", "budget_cost__description", "budget_cost__spent_on"} <= _widget_keys(at)
    assert translate("pl", "report.plan.save") in [b.proto.label for b in at.button]

    at.session_state["budget_details_box"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe) > tables, "the plan's lines by category"
