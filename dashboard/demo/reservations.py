"""Demo reservations: the Centre's rooms, workstations, lockers and projector, with months of
bookings around today that respect opening hours, public holidays and closures.

Deterministic for a given day (seeded ``random.Random``). ``scale`` 1 is the pilot (16
resources, 4 months back and 6 weeks ahead); 25 is city scale (40 resources, 5 years,
about 300,000 bookings), written with bulk inserts so it builds in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

import pandas as pd

from dashboard.core import clock
from dashboard.services.admin import audit
from dashboard.services.reservations import DEFAULT_HOURS, HOURS_SINCE, holiday_name
from db.connection import Database

DAYS_AHEAD = 42
CREATED_BY = "recepcja"
# The computer room is staffed by reception all day: a per-resource week unlike the default.
WORKSTATION_HOURS = {wd: (time(9), time(20)) for wd in range(5)}

_BASE = (
    [("room", "Sala szkoleniowa", 20, "parter, sala 1", "projektor, ekran, flipchart, nagłośnienie, 20 krzeseł"),
     ("room", "Sala spotkań", 8, "I piętro, sala 2", "stół na 8 osób, monitor 55\", kamera do wideorozmów")]
    + [("workstation", f"Stanowisko komputerowe {i}", 1, "I piętro, pokój 3", "komputer, pakiet biurowy, drukarka")
       for i in range(1, 4)]
    + [("locker", f"Szafka {i}", None, "parter, korytarz przy recepcji", None) for i in range(1, 11)]
    + [("equipment", "Projektor", None, "recepcja", "projektor Full HD, kabel HDMI, pilot")]
)
_EXTRA_ROOMS = [("Sala warsztatowa A", 16), ("Sala warsztatowa B", 12), ("Sala konferencyjna", 30),
                ("Pracownia kreatywna", 10), ("Sala cicha", 6), ("Sala warsztatowa C", 14)]
_EXTRA_EQUIPMENT = ["Nagłośnienie przenośne", "Laptop do prezentacji", "Aparat fotograficzny"]

# Per kind: durations and gaps between bookings, in 30-minute slots (chosen uniformly).
_DURATIONS = {"room": [2, 2, 3, 4, 4, 6], "workstation": [1, 1, 1, 2, 2, 3], "equipment": [2, 4, 6]}
_GAPS = {"room": [0, 1, 1, 2, 4], "workstation": [0, 0, 0, 0, 1, 2], "equipment": [2, 4, 8, 12]}
_PURPOSES = {
    "room": ["Zebranie zarządu", "Walne zebranie członków", "Warsztaty dla wolontariuszy",
             "Spotkanie z mieszkańcami osiedla", "Szkolenie z pisania wniosków grantowych", "Próba chóru seniorów",
             "Konsultacje projektu do budżetu obywatelskiego", "Spotkanie grupy wsparcia",
             "Warsztaty plastyczne dla dzieci",
             "Debata o zieleni miejskiej", "Planowanie festynu sąsiedzkiego", "Kurs pierwszej pomocy"],
    "workstation": ["Przygotowanie sprawozdania finansowego", "Praca nad wnioskiem grantowym", "Skład ulotki",
                    "Aktualizacja strony internetowej", "Rozliczenie projektu", "Przygotowanie newslettera"],
    "equipment": ["Prezentacja na spotkaniu", "Pokaz filmu na podwórku", "Konferencja organizacji",
                  "Festyn sąsiedzki"],
}
_CANCEL_REASONS = ["Choroba prowadzącego", "Zmiana terminu spotkania", "Odwołane przez organizację",
                   "Za mało zapisanych uczestników", "Pomyłka przy rezerwacji"]
_SERIES = [("room", "Próba chóru seniorów", 1, time(18), time(20)),
           ("room", "Spotkanie grupy wsparcia", 2, time(16), time(18)),
           ("room", "Zebranie zarządu", 4, time(12), time(14)),
           ("workstation", "Dyżur księgowy", 1, time(10), time(12))]
_CLOSURES = [(None, "Szkolenie wewnętrzne zespołu Centrum", 1), ("Sala szkoleniowa", "Malowanie sali", 2),
             ("Sala spotkań", "Przegląd instalacji elektrycznej", 1), (None, "Inwentaryzacja", 1)]
_CHUNK = 40_000


@dataclass
class _Resource:
    id: int
    kind: str
    name: str
    capacity: int | None

    def hours(self, day: date) -> tuple[time, time] | None:
        week = WORKSTATION_HOURS if self.kind == "workstation" else DEFAULT_HOURS
        return week.get(day.weekday())


def _resource_rows(scale: float) -> list[tuple]:
    """Base resources, plus extra ones at city scale (25 gives 40 in all)."""
    rows = list(_BASE)
    extra = max(0, round(scale - 1))
    rooms, equipment = min(len(_EXTRA_ROOMS), round(extra * 0.2)), min(len(_EXTRA_EQUIPMENT), round(extra * 0.05))
    rows += [("room", name, cap, "II piętro", "flipchart, krzesła") for name, cap in _EXTRA_ROOMS[:rooms]]
    rows += [("workstation", f"Stanowisko komputerowe {i}", 1, "II piętro, pracownia", "komputer, pakiet biurowy")
             for i in range(4, 4 + extra - rooms - equipment)]
    rows += [("equipment", name, None, "recepcja", None) for name in _EXTRA_EQUIPMENT[:equipment]]
    return rows


def _insert_resources(cur, scale: float) -> list[_Resource]:
    now = clock.utc_now()
    made = []
    for kind, name, capacity, location, notes in _resource_rows(scale):
        cur.execute("insert into resource (kind, name, capacity, location, equipment_notes, created_at, updated_at) "
                    "values (?, ?, ?, ?, ?, ?, ?) returning id", [kind, name, capacity, location, notes, now, now])
        made.append(_Resource(cur.fetchone()[0], kind, name, capacity))
    hours = []
    for res in made:
        week = WORKSTATION_HOURS if res.kind == "workstation" else DEFAULT_HOURS
        hours += [[res.id, HOURS_SINCE, wd, *week.get(wd, (None, None))] for wd in range(7)]
    cur.executemany("insert into opening_hours (resource_id, valid_from, weekday, opens, closes) "
                    "values (?, ?, ?, ?, ?)", hours)
    return made


def _span(scale: float, today: date) -> tuple[date, date]:
    """4 months back at the pilot's scale, up to 5 years at city scale; always 6 weeks ahead."""
    back = max(14, round(120 * scale)) if scale <= 1 else min(5 * 365, round(120 + 70 * (scale - 1)))
    return today - timedelta(days=back), today + timedelta(days=DAYS_AHEAD)


def _working_day(day: date, start: date, rng: random.Random, used: set[date]) -> date:
    """A weekday after ``start`` that is no holiday and not yet used (for a closure)."""
    while day.weekday() >= 5 or holiday_name(day) or day in used or day < start:
        day += timedelta(days=1 + rng.randint(0, 2))
    return day


def _closures(cur, rng: random.Random, resources: list[_Resource], start: date, end: date, today: date) -> list[tuple]:
    """A few staff closures: the pilot's four, plus about three a year at city scale."""
    by_name = {r.name: r.id for r in resources}
    years = max(1, round((end - start).days / 365))
    rows, used = [], set()
    anchors = [today - timedelta(days=35), today - timedelta(days=60), today + timedelta(days=20),
               today - timedelta(days=100)]
    anchors += [start + timedelta(days=rng.randint(0, (today - start).days)) for _ in range(3 * (years - 1))]
    for i, anchor in enumerate(anchors):
        name, reason, length = _CLOSURES[i % len(_CLOSURES)]
        first = _working_day(max(anchor, start), start, rng, used)
        last = first + timedelta(days=length - 1)
        used.update(first + timedelta(days=k) for k in range(length))
        rows.append((by_name.get(name), first, last, reason))
    now = clock.utc_now()
    cur.executemany("insert into closure (resource_id, date_from, date_to, reason, created_at, created_by) "
                    "values (?, ?, ?, ?, ?, ?)", [[*r, now, CREATED_BY] for r in rows])
    return rows


def _closed_days(closures: list[tuple]) -> dict[int | None, set[date]]:
    closed: dict[int | None, set[date]] = {}
    for resource_id, first, last, _reason in closures:
        closed.setdefault(resource_id, set()).update(first + timedelta(days=k) for k in range((last - first).days + 1))
    return closed


def _organisations(db: Database, rng: random.Random) -> tuple[list[tuple[int, str]], list[float]]:
    """Organisations with skewed cumulative weights: a few regulars book most of the time."""
    rows = db.rows("select id, contact_person from organisation order by id")
    orgs = [(r[0], r[1] or "Osoba kontaktowa") for r in rows]
    rng.shuffle(orgs)
    return orgs, list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(orgs))))


class _Bookings:
    """Column lists of the bookings being generated (lighter than a row object each)."""

    COLUMNS = ("resource_id", "organisation_id", "series_id", "contact_person", "purpose", "statutory_declared",
               "attendees", "starts_at", "ends_at", "status", "actual_attendance", "checked_in_at", "cancel_reason",
               "cancelled_at", "cancelled_by", "created_at", "created_by", "updated_at")

    def __init__(self) -> None:
        self.data: dict[str, list] = {c: [] for c in self.COLUMNS}

    def __len__(self) -> int:
        return len(self.data["resource_id"])

    def add(self, rng: random.Random, now: datetime, res: _Resource, org: tuple[int, str], purpose: str,
            starts_at: datetime, ends_at: datetime, series_id: int | None = None) -> None:
        status, attendees = _status(rng, now, starts_at, ends_at), _attendees(rng, res)
        created = starts_at - timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
        cancelled = status == "cancelled"
        values = (res.id, org[0], series_id, org[1], purpose, True, attendees, starts_at, ends_at, status,
                  _actual(rng, attendees, res) if status == "checked_in" else None,
                  starts_at + timedelta(minutes=rng.randint(-10, 15)) if status == "checked_in" else None,
                  rng.choice(_CANCEL_REASONS) if cancelled else None,
                  min(now, created + (starts_at - created) * rng.random()) if cancelled else None,
                  CREATED_BY if cancelled else None, min(now, created), CREATED_BY, min(now, created))
        for column, value in zip(self.COLUMNS, values):
            self.data[column].append(value)

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.data)
        for column in ("series_id", "actual_attendance"):
            frame[column] = frame[column].astype("Int64")
        return frame


def _status(rng: random.Random, now: datetime, starts_at: datetime, ends_at: datetime) -> str:
    """The past mostly happened (some no-shows, some cancelled); the future is mostly confirmed."""
    draw = rng.random()
    if ends_at <= now:
        return "checked_in" if draw < 0.84 else "no_show" if draw < 0.90 else "cancelled"
    if starts_at <= now:
        return "checked_in" if draw < 0.92 else "cancelled"
    return "confirmed" if draw < 0.80 else "requested" if draw < 0.92 else "cancelled"


def _attendees(rng: random.Random, res: _Resource) -> int:
    if res.kind == "room":
        return rng.randint(max(2, res.capacity // 4), res.capacity)
    return 1


def _actual(rng: random.Random, attendees: int, res: _Resource) -> int:
    actual = round(attendees * rng.uniform(0.6, 1.1))
    return max(1, min(actual, res.capacity or actual))


def _series(cur, rng: random.Random, resources: list[_Resource], orgs: list, start: date, end: date,
            scale: float) -> dict[tuple[int, date], list[tuple[time, time, int, str, tuple]]]:
    """A few recurring bookings (a choir every Tuesday…), placed before the one-off ones."""
    held: dict[tuple[int, date], list] = {}
    now = clock.utc_now()
    for i in range(max(3, round(4 * scale))):
        kind, purpose, every, opens, closes = _SERIES[i % len(_SERIES)]
        res = rng.choice([r for r in resources if r.kind == kind])
        org = orgs[rng.randrange(min(len(orgs), 30))]
        first = start + timedelta(days=rng.randint(0, max(0, (end - start).days - 60)))
        first += timedelta(days=(1 - first.weekday()) % 7 + 2 * (i % 2))  # a Tuesday or a Thursday
        count = rng.randint(8, 30)
        cur.execute("insert into booking_series (resource_id, organisation_id, every_weeks, first_day, occurrences, "
                    "start_time, end_time, created_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
                    [res.id, org[0], every, first, count, opens, closes, now, CREATED_BY])
        series_id = cur.fetchone()[0]
        for k in range(count):
            day = first + timedelta(weeks=every * k)
            same_day = held.setdefault((res.id, day), [])
            if day <= end and not any(s < closes and e > opens for s, e, *_ in same_day):
                same_day.append((opens, closes, series_id, purpose, org))
    return held


def _slot(t: time) -> int:
    return t.hour * 2 + t.minute // 30


def _at(day: date, slot: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=30 * slot)


def _fill_day(rng: random.Random, out: _Bookings, now: datetime, res: _Resource, day: date, orgs: list,
              weights: list[float], held: list, keep: float) -> None:
    """Pack one resource's day with bookings between the series' ones, inside opening hours."""
    opens, closes = (_slot(t) for t in res.hours(day))
    taken = sorted((_slot(s), _slot(e), sid, purpose, org) for s, e, sid, purpose, org in held
                   if _slot(s) >= opens and _slot(e) <= closes)
    for s, e, sid, purpose, org in taken:
        out.add(rng, now, res, org, purpose, _at(day, s), _at(day, e), sid)
    t = opens + rng.choice(_GAPS[res.kind])
    while True:
        length = rng.choice(_DURATIONS[res.kind])
        clash = next((e for s, e, *_ in taken if s < t + length and e > t), None)
        if clash is not None:
            t = clash + rng.choice(_GAPS[res.kind])
            continue
        if t + length > closes:
            return
        if rng.random() < keep:
            org = rng.choices(orgs, cum_weights=weights)[0]
            out.add(rng, now, res, org, rng.choice(_PURPOSES[res.kind]), _at(day, t), _at(day, t + length))
        t += length + rng.choice(_GAPS[res.kind])


def _keep(day: date, today: date) -> float:
    """Past days are as booked as they were; the weeks ahead fill up as they come closer."""
    ahead = (day - today).days
    return 1.0 if ahead <= 0 else max(0.1, 0.55 - 0.4 * ahead / DAYS_AHEAD)


def _generate(rng: random.Random, resources: list[_Resource], orgs: list, weights: list[float], start: date,
              end: date, closed: dict, held: dict) -> Iterator[_Bookings]:
    """Bookings day by day, handed over in chunks of about a quarter so memory stays flat at city scale."""
    out, now, today = _Bookings(), clock.local_now(), clock.today()
    day = start
    while day <= end:
        if holiday_name(day) is None and day not in closed.get(None, set()):
            for res in resources:
                if res.kind != "locker" and res.hours(day) and day not in closed.get(res.id, set()):
                    _fill_day(rng, out, now, res, day, orgs, weights, held.get((res.id, day), []), _keep(day, today))
        if len(out) >= _CHUNK:
            yield out
            out = _Bookings()
        day += timedelta(days=1)
    yield out


def _lockers(cur, rng: random.Random, resources: list[_Resource], orgs: list, today: date) -> int:
    """About seven lockers in ten held now (keys out), some with an earlier, finished holder."""
    rows = []
    for res in (r for r in resources if r.kind == "locker"):
        start = today - timedelta(days=rng.randint(200, 500))
        if rng.random() < 0.5:
            end = start + timedelta(days=rng.randint(60, 150))
            rows.append((res.id, rng.choice(orgs)[0], start, end, start, end, "Umowa zakończona"))
            start = end + timedelta(days=rng.randint(5, 40))
        if rng.random() < 0.7:
            until = None if rng.random() < 0.6 else today + timedelta(days=rng.randint(30, 300))
            rows.append((res.id, rng.choice(orgs)[0], start, until, start + timedelta(days=rng.randint(0, 3)), None,
                         rng.choice([None, "Materiały promocyjne", "Sprzęt na festyny", "Dokumentacja projektu"])))
    now = clock.utc_now()
    cur.executemany(
        "insert into locker_assignment (resource_id, organisation_id, date_from, date_to, key_handed_on, "
        "key_returned_on, notes, created_at, created_by, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[*r, now, CREATED_BY, now] for r in rows])
    return len(rows)


def _insert_bookings(cur, chunks: Iterator[_Bookings]) -> int:
    """Bulk inserts from a frame per chunk, then the slot rows of every active booking in one statement."""
    total = 0
    for chunk in chunks:
        cur.register("demo_bookings", chunk.frame())
        cur.execute("insert into booking (" + ", ".join(_Bookings.COLUMNS) + ") select "
                    + ", ".join(_Bookings.COLUMNS) + " from demo_bookings order by starts_at, resource_id")
        cur.unregister("demo_bookings")
        total += len(chunk)
    cur.execute("insert into booking_slot (resource_id, slot_start, booking_id) "
                "select resource_id, unnest(range(starts_at, ends_at, interval 30 minute)), id from booking "
                "where status in ('requested', 'confirmed', 'checked_in')")
    return total


def fill(db: Database, seed: int, scale: float) -> None:
    """Resources, hours, closures, series, bookings and locker assignments, in one transaction."""
    rng = random.Random(seed)
    today = clock.today()
    start, end = _span(scale, today)
    orgs, weights = _organisations(db, rng)
    if not orgs:
        return

    def work(cur):
        resources = _insert_resources(cur, scale)
        closures = _closures(cur, rng, resources, start, end, today)
        held = _series(cur, rng, resources, orgs, start, end, scale)
        booked = _insert_bookings(cur, _generate(rng, resources, orgs, weights, start, end, _closed_days(closures),
                                                 held))
        lockers = _lockers(cur, rng, resources, orgs, today)
        audit.record(cur, "system", "demo_fill", "booking", None, None,
                     {"resources": len(resources), "bookings": booked, "closures": len(closures),
                      "locker_assignments": lockers})

    db.write(work, attempts=1)
