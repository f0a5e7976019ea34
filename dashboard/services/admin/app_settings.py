"""Settings that staff change at run time (booking horizon, fair-use cap, enrolment closing), kept as JSON.

The environment holds what an operator sets before start-up (``dashboard.core.settings``); these
live in the database so an admin can change them on a page, with an audit row, while the app runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from dashboard.core.errors import Errors
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from db.connection import Database


def _horizon(value: Any) -> int:
    """Whole days ahead that a booking may start: at least a day, at most two years."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    if int(value) != value:
        raise ValueError
    if not 1 <= int(value) <= 730:
        raise ValueError
    return int(value)


def _fair_use(value: Any) -> float | None:
    """Room-hours per organisation per ISO week; None switches the cap off."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 168:
        raise ValueError  # also refuses NaN, which compares false with everything
    return float(value) if int(value) != value else int(value)


def _close_hours(value: Any) -> int:
    """Whole hours before an event's first session when enrolment closes: 0 (at the start) to 720 (30 days)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    if int(value) != value or not 0 <= int(value) <= 720:
        raise ValueError
    return int(value)


def _money_pln(value: Any) -> float:
    """A non-negative amount in PLN (a rate or a budget), to the grosz."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    if not 0 <= value <= 1_000_000_000:
        raise ValueError
    return round(float(value), 2)


def _stuck_days(value: Any) -> int:
    """Whole days an initiative may wait in one stage before the pipeline flags it: 1 to 365."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    if int(value) != value or not 1 <= int(value) <= 365:
        raise ValueError
    return int(value)


def _hourly_rate(value: Any) -> float:
    """PLN per hour of volunteer work (its value in reports): above 0, at most 1,000, two decimals."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    if not 0 < value <= 1000:
        raise ValueError
    return round(float(value), 2)


def _retention_months(value: Any) -> int:
    """Months after which an inactive volunteer is due for review (anonymisation): 12 to 240."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    if int(value) != value or not 12 <= int(value) <= 240:
        raise ValueError
    return int(value)


def _backup_days(value: Any) -> int:
    """Days the automatic daily backups are kept (today's included): 1 to 365."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    if int(value) != value or not 1 <= int(value) <= 365:
        raise ValueError
    return int(value)


# Known settings: the validator of each value and its default when the row is missing.
KNOWN: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "booking_horizon_days": (_horizon, 90),
    "fair_use_weekly_hours": (_fair_use, None),
    "enrolment_close_hours": (_close_hours, 24),
    "volunteer_hourly_rate_pln": (_hourly_rate, 35.00),
    "volunteer_retention_months": (_retention_months, 72),
    "initiative_social_work_rate_pln": (_money_pln, 30.0),
    "initiative_budget_pln": (_money_pln, 300000.0),
    "initiative_stuck_days": (_stuck_days, 30),
    "backup_retention_days": (_backup_days, 14),
}


def get_setting(db: Database, key: str, default: Any = None) -> Any:
    """The stored value (JSON-decoded); ``default`` when the row is missing.

    A stored JSON ``null`` is a value (e.g. "fair-use cap off"), not a missing row.
    """
    return _decoded(db.one("select value from app_setting where key = ?", [key]), key, default)


def get_setting_in(cur, key: str, default: Any = None) -> Any:
    """``get_setting`` on the caller's cursor, so a write reads the setting in its own snapshot."""
    cur.execute("select value from app_setting where key = ?", [key])
    return _decoded(cur.fetchone(), key, default)


def get_settings(db: Database, defaults: dict[str, Any]) -> dict[str, Any]:
    """``get_settings_in`` outside a transaction: several settings in one query."""
    stored = dict(db.rows("select key, value from app_setting where list_contains(?::varchar[], key)",
                          [list(defaults)]))
    return {key: decoded(stored.get(key), key, default) for key, default in defaults.items()}


def get_settings_in(cur, defaults: dict[str, Any]) -> dict[str, Any]:
    """Several settings in ONE query on the caller's cursor: {key: value}, ``defaults[key]`` when missing.

    The same rules as ``get_setting_in`` per key (a default of None falls back to the known default).
    """
    cur.execute("select key, value from app_setting where list_contains(?::varchar[], key)", [list(defaults)])
    stored = dict(cur.fetchall())
    return {key: decoded(stored.get(key), key, default) for key, default in defaults.items()}


def decoded(raw: str | None, key: str, default: Any = None) -> Any:
    """A raw stored value (JSON text; None: the row is missing) as ``get_setting`` would return it.

    For a caller that reads ``app_setting`` within a larger query of its own.
    """
    return _decoded(None if raw is None else (raw,), key, default)


def _decoded(row: tuple | None, key: str, default: Any) -> Any:
    if row is None:
        if default is None and key in KNOWN:
            return KNOWN[key][1]
        return default
    return json.loads(row[0])


def all_settings(db: Database) -> dict[str, Any]:
    """Every setting with its value (defaults for known ones not yet stored)."""
    stored = {k: json.loads(v) for k, v in db.rows("select key, value from app_setting order by key")}
    return {**{k: d for k, (_, d) in KNOWN.items()}, **stored}


def set_setting(db: Database, actor: Actor, key: str, value: Any) -> None:
    """Store a setting (admin only); known keys are validated, the change is audited."""
    set_settings(db, actor, {key: value})


def set_settings(db: Database, actor: Actor, values: dict[str, Any]) -> None:
    """Store several settings at once (one form): every value is checked first, all are written in one
    transaction or none; each change is audited."""
    require(actor, "settings")
    errors, encoded, clean = Errors(), {}, {}
    for key, value in values.items():
        if not isinstance(key, str) or not key.strip():
            errors.add("key", "error.required")
            continue
        if key in KNOWN:
            try:
                value = KNOWN[key][0](value)
            except (TypeError, ValueError):
                errors.add(key, "error.setting_invalid", setting=key)
                continue
        try:
            encoded[key], clean[key] = json.dumps(value, ensure_ascii=False, allow_nan=False), value
        except (TypeError, ValueError):  # a date, NaN or infinity has no JSON form
            errors.add(key, "error.setting_invalid", setting=key)
    errors.raise_if_any()

    def work(cur):
        for key, value in clean.items():
            cur.execute("select value from app_setting where key = ?", [key])
            row = cur.fetchone()
            before = None if row is None else json.loads(row[0])
            if row is not None and before == value:
                continue
            cur.execute(
                "insert into app_setting (key, value) values (?, ?) on conflict (key) do update set value = excluded.value",
                [key, encoded[key]],
            )
            audit.record(cur, actor.username, "update", "app_setting", key, {"value": before}, {"value": value})

    db.write(work)
