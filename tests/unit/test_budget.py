"""The pilot's budget: the default plan, costs refused or accepted as a whole, plan against actual worked out
by hand (with volunteer work valued from the register), and who may change what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dashboard.core import clock
from dashboard.core.errors import NotFound, PermissionDenied, ValidationError
from dashboard.services.admin import app_settings
from dashboard.services.reporting import budget
from tests.unit.builders import volunteer_hours

JULY_AUGUST = (date(2026, 7, 1), date(2026, 8, 31))


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(datetime(2026, 9, 5, 10, 0, tzinfo=UTC))


def cost(**extra) -> dict:
    return {"spent_on": date(2026, 7, 31), "category_code": "coordination", "source_code": "city_grant",
            "amount_pln": 7000, "description": "Wynagrodzenie koordynatora — lipiec 2026",
            "document_no": "LP/2026/07/001", **extra}


# -- the default plan --------------------------------------------------------------------------------------------------
def test_the_default_plan_is_the_100_000_pln_grant_plus_own_contribution(db, coordinator):
    frame = budget.plan(db, coordinator, 2026)
    by_source = frame.groupby("source_code")["amount_pln"].sum()

    assert by_source["city_grant"] == 100_000
    assert by_source["own_financial"] == 6_000 and by_source["in_kind"] == 9_000
    assert by_source["volunteer_work"] == 14_000
    assert len(frame) == 6 * 4, "every category × source, zeros included"
    assert budget.plan_years(db) == [2026]


# -- costs -------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("amount", [0, -5, "abc", float("nan"), float("inf"), 12.345, 20_000_000])
def test_an_amount_that_is_not_above_zero_to_the_grosz_is_refused(db, staff, amount):
    with pytest.raises(ValidationError) as refused:
        budget.add_cost(db, staff, cost(amount_pln=amount))

    assert set(refused.value.errors) == {"amount_pln"}
    assert refused.value.errors["amount_pln"].key == "report.error.amount"
    assert db.scalar("select count(*) from budget_cost") == 0


def test_every_wrong_field_is_reported_at_once_and_nothing_is_written(db, staff):
    with pytest.raises(ValidationError) as refused:
        budget.add_cost(db, staff, {"spent_on": date(2026, 6, 30), "category_code": "catering",
                                    "source_code": "volunteer_work", "amount_pln": None, "description": "  "})

    keys = {field: message.key for field, message in refused.value.errors.items()}
    assert keys == {"spent_on": "report.error.cost_outside_period", "category_code": "report.error.category_unknown",
                    "source_code": "report.error.source_from_register", "amount_pln": "error.required",
                    "description": "error.required"}
    assert refused.value.errors["spent_on"].params == {"start": "01.07.2026", "end": "31.12.2026"}
    assert db.scalar("select count(*) from budget_cost") == 0
    assert db.scalar("select count(*) from audit_log where entity = 'budget_cost'") == 0


def test_the_pilot_period_is_data(db, admin, staff):
    app_settings.set_setting(db, admin, "pilot_end", "2027-06-30")

    budget.add_cost(db, staff, cost(spent_on=date(2027, 3, 1)))

    with pytest.raises(ValidationError) as refused:
        budget.add_cost(db, staff, cost(spent_on=date(2027, 7, 1)))
    assert refused.value.errors["spent_on"].params["end"] == "30.06.2027"


def test_amounts_typed_the_polish_way_are_read(db, staff):
    cost_id = budget.add_cost(db, staff, cost(amount_pln="1 250,50", spent_on="2026-07-31"))

    assert db.scalar("select amount_pln from budget_cost where id = ?", [cost_id]) == pytest.approx(1250.50)


def test_staff_add_correct_and_delete_a_cost_each_with_an_audit_row(db, staff):
    cost_id = budget.add_cost(db, staff, cost())
    budget.update_cost(db, staff, cost_id, cost(amount_pln=7100, document_no="LP/2026/07/002"))
    assert budget.get_cost(db, staff, cost_id)["amount_pln"] == 7100

    budget.delete_cost(db, staff, cost_id)

    assert db.scalar("select count(*) from budget_cost") == 0
    history = db.rows("select action, before, after from audit_log where entity = 'budget_cost' order by id")
    assert [h[0] for h in history] == ["create", "update", "delete"]
    assert '"amount_pln": "7000.00"' in history[1][1] and '"amount_pln": "7100.00"' in history[1][2]
    assert "Wynagrodzenie koordynatora" in history[2][1], "the deleted cost is kept in the history"
    with pytest.raises(NotFound):
        budget.update_cost(db, staff, cost_id, cost())


def test_the_coordinator_reads_but_cannot_enter_costs(db, coordinator):
    with pytest.raises(PermissionDenied):
        budget.add_cost(db, coordinator, cost())
    assert budget.costs(db, coordinator, *JULY_AUGUST).empty


# -- plan against actual -----------------------------------------------------------------------------------------------
def test_plan_against_actual_for_july_and_august_worked_out_by_hand(db, admin, staff, coordinator):
    app_settings.set_setting(db, admin, "volunteer_hourly_rate_pln", 40)
    budget.add_cost(db, staff, cost())                                                 # 7 000 grant, July
    budget.add_cost(db, staff, cost(spent_on=date(2026, 8, 31), document_no="LP/2026/08/001"))   # 7 000 grant, August
    budget.add_cost(db, staff, cost(spent_on=date(2026, 9, 30), document_no="LP/2026/09/001"))   # September: outside
    budget.add_cost(db, staff, cost(category_code="room", source_code="in_kind", amount_pln=1500,
                                    description="Udostępnienie sali (wycena)"))
    budget.add_cost(db, staff, cost(category_code="promotion", source_code="own_financial", amount_pln="240,00",
                                    spent_on=date(2026, 7, 3), description="Domena i hosting"))
    # Approved in the period: 10 + 2.5 h; pending, rejected and September hours do not count.
    clock.freeze(datetime(2026, 9, 20, 10, 0, tzinfo=UTC))
    volunteer_hours(db, staff, [(date(2026, 7, 11), 10, "approved"), (date(2026, 8, 8), 2.5, "approved"),
                                (date(2026, 8, 9), 4, "pending"), (date(2026, 8, 10), 3, "rejected"),
                                (date(2026, 9, 12), 5, "approved")])

    frame = budget.plan_vs_actual(db, coordinator, *JULY_AUGUST).set_index(["category_code", "source_code"])

    assert frame.loc[("coordination", "city_grant"), "planned"] == 42_000
    assert frame.loc[("coordination", "city_grant"), "actual"] == 14_000
    assert frame.loc[("coordination", "city_grant"), "remaining"] == 28_000
    assert frame.loc[("coordination", "city_grant"), "share"] == pytest.approx(1 / 3)
    assert frame.loc[("room", "in_kind"), "actual"] == 1_500
    assert frame.loc[("promotion", "own_financial"), "actual"] == 240
    assert frame.loc[("volunteering", "volunteer_work"), "actual"] == 500  # 12.5 h × 40 zł
    assert frame.loc[("trainers", "city_grant"), "actual"] == 0

    sources = budget.totals_by(frame.reset_index(), "source_code").set_index("source_code")
    assert sources["planned"].to_dict() == {"city_grant": 100_000, "own_financial": 6_000, "volunteer_work": 14_000,
                                            "in_kind": 9_000}
    assert sources["actual"].to_dict() == {"city_grant": 14_000, "own_financial": 240, "volunteer_work": 500,
                                           "in_kind": 1_500}
    structure = budget.structure(frame.reset_index())
    assert structure["actual"]["total"] == 16_240
    assert structure["actual"]["grant_share"] == pytest.approx(14_000 / 16_240)
    assert structure["actual"]["non_financial"] == 2_000
    assert structure["planned"]["grant_share"] == pytest.approx(100_000 / 129_000)
    assert budget.volunteer_valuation(db, coordinator, *JULY_AUGUST) == {"hours": 12.5, "rate": 40.0,
                                                                        "value_pln": 500.0, "volunteers": 1}


def test_a_period_across_two_years_takes_both_years_plans(db, admin, coordinator):
    budget.set_plan(db, admin, 2027, {("coordination", "city_grant"): 50_000})

    frame = budget.plan_vs_actual(db, coordinator, date(2026, 12, 1), date(2027, 1, 31))

    row = frame.set_index(["category_code", "source_code"]).loc[("coordination", "city_grant")]
    assert row["planned"] == 92_000 and row["actual"] == 0


# -- the plan ----------------------------------------------------------------------------------------------------------
def test_an_admin_changes_the_plan_and_zero_removes_a_line(db, admin, coordinator):
    changed = budget.set_plan(db, admin, 2026, {("promotion", "city_grant"): "5 500,00",
                                                ("promotion", "own_financial"): 0, ("trainers", "city_grant"): 30_000})

    assert changed == 2, "the unchanged trainers line is not rewritten"
    plan = budget.plan(db, coordinator, 2026).set_index(["category_code", "source_code"])["amount_pln"]
    assert plan[("promotion", "city_grant")] == 5_500 and plan[("promotion", "own_financial")] == 0
    assert db.scalar("select count(*) from budget_plan where category_code = 'promotion' and source_code = "
                     "'own_financial'") == 0
    audit_rows = db.rows("select entity_id, before, after from audit_log where entity = 'budget_plan'")
    assert len(audit_rows) == 1 and audit_rows[0][0] == "2026"


@pytest.mark.parametrize("amounts, field, key", [
    ({("promotion", "city_grant"): -1}, "promotion.city_grant", "report.error.plan_amount"),
    ({("promotion", "city_grant"): "dużo"}, "promotion.city_grant", "report.error.plan_amount"),
    ({("catering", "city_grant"): 100}, "catering.city_grant", "report.error.category_unknown"),
    ({("promotion", "lottery"): 100}, "promotion.lottery", "report.error.source_unknown"),
])
def test_a_bad_plan_line_is_refused_and_nothing_changes(db, admin, amounts, field, key):
    with pytest.raises(ValidationError) as refused:
        budget.set_plan(db, admin, 2026, {("trainers", "city_grant"): 1, **amounts})

    assert refused.value.errors[field].key == key
    assert db.scalar("select amount_pln from budget_plan where category_code = 'trainers'") == 30_000


@pytest.mark.parametrize("role", ["staff", "coordinator"])
def test_only_an_admin_edits_the_plan(db, role, staff, coordinator):
    with pytest.raises(PermissionDenied):
        budget.set_plan(db, {"staff": staff, "coordinator": coordinator}[role], 2026, {("room", "city_grant"): 1})


# -- demo data ---------------------------------------------------------------------------------------------------------------
def test_the_demo_costs_obey_the_rules_for_costs_typed_in(db, coordinator):
    from dashboard.demo import budget as demo_budget

    clock.freeze(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    demo_budget.fill(db, 20120706, 1.0)

    rows = db.dicts("select * from budget_cost")
    assert len(rows) > 30
    assert all(date(2026, 7, 1) <= r["spent_on"] <= date(2026, 11, 20) for r in rows)
    assert all(r["amount_pln"] > 0 and r["description"] and r["document_no"] for r in rows)
    assert {r["source_code"] for r in rows} == {"city_grant", "own_financial", "in_kind"}
    assert len({r["document_no"] for r in rows}) == len(rows)
    months = {r["description"] for r in rows if r["description"].startswith("Wynagrodzenie koordynatora")}
    assert len(months) == 4, "July to October are over; November's salary is not booked yet"
    grant = budget.plan_vs_actual(db, coordinator, date(2026, 7, 1), date(2026, 12, 31))
    assert 0 < grant.loc[grant["source_code"] == "city_grant", "actual"].sum() < 100_000


def test_only_hours_on_the_centres_own_opportunities_are_the_pilots_personal_contribution(db, staff, coordinator,
                                                                                           plain_organisation):
    from dashboard.services.register import organisations
    org_id = organisations.create(db, staff, plain_organisation("Fundacja Księży Młyn"))
    volunteer_hours(db, staff, [(date(2026, 7, 11), 4, "approved")])
    volunteer_hours(db, staff, [(date(2026, 7, 12), 6, "approved")], email="lucja.druga@example.org",
                    host={"host_kind": "organisation", "organisation_id": org_id})

    valued = budget.volunteer_valuation(db, coordinator, *JULY_AUGUST)

    assert valued["hours"] == 4, "the organisation's 6 h are its own contribution, not the pilot's"
    assert valued["volunteers"] == 1
