"""Opening hours (versioned weeks), public holidays and staff closures as read by the checks, and the
weekly compliance check against the open call's terms (5 days, 8 hours a day, two evenings until 20:00).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, time, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays as _holidays_pkg
import pandas as pd

from dashboard.core import clock
from dashboard.core.converters import as_date, as_int, as_time
from dashboard.core.errors import Errors, Message, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from dashboard.services.reservations.resources import resource_in
from dashboard.services.reservations.timegrid import dmy, hm, num_text, on_grid, span_hours
from dashboard.services.sql import fetch_all, fetch_one
from db.connection import Database

TERM_DAYS, TERM_HOURS_PER_DAY, TERM_EVENINGS, EVENING_UNTIL = 5, 8, 2, time(20)


_HOLIDAY_LANGUAGES = {"pl": "pl", "en": "en_US"}


def _week_in_force(cur, resource_id: int, on: date) -> dict[int, tuple[time, time] | None]:
    rows = fetch_all(
        cur,
        "select weekday, opens, closes from opening_hours where resource_id = ? and valid_from = "
        "(select max(valid_from) from opening_hours where resource_id = ? and valid_from <= ?)",
        [resource_id, resource_id, on],
    )
    week: dict[int, tuple[time, time] | None] = dict.fromkeys(range(7))
    for weekday, opens, closes in rows:
        week[weekday] = (opens, closes) if opens is not None else None
    return week


def opening_hours(db: Database, resource_id: int, on: date | None = None) -> pd.DataFrame:
    """The week of hours in force on ``on`` (today): 7 rows, weekday 0 = Monday, None = closed."""
    with db.transaction() as cur:
        week = _week_in_force(cur, as_int(resource_id) or -1, as_date(on) or clock.today())
    return pd.DataFrame(
        [{"weekday": wd, "opens": h[0] if h else None, "closes": h[1] if h else None} for wd, h in week.items()]
    ).astype({"opens": object, "closes": object})


def _validate_hours(rows: list[dict]) -> dict[int, tuple[time, time] | None]:
    """A full week from the editor's rows (a weekday not given is closed) or ValidationError."""
    errors = Errors()
    week: dict[int, tuple[time, time] | None] = dict.fromkeys(range(7))
    seen = set()
    for row in rows or []:
        weekday = as_int(row.get("weekday"))
        if weekday is None or not 0 <= weekday <= 6 or weekday in seen:
            errors.add("weekday", "error.weekday_invalid")
            continue
        seen.add(weekday)
        raw_opens, raw_closes = row.get("opens"), row.get("closes")
        opens = None if raw_opens is None or raw_opens != raw_opens else as_time(raw_opens)
        closes = None if raw_closes is None or raw_closes != raw_closes else as_time(raw_closes)
        given = (raw_opens is not None and raw_opens == raw_opens, raw_closes is not None and raw_closes == raw_closes)
        if given == (False, False):
            continue
        if opens is None or closes is None or not (on_grid(opens) and on_grid(closes)) or opens >= closes:
            errors.add(f"hours_{weekday}", "error.hours_invalid", weekday=weekday)
            continue
        week[weekday] = (opens, closes)
    errors.raise_if_any()
    return week


def set_opening_hours(db: Database, actor: Actor, resource_id: int, rows: list[dict],
                      valid_from: date | None = None) -> int:
    """Set the weekly hours (admin) from ``valid_from`` (today) on; earlier weeks keep theirs.

    Returns how many future active bookings now lie outside the new hours (the page warns).
    """
    require(actor, "settings")
    week = _validate_hours(rows)
    valid_from = as_date(valid_from) or clock.today()

    def work(cur):
        resource = resource_in(cur, resource_id)
        if resource is None:
            raise NotFound("error.resource_not_found", id=resource_id)
        before = _week_in_force(cur, resource["id"], valid_from)
        cur.execute("delete from opening_hours where resource_id = ? and valid_from = ?", [resource["id"], valid_from])
        cur.executemany(
            "insert into opening_hours (resource_id, valid_from, weekday, opens, closes) values (?, ?, ?, ?, ?)",
            [[resource["id"], valid_from, wd, *(h or (None, None))] for wd, h in week.items()],
        )
        audit.record(cur, actor.username, "update", "opening_hours", resource["id"],
                     {"valid_from": valid_from, "week": _week_text(before)},
                     {"valid_from": valid_from, "week": _week_text(week)})
        return _bookings_outside_hours(cur, resource["id"], max(valid_from, clock.today()))

    return db.write(work)


def _week_text(week: dict) -> dict:
    return {str(wd): (f"{hm(h[0])}-{hm(h[1])}" if h else None) for wd, h in week.items()}


def _bookings_outside_hours(cur, resource_id: int, since: date) -> int:
    rows = fetch_all(cur, "select starts_at, ends_at from booking where resource_id = ? and status in "
                           "('requested', 'confirmed') and starts_at >= ?", [resource_id, since])
    outside = 0
    for starts_at, ends_at in rows:
        hours = hours_on(cur, resource_id, starts_at.date())
        outside += hours is None or starts_at.time() < hours[0] or ends_at.time() > hours[1]
    return outside


def hours_on(cur, resource_id: int, day: date) -> tuple[time, time] | None:
    row = fetch_one(
        cur,
        "select opens, closes from opening_hours where resource_id = ? and weekday = ? and valid_from <= ? "
        "order by valid_from desc limit 1",
        [resource_id, day.weekday(), day],
    )
    return None if row is None or row[0] is None else (row[0], row[1])


@lru_cache(maxsize=64)
def _holidays_of(year: int, lang: str) -> Mapping[date, str]:
    """Polish public holidays of a year (24 December from 2025 on), names in ``lang``.

    Kept per year and language (read-only): building the calendar costs about half a millisecond,
    and the compliance check, the week calendar and the booking checks ask for it day by day.
    """
    return MappingProxyType(dict(_holidays_pkg.country_holidays(
        "PL", years=year, language=_HOLIDAY_LANGUAGES.get(lang, "pl"))))


def holiday_name(day: date, lang: str = "pl") -> str | None:
    """The public holiday's name, or None on a normal day."""
    return _holidays_of(day.year, lang).get(day)


def staff_closure(cur, resource_id: int | None, day: date) -> str | None:
    row = fetch_one(
        cur,
        "select reason from closure where cancelled_at is null and (resource_id is null or resource_id = ?) "
        "and ? between date_from and date_to order by resource_id nulls first, id limit 1",
        [resource_id, day],
    )
    return None if row is None else row[0]


def closure_reason(db: Database, resource_id: int | None, day: date, lang: str = "pl") -> str | None:
    """Why the resource is closed on ``day``: the holiday's name or the staff closure's reason."""
    name = holiday_name(day, lang)
    if name:
        return name
    with db.transaction() as cur:
        return staff_closure(cur, as_int(resource_id), day)


def closures(db: Database, date_from: date, date_to: date, lang: str = "pl") -> pd.DataFrame:
    """Staff closures (not withdrawn) and public holidays in the range, by date, holidays flagged.

    Columns: id, resource_id, resource (None: the whole Centre), date_from, date_to, reason, holiday.
    """
    rows = db.dicts(
        "select c.id, c.resource_id, r.name as resource, c.date_from, c.date_to, c.reason, false as holiday "
        "from closure c left join resource r on r.id = c.resource_id "
        "where c.cancelled_at is null and c.date_from <= ? and c.date_to >= ?",
        [date_to, date_from],
    )
    for year in range(date_from.year, date_to.year + 1):
        rows += [{"id": None, "resource_id": None, "resource": None, "date_from": day, "date_to": day,
                  "reason": name, "holiday": True}
                 for day, name in _holidays_of(year, lang).items() if date_from <= day <= date_to]
    rows.sort(key=lambda r: (r["date_from"], not r["holiday"], r["id"] or 0))
    return pd.DataFrame(rows, columns=["id", "resource_id", "resource", "date_from", "date_to", "reason", "holiday"])


class _Calendar:
    """Opening hours, holidays and staff closures of one resource, loaded once for a range."""

    def __init__(self, cur, resource_id: int, date_from: date, date_to: date):
        versions: dict[date, dict[int, tuple[time, time] | None]] = {}
        for valid_from, weekday, opens, closes in fetch_all(
                cur, "select valid_from, weekday, opens, closes from opening_hours where resource_id = ? "
                     "order by valid_from", [resource_id]):
            versions.setdefault(valid_from, {})[weekday] = (opens, closes) if opens is not None else None
        self._starts = sorted(versions)
        self._weeks = [versions[v] for v in self._starts]
        self._closures = fetch_all(
            cur, "select date_from, date_to, reason from closure where cancelled_at is null "
                 "and (resource_id is null or resource_id = ?) and date_from <= ? and date_to >= ? "
                 "order by resource_id nulls first, id", [resource_id, date_to, date_from])

    def hours(self, day: date) -> tuple[time, time] | None:
        index = bisect_right(self._starts, day) - 1
        return None if index < 0 else self._weeks[index].get(day.weekday())

    def closure(self, day: date) -> str | None:
        return next((reason for start, end, reason in self._closures if start <= day <= end), None)


def _shortfalls(open_days: list[tuple[date, time, time]]) -> list[Message]:
    """How a week's open days fall short of 5 days, 8 hours each, 2 evenings until 20:00."""
    found = []
    if len(open_days) < TERM_DAYS:
        found.append(Message("compliance.reason.days", {"days": len(open_days), "required": TERM_DAYS}))
    for day, opens, closes in open_days:
        if span_hours(opens, closes) < TERM_HOURS_PER_DAY:
            found.append(Message("compliance.reason.day_hours", {"day": dmy(day), "hours": num_text(span_hours(opens, closes)),
                                                                 "required": TERM_HOURS_PER_DAY}))
    evenings = sum(1 for _d, _o, closes in open_days if closes >= EVENING_UNTIL)
    if evenings < TERM_EVENINGS:
        found.append(Message("compliance.reason.evenings", {"evenings": evenings, "required": TERM_EVENINGS}))
    return found


def _week_row(calendar: _Calendar, monday: date) -> dict:
    """One ISO week: what was open, and 'ok', 'short_holiday' (explained) or 'short' (a failure)."""
    actual, without_holidays, notes = [], [], []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        hours, holiday, closure = calendar.hours(day), holiday_name(day), calendar.closure(day)
        if hours is None:
            continue
        if closure is None:
            without_holidays.append((day, *hours))
        if holiday:
            notes.append(Message("compliance.reason.holiday", {"day": dmy(day), "name": holiday}))
        elif closure:
            notes.append(Message("compliance.reason.closure", {"day": dmy(day), "reason": closure}))
        else:
            actual.append((day, *hours))
    shortfalls = _shortfalls(actual)
    if not shortfalls:
        status, reasons = "ok", []
    elif not _shortfalls(without_holidays):
        status, reasons = "short_holiday", [n for n in notes if n.key == "compliance.reason.holiday"]
    else:
        status, reasons = "short", notes + shortfalls
    return {"week_start": monday, "days_open": len(actual),
            "hours_open": sum(span_hours(o, c) for _d, o, c in actual),
            "evenings": sum(1 for _d, _o, c in actual if c >= EVENING_UNTIL), "status": status, "reasons": reasons}


def compliance(db: Database, resource_id: int, date_from: date, date_to: date) -> pd.DataFrame:
    """Per ISO week touching the range: days open, hours open, evenings, status and reasons.

    Reasons are Messages (key + params) for the page to translate.
    """
    first = date_from - timedelta(days=date_from.weekday())
    date_to = min(date_to, date.max - timedelta(days=7))  # the week's Sunday must exist
    last = date_to - timedelta(days=date_to.weekday())
    with db.transaction() as cur:
        calendar = _Calendar(cur, as_int(resource_id) or -1, first, last + timedelta(days=6))
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)] if first <= last else []
    return pd.DataFrame([_week_row(calendar, monday) for monday in weeks],
                        columns=["week_start", "days_open", "hours_open", "evenings", "status", "reasons"])
