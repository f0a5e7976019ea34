"""Figures for the home page, and which areas of the product exist yet.

An area whose page is not built has no summary: the home page says so instead of showing
a number nobody recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from db.connection import Database


@dataclass(frozen=True)
class Module:
    title_key: str
    summary: Callable[[Database, date], list[tuple[str, str]]] | None


MODULES: list[Module] = [
    Module("module.reservations", None),
    Module("module.trainings", None),
    Module("module.volunteers", None),
    Module("module.initiatives", None),
    Module("module.utilisation", None),
]


def register_figures(db: Database, today: date) -> dict:
    row = db.one(
        "select count(*), count(*) filter (where first_served_on >= ?), count(distinct osiedle_id) from organisation",
        [today - timedelta(days=30)],
    )
    return {"organisations": row[0], "new_30d": row[1], "osiedla": row[2]}
