"""The stages of a local initiative: every allowed move, a table of forbidden ones, the fixes loop,
the checks each stage makes, the yearly budget guard, and the advisory score that never moves anything."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dashboard.core import clock
from dashboard.core.errors import Conflict, ValidationError
from dashboard.services.admin import app_settings
from dashboard.services.initiatives import extras as initiative_extras
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from tests.unit.builders import ALLOWED, DETAILS, MONDAY, bring_to
from tests.unit.builders import initiative_counts as counts

STAGES = ("submitted", "formal_check", "fixes_requested", "review", "accepted", "rejected", "preparation",
          "agreement_signed", "in_progress", "settled", "withdrawn")


@pytest.fixture(autouse=True)
def _monday():
    clock.freeze(MONDAY)


def stage_of(db, initiative_id: int) -> str:
    return db.scalar("select stage from initiative where id = ?", [initiative_id])


def test_the_allowed_moves_are_exactly_the_procedure(db):
    assert set(db.rows("select from_stage, to_stage from initiative_move")) == ALLOWED
    assert [s["code"] for s in initiative_stages.stages(db)] == list(STAGES)


@pytest.mark.parametrize("from_stage,to_stage", sorted(ALLOWED))
def test_every_allowed_move_records_who_when_and_why(db, staff, from_stage, to_stage):
    new_id = bring_to(db, staff, from_stage)
    clock.freeze(MONDAY + timedelta(days=1, hours=5))  # 15:00 in Warsaw the next day
    initiative_stages.move(db, staff, new_id, to_stage, f"krok {to_stage}", details=DETAILS.get(to_stage))

    assert stage_of(db, new_id) == to_stage
    last = initiative_stages.timeline(db, staff, new_id).iloc[-1]
    assert (last["from_stage"], last["to_stage"], last["username"], last["note"]) == (
        from_stage, to_stage, "staszek", f"krok {to_stage}")
    assert last["at_local"] == datetime(2026, 3, 3, 15, 0)
    assert db.scalar("select stage_since from initiative where id = ?", [new_id]) == datetime(2026, 3, 3, 15, 0)
    after = json.loads(db.scalar("select after from audit_log where action = 'move' order by id desc limit 1"))
    assert after["stage"] == to_stage and after["note"] == f"krok {to_stage}"


@pytest.mark.parametrize("from_stage", STAGES)
def test_every_forbidden_move_is_refused_listing_the_allowed_ones(db, staff, from_stage):
    new_id = bring_to(db, staff, from_stage)
    allowed = [to for to in STAGES if (from_stage, to) in ALLOWED]
    before = counts(db)
    for to_stage in [to for to in STAGES if (from_stage, to) not in ALLOWED] + ["nowhere"]:
        with pytest.raises(Conflict) as caught:
            initiative_stages.move(db, staff, new_id, to_stage, details=DETAILS.get(to_stage))
        assert caught.value.message.key == "error.initiative_move_forbidden"
        assert caught.value.message.params["allowed"] == (", ".join(allowed) or "—")
        assert stage_of(db, new_id) == from_stage
    assert counts(db) == before


def test_the_fixes_loop_can_turn_twice_and_needs_a_future_deadline(db, staff):
    new_id = bring_to(db, staff, "formal_check")
    for deadline, key in ((None, "error.required"), (date(2026, 3, 1), "error.deadline_past"),
                          ("jutro", "error.date_format")):
        with pytest.raises(ValidationError) as caught:
            initiative_stages.move(db, staff, new_id, "fixes_requested", details={"fixes_deadline": deadline})
        assert caught.value.errors["fixes_deadline"].key == key
    assert stage_of(db, new_id) == "formal_check"

    for deadline in (date(2026, 3, 16), date(2026, 3, 30)):
        initiative_stages.move(db, staff, new_id, "fixes_requested", "brak podpisów",
                               details={"fixes_deadline": deadline})
        assert db.scalar("select fixes_deadline from initiative where id = ?", [new_id]) == deadline
        initiative_stages.move(db, staff, new_id, "formal_check", "uzupełniono")
    initiative_stages.move(db, staff, new_id, "review")

    assert initiative_stages.timeline(db, staff, new_id)["to_stage"].tolist() == [
        "submitted", "formal_check", "fixes_requested", "formal_check", "fixes_requested", "formal_check", "review"]


def test_a_rejection_needs_a_reason_and_nothing_is_written_without_one(db, staff):
    new_id = bring_to(db, staff, "review")
    before = counts(db)
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, new_id, "rejected", "negatywnie", details={"rejection_reason": "  "})
    assert set(caught.value.errors) == {"rejection_reason"}
    assert counts(db) == before and stage_of(db, new_id) == "review"

    initiative_stages.move(db, staff, new_id, "rejected", details={"rejection_reason": "Teren nie należy do miasta"})
    assert db.scalar("select rejection_reason from initiative where id = ?", [new_id]) == "Teren nie należy do miasta"


def test_the_agreement_date_cannot_precede_the_acceptance(db, staff):
    new_id = bring_to(db, staff, "preparation")  # accepted on 2 March 2026
    before = counts(db)
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, new_id, "agreement_signed",
                               details={"agreement_number": "IL/1/2026", "agreement_date": date(2026, 3, 1)})
    assert caught.value.errors["agreement_date"].key == "error.agreement_before_acceptance"
    assert caught.value.errors["agreement_date"].params == {"accepted_on": "2026-03-02"}
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, new_id, "agreement_signed", details={})
    assert {f: m.key for f, m in caught.value.errors.items()} == {"agreement_number": "error.required",
                                                                   "agreement_date": "error.required"}
    assert counts(db) == before and stage_of(db, new_id) == "preparation"


def test_preparation_needs_the_responsible_city_unit(db, staff):
    new_id = bring_to(db, staff, "accepted")
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, new_id, "preparation", details={"cost_estimate_pln": -5})
    assert {f: m.key for f, m in caught.value.errors.items()} == {"responsible_unit": "error.required",
                                                                   "cost_estimate_pln": "error.amount_negative"}


def test_settling_needs_an_agreement(db, staff):
    """Only reachable through agreement_signed, but an imported row without one must still be refused."""
    new_id = bring_to(db, staff, "in_progress")
    db.write(lambda cur: cur.execute("update initiative set agreement_number = null where id = ?", [new_id]))
    before = counts(db)
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, new_id, "settled")
    assert caught.value.errors["agreement_number"].key == "error.settle_without_agreement"
    assert counts(db) == before and stage_of(db, new_id) == "in_progress"


def test_a_decision_or_settlement_cannot_be_dated_in_the_future(db, staff):
    review, in_progress = bring_to(db, staff, "review"), bring_to(db, staff, "in_progress")
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, review, "accepted", details={"accepted_on": date(2026, 3, 3)})
    assert caught.value.errors["accepted_on"].key == "error.date_range"
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, in_progress, "settled", details={"settled_on": date(2026, 4, 1)})
    assert caught.value.errors["settled_on"].key == "error.date_range"
    initiative_stages.move(db, staff, review, "accepted", details={"accepted_on": date(2026, 2, 27)})
    assert db.scalar("select accepted_on from initiative where id = ?", [review]) == date(2026, 2, 27)


# -- the yearly budget -------------------------------------------------------------------------
def test_accepting_over_the_budget_needs_a_confirmation_with_a_reason(db, staff, admin):
    app_settings.set_setting(db, admin, "initiative_budget_pln", 20000)
    first = bring_to(db, staff, "accepted", city_part_pln=12000)
    second = bring_to(db, staff, "review", city_part_pln=8001)
    before = counts(db)

    with pytest.raises(Conflict) as caught:
        initiative_stages.move(db, staff, second, "accepted")
    assert caught.value.message.key == "error.initiative_over_budget"
    assert caught.value.message.params == {"year": 2026, "budget": "20000.0", "committed": "12000.00",
                                           "amount": "8001.00"}
    with pytest.raises(ValidationError) as caught:
        initiative_stages.move(db, staff, second, "accepted", confirm_over_budget=True)
    assert set(caught.value.errors) == {"over_budget_reason"}
    assert counts(db) == before and stage_of(db, second) == "review"

    initiative_stages.move(db, staff, second, "accepted", "pozytywnie", confirm_over_budget=True,
                           over_budget_reason="Rada Miejska zwiększyła plan")
    note = initiative_stages.timeline(db, staff, second)["note"].iloc[-1]
    assert note.startswith("pozytywnie\n[ponad budżet 2026: 20001.00 > 20000.0 zł]")
    assert note.endswith("Rada Miejska zwiększyła plan")
    audited = json.loads(db.scalar("select after from audit_log where action = 'move' and entity_id = ? "
                                   "order by id desc limit 1", [str(second)]))
    assert "Rada Miejska zwiększyła plan" in audited["note"]
    assert initiative_stages.budget(db, staff, 2026) == {
        "budget_pln": Decimal("20000.0"), "committed_pln": Decimal("20001.00"), "spent_pln": Decimal("0"),
        "left_pln": Decimal("-1.00")}
    assert first


def test_exactly_the_budget_passes_and_rejected_or_withdrawn_ones_free_their_money(db, staff, admin):
    app_settings.set_setting(db, admin, "initiative_budget_pln", 20000)
    withdrawn = bring_to(db, staff, "accepted", city_part_pln=15000)
    initiative_stages.move(db, staff, withdrawn, "withdrawn", "grupa się rozpadła")
    bring_to(db, staff, "rejected", city_part_pln=15000)
    bring_to(db, staff, "accepted", city_part_pln=12000)
    exact = bring_to(db, staff, "accepted", city_part_pln=8000)  # 20 000 in all: not over

    assert stage_of(db, exact) == "accepted"
    assert initiative_stages.budget(db, staff, 2026)["committed_pln"] == Decimal("20000.00")


def test_once_the_budget_is_spent_only_initiatives_costing_the_city_something_need_a_confirmation(db, staff, admin):
    app_settings.set_setting(db, admin, "initiative_budget_pln", 20000)
    bring_to(db, staff, "accepted", city_part_pln=20000)
    free = bring_to(db, staff, "review", city_part_pln=0)        # residents' work and goods only
    costly = bring_to(db, staff, "review", city_part_pln="0,01")

    initiative_stages.move(db, staff, free, "accepted")
    assert stage_of(db, free) == "accepted"
    assert "ponad budżet" not in (initiative_stages.timeline(db, staff, free)["note"].iloc[-1] or "")
    with pytest.raises(Conflict):
        initiative_stages.move(db, staff, costly, "accepted")
    assert stage_of(db, costly) == "review"


def test_last_years_acceptances_do_not_count_and_settled_ones_are_spent(db, staff, admin):
    clock.freeze(datetime(2025, 12, 30, 9, 0, tzinfo=UTC))
    old = bring_to(db, staff, "settled", {"agreement_date": date(2025, 12, 30)}, city_part_pln=290000)
    clock.freeze(MONDAY)
    bring_to(db, staff, "accepted", city_part_pln=290000)

    assert initiative_stages.budget(db, staff, 2025)["spent_pln"] == Decimal("290000.00")
    assert initiative_stages.budget(db, staff, 2025)["committed_pln"] == Decimal("290000.00")  # settled is committed too
    assert initiative_stages.budget(db, staff, 2026)["committed_pln"] == Decimal("290000.00")
    assert initiative_stages.budget(db, staff, 2026)["spent_pln"] == Decimal("0")
    assert stage_of(db, old) == "settled"


# -- the advisory score -----------------------------------------------------------------------
def test_the_criteria_weigh_social_work_first_and_most(db):
    crit = initiative_extras.criteria(db)
    assert [c["code"] for c in crit] == ["social_work", "need", "strategy", "own_share", "accessibility", "supporters"]
    assert crit[0]["weight"] > max(c["weight"] for c in crit[1:])


@pytest.mark.parametrize("stage", ["submitted", "review", "accepted"])
def test_the_score_never_changes_the_stage(db, staff, stage):
    new_id = bring_to(db, staff, stage)
    history = db.scalar("select count(*) from initiative_history")
    initiative_extras.score(db, staff, new_id, dict.fromkeys(("social_work", "need", "strategy", "own_share", "accessibility", "supporters"), 0), reviewer="Anna")
    initiative_extras.score(db, staff, new_id, dict.fromkeys(("social_work", "need", "strategy", "own_share", "accessibility", "supporters"), 5), reviewer="Marek")

    assert stage_of(db, new_id) == stage
    assert db.scalar("select count(*) from initiative_history") == history
    result = initiative_extras.scores(db, staff, new_id)
    assert result["by_reviewer"] == {"Anna": Decimal("0.00"), "Marek": Decimal("100.00")}
    assert result["advisory_total"] == Decimal("50.00")


def test_the_weighted_total_on_a_fixed_example(db, staff):
    new_id = bring_to(db, staff, "review")
    initiative_extras.score(db, staff, new_id, {"social_work": 5, "need": 3})
    initiative_extras.score(db, staff, new_id, {"need": 4})  # a reviewer corrects a score: replaced, not added
    # (30 × 5/5 + 20 × 4/5) / 100 weights = 46 %
    assert initiative_extras.scores(db, staff, new_id)["by_reviewer"] == {"staszek": Decimal("46.00")}


def test_points_outside_the_scale_or_unknown_criteria_are_refused(db, staff):
    new_id = bring_to(db, staff, "review")
    with pytest.raises(ValidationError) as caught:
        initiative_extras.score(db, staff, new_id, {"social_work": 6, "need": -1, "beauty": 3, "strategy": "5"})
    assert {f: m.key for f, m in caught.value.errors.items()} == {
        "social_work": "error.points_range", "need": "error.points_range", "beauty": "error.criterion_unknown",
        "strategy": "error.points_range"}
    assert db.scalar("select count(*) from initiative_score") == 0


def test_preparation_data_can_be_corrected_while_in_preparation_only(db, staff):
    new_id = bring_to(db, staff, "preparation")
    history = db.scalar("select count(*) from initiative_history")
    initiative_stages.update_preparation(db, staff, new_id, {"responsible_unit": "Zarząd Inwestycji Miejskich",
                                                             "schedule": "czerwiec–lipiec",
                                                             "cost_estimate_pln": "12 400,50"})

    row = initiatives.get_row(db, staff, new_id)
    assert (row["responsible_unit"], row["schedule"], row["cost_estimate_pln"], row["stage"]) == (
        "Zarząd Inwestycji Miejskich", "czerwiec–lipiec", Decimal("12400.50"), "preparation")
    assert db.scalar("select count(*) from initiative_history") == history  # a correction, not a move
    audit_row = db.rows("select before::varchar, after::varchar from audit_log where action = 'update'")
    assert [tuple(json.loads(x) for x in r) for r in audit_row] == [(
        {"responsible_unit": "Zarząd Zieleni Miejskiej", "schedule": "maj–czerwiec", "cost_estimate_pln": "11800.00"},
        {"responsible_unit": "Zarząd Inwestycji Miejskich", "schedule": "czerwiec–lipiec",
         "cost_estimate_pln": "12400.50"})]


def test_a_preparation_correction_is_checked_and_refused_outside_preparation(db, staff):
    new_id = bring_to(db, staff, "preparation")
    before = counts(db)
    with pytest.raises(ValidationError) as caught:
        initiative_stages.update_preparation(db, staff, new_id, {"responsible_unit": " ", "cost_estimate_pln": "-5"})
    assert set(caught.value.errors) == {"responsible_unit", "cost_estimate_pln"}
    assert counts(db) == before
    signed = bring_to(db, staff, "agreement_signed")
    before = counts(db)
    with pytest.raises(Conflict) as refused:
        initiative_stages.update_preparation(db, staff, signed, {"responsible_unit": "ZZM"})
    assert refused.value.message.key == "initiatives.error.not_in_preparation"
    assert counts(db) == before
