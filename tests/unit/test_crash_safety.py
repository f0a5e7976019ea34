"""A process killed with SIGKILL in the middle of a burst of writes loses nothing it acknowledged
and leaves no half-written unit behind.

A child process opens a DuckDB file, migrates it, sets up an organisation and rooms through the
services, then books as fast as it can — single bookings through ``create_booking``, every
fourth time a three-week series through ``create_series`` and, as often, a three-session training
through ``create_event`` (which books its room for every session) — printing each id only after
the service has returned. The parent waits for N acknowledgements, kills the child with SIGKILL
(no handler, no flush, no atexit), reopens the file and checks:

* every acknowledged booking, series and event is there, with its slots and its audit row;
* every series in the file has all its occurrences, and every event its sessions, each with its
  own room booking (acknowledged or not: a commit is whole);
* every active booking holds exactly one slot per 30 minutes of its duration, on its own
  resource and times, and no slot belongs to anything else.

The kill is repeated at three moments of the burst. The child uses the real clock and books
only weekdays from tomorrow on, inside the hours every weekday shares (12:00-18:00), within
80 days (the horizon is 90), skipping public holidays.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from db.connection import close_database, get_database

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent('''
    import sys
    import time as _t
    from datetime import date, datetime, time, timedelta

    from dashboard.core import clock
    from dashboard.core.roles import Actor
    from dashboard.services.education import trainings
    from dashboard.services.register import organisations
    from dashboard.services import reservations as res
    from db.connection import get_database, migrate

    db = get_database(sys.argv[1])
    migrate(db)
    admin = Actor("admin", "admin", "Admin")
    staff = Actor("recepcja", "staff", "Recepcja")
    org = organisations.create(db, admin, {"name": "Fundacja Awaria", "legal_form": "fundacja"})
    single_rooms = [res.create_resource(db, admin, {"kind": "room", "name": f"Sala {i}", "capacity": 30})
                    for i in range(4)]
    series_rooms = [res.create_resource(db, admin, {"kind": "room", "name": f"Sala cykliczna {i}", "capacity": 30})
                    for i in range(4)]
    event_rooms = [res.create_resource(db, admin, {"kind": "room", "name": f"Sala szkoleniowa {i}", "capacity": 30})
                   for i in range(2)]
    print("ready", flush=True)

    tomorrow = clock.today() + timedelta(days=1)
    BLOCKS = [time(12), time(14), time(16)]  # two-hour blocks; a booking takes 30-120 min of one

    def bookable(day):
        return day.weekday() < 5 and not res.holiday_name(day)

    days = [tomorrow + timedelta(days=i) for i in range(80) if bookable(tomorrow + timedelta(days=i))]
    singles = [(room, day, block) for day in days for block in BLOCKS for room in single_rooms]
    first_week = [tomorrow + timedelta(days=i) for i in range(7)]
    series = [(room, day, block) for day in first_week for block in BLOCKS for room in series_rooms
              if all(bookable(day + timedelta(weeks=w)) for w in range(3))]
    events = [(room, days[k:k + 3], block) for k in range(0, len(days) - 2, 3) for block in BLOCKS
              for room in event_rooms]

    def training(room, session_days, block):
        end = (datetime.combine(tomorrow, block) + timedelta(minutes=90)).time()
        return {"title": "Skąd wziąć pieniądze na działania", "event_type": "training", "topics": ["T2"],
                "trainer_name": "Łucja Trenerska", "resource_id": room, "capacity": 15,
                "sessions": [{"day": day, "start": block, "end": end} for day in session_days]}

    def form(room, day, block, minutes):
        start = datetime.combine(day, block)
        return {"resource_id": room, "organisation_id": org, "contact_person": "Zofia Zielińska",
                "purpose": "Warsztaty", "statutory_declared": True, "attendees": 10, "day": day,
                "start": block, "end": (start + timedelta(minutes=minutes)).time(), "status": "confirmed"}

    i = 0
    while singles or series or events:
        minutes = 30 * (1 + i % 4)
        if i % 4 == 1 and events:
            event_id = trainings.create_event(db, staff, training(*events.pop(0)))
            print("E", event_id, flush=True)
        elif i % 4 == 3 and series:
            room, day, block = series.pop(0)
            done = res.create_series(db, staff, form(room, day, block, minutes), every_weeks=1, count=3)
            print("S", done["series_id"], ",".join(str(b) for b in done["booked"]), flush=True)
        elif singles:
            room, day, block = singles.pop(0)
            print("B", res.create_booking(db, staff, form(room, day, block, minutes)), flush=True)
        i += 1
    print("exhausted", flush=True)
    _t.sleep(600)
''')


def _run_and_kill(tmp_path: Path, acknowledgements: int, seed: int) -> tuple[Path, list[int], dict[int, list[int]],
                                                                              list[int]]:
    """Start the child, read until ``acknowledgements`` acks, SIGKILL it; return what it acknowledged."""
    script = tmp_path / "burst.py"
    script.write_text(CHILD, encoding="utf-8")
    path = tmp_path / "crash.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    stderr = (tmp_path / "child.err").open("w")
    child = subprocess.Popen([sys.executable, str(script), str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=stderr, text=True, bufsize=1)
    watchdog = threading.Timer(90, child.kill)  # a hung child must not hang the suite
    watchdog.start()
    singles: list[int] = []
    series: dict[int, list[int]] = {}
    events: list[int] = []
    try:
        line = child.stdout.readline()
        assert line.strip() == "ready", f"child failed to start: {line!r} {(tmp_path / 'child.err').read_text()}"
        while len(singles) + len(series) + len(events) < acknowledgements:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"child stopped early: {(tmp_path / 'child.err').read_text()[-2000:]}")
            parts = line.split()
            if parts[0] == "B":
                singles.append(int(parts[1]))
            elif parts[0] == "S":
                series[int(parts[1])] = [int(b) for b in parts[2].split(",")]
            elif parts[0] == "E":
                events.append(int(parts[1]))
            else:
                pytest.fail(f"the child ran out of free slots before {acknowledgements} acknowledgements")
        # Land somewhere inside the next write rather than always right after a print.
        threading.Event().wait(random.Random(seed).uniform(0, 0.02))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        stderr.close()
    assert child.returncode == -signal.SIGKILL, f"child ended with {child.returncode}, not by the kill"
    return path, singles, series, events


@pytest.mark.parametrize("acknowledgements, seed", [(2, 1), (25, 2), (80, 3)],
                         ids=["early", "middle", "late"])
def test_sigkill_mid_burst_keeps_every_acknowledged_write_whole(tmp_path, acknowledgements, seed):
    path, singles, series, events = _run_and_kill(tmp_path, acknowledgements, seed)

    db = get_database(path)  # replays the WAL the killed process left behind
    try:
        bookings = {row[0]: row[1:] for row in db.rows(
            "select id, resource_id, series_id, starts_at, ends_at, status from booking")}
        slots = db.rows("select resource_id, slot_start, booking_id from booking_slot order by booking_id, slot_start")
        audited = {(e, int(i)) for e, i in db.rows(
            "select entity, entity_id from audit_log where action = 'create' "
            "and entity in ('booking', 'booking_series', 'event')")}
        series_rows = dict(db.rows("select id, occurrences from booking_series"))
        sessions: dict[int, list[tuple]] = {}
        for event_id, room, starts_at, ends_at, booking_id in db.rows(
                "select e.id, e.resource_id, s.starts_at, s.ends_at, s.booking_id "
                "from event e left join event_session s on s.event_id = e.id order by e.id, s.starts_at"):
            sessions.setdefault(event_id, []).append((room, starts_at, ends_at, booking_id))

        # 1. Everything acknowledged is there, whole.
        for booking_id in singles:
            assert booking_id in bookings, f"acknowledged booking {booking_id} lost"
            assert bookings[booking_id][1] is None and bookings[booking_id][4] == "confirmed"
            assert ("booking", booking_id) in audited, f"acknowledged booking {booking_id} has no audit row"
        for series_id, booked in series.items():
            assert series_id in series_rows, f"acknowledged series {series_id} lost"
            assert ("booking_series", series_id) in audited, f"acknowledged series {series_id} has no audit row"
            stored = sorted(b for b, row in bookings.items() if row[1] == series_id)
            assert stored == sorted(booked), f"series {series_id}: acknowledged {booked}, stored {stored}"
        for event_id in events:
            assert event_id in sessions, f"acknowledged event {event_id} lost"
            assert ("event", event_id) in audited, f"acknowledged event {event_id} has no audit row"

        # 2. No series in part, acknowledged or not (the kill may land after a commit, before the print).
        for series_id, occurrences in series_rows.items():
            members = [b for b, row in bookings.items() if row[1] == series_id]
            assert len(members) == occurrences == 3, f"series {series_id} has {len(members)} of {occurrences}"
            assert ("booking_series", series_id) in audited
        for booking_id, row in bookings.items():
            if row[1] is None:
                assert ("booking", booking_id) in audited, f"booking {booking_id} without its audit row"
            else:
                assert row[1] in series_rows, f"booking {booking_id} points at a missing series"
        # ...and no event without its room: three sessions, each held by its own booking of the event's room.
        for event_id, held_by in sessions.items():
            assert len(held_by) == 3, f"event {event_id} has {len(held_by)} of its 3 sessions"
            for room, starts_at, ends_at, booking_id in held_by:
                assert booking_id in bookings, f"event {event_id}: a session without its room booking"
                booked_room, _series, booked_from, booked_to, status = bookings[booking_id]
                assert (booked_room, booked_from, booked_to, status) == (room, starts_at, ends_at, "confirmed"), \
                    f"event {event_id}: booking {booking_id} is not its session's"
            assert ("event", event_id) in audited

        # 3. Slots: exactly duration/30 min per active booking, on its resource and times; no orphans.
        held: dict[int, list] = {}
        for resource_id, slot_start, booking_id in slots:
            held.setdefault(booking_id, []).append((resource_id, slot_start))
        for booking_id, (resource_id, _series, starts_at, ends_at, status) in bookings.items():
            if status not in ("requested", "confirmed", "checked_in"):
                continue
            count = int((ends_at - starts_at).total_seconds() // 1800)
            mine = held.pop(booking_id, [])
            assert len(mine) == count, f"booking {booking_id} holds {len(mine)} slots, needs {count}"
            assert all(r == resource_id and starts_at <= s < ends_at for r, s in mine), booking_id
        assert not held, f"orphan slots of bookings {sorted(held)}"

        # The burst really was interrupted mid-stream, and the file is usable afterwards.
        assert len(bookings) >= len(singles) + 3 * len(series) + 3 * len(events)
        assert db.scalar("select count(*) from organisation") == (2 if sessions else 1)  # + the Centre's own
    finally:
        close_database(path)
