"""Import from the spreadsheets the Centre keeps today: organisations, volunteers, bookings.

Three steps, each its own function:

1. ``read``: the uploaded bytes (CSV or XLSX, at most ``MAX_BYTES`` and ``MAX_ROWS`` rows) into a
   ``Sheet``. A CSV's encoding is detected (UTF-8, UTF-8 with BOM, UTF-16 with BOM, otherwise the
   Central European code page Polish Excel writes, cp1250, as charset-normalizer judges it) and its
   separator (``;``, ``,`` or a tab) taken from the header line. Headers in Polish or English are
   mapped to fields ("Nazwa", "NIP", "E-mail", "Telefon"…); cell values are converted (Polish
   dates, tak/nie, an osiedle or a room by its name) but never judged here.
2. ``preview``: every row goes through the very service functions that a form uses (``validate``
   and ``create_in`` for organisations, ``register_in`` for volunteers, ``book_in`` for bookings)
   in ONE transaction that is always rolled back, so the preview sees exactly what the import
   would do: each refused field as a ``Problem`` (row number as the spreadsheet shows it, the
   column, a translatable message), a booking clashing with an earlier row of the same file, and
   duplicates of the register (NIP, KRS or a near-equal name; a volunteer's e-mail; the same
   booking already made) flagged apart, so the user may leave them out.
3. ``commit``: the same run in one transaction that commits only if no row is refused: all or
   nothing, and an audit row for the import as a whole beside each record's own.

Cells that look like formulas (``=…``, ``+…``) are stored as given; every export neutralises them
(``dashboard.core.exports``). An XLSX formula is read as its text, never evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import duckdb
from charset_normalizer import from_bytes

from dashboard.core import i18n, validators
from dashboard.core.errors import Conflict, DomainError, Message, ValidationError
from dashboard.core.roles import Actor, require
from dashboard.services import reservations
from dashboard.services.admin import audit
from dashboard.services.register import organisations
from dashboard.services.volunteers import register as volunteers
from db.connection import ConstraintViolation, Database

KINDS = ("organisations", "volunteers", "bookings")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 60
_HEADER_SEARCH = 10  # a title or blank line or two above the header is tolerated
_ENTITY = {"organisations": "organisation", "volunteers": "volunteer", "bookings": "booking"}

# Every field of each kind: (required column, extra header names). The field's label in both
# catalogues (``import.field.<kind>.<field>``) is always accepted as a header too.
COLUMNS: dict[str, dict[str, tuple[bool, tuple[str, ...]]]] = {
    "organisations": {
        "name": (True, ("nazwa", "nazwa organizacji", "organizacja", "name", "organisation", "organization")),
        "legal_form": (True, ("forma prawna", "forma", "legal form")),
        "krs": (False, ("krs", "nr krs", "numer krs")),
        "nip": (False, ("nip", "nr nip", "numer nip", "tax id")),
        "regon": (False, ("regon", "nr regon", "numer regon")),
        "street": (False, ("ulica", "adres", "ulica i numer", "street", "address")),
        "postal_code": (False, ("kod pocztowy", "kod", "postal code", "postcode")),
        "city": (False, ("miasto", "miejscowość", "city", "town")),
        "osiedle_id": (False, ("osiedle", "neighbourhood", "neighborhood")),
        "contact_person": (False, ("osoba kontaktowa", "kontakt", "contact person", "contact")),
        "email": (False, ("e-mail", "email", "adres e-mail", "mail")),
        "phone": (False, ("telefon", "tel", "tel.", "nr telefonu", "numer telefonu", "phone", "telephone")),
        "first_served_on": (False, ("pierwsza obsługa", "obsługiwana od", "first served", "first served on")),
        "notes": (False, ("uwagi", "notatki", "notes", "comments")),
    },
    "volunteers": {
        "first_name": (True, ("imię", "first name", "given name")),
        "last_name": (True, ("nazwisko", "last name", "surname", "family name")),
        "email": (False, ("e-mail", "email", "adres e-mail", "mail")),
        "phone": (False, ("telefon", "tel", "tel.", "nr telefonu", "numer telefonu", "phone", "telephone")),
        "birth_year": (False, ("rok urodzenia", "birth year", "year of birth")),
        "birth_date": (False, ("data urodzenia", "birth date", "date of birth")),
        "skills": (False, ("umiejętności", "skills")),
        "languages": (False, ("języki", "languages")),
        "tags": (False, ("tagi", "zainteresowania", "tags", "interests")),
        "osiedle_id": (False, ("osiedle", "neighbourhood", "neighborhood")),
        "status": (False, ("status",)),
        "found_via": (False, ("skąd wie o centrum", "źródło", "found via", "source")),
        "notes": (False, ("uwagi", "notatki", "notes", "comments")),
        "consent": (True, ("zgoda", "zgoda na przetwarzanie", "zgoda na przetwarzanie danych", "zgoda rodo",
                           "consent", "processing consent")),
        "consent_on": (False, ("data zgody", "consent date", "consent given on")),
    },
    "bookings": {
        "resource_id": (True, ("sala", "zasób", "sala lub zasób", "pomieszczenie", "room", "resource")),
        "organisation_id": (True, ("organizacja", "nazwa organizacji", "organisation", "organization")),
        "nip": (False, ("nip", "nip organizacji", "organisation nip")),
        "day": (True, ("data", "dzień", "date", "day")),
        "start": (True, ("od", "godzina od", "początek", "godz. od", "start", "from")),
        "end": (True, ("do", "godzina do", "koniec", "godz. do", "end", "to", "until")),
        "contact_person": (True, ("osoba kontaktowa", "kontakt", "contact person", "contact")),
        "purpose": (True, ("cel", "cel spotkania", "purpose")),
        "attendees": (True, ("liczba uczestników", "uczestnicy", "liczba osób", "attendees", "participants")),
        "status": (False, ("status",)),
    },
}

_TRUE = {"tak", "t", "yes", "y", "true", "prawda", "1", "x", "✓", "✔"}
_FALSE = {"nie", "n", "no", "false", "fałsz", "0", ""}
_VOLUNTEER_STATUS = {"candidate": ("kandydat", "kandydatka", "candidate"), "active": ("aktywny", "aktywna", "active"),
                     "inactive": ("nieaktywny", "nieaktywna", "inactive")}
_LANGUAGE_NAMES = {"polski": "pl", "polish": "pl", "angielski": "en", "english": "en", "niemiecki": "de",
                   "german": "de", "ukraiński": "uk", "ukrainian": "uk", "rosyjski": "ru", "russian": "ru",
                   "francuski": "fr", "french": "fr", "hiszpański": "es", "spanish": "es", "włoski": "it",
                   "italian": "it", "migowy": "pjm", "polski język migowy": "pjm"}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y.%m.%d", "%d.%m.%y")
_TIME_TEXT = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?$")
_LIST_SPLIT = re.compile(r"[,;|/\n]+")


class ImportRefused(DomainError):
    """The file (or a row of it) cannot be imported; nothing was written. ``problems`` says where."""

    def __init__(self, key: str, problems: list[Problem] | None = None, **params: Any):
        super().__init__(key, **params)
        self.problems = problems or []


@dataclass(frozen=True)
class Row:
    number: int               # the row number the spreadsheet program shows (the header is row 1 or lower)
    values: dict[str, Any]    # field -> cell as read (text, number, date…), only the mapped columns
    cells: tuple[Any, ...]    # every cell of the row, for the preview table

    def texts(self) -> tuple[str, ...]:
        """The cells as the preview shows them (whole numbers without '.0', dates in ISO)."""
        return tuple(_cell_text(c) for c in self.cells)


@dataclass(frozen=True)
class Sheet:
    kind: str
    file_name: str
    file_format: str                 # 'csv' or 'xlsx'
    encoding: str | None             # a CSV's detected encoding
    separator: str | None            # a CSV's separator
    header: tuple[str, ...]          # the header cells as in the file
    columns: dict[str, str]          # field -> its header in the file
    ignored: tuple[str, ...]         # headers no field claims
    missing: tuple[str, ...]         # required fields without a column
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Problem:
    row: int
    field: str             # the service's field ('' for the row as a whole)
    column: str | None     # its header in the file, when the file has that column
    message: Message
    duplicate: bool = False  # the row is already in the register: it may be left out instead


@dataclass
class Preview:
    sheet: Sheet
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.duplicate]

    @property
    def duplicates(self) -> list[Problem]:
        return [p for p in self.problems if p.duplicate]

    def status(self, row: int) -> str:
        """'error', 'duplicate' or 'ok' for one row (by its number)."""
        kinds = {p.duplicate for p in self.problems if p.row == row}
        return "error" if False in kinds else "duplicate" if kinds else "ok"

    def importable(self, skip_duplicates: bool) -> int:
        """How many rows ``commit`` would write."""
        skipped = {p.row for p in self.duplicates} if skip_duplicates else set()
        return len(self.sheet.rows) - len(skipped)

    def ready(self, skip_duplicates: bool) -> bool:
        """Nothing refused, duplicates left out or none, and something to import."""
        return (not self.sheet.missing and not self.errors and (skip_duplicates or not self.duplicates)
                and self.importable(skip_duplicates) > 0)


@dataclass(frozen=True)
class Result:
    ids: list[int]
    skipped: list[int]  # row numbers left out as duplicates


# -- reading --------------------------------------------------------------------------------------
def _refuse(key: str, **params: Any) -> ValidationError:
    return ValidationError({"file": Message(key, params)})


def header_key(text: Any) -> str:
    """A header as compared: lower case, no diacritics (ł too), letters and digits only."""
    plain = unicodedata.normalize("NFKD", str(text or "").lower().replace("ł", "l"))
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


def header_names(kind: str, field_name: str) -> set[str]:
    """Every header (compared by ``header_key``) that names a field: its labels in both languages and aliases."""
    labels = {i18n.translate(lang, f"import.field.{kind}.{field_name}") for lang in i18n.LANGUAGES}
    return {header_key(name) for name in (*labels, *COLUMNS[kind][field_name][1])}


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was read in."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise _refuse("import.error.encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: a single-byte code page. Polish Excel writes cp1250; charset-normalizer chooses
    # between it and ISO-8859-2 (which differ in ą, ś, ź and their capitals).
    best = from_bytes(data, cp_isolation=["cp1250", "iso8859_2"]).best()
    encoding = best.encoding if best is not None else "cp1250"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise _refuse("import.error.encoding") from None


def _separator(text: str) -> str:
    """``;`` (Polish Excel), ``,`` or a tab: whichever the first non-empty line holds most of."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {sep: line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ";"))
    return best if counts[best] else ";"


def _csv_rows(data: bytes) -> tuple[list[tuple[int, list[Any]]], str, str]:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise _refuse("import.error.not_a_table")
    separator = _separator(text)
    try:
        rows = _filled_rows(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error:
        raise _refuse("import.error.not_a_table") from None
    return rows, encoding, separator


def _filled_rows(source) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the rows that hold anything, at most ``MAX_COLUMNS`` cells each.

    Blank rows are skipped, not kept, and reading stops once there are more filled rows than the
    header search and ``MAX_ROWS`` could use, so a file of empty lines or a huge sheet costs little.
    """
    rows = []
    for number, cells in enumerate(source, start=1):
        cells = list(cells[:MAX_COLUMNS])
        if all(_blank(c) for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + _HEADER_SEARCH:
            break
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    """The first sheet's cells; a formula comes as its text (``=…``), never as a computed value."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _refuse("import.error.bad_xlsx") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        return _filled_rows(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True))
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
        raise _refuse("import.error.bad_xlsx") from None
    finally:
        book.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _find_header(kind: str, rows: list[tuple[int, list[Any]]]) -> int:
    """Index of the header row: the first of the first few non-empty rows naming two known fields
    (one, when it has a single cell); the first non-empty row when none does."""
    names = {f: header_names(kind, f) for f in COLUMNS[kind]}
    candidates = list(range(min(len(rows), _HEADER_SEARCH)))
    for index in candidates:
        cells = [header_key(c) for c in rows[index][1] if not _blank(c)]
        known = sum(1 for c in cells if any(c in n for n in names.values()))
        if known >= min(2, len(cells)):
            return index
    return candidates[0] if candidates else -1


def read(data: bytes, file_name: str, kind: str) -> Sheet:
    """Read an uploaded file into a Sheet; ValidationError on 'file' when it cannot be imported at all."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    if len(data) > MAX_BYTES:
        raise _refuse("import.error.too_big", max_mb=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise _refuse("import.error.empty")
    encoding = separator = None
    if data.startswith(b"PK\x03\x04"):
        file_format, rows = "xlsx", _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse("import.error.old_xls")
    else:
        file_format = "csv"
        rows, encoding, separator = _csv_rows(data)
    start = _find_header(kind, rows)
    if start < 0:
        raise _refuse("import.error.empty")
    header = [_cell_text(c) for c in rows[start][1]]
    columns: dict[str, int] = {}
    ignored = []
    names = {f: header_names(kind, f) for f in COLUMNS[kind]}
    for index, text in enumerate(header):
        if not text:
            continue
        key = header_key(text)
        claimed = next((f for f, n in names.items() if key in n and f not in columns), None)
        if claimed:
            columns[claimed] = index
        else:
            ignored.append(text)
    body = rows[start + 1:]
    if len(body) > MAX_ROWS:
        raise _refuse("import.error.too_many_rows", max=MAX_ROWS)
    if not body:
        raise _refuse("import.error.no_rows")
    width = len(header)
    sheet_rows = tuple(
        Row(n, {f: (cells[i] if i < len(cells) else None) for f, i in columns.items()},
            tuple((cells + [None] * width)[:width]))
        for n, cells in body)
    missing = tuple(f for f, (required, _names) in COLUMNS[kind].items() if required and f not in columns)
    return Sheet(kind, file_name, file_format, encoding, separator, tuple(header),
                 {f: header[i] for f, i in columns.items()}, tuple(ignored), missing, sheet_rows)


# -- cell values ------------------------------------------------------------------------------------
def _cell_text(value: Any) -> str:
    """A cell as text: whole numbers without '.0' (a NIP typed as a number), dates in ISO."""
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _text(value: Any) -> str | None:
    text = _cell_text(value)
    return text or None


def _date(value: Any) -> Any:
    """A date from a date cell or Polish/ISO text; the text itself when unreadable (the service says so)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


def _time(value: Any) -> Any:
    """A time from a time cell, a fraction of a day, or '10:00' / '10.00' / '10' text; else the text."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    text = _cell_text(value)
    match = _TIME_TEXT.match(text)
    if match:
        hour, minute, second = (int(g) if g else 0 for g in match.groups())
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    return text or None


def _flag(value: Any) -> bool | None:
    """tak/nie, yes/no, 1/0, x: True or False; None for anything else."""
    if isinstance(value, bool):
        return value
    text = _cell_text(value).lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _items(value: Any) -> list[str]:
    return [item.strip() for item in _LIST_SPLIT.split(_cell_text(value)) if item.strip()]


def _choice(value: Any, options: dict[str, str]) -> Any:
    """A code from its code or one of its names (``options``: header_key(name) -> code); else the text."""
    text = _cell_text(value)
    return options.get(header_key(text), text) if text else None


def _whole_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _cell_text(value)
    return int(text) if text.isdigit() else (text or None)


# -- lookups read once per run --------------------------------------------------------------------
@dataclass
class _Lookups:
    legal_forms: dict[str, str]
    osiedla: dict[str, int]
    skills: dict[str, str]
    resources: dict[str, int]
    organisations_by_name: dict[str, list[int]]
    organisations_by_number: dict[str, int]


def _lookups(db: Database, kind: str) -> _Lookups:
    forms = {}
    for code in organisations.legal_forms(db):
        for lang in i18n.LANGUAGES:
            forms[header_key(i18n.translate(lang, f"legal_form.{code}"))] = code
        forms[header_key(code)] = code
    osiedla = {}
    for osiedle_id, name in db.rows("select id, name from osiedle order by valid_from"):
        osiedla[header_key(name)] = osiedle_id
        osiedla[str(osiedle_id)] = osiedle_id
    skills, resources, by_name, by_number = {}, {}, {}, {}
    if kind == "volunteers":
        for code, name_pl, name_en in db.rows("select code, name_pl, name_en from volunteer_skill"):
            skills.update({header_key(code): code, header_key(name_pl): code, header_key(name_en): code})
    if kind == "bookings":
        resources = {header_key(name): rid for rid, name in db.rows("select id, name from resource order by id")}
        for oid, name, nip, krs in db.rows("select id, name, nip, krs from organisation order by id"):
            by_name.setdefault(header_key(name), []).append(oid)
            for number in (nip, krs):
                if number:
                    by_number[number] = oid
    return _Lookups(forms, osiedla, skills, resources, by_name, by_number)


# -- the run shared by preview and commit ------------------------------------------------------------
class _Outcome:
    def __init__(self) -> None:
        self.ids: list[int] = []
        self.problems: list[Problem] = []
        self.skipped: list[int] = []


def _problems_of(sheet: Sheet, row: Row, exc: DomainError, fields: dict[str, str] | None = None) -> list[Problem]:
    """A service's refusal as problems of a row; ``fields`` renames service fields to import fields."""
    fields = fields or {}
    if isinstance(exc, ValidationError):
        items = exc.errors.items()
    else:
        items = [(getattr(exc, "field", ""), exc.message)]
    found = []
    for name, message in items:
        name = fields.get(name, name)
        found.append(Problem(row.number, name, sheet.columns.get(name), message))
    return found


def _osiedle(value: Any, look: _Lookups) -> int | None:
    """An osiedle by its name or number; -1 (which the services refuse by name) when there is no such one."""
    text = _cell_text(value)
    return look.osiedla.get(header_key(text), -1) if text else None


def _organisation_data(row: Row, look: _Lookups) -> dict:
    v = row.values
    data = {f: _text(v.get(f)) for f in ("name", "krs", "nip", "regon", "street", "postal_code", "city",
                                         "contact_person", "email", "phone", "notes")}
    data["legal_form"] = _choice(v.get("legal_form"), look.legal_forms)
    data["osiedle_id"] = _osiedle(v.get("osiedle_id"), look)
    data["first_served_on"] = _date(v.get("first_served_on"))
    return data


def _run_organisations(db: Database, cur, actor: Actor, sheet: Sheet, skip_duplicates: bool, out: _Outcome) -> None:
    look = _lookups(db, "organisations")
    in_register = organisations.duplicate_matcher(db)
    seen: dict[tuple[str, str], int] = {}  # (what, value) -> the earlier row of this file
    for row in sheet.rows:
        try:
            clean = organisations.validate(db, _organisation_data(row, look))
        except ValidationError as exc:
            out.problems += _problems_of(sheet, row, exc)
            continue
        keys = [(what, clean[what]) for what in ("nip", "krs") if clean[what]]
        keys.append(("name", header_key(clean["name"])))
        earlier = next(((what, seen[(what, value)]) for what, value in keys if (what, value) in seen), None)
        for key in keys:
            seen.setdefault(key, row.number)
        if earlier:
            out.problems.append(Problem(row.number, earlier[0], sheet.columns.get(earlier[0]),
                                        Message("import.error.same_as_row", {"row": earlier[1]})))
            continue
        matches = in_register(clean)
        if matches:
            match = matches[0]
            reason = match["reasons"][0]
            out.problems.append(Problem(row.number, reason, sheet.columns.get(reason), Message(
                f"import.duplicate.organisation_{reason}", {"name": match["name"]}), duplicate=True))
            if skip_duplicates:
                out.skipped.append(row.number)
            continue
        out.ids.append(organisations.create_in(cur, actor, clean))


def _volunteer_data(row: Row, look: _Lookups) -> dict:
    v = row.values
    data = {f: _text(v.get(f)) for f in ("first_name", "last_name", "email", "phone", "found_via", "notes")}
    data["birth_year"] = _whole_number(v.get("birth_year"))
    data["birth_date"] = _date(v.get("birth_date"))
    data["skills"] = [look.skills.get(header_key(s), s) for s in _items(v.get("skills"))]
    data["languages"] = [_LANGUAGE_NAMES.get(s.lower(), s.lower()) for s in _items(v.get("languages"))]
    data["tags"] = _items(v.get("tags"))
    data["osiedle_id"] = _osiedle(v.get("osiedle_id"), look)
    status = _choice(v.get("status"), {header_key(n): code for code, names in _VOLUNTEER_STATUS.items()
                                       for n in names})
    data["status"] = status or "candidate"
    data["consent"] = _flag(v.get("consent"))
    data["consent_on"] = _date(v.get("consent_on"))
    return data


def _email_key(value: Any) -> str | None:
    try:
        return validators.email(_text(value))
    except validators.InvalidValue:
        return None


def _run_volunteers(db: Database, cur, actor: Actor, sheet: Sheet, skip_duplicates: bool, out: _Outcome) -> None:
    look = _lookups(db, "volunteers")
    registered = {email: f"{first} {last}" for email, first, last in db.rows(
        "select lower(email), first_name, last_name from volunteer where email is not null and anonymised_at is null")}
    seen: dict[str, int] = {}
    for row in sheet.rows:
        email = _email_key(row.values.get("email"))
        if email and email in seen:
            out.problems.append(Problem(row.number, "email", sheet.columns.get("email"),
                                        Message("import.error.same_as_row", {"row": seen[email]})))
            continue
        if email:
            seen[email] = row.number
        if email and email in registered:
            out.problems.append(Problem(row.number, "email", sheet.columns.get("email"), Message(
                "import.duplicate.volunteer_email", {"name": registered[email]}), duplicate=True))
            if skip_duplicates:
                out.skipped.append(row.number)
            continue
        try:
            out.ids.append(volunteers.register_in(cur, actor, _volunteer_data(row, look)))
        except ValidationError as exc:
            out.problems += _problems_of(sheet, row, exc)


def _organisation_of(row: Row, look: _Lookups) -> tuple[int | None, Message | None]:
    """The organisation a booking row names: by NIP (its own column or the cell), KRS, or exact name."""
    number = re.sub(r"[\s\-]|^PL", "", _cell_text(row.values.get("nip")).upper())
    if number:
        return look.organisations_by_number.get(number, -1), None
    text = _cell_text(row.values.get("organisation_id"))
    compact = re.sub(r"[\s\-]", "", text.upper()).removeprefix("PL")
    if compact.isdigit():
        return look.organisations_by_number.get(compact, look.organisations_by_number.get(compact.zfill(10), -1)), None
    found = look.organisations_by_name.get(header_key(text), [])
    if len(found) > 1:
        return None, Message("import.error.organisation_ambiguous", {"name": text})
    return (found[0] if found else -1), None


_BOOKING_STATUS = {**{header_key(i18n.translate(lang, f"booking_status.{s}")): s
                      for s in ("confirmed", "requested") for lang in i18n.LANGUAGES},
                   "confirmed": "confirmed", "requested": "requested"}


def _booking_data(row: Row, look: _Lookups, statutory_declared: bool, organisation_id: int | None) -> dict:
    v = row.values
    resource = _cell_text(v.get("resource_id"))
    return {"resource_id": look.resources.get(header_key(resource), -1) if resource else None,
            "organisation_id": organisation_id, "contact_person": _text(v.get("contact_person")),
            "purpose": _text(v.get("purpose")), "statutory_declared": statutory_declared,
            "attendees": _whole_number(v.get("attendees")), "day": _date(v.get("day")),
            "start": _time(v.get("start")), "end": _time(v.get("end")),
            "status": _choice(v.get("status"), _BOOKING_STATUS) or "confirmed"}


def _same_booking(cur, data: dict) -> bool:
    """The very booking (room, organisation, start and end) is already in the calendar."""
    if not (isinstance(data["day"], date) and isinstance(data["start"], time) and isinstance(data["end"], time)):
        return False
    cur.execute("select 1 from booking where resource_id = ? and organisation_id = ? and starts_at = ? "
                "and ends_at = ? and status in ('requested', 'confirmed', 'checked_in') limit 1",
                [data["resource_id"] or -1, data["organisation_id"] or -1, datetime.combine(data["day"], data["start"]),
                 datetime.combine(data["day"], data["end"])])
    return cur.fetchone() is not None


def _run_bookings(db: Database, cur, actor: Actor, sheet: Sheet, skip_duplicates: bool, out: _Outcome,
                  statutory_declared: bool) -> None:
    look = _lookups(db, "bookings")
    for row in sheet.rows:
        organisation_id, ambiguous = _organisation_of(row, look)
        if ambiguous:
            out.problems.append(Problem(row.number, "organisation_id", sheet.columns.get("organisation_id"), ambiguous))
            continue
        data = _booking_data(row, look, statutory_declared, organisation_id)
        if _same_booking(cur, data):
            out.problems.append(Problem(row.number, "day", sheet.columns.get("day"),
                                        Message("import.duplicate.booking"), duplicate=True))
            if skip_duplicates:
                out.skipped.append(row.number)
            continue
        try:
            out.ids.append(reservations.book_in(cur, actor, data))
        except Conflict as exc:  # an overlap (with the calendar or an earlier row) or the fair-use cap
            out.problems.append(Problem(row.number, "start", sheet.columns.get("start"), exc.message))
        except ValidationError as exc:
            out.problems += _problems_of(sheet, row, exc)


def _run(db: Database, cur, actor: Actor, sheet: Sheet, skip_duplicates: bool, statutory_declared: bool) -> _Outcome:
    out = _Outcome()
    if sheet.kind == "organisations":
        _run_organisations(db, cur, actor, sheet, skip_duplicates, out)
    elif sheet.kind == "volunteers":
        _run_volunteers(db, cur, actor, sheet, skip_duplicates, out)
    else:
        _run_bookings(db, cur, actor, sheet, skip_duplicates, out, statutory_declared)
    return out


class _DryRun(Exception):
    """Raised at the end of a preview so that its transaction is rolled back."""


def preview(db: Database, actor: Actor, sheet: Sheet, *, statutory_declared: bool = False) -> Preview:
    """What ``commit`` would do with every row, done in a transaction that is rolled back."""
    require(actor, "write")
    result = Preview(sheet)
    if sheet.missing:
        return result
    try:
        with db.transaction() as cur:
            result.problems = _run(db, cur, actor, sheet, False, statutory_declared).problems
            raise _DryRun
    except _DryRun:
        pass
    except (duckdb.Error, ConstraintViolation) as exc:  # a concurrent writer took a slot of this file
        raise ImportRefused("import.error.changed_meanwhile") from exc
    return result


def commit(db: Database, actor: Actor, sheet: Sheet, *, skip_duplicates: bool = False,
           statutory_declared: bool = False) -> Result:
    """Import every row in ONE transaction, or nothing: ImportRefused (with the problems) if any row is refused.

    ``skip_duplicates``: leave out the rows already in the register instead of refusing the file.
    """
    require(actor, "write")
    if sheet.missing:
        raise ImportRefused("import.error.missing_columns")

    def work(cur) -> Result:
        out = _run(db, cur, actor, sheet, skip_duplicates, statutory_declared)
        refused = [p for p in out.problems if not (p.duplicate and skip_duplicates)]
        if refused:
            raise ImportRefused("import.error.rows_refused", refused, count=len({p.row for p in refused}))
        if not out.ids:
            raise ImportRefused("import.error.nothing_to_import")
        audit.record(cur, actor.username, "import", _ENTITY[sheet.kind], sheet.file_name, None,
                     {"file": sheet.file_name, "rows": len(sheet.rows), "imported": len(out.ids),
                      "skipped_duplicates": out.skipped, "ids": out.ids})
        return Result(out.ids, out.skipped)

    try:
        return db.write(work)
    except ConstraintViolation as exc:
        raise ImportRefused("import.error.changed_meanwhile") from exc


def unique_headers(header: tuple[str, ...]) -> list[str]:
    """The header as column names a table can show: an empty one numbered, a repeated one suffixed."""
    names: list[str] = []
    for index, text in enumerate(header, start=1):
        name = text or f"({index})"
        while name in names:
            name += "′"
        names.append(name)
    return names


def template(kind: str, lang: str) -> list[str]:
    """The header row of an empty spreadsheet to fill in, in the user's language."""
    return [i18n.translate(lang, f"import.field.{kind}.{f}") for f in COLUMNS[kind]]


def required_fields(kind: str) -> list[str]:
    return [f for f, (required, _names) in COLUMNS[kind].items() if required]

