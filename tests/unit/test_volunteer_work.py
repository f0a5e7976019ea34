"""Volunteer work beyond the legal core: opportunities (hosts, list, status), matching, the hours queue and totals.

The legal rules of art. 44–46 are in ``test_volunteers.py``; here the day-to-day work of the Centre's staff.
"""

from datetime import UTC, date, datetime

import pytest

from dashboard.core import clock
from dashboard.core.errors import NotFound, PermissionDenied, ValidationError
from dashboard.services.initiatives import records as initiatives
from dashboard.services.register import organisations
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


def person(db, staff, first="Łucja", last="Żółkiewska", **extra):
    data = {"first_name": first, "last_name": last, "email": f"{first.lower()}@example.org",
            "birth_date": date(1990, 5, 1), "skills": ["events"], "availability": ["sat_morning"], "status": "active",
            "consent": True, "consent_on": date(2026, 1, 10), **extra}
    return vol.register(db, staff, data)


def agreement(db, staff, vid, start=date(2026, 1, 1), end=date(2026, 6, 30), insured=True):
    aid = vol.add_agreement(db, staff, vid, {"scope": "Pomoc przy wydarzeniach", "starts_on": start, "ends_on": end,
                                             "form": "written", "signed_on": start})
    if insured:
        vol.record_insurance(db, staff, aid, "NNW/2026/7", start)
    return aid


def ready(db, staff, first="Łucja", last="Żółkiewska", **extra):
    """An active volunteer with an active written agreement for the first half of 2026."""
    vid = person(db, staff, first, last, **extra)
    aid = agreement(db, staff, vid)
    vol.activate_agreement(db, staff, aid)
    return vid


def opportunity(db, staff, start, end, **extra):
    return work.create_opportunity(db, staff, {"title": "Piknik sąsiedzki", "starts_at": start, "ends_at": end,
                                               "skills": ["events"], "needed": 2, **extra})


FEBRUARY = (datetime(2026, 2, 1, 9), datetime(2026, 2, 28, 17))


def confirmed(db, staff, vid, start=FEBRUARY[0], end=FEBRUARY[1], **extra):
    asg = work.assign(db, staff, opportunity(db, staff, start, end, **extra), vid)
    work.confirm(db, staff, asg)
    return asg


# -- hosts: the Centre, an NGO from the register, a local initiative -----------------------------------------------
def test_an_opportunity_of_a_local_initiative_must_name_one_that_exists(db, staff):
    start, end = datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13)
    with pytest.raises(ValidationError) as caught:
        opportunity(db, staff, start, end, host_kind="initiative", initiative_id=999)
    assert caught.value.errors["initiative_id"].key == "error.initiative_not_found"
    with pytest.raises(ValidationError) as caught:
        opportunity(db, staff, start, end, host_kind="initiative")
    assert caught.value.errors["initiative_id"].key == "error.required"
    garden = initiatives.create(db, staff, {
        "title": "Ogród sąsiedzki przy Tuwima", "sphere": "nature", "osiedle_id": 25, "applicant_kind": "group",
        "leader_name": "Jan Kowalski", "leader_email": "jan@example.org"})
    oid = opportunity(db, staff, start, end, host_kind="initiative", initiative_id=garden)
    got = work.get_opportunity(db, staff, oid)
    assert (got["host_kind"], got["host_name"]) == ("initiative", "Ogród sąsiedzki przy Tuwima")
    assert work.initiative_choices(db, staff) == [(garden, "Ogród sąsiedzki przy Tuwima")]
    db.write(lambda cur: cur.execute("update initiative set stage = 'withdrawn' where id = ?", [garden]))
    assert work.initiative_choices(db, staff) == [], "a withdrawn initiative asks for nobody"


def test_an_organisation_host_must_be_chosen_from_the_register(db, staff, zielona):
    start, end = datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13)
    with pytest.raises(ValidationError) as caught:
        opportunity(db, staff, start, end, host_kind="organisation")
    assert caught.value.errors["organisation_id"].key == "error.required"
    org = organisations.create(db, staff, zielona)
    oid = opportunity(db, staff, start, end, host_kind="organisation", organisation_id=org)
    assert work.get_opportunity(db, staff, oid)["host_name"] == "Fundacja Zielona Łódź"
    assert db.scalar("select count(*) from volunteer_opportunity") == 1


def test_unknown_opportunity_is_not_found(db, staff):
    with pytest.raises(NotFound):
        work.get_opportunity(db, staff, 404)
    with pytest.raises(NotFound):
        work.get_opportunity(db, staff, "abc")


# -- the list and its filters --------------------------------------------------------------------------------------
def test_list_filters_by_status_host_and_period(db, staff, zielona):
    org = organisations.create(db, staff, zielona)
    april = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    may = opportunity(db, staff, datetime(2026, 5, 9, 9), datetime(2026, 5, 9, 13), host_kind="organisation",
                      organisation_id=org)
    summer = opportunity(db, staff, datetime(2026, 6, 1, 9), datetime(2026, 8, 31, 17))
    work.set_opportunity_status(db, staff, summer, "filled")

    def ids(**filters):
        return list(work.list_opportunities(db, staff, **filters)["id"])

    assert ids() == [april, may, summer]
    assert ids(status="open") == [april, may]
    assert ids(host_kind="organisation") == [may]
    assert ids(date_from=date(2026, 5, 1), date_to=date(2026, 5, 31)) == [may]
    assert ids(date_from=date(2026, 7, 1)) == [summer]  # still running in July
    assert ids(date_to=date(2026, 4, 4)) == [april]


# -- status --------------------------------------------------------------------------------------------------------
def test_status_moves_and_a_cancellation_frees_the_proposed_volunteers(db, staff):
    vid = ready(db, staff)
    picnic = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    proposed = work.assign(db, staff, picnic, vid)
    work.set_opportunity_status(db, staff, picnic, "filled")
    work.set_opportunity_status(db, staff, picnic, "open")
    work.set_opportunity_status(db, staff, picnic, "cancelled")
    assert db.scalar("select status from volunteer_assignment where id = ?", [proposed]) == "declined"
    with pytest.raises(ValidationError) as caught:
        work.set_opportunity_status(db, staff, picnic, "open")
    assert caught.value.errors["status"].key == "volunteer_work.error.status_move"
    assert db.scalar("select status from volunteer_opportunity where id = ?", [picnic]) == "cancelled"
    same_time = opportunity(db, staff, datetime(2026, 4, 4, 10), datetime(2026, 4, 4, 12))
    assert work.assign(db, staff, same_time, vid)


def test_a_confirmed_assignment_of_a_cancelled_opportunity_no_longer_blocks_the_time(db, staff):
    vid = ready(db, staff)
    picnic = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    work.confirm(db, staff, work.assign(db, staff, picnic, vid))
    work.set_opportunity_status(db, staff, picnic, "cancelled")
    assert db.scalar("select status from volunteer_assignment") == "confirmed"  # its history stays
    assert work.assign(db, staff, opportunity(db, staff, datetime(2026, 4, 4, 10), datetime(2026, 4, 4, 12)), vid)


def test_a_closed_opportunity_takes_nobody_and_unknown_statuses_are_refused(db, staff, coordinator):
    vid = ready(db, staff)
    picnic = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    with pytest.raises(ValidationError):
        work.set_opportunity_status(db, staff, picnic, "finished")
    with pytest.raises(PermissionDenied):
        work.set_opportunity_status(db, coordinator, picnic, "closed")
    work.set_opportunity_status(db, staff, picnic, "closed")
    with pytest.raises(ValidationError) as caught:
        work.assign(db, staff, picnic, vid)
    assert caught.value.errors["opportunity_id"].key == "error.volunteer_opportunity_closed"


# -- matching ------------------------------------------------------------------------------------------------------
def test_matching_leaves_out_who_is_already_assigned_and_flags_a_missing_agreement(db, staff):
    covered = ready(db, staff, "Anna", "Adamska")
    uncovered = person(db, staff, "Bartek", "Bielski")
    picnic = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    found = work.matching(db, staff, picnic).set_index("id")
    assert bool(found.loc[covered, "has_agreement"]) and not bool(found.loc[uncovered, "has_agreement"])
    asg = work.assign(db, staff, picnic, covered)
    assert list(work.matching(db, staff, picnic)["id"]) == [uncovered]
    work.decline(db, staff, asg)
    assert set(work.matching(db, staff, picnic)["id"]) == {covered, uncovered}


# -- assignments on the opportunity page ---------------------------------------------------------------------------
def test_assignments_flag_missing_nnw_and_hide_names_from_the_coordinator(db, staff, admin, coordinator):
    insured = ready(db, staff, "Anna", "Adamska")
    short = person(db, staff, "Bartek", "Bielski")
    aid = agreement(db, staff, short, date(2026, 4, 1), date(2026, 4, 20), insured=False)
    vol.waive_insurance(db, admin, aid, "Polisa zbiorcza miasta")
    vol.activate_agreement(db, staff, aid)
    picnic = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    work.assign(db, staff, picnic, insured)
    work.assign(db, staff, picnic, short)
    # The waiver is withdrawn on paper after activation (a data fix): the flag must show it again.
    db.write(lambda cur: cur.execute("update volunteer_agreement set waiver_reason = null where id = ?", [aid]))
    rows = work.opportunity_assignments(db, staff, picnic).set_index("volunteer_id")
    assert rows.loc[short, "volunteer"] == "Bielski Bartek" and bool(rows.loc[short, "uninsured"])
    assert not bool(rows.loc[insured, "uninsured"])
    assert list(work.uninsured_assignments(db, staff)["volunteer_id"]) == [short]
    assert work.opportunity_assignments(db, coordinator, picnic)["volunteer"].isna().all()
    got = work.get_opportunity(db, staff, picnic)
    assert (got["proposed"], got["confirmed"]) == (2, 0)


# -- hours ---------------------------------------------------------------------------------------------------------
def test_hours_outside_the_assignment_dates_are_refused_even_inside_the_agreement(db, staff):
    vid = ready(db, staff)
    asg = confirmed(db, staff, vid, datetime(2026, 2, 7, 9), datetime(2026, 2, 7, 13))
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 8), "hours": 2})
    assert caught.value.errors["work_date"].key == "volunteer_work.error.hours_outside_assignment"
    assert caught.value.errors["work_date"].params == {"start": "2026-02-07", "end": "2026-02-07"}
    assert work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 7), "hours": 4})


def test_hours_before_the_agreement_starts_are_refused(db, staff):
    vid = person(db, staff)
    aid = agreement(db, staff, vid, date(2026, 2, 10), date(2026, 2, 28))
    vol.activate_agreement(db, staff, aid)
    asg = confirmed(db, staff, vid, datetime(2026, 2, 10, 9), datetime(2026, 2, 28, 17))
    db.write(lambda cur: cur.execute("update volunteer_assignment set starts_at = ? where id = ?",
                                     [datetime(2026, 2, 1, 9), asg]))  # an old row from before the check
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 9), "hours": 2})
    assert caught.value.errors["work_date"].key == "error.volunteer_hours_outside_agreement"


@pytest.mark.parametrize("hours, ok", [(24, True), ("24.00", True), (24.01, False), (0.25, True), (0.004, False),
                                       (float("nan"), False), (float("inf"), False), (None, False), ("", False)])
def test_hours_bounds(db, staff, hours, ok):
    asg = confirmed(db, staff, ready(db, staff))
    call = lambda: work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": hours})  # noqa: E731
    if ok:
        assert call()
    else:
        with pytest.raises(ValidationError) as caught:
            call()
        assert set(caught.value.errors) == {"hours"}
        assert db.scalar("select count(*) from volunteer_hours") == 0


def test_the_day_limit_counts_every_assignment_of_the_person_but_not_rejected_hours(db, staff):
    vid = ready(db, staff)
    morning = confirmed(db, staff, vid, datetime(2026, 2, 10, 8), datetime(2026, 2, 10, 12))
    evening = confirmed(db, staff, vid, datetime(2026, 2, 10, 17), datetime(2026, 2, 10, 21))
    first = work.log_hours(db, staff, morning, {"work_date": date(2026, 2, 10), "hours": 20})
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, evening, {"work_date": date(2026, 2, 10), "hours": 5})
    assert caught.value.errors["hours"].params == {"logged": "20.00"}
    work.decide_hours(db, staff, first, False)
    assert work.log_hours(db, staff, evening, {"work_date": date(2026, 2, 10), "hours": 5})


def test_hours_need_a_confirmed_assignment_and_a_past_day(db, staff):
    vid = ready(db, staff)
    proposed = work.assign(db, staff, opportunity(db, staff, *FEBRUARY), vid)
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, proposed, {"work_date": date(2026, 2, 10), "hours": 2})
    assert caught.value.errors["assignment_id"].key == "error.volunteer_assignment_state"
    work.confirm(db, staff, proposed)
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, proposed, {"work_date": date(2026, 3, 3), "hours": 2})
    assert caught.value.errors["work_date"].key == "error.volunteer_future_date"
    with pytest.raises(NotFound):
        work.log_hours(db, staff, 999, {"work_date": date(2026, 2, 10), "hours": 2})
    assert db.scalar("select count(*) from volunteer_hours") == 0


def test_an_opportunitys_page_counts_and_sums_only_its_own_people_and_hours(db, staff):
    anna, basia = ready(db, staff, "Anna", "Adamska"), ready(db, staff, "Barbara", "Bąk")
    morning = confirmed(db, staff, anna, datetime(2026, 2, 10, 8), datetime(2026, 2, 10, 12))
    evening = confirmed(db, staff, anna, datetime(2026, 2, 10, 17), datetime(2026, 2, 10, 21))
    work.assign(db, staff, _opportunity_of(db, morning), basia)  # proposed for the morning only
    work.decide_hours(db, staff, work.log_hours(db, staff, morning, {"work_date": date(2026, 2, 10), "hours": 4}), True)
    work.log_hours(db, staff, evening, {"work_date": date(2026, 2, 10), "hours": 3})

    morning_card = work.get_opportunity(db, staff, _opportunity_of(db, morning))
    evening_card = work.get_opportunity(db, staff, _opportunity_of(db, evening))
    assert (morning_card["confirmed"], morning_card["proposed"]) == (1, 1)
    assert (evening_card["confirmed"], evening_card["proposed"]) == (1, 0)
    people = work.opportunity_assignments(db, staff, _opportunity_of(db, morning)).set_index("volunteer_id")
    assert (people.loc[anna, "hours_approved"], people.loc[anna, "hours_pending"]) == (4.0, 0.0)
    assert (people.loc[basia, "hours_approved"], people.loc[basia, "hours_pending"]) == (0.0, 0.0)
    evening_people = work.opportunity_assignments(db, staff, _opportunity_of(db, evening))
    assert list(evening_people["hours_pending"]) == [3.0] and list(evening_people["hours_approved"]) == [0.0]


def _opportunity_of(db, assignment_id: int) -> int:
    return int(db.scalar("select opportunity_id from volunteer_assignment where id = ?", [assignment_id]))


# -- the approval queue --------------------------------------------------------------------------------------------
def test_several_entries_are_approved_at_once_or_none_is(db, staff, coordinator):
    asg = confirmed(db, staff, ready(db, staff))
    first, second, third = (work.log_hours(db, staff, asg, {"work_date": date(2026, 2, d), "hours": 3})
                            for d in (10, 11, 12))
    assert list(work.hours_entries(db, staff)["id"]) == [first, second, third]
    with pytest.raises(PermissionDenied):
        work.hours_entries(db, coordinator)
    with pytest.raises(PermissionDenied):
        work.decide_hours_many(db, coordinator, [first], True)
    work.decide_hours(db, staff, second, False)
    with pytest.raises(ValidationError) as caught:
        work.decide_hours_many(db, staff, [first, second, third], True)  # second was decided meanwhile
    assert caught.value.errors["hours_id"].params == {"id": second}
    assert db.scalar("select count(*) from volunteer_hours where status = 'approved'") == 0
    assert work.decide_hours_many(db, staff, [first, third], True) == 2
    assert work.hours_entries(db, staff).empty
    assert dict(db.rows("select id, decided_by from volunteer_hours where status = 'approved'")) == {
        first: "staszek", third: "staszek"}
    with pytest.raises(ValidationError) as caught:
        work.decide_hours_many(db, staff, [], True)
    assert caught.value.errors["hours_id"].key == "volunteer_work.error.nothing_selected"


def test_loggable_volunteers_and_their_assignments(db, staff):
    anna = ready(db, staff, "Anna", "Adamska")
    ready(db, staff, "Bartek", "Bielski")  # nothing confirmed: not offered
    asg = confirmed(db, staff, anna)
    found = work.loggable_volunteers(db, staff)
    assert list(found["id"]) == [anna] and found.iloc[0]["volunteer"] == "Adamska Anna"
    mine = work.volunteer_assignments(db, staff, anna, status="confirmed")
    assert list(mine["id"]) == [asg] and mine.iloc[0]["agreement_ends_on"].date() == date(2026, 6, 30)
    vol.withdraw_consent(db, staff, anna, "processing", date(2026, 3, 1))
    assert work.loggable_volunteers(db, staff).empty


# -- totals and value ----------------------------------------------------------------------------------------------
def test_totals_per_host_month_and_period_and_the_coordinator_gets_no_names(db, staff, admin, coordinator, zielona):
    from dashboard.services.admin import app_settings

    app_settings.set_setting(db, admin, "volunteer_hourly_rate_pln", 40)
    org = organisations.create(db, staff, zielona)
    vid = ready(db, staff)
    centre = confirmed(db, staff, vid, datetime(2026, 1, 10, 9), datetime(2026, 1, 10, 17))
    ngo = confirmed(db, staff, vid, *FEBRUARY, host_kind="organisation", organisation_id=org)
    ids = [work.log_hours(db, staff, centre, {"work_date": date(2026, 1, 10), "hours": 2}),
           work.log_hours(db, staff, ngo, {"work_date": date(2026, 2, 10), "hours": 3.5}),
           work.log_hours(db, staff, ngo, {"work_date": date(2026, 2, 11), "hours": 1})]
    work.decide_hours_many(db, staff, ids[:2], True)  # the third stays pending

    hosts = work.totals(db, coordinator, "organisation").set_index("key")
    assert hosts.loc["centre", "hours"] == 2 and hosts.loc[f"organisation:{org}", "label"] == "Fundacja Zielona Łódź"
    assert hosts["value_pln"].sum() == 220
    months = work.totals(db, coordinator, "month")
    assert list(months["key"]) == ["2026-01", "2026-02"] and list(months["hours"]) == [2, 3.5]
    assert list(work.totals(db, staff, "month", date_from=date(2026, 2, 1))["key"]) == ["2026-02"]
    with pytest.raises(PermissionDenied):
        work.totals(db, coordinator, "volunteer")
    assert work.totals(db, staff, "volunteer").iloc[0]["label"] == "Żółkiewska Łucja"
    summary = work.hours_summary(db, coordinator)
    assert summary == {"hours": 5.5, "volunteers": 1, "entries": 2, "pending_entries": 1, "pending_hours": 1.0,
                       "rate_pln": 40.0, "value_pln": 220.0}
    assert work.hours_summary(db, coordinator, date_to=date(2026, 1, 31))["hours"] == 2


def test_the_queue_filters_by_volunteer_and_leaves_out_who_withdrew_consent(db, staff):
    anna, bartek = ready(db, staff, "Anna", "Adamska"), ready(db, staff, "Bartek", "Bielski")
    mine = work.log_hours(db, staff, confirmed(db, staff, anna), {"work_date": date(2026, 2, 10), "hours": 2})
    theirs = work.log_hours(db, staff, confirmed(db, staff, bartek), {"work_date": date(2026, 2, 9), "hours": 2})
    assert list(work.hours_entries(db, staff)["id"]) == [theirs, mine]
    assert list(work.hours_entries(db, staff, volunteer_id=anna)["id"]) == [mine]
    vol.withdraw_consent(db, staff, bartek, "processing", date(2026, 3, 1))
    assert list(work.hours_entries(db, staff)["id"]) == [mine], "nobody may decide hours of a person who withdrew"
    assert list(work.pending_by_volunteer(db, staff)["id"]) == [anna]
