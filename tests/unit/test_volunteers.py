"""The volunteer register: legal rules of art. 44–46 and child protection, hours, matching, RODO, roles."""

from datetime import UTC, date, datetime

import pytest

from dashboard.core import clock
from dashboard.core.errors import PermissionDenied, ValidationError
from dashboard.services.volunteers import gdpr, work
from dashboard.services.volunteers import register as vol

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


def person(db, staff, **extra):
    data = {"first_name": "Łucja", "last_name": "Żółkiewska", "email": "lucja.z@example.org", "phone": "601 234 567",
            "birth_date": date(1990, 5, 1), "skills": ["events", "it"], "availability": ["sat_morning"],
            "status": "active", "consent": True, "consent_on": date(2026, 1, 10), **extra}
    return vol.register(db, staff, data)


def agreement(db, staff, vid, start, end, form="written", **extra):
    return vol.add_agreement(db, staff, vid, {"scope": "Pomoc przy wydarzeniach", "starts_on": start, "ends_on": end,
                                              "form": form, "signed_on": start if form == "written" else None, **extra})


def opportunity(db, staff, start, end, **extra):
    return work.create_opportunity(db, staff, {"title": "Piknik sąsiedzki", "starts_at": start, "ends_at": end,
                                               "skills": ["events"], "needed": 3, **extra})


def ready(db, staff, start=date(2026, 3, 1), end=date(2026, 6, 30), **extra):
    """An active volunteer with an active written agreement."""
    vid = person(db, staff, **extra)
    aid = agreement(db, staff, vid, start, end)
    vol.record_insurance(db, staff, aid, "NNW/2026/1", start)
    vol.activate_agreement(db, staff, aid)
    return vid, aid


# -- art. 44 ust. 4: more than 30 days needs a written agreement ---------------------------------------------------------
def test_30_days_oral_with_insurance_activates_but_31_days_oral_does_not(db, staff):
    vid = person(db, staff)
    thirty = agreement(db, staff, vid, date(2026, 3, 1), date(2026, 3, 30), form="oral")
    vol.record_insurance(db, staff, thirty, "NNW/2026/17", date(2026, 2, 28))
    vol.activate_agreement(db, staff, thirty)
    thirty_one = agreement(db, staff, vid, date(2026, 4, 1), date(2026, 5, 1), form="oral")
    with pytest.raises(ValidationError) as caught:
        vol.activate_agreement(db, staff, thirty_one)
    assert caught.value.errors["form"].key == "error.volunteer_written_required"
    assert db.scalar("select status from volunteer_agreement where id = ?", [thirty_one]) == "draft"


def test_activating_the_first_agreement_makes_a_candidate_active_and_says_so_in_the_audit_log(db, staff):
    vid = person(db, staff, status="candidate")
    aid = agreement(db, staff, vid, date(2026, 3, 1), date(2026, 6, 30))

    vol.activate_agreement(db, staff, aid)

    assert db.scalar("select status from volunteer where id = ?", [vid]) == "active"
    assert db.scalar("select count(*) from audit_log where entity = 'volunteer' and entity_id = ? "
                     "and after like '%active%'", [str(vid)]) == 1


# -- art. 46: ≤30 days needs NNW or an admin's waiver ---------------------------------------------------------------------
def test_short_engagement_needs_insurance_or_an_admin_waiver(db, staff, admin):
    vid = person(db, staff)
    aid = agreement(db, staff, vid, date(2026, 3, 1), date(2026, 3, 10))
    with pytest.raises(ValidationError) as caught:
        vol.activate_agreement(db, staff, aid)
    assert set(caught.value.errors) == {"nnw_policy"}
    with pytest.raises(PermissionDenied):
        vol.waive_insurance(db, staff, aid, "Polisa zbiorcza miasta")
    vol.waive_insurance(db, admin, aid, "Polisa zbiorcza miasta")
    vol.activate_agreement(db, staff, aid)
    assert db.scalar("select status from volunteer_agreement where id = ?", [aid]) == "active"


def test_long_written_engagement_needs_no_nnw(db, staff):
    vid = person(db, staff)
    aid = agreement(db, staff, vid, date(2026, 3, 1), date(2026, 3, 31))  # 31 days: ZUS benefits, not NNW
    vol.activate_agreement(db, staff, aid)


# -- minors: a guardian's written consent, to the day ---------------------------------------------------------------------
@pytest.mark.parametrize("birth, minor", [(date(2008, 3, 2), False), (date(2008, 3, 3), True)])
def test_18th_birthday_on_the_start_day_is_adult_one_day_later_is_minor(db, staff, birth, minor):
    vid = person(db, staff, birth_date=birth)
    aid = agreement(db, staff, vid, date(2026, 3, 2), date(2026, 6, 30))
    if minor:
        with pytest.raises(ValidationError) as caught:
            vol.activate_agreement(db, staff, aid)
        assert caught.value.errors["guardian"].key == "error.volunteer_guardian_required"
        vol.add_consent(db, staff, vid, "guardian", date(2026, 2, 20), guardian_name="Anna Żółkiewska")
    vol.activate_agreement(db, staff, aid)


def test_with_only_a_birth_year_a_possible_minor_counts_as_minor(db, staff):
    assert not vol.adult_on(None, 2008, date(2026, 12, 30))
    assert vol.adult_on(None, 2008, date(2026, 12, 31))
    assert vol.adult_on(date(2008, 2, 29), None, date(2026, 3, 1)) and not vol.adult_on(date(2008, 2, 29), None, date(2026, 2, 28))


def test_a_minor_cannot_be_assigned_without_guardian_consent(db, staff):
    vid = person(db, staff, birth_date=date(2010, 1, 1))
    vol.add_consent(db, staff, vid, "guardian", date(2026, 2, 1), guardian_name="Jan Kowalski")
    aid = agreement(db, staff, vid, date(2026, 3, 1), date(2026, 6, 30))
    vol.activate_agreement(db, staff, aid)
    vol.withdraw_consent(db, staff, vid, "guardian", date(2026, 3, 2))
    oid = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    with pytest.raises(ValidationError) as caught:
        work.assign(db, staff, oid, vid)
    assert "guardian" in caught.value.errors
    assert db.scalar("select count(*) from volunteer_assignment") == 0


# -- work with children ------------------------------------------------------------------------------------------------------
def test_work_with_children_needs_an_ok_register_check(db, staff):
    vid, _ = ready(db, staff)
    oid = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13), with_children=True)
    with pytest.raises(ValidationError) as caught:
        work.assign(db, staff, oid, vid)
    assert caught.value.errors["child_check"].key == "error.volunteer_child_check_required"
    vol.record_safety(db, staff, vid, bhp_briefing_on=date(2026, 3, 1), child_check_on=date(2026, 3, 1), child_check_ok=True)
    assert work.assign(db, staff, oid, vid)


# -- assignments -------------------------------------------------------------------------------------------------------------
def test_overlapping_assignment_is_refused_and_nothing_written(db, staff):
    vid, _ = ready(db, staff)
    first = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    second = opportunity(db, staff, datetime(2026, 4, 4, 12), datetime(2026, 4, 4, 16))
    work.assign(db, staff, first, vid)
    with pytest.raises(ValidationError) as caught:
        work.assign(db, staff, second, vid)
    assert caught.value.errors["opportunity_id"].key == "error.volunteer_assignment_overlap"
    assert db.scalar("select count(*) from volunteer_assignment") == 1


# -- hours -------------------------------------------------------------------------------------------------------------------
def confirmed(db, staff):
    vid, _aid = ready(db, staff, start=date(2026, 2, 1), end=date(2026, 2, 28))
    oid = opportunity(db, staff, datetime(2026, 2, 1, 9), datetime(2026, 2, 28, 17))
    asg = work.assign(db, staff, oid, vid)
    work.confirm(db, staff, asg)
    return vid, asg


@pytest.mark.parametrize("hours", [-1, 0, 24.5, "abc"])
def test_hours_not_positive_or_over_24_are_refused(db, staff, hours):
    _, asg = confirmed(db, staff)
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": hours})
    assert set(caught.value.errors) == {"hours"}


def test_hours_sum_per_day_and_agreement_period(db, staff):
    _, asg = confirmed(db, staff)
    work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 20})
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 4.5})
    assert caught.value.errors["hours"].key == "error.volunteer_hours_day_limit"
    work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 4})
    with pytest.raises(ValidationError) as caught:
        work.log_hours(db, staff, asg, {"work_date": date(2026, 3, 1), "hours": 2})
    assert caught.value.errors["work_date"].key == "error.volunteer_hours_outside_agreement"
    assert db.scalar("select sum(hours) from volunteer_hours") == 24


def test_totals_count_only_approved_hours_at_the_rate(db, staff, admin):
    from dashboard.services.admin import app_settings
    _, asg = confirmed(db, staff)
    hid = work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 3})
    work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 11), "hours": 5})
    work.decide_hours(db, staff, hid, True)
    app_settings.set_setting(db, admin, "volunteer_hourly_rate_pln", 40)
    for by in ("volunteer", "organisation", "opportunity", "month"):
        frame = work.totals(db, staff, by)
        assert frame["hours"].sum() == 3 and frame["value_pln"].sum() == 120


# -- matching -------------------------------------------------------------------------------------------------------------------
def test_matching_ranks_skills_then_availability_then_name(db, staff):
    a = person(db, staff, first_name="Adam", last_name="Zieliński", email="a@example.org", skills=["events"], availability=[])
    b = person(db, staff, first_name="Beata", last_name="Nowak", email="b@example.org", skills=["events", "photo"],
               availability=["sat_morning"])
    c = person(db, staff, first_name="Cezary", last_name="Adamski", email="c@example.org", skills=["events", "photo"],
               availability=[])
    person(db, staff, first_name="Daria", last_name="Kowal", email="d@example.org", skills=["events", "photo"],
           status="candidate")
    oid = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 11), skills=["events", "photo"])
    assert list(work.matching(db, staff, oid)["id"]) == [b, c, a]


# -- bad input ----------------------------------------------------------------------------------------------------------------------
def test_bad_input_gives_field_errors_and_writes_nothing(db, staff):
    before = db.scalar("select count(*) from audit_log")
    with pytest.raises(ValidationError) as caught:
        person(db, staff, email="not-an-email", phone="12", birth_date=None, birth_year=None, skills=["juggling"])
    assert {"email", "phone", "birth_year", "skills"} <= set(caught.value.errors)
    with pytest.raises(ValidationError) as caught:
        person(db, staff, consent=False)
    assert "consent" in caught.value.errors
    vid = person(db, staff)
    with pytest.raises(ValidationError) as caught:
        agreement(db, staff, vid, date(2026, 5, 1), date(2026, 4, 1))
    assert caught.value.errors["ends_on"].key == "error.end_before_start"
    assert db.scalar("select count(*) from volunteer") == 1
    assert db.scalar("select count(*) from volunteer_agreement") == 0
    assert db.scalar("select count(*) from audit_log") == before + 1


# -- roles ----------------------------------------------------------------------------------------------------------------------------
def test_coordinator_cannot_write_and_sees_masked_contacts(db, staff, coordinator):
    vid = person(db, staff)
    with pytest.raises(PermissionDenied):
        person(db, coordinator)
    with pytest.raises(PermissionDenied):
        vol.update(db, coordinator, vid, {"notes": "x"})
    with pytest.raises(PermissionDenied):
        gdpr.export_volunteer(db, coordinator, vid)
    row = vol.list_volunteers(db, coordinator).iloc[0]
    assert row["email"] == "l***@example.org" and "601" not in row["phone"]
    assert vol.get_volunteer(db, coordinator, vid)["email"] == "l***@example.org"
    assert vol.list_volunteers(db, staff).iloc[0]["email"] == "lucja.z@example.org"


# -- consent withdrawal ------------------------------------------------------------------------------------------------------------------
def test_after_processing_consent_is_withdrawn_only_anonymisation_writes(db, staff):
    vid = person(db, staff)
    vol.withdraw_consent(db, staff, vid, "processing", date(2026, 3, 1))
    with pytest.raises(ValidationError) as caught:
        vol.update(db, staff, vid, {"notes": "nowa notatka"})
    assert caught.value.errors["volunteer_id"].key == "error.volunteer_processing_stopped"
    with pytest.raises(ValidationError):
        agreement(db, staff, vid, date(2026, 3, 1), date(2026, 3, 5))
    gdpr.anonymise(db, staff, vid)
    assert db.scalar("select anonymised_at is not null from volunteer where id = ?", [vid])


# -- RODO ---------------------------------------------------------------------------------------------------------------------------------
def _text_columns(db):
    return db.rows("select table_name, column_name from information_schema.columns where table_schema = 'main' and "
                   "(data_type in ('VARCHAR', 'JSON') or data_type like 'VARCHAR[]%')")


def test_anonymisation_leaves_name_email_phone_in_no_table(db, staff):
    vid, _ = ready(db, staff, notes="Łucja Żółkiewska woli soboty")
    vol.add_consent(db, staff, vid, "photos", date(2026, 3, 1))
    vol.update(db, staff, vid, {"email": "lucja.nowy@example.org"})  # old e-mail now only in the audit log
    oid = opportunity(db, staff, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    work.assign(db, staff, oid, vid)
    gdpr.anonymise(db, staff, vid)
    needles = ["Łucja Żółkiewska", "Żółkiewska", "lucja.z@example.org", "lucja.nowy@example.org", "+48601234567"]
    for table, column in _text_columns(db):
        for needle in needles:
            found = db.scalar('select count(*) from "' + table + '" where contains(lower("' + column + '"::varchar), ?)',
                              [needle.lower()])
            assert found == 0, f"{needle} still in {table}.{column}"
    assert db.scalar("select count(*) from audit_log where action = 'anonymise' and entity_id = ?", [str(vid)]) == 1


def test_anonymised_hours_stay_in_aggregates(db, staff):
    vid, asg = confirmed(db, staff)
    hid = work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 3, "description": "Łucja sprzątała"})
    work.decide_hours(db, staff, hid, True)
    gdpr.anonymise(db, staff, vid)
    assert work.totals(db, staff, "month")["hours"].sum() == 3


def test_export_contains_all_records_and_is_json(db, staff):
    import json
    _, asg = confirmed(db, staff)
    vid = db.scalar("select volunteer_id from volunteer_assignment where id = ?", [asg])
    work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 3})
    gdpr.request_document(db, staff, vid, "certificate")
    data = json.loads(json.dumps(gdpr.export_volunteer(db, staff, vid)))
    assert data["volunteer"]["email"] == "lucja.z@example.org"
    for table in ("volunteer_consent", "volunteer_agreement", "volunteer_assignment", "volunteer_hours",
                  "volunteer_document", "volunteer_opportunity", "audit_log"):
        expected = db.scalar("select count(*) from " + table + " where " +
                             ("id in (select opportunity_id from volunteer_assignment)" if table == "volunteer_opportunity"
                              else "entity <> 'volunteer_opportunity'" if table == "audit_log" else "volunteer_id = ?"),
                             [] if table in ("volunteer_opportunity", "audit_log") else [vid])
        assert len(data[table]) == expected, table
    assert gdpr.export_pdf(db, staff, vid).startswith(b"%PDF")


def test_certificate_pdf_has_hours_and_records_the_issue_date(db, staff):
    vid, asg = confirmed(db, staff)
    work.decide_hours(db, staff, work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 3.5}), True)
    doc = gdpr.request_document(db, staff, vid, "certificate", date(2026, 3, 1))
    pdf = gdpr.certificate_pdf(db, staff, doc)
    assert pdf.startswith(b"%PDF")
    assert db.scalar("select issued_on from volunteer_document where id = ?", [doc]) == TODAY


def test_retention_review_lists_long_inactive(db, staff):
    vid = person(db, staff, status="inactive")
    assert gdpr.retention_review(db, staff).empty
    clock.freeze(datetime(2032, 3, 3, 10, 0, tzinfo=UTC))
    assert list(gdpr.retention_review(db, staff)["id"]) == [vid]


# -- registration with its consents ----------------------------------------------------------------------------------------
def test_registration_records_optional_and_guardian_consents_in_one_go(db, staff):
    vid = person(db, staff, birth_date=date(2011, 6, 1), consent_photos=True, consent_newsletter=False,
                 guardian_name="Anna Żółkiewska", guardian_consent_on=date(2026, 1, 9))
    kinds = dict(db.rows("select kind, given_on from volunteer_consent where volunteer_id = ?", [vid]))
    assert kinds == {"processing": date(2026, 1, 10), "photos": date(2026, 1, 10), "guardian": date(2026, 1, 9)}
    assert vol.is_minor(db, staff, vid)


def test_registration_reports_consent_and_record_errors_together_and_writes_nothing(db, staff):
    with pytest.raises(ValidationError) as caught:
        person(db, staff, email="zly-adres", consent=False, guardian_consent_on=date(2026, 1, 9))
    assert {"email", "consent", "guardian_name"} <= set(caught.value.errors)
    assert db.scalar("select count(*) from volunteer") == 0
    assert db.scalar("select count(*) from volunteer_consent") == 0


# -- the register list ---------------------------------------------------------------------------------------------------------
def test_register_filters_by_status_skill_osiedle_and_name_without_diacritics(db, staff):
    lucja = person(db, staff, osiedle_id=25)
    person(db, staff, first_name="Jan", last_name="Nowak", email="jan@example.org", skills=["photo"], status="candidate")
    assert list(vol.list_volunteers(db, staff, text="zolkiewska lucja")["id"]) == [lucja]
    assert list(vol.list_volunteers(db, staff, text="  lucja   zółkiew")["id"]) == [lucja]
    assert list(vol.list_volunteers(db, staff, text="lucja nowak")["id"]) == []
    assert list(vol.list_volunteers(db, staff, text="Żółkiewska Łucja")["id"]) == [lucja]
    assert list(vol.list_volunteers(db, staff, skill="it")["id"]) == [lucja]
    assert list(vol.list_volunteers(db, staff, osiedle_id=25)["osiedle"]) == ["Katedralna"]
    assert vol.count_volunteers(db, staff, status="candidate") == 1
    assert vol.count_volunteers(db, staff, text="lucja.z@example.org") == 0  # no search by contact data
    assert vol.status_counts(db, staff) == {"candidate": 1, "active": 1, "inactive": 0}


def test_the_record_lists_show_blocking_rules_and_mask_the_guardian_for_the_coordinator(db, staff, coordinator):
    vid = person(db, staff, birth_date=date(2010, 1, 1))
    vol.add_consent(db, staff, vid, "guardian", date(2026, 2, 1), guardian_name="Jan Żółkiewski")
    vol.withdraw_consent(db, staff, vid, "guardian", date(2026, 2, 20))
    agreement(db, staff, vid, date(2026, 3, 1), date(2026, 3, 10), form="oral")
    [draft] = vol.agreements(db, coordinator, vid)
    assert draft["days"] == 10 and set(draft["problems"]) == {"nnw_policy", "guardian"}
    assert "Jan Żółkiewski" not in vol.consents(db, coordinator, vid).to_string()
    assert "Jan Żółkiewski" in set(vol.consents(db, staff, vid)["guardian_name"])
    assert vol.processing_state(db, coordinator, vid) == "allowed"
    vol.withdraw_consent(db, staff, vid, "processing", date(2026, 3, 1))
    assert vol.processing_state(db, staff, vid) == "stopped"
    gdpr.anonymise(db, staff, vid)
    assert vol.processing_state(db, staff, vid) == "anonymised"


def test_the_volunteers_page_reads_state_and_age_from_the_record_in_hand_as_the_separate_reads_do(db, staff):
    today = clock.today()
    minor = person(db, staff, birth_date=date(today.year - 15, 1, 1), guardian_name="Anna Kowalska",
                   guardian_consent_on=today)
    adult = person(db, staff, email="dorosly@example.org")
    for vid in (minor, adult):
        shown = vol.standing(db, staff, vol.get_volunteer(db, staff, vid))
        assert shown == {"state": vol.processing_state(db, staff, vid), "age_group": gdpr.age_group(db, staff, vid)}
    assert vol.standing(db, staff, vol.get_volunteer(db, staff, minor)) == {"state": "allowed", "age_group": "minor"}
    vol.withdraw_consent(db, staff, minor, "processing", today)
    assert vol.standing(db, staff, vol.get_volunteer(db, staff, minor))["state"] == "stopped"
    gdpr.anonymise(db, staff, minor)
    assert vol.standing(db, staff, vol.get_volunteer(db, staff, minor)) == {"state": "anonymised", "age_group": None}


def test_assignments_of_a_volunteer_carry_their_hours(db, staff):
    vid, asg = confirmed(db, staff)
    work.decide_hours(db, staff, work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 3}), True)
    work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 11), "hours": 1.5})
    [row] = vol.assignments_of(db, staff, vid).to_dict("records")
    assert (row["title"], row["approved_hours"], row["pending_hours"]) == ("Piknik sąsiedzki", 3, 1.5)
    summary = vol.hours_summary(db, staff, vid)
    assert (summary["approved"], summary["pending"], summary["first"]) == (3, 1.5, date(2026, 2, 10))


# -- the reference (opinia) -----------------------------------------------------------------------------------------------------
def test_reference_pdf_needs_an_assessment_records_the_issue_and_is_erased_with_the_person(db, staff):
    vid, asg = confirmed(db, staff)
    work.decide_hours(db, staff, work.log_hours(db, staff, asg, {"work_date": date(2026, 2, 10), "hours": 4}), True)
    reference = gdpr.request_document(db, staff, vid, "reference", date(2026, 3, 1))
    certificate = gdpr.request_document(db, staff, vid, "certificate", date(2026, 3, 1))
    with pytest.raises(ValidationError) as caught:
        gdpr.reference_pdf(db, staff, reference, "  ")
    assert set(caught.value.errors) == {"assessment"}
    with pytest.raises(ValidationError):
        gdpr.reference_pdf(db, staff, certificate, "Sumienna i punktualna.")
    assert db.scalar("select count(*) from volunteer_document where issued_on is not null") == 0
    pdf = gdpr.reference_pdf(db, staff, reference, "Wolontariuszka sumienna, punktualna, świetnie pracuje z dziećmi.")
    assert pdf.startswith(b"%PDF")
    assert db.scalar("select issued_on from volunteer_document where id = ?", [reference]) == TODAY
    assert list(gdpr.documents(db, staff, vid)["kind"]) == ["certificate", "reference"]  # newest first
    gdpr.anonymise(db, staff, vid)
    assert db.scalar("select count(*) from audit_log where after::varchar like '%punktualna%'") == 0


def test_reference_without_approved_hours_is_refused(db, staff):
    from dashboard.core.errors import Conflict
    vid, _ = confirmed(db, staff)
    reference = gdpr.request_document(db, staff, vid, "reference")
    with pytest.raises(Conflict):
        gdpr.reference_pdf(db, staff, reference, "Bardzo dobra współpraca.")
