"""Every service function that writes refuses a coordinator (read-only role) before it touches anything.

The writers are found by introspection, so a new one cannot be missed: every function of every module under
``dashboard.services`` whose source writes (``insert into``, ``update … set``, ``delete from``, ``db.write(``)
or that refers to another such function (a cursor-level helper, ``retrying_write``, a nested ``work``) is a
writer. Each PUBLIC writer is called as a coordinator with plausible arguments (real ids of a small world and
forms staff would submit): it must raise PermissionDenied and leave every table exactly as it was.

The writers that check no role on purpose are listed in ``NO_ROLE_CHECK`` with the reason, and where each may be
called from; a test proves every call site of them in the code is in such a place.
"""

from __future__ import annotations

import ast
import copy
import functools
import importlib
import inspect
import pkgutil
import re
import shutil
import textwrap
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

import dashboard.services
from dashboard.core import clock
from dashboard.core.errors import PermissionDenied
from dashboard.core.roles import Actor
from dashboard.services import reservations as res
from dashboard.services.admin import importer, users
from dashboard.services.education import enrolment, trainings
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages
from dashboard.services.register import organisations
from dashboard.services.reporting import budget
from dashboard.services.reservations import lockers
from dashboard.services.volunteers import gdpr, work
from dashboard.services.volunteers import register as vol
from db.connection import base_tables, close_database, get_database, quote_ident
from tests.unit.builders import DETAILS, NEXT_TUESDAY, NOW, TUESDAY, WEDNESDAY, committed_stamp, group_initiative

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("ala.admin", "admin", "Ala Admin")
STAFF = Actor("staszek", "staff", "Staszek Recepcja")

WRITES = re.compile(r"\binsert\s+(?:or\s+replace\s+)?into\b|\bupdate\s+\"?\w+\"?\s+set\b|\bdelete\s+from\b"
                    r"|\b(?:db|database)\.write\(", re.IGNORECASE)

# Writers that check no role, on purpose: qualified name -> (why, where it may be called from).
NO_ROLE_CHECK: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin.audit.record": (
        "writes the audit row of its caller's own write (or of a login/logout); it is not a user's action",
        ("dashboard/services/", "dashboard/demo/")),
    "admin.users.record_login_success": (
        "authentication bookkeeping: runs while signing in, before there is an actor", ("dashboard/ui/auth.py",)),
    "admin.users.record_login_failure": (
        "authentication bookkeeping: counts failed attempts of a person not signed in", ("dashboard/ui/auth.py",)),
    "admin.users.record_logout": (
        "authentication bookkeeping: the signed-out time that makes an old cookie invalid", ("dashboard/ui/auth.py",)),
    "admin.users.set_language": (
        "every role may choose its own language; it writes only the signed-in user's own row", ("dashboard/app.py",)),
    "admin.backup.run_daily_backup": (
        "the app's own daily job (audited as 'system'), not a user's action",
        ("dashboard/services/admin/backup.py",)),
    "admin.backup.start_daily_backup": (
        "starts the app's own daily backup thread at start-up", ("dashboard/app.py",)),
    "sql.retrying_write": (
        "runs its caller's transaction; the caller checks the role first", ("dashboard/services/",)),
    "reservations.bookings.slot_write": (
        "runs its caller's transaction; the caller checks the role first", ("dashboard/services/",)),
    "reservations.bookings.insert_booking": (
        "a cursor-level building block without an actor, used only inside writers that checked the role "
        "(book_in's _book, create_series)", ("dashboard/services/reservations/",)),
    "education.trainings.centre_organisation": (
        "creates the Centre's own organisation row on first use, inside an event write that checked the role "
        "(or the demo fill)", ("dashboard/services/education/", "dashboard/demo/")),
}


# -- finding the writers ------------------------------------------------------------------------------------
def _service_modules() -> list:
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages(dashboard.services.__path__, dashboard.services.__name__ + ".")]


def _qualname(function) -> str:
    return function.__module__.removeprefix("dashboard.services.") + "." + function.__name__


def _referenced(function, module, known: set) -> set:
    """Service functions ``function`` names (called, or passed on as a callback), nested code included."""
    found = set()
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function)))):
        if not isinstance(node, (ast.Name, ast.Attribute)):
            continue
        chain, base = [], node
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name):
            continue
        target: Any = vars(module).get(base.id)
        for attribute in reversed(chain):
            target = getattr(target, attribute, None)
        if inspect.isfunction(target) and target in known and target is not function:
            found.add(target)
    return found


def writers() -> dict[str, Callable]:
    """Every writing function of dashboard.services (private ones too), by qualified name."""
    functions = {}
    for module in _service_modules():
        for value in vars(module).values():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                functions[value] = module
    known = set(functions)
    refers = {function: _referenced(function, module, known) for function, module in functions.items()}
    writing = {function for function in functions if WRITES.search(inspect.getsource(function))}
    grown = True
    while grown:
        grown = False
        for function in functions:
            if function not in writing and refers[function] & writing:
                writing.add(function)
                grown = True
    return {_qualname(function): function for function in writing}


WRITERS = writers()
PUBLIC = sorted(name for name in WRITERS if not name.rsplit(".", 1)[1].startswith("_"))
CHECKED = [name for name in PUBLIC if name not in NO_ROLE_CHECK]


# -- a small world with records in the states the writers act on ------------------------------------------
SESSION_TIME = datetime(2026, 11, 3, 17, 0, tzinfo=clock.WARSAW)  # during the first session, after the booking


class World:
    def __init__(self, db, tmp: Path):
        self.db, self.tmp = db, tmp
        make = lambda kind, name, capacity=None: res.create_resource(  # noqa: E731
            db, ADMIN, {"kind": kind, "name": name, "capacity": capacity})
        self.room = make("room", "Sala szkoleniowa", 20)
        self.lockers = [make("locker", f"Szafka {n}") for n in (1, 2, 3)]
        self.organisation = organisations.create(db, STAFF, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja",
                                                             "osiedle_id": 25})
        # rooms: a confirmed and a requested booking, a weekly series, a closure, lockers (key out, key in)
        self.booking = res.create_booking(db, STAFF, self.booking_form())
        self.requested = res.create_booking(db, STAFF, self.booking_form(day=WEDNESDAY, start=time(16), end=time(17),
                                                                         status="requested"))
        self.series = res.create_series(db, STAFF, self.booking_form(start=time(14), end=time(15)),
                                        every_weeks=1, count=2)["series_id"]
        self.closure = res.add_closure(db, STAFF, {"resource_id": self.room, "date_from": date(2027, 2, 1),
                                                   "date_to": date(2027, 2, 1), "reason": "Malowanie sali"})
        self.locker_assignment = lockers.assign_locker(db, STAFF, self.locker_form(self.lockers[0]))
        self.key_out = lockers.assign_locker(db, STAFF, self.locker_form(self.lockers[1]))
        lockers.record_key_handed(db, STAFF, self.key_out, date(2026, 11, 2))
        # events: one with a participant; one full with somebody waiting and a seat just added by hand
        self.event = trainings.create_event(db, STAFF, self.event_form())
        self.session = db.scalar("select min(id) from event_session where event_id = ?", [self.event])
        self.enrolment = enrolment.enrol(db, STAFF, self.event, self.person())["id"]
        self.full_event = trainings.create_event(db, STAFF, self.event_form(
            title="Księgowość", capacity=1, sessions=[{"day": NEXT_TUESDAY, "start": time(12), "end": time(13)}]))
        enrolment.enrol(db, STAFF, self.full_event, self.person())
        enrolment.enrol(db, STAFF, self.full_event, self.person(full_name="Jan Nowak", email="jan@example.org"))
        db.write(lambda cur: cur.execute("update event set capacity = 2 where id = ?", [self.full_event]))
        # volunteers: active agreement and a draft, a confirmed and a proposed assignment, approved and pending
        # hours, a certificate and a reference requested
        self.volunteer = vol.register(db, STAFF, self.volunteer_form())
        self.agreement = vol.add_agreement(db, STAFF, self.volunteer, self.agreement_form())
        vol.activate_agreement(db, STAFF, self.agreement)
        self.draft_agreement = vol.add_agreement(db, STAFF, self.volunteer, self.agreement_form())
        self.opportunity = work.create_opportunity(db, STAFF, self.opportunity_form())
        self.assignment = work.assign(db, STAFF, self.opportunity, self.volunteer)
        work.confirm(db, STAFF, self.assignment)
        self.proposed = work.assign(db, STAFF, work.create_opportunity(db, STAFF, self.opportunity_form(
            title="Piknik sąsiedzki", starts_at=datetime(2026, 12, 5, 9), ends_at=datetime(2026, 12, 5, 13))),
            self.volunteer)
        self.free_opportunity = work.create_opportunity(db, STAFF, self.opportunity_form(
            title="Festyn", starts_at=datetime(2026, 11, 14, 9), ends_at=datetime(2026, 11, 14, 13)))
        work.decide_hours(db, STAFF, work.log_hours(db, STAFF, self.assignment, {"work_date": date(2026, 10, 29),
                                                                                 "hours": 4}), True)
        self.hours = work.log_hours(db, STAFF, self.assignment, {"work_date": date(2026, 10, 30), "hours": 3})
        self.certificate = gdpr.request_document(db, STAFF, self.volunteer, "certificate")
        self.reference = gdpr.request_document(db, STAFF, self.volunteer, "reference")
        # initiatives, budget, an account
        self.initiative = initiatives.create(db, STAFF, group_initiative())
        self.preparing = initiatives.create(db, STAFF, group_initiative(title="Skwer przy Wólczańskiej"))
        for step in ("formal_check", "review", "accepted", "preparation"):
            stages.move(db, STAFF, self.preparing, step, details=DETAILS.get(step, {}))
        self.cost = budget.add_cost(db, STAFF, self.cost_form())
        self.username = users.add_user(db, ADMIN, username="ewa", full_name="Ewa Recepcja", role="staff",
                                       password="Księży-Młyn-1905")

    def locker_form(self, locker: int, **changes) -> dict:
        return {"resource_id": locker, "organisation_id": self.organisation, "date_from": date(2026, 11, 2), **changes}

    # forms as staff submit them
    def booking_form(self, **changes) -> dict:
        return {"resource_id": self.room, "organisation_id": self.organisation, "contact_person": "Zofia Zielińska",
                "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 12, "day": TUESDAY,
                "start": time(12), "end": time(14), "status": "confirmed", **changes}

    def event_form(self, **changes) -> dict:
        return {"title": "Jak napisać ofertę", "event_type": "training", "topics": ["T4"], "resource_id": self.room,
                "capacity": 15, "status": "open", "trainer_name": "Łucja Żółkiewska",
                "sessions": [{"day": TUESDAY, "start": time(16), "end": time(19)},
                             {"day": NEXT_TUESDAY, "start": time(16), "end": time(19)}], **changes}

    @staticmethod
    def person(**changes) -> dict:
        return {"full_name": "Anna Uczestniczka", "email": "anna@example.org", "consent": True, **changes}

    @staticmethod
    def volunteer_form(**changes) -> dict:
        return {"first_name": "Łucja", "last_name": "Żółkiewska", "email": "lucja@example.org",
                "birth_date": date(1990, 5, 1), "skills": ["events"], "status": "active", "consent": True,
                "consent_on": date(2026, 10, 1), **changes}

    @staticmethod
    def agreement_form() -> dict:
        return {"scope": "Pomoc przy wydarzeniach", "starts_on": date(2026, 10, 1), "ends_on": date(2026, 12, 31),
                "form": "written", "signed_on": date(2026, 10, 1)}

    @staticmethod
    def opportunity_form(**changes) -> dict:
        return {"title": "Dyżury w Centrum", "starts_at": datetime(2026, 10, 1, 9), "ends_at": datetime(2026, 10, 31, 17),
                "skills": ["events"], "needed": 2, "host_kind": "centre", **changes}

    @staticmethod
    def cost_form(**changes) -> dict:
        return {"spent_on": date(2026, 7, 31), "category_code": "coordination", "source_code": "city_grant",
                "amount_pln": 7000, "description": "Wynagrodzenie koordynatora — lipiec 2026", **changes}

    def sheet(self):
        data = "Nazwa;Forma prawna;NIP\nStowarzyszenie Sąsiedzi z Bałut;stowarzyszenie;\n".encode()
        return importer.read(data, "rejestr.csv", "organisations")


# Arguments by parameter name, for any writer; ``PER_WRITER`` overrides them for one writer.
BY_NAME: dict[str, Callable[[World], Any]] = {
    "organisation_id": lambda w: w.organisation, "resource_id": lambda w: w.room, "event_id": lambda w: w.event,
    "session_id": lambda w: w.session, "enrolment_id": lambda w: w.enrolment, "booking_id": lambda w: w.booking,
    "series_id": lambda w: w.series, "volunteer_id": lambda w: w.volunteer, "opportunity_id": lambda w: w.opportunity,
    "agreement_id": lambda w: w.agreement, "initiative_id": lambda w: w.initiative, "cost_id": lambda w: w.cost,
    "closure_id": lambda w: w.closure, "hours_id": lambda w: w.hours, "document_id": lambda w: w.certificate,
    "assignment_id": lambda w: w.assignment, "enrolment_ids": lambda w: [w.enrolment],
    "hours_ids": lambda w: [w.hours], "username": lambda w: w.username, "reason": lambda w: "Choroba prowadzącej",
    "day": lambda w: WEDNESDAY, "start": lambda w: time(10), "end": lambda w: time(12), "approve": lambda w: True,
    "directory": lambda w: w.tmp, "sheet": lambda w: w.sheet(), "password": lambda w: "Nowe-Hasło-2026!",
}
PER_WRITER: dict[str, Callable[[World], dict]] = {
    "admin.app_settings.set_setting": lambda w: {"key": "booking_horizon_days", "value": 60},
    "admin.app_settings.set_settings": lambda w: {"values": {"booking_horizon_days": 60}},
    "admin.users.add_user": lambda w: {"username": "jan", "full_name": "Jan Nowy", "role": "staff",
                                       "password": "Księży-Młyn-1905"},
    "admin.users.update_user": lambda w: {"full_name": "Ewa Nowak"},
    "education.advisory.add_advisory": lambda w: {"data": {
        "organisation_id": w.organisation, "advisor": "Marta Doradczyni", "topic_code": "T3",
        "held_on": date(2026, 10, 30), "duration_min": 45, "form": "in_person", "question": "Zmiana zarządu w KRS?"}},
    "education.advisory.record_survey": lambda w: {"answers": {"F1": 5}},
    "education.enrolment.add_walk_in": lambda w: {"data": w.person(full_name="Jan Nowak", email="jan@example.org")},
    "education.enrolment.enrol": lambda w: {"data": w.person(full_name="Jan Nowak", email="jan@example.org")},
    "education.enrolment.record_attendance": lambda w: {"marks": {w.enrolment: True}},
    "education.enrolment.record_feedback": lambda w: {"rating": 5},
    "education.enrolment.promote_waiting": lambda w: {"event_id": w.full_event},
    "education.enrolment.refresh_status": lambda w: {"event_id": w.full_event},
    "education.trainings.add_topic": lambda w: {"code": "T9", "name_pl": "Wolontariat pracowniczy"},
    "education.trainings.create_event": lambda w: {"data": w.event_form(
        title="Księgowość dla NGO", sessions=[{"day": WEDNESDAY, "start": time(10), "end": time(12)}])},
    "education.trainings.set_event_status": lambda w: {"status": "planned"},
    "education.trainings.set_topic_active": lambda w: {"code": "T1", "active": False},
    "education.trainings.update_event": lambda w: {"data": {"title": "Oferta krok po kroku"}},
    "initiatives.extras.add_support": lambda w: {"data": {"held_on": date(2026, 10, 30), "advisor": "Ewa",
                                                          "topic": "Kosztorys"}},
    "initiatives.extras.score": lambda w: {"points": {"need": 4}, "reviewer": "Ewa"},
    "initiatives.extras.set_document": lambda w: {"kind": "application", "status": "received",
                                                  "received_on": date(2026, 10, 30)},
    "initiatives.records.create": lambda w: {"data": group_initiative(title="Skwer przy Wólczańskiej")},
    "initiatives.records.update": lambda w: {"data": group_initiative(supporters=50)},
    "initiatives.stages.move": lambda w: {"to_stage": "formal_check"},
    "initiatives.stages.update_preparation": lambda w: {"initiative_id": w.preparing,
                                                        "data": {"responsible_unit": "ZIM", "schedule": "maj"}},
    "register.organisations.create": lambda w: {"data": {"name": "Klub Seniora Źródło",
                                                         "legal_form": "grupa_nieformalna"}},
    "register.organisations.create_in": lambda w: {"clean": organisations.validate(
        w.db, {"name": "Klub Seniora Źródło", "legal_form": "grupa_nieformalna"})},
    "register.organisations.update": lambda w: {"data": {"name": "Fundacja Zielona Łódź", "legal_form": "stowarzyszenie",
                                                         "osiedle_id": 26}},
    "reporting.budget.add_cost": lambda w: {"data": w.cost_form(spent_on=date(2026, 8, 31))},
    "reporting.budget.set_plan": lambda w: {"year": 2026, "amounts": {("room", "city_grant"): 15000}},
    "reporting.budget.update_cost": lambda w: {"data": w.cost_form(amount_pln=7500)},
    "reporting.results.set_targets": lambda w: {"values": {"participants": 400}},
    "reservations.bookings.book_in": lambda w: {"data": w.booking_form(day=WEDNESDAY, start=time(15), end=time(16))},
    "reservations.bookings.check_in": lambda w: {"actual_attendance": 10},
    "reservations.bookings.create_booking": lambda w: {"data": w.booking_form(day=WEDNESDAY, start=time(15),
                                                                              end=time(16))},
    "reservations.bookings.confirm_booking": lambda w: {"booking_id": w.requested},
    "reservations.bookings.move_all_in": lambda w: {"moves": [(w.booking, {"start": time(12), "end": time(13)})]},
    "reservations.bookings.move_in": lambda w: {"data": {"start": time(12), "end": time(13)}},
    "reservations.bookings.update_booking": lambda w: {"data": {"start": time(12), "end": time(13)}},
    "reservations.lockers.assign_locker": lambda w: {"data": w.locker_form(w.lockers[2])},
    "reservations.lockers.end_locker_assignment": lambda w: {"assignment_id": w.locker_assignment,
                                                             "day": date(2026, 12, 31)},
    "reservations.lockers.record_key_handed": lambda w: {"assignment_id": w.locker_assignment, "day": date(2026, 11, 2)},
    "reservations.lockers.record_key_returned": lambda w: {"assignment_id": w.key_out, "day": date(2026, 11, 2)},
    "reservations.opening_hours.set_opening_hours": lambda w: {
        "rows": [{"weekday": weekday, "opens": time(8), "closes": time(20)} for weekday in range(5)]},
    "reservations.resources.create_resource": lambda w: {"data": {"kind": "room", "name": "Sala spotkań",
                                                                  "capacity": 8}},
    "reservations.resources.update_resource": lambda w: {"data": {"kind": "room", "name": "Sala szkoleniowa",
                                                                  "capacity": 24}},
    "reservations.series.create_series": lambda w: {
        "data": w.booking_form(day=date(2026, 11, 18), start=time(15), end=time(16)), "every_weeks": 1, "count": 2},
    "reservations.staff_closures.add_closure": lambda w: {"data": {"resource_id": w.room, "date_from": date(2027, 3, 1),
                                                                   "date_to": date(2027, 3, 1), "reason": "Remont"}},
    "volunteers.gdpr.reference_pdf": lambda w: {"document_id": w.reference, "assessment": "Sumienna i punktualna."},
    "volunteers.gdpr.request_document": lambda w: {"kind": "reference"},
    "volunteers.register.activate_agreement": lambda w: {"agreement_id": w.draft_agreement},
    "volunteers.register.add_agreement": lambda w: {"data": w.agreement_form()},
    "volunteers.register.add_consent": lambda w: {"kind": "photos"},
    "volunteers.register.record_insurance": lambda w: {"policy": "NNW/2026/7", "insured_on": date(2026, 10, 1)},
    "volunteers.register.record_safety": lambda w: {"bhp_briefing_on": date(2026, 10, 1)},
    "volunteers.register.register": lambda w: {"data": w.volunteer_form(email="jan@example.org", first_name="Jan")},
    "volunteers.register.register_in": lambda w: {"data": w.volunteer_form(email="jan@example.org", first_name="Jan")},
    "volunteers.register.set_status": lambda w: {"status": "inactive"},
    "volunteers.register.update": lambda w: {"data": {"notes": "Woli soboty"}},
    "volunteers.register.waive_insurance": lambda w: {"reason": "Jednodniowa akcja"},
    "volunteers.register.withdraw_consent": lambda w: {"kind": "processing"},
    "volunteers.work.assign": lambda w: {"opportunity_id": w.free_opportunity},
    "volunteers.work.confirm": lambda w: {"assignment_id": w.proposed},
    "volunteers.work.decline": lambda w: {"assignment_id": w.proposed},
    "volunteers.work.create_opportunity": lambda w: {"data": w.opportunity_form(title="Piknik sąsiedzki")},
    "volunteers.work.log_hours": lambda w: {"data": {"work_date": date(2026, 10, 31), "hours": 2}},
    "volunteers.work.set_opportunity_status": lambda w: {"status": "closed"},
}


# Writers that act only once a session or booking has started are called then; the rest on Monday morning.
CLOCK = dict.fromkeys(("education.enrolment.add_walk_in", "education.enrolment.record_attendance",
                      "reservations.bookings.check_in", "reservations.bookings.mark_no_show"), SESSION_TIME)


def arguments(name: str, world: World, actor: Actor, cur=None) -> dict:
    """Keyword arguments for writer ``name``: the world's ids and forms, the actor, the cursor if it takes one."""
    given = PER_WRITER.get(name, lambda w: {})(world)
    kwargs = {}
    for parameter in inspect.signature(WRITERS[name]).parameters.values():
        if parameter.name in given:
            kwargs[parameter.name] = given[parameter.name]
        elif parameter.name == "db":
            kwargs["db"] = world.db
        elif parameter.name == "cur":
            kwargs["cur"] = cur
        elif parameter.name == "actor":
            kwargs["actor"] = actor
        elif parameter.name in BY_NAME:
            kwargs[parameter.name] = BY_NAME[parameter.name](world)
        elif parameter.default is inspect.Parameter.empty:
            raise AssertionError(f"{name} is a new writer: tell this test how to call it (PER_WRITER / BY_NAME: "
                                 f"'{parameter.name}')")
    return kwargs


@pytest.fixture(scope="module")
def world_file(migrated_template, tmp_path_factory) -> tuple[Path, World]:
    """The world built once into a closed file (its ids in the World object, whose database is closed, and its
    rows' ``_state``: reading it costs 38 ms, and every copy of the file starts with it)."""
    folder = tmp_path_factory.mktemp("write_permissions")
    path = folder / "world.duckdb"
    shutil.copyfile(migrated_template, path)
    database = get_database(path)
    clock.freeze(NOW)
    try:
        built = World(database, folder)
    finally:
        clock.freeze(None)
    database.checkpoint()
    built.state = _state(database)  # every copy of the file starts with these rows
    close_database(path)
    return path, built


def _open_copy(world_file: tuple[Path, World], folder: Path) -> World:
    source, built = world_file
    path = folder / "civic.duckdb"
    shutil.copyfile(source, path)
    opened = copy.copy(built)
    opened.db, opened.tmp = get_database(path), folder
    return opened


@pytest.fixture(scope="module")
def world(world_file, tmp_path_factory):
    """One copy of the world for every refusal (a refusal changes nothing, so they can share it)."""
    opened = _open_copy(world_file, tmp_path_factory.mktemp("refusals"))
    opened.files = committed_stamp(opened.db)
    yield opened
    close_database(opened.db.path)


def _state(db) -> dict:
    """(rows, sum of row hashes) of every table, in one query: any insert, update or delete shows."""
    with db.cursor() as cur:
        return {table: (rows, total) for table, rows, total in cur.execute(_state_sql(db)).fetchall()}


_STATE_SQL: list[str] = []


def _state_sql(db) -> str:
    """The state query, made once: every database here is a copy of the world, with the same tables."""
    if not _STATE_SQL:
        with db.cursor() as cur:
            _STATE_SQL.append(" union all ".join(
                f"select '{table}', count(*), coalesce(sum(hash(t)), 0) from {quote_ident(table)} t"
                for table in base_tables(cur)))
    return _STATE_SQL[0]


# -- the tests ------------------------------------------------------------------------------------------------
def test_the_writers_are_found():
    """The scan finds the writers this test was written with (so a broken scan cannot pass by finding none)."""
    expected = {"register.organisations.update", "register.organisations.create_in", "education.enrolment.promote_waiting",
                "education.enrolment.refresh_status", "reservations.bookings.book_in", "reservations.bookings.move_in",
                "reservations.bookings.cancel_in", "reservations.bookings.move_all_in", "volunteers.gdpr.anonymise",
                "volunteers.work.confirm", "admin.importer.preview", "initiatives.stages.move"}
    assert expected <= set(PUBLIC)
    assert len(CHECKED) >= 80
    assert "reporting.pilot_report.xlsx_from" not in WRITERS  # sheet.write is not a database write
    assert not set(NO_ROLE_CHECK) - set(PUBLIC), "NO_ROLE_CHECK names a function that is no longer a writer"


@pytest.mark.parametrize("name", CHECKED)
def test_a_coordinator_is_refused_before_anything_is_written(name, world, coordinator):
    clock.freeze(CLOCK.get(name, NOW))
    takes_cursor = "cur" in inspect.signature(WRITERS[name]).parameters

    with pytest.raises(PermissionDenied) as refused:
        if takes_cursor:  # an auto-committing cursor: anything written before the refusal would stay
            with world.db.cursor() as cur:
                WRITERS[name](**arguments(name, world, coordinator, cur))
        else:
            WRITERS[name](**arguments(name, world, coordinator))

    assert refused.value.message.key == "error.permission"
    if committed_stamp(world.db) != world.files:  # something committed: the rows must still be the same
        assert _state(world.db) == world.state, f"{name} changed rows before refusing the coordinator"
        world.files = committed_stamp(world.db)


def _call(name: str, world: World, actor: Actor) -> None:
    if "cur" in inspect.signature(WRITERS[name]).parameters:
        with world.db.transaction() as cur:
            WRITERS[name](**arguments(name, world, actor, cur))
    else:
        WRITERS[name](**arguments(name, world, actor))


@pytest.mark.parametrize("name", CHECKED)
def test_the_same_call_by_a_role_allowed_to_make_it_writes(name, world_file, tmp_path):
    """The arguments above are a real write, so a missing role check could not pass unseen: staff (or an admin,
    for the admin's settings) making the same call on a copy of the world changes rows (a preview changes
    none: it rolls its transaction back)."""
    clock.freeze(CLOCK.get(name, NOW))
    opened = _open_copy(world_file, tmp_path)
    try:
        before = opened.state
        try:
            _call(name, opened, STAFF)
        except PermissionDenied:
            _call(name, opened, ADMIN)
        changed = _state(opened.db) != before
    finally:
        close_database(opened.db.path)
    assert changed is (name != "admin.importer.preview")


def _call_sites(function) -> list[str]:
    """'path:line' of every call of ``function`` in the app's code (dashboard/, pages/), resolved through the
    file's imports of dashboard.services (only those are imported here: never a page or the app itself)."""
    target, sites = _calls_by_target().get(id(function), (None, []))
    return sites if target is function else []


@functools.cache
def _calls_by_target() -> dict[int, tuple[Any, list[str]]]:
    """Every resolvable call in the app's code: (the object called, its 'path:line's) by the object's id. The
    code is parsed once, not once per writer asked about; each object is held, so no id is reused."""
    found: dict[int, tuple[Any, list[str]]] = {}
    files = sorted((ROOT / "dashboard").rglob("*.py")) + sorted((ROOT / "pages").rglob("*.py"))
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _service_names(tree, relative)
        for node in ast.walk(tree):
            target = _called(node, names) if isinstance(node, ast.Call) else None
            if target is not None:
                found.setdefault(id(target), (target, []))[1].append(f"{relative}:{node.lineno}")
    return found


def _service_names(tree: ast.AST, relative: str) -> dict[str, Any]:
    """The names a file binds to dashboard.services modules and functions (and, in a service module, its own)."""
    names: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dashboard.services"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if value is None:
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                names[alias.asname or alias.name] = value
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dashboard.services") and alias.asname:
                    names[alias.asname] = importlib.import_module(alias.name)
    module_name = relative.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    if module_name.startswith("dashboard.services."):  # the module's own functions, called by plain name
        names = {**vars(importlib.import_module(module_name)), **names}
    return names


def _called(node: ast.Call, names: dict[str, Any]) -> Any:
    """The object a call's ``name.attr.attr`` resolves to, or None."""
    chain, base = [], node.func
    while isinstance(base, ast.Attribute):
        chain.append(base.attr)
        base = base.value
    if not isinstance(base, ast.Name) or base.id not in names:
        return None
    target = names[base.id]
    for attribute in reversed(chain):
        target = getattr(target, attribute, None)
    return target


def test_writers_without_a_role_check_are_called_only_where_they_may_be():
    misplaced = []
    seen = 0
    for name, (_reason, places) in NO_ROLE_CHECK.items():
        for site in _call_sites(WRITERS[name]):
            seen += 1
            if not site.startswith(places):
                misplaced.append(f"{name} called at {site} (allowed only in {', '.join(places)})")
    assert seen >= 10  # the scan does see the calls (audit rows, logins, the Centre's organisation ...)
    assert misplaced == []
