"""Local initiatives seen by the pages: the pipeline with stuck items, the filtered list, per osiedle,
one initiative's card (support log, documents checklist), and the demo filler's consistency."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dashboard import demo
from dashboard.core import clock
from dashboard.core.errors import ValidationError
from dashboard.demo import initiatives as demo_initiatives
from dashboard.demo import people
from dashboard.services.admin import app_settings
from dashboard.services.initiatives import extras as initiative_extras
from dashboard.services.initiatives import stages as initiative_stages
from dashboard.services.initiatives import views as initiative_views
from tests.unit.builders import ALLOWED, MONDAY, bring_to


@pytest.fixture(autouse=True)
def _monday():
    clock.freeze(MONDAY)


def test_the_pipeline_counts_every_stage_and_flags_items_stuck_too_long(db, staff, admin):
    waiting = bring_to(db, staff, "formal_check")
    bring_to(db, staff, "review")
    bring_to(db, staff, "rejected")
    clock.freeze(MONDAY + timedelta(days=30))
    fresh = bring_to(db, staff, "submitted")

    pipe = initiative_views.pipeline(db, staff)
    counts = dict(zip(pipe["counts"]["stage"], pipe["counts"]["count"]))
    assert len(counts) == 11 and counts["formal_check"] == counts["review"] == counts["rejected"] == 1
    assert counts["submitted"] == 1 and counts["settled"] == 0
    items = pipe["items"].set_index("id")
    assert set(items.index) == {waiting, fresh, waiting + 1}  # the rejected one is closed: not an item
    assert items.loc[waiting, "days_in_stage"] == 30 and not items["stuck"].any()  # 30 is not more than 30

    clock.freeze(MONDAY + timedelta(days=31))
    items = initiative_views.pipeline(db, staff)["items"].set_index("id")
    assert items["stuck"].to_dict() == {waiting: True, waiting + 1: True, fresh: False}
    app_settings.set_setting(db, admin, "initiative_stuck_days", 40)
    assert not initiative_views.pipeline(db, staff)["items"]["stuck"].any()


def test_the_list_filters_by_stage_osiedle_sphere_and_year(db, staff):
    garden = bring_to(db, staff, "review")
    bench = bring_to(db, staff, "submitted", sphere="infrastructure", osiedle_id=1, title="Ławki")
    clock.freeze(datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    old = bring_to(db, staff, "submitted")
    clock.freeze(MONDAY)

    def ids(**filters):
        return sorted(initiative_views.list_initiatives(db, staff, **filters)["id"])

    assert ids() == sorted([garden, bench, old])
    assert ids(stage="review") == [garden]
    assert ids(osiedle_id=1) == [bench]
    assert ids(sphere="nature") == sorted([garden, old])
    assert ids(year=2025) == [old]
    assert ids(year=2026, sphere="nature") == [garden]
    frame = initiative_views.list_initiatives(db, staff, stage="review")
    assert frame["residents_pln"][0] == 5600 and frame["applicant"][0] == "Jan Kowalski"


def test_per_osiedle_covers_all_36_with_zeros_and_money_by_stage(db, staff):
    bring_to(db, staff, "settled", osiedle_id=26)           # residents 5 600, city 12 000 spent
    bring_to(db, staff, "accepted", osiedle_id=26, city_part_pln=3000)
    bring_to(db, staff, "withdrawn", osiedle_id=26)          # counted, but no money
    bring_to(db, staff, "submitted", osiedle_id=1, money_pln=0, in_kind_pln=0, social_work_hours=10)

    frame = initiative_views.per_osiedle(db, staff).set_index("osiedle_id")
    assert len(frame) == 36 and list(frame.index) == list(range(1, 37))
    assert frame.loc[26, ["initiatives", "residents_pln", "city_committed_pln", "city_spent_pln"]].tolist() == [
        3, 11200, 15000, 12000]
    assert frame.loc[1, ["initiatives", "residents_pln", "city_committed_pln", "city_spent_pln"]].tolist() == [
        1, 300, 0, 0]
    assert (frame.drop([1, 26])[["initiatives", "residents_pln", "city_spent_pln"]] == 0).all().all()
    assert initiative_views.per_osiedle(db, staff, year=2025)["initiatives"].sum() == 0


def test_the_card_has_money_timeline_moves_checklist_scores_and_support(db, staff):
    new_id = bring_to(db, staff, "preparation", osiedle_id=26)
    initiative_extras.set_document(db, staff, new_id, "application", "received", date(2026, 2, 20))
    initiative_extras.set_document(db, staff, new_id, "permit", "not_needed", note="bez robót budowlanych")
    initiative_extras.set_document(db, staff, new_id, "cost_estimate", "received", date(2026, 3, 1))
    initiative_extras.set_document(db, staff, new_id, "cost_estimate", "missing", note="do poprawy")
    initiative_extras.add_support(db, staff, new_id, {"held_on": date(2026, 2, 10), "advisor": "Ewa Zielińska",
                                                      "topic": "Wycena pracy społecznej", "outcome": "120 h"})
    initiative_extras.score(db, staff, new_id, {"social_work": 5})

    card = initiative_views.get_initiative(db, staff, new_id)
    assert card["money"]["residents_pln"] == Decimal("5600.00")
    assert card["timeline"]["to_stage"].tolist() == ["submitted", "formal_check", "review", "accepted", "preparation"]
    assert card["allowed_moves"] == ["agreement_signed", "withdrawn"]
    assert dict(zip(card["checklist"]["kind"], card["checklist"]["status"])) == {
        "application": "received", "cost_estimate": "missing", "permit": "not_needed", "agreement": "missing",
        "settlement_report": "missing"}
    assert card["checklist"]["received_on"][0].date() == date(2026, 2, 20)
    assert card["support"][["advisor", "topic", "outcome"]].values.tolist() == [
        ["Ewa Zielińska", "Wycena pracy społecznej", "120 h"]]
    assert card["scores"]["advisory_total"] == Decimal("30.00")
    assert card["responsible_unit"] == "Zarząd Zieleni Miejskiej" and card["cost_estimate_pln"] == Decimal("11800.00")


def test_documents_and_support_entries_are_checked(db, staff):
    new_id = bring_to(db, staff, "submitted")
    cases = [
        (lambda: initiative_extras.set_document(db, staff, new_id, "application", "not_needed"), {"status"}),
        (lambda: initiative_extras.set_document(db, staff, new_id, "passport", "received", date(2026, 3, 1)), {"kind"}),
        (lambda: initiative_extras.set_document(db, staff, new_id, "application", "received"), {"received_on"}),
        (lambda: initiative_extras.set_document(db, staff, new_id, "application", "received", date(2026, 3, 3)),
         {"received_on"}),
        (lambda: initiative_extras.add_support(db, staff, new_id, {"held_on": "wczoraj", "advisor": "", "topic": "x"}),
         {"held_on", "advisor"}),
    ]
    for call, fields in cases:
        with pytest.raises(ValidationError) as caught:
            call()
        assert set(caught.value.errors) == fields
    assert db.scalar("select count(*) from initiative_document") == 0
    assert db.scalar("select count(*) from initiative_support") == 0


def test_the_demo_walks_the_real_procedure_across_osiedla_spheres_and_stages(db, coordinator):
    clock.freeze(datetime(2026, 11, 2, 8, 0, tzinfo=clock.WARSAW))
    assert demo_initiatives.fill in demo.FILLERS
    people.fill(db, demo.SEED, 1.0)  # the organisations some initiatives come from
    demo_initiatives.fill(db, demo.SEED + demo.FILLERS.index(demo_initiatives.fill), 1.0)

    assert 100 <= db.scalar("select count(*) from initiative") <= 140
    stages = {r[0] for r in db.rows("select distinct stage from initiative")}
    assert {"submitted", "review", "rejected", "withdrawn", "in_progress", "settled"} <= stages
    assert db.scalar("select count(distinct sphere) from initiative") >= 8
    assert db.scalar("select count(distinct osiedle_id) from initiative") >= 30
    moves = set(db.rows("select from_stage, to_stage from initiative_history where from_stage is not null"))
    assert moves <= ALLOWED
    # Each initiative's history starts at submitted, chains without gaps, and ends at its stage.
    assert db.scalar("select count(*) from initiative i where stage <> (select h.to_stage from initiative_history h "
                     "where h.initiative_id = i.id order by h.at_local desc, h.id desc limit 1)") == 0
    assert db.scalar("select count(*) from (select h.initiative_id, h.from_stage, lag(h.to_stage) over "
                     "(partition by h.initiative_id order by h.at_local, h.id) as previous from initiative_history h) "
                     "where from_stage is distinct from previous") == 0
    assert db.scalar("select count(*) from initiative where stage = 'rejected' and rejection_reason is null") == 0
    assert db.scalar("select count(*) from initiative where agreement_date < accepted_on") == 0
    assert db.scalar("select count(*) from initiative where stage = 'settled' and agreement_number is null") == 0
    assert db.scalar("select count(*) from initiative_score") > 0 and db.scalar("select count(*) from initiative_support") > 0
    over = db.rows("select year(accepted_on), sum(city_part_pln) from initiative where stage in "
                   "('accepted', 'preparation', 'agreement_signed', 'in_progress', 'settled') group by 1 "
                   "having sum(city_part_pln) > 300000")
    for year, _ in over:  # every year over the budget carries the confirmation the service demands
        assert db.scalar("select count(*) from initiative_history h join initiative i on i.id = h.initiative_id "
                         "where h.to_stage = 'accepted' and year(i.accepted_on) = ? and h.note like '%ponad budżet%'",
                         [year]) >= 1
    assert initiative_stages.budget(db, coordinator, 2025)["committed_pln"] > 0


def test_the_board_shows_the_latest_arrivals_per_stage_but_counts_them_all(db, staff):
    first = bring_to(db, staff, "formal_check")
    clock.freeze(MONDAY + timedelta(days=40))
    second = bring_to(db, staff, "formal_check")
    clock.freeze(MONDAY + timedelta(days=41))
    third = bring_to(db, staff, "formal_check")
    waiting = bring_to(db, staff, "submitted")

    pipe = initiative_views.pipeline(db, staff, per_stage=2)
    counts = pipe["counts"].set_index("stage")
    assert counts.loc["formal_check", "count"] == 3 and counts.loc["submitted", "count"] == 1
    assert counts.loc["formal_check", "stuck"] == 1 and counts["stuck"].sum() == 1  # only the first: 41 days
    assert pipe["items"]["id"].tolist() == [waiting, second, third]  # first is the oldest arrival: left off
    assert first not in pipe["items"]["id"].tolist() and pipe["stuck_days"] == 30


def test_the_list_finds_text_in_title_applicant_or_agreement_and_keeps_only_stuck_ones(db, staff):
    garden = bring_to(db, staff, "submitted", title="Ogród sąsiedzki przy Tuwima")
    bench = bring_to(db, staff, "agreement_signed", title="Ławki na skwerze", leader_name="Łucja Żółkiewska")
    percent = bring_to(db, staff, "submitted", title="Zniżka 100% dla seniorów")

    def ids(**filters):
        return sorted(initiative_views.list_initiatives(db, staff, **filters)["id"])

    assert ids(text="OGRÓD") == [garden]
    assert ids(text="żółkiewska") == [bench]
    assert ids(text="IL/7/2026") == [bench]
    assert ids(text="%") == [percent]  # literal, not a wildcard
    assert ids(text="  ") == sorted([garden, bench, percent])
    assert ids(stuck_only=True) == []
    clock.freeze(MONDAY + timedelta(days=31))
    assert ids(stuck_only=True) == sorted([garden, bench, percent])
    assert initiative_views.list_initiatives(db, staff, stage="submitted")["days_in_stage"].tolist() == [31, 31]


def test_the_years_offered_are_those_with_initiatives_and_this_one(db, staff):
    assert initiative_views.years(db, staff) == [2026]
    clock.freeze(datetime(2024, 6, 3, 9, 0, tzinfo=UTC))
    bring_to(db, staff, "submitted")
    clock.freeze(MONDAY)
    assert initiative_views.years(db, staff) == [2026, 2024]
