"""After a write, the utilisation page reads again only what the write can change.

The page keeps its reads in three parts (``dashboard/ui/utilisation_view.py``): what rests on bookings, for the
data's stamp; organisations served and new ones, for the newest write that is no calendar write (a check-in
changes them, a booking made does not); the rest (events, advice, volunteering, initiatives, lockers, the
resources and the pilot's dates), for the newest write that is no booking write (``utilisation.kept_stamps``).
These tests hold that to what the page showed before: after a booking, after a check-in and after any other
write, every figure and every chart's frame is what the services give for the data as it is now — nothing kept
that a write changed.
"""

from __future__ import annotations

import shutil
from datetime import datetime, time, timedelta

import pandas as pd
import pytest

from dashboard.core import clock
from dashboard.core.errors import DomainError
from dashboard.core.roles import Actor
from dashboard.services import reservations
from dashboard.services.admin import audit
from dashboard.services.register import organisations
from dashboard.services.reporting import indicators, utilisation
from dashboard.ui import cached
from dashboard.ui import utilisation_view as view
from db.connection import ConstraintViolation, close_database, get_database
from tests.conftest import filled_demo

NOW = datetime(2026, 11, 18, 11, 0, tzinfo=clock.WARSAW)  # the benchmark's Wednesday, rooms in use
STAFF = Actor("recepcja", "staff", "Joanna Recepcja")


@pytest.fixture
def demo(tmp_path, tmp_path_factory, migrated_template):
    """A small demo filled on the benchmark's Wednesday (once per run), a copy of this test's own (the tests
    write)."""
    path = tmp_path / "civic.duckdb"
    shutil.copyfile(filled_demo(tmp_path_factory, migrated_template, 0.05, NOW), path)
    clock.freeze(NOW)
    database = get_database(path)
    cached.clear()
    yield database
    cached.clear()
    clock.freeze(None)
    close_database(path)


def rooms(db) -> tuple[int, ...]:
    return tuple(int(i) for i in db.query("select id from resource where kind = 'room' and active order by id")["id"])


def page_reads(db) -> dict:
    """The page's four reads through its store, as a rerun after the last write makes them."""
    read = view.reader(db, STAFF)
    date_from, date_to = utilisation.period("month", clock.today(), utilisation.pilot_period(db))
    minute = clock.local_now().replace(tzinfo=None, second=0, microsecond=0)
    return {"head": view.head(read), "now": view.now_figures(read, minute),
            "figures": view.figures(read, date_from, date_to),
            "frames": view.frames(read, date_from, date_to, rooms(db))}


def assert_fresh(db, shown: dict) -> None:
    """What the page read equals what the services give now, read without any store."""
    date_from, date_to = utilisation.period("month", clock.today(), utilisation.pilot_period(db))
    minute = clock.local_now().replace(tzinfo=None, second=0, microsecond=0)
    resources, pilot = shown["head"]
    pd.testing.assert_frame_equal(resources, reservations.resources(db))
    assert pilot == utilisation.pilot_period(db)
    assert shown["now"]["values"].values == utilisation.now_figures(db, STAFF, minute)["values"].values
    fresh = indicators.values(db, STAFF, date_from, date_to, utilisation.KPIS)
    assert list(shown["figures"].values) == list(utilisation.KPIS)
    assert shown["figures"].values == fresh.values and shown["figures"].bases == fresh.bases
    frames = utilisation.chart_frames(db, STAFF, date_from, date_to, rooms(db))
    assert list(shown["frames"]) == list(utilisation.CHARTS)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(shown["frames"][name], frame, obj=name)


def book_tomorrow(db) -> int:
    """A booking of the first free hour from tomorrow on, as the booking form sends it."""
    organisation = int(db.scalar("select min(id) from organisation"))
    day = clock.today() + timedelta(days=1)
    for _ in range(30):
        for hour in range(10, 17):
            for room in rooms(db):
                data = {"resource_id": room, "organisation_id": organisation, "contact_person": "Anna Testowa",
                        "purpose": "Spotkanie zarządu", "statutory_declared": True, "attendees": 2, "day": day,
                        "start": time(hour), "end": time(hour + 1), "status": "confirmed"}
                try:
                    return reservations.create_booking(db, STAFF, data)
                except (DomainError, ConstraintViolation):
                    continue
        day += timedelta(days=1)
    raise AssertionError("no free hour in a month")


def counting(monkeypatch, name: str) -> list:
    """Count the calls of a ``utilisation`` read (the page's store calls it only when it must read again)."""
    calls, real = [], getattr(utilisation, name)
    monkeypatch.setattr(utilisation, name, lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_a_booking_made_reads_again_only_what_rests_on_bookings(demo, monkeypatch):
    assert_fresh(demo, page_reads(demo))
    calls = {name: counting(monkeypatch, name) for name in ("booking_frames", "served_frames", "other_frames",
                                                              "now_bookings", "now_events")}

    book_tomorrow(demo)
    shown = page_reads(demo)

    assert {name: len(c) for name, c in calls.items()} == {"booking_frames": 1, "served_frames": 0,
                                                          "other_frames": 0, "now_bookings": 1, "now_events": 0}
    assert_fresh(demo, shown)


def test_a_check_in_reads_again_the_organisations_served_too(demo, monkeypatch):
    page_reads(demo)
    calls = {name: counting(monkeypatch, name) for name in ("booking_frames", "served_frames", "other_frames")}
    booking_id = demo.scalar("select min(b.id) from booking b join resource r on r.id = b.resource_id "
                             "where r.kind = 'room' and b.status in ('requested', 'confirmed') "
                             "and b.starts_at::date = ?", [clock.today()])
    reservations.check_in(demo, STAFF, int(booking_id), 3)
    shown = page_reads(demo)

    assert {name: len(c) for name, c in calls.items()} == {"booking_frames": 1, "served_frames": 1,
                                                          "other_frames": 0}
    assert_fresh(demo, shown)


def test_any_other_write_reads_everything_again(demo, monkeypatch):
    page_reads(demo)
    calls = {name: counting(monkeypatch, name) for name in ("booking_frames", "served_frames", "other_frames")}

    organisations.create(demo, STAFF, {"name": "Stowarzyszenie Nowe po zapisie", "legal_form": "stowarzyszenie"})
    shown = page_reads(demo)

    assert {name: len(c) for name, c in calls.items()} == {"booking_frames": 1, "served_frames": 1,
                                                          "other_frames": 1}
    assert_fresh(demo, shown)


def test_the_kept_stamps_skip_only_the_front_desks_writes(demo):
    stamp = int(demo.scalar("select max(id) from audit_log"))
    assert utilisation.kept_stamps(demo, stamp) == {"served": stamp, "other": stamp}  # a demo fill is none of them

    book_tomorrow(demo)
    booked = int(demo.scalar("select max(id) from audit_log"))
    assert booked > stamp and utilisation.kept_stamps(demo, booked) == {"served": stamp, "other": stamp}

    booking_id = demo.scalar("select min(id) from booking where status = 'confirmed' and starts_at::date = ?",
                             [clock.today()])
    reservations.check_in(demo, STAFF, int(booking_id), 2)
    checked = int(demo.scalar("select max(id) from audit_log"))
    assert utilisation.kept_stamps(demo, checked) == {"served": checked, "other": stamp}

    demo.write(lambda cur: audit.record(cur, "recepcja", "create", "locker_assignment", 1, None, {}))
    latest = int(demo.scalar("select max(id) from audit_log"))
    assert utilisation.kept_stamps(demo, latest) == {"served": latest, "other": latest}  # a locker: everything
    assert utilisation.kept_stamps(demo, booked) == {"served": stamp, "other": stamp}  # as of an older stamp


def test_the_parts_cover_the_page_once():
    kpis = utilisation.BOOKING_KPIS + utilisation.SERVED_KPIS + utilisation.OTHER_KPIS
    charts = utilisation.BOOKING_CHARTS + utilisation.SERVED_CHARTS + utilisation.OTHER_CHARTS
    assert sorted(kpis) == sorted(utilisation.KPIS) and sorted(charts) == sorted(utilisation.CHARTS)
    assert set(utilisation.CALENDAR_WRITES) < set(utilisation.BOOKING_WRITES)


def test_the_kept_stamps_look_past_the_newest_rows_when_they_must(demo, monkeypatch):
    stamp = int(demo.scalar("select max(id) from audit_log"))
    book_tomorrow(demo)
    book_tomorrow(demo)
    booked = int(demo.scalar("select max(id) from audit_log"))
    whole = utilisation.kept_stamps(demo, booked)

    monkeypatch.setattr(utilisation, "KEPT_WINDOW", 1)  # the newest row is a booking: the whole log is read
    assert utilisation.kept_stamps(demo, booked) == whole == {"served": stamp, "other": stamp}
