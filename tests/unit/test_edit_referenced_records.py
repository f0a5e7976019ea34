"""Records that other records point to can be edited: every field their edit form offers, one at a time and all
at once, through the service; each save is read back from the table.

DuckDB refuses an UPDATE of an indexed or LIST column of a row that a foreign key points to (db/schema_rules.py):
an organisation that had ever booked a room could not be edited at all. So each record here is first made
referenced the way the app references it (an organisation with a booking, a series, a locker, an enrolment, an
advisory entry and a survey answer; a room with bookings; an event with enrolments; a session with attendance;
a volunteer with hours; ...), and only then edited. Any refusal must be a DomainError a page can show, never a
database error.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from dashboard.core import i18n
from dashboard.core.errors import ValidationError
from dashboard.services import reservations as res
from dashboard.services.education import advisory, enrolment, trainings
from dashboard.services.initiatives import extras as initiative_extras
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from dashboard.services.register import organisations
from dashboard.services.reporting import budget
from dashboard.services.reservations import lockers
from dashboard.services.reservations.resources import _RESOURCE_FIELDS
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work
from tests.unit.builders import (
    DETAILS,
    MONDAY,
    NEXT_TUESDAY,
    TUESDAY,
    WEDNESDAY,
    at,
    booking,
    bring_to,
    event_form,
    group_initiative,
)

SESSION_TIME = datetime(2026, 11, 3, 17, 0)  # during the Tuesday session of ``event_form``


def row(db, table: str, record_id, fields) -> dict:
    rows = db.dicts(f"select {', '.join(fields)} from {table} where id = ?", [record_id])
    assert len(rows) == 1
    return rows[0]


def edit_field_by_field(save, read, changes: list[dict], all_at_once: dict) -> None:
    """``save(change)`` each change alone, reading every field of it back; then ``all_at_once`` in one save."""
    for change in changes:
        save(change)
        assert read(change) == change, f"saving {change} did not read back"
    save(all_at_once)
    assert read(all_at_once) == all_at_once


# -- organisation ---------------------------------------------------------------------------------------------
@pytest.fixture
def referenced_organisation(centre, staff):
    """Zielona Łódź with everything that points to an organisation: a booking, a weekly series, a locker, an
    enrolment, an advisory entry and a survey answer."""
    db, org = centre.db, centre.zielona
    organisations.update(db, staff, org, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja", "osiedle_id": 25})
    res.create_booking(db, staff, booking(centre))
    res.create_series(db, staff, booking(centre, day=WEDNESDAY, start=time(12), end=time(13)), every_weeks=1, count=1)
    lockers.assign_locker(db, staff, {"resource_id": centre.locker, "organisation_id": org,
                                      "date_from": date(2026, 11, 2)})
    event = trainings.create_event(db, staff, event_form(centre))
    enrolment.enrol(db, staff, event, {"full_name": "Zofia Zielińska", "email": "zofia@example.org", "consent": True,
                                       "organisation_id": org})
    advisory.add_advisory(db, staff, {"organisation_id": org, "advisor": "Marta Doradczyni", "topic_code": "T3",
                                      "held_on": date(2026, 10, 30), "duration_min": 45, "form": "in_person",
                                      "question": "Zmiana zarządu w KRS?"})
    advisory.record_survey(db, staff, org, {"F1": 5})
    return centre


ORGANISATION_CHANGES = [
    {"name": "Fundacja Zielona Łódź-Widzew"}, {"legal_form": "stowarzyszenie"}, {"krs": "0000428743"},
    {"nip": "8567346215"}, {"regon": "192598184"}, {"street": "ul. Piotrkowska 113"}, {"postal_code": "90-001"},
    {"city": "Zgierz"}, {"osiedle_id": 26}, {"contact_person": "Zofia Zielińska"}, {"email": "biuro@zielona-lodz.pl"},
    {"phone": "+48426384400"}, {"first_served_on": date(2026, 10, 1)}, {"notes": "Spotkania we wtorki"},
    {"osiedle_id": None},
]
ORGANISATION_ALL = {"name": "Stowarzyszenie Zielona Łódź", "legal_form": "inna", "krs": "0000123456",
                    "nip": "7251801126", "regon": "472836141", "street": "ul. Wólczańska 5", "postal_code": "90-002",
                    "city": "Łódź", "osiedle_id": 7, "contact_person": "Jan Zieliński", "email": "jan@zielona-lodz.pl",
                    "phone": "+48600100200", "first_served_on": date(2026, 9, 1), "notes": "Nowy zarząd"}


def test_the_changes_cover_every_field_of_the_organisation_form():
    assert {f for change in ORGANISATION_CHANGES for f in change} == set(organisations.FIELDS) == set(ORGANISATION_ALL)


def test_an_organisation_that_others_point_to_saves_every_field(referenced_organisation, staff):
    db, org = referenced_organisation.db, referenced_organisation.zielona
    assert db.scalar("select count(*) from booking where organisation_id = ?", [org]) == 2

    def save(change):
        current = {f: v for f, v in organisations.get(db, staff, org).items() if f in organisations.FIELDS}
        organisations.update(db, staff, org, {**current, **change})

    edit_field_by_field(save, lambda change: row(db, "organisation", org, change), ORGANISATION_CHANGES,
                        ORGANISATION_ALL)
    assert db.scalar("select count(*) from booking where organisation_id = ?", [org]) == 2  # nothing lost


@pytest.mark.parametrize("field, value, key", [
    ("legal_form", "spolka_akcyjna", "error.legal_form_unknown"),
    ("osiedle_id", 99, "error.osiedle_unknown"),
    ("osiedle_id", "Katedralna", "error.osiedle_unknown"),
])
def test_an_unknown_legal_form_or_osiedle_is_a_message_next_to_its_field(referenced_organisation, staff, field, value,
                                                                        key):
    db, org = referenced_organisation.db, referenced_organisation.zielona
    before = row(db, "organisation", org, organisations.FIELDS)
    with pytest.raises(ValidationError) as refused:
        organisations.update(db, staff, org, {**before, field: value})
    assert {f: m.key for f, m in refused.value.errors.items()} == {field: key}
    assert row(db, "organisation", org, organisations.FIELDS) == before
    for lang in ("pl", "en"):
        assert key in i18n.catalogue(lang)


def test_the_references_are_checked_again_inside_the_write(db, staff):
    """Without foreign keys the service is the only guard: the cursor-level insert (the import's) checks too."""
    clean = organisations.validate(db, {"name": "Klub Seniora Źródło", "legal_form": "grupa_nieformalna"})
    with pytest.raises(ValidationError) as refused:
        db.write(lambda cur: organisations.create_in(cur, staff, {**clean, "legal_form": "spolka", "osiedle_id": 99}))
    assert {f: m.key for f, m in refused.value.errors.items()} == {"legal_form": "error.legal_form_unknown",
                                                                   "osiedle_id": "error.osiedle_unknown"}
    assert db.scalar("select count(*) from organisation") == 0


# -- resource -------------------------------------------------------------------------------------------------
def test_a_room_with_bookings_a_series_and_a_closure_saves_every_field(centre, staff, admin):
    db, room = centre.db, centre.room
    res.create_booking(db, staff, booking(centre))
    res.create_series(db, staff, booking(centre, day=WEDNESDAY, start=time(12), end=time(13)), every_weeks=1, count=1)
    res.add_closure(db, staff, {"resource_id": room, "date_from": date(2027, 2, 1), "date_to": date(2027, 2, 1),
                                "reason": "Malowanie sali"})
    changes = [{"name": "Sala szkoleniowa A"}, {"capacity": 24}, {"location": "I piętro"},
               {"equipment_notes": "Rzutnik, flipchart"}, {"active": False}, {"active": True}, {"kind": "workstation"},
               {"kind": "room"}]
    everything = {"kind": "room", "name": "Sala duża", "capacity": 30, "location": "parter",
                  "equipment_notes": "Nagłośnienie", "active": True}
    assert {f for change in changes for f in change} == set(_RESOURCE_FIELDS) == set(everything)

    edit_field_by_field(lambda change: res.update_resource(db, admin, room, change),
                        lambda change: row(db, "resource", room, change), changes, everything)


def test_a_locker_with_an_assignment_saves_every_field(centre, staff, admin):
    db = centre.db
    lockers.assign_locker(db, staff, {"resource_id": centre.locker, "organisation_id": centre.zielona,
                                      "date_from": date(2026, 11, 2)})
    everything = {"kind": "locker", "name": "Szafka 7", "capacity": 2, "location": "korytarz",
                  "equipment_notes": "Klucz w recepcji", "active": True}
    edit_field_by_field(lambda change: res.update_resource(db, admin, centre.locker, change),
                        lambda change: row(db, "resource", centre.locker, change),
                        [{f: v} for f, v in everything.items() if f != "kind"], everything)


# -- event and session ------------------------------------------------------------------------------------------
@pytest.fixture
def enrolled_event(place, staff):
    """An event with two participants (one from an organisation)."""
    db = place.db
    event = trainings.create_event(db, staff, event_form(place))
    enrolment.enrol(db, staff, event, {"full_name": "Anna Uczestniczka", "email": "anna@example.org",
                                       "consent": True})
    enrolment.enrol(db, staff, event, {"full_name": "Zofia Zielińska", "phone": "601 234 567", "consent": True,
                                       "organisation_id": place.zielona})
    return event


def _event_view(db, event_id: int, fields) -> dict:
    plain = [f for f in fields if f not in ("topics", "sessions")]
    view = row(db, "event", event_id, plain) if plain else {}
    if "topics" in fields:
        view["topics"] = [r[0] for r in db.rows("select topic_code from event_topic where event_id = ? "
                                                "order by topic_code", [event_id])]
    if "sessions" in fields:
        view["sessions"] = [{"day": s.date(), "start": s.time(), "end": e.time()} for s, e in db.rows(
            "select starts_at, ends_at from event_session where event_id = ? order by starts_at", [event_id])]
    return view


def test_an_event_with_enrolments_saves_every_field(place, enrolled_event, staff, admin):
    db = place.db
    big = res.create_resource(db, admin, {"kind": "room", "name": "Sala duża", "capacity": 40})
    sessions = [{"day": TUESDAY, "start": time(16), "end": time(19)},
                {"day": NEXT_TUESDAY, "start": time(17), "end": time(20)}]
    changes = [
        {"title": "Oferta krok po kroku"}, {"event_type": "specialist_meeting"},
        {"event_type": "integration_meeting", "partner_kind": "city_hall", "partner_name": "Biuro ds. Partycypacji"},
        {"partner_kind": "council"}, {"partner_name": "Rada Miejska"},
        {"event_type": "training", "partner_kind": None, "partner_name": None},
        {"description": "Warsztat z przykładami"}, {"trainer_name": "Jan Kowalski"},
        {"trainer_organisation": "Fundacja Trenerska"}, {"resource_id": big}, {"capacity": 18},
        {"target_group": "grupy nieformalne"}, {"status": "planned"}, {"status": "open"}, {"topics": ["T1", "T4"]},
        {"sessions": sessions},
    ]
    everything = {"title": "Księgowość dla NGO", "event_type": "specialist_meeting", "partner_kind": None,
                  "partner_name": None, "description": "Dla skarbników", "trainer_name": "Ewa Księgowa",
                  "trainer_organisation": "Biuro Rachunkowe", "resource_id": place.room, "capacity": 16,
                  "target_group": "skarbnicy", "status": "open", "topics": ["T5"],
                  "sessions": [{"day": TUESDAY, "start": time(15), "end": time(18)},
                               {"day": NEXT_TUESDAY, "start": time(16), "end": time(19)}]}
    with db.transaction() as cur:
        form = trainings._form_values(cur, trainings.event_row(cur, enrolled_event))
    offered = {"title", "event_type", "partner_kind", "partner_name", "description", "trainer_name",
               "trainer_organisation", "resource_id", "capacity", "target_group", "status", "topics", "sessions"}
    assert offered <= set(form) and {f for change in changes for f in change} == offered == set(everything)

    edit_field_by_field(lambda change: trainings.update_event(db, staff, enrolled_event, change),
                        lambda change: _event_view(db, enrolled_event, change), changes, everything)
    assert db.scalar("select count(*) from enrolment where event_id = ? and status = 'enrolled'", [enrolled_event]) == 2


def test_a_session_with_attendance_and_an_enrolment_with_feedback_can_still_change(place, enrolled_event, staff):
    db = place.db
    first, _second = [r[0] for r in db.rows("select id from event_session where event_id = ? order by starts_at",
                                           [enrolled_event])]
    anna, zofia = [r[0] for r in db.rows("select id from enrolment where event_id = ? order by id", [enrolled_event])]
    at(SESSION_TIME)
    enrolment.record_attendance(db, staff, first, {anna: True, zofia: True})
    enrolment.record_feedback(db, staff, anna, 5, "Bardzo praktyczne")
    at(datetime(2026, 11, 2, 8, 0))  # back before the event: a session with attendance now moves like any other

    trainings.move_session(db, staff, first, WEDNESDAY, time(14), time(17))
    assert row(db, "event_session", first, ["starts_at", "ends_at"]) == {
        "starts_at": datetime(2026, 11, 4, 14), "ends_at": datetime(2026, 11, 4, 17)}
    trainings.update_event(db, staff, enrolled_event, {"title": "Oferta — edycja 2", "capacity": 20})
    assert row(db, "event", enrolled_event, ["title", "capacity"]) == {"title": "Oferta — edycja 2", "capacity": 20}

    enrolment.cancel_enrolment(db, staff, anna, "Rezygnacja")  # the enrolment has attendance and feedback
    assert row(db, "enrolment", anna, ["status", "cancel_reason"]) == {"status": "cancelled",
                                                                       "cancel_reason": "Rezygnacja"}
    assert db.scalar("select count(*) from attendance where enrolment_id = ?", [anna]) == 1


def test_a_series_with_bookings_can_be_cancelled(centre, staff):
    db = centre.db
    made = res.create_series(db, staff, booking(centre, start=time(14), end=time(15)), every_weeks=1, count=2)
    res.cancel_series(db, staff, made["series_id"], "Koniec projektu")
    assert row(db, "booking_series", made["series_id"], ["cancel_reason"]) == {"cancel_reason": "Koniec projektu"}


def test_a_topic_that_events_and_advice_use_can_be_switched_off_and_on(place, enrolled_event, staff, admin):
    db = place.db
    advisory.add_advisory(db, staff, {"organisation_id": place.zielona, "advisor": "Marta", "topic_code": "T4",
                                      "held_on": date(2026, 10, 30), "duration_min": 30, "form": "phone",
                                      "question": "Budżet oferty?"})
    for active in (False, True):
        trainings.set_topic_active(db, admin, "T4", active)
        assert db.scalar("select active from topic where code = 'T4'") is active


# -- volunteers -----------------------------------------------------------------------------------------------
@pytest.fixture
def volunteer_at_work(db, staff):
    """A volunteer with an agreement, a confirmed assignment and approved hours (what the register points to)."""
    at(datetime(2026, 11, 2, 8, 0))
    vid = vol.register(db, staff, {"first_name": "Łucja", "last_name": "Żółkiewska", "email": "lucja@example.org",
                                   "birth_date": date(1990, 5, 1), "skills": ["events"], "status": "active",
                                   "consent": True, "consent_on": date(2026, 10, 1)})
    agreement = vol.add_agreement(db, staff, vid, {"scope": "Pomoc przy wydarzeniach", "starts_on": date(2026, 10, 1),
                                                   "ends_on": date(2026, 12, 31), "form": "written",
                                                   "signed_on": date(2026, 10, 1)})
    vol.activate_agreement(db, staff, agreement)
    opportunity = work.create_opportunity(db, staff, {"title": "Dyżury w Centrum", "starts_at": datetime(2026, 10, 1, 9),
                                                      "ends_at": datetime(2026, 10, 31, 17), "skills": ["events"],
                                                      "needed": 2, "host_kind": "centre"})
    assignment = work.assign(db, staff, opportunity, vid)
    work.confirm(db, staff, assignment)
    work.decide_hours(db, staff, work.log_hours(db, staff, assignment, {"work_date": date(2026, 10, 30), "hours": 3}),
                      True)
    return vid, opportunity


def test_a_volunteer_with_hours_saves_every_field(db, staff, volunteer_at_work):
    vid, _ = volunteer_at_work
    changes = [{"first_name": "Łucja Anna"}, {"last_name": "Kowalska"}, {"email": "lucja.k@example.org"},
               {"phone": "+48601234567"}, {"birth_date": None, "birth_year": 1991},
               {"birth_year": 1991, "birth_date": date(1991, 3, 4)},
               {"skills": ["events", "it"]}, {"tags": ["ogród"]}, {"languages": ["en", "uk"]},
               {"availability": ["sat_morning", "tue_evening"]}, {"osiedle_id": 26}, {"status": "inactive"},
               {"status": "active"}, {"found_via": "Facebook"}, {"notes": "Woli soboty"}]
    everything = {"first_name": "Ola", "last_name": "Nowak", "email": "ola@example.org", "phone": "+48600100200",
                  "birth_year": 1985, "birth_date": date(1985, 1, 2), "skills": ["seniors"], "tags": ["teatr"],
                  "languages": ["de"], "availability": ["mon_morning"], "osiedle_id": 3, "status": "active",
                  "found_via": "Znajomi", "notes": "Prawo jazdy"}
    offered = {"first_name", "last_name", "email", "phone", "birth_year", "birth_date", "skills", "tags", "languages",
               "availability", "osiedle_id", "status", "found_via", "notes"}
    assert {f for change in changes for f in change} == offered == set(everything)

    edit_field_by_field(lambda change: vol.update(db, staff, vid, change),
                        lambda change: row(db, "volunteer", vid, change), changes, everything)
    vol.record_safety(db, staff, vid, bhp_briefing_on=date(2026, 10, 2), child_check_on=date(2026, 10, 3),
                      child_check_ok=True)
    assert row(db, "volunteer", vid, ["bhp_briefing_on", "child_check_ok"]) == {
        "bhp_briefing_on": date(2026, 10, 2), "child_check_ok": True}
    assert db.scalar("select sum(hours) from volunteer_hours where volunteer_id = ?", [vid]) == Decimal("3")


def test_an_opportunity_with_an_assignment_and_hours_changes_status(db, staff, volunteer_at_work):
    _, opportunity = volunteer_at_work
    work.set_opportunity_status(db, staff, opportunity, "closed")
    assert row(db, "volunteer_opportunity", opportunity, ["status"]) == {"status": "closed"}


# -- initiatives --------------------------------------------------------------------------------------------------
def test_an_initiative_with_history_scores_support_and_documents_saves_every_field(db, staff, admin):
    at(MONDAY)
    org = organisations.create(db, staff, {"name": "Stowarzyszenie Sąsiedzi z Bałut", "legal_form": "stowarzyszenie"})
    new_id = initiatives.create(db, staff, group_initiative())
    initiative_stages.move(db, staff, new_id, "formal_check")
    initiative_extras.score(db, staff, new_id, {"need": 4}, reviewer="Ewa")
    initiative_extras.add_support(db, staff, new_id, {"held_on": date(2026, 3, 2), "advisor": "Ewa",
                                                      "topic": "Kosztorys"})
    initiative_extras.set_document(db, staff, new_id, "application", "received", date(2026, 3, 2))
    changes = [{"title": "Ogród sąsiedzki przy Tuwima 2"}, {"description": "Grządki, ławki i kompostownik"},
               {"sphere": "culture"}, {"osiedle_id": 25}, {"leader_name": "Anna Nowak"},
               {"leader_email": "anna@example.org"}, {"leader_phone": "+48601000111"}, {"supporters": 50},
               {"partners": "Szkoła Podstawowa nr 5"}, {"planned_start": date(2026, 5, 15)},
               {"planned_end": date(2026, 7, 15)}, {"city_part_pln": Decimal("11000.00")},
               {"city_part_description": "Sadzonki"}, {"social_work_hours": Decimal("150.00")},
               {"in_kind_pln": Decimal("2000.00")}, {"in_kind_description": "Narzędzia i farby"},
               {"money_pln": Decimal("700.00")},
               {"applicant_kind": "organisation", "organisation_id": org, "leader_name": None, "leader_email": None,
                "leader_phone": None}]
    everything = {"title": "Skwer przy Wólczańskiej", "description": "Ławki", "sphere": "nature", "osiedle_id": 26,
                  "applicant_kind": "group", "organisation_id": None, "leader_name": "Jan Kowalski",
                  "leader_email": "jan@example.org", "leader_phone": "+48601234567", "supporters": 42,
                  "partners": "Rada Osiedla", "planned_start": date(2026, 6, 1), "planned_end": date(2026, 6, 30),
                  "city_part_pln": Decimal("9000.00"), "city_part_description": "Ławki",
                  "social_work_hours": Decimal("100.00"), "in_kind_pln": Decimal("500.00"),
                  "in_kind_description": "Farby", "money_pln": Decimal("0.00")}
    # the rate of an hour of social work is the city's setting, not a field of the application
    assert {f for change in changes for f in change} | {"social_work_rate_pln"} == set(initiatives.FIELDS)

    def save(change):
        current = row(db, "initiative", new_id, initiatives.FIELDS)
        initiatives.update(db, staff, new_id, {**current, **change})

    edit_field_by_field(save, lambda change: row(db, "initiative", new_id, change), changes, everything)
    assert db.scalar("select count(*) from initiative_history where initiative_id = ?", [new_id]) == 2


def test_an_initiative_in_preparation_saves_its_preparation_fields(db, staff):
    at(MONDAY)
    new_id = bring_to(db, staff, "preparation")
    changes = [{"responsible_unit": "Zarząd Inwestycji Miejskich"}, {"schedule": "czerwiec–lipiec"},
               {"cost_estimate_pln": Decimal("12400.50")}]
    everything = {"responsible_unit": DETAILS["preparation"]["responsible_unit"], "schedule": "maj",
                  "cost_estimate_pln": Decimal("11800.00")}
    def save(change):
        current = row(db, "initiative", new_id, everything)
        initiative_stages.update_preparation(db, staff, new_id, {**current, **change})

    edit_field_by_field(save, lambda change: row(db, "initiative", new_id, change), changes, everything)


# -- budget: categories and sources are pointed to by plans and costs ------------------------------------------
def test_costs_and_plans_of_a_category_and_source_save_every_field(db, staff, admin):
    at(datetime(2026, 11, 2, 8, 0))
    cost = budget.add_cost(db, staff, {"spent_on": date(2026, 7, 31), "category_code": "coordination",
                                       "source_code": "city_grant", "amount_pln": 7000,
                                       "description": "Koordynator — lipiec", "document_no": "LP/2026/07/001"})
    changes = [{"spent_on": date(2026, 8, 31)}, {"category_code": "trainers"}, {"source_code": "own_financial"},
               {"amount_pln": Decimal("7250.50")}, {"description": "Trener — sierpień"},
               {"document_no": "LP/2026/08/001"}]
    everything = {"spent_on": date(2026, 9, 30), "category_code": "room", "source_code": "in_kind",
                  "amount_pln": Decimal("1500.00"), "description": "Sala — wrzesień", "document_no": None}
    assert {f for change in changes for f in change} == set(budget.COST_FIELDS) == set(everything)

    def save(change):
        current = row(db, "budget_cost", cost, budget.COST_FIELDS)
        budget.update_cost(db, staff, cost, {**current, **change})

    edit_field_by_field(save, lambda change: row(db, "budget_cost", cost, change), changes, everything)
    budget.set_plan(db, admin, 2026, {("room", "in_kind"): 9500})
    assert db.scalar("select amount_pln from budget_plan where year = 2026 and category_code = 'room' "
                     "and source_code = 'in_kind'") == Decimal("9500.00")
