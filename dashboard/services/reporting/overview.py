"""Figures for the home page, and which areas of the product exist yet.

An area whose page is not built has no summary: the home page says so instead of showing
a number nobody recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from db.connection import Database


@dataclass(frozen=True)
class Module:
    title_key: str
    summary: Callable[[Database, date], list[tuple[str, str]]] | None


def _reservations(db: Database, today: date) -> list[tuple[str, str]]:
    start = datetime.combine(today, time.min)
    row = db.one(
        "select count(*) filter (where starts_at >= ? and starts_at < ? and status <> 'cancelled'), "
        "count(*) filter (where starts_at >= ? and starts_at < ? and status <> 'cancelled'), "
        "count(distinct organisation_id) filter (where starts_at >= ? and starts_at < ? and status in "
        "('confirmed', 'checked_in', 'requested')) from booking",
        [start, start + timedelta(days=1), start + timedelta(days=1), start + timedelta(days=8),
         start - timedelta(days=30), start + timedelta(days=1)],
    )
    return [("home.bookings_today", str(row[0])), ("home.bookings_next_7d", str(row[1])),
            ("home.organisations_booking_30d", str(row[2]))]


def _trainings(db: Database, today: date) -> list[tuple[str, str]]:
    start = datetime.combine(today, time.min)
    row = db.one(
        "select count(distinct s.event_id) filter (where s.starts_at >= ? and s.starts_at < ?), "
        "count(distinct s.event_id) filter (where s.starts_at >= ? and s.starts_at < ?) "
        "from event_session s join event e on e.id = s.event_id where e.status <> 'cancelled'",
        [start, start + timedelta(days=1), start, start + timedelta(days=8)],
    )
    waiting = db.scalar("select count(*) from enrolment n join event e on e.id = n.event_id "
                        "where n.status = 'waitlisted' and e.status in ('open', 'full')")
    return [("home.events_today", str(row[0])), ("home.events_next_7d", str(row[1])),
            ("home.waitlisted", str(waiting))]


def _utilisation(db: Database, today: date) -> list[tuple[str, str]]:
    from dashboard.core.roles import SYSTEM
    from dashboard.services.reporting import utilisation

    served = utilisation.organisations_served(db, SYSTEM, today - timedelta(days=29), today)
    return [("home.organisations_served_30d", str(served["organisations"]))]


MODULES: list[Module] = [
    Module("module.reservations", _reservations),
    Module("module.trainings", _trainings),
    Module("module.volunteers", None),
    Module("module.initiatives", None),
    Module("module.utilisation", _utilisation),
]


def register_figures(db: Database, today: date) -> dict:
    row = db.one(
        "select count(*), count(*) filter (where first_served_on >= ?), count(distinct osiedle_id) from organisation",
        [today - timedelta(days=30)],
    )
    return {"organisations": row[0], "new_30d": row[1], "osiedla": row[2]}
