"""The audit log: who changed what, when (UTC), with the values before and after."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pandas as pd

from dashboard.core import clock
from dashboard.core.roles import Actor, require
from db.connection import Database


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def to_json(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, default=_default, ensure_ascii=False, sort_keys=True)


def record(cur, username: str | None, action: str, entity: str, entity_id: Any,
           before: dict | None = None, after: dict | None = None) -> None:
    """Append one audit row inside the caller's transaction (so both commit or neither)."""
    cur.execute(
        "insert into audit_log (at_utc, username, action, entity, entity_id, before, after) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [clock.utc_now(), username, action, entity,
         None if entity_id is None else str(entity_id), to_json(before), to_json(after)],
    )


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, so the history shows what actually changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def history(db: Database, actor: Actor, *, username: str | None = None, entity: str | None = None,
            entity_id: str | None = None, date_from: date | None = None, date_to: date | None = None,
            limit: int = 500) -> pd.DataFrame:
    """The newest audit rows matching the filters (admin and coordinator)."""
    require(actor, "audit")
    where, params = ["true"], []
    if username:
        where.append("username = ?")
        params.append(username)
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if entity_id:
        where.append("entity_id = ?")
        params.append(str(entity_id))
    if date_from:
        where.append("at_utc >= ?")
        params.append(datetime.combine(date_from, time.min))
    if date_to:
        where.append("at_utc < ?::date + interval 1 day")
        params.append(date_to)
    params.append(int(limit))
    return db.query(
        "select id, at_utc, username, action, entity, entity_id, before, after from audit_log "
        f"where {' and '.join(where)} order by id desc limit ?",
        params,
    )


def entities(db: Database) -> list[str]:
    return [r[0] for r in db.rows("select distinct entity from audit_log order by 1")]
