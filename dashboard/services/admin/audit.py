"""The audit log: who changed what, when (UTC), with the values before and after.

``history`` gives the rows (before/after as JSON, contacts masked for roles without 'personal');
``view`` gives them as people read them: local time, translated names and values, searchable by what is shown.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pandas as pd

from dashboard.core import clock, privacy
from dashboard.core.i18n import catalogue, current_language, fmt_date, fmt_datetime, t
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
    frame = db.query(
        "select id, at_utc, username, action, entity, entity_id, before, after from audit_log "
        f"where {' and '.join(where)} order by id desc limit ?",
        params,
    )
    if not actor.can("personal"):  # the coordinator: the same masking as on cards and lists
        for column in ("before", "after"):
            frame[column] = [_masked_json(v, actor) for v in frame[column]]
    return frame


def _masked_json(text: Any, actor: Actor) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return to_json(privacy.mask_values(json.loads(text), actor))
    except ValueError:
        return privacy.mask_values(text, actor)


# -- as people read it -------------------------------------------------------------------------------------------------
# Timestamps kept in UTC (the rest of the domain is Warsaw wall-clock, shown as it is).
_UTC_KEYS = {"at_utc", "created_at", "updated_at", "anonymised_at", "marked_at", "locked_until", "last_login_at",
             "decided_at", "cancelled_at", "enrolled_at", "promoted_at", "checked_in_at"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
_ISO_DATE_INSIDE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")


def local_time(value: datetime | None) -> datetime | None:
    """A naive UTC moment as Warsaw wall-clock (naive)."""
    if value is None or value != value:
        return None
    return value.replace(tzinfo=UTC).astimezone(clock.WARSAW).replace(tzinfo=None)


def field_label(name: str) -> str:
    key = f"audit.field.{name}"
    return t(key) if key in catalogue(current_language()) else name.replace("_", " ")


def entity_label(entity: str | None) -> str:
    key = f"entity.{entity}"
    return t(key) if entity and key in catalogue(current_language()) else (entity or "")


def action_label(action: str | None) -> str:
    key = f"action.{action}"
    return t(key) if action and key in catalogue(current_language()) else (action or "")


def shown_value(value: Any, key: str = "") -> str:
    """One value as text: dates dd.mm.rrrr, times in Warsaw, yes/no, lists joined, nothing for an empty one."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return t("audit.yes") if value else t("audit.no")
    if isinstance(value, list):
        return ", ".join(s for s in (shown_value(v, key) for v in value) if s)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)}: {shown_value(v, k)}" for k, v in value.items()
                         if shown_value(v, k))
    if isinstance(value, (int, float)):
        return f"{value:g}".replace(".", ",") if current_language() == "pl" else f"{value:g}"
    text = str(value)
    if _ISO_DATETIME.fullmatch(text):
        moment = datetime.fromisoformat(text)
        return fmt_datetime(local_time(moment) if key in _UTC_KEYS else moment)
    if _ISO_DATE.fullmatch(text):
        try:
            return fmt_date(date.fromisoformat(text))
        except ValueError:
            return text
    return _ISO_DATE_INSIDE.sub(_day_in_text, text)  # e.g. an event's sessions: "2026-12-07 10:00-13:00"


def _day_in_text(match: re.Match) -> str:
    try:
        return fmt_date(date.fromisoformat(match.group(0)))
    except ValueError:
        return match.group(0)


def shown_values(text: Any) -> str:
    """An audit row's before/after JSON as "Field: value; …" (only fields with a value)."""
    if not isinstance(text, str) or not text:
        return ""
    try:
        values = json.loads(text)
    except ValueError:
        return text
    if not isinstance(values, dict):
        return shown_value(values)
    return "; ".join(f"{field_label(k)}: {shown}" for k, v in values.items() if (shown := shown_value(v, k)))


def view(db: Database, actor: Actor, *, username: str | None = None, entity: str | None = None,
         entity_id: str | None = None, date_from: date | None = None, date_to: date | None = None,
         search: str | None = None, limit: int = 500) -> pd.DataFrame:
    """The history as the page shows it: ``at`` (Warsaw, dd.mm.rrrr HH:MM), user, action and entity by name,
    before/after as readable text. Masked for the coordinator like ``history``; ``search`` looks only in what
    is shown, so a masked e-mail or phone cannot be found by its real value."""
    needle = " ".join((search or "").lower().split())
    rows = history(db, actor, username=username, entity=entity, entity_id=entity_id, date_from=date_from,
                   date_to=date_to, limit=limit * 20 if needle else limit)
    out = pd.DataFrame({
        "id": rows["id"],
        "at": [fmt_datetime(local_time(v)) for v in rows["at_utc"]],
        "username": rows["username"].fillna(""),
        "action": [action_label(a) for a in rows["action"]],
        "entity": [entity_label(e) for e in rows["entity"]],
        "entity_id": rows["entity_id"].fillna(""),
        "before": [shown_values(v) for v in rows["before"]],
        "after": [shown_values(v) for v in rows["after"]],
    })
    if needle:
        text = out[["at", "username", "action", "entity", "entity_id", "before", "after"]].astype(str).agg(" ".join, axis=1)
        out = out[[needle in " ".join(v.lower().split()) for v in text]].head(limit)
    return out.reset_index(drop=True)


def entities(db: Database) -> list[str]:
    return [r[0] for r in db.rows("select distinct entity from audit_log order by 1")]
