"""Figures for the home page: a summary of every area of the Centre.

Every figure is an indicator of the catalogue (``indicators``) over a window the page names
(today, the next 7 days, the last 30 days): the same definition, and so the same number, as on
the other pages for the same dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.core.roles import SYSTEM, Actor
from dashboard.services.reporting import indicators
from db.connection import Database

# Windows a home figure is counted over: (i18n key of its name, first day, last day) from today.
WINDOWS = {
    "today": ("indicator.window.today", 0, 0),
    "next_7_days": ("indicator.window.next_7_days", 1, 7),
    "last_30_days": ("indicator.window.last_30_days", -29, 0),
}


@dataclass(frozen=True)
class Shown:
    """One figure on the home page: an indicator over a window (None: the register as it is now)."""

    indicator: str
    window: str | None
    value: float | None


@dataclass(frozen=True)
class Module:
    title_key: str
    figures: tuple[tuple[str, str | None], ...]   # (indicator id, window)


# The register's figures at the top, then each area's.
REGISTER = (("organisations_registered", None), ("new_organisations", "last_30_days"), ("osiedla_reached", None))
MODULES: list[Module] = [
    Module("module.reservations", (("bookings_scheduled", "today"), ("bookings_scheduled", "next_7_days"))),
    Module("module.trainings", (("events_scheduled", "today"), ("events_scheduled", "next_7_days"),
                                ("waitlisted", None))),
    Module("module.volunteers", (("volunteer_hours_centre", "last_30_days"),
                                 ("volunteer_hours_register", "last_30_days"))),
    Module("module.initiatives", (("initiatives_submitted", "last_30_days"),)),
    Module("module.utilisation", (("organisations_served", "last_30_days"),)),
]
# Every indicator the home page shows (a test checks the page against it).
HOME_INDICATORS = tuple(dict.fromkeys(
    [i for i, _ in REGISTER] + [i for m in MODULES for i, _ in m.figures]))
OSIEDLA = 36   # Łódź's osiedla: the register's reach is shown out of them


def window(name: str | None, today: date) -> tuple[date, date]:
    """The dates a window covers; a register figure (None) is as of today."""
    if name is None:
        return today, today
    _, first, last = WINDOWS[name]
    return today + timedelta(days=first), today + timedelta(days=last)


def figures(db: Database, actor: Actor, today: date, specs) -> list[Shown]:
    """The catalogue's value of each (indicator, window), one grouped read per window."""
    by_window: dict[str | None, list[str]] = {}
    for indicator_id, name in specs:
        by_window.setdefault(name, []).append(indicator_id)
    read = {name: indicators.values(db, actor, *window(name, today), ids) for name, ids in by_window.items()}
    return [Shown(indicator_id, name, read[name][indicator_id]) for indicator_id, name in specs]


def register_figures(db: Database, today: date, actor: Actor = SYSTEM) -> list[Shown]:
    return figures(db, actor, today, REGISTER)


def module_figures(db: Database, today: date, module: Module, actor: Actor = SYSTEM) -> list[Shown]:
    return figures(db, actor, today, module.figures)
