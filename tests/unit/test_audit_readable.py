"""The change history reads as Polish (or English) for people, for every area that writes it.

The coordinator traces a figure back through the history: a row that says "volunteer agreement: 319",
"event_type: training", "None" or "2026-11-02T07:00:00" sends them to a developer. Each row is rendered
from the demo data and from real service writes across the areas (rooms, lockers, events, the survey,
volunteers and their erasure, initiatives, budget, results, accounts, settings, the register, the importer),
in both languages, and must show no table or field name as stored, no raw code, no "None" and no ISO timestamp.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time

import pytest

from dashboard import demo
from dashboard.core import clock
from dashboard.core.i18n import catalogue, current_language, in_language, t
from dashboard.services import reservations as res
from dashboard.services.admin import app_settings, audit, importer, users
from dashboard.services.education import advisory, enrolment, trainings
from dashboard.services.initiatives import extras, stages
from dashboard.services.initiatives import records as initiatives
from dashboard.services.register import organisations
from dashboard.services.reporting import budget, results
from dashboard.services.reservations import lockers
from dashboard.services.volunteers import gdpr, work
from dashboard.services.volunteers import register as vol
from db.connection import close_database, get_database
from tests.unit.builders import DETAILS, NEXT_TUESDAY, NOW, TUESDAY, WEDNESDAY, group_initiative

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")          # event_type, volunteer_agreement
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}|\bT\d{2}:")  # 2026-11-02, 07:00:00, T07:
LOGINS = {"username", "created_by", "updated_by", "decided_by", "cancelled_by", "issued_by", "marked_by",
          "waiver_by"}  # a login is shown as it is typed at sign-in


def _world(db, staff, admin) -> None:
    """A day's worth of real writes in every area, through the services as staff and the admin do them."""
    room = res.create_resource(db, admin, {"kind": "room", "name": "Sala szkoleniowa", "capacity": 20})
    locker = res.create_resource(db, admin, {"kind": "locker", "name": "Szafka 1"})
    res.update_resource(db, admin, room, {"kind": "room", "name": "Sala szkoleniowa", "capacity": 24})
    org = organisations.create(db, staff, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja",
                                           "osiedle_id": 25, "email": "biuro@zielona.pl", "phone": "42 638 44 00"})
    organisations.update(db, staff, org, {"name": "Fundacja Zielona Łódź", "legal_form": "stowarzyszenie",
                                          "osiedle_id": 26})
    form = {"resource_id": room, "organisation_id": org, "contact_person": "Zofia Zielińska",
            "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 12, "day": TUESDAY,
            "start": time(12), "end": time(14), "status": "requested"}
    booking = res.create_booking(db, staff, form)
    res.confirm_booking(db, staff, booking)
    res.create_series(db, staff, {**form, "start": time(14), "end": time(15), "status": "confirmed"},
                      every_weeks=1, count=2)
    res.add_closure(db, staff, {"resource_id": room, "date_from": date(2027, 2, 1), "date_to": date(2027, 2, 1),
                                "reason": "Malowanie sali"})
    assignment = lockers.assign_locker(db, staff, {"resource_id": locker, "organisation_id": org,
                                                   "date_from": date(2026, 11, 2)})
    lockers.record_key_handed(db, staff, assignment, date(2026, 11, 2))
    lockers.record_key_returned(db, staff, assignment, date(2026, 11, 2))
    res.cancel_booking(db, staff, res.create_booking(db, staff, {**form, "day": WEDNESDAY, "start": time(16),
                                                                  "end": time(17)}), "Zmiana planów")
    res.set_opening_hours(db, admin, room, [{"weekday": d, "opens": time(8), "closes": time(20)} for d in range(5)])

    event = trainings.create_event(db, staff, {
        "title": "Jak napisać ofertę", "event_type": "training", "topics": ["T4"], "resource_id": room,
        "capacity": 15, "status": "open", "trainer_name": "Łucja Żółkiewska",
        "sessions": [{"day": WEDNESDAY, "start": time(10), "end": time(12)},
                     {"day": NEXT_TUESDAY, "start": time(16), "end": time(19)}]})
    trainings.update_event(db, staff, event, {"title": "Oferta krok po kroku"})
    trainings.add_topic(db, admin, "T9", "Wolontariat pracowniczy")
    enrolment.enrol(db, staff, event, {"full_name": "Anna Uczestniczka", "email": "anna@example.org",
                                       "consent": True})
    trainings.set_event_status(db, staff, event, "planned")
    advisory.add_advisory(db, staff, {"organisation_id": org, "advisor": "Marta Doradczyni", "topic_code": "T3",
                                      "held_on": date(2026, 10, 30), "duration_min": 45, "form": "in_person",
                                      "question": "Zmiana zarządu w KRS?"})
    advisory.record_survey(db, staff, org, {"F1": 5, "F2": 3}, "Więcej szkoleń wieczorem")

    volunteer = vol.register(db, staff, {"first_name": "Łucja", "last_name": "Żółkiewska",
                                         "email": "lucja@example.org", "birth_date": date(1990, 5, 1),
                                         "skills": ["events"], "status": "active", "consent": True,
                                         "consent_on": date(2026, 10, 1)})
    agreement = vol.add_agreement(db, staff, volunteer, {"scope": "Pomoc przy wydarzeniach",
                                                         "starts_on": date(2026, 10, 1), "ends_on": date(2026, 12, 31),
                                                         "form": "written", "signed_on": date(2026, 10, 1)})
    vol.activate_agreement(db, staff, agreement)
    vol.add_consent(db, staff, volunteer, "photos")
    vol.withdraw_consent(db, staff, volunteer, "photos")
    vol.record_safety(db, staff, volunteer, bhp_briefing_on=date(2026, 10, 1))
    vol.record_insurance(db, staff, agreement, "NNW/2026/7", date(2026, 10, 1))
    opportunity = work.create_opportunity(db, staff, {
        "title": "Dyżury w Centrum", "starts_at": datetime(2026, 10, 1, 9), "ends_at": datetime(2026, 10, 31, 17),
        "skills": ["events"], "needed": 2, "host_kind": "centre"})
    duty = work.assign(db, staff, opportunity, volunteer)
    work.confirm(db, staff, duty)
    work.decide_hours(db, staff, work.log_hours(db, staff, duty, {"work_date": date(2026, 10, 29), "hours": 4}),
                      True)
    gdpr.request_document(db, staff, volunteer, "certificate")
    work.set_opportunity_status(db, staff, opportunity, "closed")
    vol.set_status(db, staff, volunteer, "inactive")
    gdpr.anonymise(db, admin, volunteer)

    initiative = initiatives.create(db, staff, group_initiative())
    for step in ("formal_check", "review", "accepted", "preparation"):
        stages.move(db, staff, initiative, step, details=DETAILS.get(step, {}))
    extras.add_support(db, staff, initiative, {"held_on": date(2026, 10, 30), "advisor": "Ewa", "topic": "Kosztorys"})
    extras.score(db, staff, initiative, {"need": 4, "strategy": 3}, reviewer="Ewa")
    extras.set_document(db, staff, initiative, "application", "received", received_on=date(2026, 10, 30))

    cost = budget.add_cost(db, staff, {"spent_on": date(2026, 7, 31), "category_code": "coordination",
                                "source_code": "city_grant", "amount_pln": 7000,
                                "description": "Wynagrodzenie koordynatora — lipiec 2026"})
    budget.update_cost(db, staff, cost, {"spent_on": date(2026, 7, 31), "category_code": "coordination",
                                         "source_code": "city_grant", "amount_pln": 7500,
                                         "description": "Wynagrodzenie koordynatora — lipiec 2026"})
    budget.delete_cost(db, staff, cost)
    budget.set_plan(db, admin, 2026, {("room", "city_grant"): 15000})
    results.set_targets(db, admin, {"participants": 400})
    users.add_user(db, admin, username="ewa", full_name="Ewa Recepcja", role="staff", password="Księży-Młyn-1905")
    users.update_user(db, admin, "ewa", role="coordinator")
    users.set_password(db, admin, "ewa", "Nowe-Hasło-2026!")
    users.record_login_failure(db, "ewa")
    app_settings.set_setting(db, admin, "booking_horizon_days", 60)
    sheet = importer.read("Nazwa;Forma prawna;NIP\nStowarzyszenie Sąsiedzi z Bałut;stowarzyszenie;\n".encode(),
                          "rejestr.csv", "organisations")
    importer.commit(db, admin, sheet)


def _offences(db, actor) -> list[str]:
    """Every piece of a rendered row that a person could not read, with the row it came from."""
    raw = {r["id"]: r for r in audit.history(db, actor, limit=10_000).to_dict("records")}
    found = []
    for row in audit.view(db, actor, limit=10_000).to_dict("records"):
        shown = " | ".join(str(row[c]) for c in ("at", "action", "entity", "entity_id", "before", "after"))
        source = raw[row["id"]]
        for problem, hit in (("snake_case", SNAKE_CASE.search(shown)), ("ISO", ISO_MOMENT.search(shown)),
                             ("None", re.search(r"\bNone\b|\bnan\b|\bNaT\b", shown))):
            if hit:
                found.append(f"{problem} {hit.group(0)!r} in {source['action']}/{source['entity']}: {shown}")
        for code in _codes(source) - set(catalogue(current_language()).values()):  # "fundacja" is Polish
            if re.search(rf"(^|[:;,] ){re.escape(code)}($|[;,])", shown):
                found.append(f"raw code {code!r} in {source['action']}/{source['entity']}: {shown}")
        if source["entity"] and row["entity"] in (source["entity"], source["entity"].replace("_", " ")):
            found.append(f"table name {source['entity']!r} shown as it is stored: {shown}")
    return found


def _codes(source: dict) -> set[str]:
    """The values of a stored row that are codes (lowercase words a program chose: "training", "requested"),
    not a login, a name or a text somebody typed."""
    codes = set()
    for column in ("before", "after"):
        values = json.loads(source[column]) if isinstance(source[column], str) else {}
        for key, value in (values.items() if isinstance(values, dict) else []):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and re.fullmatch(r"[a-z][a-z0-9_]*", item) and key not in LOGINS:
                    codes.add(item)
    return codes


@pytest.fixture
def written(db, staff, admin):
    clock.freeze(NOW)
    _world(db, staff, admin)
    clock.freeze(None)
    return db


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_area_writes_a_history_people_can_read(written, admin, coordinator, lang):
    with in_language(lang):
        assert _offences(written, admin) == []
        assert _offences(written, coordinator) == []


@pytest.fixture(scope="module")
def demo_db(migrated_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("audit_demo") / "civic.duckdb"
    path.write_bytes(migrated_template.read_bytes())
    database = get_database(path)
    demo.fill(database, scale=0.1)
    yield database
    close_database(path)


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_demo_history_reads_as_the_language(demo_db, admin, lang):
    with in_language(lang):
        assert _offences(demo_db, admin) == []
        shown = " ".join(audit.view(demo_db, admin)["after"])
        assert t("entity.volunteer_agreement").lower() in shown.lower(), "the demo's counts name tables as people do"



@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_table_and_column_has_a_name_people_read(db, lang):
    """A write to any table, of any column, shows names from the catalogue: a new column without one fails here."""
    columns = db.rows("select table_name, column_name from information_schema.columns where table_schema = 'main'")
    with in_language(lang):
        known = catalogue(lang)
        assert sorted({table for table, _ in columns if f"entity.{table}" not in known}) == []
        assert sorted({column for _, column in columns if f"audit.field.{column}" not in known}) == []


