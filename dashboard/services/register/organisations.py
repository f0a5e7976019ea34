"""The organisations register: NGOs and informal groups that every page refers to."""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import date
from difflib import SequenceMatcher

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_int
from dashboard.core.errors import DuplicateSuspected, Errors, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import audit
from db.connection import Database

FIELDS = ("name", "legal_form", "krs", "nip", "regon", "street", "postal_code", "city", "osiedle_id",
          "contact_person", "email", "phone", "first_served_on", "notes")
_SELECT = (
    "select id, name, legal_form, krs, nip, regon, street, postal_code, city, osiedle_id, contact_person, "
    "email, phone, first_served_on, notes, created_at, updated_at from organisation where id = ?"
)
_NAME_SIMILARITY = 0.93
# Words that say what kind of body it is, not which one; ignored when comparing names.
_FORM_WORDS = ("stowarzyszenie", "fundacja", "spółdzielnia socjalna", "grupa nieformalna", "klub", "towarzystwo")


def legal_forms(db: Database) -> list[str]:
    return [r[0] for r in db.rows("select code from legal_form order by sort")]


def osiedla(db: Database, on: date | None = None) -> pd.DataFrame:
    """Osiedla valid on a date (today by default), in the city's order."""
    on = on or clock.today()
    return db.query(
        "select id, name, district from osiedle where valid_from <= ? and (valid_to is null or valid_to >= ?) "
        "order by id",
        [on, on],
    )


def validate(db: Database, data: dict) -> dict:
    """Normalise every field or raise ValidationError with a message per field.

    Normalisations: text is stripped, control characters (NUL included) dropped and '' stored
    as NULL (``validators.clean_text``); KRS/NIP/REGON compacted to digits (KRS zero-padded),
    postal codes to 00-000, phones to E.164, e-mail lower-cased; an empty osiedle or
    first-service date is NULL; an empty city is Łódź.
    """
    errors = Errors()
    clean: dict = {}

    def take(field, fn, *args, **kwargs):
        try:
            clean[field] = fn(data.get(field), *args, **kwargs)
        except validators.InvalidValue as exc:
            errors.add(field, exc.key, **exc.params)

    take("name", validators.clean_text, 200, required=True)
    take("krs", validators.krs)
    take("nip", validators.nip)
    take("regon", validators.regon)
    take("street", validators.clean_text, 200)
    take("postal_code", validators.postal_code)
    take("city", validators.clean_text, 100)
    take("contact_person", validators.clean_text, 120)
    take("email", validators.email)
    take("phone", validators.phone)
    take("notes", validators.clean_text, 2000)

    legal_form = data.get("legal_form")
    if legal_form not in legal_forms(db):
        errors.add("legal_form", "error.legal_form_unknown")
    clean["legal_form"] = legal_form

    osiedle_id = data.get("osiedle_id")
    if osiedle_id in ("", None):
        clean["osiedle_id"] = None
    else:
        osiedle_id = as_int(osiedle_id)
        if osiedle_id is None or not db.scalar("select count(*) from osiedle where id = ?", [osiedle_id]):
            errors.add("osiedle_id", "error.osiedle_unknown")
        clean["osiedle_id"] = osiedle_id

    served = data.get("first_served_on")
    if served in ("", None):
        clean["first_served_on"] = None
    elif not isinstance(served, date):
        errors.add("first_served_on", "error.date_format")
    elif served > clock.today() or served.year < 2000:
        errors.add("first_served_on", "error.date_range")
    else:
        clean["first_served_on"] = served
    if clean.get("city") is None and not errors.errors:
        clean["city"] = "Łódź"
    errors.raise_if_any()
    return clean


def _normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("ł", "l")
    for word in _FORM_WORDS:
        plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        text = text.replace(plain.replace("ł", "l"), " ")
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def find_duplicates(db: Database, clean: dict, exclude_id: int | None = None) -> list[dict]:
    """Registered organisations with the same NIP or KRS, or a nearly equal name.

    Names are compared in Python after normalisation (case, diacritics, legal-form words):
    the register holds a few thousand rows, so this stays in the low milliseconds.
    """
    target = _normalise_name(clean["name"])
    matches = []
    for row in db.dicts("select id, name, nip, krs from organisation where id <> ?", [exclude_id or -1]):
        reasons = []
        if clean.get("nip") and row["nip"] == clean["nip"]:
            reasons.append("nip")
        if clean.get("krs") and row["krs"] == clean["krs"]:
            reasons.append("krs")
        if _similar(target, _normalise_name(row["name"])):
            reasons.append("name")
        if reasons:
            matches.append({**row, "reasons": reasons})
    return matches[:10]


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= _NAME_SIMILARITY


def duplicate_matcher(db: Database) -> Callable[[dict], list[dict]]:
    """``find_duplicates`` for many candidates at once (a spreadsheet import): the same rules, the
    register read once, and each name compared only with names of a length that could match.

    Two names can reach the similarity threshold only if 2·min(len)/(sum of len) does, and only if
    SequenceMatcher's ``quick_ratio`` (an upper bound of ``ratio``) does, so the others are skipped
    without changing any result. Returns ``match(clean) -> matches``.
    """
    rows = db.dicts("select id, name, nip, krs from organisation order by id")
    by_length = sorted((len(key), key, row["id"]) for row in rows for key in [_normalise_name(row["name"])])
    lengths = [length for length, _key, _id in by_length]
    threshold = _NAME_SIMILARITY

    def could_be_similar(matcher: SequenceMatcher, key: str) -> bool:
        matcher.set_seq2(key)
        return matcher.quick_ratio() >= threshold

    def match(clean: dict) -> list[dict]:
        target = _normalise_name(clean["name"])
        low = bisect_left(lengths, math.floor(len(target) * threshold / (2 - threshold)))
        high = bisect_right(lengths, math.ceil(len(target) * (2 - threshold) / threshold))
        matcher = SequenceMatcher(None, target, "")
        similar = {row_id for _length, key, row_id in by_length[low:high]
                   if (key == target or could_be_similar(matcher, key)) and _similar(target, key)}
        matches = []
        for row in rows:
            reasons = [reason for reason, hit in (
                ("nip", bool(clean.get("nip")) and row["nip"] == clean["nip"]),
                ("krs", bool(clean.get("krs")) and row["krs"] == clean["krs"]),
                ("name", row["id"] in similar)) if hit]
            if reasons:
                matches.append({**row, "reasons": reasons})
        return matches[:10]

    return match


def _refuse_unknown_references(cur, clean: dict) -> None:
    """The legal form and the osiedle exist, checked in the write's own transaction.

    The table has no foreign keys for them (db/migrations/0008): with one, DuckDB refused every edit of
    an organisation that other rows (bookings, enrolments ...) point to. See db/schema_rules.py.
    """
    errors = Errors()
    cur.execute("select count(*) from legal_form where code = ?", [clean.get("legal_form")])
    if not cur.fetchone()[0]:
        errors.add("legal_form", "error.legal_form_unknown")
    if clean.get("osiedle_id") is not None:
        cur.execute("select count(*) from osiedle where id = ?", [clean["osiedle_id"]])
        if not cur.fetchone()[0]:
            errors.add("osiedle_id", "error.osiedle_unknown")
    errors.raise_if_any()


def create_in(cur, actor: Actor, clean: dict) -> int:
    """Insert an organisation with its audit row on the caller's cursor (nothing is committed here).

    ``clean`` is what ``validate`` returned; checking duplicates is the caller's choice (the
    spreadsheet import compares every row with the register and with the rest of the file).
    """
    require(actor, "write")
    _refuse_unknown_references(cur, clean)
    now = clock.utc_now()
    cur.execute(
        "insert into organisation (name, legal_form, krs, nip, regon, street, postal_code, city, osiedle_id, "
        "contact_person, email, phone, first_served_on, notes, created_at, updated_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [clean[f] for f in FIELDS] + [now, now],
    )
    new_id = cur.fetchone()[0]
    audit.record(cur, actor.username, "create", "organisation", new_id, None, clean)
    return new_id


def create(db: Database, actor: Actor, data: dict, *, confirm_duplicate: bool = False) -> int:
    """Register an organisation; suspected duplicates need the user's confirmation."""
    require(actor, "write")
    clean = validate(db, data)
    if not confirm_duplicate:
        matches = find_duplicates(db, clean)
        if matches:
            raise DuplicateSuspected(matches)
    now = clock.utc_now()

    def work(cur):
        _refuse_unknown_references(cur, clean)
        cur.execute(
            "insert into organisation (name, legal_form, krs, nip, regon, street, postal_code, city, osiedle_id, "
            "contact_person, email, phone, first_served_on, notes, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
            [clean[f] for f in FIELDS] + [now, now],
        )
        new_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "organisation", new_id, None, clean)
        return new_id

    return db.write(work)


def update(db: Database, actor: Actor, organisation_id: int, data: dict, *, confirm_duplicate: bool = False) -> None:
    require(actor, "write")
    clean = validate(db, data)
    if not confirm_duplicate:
        matches = find_duplicates(db, clean, exclude_id=as_int(organisation_id))
        if matches:
            raise DuplicateSuspected(matches)

    def work(cur):
        before = _fetch(cur, organisation_id)
        _refuse_unknown_references(cur, clean)
        cur.execute(
            "update organisation set name = ?, legal_form = ?, krs = ?, nip = ?, regon = ?, street = ?, "
            "postal_code = ?, city = ?, osiedle_id = ?, contact_person = ?, email = ?, phone = ?, "
            "first_served_on = ?, notes = ?, updated_at = ? where id = ?",
            [clean[f] for f in FIELDS] + [clock.utc_now(), before["id"]],
        )
        old, new = audit.changed({f: before[f] for f in FIELDS}, clean)
        if new:
            audit.record(cur, actor.username, "update", "organisation", before["id"], old, new)

    db.write(work)


def _fetch(cur, organisation_id: int) -> dict:
    cur.execute(_SELECT, [as_int(organisation_id) or -1])
    row = cur.fetchone()
    if row is None:
        raise NotFound("error.organisation_not_found", id=organisation_id)
    return dict(zip([d[0] for d in cur.description], row))


def get(db: Database, actor: Actor, organisation_id: int) -> dict:
    require(actor, "read")
    rows = db.dicts(_SELECT, [as_int(organisation_id) or -1])
    if not rows:
        raise NotFound("error.organisation_not_found", id=organisation_id)
    return rows[0]


def search(db: Database, actor: Actor, *, text: str | None = None, legal_form: str | None = None,
           osiedle_id: int | None = None, limit: int = 200) -> pd.DataFrame:
    """Organisations matching a free-text search (name, NIP, KRS, REGON, contact) and filters."""
    require(actor, "read")
    params: list = []
    where = ["true"]
    if text and text.strip():
        needle = f"%{text.strip().lower()}%"
        where.append("(lower(o.name) like ? or o.nip like ? or o.krs like ? or o.regon like ? "
                     "or lower(coalesce(o.contact_person, '')) like ?)")
        params += [needle] * 5
    if legal_form:
        where.append("o.legal_form = ?")
        params.append(legal_form)
    if osiedle_id:
        where.append("o.osiedle_id = ?")
        params.append(int(osiedle_id))
    params.append(int(limit))
    return db.query(
        "select o.id, o.name, o.legal_form, o.krs, o.nip, o.regon, os.name as osiedle, o.contact_person, "
        "o.email, o.phone, o.first_served_on from organisation o left join osiedle os on os.id = o.osiedle_id "
        "where " + " and ".join(where) + " order by o.name limit ?",
        params,
    )


def count(db: Database) -> int:
    return int(db.scalar("select count(*) from organisation"))


def choices(db: Database) -> list[tuple[int, str]]:
    """(id, name) of every organisation, for select boxes on other pages."""
    return [(r[0], r[1]) for r in db.rows("select id, name from organisation order by name")]


# -- what an organisation did with the Centre (read-only, for its page) ----------------------------------------
def activity_counts(db: Database, actor: Actor, organisation_id: int) -> dict[str, int]:
    """How many bookings, events (enrolled in), locker assignments, advisory sessions, initiatives and
    volunteer opportunities the organisation has: the numbers on its page's tabs."""
    require(actor, "read")
    org = as_int(organisation_id)
    row = db.one(
        "select (select count(*) from booking where organisation_id = ?), "
        "(select count(distinct event_id) from enrolment where organisation_id = ?), "
        "(select count(*) from locker_assignment where organisation_id = ?), "
        "(select count(*) from advisory where organisation_id = ?), "
        "(select count(*) from initiative where organisation_id = ?), "
        "(select count(*) from volunteer_opportunity where organisation_id = ?)", [org] * 6)
    return dict(zip(("bookings", "events", "lockers", "advisory", "initiatives", "opportunities"),
                    (int(v or 0) for v in row)))


def bookings_of(db: Database, actor: Actor, organisation_id: int, limit: int = 500) -> pd.DataFrame:
    """The organisation's bookings, the coming ones first (soonest first), then the past ones (latest first)."""
    require(actor, "read")
    return db.query(
        "select b.id, b.starts_at, b.ends_at, r.name as resource, b.purpose, b.attendees, b.actual_attendance, "
        "b.status, b.cancel_reason from booking b join resource r on r.id = b.resource_id "
        "where b.organisation_id = ? order by (b.ends_at < ?) , case when b.ends_at >= ? then b.starts_at end, "
        "b.starts_at desc, b.id limit ?",
        [as_int(organisation_id), clock.local_now(), clock.local_now(), int(limit)])


def events_of(db: Database, actor: Actor, organisation_id: int) -> pd.DataFrame:
    """Events the organisation's people enrolled in: how many enrolled, waited, cancelled and came (no names)."""
    require(actor, "read")
    return db.query(
        "with mine as (select * from enrolment where organisation_id = ?), "
        "present as (select a.enrolment_id from attendance a join mine m on m.id = a.enrolment_id "
        "            where a.present group by 1) "
        "select e.id, e.title, e.event_type, e.status, (select min(s.starts_at) from event_session s "
        "where s.event_id = e.id) as starts_at, count(*) filter (where m.status = 'enrolled') as enrolled, "
        "count(*) filter (where m.status = 'waitlisted') as waitlisted, "
        "count(*) filter (where m.status = 'cancelled') as cancelled, "
        "count(p.enrolment_id) as attended from mine m join event e on e.id = m.event_id "
        "left join present p on p.enrolment_id = m.id group by e.id, e.title, e.event_type, e.status "
        "order by starts_at desc nulls last, e.id desc",
        [as_int(organisation_id)])


def lockers_of(db: Database, actor: Actor, organisation_id: int) -> pd.DataFrame:
    """The organisation's locker assignments, newest first, with the key's state."""
    require(actor, "read")
    return db.query(
        "select a.id, r.name as locker, a.date_from, a.date_to, a.key_handed_on, a.key_returned_on, a.notes "
        "from locker_assignment a join resource r on r.id = a.resource_id where a.organisation_id = ? "
        "order by a.date_from desc, a.id desc", [as_int(organisation_id)])


def advisory_of(db: Database, actor: Actor, organisation_id: int) -> pd.DataFrame:
    """Advice given to the organisation, newest first (topic in both languages)."""
    require(actor, "read")
    return db.query(
        "select a.id, a.held_on, t.name_pl as topic_pl, t.name_en as topic_en, a.form, a.duration_min, a.advisor "
        "from advisory a join topic t on t.code = a.topic_code where a.organisation_id = ? "
        "order by a.held_on desc, a.id desc", [as_int(organisation_id)])


def initiatives_of(db: Database, actor: Actor, organisation_id: int) -> pd.DataFrame:
    """Local initiatives the organisation applied for, newest first, with their stage."""
    require(actor, "read")
    return db.query(
        "select i.id, i.title, i.stage, i.submitted_on, i.stage_since from initiative i "
        "where i.organisation_id = ? order by i.submitted_on desc, i.id desc", [as_int(organisation_id)])


def opportunities_of(db: Database, actor: Actor, organisation_id: int) -> pd.DataFrame:
    """Volunteer opportunities the organisation hosts, newest first."""
    require(actor, "read")
    return db.query(
        "select o.id, o.title, o.starts_at, o.ends_at, o.status, o.needed from volunteer_opportunity o "
        "where o.organisation_id = ? order by o.starts_at desc, o.id desc", [as_int(organisation_id)])
