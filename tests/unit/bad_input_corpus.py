"""The bad-input corpus and what "saved as given" means, shared by ``test_bad_input`` and
``test_bad_input_areas``: the hostile values, the documented normalisations field by field
(``UNSAVABLE``: the input has no stored form, so accepting it is a bug), and the ``World`` the
services write into (rooms, a projector, an organisation, free half-hours). A plain helper
module: no tests and no fixtures here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import phonenumbers

from dashboard.core import clock
from dashboard.core.roles import Actor
from dashboard.services import reservations as res
from dashboard.services.register import organisations
from tests.unit.builders import committed_stamp

ADMIN = Actor("ala.admin", "admin", "Ala Admin")
STAFF = Actor("staszek", "staff", "Staszek Recepcja")
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=clock.WARSAW)  # Monday, before opening

CORPUS: list[tuple[str, Any]] = [
    ("empty", ""),
    ("blank", "   \t  "),
    ("10k_chars", "x" * 10_000),
    ("sql_drop", "'; drop table organisation; --"),
    ("sql_or", "1 or 1=1"),
    ("html", "<b>Fundacja</b> &amp; <a href='javascript:x'>link</a>"),
    ("script", "<script>alert(1)</script>"),
    ("emoji", "Fundacja 🌳🌍"),
    ("rtl", "جمعية"),
    ("nul", "a\x00b"),
    ("minus_one", -1),
    ("huge", 10**18),
    ("date_min", date(1, 1, 1)),
    ("date_max", date(9999, 12, 31)),
    ("date_text_pl", "30.02.2026"),
    ("date_text_iso", "2026-02-30"),
    ("none", None),
    # beyond the brief: digits that are not ASCII (Python's \d and str.isdigit accept them, the
    # database's CHECK constraints do not)
    ("arabic_digits", "٩٠-٠٠١"),
    ("superscript_two", "²"),
]

# -- what "saved as given" means, field by field ----------------------------------------
UNSAVABLE = object()  # the input has no documented stored form: accepting it is a bug
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: Any) -> Any:
    """validators.clean_text's documented normalisation: strip, drop control characters, '' -> None."""
    if value is None:
        return None
    return _CONTROL.sub("", str(value)).strip() or None


def lower_text(value: Any) -> Any:
    cleaned = text(value)
    return cleaned.lower() if cleaned else cleaned


def digits(value: Any, lengths: tuple[int, ...], prefix: str | None = None, pad: int | None = None) -> Any:
    """An identifier: digits, separated by single spaces/dashes *between* digits (as NIP's docstring allows)."""
    cleaned = text(value)
    if cleaned is None:
        return None
    if prefix and cleaned.upper().startswith(prefix):
        cleaned = cleaned[len(prefix):].strip()
    if not re.fullmatch(r"[0-9]+(?:[ -][0-9]+)*", cleaned):
        return UNSAVABLE
    compact = re.sub(r"[ -]", "", cleaned)
    if pad:
        compact = compact.zfill(pad)
    return compact if len(compact) in lengths else UNSAVABLE


def postal(value: Any) -> Any:
    cleaned = text(value)
    if cleaned is None:
        return None
    if re.fullmatch(r"[0-9]{5}", cleaned):
        return f"{cleaned[:2]}-{cleaned[2:]}"
    return cleaned if re.fullmatch(r"[0-9]{2}-[0-9]{3}", cleaned) else UNSAVABLE


def phone(value: Any) -> Any:
    cleaned = text(value)
    if cleaned is None:
        return None
    try:
        return phonenumbers.format_number(phonenumbers.parse(cleaned, "PL"), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return UNSAVABLE


def exact(value: Any) -> Any:
    return value


def optional_id(value: Any) -> Any:
    if value in (None, ""):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else UNSAVABLE


def an_id(value: Any) -> Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else UNSAVABLE


def a_day(value: Any) -> Any:
    return value if isinstance(value, date) else UNSAVABLE


def optional_day(value: Any) -> Any:
    return None if value in (None, "") else a_day(value)


def a_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%H:%M").time()
        except ValueError:
            return UNSAVABLE
    return UNSAVABLE


# -- the shared world --------------------------------------------------------------------
class World:
    def __init__(self, db):
        self.db = db
        self.counter = 0
        self._counted: tuple[tuple, dict[str, int]] | None = None
        clock.freeze(NOW)
        make = lambda kind, name, capacity=None: res.create_resource(  # noqa: E731
            db, ADMIN, {"kind": kind, "name": name, "capacity": capacity})
        self.room = make("room", "Sala szkoleniowa", 20)
        self.projector = make("equipment", "Projektor")
        self.closed_room = make("room", "Sala do zamykania", 10)
        self.org = organisations.create(db, ADMIN, {"name": "Fundacja Bazowa", "legal_form": "fundacja"})
        self.slots = self._free_slots()
        self.tables = [r[0] for r in db.rows(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and table_type = 'BASE TABLE' order by 1")]
        clock.freeze(None)

    def _free_slots(self) -> list[tuple[date, time]]:
        """Half-hours inside every weekday's hours (12:00-18:00) within the horizon, holidays skipped."""
        found, day = [], NOW.date() + timedelta(days=1)
        while day <= NOW.date() + timedelta(days=85):
            if day.weekday() < 5 and not res.holiday_name(day):
                found += [(day, time(12 + h // 2, 30 * (h % 2))) for h in range(12)]
            day += timedelta(days=1)
        return found

    def next(self) -> int:
        self.counter += 1
        return self.counter

    def counts(self) -> dict[str, int]:
        """Every table's row count; counted again only when the file shows a commit since the last count.

        A committed change of any table is appended to the write-ahead log (or, at a checkpoint, written to
        the file itself), so while neither file has changed size or time, no row can have changed: the
        last counts still hold. A refused call, the common case, then costs a ``stat`` instead of a
        55-table count.
        """
        stamp = committed_stamp(self.db)
        if stamp is None or self._counted is None or self._counted[0] != stamp:
            sql = " union all ".join(f"select '{t}', count(*) from {t}" for t in self.tables)  # catalogue names
            self._counted = (stamp, dict(self.db.rows(sql)))
        return dict(self._counted[1])


def describe(service: str, field: str, value: Any) -> str:
    shown = repr(value)
    return f"{service}, field {field!r}, input {shown[:60] + '…' if len(shown) > 60 else shown}"
