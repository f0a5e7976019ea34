"""Plain helpers the unit tests share: fixed dates, form data as staff would type it, and small
readers of the database. No fixtures here (those live in ``tests/unit/conftest.py``) and no tests:
a test file imports what it needs from this module, never from another test file.

The reservation and event tests pin "now" to Monday 2 November 2026, 08:00 in Łódź; the training
room is open Tuesday 12:00–20:00 and Wednesday 10:00–18:00. The initiative tests pin it to Monday
2 March 2026, 10:00.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from dashboard.core import clock
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work
from db.connection import Database

# -- reservations and events -------------------------------------------------------------------
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=clock.WARSAW)  # a Monday, before opening
TUESDAY = date(2026, 11, 3)   # open 12:00-20:00
WEDNESDAY = date(2026, 11, 4)  # open 10:00-18:00
NEXT_TUESDAY = date(2026, 11, 10)


@dataclass
class Centre:
    """What the ``centre`` fixture sets up: the pilot's resources and two organisations."""
    db: Database
    room: int         # Sala szkoleniowa, 20 people
    meeting: int      # Sala spotkań, 8 people
    workstation: int
    locker: int
    projector: int
    zielona: int      # Fundacja Zielona Łódź
    sasiedzi: int     # Stowarzyszenie Sąsiedzi z Bałut


@dataclass
class Place:
    """What the ``place`` fixture sets up for the event tests."""
    db: Database
    room: int          # Sala szkoleniowa, 20
    small: int         # Sala spotkań, 8
    workstation: int
    zielona: int


def at(moment: datetime) -> None:
    """Pin the clock to a Warsaw wall-clock moment."""
    clock.freeze(moment.replace(tzinfo=clock.WARSAW))


def booking(centre: Centre, **changes) -> dict:
    """The form as staff fill it: the training room, Tuesday 12:00-14:00, for Zielona Łódź."""
    data = {"resource_id": centre.room, "organisation_id": centre.zielona, "contact_person": "Zofia Zielińska",
            "purpose": "Zebranie zarządu", "statutory_declared": True, "attendees": 12, "day": TUESDAY,
            "start": time(12, 0), "end": time(14, 0), "status": "confirmed"}
    return {**data, **changes}


def event_form(place: Place, **changes) -> dict:
    data = {"title": "Jak napisać ofertę na zadanie publiczne", "event_type": "training", "topics": ["T4", "generator"],
            "description": "Warsztat krok po kroku", "trainer_name": "Łucja Żółkiewska",
            "trainer_organisation": "Fundacja Wspierania Organizacji", "resource_id": place.room, "capacity": 15,
            "target_group": "organizacje pozarządowe",
            "sessions": [{"day": TUESDAY, "start": time(16), "end": time(19)},
                         {"day": NEXT_TUESDAY, "start": time(16), "end": time(19)}]}
    return {**data, **changes}


def field_errors(excinfo) -> dict[str, str]:
    """A ValidationError's field -> message key, from ``pytest.raises``'s excinfo."""
    return {field: message.key for field, message in excinfo.value.errors.items()}


def event_counts(db: Database) -> dict[str, int]:
    """Rows of every table an event writes (the event tests import it as ``counts``)."""
    return {table: db.scalar(f"select count(*) from {table}") for table in
            ("event", "event_session", "event_topic", "booking", "booking_slot")}


# -- concurrency ---------------------------------------------------------------------------------
THREADS = 8
ACTIVE = "('requested', 'confirmed', 'checked_in')"


def run_together(task, count: int = THREADS) -> list[BaseException]:
    """Start ``count`` threads on ``task(index)`` at the same moment; return anything they raised."""
    start = threading.Barrier(count)
    raised: list[BaseException] = []

    def body(index: int) -> None:
        start.wait()
        try:
            task(index)
        except BaseException as exc:  # collected so the test shows it
            raised.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a desk hung"
    return raised


def overlapping_pairs(db) -> int:
    return db.scalar(
        "select count(*) from booking a join booking b on a.resource_id = b.resource_id and a.id < b.id "
        "and a.starts_at < b.ends_at and b.starts_at < a.ends_at "
        "where a.status in " + ACTIVE + " and b.status in " + ACTIVE)


def slots_match_bookings(db) -> bool:
    """Every active booking holds exactly its half-hours, and no slot belongs to anything else."""
    expected = set()
    for booking_id, resource_id, starts_at, ends_at in db.rows(
            "select id, resource_id, starts_at, ends_at from booking where status in " + ACTIVE):
        moment = starts_at
        while moment < ends_at:
            expected.add((resource_id, moment, booking_id))
            moment += timedelta(minutes=30)
    return set(db.rows("select resource_id, slot_start, booking_id from booking_slot")) == expected


# -- volunteers ----------------------------------------------------------------------------------
def volunteer_hours(db, staff, entries: list[tuple[date, float, str]], host: dict | None = None,
                    email: str = "lucja.z@example.org") -> None:
    """One volunteer with a written agreement for the summer, working on a Centre opportunity (or ``host``'s);
    each entry is (day, hours, 'approved' | 'rejected' | 'pending')."""
    vid = vol.register(db, staff, {"first_name": "Łucja", "last_name": "Żółkiewska", "email": email,
                                   "birth_date": date(1990, 5, 1), "skills": ["events"], "status": "active",
                                   "consent": True, "consent_on": date(2026, 6, 1)})
    aid = vol.add_agreement(db, staff, vid, {"scope": "Pomoc przy wydarzeniach", "starts_on": date(2026, 6, 1),
                                             "ends_on": date(2026, 12, 31), "form": "written",
                                             "signed_on": date(2026, 6, 1)})
    vol.activate_agreement(db, staff, aid)
    oid = work.create_opportunity(db, staff, {"title": "Dyżury w Centrum", "starts_at": datetime(2026, 6, 1, 9),
                                              "ends_at": datetime(2026, 12, 31, 17), "skills": ["events"], "needed": 2,
                                              **(host or {})})
    assignment = work.assign(db, staff, oid, vid)
    work.confirm(db, staff, assignment)
    for day, hours, status in entries:
        hours_id = work.log_hours(db, staff, assignment, {"work_date": day, "hours": hours})
        if status != "pending":
            work.decide_hours(db, staff, hours_id, status == "approved")


# -- local initiatives ---------------------------------------------------------------------------
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Warsaw
ALLOWED = {
    ("submitted", "formal_check"), ("formal_check", "fixes_requested"), ("fixes_requested", "formal_check"),
    ("formal_check", "review"), ("review", "accepted"), ("review", "rejected"), ("accepted", "preparation"),
    ("preparation", "agreement_signed"), ("agreement_signed", "in_progress"), ("in_progress", "settled"),
    *{(stage, "withdrawn") for stage in ("submitted", "formal_check", "fixes_requested", "review", "accepted",
                                         "preparation", "agreement_signed", "in_progress")},
}
# How to reach each stage by allowed moves from "submitted".
PATH = {"submitted": [], "formal_check": ["formal_check"], "fixes_requested": ["formal_check", "fixes_requested"],
        "review": ["formal_check", "review"], "accepted": ["formal_check", "review", "accepted"],
        "rejected": ["formal_check", "review", "rejected"],
        "preparation": ["formal_check", "review", "accepted", "preparation"],
        "agreement_signed": ["formal_check", "review", "accepted", "preparation", "agreement_signed"],
        "in_progress": ["formal_check", "review", "accepted", "preparation", "agreement_signed", "in_progress"],
        "settled": ["formal_check", "review", "accepted", "preparation", "agreement_signed", "in_progress", "settled"],
        "withdrawn": ["withdrawn"]}
DETAILS = {"fixes_requested": {"fixes_deadline": date(2026, 3, 16)}, "rejected": {"rejection_reason": "Poza art. 19b"},
           "preparation": {"responsible_unit": "Zarząd Zieleni Miejskiej", "schedule": "maj–czerwiec",
                           "cost_estimate_pln": "11 800"},
           "agreement_signed": {"agreement_number": "IL/7/2026", "agreement_date": date(2026, 3, 2)}}


def group_initiative(**overrides) -> dict:
    """A neighbours' garden as staff would type it: 120 h of work, 1 500 zł in kind, 500 zł money."""
    data = {"title": "Ogród sąsiedzki przy Tuwima", "description": "Grządki i ławki na podwórku",
            "sphere": "nature", "osiedle_id": 26, "applicant_kind": "group", "leader_name": "Jan Kowalski",
            "leader_email": "Jan.Kowalski@Example.org", "leader_phone": "601 234 567", "supporters": 42,
            "partners": "Rada Osiedla", "planned_start": date(2026, 5, 1), "planned_end": date(2026, 6, 30),
            "city_part_pln": "12 000,00", "city_part_description": "Ziemia, sadzonki, dwie ławki",
            "social_work_hours": 120, "in_kind_pln": 1500, "in_kind_description": "Narzędzia ogrodnicze",
            "money_pln": "500"}
    data.update(overrides)
    return data


def initiative_counts(db) -> tuple:
    """(initiatives, history rows, audit rows) — the initiative tests import it as ``counts``."""
    return (db.scalar("select count(*) from initiative"), db.scalar("select count(*) from initiative_history"),
            db.scalar("select count(*) from audit_log"))


def bring_to(db, actor, stage: str, details: dict | None = None, **overrides) -> int:
    """A new group initiative moved by allowed steps to ``stage``."""
    new_id = initiatives.create(db, actor, group_initiative(**overrides))
    for step in PATH[stage]:
        initiative_stages.move(db, actor, new_id, step, details={**DETAILS.get(step, {}), **(details or {})})
    return new_id


def run_coroutine(coroutine: Coroutine) -> Any:
    """``asyncio.run`` in a thread of its own: a worker that ran the browser tests first still has
    Playwright's event loop running in its main thread, where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as apart:
        return apart.submit(asyncio.run, coroutine).result()


def committed_stamp(db: Database) -> tuple | None:
    """The database file's and its write-ahead log's size and time, or None for an in-memory database. Every
    commit appends to the log (a checkpoint writes the file), so while the stamp stays the same no row of any
    table can have changed: a test may skip re-reading what it read at that stamp."""
    if db.path == ":memory:":
        return None

    def of(path: Path) -> tuple:
        try:
            found = path.stat()
        except FileNotFoundError:
            return (None, None)
        return (found.st_size, found.st_mtime_ns)
    return of(Path(db.path)) + of(Path(db.path + ".wal"))
