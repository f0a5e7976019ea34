"""AppTest: the budget page (plan vs actual for everyone, costs entered by staff, the plan edited by an admin)
and the pilot report page (period picker, headline figures, two downloads)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from dashboard.core import clock
from dashboard.core.i18n import translate
from tests.app.conftest import DEMO_USERS, open_page_as, page_path, texts
from tests.conftest import app_as

COST_SUBMIT = "FormSubmitter:budget_cost-" + translate("pl", "report.cost.submit")
SPENT_ON = date(2026, 10, 14)  # inside the default pilot period (1.07–31.12.2026)


@pytest.fixture(autouse=True)
def _frozen_today():
    clock.freeze(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # Friday 27.11.2026, 10:00 in Łódź


def _unescape(markdown: str) -> str:
    return markdown.removeprefix(":red[").removesuffix("]").replace("\\", "")


def _fill_cost(at, amount, description: str) -> None:
    at.date_input(key="budget_cost__spent_on").set_value(SPENT_ON)
    at.selectbox(key="budget_cost__category_code").set_value("promotion")
    at.selectbox(key="budget_cost__source_code").set_value("city_grant")
    at.number_input(key="budget_cost__amount_pln").set_value(amount)
    at.text_input(key="budget_cost__document_no").input("FV/2026/10/077")
    at.text_input(key="budget_cost__description").input(description)
    at.button(key=COST_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("role", ["admin", "staff", "coordinator"])
def test_the_budget_page_renders_for_every_role(role):
    at = open_page_as(role, "budget.py")

    assert translate("pl", "page.budget") in texts(at.title)
    assert translate("pl", "report.budget.plan_vs_actual") in texts(at.subheader)
    expanders = [e.label for e in at.expander]
    assert (translate("pl", "report.cost.add") in expanders) == (role != "coordinator")
    assert (translate("pl", "report.plan.edit") in expanders) == (role == "admin")


@pytest.mark.parametrize("role", ["admin", "staff", "coordinator"])
def test_the_report_page_renders_for_every_role_with_both_downloads(role):
    at = open_page_as(role, "report.py")

    assert translate("pl", "page.report") in texts(at.title)
    labels = [b.proto.label for b in at.get("download_button")]
    assert translate("pl", "report.page.xlsx") in labels and translate("pl", "report.page.pdf") in labels
    assert translate("pl", "report.headline.organisations_served") in [m.label for m in at.metric]


def test_staff_add_a_cost_and_it_counts_in_the_actual(app_db):
    description = f"Plakaty na Dni Organizacji {uuid.uuid4().hex[:6]}"
    at = open_page_as("staff", "budget.py")

    _fill_cost(at, 1234.5, description)

    row = app_db.one("select spent_on, category_code, source_code, amount_pln, document_no, created_by "
                     "from budget_cost where description = ?", [description])
    assert row is not None
    assert (row[0], row[1], row[2], float(row[3]), row[4], row[5]) == (
        SPENT_ON, "promotion", "city_grant", 1234.5, "FV/2026/10/077", "recepcja")
    cost_id = app_db.scalar("select id from budget_cost where description = ?", [description])
    assert translate("pl", "report.cost.added", id=cost_id) in texts(at.success)


@pytest.mark.parametrize("amount", [0.0, -250.0])
def test_a_bad_amount_is_shown_under_its_field_and_nothing_is_saved(app_db, amount):
    description = f"Kwota do poprawy {uuid.uuid4().hex[:6]}"
    at = open_page_as("staff", "budget.py")

    _fill_cost(at, amount, description)

    messages = [_unescape(m.value) for m in at.markdown if m.value.startswith(":red[")]
    assert translate("pl", "report.error.amount") in messages
    assert translate("pl", "error.validation") in texts(at.error)
    assert at.text_input(key="budget_cost__description").value == description, "what the user typed stays"
    assert app_db.scalar("select count(*) from budget_cost where description = ?", [description]) == 0


def test_a_reversed_custom_period_is_refused_under_the_end_date():
    at = open_page_as("coordinator", "report.py")
    at.segmented_control(key="report_preset").set_value("custom").run()
    at.date_input(key="report_from").set_value(date(2026, 10, 31))
    at.date_input(key="report_to").set_value(date(2026, 10, 1)).run()

    assert not at.exception
    messages = [_unescape(m.value) for m in at.markdown if m.value.startswith(":red[")]
    assert translate("pl", "error.period_reversed") in messages
    assert not at.get("download_button"), "no report of a reversed period"


def test_a_period_without_data_still_offers_both_files():
    at = open_page_as("admin", "report.py")
    at.segmented_control(key="report_preset").set_value("custom").run()
    at.date_input(key="report_from").set_value(date(2031, 3, 1))
    at.date_input(key="report_to").set_value(date(2031, 3, 31)).run()

    assert not at.exception
    assert translate("pl", "report.page.no_data") in texts(at.info)
    assert len(at.get("download_button")) == 2


@pytest.mark.parametrize("page", ["budget.py", "report.py"])
def test_in_english_no_key_shows_instead_of_a_text(page):
    at = app_as(DEMO_USERS["admin"], lang="en")
    at.run()
    at.switch_page(page_path(page)).run()

    assert not at.exception
    shown = (texts(at.title) + texts(at.subheader) + texts(at.caption) + texts(at.markdown)
             + [m.label for m in at.metric] + [e.label for e in at.expander])
    assert shown and not [s for s in shown if s.startswith("report.")]
    assert "Budget" in texts(at.title) or "Pilot report" in texts(at.title)
