"""Local initiatives: the application, its validation and the valuation of the residents' contribution."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from dashboard.core import clock
from dashboard.core.errors import PermissionDenied, ValidationError
from dashboard.services.admin import app_settings
from dashboard.services.initiatives import extras as initiative_extras
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from dashboard.services.initiatives import views as initiative_views
from dashboard.services.register import organisations
from tests.unit.builders import MONDAY, group_initiative
from tests.unit.builders import initiative_counts as counts


@pytest.fixture(autouse=True)
def _monday():
    clock.freeze(MONDAY)


def test_the_example_contribution_is_valued_exactly(db, staff):
    new_id = initiatives.create(db, staff, group_initiative())
    card = initiative_views.get_initiative(db, staff, new_id)

    money = card["money"]
    assert money["social_work_pln"] == Decimal("3600.00")  # 120 h × 30 zł (the default rate)
    assert money["residents_pln"] == Decimal("5600.00")    # + 1 500 in kind + 500 money
    assert money["city_pln"] == Decimal("12000.00")
    assert money["total_pln"] == Decimal("17600.00")
    assert money["own_share"] == Decimal("0.3182")
    assert card["social_work_rate_pln"] == Decimal("30.00")


def test_the_rate_comes_from_the_setting_unless_the_initiative_sets_its_own(db, staff, admin):
    app_settings.set_setting(db, admin, "initiative_social_work_rate_pln", 25.5)
    from_setting = initiatives.create(db, staff, group_initiative())
    own = initiatives.create(db, staff, group_initiative(social_work_rate_pln="40"))

    assert initiative_views.get_initiative(db, staff, from_setting)["money"]["social_work_pln"] == Decimal("3060.00")
    assert initiative_views.get_initiative(db, staff, own)["money"]["social_work_pln"] == Decimal("4800.00")


def test_a_new_application_is_normalised_and_starts_submitted_with_history(db, staff):
    new_id = initiatives.create(db, staff, group_initiative())
    row = initiatives.get_row(db, staff, new_id)

    assert row["stage"] == "submitted" and row["submitted_on"] == date(2026, 3, 2)
    assert row["leader_email"] == "jan.kowalski@example.org" and row["leader_phone"] == "+48 601 234 567"
    assert row["osiedle"] == "Śródmieście-Wschód" and row["sphere_pl"] == "Ochrona przyrody, w tym zieleń miejska i zadrzewienia"
    timeline = initiative_stages.timeline(db, staff, new_id)
    assert timeline[["to_stage", "username"]].values.tolist() == [["submitted", "staszek"]]
    assert timeline["at_local"][0] == datetime(2026, 3, 2, 10, 0)  # Warsaw wall clock


def test_an_organisation_from_the_register_may_apply(db, staff, zielona):
    org = organisations.create(db, staff, zielona)
    new_id = initiatives.create(db, staff, group_initiative(applicant_kind="organisation", organisation_id=org,
                                                             leader_name="", leader_email=""))
    row = initiatives.get_row(db, staff, new_id)
    assert row["organisation"] == "Fundacja Zielona Łódź" and row["leader_name"] is None


def test_negative_amounts_and_hours_are_refused_per_field_and_nothing_is_written(db, staff):
    with pytest.raises(ValidationError) as caught:
        initiatives.create(db, staff, group_initiative(city_part_pln=-1, social_work_hours="-120", in_kind_pln="-0.01",
                                                        money_pln=-500, social_work_rate_pln=-30))
    assert {f: m.key for f, m in caught.value.errors.items()} == {
        "city_part_pln": "error.amount_negative", "social_work_hours": "error.amount_negative",
        "in_kind_pln": "error.amount_negative", "money_pln": "error.amount_negative",
        "social_work_rate_pln": "error.amount_negative"}
    assert counts(db) == (0, 0, 0)


@pytest.mark.parametrize("bad", ["dużo", "NaN", "Infinity", True, "1e20"])
def test_amounts_that_are_not_numbers_are_refused(db, staff, bad):
    with pytest.raises(ValidationError) as caught:
        initiatives.create(db, staff, group_initiative(money_pln=bad))
    assert caught.value.errors["money_pln"].key == "error.amount_invalid"


@pytest.mark.parametrize("osiedle_id", [99, 0, None, "abc", 26.5])
def test_an_unknown_osiedle_is_refused_and_nothing_is_written(db, staff, osiedle_id):
    with pytest.raises(ValidationError) as caught:
        initiatives.create(db, staff, group_initiative(osiedle_id=osiedle_id))
    assert caught.value.errors["osiedle_id"].key == "error.osiedle_unknown"
    assert counts(db) == (0, 0, 0)


def test_an_osiedle_no_longer_valid_today_is_refused(db, staff):
    db.write(lambda cur: cur.execute("update osiedle set valid_to = date '2025-12-31' where id = 26"))
    with pytest.raises(ValidationError) as caught:
        initiatives.create(db, staff, group_initiative(osiedle_id=26))
    assert caught.value.errors["osiedle_id"].key == "error.osiedle_unknown"


def test_the_applicant_must_be_reachable_or_registered(db, staff):
    cases = [
        (group_initiative(leader_email="", leader_phone=""), {"leader_email": "error.contact_required"}),
        (group_initiative(leader_email="nie-mail", leader_phone="123"), {"leader_email": "error.email",
                                                                          "leader_phone": "error.phone"}),
        (group_initiative(leader_name=" "), {"leader_name": "error.required"}),
        (group_initiative(applicant_kind="organisation", organisation_id=12345), {"organisation_id": "error.organisation_unknown"}),
        (group_initiative(applicant_kind="ktoś"), {"applicant_kind": "error.applicant_kind"}),
    ]
    for data, expected in cases:
        with pytest.raises(ValidationError) as caught:
            initiatives.create(db, staff, data)
        assert {f: m.key for f, m in caught.value.errors.items()} == expected
    assert counts(db) == (0, 0, 0)


def test_other_fields_are_checked_too(db, staff):
    with pytest.raises(ValidationError) as caught:
        initiatives.create(db, staff, group_initiative(title="", sphere="kosmos", supporters=-3,
                                                        planned_start=date(2026, 7, 1), planned_end=date(2026, 6, 1)))
    assert {f: m.key for f, m in caught.value.errors.items()} == {
        "title": "error.required", "sphere": "error.sphere_unknown", "supporters": "error.supporters_invalid",
        "planned_end": "error.end_before_start"}


def test_the_spheres_are_the_art_19b_list_as_data(db):
    spheres = initiatives.spheres(db)
    assert len(spheres) == 11 and spheres[0]["code"] == "infrastructure"
    assert all(s["name_pl"] and s["name_en"] and s["legal_basis"].startswith("art. 19b") for s in spheres)


def test_an_update_changes_data_not_the_stage_and_audits_only_the_change(db, staff):
    new_id = initiatives.create(db, staff, group_initiative())
    initiatives.update(db, staff, new_id, group_initiative(money_pln=800))

    row = initiatives.get_row(db, staff, new_id)
    assert row["money_pln"] == Decimal("800.00") and row["stage"] == "submitted"
    assert db.rows("select action, before::varchar, after::varchar from audit_log where action = 'update'") == [
        ("update", '{"money_pln": "500.00"}', '{"money_pln": "800.00"}')]


def test_the_coordinator_cannot_write_and_sees_contact_masked(db, staff, coordinator):
    new_id = initiatives.create(db, staff, group_initiative())
    before = counts(db)
    attempts = [
        lambda: initiatives.create(db, coordinator, group_initiative()),
        lambda: initiatives.update(db, coordinator, new_id, group_initiative()),
        lambda: initiative_stages.move(db, coordinator, new_id, "formal_check"),
        lambda: initiative_extras.score(db, coordinator, new_id, {"need": 3}),
        lambda: initiative_extras.add_support(db, coordinator, new_id, {"held_on": date(2026, 3, 1), "advisor": "A",
                                                                         "topic": "B"}),
        lambda: initiative_extras.set_document(db, coordinator, new_id, "application", "received", date(2026, 3, 1)),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert counts(db) == before
    card = initiative_views.get_initiative(db, coordinator, new_id)
    assert card["leader_email"] == "j***@example.org" and card["leader_phone"] == "*** *** 567"


def test_a_closed_initiative_keeps_its_data(db, staff):
    from dashboard.core.errors import Conflict

    new_id = initiatives.create(db, staff, group_initiative())
    initiative_stages.move(db, staff, new_id, "withdrawn", "Grupa zrezygnowała")
    before = counts(db)
    with pytest.raises(Conflict) as refused:
        initiatives.update(db, staff, new_id, group_initiative(money_pln=800))
    assert refused.value.message.key == "initiatives.error.closed_no_edit"
    assert counts(db) == before and initiatives.get_row(db, staff, new_id)["money_pln"] == Decimal("500.00")
