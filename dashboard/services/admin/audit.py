"""The audit log: who changed what, when (UTC), with the values before and after.

``history`` gives the rows (before/after as JSON, contacts masked for roles without 'personal');
``view`` gives them as people read them: local time, translated names and values, searchable by what is shown.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal

from dashboard.core import clock, privacy
from dashboard.core.i18n import LOCALES, catalogue, current_language, fmt_date, fmt_datetime, t
from dashboard.core.roles import Actor, require
from db.connection import Database

if TYPE_CHECKING:  # the login path imports this module but reads no history: pandas loads in view()
    import pandas as pd


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
             "decided_at", "cancelled_at", "enrolled_at", "promoted_at", "checked_in_at", "scored_at", "applied_at"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
_ISO_DATE_INSIDE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_DECIMAL = re.compile(r"-?\d+\.\d+")  # a Decimal as the JSON keeps it: "7000.00"

# The catalogue keys that show a field's codes: the same keys the pages show them with, so the history names a
# booking "potwierdzona" exactly as the bookings list does. Keyed by (entity, field); entity "" for any entity.
_CODE_KEYS = {
    ("", "event_type"): "event_type", ("", "legal_form"): "legal_form", ("", "role"): "role",
    ("", "stage"): "initiative.stage", ("", "from_stage"): "initiative.stage", ("", "to_stage"): "initiative.stage",
    ("", "applicant_kind"): "initiatives.applicant_kind", ("", "host_kind"): "volunteer_work.host",
    ("", "found_via"): "volunteers.found", ("", "partner_kind"): "partner",
    ("booking", "status"): "booking_status", ("event", "status"): "event_status",
    ("enrolment", "status"): "enrolment_status", ("volunteer", "status"): "volunteers.status",
    ("volunteer_agreement", "status"): "volunteers.agreement.status",
    ("volunteer_opportunity", "status"): "volunteer_work.status",
    ("volunteer_assignment", "status"): "volunteers.assignment",
    ("volunteer_hours", "status"): "audit.hours_status", ("initiative_document", "status"): "initiative.document",
    ("resource", "kind"): "kind", ("volunteer_consent", "kind"): "volunteers.consent",
    ("volunteer_document", "kind"): "volunteers.docs.kind", ("advisory", "form"): "advisory_form",
    ("volunteer_agreement", "form"): "volunteers.agreement.form",
}
# Codes whose names are kept in a dictionary table (Polish and English), by the field that holds them.
_NAMED_KEYS = {"category_code": "budget_category", "source_code": "budget_source", "sphere": "initiative_sphere",
               "skills": "volunteer_skill", "topic_code": "topic", "topics": "topic", "osiedle_id": "osiedle",
               "criterion": "initiative_criterion", ("initiative_document", "kind"): "initiative_document_kind"}
_DICTIONARIES = ("budget_category", "budget_source", "initiative_sphere", "volunteer_skill", "topic",
                 "initiative_criterion", "initiative_document_kind", "future_service")
_SLOT_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # a volunteer's slot: "fri_afternoon"
_SETTING_LABELS = {"booking_horizon_days": "settings.horizon", "fair_use_weekly_hours": "settings.fair_use",
                   "backup_retention_days": "import.backup.retention"}

_DICTIONARY_SQL = " union all ".join(  # constant text: table names of this module, no value from outside
    [f"select '{table}', code, name_pl, name_en from {table}" for table in _DICTIONARIES]
    + ["select 'osiedle', cast(id as varchar), name, name from osiedle"])

Names = dict[str, dict[str, str]]


def names(db: Database) -> Names:
    """The dictionary tables' names of their codes in the session's language (osiedla by id), read once per view,
    so a budget category or a skill reads as on its own page and not as the code a program chose."""
    found: Names = {table: {} for table in (*_DICTIONARIES, "osiedle")}
    english = current_language() == "en"
    for table, code, name_pl, name_en in db.rows(_DICTIONARY_SQL):
        found[table][str(code)] = (name_en if english else name_pl) or name_pl
    return found


def local_time(value: datetime | None) -> datetime | None:
    """A naive UTC moment as Warsaw wall-clock (naive)."""
    if value is None or value != value:
        return None
    return value.replace(tzinfo=UTC).astimezone(clock.WARSAW).replace(tzinfo=None)


def _known(key: str) -> bool:
    return key in catalogue(current_language())


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_label(name: str, known: Names | None = None) -> str:
    """A field's name as the forms call it. Some rows are keyed by other things: the demo fill and the importer
    count rows by table ("volunteer_agreement", "bookings"), a score by criterion, the survey by service, the
    budget plan by "category.source", the opening hours by weekday number: each is named as people know it."""
    name = str(name)
    if _known(f"audit.field.{name}"):
        return t(f"audit.field.{name}")
    for table in (name, name.removesuffix("s")):
        if _known(f"entity.{table}"):
            return _capitalised(t(f"entity.{table}"))
    known = known or {}
    for table in ("initiative_criterion", "future_service"):
        if name in known.get(table, {}):
            return known[table][name]
    category, _, source = name.partition(".")
    if category in known.get("budget_category", {}) and source in known.get("budget_source", {}):
        return f"{known['budget_category'][category]} — {known['budget_source'][source]}"
    if name.isdigit() and _known(f"weekday.{name}"):
        return _capitalised(t(f"weekday.{name}"))
    return name.replace("_", " ")


def entity_label(entity: str | None) -> str:
    key = f"entity.{entity}"
    return t(key) if entity and _known(key) else (entity or "")


def entity_title(entity: str | None) -> str:
    """The entity as a column or a choice shows it: capitalised, whichever catalogue named it."""
    return _capitalised(entity_label(entity))


def action_label(action: str | None) -> str:
    key = f"action.{action}"
    return t(key) if action and _known(key) else (action or "")


def entity_id_label(entity: str | None, entity_id: Any, known: Names | None = None) -> str:
    """What a row is about, by name where the id is a code: a setting, a result's target, an initiative's document."""
    if entity_id is None or entity_id != entity_id:
        return ""
    text = str(entity_id)
    if entity == "app_setting":
        key = _SETTING_LABELS.get(text, f"settings.{text}")
        return t(key) if _known(key) else text
    if entity == "result_target" and _known(f"result.{text}"):
        return t(f"result.{text}")
    if entity == "initiative_document" and "/" in text:
        initiative, _, kind = text.partition("/")
        return f"{initiative} — {(known or {}).get('initiative_document_kind', {}).get(kind, kind)}"
    return text


def _code_name(value: str, key: str, entity: str, known: Names | None) -> str | None:
    prefix = _CODE_KEYS.get((entity, key)) or _CODE_KEYS.get(("", key))
    if prefix and _known(f"{prefix}.{value}"):
        return t(f"{prefix}.{value}")
    table = _NAMED_KEYS.get((entity, key)) or _NAMED_KEYS.get(key)
    if table and value in (known or {}).get(table, {}):
        return known[table][value]
    if key in ("slots", "availability"):
        day, _, part = value.partition("_")
        if day in _SLOT_DAYS and _known(f"volunteers.part.{part}"):
            return f"{t(f'weekday_short.{_SLOT_DAYS.index(day)}')} {t(f'volunteers.part.{part}')}"
    return None


def _slot_order(slot: Any) -> tuple:
    day, _, part = str(slot).partition("_")
    return (_SLOT_DAYS.index(day) if day in _SLOT_DAYS else 9, ("morning", "afternoon", "evening").index(part)
            if part in ("morning", "afternoon", "evening") else 9, str(slot))


def _number(value: Any, key: str, entity: str = "") -> str:
    """Money (the label says zł; a budget plan holds only amounts) with grosze and grouped thousands; any other
    number plain (a year, an id)."""
    pattern = "#,##0.00" if key.endswith("_pln") or entity == "budget_plan" else "0.##"
    return format_decimal(value, format=pattern, locale=LOCALES[current_language()])


def shown_value(value: Any, key: str = "", entity: str = "", known: Names | None = None) -> str:
    """One value as text: codes by their names, dates dd.mm.rrrr, times in Warsaw, numbers and money as people
    write them, yes/no, lists joined, nothing for an empty one."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return t("audit.yes") if value else t("audit.no")
    if isinstance(value, list):
        if key in ("slots", "availability"):  # kept sorted by code ("fri_…" first): shown Monday first
            value = sorted(value, key=_slot_order)
        return ", ".join(s for s in (shown_value(v, key, entity, known) for v in value) if s)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k, known)}: {shown}" for k, v in value.items()
                         if (shown := shown_value(v, k, entity, known)))
    if isinstance(value, (int, float)):
        return _code_name(str(value), key, entity, known) or _number(value, key, entity)
    text = str(value)
    if (named := _code_name(text, key, entity, known)) is not None:
        return named
    if _ISO_DATETIME.fullmatch(text):
        moment = datetime.fromisoformat(text)
        return fmt_datetime(local_time(moment) if key in _UTC_KEYS else moment)
    if _ISO_DATE.fullmatch(text):
        try:
            return fmt_date(date.fromisoformat(text))
        except ValueError:
            return text
    if _DECIMAL.fullmatch(text):
        return _number(Decimal(text), key, entity)
    return _ISO_DATE_INSIDE.sub(_day_in_text, text)  # e.g. an event's sessions: "2026-12-07 10:00-13:00"


def _day_in_text(match: re.Match) -> str:
    try:
        return fmt_date(date.fromisoformat(match.group(0)))
    except ValueError:
        return match.group(0)


def shown_values(text: Any, entity: str = "", known: Names | None = None) -> str:
    """An audit row's before/after JSON as "Field: value; …" (only fields with a value)."""
    if not isinstance(text, str) or not text:
        return ""
    try:
        values = json.loads(text)
    except ValueError:
        return text
    if not isinstance(values, dict):
        return shown_value(values, "", entity, known)
    return "; ".join(f"{field_label(k, known)}: {shown}" for k, v in values.items()
                     if (shown := shown_value(v, k, entity, known)))


def view(db: Database, actor: Actor, *, username: str | None = None, entity: str | None = None,
         entity_id: str | None = None, date_from: date | None = None, date_to: date | None = None,
         search: str | None = None, limit: int = 500) -> pd.DataFrame:
    """The history as the page shows it: ``at`` (Warsaw, dd.mm.rrrr HH:MM), user, action and entity by name,
    before/after as readable text. Masked for the coordinator like ``history``; ``search`` looks only in what
    is shown, so a masked e-mail or phone cannot be found by its real value."""
    needle = " ".join((search or "").lower().split())
    rows = history(db, actor, username=username, entity=entity, entity_id=entity_id, date_from=date_from,
                   date_to=date_to, limit=limit * 20 if needle else limit)
    import pandas as pd

    known = names(db)
    entities_ = [str(e or "") for e in rows["entity"]]
    out = pd.DataFrame({
        "id": rows["id"],
        "at": [fmt_datetime(local_time(v)) for v in rows["at_utc"]],
        "username": rows["username"].fillna(""),
        "action": [action_label(a) for a in rows["action"]],
        "entity": [entity_title(e) for e in rows["entity"]],
        "entity_id": [entity_id_label(e, i, known) for e, i in zip(entities_, rows["entity_id"], strict=True)],
        "before": [shown_values(v, e, known) for e, v in zip(entities_, rows["before"], strict=True)],
        "after": [shown_values(v, e, known) for e, v in zip(entities_, rows["after"], strict=True)],
    })
    if needle:
        text = out[["at", "username", "action", "entity", "entity_id", "before", "after"]].astype(str).agg(" ".join, axis=1)
        out = out[[needle in " ".join(v.lower().split()) for v in text]].head(limit)
    return out.reset_index(drop=True)


def entities(db: Database) -> list[str]:
    return [r[0] for r in db.rows("select distinct entity from audit_log order by 1")]
