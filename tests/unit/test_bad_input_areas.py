"""The bad-input corpus of ``test_bad_input`` against every other write service.

Events (create/update), enrolment (enrol, walk-in, feedback), the advisory log and the expectations
survey, volunteers (register, consents, safety, agreements, insurance), volunteer work (opportunities,
hours), local initiatives (application, stage moves with their notes and reasons, scoring, the support
log, documents), budget costs, result targets and settings get the same corpus, field by field, with
the same guarantee: each call either

* saves exactly what was given, read back from its table — "what was given" allowing only the
  documented normalisations (``text``: ``validators.clean_text``'s strip, control characters dropped,
  '' stored as NULL; an empty optional choice takes its documented default; a date left empty is
  today where the service says so), or
* raises a ``DomainError`` whose message key — and each field message key of a ``ValidationError`` —
  exists in the merged Polish catalogue (``i18n.catalogue("pl")``: pl.json plus every area file),
  leaving every table's row count exactly as it was.

Anything else (a raw DuckDB/Python exception, a half-written row, a value that comes back changed)
fails, with the service, field and input in the failure message (one test per service and field tries
every value; it lists every value that failed). The corpus is ``bad_input_corpus.CORPUS``
plus a few number-ish texts and floats that are not finite (``EXTRA``).

One migrated database per module; a target that needs a fresh record (an initiative in a given
stage, a volunteer with a consent to withdraw) makes it in its setup, before the row counts are taken.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from dashboard.core import clock, i18n
from dashboard.core.errors import DomainError, ValidationError
from dashboard.services import reservations as res
from dashboard.services.admin import app_settings
from dashboard.services.education import advisory, enrolment, trainings
from dashboard.services.initiatives import extras as initiative_extras
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from dashboard.services.reporting import budget, results
from dashboard.services.volunteers import register as volunteers
from dashboard.services.volunteers import work as volunteer_work
from db.connection import close_database, get_database, migrate
from tests.unit.bad_input_corpus import (
    ADMIN,
    CORPUS,
    NOW,
    STAFF,
    UNSAVABLE,
    World,
    a_day,
    a_time,
    an_id,
    describe,
    lower_text,
    optional_id,
    phone,
    text,
)

PL = i18n.catalogue("pl")
TODAY = NOW.date()
MISSING = object()

# Beyond the shared corpus: texts a float() parse turns into NaN/infinity, and such floats themselves.
EXTRA: list[tuple[str, Any]] = [
    ("nan_text", "nan"),
    ("inf_text", "inf"),
    ("float_nan", float("nan")),
    ("float_inf", float("inf")),
]
VALUES = CORPUS + EXTRA


# -- what "saved as given" means ----------------------------------------------------------------------------
def text_max(limit: int, required: bool = False) -> Callable:
    """clean_text's stored form within ``limit``; empty is NULL unless required (then it must be refused)."""
    def expect(value):
        cleaned = text(value)
        if cleaned is None:
            return UNSAVABLE if required else None
        return cleaned if len(cleaned) <= limit else UNSAVABLE
    expect.is_text = True
    return expect


def day_in(lo: date = date.min, hi: date = date.max, empty: Any = UNSAVABLE) -> Callable:
    def expect(value):
        if value is None or value == "":
            return empty
        if isinstance(value, datetime) or not isinstance(value, date):
            return UNSAVABLE
        return value if lo <= value <= hi else UNSAVABLE
    return expect


def int_in(lo: int, hi: int, empty: Any = UNSAVABLE) -> Callable:
    def expect(value):
        if value is None or value == "":
            return empty
        if isinstance(value, bool) or not isinstance(value, int):
            return UNSAVABLE
        return value if lo <= value <= hi else UNSAVABLE
    return expect


def number_in(lo: float, hi: float, lo_open: bool = False, empty: Any = UNSAVABLE) -> Callable:
    def expect(value):
        if value is None or value == "":
            return empty
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return UNSAVABLE
        return value if (lo < value if lo_open else lo <= value) and value <= hi else UNSAVABLE
    return expect


def one_of(options, empty: Any = UNSAVABLE) -> Callable:
    def expect(value):
        if value is None or value == "":
            return empty
        return value if isinstance(value, str) and value in options else UNSAVABLE
    return expect


def only_true(value):
    return True if value is True else UNSAVABLE


def code_list(allowed=None, pattern: str | None = None) -> Callable:
    """A one-item multiselect: the code stripped and lower-cased; a blank item is dropped."""
    def expect(value):
        code = str(value).strip().lower()
        if not code:
            return []
        if (allowed is not None and code not in allowed) or (pattern and not re.fullmatch(pattern, code)):
            return UNSAVABLE
        return [code]
    return expect


def tag_list(value):
    cleaned = text(value)
    if cleaned is None:
        return []
    return [cleaned.lower()] if len(cleaned) <= 40 else UNSAVABLE


def no_amount(empty: Any) -> Callable:
    """An amount field: no corpus value is a valid amount, so only an empty one is saved (as ``empty``)."""
    def expect(value):
        return empty if value is None or value == "" else UNSAVABLE
    return expect


def as_datetime(after: datetime | None = None, before: datetime | None = None) -> Callable:
    """A day given for a date-time field is its midnight; it must fall strictly after/before the other end."""
    def expect(value):
        if isinstance(value, datetime) or not isinstance(value, date):
            return UNSAVABLE
        moment = datetime.combine(value, time())
        return moment if (after is None or moment > after) and (before is None or moment < before) else UNSAVABLE
    return expect


# -- the world ---------------------------------------------------------------------------------------------
class AreaWorld(World):
    """test_bad_input's world (rooms, an organisation) plus events, a volunteer at work and an initiative."""

    def __init__(self, db):
        super().__init__(db)
        clock.freeze(NOW)
        make = lambda name, capacity: res.create_resource(  # noqa: E731
            db, ADMIN, {"kind": "room", "name": name, "capacity": capacity})
        self.rooms = {"create": make("Sala A", 20), "update": make("Sala B", 20), "events": make("Sala C", 20),
                      "walk_in": make("Sala duża", 300)}
        self.room_slots = {key: iter(self.slots) for key in self.rooms}
        tuesday = date(2026, 11, 10)
        self.enrol_event = trainings.create_event(db, STAFF, event_base(self.rooms["events"], tuesday, time(12),
                                                                        time(13)))
        self.walk_event = trainings.create_event(db, STAFF, {
            **event_base(self.rooms["walk_in"], TODAY, time(12), time(13)), "capacity": 300})
        self.walk_session = db.scalar("select id from event_session where event_id = ?", [self.walk_event])
        self.participant = enrolment.enrol(db, STAFF, self.enrol_event, {
            "full_name": "Anna Uczestniczka", "email": "anna@example.org", "consent": True})["id"]
        self.topics = {r[0] for r in db.rows("select code from topic where active")}
        self.skills = {r[0] for r in db.rows("select code from volunteer_skill where active")}
        self.volunteer = volunteers.register(db, STAFF, volunteer_base(self.next()))
        agreement = volunteers.add_agreement(db, STAFF, self.volunteer, AGREEMENT_BASE)
        volunteers.record_insurance(db, STAFF, agreement, "NNW/2026/7", date(2026, 10, 1))
        volunteers.activate_agreement(db, STAFF, agreement)
        self.draft_agreement = volunteers.add_agreement(db, STAFF, self.volunteer, AGREEMENT_BASE)
        opportunity = volunteer_work.create_opportunity(db, STAFF, {
            **OPPORTUNITY_BASE, "starts_at": datetime(2026, 10, 1, 9), "ends_at": datetime(2026, 10, 31, 17)})
        self.assignment = volunteer_work.assign(db, STAFF, opportunity, self.volunteer)
        volunteer_work.confirm(db, STAFF, self.assignment)
        self.initiative = initiatives.create(db, STAFF, initiative_base())
        self.criteria = {c["code"] for c in initiative_extras.criteria(db)}
        self.document_kinds = {r[0] for r in db.rows("select code from initiative_document_kind")}
        self.spheres = {s["code"] for s in initiatives.spheres(db)}
        self.targets = set(results.targets(db)["code"])
        self.pool: dict[str, list] = {}
        clock.freeze(None)

    def pooled(self, key: str, make: Callable[[], Any]) -> Any:
        """A record a refused case left unchanged, or a new one (made before the counts are taken)."""
        if self.pool.get(key):
            return self.pool[key].pop()
        return make()

    def reusing(self, key: str, record: Any, call: Callable[[], Any]) -> Callable[[], Any]:
        """``call``, giving ``record`` back to the pool when the call is refused (so nothing changed)."""
        def run():
            try:
                return call()
            except DomainError:
                self.pool.setdefault(key, []).append(record)
                raise
        return run

    def slot(self, room: str) -> tuple[date, time, time]:
        day, start = next(self.room_slots[room])
        return day, start, (datetime.combine(day, start) + timedelta(minutes=30)).time()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("bad_input_areas") / "civic.duckdb"
    database = get_database(path)
    migrate(database)
    clock.freeze(NOW)
    try:
        built = AreaWorld(database)
    finally:
        clock.freeze(None)
    yield built
    close_database(path)


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def one_row(world, sql: str, params: list) -> dict:
    rows = world.db.dicts(sql, params)
    assert len(rows) == 1, f"expected one row for {params}, found {len(rows)}"
    return rows[0]


# -- events ------------------------------------------------------------------------------------------------
def event_base(room: int, day: date, start: time, end: time) -> dict:
    return {"title": "Warsztat z pisania ofert", "event_type": "training", "topics": ["T4"],
            "description": "Krok po kroku", "trainer_name": "Łucja Żółkiewska", "trainer_organisation": "Fundacja",
            "resource_id": room, "capacity": 15, "target_group": "organizacje", "status": "open",
            "sessions": [{"day": day, "start": start, "end": end}]}


SESSION_FIELDS = {"sessions.0.day": "day", "sessions.0.start": "start", "sessions.0.end": "end"}


def _event_data(world, room_key: str, field: str, value: Any, base: dict | None = None) -> dict:
    day, start, end = world.slot(room_key)
    data = {**event_base(world.rooms[room_key], day, start, end), **(base or {})}
    if field in SESSION_FIELDS:
        data["sessions"] = [{**data["sessions"][0], SESSION_FIELDS[field]: value}]
    elif field == "topics":
        data["topics"] = [value]
    else:
        data[field] = value
    return data


EVENT_EXPECT: dict[str, Callable] = {
    "title": text_max(200, required=True), "description": text_max(4000), "trainer_name": text_max(120),
    "trainer_organisation": text_max(200), "target_group": text_max(300),
    "event_type": one_of(trainings.TYPES), "capacity": int_in(1, 20), "status": one_of(("planned", "open"), "open"),
    "resource_id": an_id, "sessions.0.day": a_day, "sessions.0.start": a_time, "sessions.0.end": a_time,
}
EVENT_TOPIC_EXPECT = lambda world: one_of(world.topics)  # noqa: E731
INTEGRATION = {"event_type": "integration_meeting", "partner_kind": "city_hall", "partner_name": "Urząd Miasta"}
INTEGRATION_EXPECT = {"partner_kind": one_of(trainings.PARTNERS), "partner_name": text_max(200)}
EVENT_CREATE_GROWS = {"event": 1, "event_topic": 1, "event_session": 1, "booking": 1, "booking_slot": 1,
                      "audit_log": None}


def event_create(world, field, value):
    data = _event_data(world, "create", field, value)
    return (lambda: trainings.create_event(world.db, STAFF, data)), EVENT_CREATE_GROWS


def event_create_integration(world, field, value):
    data = _event_data(world, "create", field, value, INTEGRATION)
    return (lambda: trainings.create_event(world.db, STAFF, data)), EVENT_CREATE_GROWS


def _new_update_event(world) -> tuple:
    day, start, end = world.slot("update")
    event_id = trainings.create_event(world.db, STAFF, event_base(world.rooms["update"], day, start, end))
    return event_id, world.db.scalar("select id from event_session where event_id = ?", [event_id]), day, start, end


def event_update(world, field, value):
    record = world.pooled("event", lambda: _new_update_event(world))
    event_id, session, day, start, end = record
    if field in SESSION_FIELDS:
        data = {"sessions": [{"id": session, "day": day, "start": start, "end": end, SESSION_FIELDS[field]: value}]}
    else:
        data = {field: [value] if field == "topics" else value}
    call = world.reusing("event", record, lambda: (trainings.update_event(world.db, STAFF, event_id, data) and event_id)
                         or event_id)
    return call, {"booking_slot": "any", "audit_log": "any"}


def event_read(world, event_id):
    event = trainings.get_event(world.db, STAFF, event_id)
    assert len(event["sessions"]) == 1, f"event {event_id} has {len(event['sessions'])} sessions"
    session = event["sessions"][0]
    booking = one_row(world, "select starts_at, ends_at, status from booking where id = ?", [session["booking_id"]])
    assert (booking["starts_at"], booking["ends_at"]) == (session["starts_at"], session["ends_at"])
    slots = world.db.scalar("select count(*) from booking_slot where booking_id = ?", [session["booking_id"]])
    assert slots == (session["ends_at"] - session["starts_at"]).total_seconds() // 1800
    return {**event, "topics": event["topics"][0] if len(event["topics"]) == 1 else event["topics"],
            "sessions.0.day": session["starts_at"].date(), "sessions.0.start": session["starts_at"].time(),
            "sessions.0.end": session["ends_at"].time()}


# -- enrolment, walk-ins, feedback -------------------------------------------------------------------------
PERSON_EXPECT: dict[str, Callable] = {
    "full_name": text_max(200, required=True), "email": lower_text, "phone": phone,
    "organisation_id": optional_id, "consent": only_true, "consent_on": day_in(hi=TODAY, empty=TODAY),
}


def person_data(world, field, value) -> dict:
    n = world.next()
    data = {"full_name": "Anna Nowak", "email": f"osoba{n}@example.org", "phone": None, "organisation_id": None,
            "consent": True, "consent_on": date(2026, 11, 1)}
    if field == "email":
        data["phone"] = f"+48 601 {n // 1000:03d} {n % 1000:03d}"
    return {**data, field: value}


def enrol(world, field, value):
    data = person_data(world, field, value)
    return (lambda: enrolment.enrol(world.db, STAFF, world.enrol_event, data)["id"]), \
        {"enrolment": 1, "enrolment_contact": None, "event_seat": (0, 1), "audit_log": None}


def enrol_event_id(world, field, value):
    data = person_data(world, "full_name", "Anna Nowak")
    return (lambda: enrolment.enrol(world.db, STAFF, value, data)["id"]), \
        {"enrolment": 1, "enrolment_contact": None, "event_seat": (0, 1), "audit_log": None}


def walk_in(world, field, value):
    data = person_data(world, field, value)
    return (lambda: enrolment.add_walk_in(world.db, STAFF, world.walk_session, data)), \
        {"enrolment": 1, "enrolment_contact": None, "event_seat": 1, "attendance": 1, "audit_log": None}


def walk_in_session(world, field, value):
    data = person_data(world, "full_name", "Anna Nowak")
    return (lambda: enrolment.add_walk_in(world.db, STAFF, value, data)), \
        {"enrolment": 1, "enrolment_contact": None, "event_seat": 1, "attendance": 1, "audit_log": None}


def enrolment_read(world, enrolment_id):
    row = one_row(world, "select * from enrolment where id = ?", [enrolment_id])
    keys = {r[0] for r in world.db.rows("select contact_key from enrolment_contact where enrolment_id = ?",
                                        [enrolment_id])}
    assert keys == set(enrolment.contact_keys(row)), f"contact keys {keys} do not match the row"
    return {**row, "event_id(argument)": row["event_id"], "session_id(argument)": row["event_id"]}


FEEDBACK_EXPECT = {"rating": int_in(1, 5), "comment": text_max(2000)}


def feedback(world, field, value):
    data = {"rating": 4, "comment": "Bardzo dobre", field: value}
    return (lambda: enrolment.record_feedback(world.db, STAFF, world.participant, **data) or world.participant), \
        {"feedback": (0, 1), "audit_log": 1}


def feedback_enrolment(world, field, value):
    return (lambda: enrolment.record_feedback(world.db, STAFF, value, 4, "x") or value), {"feedback": (0, 1),
                                                                                          "audit_log": 1}


def feedback_read(world, enrolment_id):
    return {**one_row(world, "select rating, comment from feedback where enrolment_id = ?", [enrolment_id]),
            "enrolment_id(argument)": enrolment_id}


# -- advisory log and the expectations survey --------------------------------------------------------------
ADVISORY_EXPECT: dict[str, Callable] = {
    "organisation_id": an_id, "advisor": text_max(120, required=True), "topic_code": lambda v: v,
    "held_on": day_in(date(2000, 1, 1), TODAY), "duration_min": int_in(5, 600), "form": one_of(advisory.FORMS),
    "question": text_max(2000, required=True), "outcome": text_max(2000),
}


def advisory_add(world, field, value):
    data = {"organisation_id": world.org, "advisor": "Doradca Dorota", "topic_code": "T4",
            "held_on": date(2026, 10, 30), "duration_min": 60, "form": "in_person",
            "question": "Jak rozliczyć dotację?", "outcome": "Wzór sprawozdania", field: value}
    return (lambda: advisory.add_advisory(world.db, STAFF, data)), {"advisory": 1, "audit_log": 1}


def advisory_read(world, advisory_id):
    return one_row(world, "select * from advisory where id = ?", [advisory_id])


SURVEY_EXPECT: dict[str, Callable] = {
    "free_text": text_max(4000), "answered_on": day_in(empty=TODAY), "priority": int_in(1, 5),
    "service_code": one_of(("F1", "F2", "F3")), "organisation_id(argument)": an_id,
}


def survey(world, field, value):
    kwargs = {"organisation_id": world.org, "answers": {"F1": 4}, "free_text": "Więcej szkoleń",
              "answered_on": date(2026, 10, 30)}
    if field == "priority":
        kwargs["answers"] = {"F1": value}
    elif field == "service_code":
        kwargs["answers"] = {value: 3}
    elif field == "organisation_id(argument)":
        kwargs["organisation_id"] = value
    else:
        kwargs[field] = value
    return (lambda: advisory.record_survey(world.db, STAFF, **kwargs) or kwargs["organisation_id"]), \
        {"survey_response": (0, 1), "survey_answer": "any", "audit_log": 1}


def survey_read(world, organisation_id):
    got = advisory.survey_response(world.db, STAFF, organisation_id)
    assert got is not None
    (code, priority), = got["answers"].items()
    return {**got, "priority": priority, "service_code": code, "organisation_id(argument)": organisation_id}


# -- volunteers --------------------------------------------------------------------------------------------
def volunteer_base(n: int) -> dict:
    return {"first_name": "Łucja", "last_name": "Żółkiewska", "email": f"wolontariusz{n}@example.org",
            "birth_date": date(1990, 5, 1), "skills": ["events"], "availability": ["sat_morning"],
            "status": "active", "consent": True, "consent_on": date(2026, 10, 1)}


def register_expect(world) -> dict[str, Callable]:
    year = TODAY.year
    return {
        "first_name": text_max(100, True), "last_name": text_max(100, True), "email": lower_text, "phone": phone,
        "birth_year": int_in(year - 100, year - 10), "birth_date": day_in(date(year - 100, 1, 1),
                                                                          date(year - 10, 12, 31)),
        "skills": code_list(world.skills), "languages": code_list(pattern="[a-z]{2}"),
        "availability": code_list(volunteers.SLOTS), "tags": tag_list, "osiedle_id": optional_id,
        "status": one_of(volunteers.STATUSES, "candidate"), "found_via": text_max(200), "notes": text_max(2000),
        "consent": only_true, "consent_on": day_in(hi=TODAY, empty=TODAY),
        "consent_scope": lambda v: (text_max(500)(v) or "rejestr wolontariuszy Centrum Obywatelskiego"),
        "guardian_name": text_max(200),
        "guardian_consent_on": day_in(hi=TODAY, empty=date(2026, 10, 1)),
    }


def register(world, field, value):
    n = world.next()
    data = volunteer_base(n)
    if field in ("skills", "languages", "availability", "tags"):
        value = [value]
    if field == "email":
        data["phone"] = f"+48 602 {n // 1000:03d} {n % 1000:03d}"
    if field == "birth_year":
        data["birth_date"] = None
    if field == "guardian_consent_on":
        data["guardian_name"] = "Anna Opiekunka"
    data[field] = value
    return (lambda: volunteers.register(world.db, STAFF, data)), \
        {"volunteer": 1, "volunteer_consent": None, "audit_log": 1}


def volunteer_read(world, volunteer_id):
    row = one_row(world, "select * from volunteer where id = ?", [volunteer_id])
    consents = {c["kind"]: c for c in world.db.dicts(
        "select kind, given_on, scope, guardian_name from volunteer_consent where volunteer_id = ?", [volunteer_id])}
    guardian = consents.get("guardian", {})
    return {**row, "consent": "processing" in consents, "consent_on": consents["processing"]["given_on"],
            "consent_scope": consents["processing"]["scope"], "guardian_name": guardian.get("guardian_name"),
            "guardian_consent_on": guardian.get("given_on")}


CONSENT_EXPECT: dict[str, Callable] = {
    "kind": one_of(volunteers.CONSENT_KINDS), "given_on": day_in(hi=TODAY, empty=TODAY), "scope": text_max(500),
    "guardian_name": text_max(200, required=True),
}


def consent_add(world, field, value):
    data = {"kind": "guardian" if field == "guardian_name" else "photos", "given_on": date(2026, 10, 5),
            "scope": "Zdjęcia z wydarzeń", "guardian_name": "Anna Opiekunka", field: value}
    return (lambda: volunteers.add_consent(world.db, STAFF, world.volunteer, **data)), \
        {"volunteer_consent": 1, "audit_log": 1}


def consent_read(world, consent_id):
    return one_row(world, "select * from volunteer_consent where id = ?", [consent_id])


WITHDRAW_EXPECT = {"kind": one_of(("photos",)), "withdrawn_on": day_in(lo=date(2026, 10, 1), empty=TODAY)}


def consent_withdraw(world, field, value):
    volunteer_id = world.pooled("photos", lambda: volunteers.register(
        world.db, STAFF, {**volunteer_base(world.next()), "consent_photos": True}))
    data = {"kind": "photos", "withdrawn_on": date(2026, 10, 20), field: value}
    return world.reusing("photos", volunteer_id, lambda: volunteers.withdraw_consent(
        world.db, STAFF, volunteer_id, **data) or volunteer_id), {"audit_log": 1}


def withdraw_read(world, volunteer_id):
    row = one_row(world, "select kind, withdrawn_on from volunteer_consent where volunteer_id = ? "
                         "and withdrawn_on is not null", [volunteer_id])
    return row


SAFETY_EXPECT = {"bhp_briefing_on": day_in(hi=TODAY, empty=None), "child_check_on": day_in(hi=TODAY)}


def safety(world, field, value):
    volunteer_id = world.pooled("safety", lambda: volunteers.register(world.db, STAFF, volunteer_base(world.next())))
    data = {"bhp_briefing_on": date(2026, 10, 2), "child_check_on": date(2026, 10, 3), "child_check_ok": True,
            field: value}
    return world.reusing("safety", volunteer_id, lambda: volunteers.record_safety(
        world.db, STAFF, volunteer_id, **data) or volunteer_id), {"audit_log": 1}


def safety_read(world, volunteer_id):
    return one_row(world, "select bhp_briefing_on, child_check_on from volunteer where id = ?", [volunteer_id])


AGREEMENT_BASE = {"scope": "Pomoc przy wydarzeniach", "starts_on": date(2026, 10, 1), "ends_on": date(2026, 12, 31),
                  "form": "written", "signed_on": date(2026, 10, 1)}
AGREEMENT_EXPECT: dict[str, Callable] = {
    "scope": text_max(1000, True), "starts_on": day_in(hi=AGREEMENT_BASE["ends_on"]),
    "ends_on": day_in(lo=AGREEMENT_BASE["starts_on"]), "form": one_of(volunteers.FORMS, "oral"),
    "signed_on": day_in(),
}


def agreement_add(world, field, value):
    data = {**AGREEMENT_BASE, field: value}
    return (lambda: volunteers.add_agreement(world.db, STAFF, world.volunteer, data)), \
        {"volunteer_agreement": 1, "audit_log": 1}


def agreement_read(world, agreement_id):
    row = one_row(world, "select * from volunteer_agreement where id = ?", [agreement_id])
    return {**row, "policy": row["nnw_policy"], "insured_on": row["nnw_on"]}


INSURANCE_EXPECT = {"policy": text_max(100, True), "insured_on": day_in()}


def insurance(world, field, value):
    data = {"policy": "NNW/2026/8", "insured_on": date(2026, 10, 1), field: value}
    return (lambda: volunteers.record_insurance(world.db, STAFF, world.draft_agreement, data["policy"],
                                                data["insured_on"]) or world.draft_agreement), {"audit_log": 1}


# -- volunteer work ----------------------------------------------------------------------------------------
OPPORTUNITY_BASE = {"title": "Piknik sąsiedzki", "description": "Stoisko", "place": "Park Helenów",
                    "starts_at": datetime(2026, 10, 10, 9), "ends_at": datetime(2026, 10, 10, 13),
                    "skills": ["events"], "needed": 2, "host_kind": "centre"}


def opportunity_expect(world) -> dict[str, Callable]:
    return {
        "title": text_max(200, True), "description": text_max(4000), "place": text_max(300),
        "starts_at": as_datetime(before=OPPORTUNITY_BASE["ends_at"]),
        "ends_at": as_datetime(after=OPPORTUNITY_BASE["starts_at"]),
        "host_kind": one_of(volunteer_work.HOSTS, "centre"), "organisation_id": an_id, "initiative_id": an_id,
        "skills": code_list(world.skills), "needed": int_in(1, volunteer_work.MAX_NEEDED, 1),
    }


def opportunity_create(world, field, value):
    data = dict(OPPORTUNITY_BASE)
    if field == "organisation_id":
        data["host_kind"] = "organisation"
    if field == "initiative_id":
        data["host_kind"] = "initiative"
    data[field] = [value] if field == "skills" else value
    return (lambda: volunteer_work.create_opportunity(world.db, STAFF, data)), \
        {"volunteer_opportunity": 1, "audit_log": 1}


def opportunity_read(world, opportunity_id):
    return one_row(world, "select * from volunteer_opportunity where id = ?", [opportunity_id])


HOURS_EXPECT: dict[str, Callable] = {
    "work_date": day_in(date(2026, 10, 1), date(2026, 10, 31)),
    "hours": lambda v: Decimal(str(v)).quantize(Decimal("0.01")) if number_in(0, 24, True)(v) is not UNSAVABLE
    else UNSAVABLE,
    "description": text_max(1000),
}


def hours_log(world, field, value):
    data = {"work_date": date(2026, 10, 15), "hours": "0.25", "description": "Rozstawianie stołów", field: value}
    return (lambda: volunteer_work.log_hours(world.db, STAFF, world.assignment, data)), \
        {"volunteer_hours": 1, "audit_log": 1}


def hours_read(world, hours_id):
    return one_row(world, "select * from volunteer_hours where id = ?", [hours_id])


# -- local initiatives ---------------------------------------------------------------------------------------
def initiative_base(**overrides) -> dict:
    return {"title": "Ogród sąsiedzki przy Tuwima", "description": "Grządki i ławki", "sphere": "nature",
            "osiedle_id": 26, "applicant_kind": "group", "leader_name": "Jan Kowalski",
            "leader_email": "jan@example.org", "leader_phone": "601 234 567", "supporters": 42,
            "partners": "Rada Osiedla", "planned_start": date(2027, 5, 1), "planned_end": date(2027, 6, 30),
            "city_part_pln": "0", "city_part_description": "Ziemia i sadzonki", "social_work_hours": 120,
            "in_kind_pln": 1500, "in_kind_description": "Narzędzia", "money_pln": "500", **overrides}


def initiative_expect(world) -> dict[str, Callable]:
    return {
        "title": text_max(200, True), "description": text_max(4000), "partners": text_max(1000),
        "city_part_description": text_max(2000), "in_kind_description": text_max(2000),
        "sphere": one_of(world.spheres), "osiedle_id": an_id, "applicant_kind": one_of(("group", "organisation")),
        "organisation_id": an_id, "leader_name": text_max(120, True), "leader_email": lower_text,
        "leader_phone": phone, "supporters": int_in(0, initiatives.MAX_SUPPORTERS, 0),
        "planned_start": day_in(hi=date(2027, 6, 30), empty=None), "planned_end": day_in(lo=date(2027, 5, 1), empty=None),
        "city_part_pln": no_amount(Decimal("0.00")), "social_work_hours": no_amount(Decimal("0.00")),
        "social_work_rate_pln": no_amount(Decimal("30.00")), "in_kind_pln": no_amount(Decimal("0.00")),
        "money_pln": no_amount(Decimal("0.00")),
    }


def initiative_create(world, field, value):
    data = initiative_base(**{field: value})
    if field == "organisation_id":
        data["applicant_kind"] = "organisation"
    if field == "leader_email":
        data["leader_phone"] = "601 234 567"
    if field == "leader_phone":
        data["leader_email"] = "jan@example.org"
    return (lambda: initiatives.create(world.db, STAFF, data)), \
        {"initiative": 1, "initiative_history": 1, "audit_log": 1}


def initiative_read(world, initiative_id):
    return one_row(world, "select * from initiative where id = ?", [initiative_id])


PATH = {"submitted": [], "formal_check": ["formal_check"], "review": ["formal_check", "review"],
        "accepted": ["formal_check", "review", "accepted"],
        "preparation": ["formal_check", "review", "accepted", "preparation"],
        "in_progress": ["formal_check", "review", "accepted", "preparation", "agreement_signed", "in_progress"]}
DETAILS = {"preparation": {"responsible_unit": "Wydział Gospodarki Komunalnej"},
           "agreement_signed": {"agreement_number": "UM/2026/1", "agreement_date": TODAY}}
# field -> (stage it starts from, the move, the stored-form expectation)
MOVES: dict[str, tuple[str, str, Callable]] = {
    "note": ("submitted", "formal_check", text_max(2000)),
    "to_stage": ("submitted", None, one_of(("formal_check", "withdrawn"))),
    "fixes_deadline": ("formal_check", "fixes_requested", day_in(lo=TODAY)),
    "review_opinion": ("review", "accepted", text_max(2000)),
    "accepted_on": ("review", "accepted", day_in(hi=TODAY, empty=TODAY)),
    "rejection_reason": ("review", "rejected", text_max(2000, True)),
    "responsible_unit": ("accepted", "preparation", text_max(2000, True)),
    "schedule": ("accepted", "preparation", text_max(2000)),
    "cost_estimate_pln": ("accepted", "preparation", no_amount(None)),
    "agreement_number": ("preparation", "agreement_signed", text_max(2000, True)),
    "agreement_date": ("preparation", "agreement_signed", day_in(TODAY, TODAY)),
    "settled_on": ("in_progress", "settled", day_in(hi=TODAY, empty=TODAY)),
    "over_budget_reason": ("review", "accepted", text_max(1000, True)),
}


def initiative_in(world, stage: str, **overrides) -> int:
    new_id = initiatives.create(world.db, STAFF, initiative_base(**overrides))
    for step in PATH[stage]:
        initiative_stages.move(world.db, STAFF, new_id, step, details=DETAILS.get(step, {}))
    return new_id


def initiative_move(world, field, value):
    start, to_stage, _ = MOVES[field]
    over_budget = field == "over_budget_reason"
    key = f"initiative:{start}:{over_budget}"
    initiative_id = world.pooled(key, lambda: initiative_in(
        world, start, **({"city_part_pln": "300000.01"} if over_budget else {})))
    details = {**DETAILS.get(to_stage, {})}
    kwargs: dict[str, Any] = {"details": details}
    if field == "note":
        kwargs["note"] = value
    elif field == "to_stage":
        to_stage = value
    elif over_budget:
        kwargs.update(confirm_over_budget=True, over_budget_reason=value)
    else:
        details[field] = value
    return world.reusing(key, initiative_id, lambda: initiative_stages.move(
        world.db, STAFF, initiative_id, to_stage, **kwargs) or initiative_id), {"initiative_history": 1, "audit_log": 1}


def move_read(world, initiative_id):
    row = initiative_read(world, initiative_id)
    note = world.db.scalar("select note from initiative_history where initiative_id = ? order by id desc limit 1",
                           [initiative_id])
    reason = note.split("] ", 1)[1] if note and note.startswith("[ponad budżet") else None
    return {**row, "note": note, "to_stage": row["stage"], "over_budget_reason": reason}


def score_expect(world) -> dict[str, Callable]:
    def reviewer(value):
        if not isinstance(value, str):
            return STAFF.username
        cleaned = text_max(120)(value)
        return STAFF.username if cleaned is None else cleaned
    return {"reviewer": reviewer, "points": int_in(0, 5), "criterion": one_of(world.criteria)}


def score(world, field, value):
    initiative_id = world.pooled("score", lambda: initiatives.create(world.db, STAFF, initiative_base()))
    points, reviewer = {"need": 3}, "Rada Osiedla"
    if field == "reviewer":
        reviewer = value
    elif field == "points":
        points = {"need": value}
    else:
        points = {value: 3}
    return world.reusing("score", initiative_id, lambda: initiative_extras.score(
        world.db, STAFF, initiative_id, points, reviewer) or initiative_id), {"initiative_score": 1, "audit_log": 1}


def score_read(world, initiative_id):
    row = one_row(world, "select reviewer, criterion, points from initiative_score where initiative_id = ?",
                  [initiative_id])
    return row


SUPPORT_EXPECT = {"advisor": text_max(120, True), "topic": text_max(500, True), "outcome": text_max(2000),
                  "held_on": day_in(hi=TODAY)}


def support(world, field, value):
    data = {"advisor": "Doradca Dorota", "topic": "Kosztorys", "outcome": "Poprawiony",
            "held_on": date(2026, 10, 20), field: value}
    return (lambda: initiative_extras.add_support(world.db, STAFF, world.initiative, data)), \
        {"initiative_support": 1, "audit_log": 1}


def support_read(world, support_id):
    return one_row(world, "select * from initiative_support where id = ?", [support_id])


def document_expect(world) -> dict[str, Callable]:
    return {"kind": one_of(world.document_kinds), "status": one_of(("received", "missing")),
            "received_on": day_in(hi=TODAY), "note": text_max(1000)}


def document(world, field, value):
    data = {"kind": "application", "status": "received", "received_on": date(2026, 10, 20), "note": "Komplet",
            field: value}
    return (lambda: initiative_extras.set_document(world.db, STAFF, world.initiative, **data)
            or (world.initiative, data["kind"])), {"initiative_document": (0, 1), "audit_log": 1}


def document_read(world, key):
    return one_row(world, "select * from initiative_document where initiative_id = ? and kind = ?", list(key))


# -- budget, results, settings -------------------------------------------------------------------------------
COST_EXPECT: dict[str, Callable] = {
    "spent_on": day_in(date(2026, 7, 1), date(2026, 12, 31)), "category_code": one_of(("coordination", "trainers",
                                                                                         "room", "promotion",
                                                                                         "administration",
                                                                                         "volunteering")),
    "source_code": one_of(("city_grant", "own_financial", "in_kind")),
    "amount_pln": lambda v: float(v) if number_in(0, 10_000_000, True)(v) is not UNSAVABLE
    and float(v) == round(float(v), 2) else UNSAVABLE,
    "description": text_max(500, True), "document_no": text_max(60),
}


def cost_add(world, field, value):
    data = {"spent_on": date(2026, 10, 20), "category_code": "trainers", "source_code": "city_grant",
            "amount_pln": "1 250,50", "description": "Honorarium trenera", "document_no": "FV/1/2026", field: value}
    return (lambda: budget.add_cost(world.db, STAFF, data)), {"budget_cost": 1, "audit_log": 1}


def cost_read(world, cost_id):
    return budget.get_cost(world.db, STAFF, cost_id)


def target_expect(world) -> dict[str, Callable]:
    return {"value": lambda v: float(v) if number_in(0, 1e9)(v) not in (UNSAVABLE, None) else UNSAVABLE,
            "code": one_of(world.targets)}


def target_set(world, field, value):
    values = {"participants": value} if field == "value" else {value: 10}
    return (lambda: results.set_targets(world.db, ADMIN, values) or next(iter(values))), {"audit_log": (0, 1)}


def target_read(world, code):
    frame = results.targets(world.db)
    return {"value": float(frame.loc[frame["code"] == code, "target"].iloc[0]), "code": code}


SETTING_EXPECT: dict[str, Callable] = {
    "booking_horizon_days": int_in(1, 730), "fair_use_weekly_hours": number_in(0, 168, True, empty=None),
    "enrolment_close_hours": int_in(0, 720), "volunteer_hourly_rate_pln": number_in(0, 1000, True),
    "volunteer_retention_months": int_in(12, 240), "initiative_social_work_rate_pln": number_in(0, 1e9),
    "initiative_budget_pln": number_in(0, 1e9), "initiative_stuck_days": int_in(1, 365),
    "backup_retention_days": int_in(1, 365),
    # a key no validator knows: any JSON value is kept as given (dates and non-finite floats are not JSON)
    "bad_input_probe": lambda v: v if v is None or isinstance(v, (str, int)) else UNSAVABLE,
    "key(argument)": lambda v: v if isinstance(v, str) and v.strip() and v not in app_settings.KNOWN else UNSAVABLE,
}


def setting(world, field, value):
    if field == "key(argument)":
        return (lambda: app_settings.set_setting(world.db, ADMIN, value, 1) or value), \
            {"app_setting": (0, 1), "audit_log": (0, 1)}
    return (lambda: app_settings.set_setting(world.db, ADMIN, field, value) or field), \
        {"app_setting": (0, 1), "audit_log": (0, 1)}


def setting_read(world, key):
    stored = app_settings.get_setting(world.db, key, MISSING)
    return {key: stored, "key(argument)": key if stored == 1 else MISSING}


# -- the targets -----------------------------------------------------------------------------------------------
Expect = Callable[[Any], Any]
# (service, field, expect or expect(world) maker, setup, read)
_PER_WORLD = "per-world"


REGISTER_FIELDS = ("first_name", "last_name", "email", "phone", "birth_year", "birth_date", "skills", "languages",
                   "availability", "tags", "osiedle_id", "status", "found_via", "notes", "consent", "consent_on",
                   "consent_scope", "guardian_name", "guardian_consent_on")
OPPORTUNITY_FIELDS = ("title", "description", "place", "starts_at", "ends_at", "host_kind", "organisation_id",
                      "initiative_id", "skills", "needed")
INITIATIVE_FIELDS = ("title", "description", "partners", "city_part_description", "in_kind_description", "sphere",
                     "osiedle_id", "applicant_kind", "organisation_id", "leader_name", "leader_email", "leader_phone",
                     "supporters", "planned_start", "planned_end", "city_part_pln", "social_work_hours",
                     "social_work_rate_pln", "in_kind_pln", "money_pln")


def _per_world(fields: tuple) -> dict:
    return dict.fromkeys(fields, _PER_WORLD)


def _targets() -> list[tuple]:
    found: list[tuple] = []
    add = lambda service, fields, setup, read: found.extend(  # noqa: E731
        (service, f, e, setup, read) for f, e in fields.items())
    add("trainings.create_event", {**EVENT_EXPECT, "topics": EVENT_TOPIC_EXPECT}, event_create, event_read)
    add("trainings.create_event[integration]", INTEGRATION_EXPECT, event_create_integration, event_read)
    add("trainings.update_event", {**EVENT_EXPECT, "topics": EVENT_TOPIC_EXPECT}, event_update, event_read)
    add("enrolment.enrol", PERSON_EXPECT, enrol, enrolment_read)
    add("enrolment.enrol", {"event_id(argument)": an_id}, enrol_event_id, enrolment_read)
    add("enrolment.add_walk_in", {f: PERSON_EXPECT[f] for f in ("full_name", "email", "phone", "organisation_id",
                                                               "consent")}, walk_in, enrolment_read)
    add("enrolment.add_walk_in", {"session_id(argument)": an_id}, walk_in_session, enrolment_read)
    add("enrolment.record_feedback", FEEDBACK_EXPECT, feedback, feedback_read)
    add("enrolment.record_feedback", {"enrolment_id(argument)": an_id}, feedback_enrolment, feedback_read)
    add("advisory.add_advisory", ADVISORY_EXPECT, advisory_add, advisory_read)
    add("advisory.record_survey", SURVEY_EXPECT, survey, survey_read)
    add("volunteers.register", _per_world(REGISTER_FIELDS), register, volunteer_read)
    add("volunteers.add_consent", CONSENT_EXPECT, consent_add, consent_read)
    add("volunteers.withdraw_consent", WITHDRAW_EXPECT, consent_withdraw, withdraw_read)
    add("volunteers.record_safety", SAFETY_EXPECT, safety, safety_read)
    add("volunteers.add_agreement", AGREEMENT_EXPECT, agreement_add, agreement_read)
    add("volunteers.record_insurance", INSURANCE_EXPECT, insurance, agreement_read)
    add("volunteer_work.create_opportunity", _per_world(OPPORTUNITY_FIELDS), opportunity_create,
        opportunity_read)
    add("volunteer_work.log_hours", HOURS_EXPECT, hours_log, hours_read)
    add("initiatives.create", _per_world(INITIATIVE_FIELDS), initiative_create, initiative_read)
    add("initiative_stages.move", {f: e for f, (_, _, e) in MOVES.items()}, initiative_move, move_read)
    add("initiative_extras.score", _per_world(("reviewer", "points", "criterion")), score, score_read)
    add("initiative_extras.add_support", SUPPORT_EXPECT, support, support_read)
    add("initiative_extras.set_document", _per_world(("kind", "status", "received_on", "note")), document, document_read)
    add("budget.add_cost", COST_EXPECT, cost_add, cost_read)
    add("results.set_targets", _per_world(("value", "code")), target_set, target_read)
    add("app_settings.set_setting", SETTING_EXPECT, setting, setting_read)
    return found


_MAKERS = {"volunteers.register": register_expect, "volunteer_work.create_opportunity": opportunity_expect,
           "initiatives.create": initiative_expect, "initiative_extras.score": score_expect,
           "initiative_extras.set_document": document_expect, "results.set_targets": target_expect}


def _expectation(world, service: str, field: str, expect) -> Expect:
    if expect == _PER_WORLD:
        return _MAKERS[service](world)[field]
    if expect is EVENT_TOPIC_EXPECT:
        return expect(world)
    return expect


# Free-text fields of the per-world targets (the others are tagged by ``text_max``); "nan" is just text to them.
PER_WORLD_TEXT = {"first_name", "last_name", "email", "phone", "found_via", "notes", "consent_scope", "guardian_name",
                  "title", "description", "place", "partners", "city_part_description", "in_kind_description",
                  "leader_name", "leader_email", "leader_phone", "reviewer", "note"}


def _is_text(field: str, expect: Any) -> bool:
    if expect == _PER_WORLD:
        return field in PER_WORLD_TEXT
    return getattr(expect, "is_text", False) or expect in (lower_text, phone)


# One test per service and field, trying every value of the corpus in turn (a test per value cost more in
# pytest's and xdist's bookkeeping than the calls themselves); a failure lists every value that failed.
FIELDS = [pytest.param(service, field, expect, setup, read, id=f"{service}-{field}")
          for service, field, expect, setup, read in _targets()]


def _values(field: str, expect: Any) -> list[tuple[str, Any]]:
    return CORPUS if _is_text(field, expect) else VALUES


def _same(stored: Any, expected: Any) -> bool:
    if isinstance(stored, float) and isinstance(expected, (int, float)):
        return stored == float(expected)
    return (type(stored) is type(expected) and stored == expected) or stored is expected


def _delta_ok(spec: Any, delta: int) -> bool:
    if spec == "any":
        return True
    if spec is None:
        return delta > 0
    if isinstance(spec, tuple):
        return delta in spec
    return delta == spec


@pytest.mark.parametrize("service, field, expect, setup, read", FIELDS)
def test_input_is_saved_as_given_or_refused_cleanly(world, service, field, expect, setup, read):
    failures = []
    for label, value in _values(field, expect):
        try:
            _check_input(world, service, field, expect, setup, read, value)
        except AssertionError as exc:
            failures.append(f"[{label}] {exc}")
    assert not failures, f"{len(failures)} of the corpus' inputs failed:\n" + "\n".join(failures)


def _check_input(world, service, field, expect, setup, read, value) -> None:
    """One input: saved as given (read back, rows grown as documented) or refused with catalogued messages and
    every table's row count unchanged; an AssertionError says what went wrong."""
    where = describe(service, field, value)
    expect = _expectation(world, service, field, expect)
    call, grows = setup(world, field, value)
    before = world.counts()
    try:
        result = call()
    except DomainError as exc:
        after = world.counts()
        assert after == before, f"{where}: refused ({exc}) but rows changed: " + str(
            {t: (before[t], after[t]) for t in before if before[t] != after[t]})
        assert exc.message.key in PL, f"{where}: message key {exc.message.key!r} missing from the Polish catalogue"
        if isinstance(exc, ValidationError):
            assert exc.errors, f"{where}: a ValidationError without any field message"
            for name, message in exc.errors.items():
                assert message.key in PL, f"{where}: field {name!r} message key {message.key!r} not in the catalogue"
        return
    except Exception as exc:
        raise AssertionError(f"{where}: raised {type(exc).__module__}.{type(exc).__name__}: {str(exc)[:200]}") from exc

    expected = expect(value)
    assert expected is not UNSAVABLE, f"{where}: accepted input that has no documented stored form"
    row = read(world, result)
    stored = row[field]
    assert _same(stored, expected), f"{where}: stored {stored!r:.80}, expected {expected!r:.80}"
    after = world.counts()
    for table in before:
        delta = after[table] - before[table]
        assert _delta_ok(grows.get(table, 0), delta), f"{where}: {table} changed by {delta}"
