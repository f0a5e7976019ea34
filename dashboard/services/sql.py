"""Small cursor helpers every service area shares: one row, all rows, rows as dicts, a retried write.

They take the caller's cursor so a read sees the caller's own transaction. SQL is always passed with
its parameters (never formatted into the text).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from dashboard.core.errors import Conflict
from db.connection import ConstraintViolation, Database

_ROUNDS = 6


def fetch_one(cur, sql: str, params: list) -> tuple | None:
    cur.execute(sql, params)
    return cur.fetchone()


def fetch_all(cur, sql: str, params: list) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


def fetch_dicts(cur, sql: str, params: list) -> list[dict]:
    cur.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def retrying_write(db: Database, work: Callable, busy_key: str, attempts: int = 40) -> Any:
    """Run a write whose primary keys (slots, seats, contacts) may be lost to a concurrent writer.

    Write-write conflicts are retried inside ``db.write``; a ConstraintViolation (the key taken at
    COMMIT) is retried here in a fresh snapshot, whose checks then give the precise message.
    """
    for attempt in range(_ROUNDS):
        try:
            return db.write(work, attempts=attempts)
        except ConstraintViolation:
            time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
    raise Conflict(busy_key)
