"""The decisions pages ask the services for (issue 15, "each rule once") say exactly what the writes enforce:
the budget preview before an acceptance, whether an initiative may still change, how a volunteer's agreement
covers accidents, and the days on which hours may be logged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dashboard.core import clock
from dashboard.core.errors import Conflict, ValidationError
from dashboard.services.admin import app_settings
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# The moves that bring a new initiative to each stage, with what each step must record.
PATH = {"review": ["formal_check", "review"], "accepted": ["formal_check", "review", "accepted"],
        "in_progress": ["formal_check", "review", "accepted", "preparation", "agreement_signed", "in_progress"],
        "settled": ["formal_check", "review", "accepted", "preparation", "agreement_signed", "in_progress", "settled"],
        "rejected": ["formal_check", "review", "rejected"], "withdrawn": ["withdrawn"]}
DETAILS = {"rejected": {"rejection_reason": "Poza art. 19b"}, "preparation": {"responsible_unit": "Zarząd Zieleni"},
           "agreement_signed": {"agreement_number": "IL/7/2026", "agreement_date": date(2026, 3, 2)}}


@pytest.fixture(autouse=True)
def _monday():
    clock.freeze(MONDAY)


def application(**overrides) -> dict:
    """A neighbours' garden as staff would type it."""
    return {"title": "Ogród sąsiedzki przy Tuwima", "sphere": "nature", "osiedle_id": 26, "applicant_kind": "group",
            "leader_name": "Jan Kowalski", "leader_email": "jan.kowalski@example.org", "supporters": 42,
            "city_part_pln": "12 000,00", "social_work_hours": 120, **overrides}


def bring_to(db, actor, stage: str, **overrides) -> int:
    new_id = initiatives.create(db, actor, application(**overrides))
    for step in PATH[stage]:
        stages.move(db, actor, new_id, step, details=DETAILS.get(step))
    return new_id


def accepted_or_refused(db, actor, initiative_id: int, accepted_on: date | None = None) -> str:
    try:
        stages.move(db, actor, initiative_id, "accepted", details={"accepted_on": accepted_on})
    except Conflict as exc:
        assert exc.message.key == "error.initiative_over_budget"
        return "refused"
    return "accepted"


# -- the budget preview before an acceptance ---------------------------------------------------------------------
@pytest.mark.parametrize("city_part,over", [("8001", True), ("8000", False), ("0,01", True), ("0", False)])
def test_the_preview_asks_for_a_confirmation_exactly_when_the_acceptance_is_refused(db, staff, admin, city_part, over):
    app_settings.set_setting(db, admin, "initiative_budget_pln", 20000)
    bring_to(db, staff, "accepted", city_part_pln=12000)
    candidate = bring_to(db, staff, "review", city_part_pln=city_part)
    if city_part in ("0,01", "0"):  # the budget already spent: only a zero-cost initiative passes
        bring_to(db, staff, "accepted", city_part_pln=8000)

    preview = stages.budget_overrun(db, staff, candidate)

    assert preview["needs_confirmation"] is over
    assert preview["year"] == 2026 and preview["budget_pln"] == Decimal("20000")
    assert preview["after_pln"] == preview["committed_pln"] + Decimal(str(city_part).replace(",", "."))
    assert preview["over_pln"] == preview["after_pln"] - preview["budget_pln"]
    assert accepted_or_refused(db, staff, candidate) == ("refused" if over else "accepted")


def test_a_zero_cost_initiative_needs_no_confirmation_even_over_the_budget(db, staff, admin):
    app_settings.set_setting(db, admin, "initiative_budget_pln", 20000)
    bring_to(db, staff, "accepted", city_part_pln=20000)
    free = bring_to(db, staff, "review", city_part_pln=0)

    preview = stages.budget_overrun(db, staff, free)

    assert preview["after_pln"] == Decimal("20000") and preview["needs_confirmation"] is False
    app_settings.set_setting(db, admin, "initiative_budget_pln", 10000)  # cut after the acceptances
    preview = stages.budget_overrun(db, staff, free)
    assert preview["over_pln"] > 0 and preview["needs_confirmation"] is False, "over, yet costs the city nothing"
    assert accepted_or_refused(db, staff, free) == "accepted"


def test_the_preview_counts_the_year_of_acceptance_not_todays(db, staff, admin):
    app_settings.set_setting(db, admin, "initiative_budget_pln", 20000)
    clock.freeze(datetime(2026, 12, 30, 9, 0, tzinfo=UTC))
    bring_to(db, staff, "accepted", city_part_pln=20000)  # the whole 2026 budget
    late = bring_to(db, staff, "review", city_part_pln=5000)
    clock.freeze(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))

    last_year = stages.budget_overrun(db, staff, late, date(2026, 12, 30))
    this_year = stages.budget_overrun(db, staff, late)

    assert (last_year["year"], last_year["committed_pln"], last_year["needs_confirmation"]) == (
        2026, Decimal("20000"), True)
    assert (this_year["year"], this_year["committed_pln"], this_year["needs_confirmation"]) == (2027, Decimal("0"), False)
    assert accepted_or_refused(db, staff, late, date(2026, 12, 30)) == "refused"
    assert accepted_or_refused(db, staff, late) == "accepted"


def test_the_preview_states_the_figures_the_refusal_gives(db, staff, admin):
    app_settings.set_setting(db, admin, "initiative_budget_pln", 20000)
    bring_to(db, staff, "accepted", city_part_pln=12000)
    candidate = bring_to(db, staff, "review", city_part_pln=8001)
    preview = stages.budget_overrun(db, staff, candidate)

    with pytest.raises(Conflict) as caught:
        stages.move(db, staff, candidate, "accepted")
    params = caught.value.message.params
    assert (params["year"], Decimal(params["budget"]), Decimal(params["committed"]), Decimal(params["amount"])) == (
        preview["year"], preview["budget_pln"], preview["committed_pln"], preview["amount_pln"])


# -- whether an initiative may still change -----------------------------------------------------------------------
@pytest.mark.parametrize("stage", sorted(PATH))
def test_an_initiative_is_editable_exactly_when_its_update_is_accepted(db, staff, coordinator, stage):
    new_id = bring_to(db, staff, stage)

    editable = stages.editable(db, staff, stage)
    try:
        initiatives.update(db, staff, new_id, application(title="Ogród przy Tuwima 2"))
        updated = True
    except Conflict as exc:
        assert exc.message.key == "initiatives.error.closed_no_edit"
        updated = False

    assert editable is updated
    assert editable is (stage not in ("settled", "rejected", "withdrawn"))
    assert stages.editable(db, coordinator, stage) is False, "the coordinator reads only"
    card = initiatives.get_row(db, staff, new_id)  # the initiative's page decides from the card it has read
    assert stages.editable_when(staff, card["stage_closed"]) is editable
    assert stages.editable_when(coordinator, card["stage_closed"]) is False


# -- how an agreement covers accidents ---------------------------------------------------------------------------
def volunteer(db, staff) -> int:
    return vol.register(db, staff, {"first_name": "Łucja", "last_name": "Żółkiewska", "email": "lucja@example.org",
                                    "birth_date": date(1990, 5, 1), "status": "active", "consent": True,
                                    "consent_on": date(2026, 1, 10)})


@pytest.mark.parametrize("days,cover,expected", [
    (30, None, "missing"), (30, "policy", "nnw"), (30, "waiver", "waived"), (31, None, "zus"), (1, None, "missing"),
])
def test_the_insurance_the_page_shows_is_the_one_activation_checks(db, staff, admin, days, cover, expected):
    vid = volunteer(db, staff)
    start = date(2026, 4, 1)
    aid = vol.add_agreement(db, staff, vid, {"scope": "Pomoc przy wydarzeniach", "starts_on": start,
                                             "ends_on": start + timedelta(days=days - 1), "form": "written",
                                             "signed_on": date(2026, 3, 1)})
    if cover == "policy":
        vol.record_insurance(db, staff, aid, "NNW/2026/7", date(2026, 3, 1))
    elif cover == "waiver":
        vol.waive_insurance(db, admin, aid, "Krótkie jednorazowe zadanie w siedzibie")
    agreement = next(a for a in vol.agreements(db, staff, vid) if a["id"] == aid)

    assert vol.insurance(agreement) == expected
    assert ("nnw_policy" in agreement["problems"]) is (expected == "missing")
    try:
        vol.activate_agreement(db, staff, aid)
        refused = set()
    except ValidationError as exc:
        refused = set(exc.errors)
    assert ("nnw_policy" in refused) is (expected == "missing")


# -- the days on which hours may be logged ----------------------------------------------------------------------
@pytest.mark.parametrize("terminated_on", [None, date(2026, 2, 20)])
def test_the_log_window_is_exactly_the_days_log_hours_accepts(db, staff, terminated_on):
    vid = volunteer(db, staff)
    aid = vol.add_agreement(db, staff, vid, {"scope": "Pomoc przy wydarzeniach", "starts_on": date(2026, 1, 1),
                                             "ends_on": date(2026, 6, 30), "form": "written",
                                             "signed_on": date(2026, 1, 1)})
    vol.record_insurance(db, staff, aid, "NNW/2026/7", date(2026, 1, 1))
    vol.activate_agreement(db, staff, aid)
    opportunity = work.create_opportunity(db, staff, {"title": "Piknik sąsiedzki", "starts_at": datetime(2026, 2, 1, 9),
                                                      "ends_at": datetime(2026, 2, 28, 17), "needed": 2})
    assignment = work.assign(db, staff, opportunity, vid)
    work.confirm(db, staff, assignment)
    if terminated_on:
        vol.terminate_agreement(db, staff, aid, terminated_on)

    row = work.volunteer_assignments(db, staff, vid, status="confirmed").set_index("id").loc[assignment]
    first, last = work.log_window(row)

    assert (first, last) == (date(2026, 2, 1), terminated_on or date(2026, 2, 28))
    for offset in range(-3, 32):
        day = date(2026, 2, 1) + timedelta(days=offset)
        try:
            work.log_hours(db, staff, assignment, {"work_date": day, "hours": 1, "description": ""})
            accepted = True
        except ValidationError as exc:
            assert set(exc.errors) == {"work_date"}
            accepted = False
        assert accepted is (first <= day <= last), day
