"""Deterministic demo data: a realistic Centre, the same on every machine (fixed seed).

``fill`` runs each area's filler in order; every area adds its own module here.
``scale`` multiplies the volumes for the benchmark's city-scale dataset.
"""

from __future__ import annotations

from dashboard.demo import budget, initiatives, people, reservations, trainings, volunteers
from db.connection import Database

SEED = 20120701  # the pilot's first day

DEMO_LOGINS = people.DEMO_LOGINS

# Each filler: (db, rng_seed, scale) -> None, in dependency order.
FILLERS = [people.fill, reservations.fill, trainings.fill, initiatives.fill, volunteers.fill, budget.fill]


def fill(db: Database, scale: float = 1.0) -> None:
    for index, filler in enumerate(FILLERS):
        filler(db, SEED + index, scale)
