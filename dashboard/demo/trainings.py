"""Demo education and integration work: events of every type and topic with their room bookings,
enrolments (waitlists too), attendance, feedback, the advisory log and survey answers.

Runs after the reservations filler and places each session only into half-hours that are free
in ``booking_slot``, inside the room's opening hours, off holidays and closures, so the demo
obeys the reservation rules. Deterministic for a given day. ``scale`` 1 is a year of about 120
events; 25 is about 3,000 events and 60,000 enrolments over the reservations' span, written
with bulk inserts (pre-allocated ids, one frame per table).
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, time, timedelta

import pandas as pd
from faker import Faker

from dashboard.core import clock
from dashboard.services.admin import audit
from dashboard.services.education import trainings
from dashboard.services.reservations import holiday_name
from db.connection import Database

CREATED_BY = "recepcja"
TOPICS = ("T1", "T2", "T3", "T4", "T5", "T6", "generator")
# type: (weight, session lengths in half-hours, sessions, capacity range, titles)
_TYPES = {
    "training": (45, (4, 5, 6), (1, 1, 2, 3), (12, 30), [
        "Planowanie strategiczne w organizacji", "Skąd brać pieniądze na działania", "Rejestracja stowarzyszenia krok po kroku",
        "Oferta na zadanie publiczne — warsztat", "Księgowość małej organizacji", "Generator Wniosków w praktyce",
        "Sprawozdanie z realizacji zadania publicznego", "Fundraising i crowdfunding", "RODO w organizacji pozarządowej"]),
    "advisory": (15, (2,), (1,), (1, 1), ["Doradztwo prawne", "Doradztwo księgowe", "Konsultacja wniosku grantowego"]),
    "specialist_meeting": (15, (3, 4), (1,), (10, 25), [
        "Spotkanie z ekspertem: zmiany w ustawie o pożytku", "Ekonomia społeczna — spotkanie specjalistyczne",
        "Inicjatywa lokalna — jak ją zgłosić"]),
    "integration_meeting": (12, (3, 4), (1,), (8, 30), [
        "Spotkanie organizacji z Urzędem Miasta", "Posiedzenie Łódzkiej Rady Działalności Pożytku Publicznego",
        "Spotkanie Komisji Dialogu Obywatelskiego", "Śniadanie organizacji pozarządowych"]),
    "consultation_meeting": (13, (3, 4), (1,), (8, 30), [
        "Konsultacje programu współpracy z organizacjami", "Konsultacje: Centrum Obywatelskie po 2013 roku",
        "Konsultacje regulaminu budżetu obywatelskiego"]),
}
_PARTNERS = {"city_hall": "Biuro ds. Partycypacji Społecznej UMŁ", "council": "Łódzka Rada Działalności Pożytku Publicznego",
             "dialogue_commission": "Komisja Dialogu Obywatelskiego ds. Kultury"}
_TRAINERS = [("Łucja Żółkiewska", "Fundacja Wspierania Organizacji"), ("Tomasz Grabowski", "Kancelaria Prawna Grabowski"),
             ("Agnieszka Wójcik", "Biuro Rachunkowe Saldo"), ("Piotr Kaczmarek", "Urząd Miasta Łodzi"),
             ("Monika Szymańska", "Stowarzyszenie Klon/Jawor"), ("Krzysztof Lewandowski", None),
             ("Ewa Zielińska", "Centrum Obywatelskie")]
_COMMENTS = ["Bardzo konkretnie, dziękuję!", "Za mało czasu na pytania.", "Przydatne materiały.",
             "Chętnie wezmę udział w kolejnej części.", "Sala była za ciasna.", None, None]
_QUESTIONS = [("T3", "Jak zgłosić zmianę składu zarządu do KRS?", "Przekazano wzór wniosku KRS-Z3."),
              ("T5", "Jak rozliczyć koszty pośrednie w dotacji?", "Omówiono zasady i limity z umowy."),
              ("T4", "Jak przygotować kosztorys oferty?", "Poprawiono kosztorys razem z organizacją."),
              ("generator", "Nie działa wysyłka w Generatorze Wniosków.", "Wniosek wysłany podczas spotkania."),
              ("T2", "Gdzie szukać grantów na działania sąsiedzkie?", "Lista konkursów i fundacji grantodawczych."),
              ("T1", "Jak zaplanować pracę na rok?", "Szkic planu działań."), ("T6", "Jak znaleźć wolontariuszy?", None)]


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def _people(rng: random.Random, seed: int, count: int, orgs: list[int]) -> list[tuple]:
    """A pool of returning participants: (name, email, phone, organisation or None)."""
    fake = Faker("pl_PL")
    fake.seed_instance(seed)
    pool = []
    for i in range(count):
        first, last = fake.first_name(), fake.last_name()
        email = f"{_plain(first)}.{_plain(last)}{i}@example.org" if rng.random() < 0.85 else None
        phone = None if email and rng.random() < 0.7 else f"+485{rng.randint(0, 99999999):08d}"
        pool.append((f"{first} {last}", email, phone, rng.choice(orgs) if rng.random() < 0.7 else None))
    return pool


class _Calendar:
    """Free half-hours of each room per day: opening hours minus booked slots, holidays and closures."""

    def __init__(self, db: Database, rooms: list[int], start: date, end: date):
        self.hours = {}
        for resource_id, weekday, opens, closes in db.rows(
                "select resource_id, weekday, opens, closes from opening_hours o where valid_from = (select max(valid_from) "
                "from opening_hours p where p.resource_id = o.resource_id and p.valid_from <= ?)", [end]):
            if opens is not None:
                self.hours[(resource_id, weekday)] = (opens.hour * 2 + opens.minute // 30, closes.hour * 2 + closes.minute // 30)
        self.busy: dict[tuple[int, date], set[int]] = {}
        for resource_id, day, slots in db.rows(
                "select resource_id, slot_start::date, list(hour(slot_start) * 2 + minute(slot_start) // 30) "
                "from booking_slot where slot_start >= ? and slot_start < ? group by all", [start, end + timedelta(days=1)]):
            if resource_id in rooms:
                self.busy[(resource_id, day)] = set(slots)
        self.closed = {(r, d) for r, d in self._closures(db, start, end)}

    @staticmethod
    def _closures(db: Database, start: date, end: date):
        for resource_id, first, last in db.rows("select resource_id, date_from, date_to from closure where "
                                                "cancelled_at is null and date_from <= ? and date_to >= ?", [end, start]):
            for k in range((last - first).days + 1):
                yield resource_id, first + timedelta(days=k)

    def place(self, rng: random.Random, room: int, day: date, length: int) -> int | None:
        """A random free start slot of ``length`` half-hours on ``day``, marked busy; None if none."""
        hours = self.hours.get((room, day.weekday()))
        if hours is None or holiday_name(day) or (None, day) in self.closed or (room, day) in self.closed:
            return None
        busy = self.busy.setdefault((room, day), set())
        starts = [s for s in range(hours[0], hours[1] - length + 1) if not busy & set(range(s, s + length))]
        if not starts:
            return None
        start = rng.choice(starts)
        busy.update(range(start, start + length))
        return start


_TABLES = {t: t for t in ("event", "event_topic", "booking", "event_session", "enrolment", "enrolment_contact",
                          "event_seat", "attendance", "feedback", "advisory", "survey_response", "survey_answer")}
_SEQUENCES = {s: s for s in ("event_id_seq", "event_session_id_seq", "booking_id_seq", "enrolment_id_seq")}


class _Rows:
    """Column lists per table, turned into frames for bulk inserts."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {}

    def add(self, table: str, **row) -> None:
        self.tables.setdefault(table, []).append(row)

    def insert(self, cur, table: str) -> int:
        rows = self.tables.get(table, [])
        if rows:
            frame = pd.DataFrame(rows)
            cur.register("demo_rows", frame)
            columns = ", ".join(frame.columns)  # names from this module's own code, never from input
            cur.execute("insert into " + _TABLES[table] + " (" + columns + ") select " + columns + " from demo_rows")
            cur.unregister("demo_rows")
        return len(rows)


def _ids(cur, sequence: str, count: int) -> list[int]:
    """Pre-allocated ids, so rows of different tables can refer to each other before the bulk insert."""
    cur.execute("select nextval(?) from range(?)", [_SEQUENCES[sequence], count])
    return [r[0] for r in cur.fetchall()]


def _at(day: date, slot: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=30 * slot)


def _sessions(rng, calendar: _Calendar, room: int, base: date, lengths: tuple, count: int) -> list[tuple]:
    """Weekly sessions from ``base`` (a day later if that week's day is full)."""
    found, length = [], rng.choice(lengths)
    for k in range(count):
        for shift in range(6):
            day = base + timedelta(days=7 * k + shift)
            slot = calendar.place(rng, room, day, length)
            if slot is not None:
                found.append((_at(day, slot), _at(day, slot + length)))
                break
    return found


def _event(rng, out: _Rows, ids: dict, ctx: dict, kind: str, sessions: list[tuple], room: tuple) -> None:
    """One event with its sessions, bookings, enrolments, attendance and feedback."""
    _w, _l, _n, (low, high), titles = _TYPES[kind]
    now, event_id = ctx["now"], ids["event"].pop()
    capacity = 1 if kind == "advisory" else min(room[1], rng.randint(low, high))
    first = sessions[0][0]
    cancelled = rng.random() < 0.05
    held = not cancelled and first <= now
    trainer = rng.choice(_TRAINERS)
    partner = rng.choice(list(_PARTNERS)) if kind == "integration_meeting" else None
    created = first - timedelta(days=rng.randint(14, 60))
    topics = rng.sample(TOPICS, rng.choice((1, 1, 2)))
    people = rng.sample(ctx["pool"], min(len(ctx["pool"]), max(1, round(capacity * rng.uniform(1.0, 2.3)))))
    enrolled = people[:capacity]
    status = "cancelled" if cancelled else "held" if held else (
        "planned" if rng.random() < 0.1 and not enrolled else "full" if len(enrolled) >= capacity else "open")
    if status == "planned":
        people, enrolled = [], []
    title = rng.choice(titles)
    out.add("event", id=event_id, title=title, event_type=kind, partner_kind=partner,
            partner_name=_PARTNERS.get(partner), description=None, trainer_name=trainer[0],
            trainer_organisation=trainer[1], resource_id=room[0], capacity=capacity,
            target_group="organizacje pozarządowe i grupy nieformalne", status=status,
            cancel_reason="Choroba prowadzącego" if cancelled else None,
            cancelled_at=min(now, first - timedelta(days=1)) if cancelled else None,
            cancelled_by=CREATED_BY if cancelled else None, created_at=created, created_by=CREATED_BY, updated_at=created)
    for code in topics:
        out.add("event_topic", event_id=event_id, topic_code=code)
    present_by_session = _enrolments(rng, out, ids, ctx, event_id, people, capacity, created, first, held)
    for (starts_at, ends_at), present in zip(sessions, present_by_session or [[]] * len(sessions)):
        session_id, booking_id = ids["session"].pop(), ids["booking"].pop()
        out.add("event_session", id=session_id, event_id=event_id, starts_at=starts_at, ends_at=ends_at,
                booking_id=booking_id)
        past = ends_at <= now or starts_at <= now
        out.add("booking", id=booking_id, resource_id=room[0], organisation_id=ctx["centre"], contact_person=trainer[0],
                purpose=title, statutory_declared=True, attendees=capacity,
                starts_at=starts_at, ends_at=ends_at,
                status="cancelled" if cancelled else "checked_in" if past else "confirmed",
                actual_attendance=len(present) if past and not cancelled else None,
                checked_in_at=starts_at if past and not cancelled else None, created_at=created, created_by=CREATED_BY,
                updated_at=created)
        for enrolment_id in present if past else []:
            out.add("attendance", session_id=session_id, enrolment_id=enrolment_id, present=True, marked_at=starts_at,
                    marked_by=CREATED_BY)


def _enrolments(rng, out: _Rows, ids: dict, ctx: dict, event_id: int, people: list, capacity: int,
                created: datetime, first: datetime, held: bool) -> list[list[int]]:
    """Seats for the first ``capacity`` people, the waitlist after them; attendance and feedback if held."""
    attended: list[int] = []
    for index, (name, email, phone, org) in enumerate(people):
        enrolment_id = ids["enrolment"].pop()
        status = "enrolled" if index < capacity else "waitlisted"
        at = created + (first - timedelta(hours=25) - created) * (index + 1) / (len(people) + 1)
        out.add("enrolment", id=enrolment_id, event_id=event_id, full_name=name, email=email, phone=phone,
                organisation_id=org, consent=True, consent_on=at.date(), status=status, walk_in=False, enrolled_at=at,
                created_by=CREATED_BY, created_at=at)
        for key in (f"e:{email}" if email else None, f"p:{phone}" if phone else None):
            if key:
                out.add("enrolment_contact", event_id=event_id, contact_key=key, enrolment_id=enrolment_id)
        if status == "enrolled":
            out.add("event_seat", event_id=event_id, seat_no=index + 1, enrolment_id=enrolment_id)
            if held and rng.random() < 0.88:
                attended.append(enrolment_id)
    if not held:
        return []
    for enrolment_id in attended:
        if rng.random() < 0.5:
            out.add("feedback", event_id=event_id, enrolment_id=enrolment_id,
                    rating=rng.choices((1, 2, 3, 4, 5), (2, 5, 15, 40, 38))[0], comment=rng.choice(_COMMENTS),
                    created_at=first, created_by=CREATED_BY)
    return [attended] + [[e for e in attended if rng.random() < 0.9] for _ in range(5)]


def _advisory(rng, out: _Rows, orgs: list[int], start: date, today: date, count: int) -> None:
    for _ in range(count):
        day = start + timedelta(days=rng.randint(0, max(0, (today - start).days)))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        topic, question, outcome = rng.choice(_QUESTIONS)
        out.add("advisory", organisation_id=rng.choice(orgs), advisor=rng.choice(_TRAINERS)[0], topic_code=topic,
                held_on=day, duration_min=rng.choice((30, 45, 60, 60, 90)), form=rng.choice(("in_person", "in_person",
                                                                                                "phone", "online")),
                question=question, outcome=outcome, created_at=datetime.combine(day, time(17)), created_by=CREATED_BY)


def _survey(rng, out: _Rows, orgs: list[int], today: date) -> None:
    for org in orgs:
        if rng.random() >= 0.4:
            continue
        day = today - timedelta(days=rng.randint(1, 200))
        out.add("survey_response", organisation_id=org, answered_on=day, free_text=rng.choice(
            [None, None, "Potrzebujemy stałego miejsca na spotkania.", "Więcej szkoleń z księgowości.",
             "Szafki na dokumenty to świetny pomysł."]), created_at=datetime.combine(day, time(12)),
            created_by=CREATED_BY, updated_at=datetime.combine(day, time(12)))
        for code in ("F1", "F2", "F3"):
            if rng.random() < 0.6:
                out.add("survey_answer", organisation_id=org, service_code=code, priority=rng.randint(1, 5))


def _plan(rng, calendar: _Calendar, rooms: list[tuple], start: date, end: date, count: int) -> list[tuple]:
    """(type, sessions, room) of every event that found free time."""
    kinds = list(_TYPES)
    weights = [_TYPES[k][0] for k in kinds]
    smallest = min(rooms, key=lambda r: r[1])
    planned = []
    for _ in range(count * 2):
        if len(planned) >= count:
            break
        kind = rng.choices(kinds, weights)[0]
        room = smallest if kind == "advisory" else rng.choice(rooms)
        base = start + timedelta(days=rng.randint(0, (end - start).days))
        sessions = _sessions(rng, calendar, room[0], base, _TYPES[kind][1], rng.choice(_TYPES[kind][2]))
        if sessions:
            planned.append((kind, sessions, room))
    return planned


def fill(db: Database, seed: int, scale: float) -> None:
    """Events, bookings, enrolments, attendance, feedback, advisory and survey, in one transaction."""
    rng = random.Random(seed)
    today, now = clock.today(), clock.local_now()
    rooms = [(r[0], r[1]) for r in db.rows("select id, capacity from resource where kind = 'room' and active order by id")]
    orgs = [r[0] for r in db.rows("select id from organisation order by id")]
    if not rooms or not orgs:
        return
    start = today - timedelta(days=365 if scale <= 1 else min(5 * 365, round(120 + 70 * (scale - 1))))
    end = today + timedelta(days=42)
    calendar = _Calendar(db, [r[0] for r in rooms], start, end)
    planned = sorted(_plan(rng, calendar, rooms, start, end, max(20, round(120 * scale))), key=lambda p: p[1][0])
    pool = _people(rng, seed, max(200, round(300 * scale ** 0.9)), orgs)

    def work(cur):
        out = _Rows()
        sessions = sum(len(p[1]) for p in planned)
        ids = {"event": _ids(cur, "event_id_seq", len(planned))[::-1],
               "session": _ids(cur, "event_session_id_seq", sessions)[::-1],
               "booking": _ids(cur, "booking_id_seq", sessions)[::-1],
               "enrolment": _ids(cur, "enrolment_id_seq", len(planned) * 50)[::-1]}
        ctx = {"now": now, "pool": pool, "centre": trainings.centre_organisation(cur)}
        for kind, event_sessions, room in planned:
            _event(rng, out, ids, ctx, kind, event_sessions, room)
        _advisory(rng, out, orgs, start, today, max(20, round(150 * scale)))
        _survey(rng, out, orgs, today)
        counts = {t: out.insert(cur, t) for t in ("event", "event_topic", "booking", "event_session", "enrolment",
                                                  "enrolment_contact", "event_seat", "attendance", "feedback",
                                                  "advisory", "survey_response", "survey_answer")}
        cur.execute("insert into booking_slot (resource_id, slot_start, booking_id) "
                    "select resource_id, unnest(range(starts_at, ends_at, interval 30 minute)), id from booking "
                    "where organisation_id = ? and status in ('requested', 'confirmed', 'checked_in')", [ctx["centre"]])
        audit.record(cur, "system", "demo_fill", "event", None, None, counts)

    db.write(work, attempts=1)
