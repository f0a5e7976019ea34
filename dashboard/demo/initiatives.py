"""Demo local initiatives: a realistic mix across the 36 osiedla, the art. 19b spheres and every stage.

Each initiative walks the real procedure (the allowed moves of migration 0005) from its
submission day, one step at a time with realistic waits, and stops where today falls, so old
ones are settled, recent ones still in formal check; some are rejected (with a reason) or
withdrawn. Every step is in the history, with its stage data, scores, documents and support
meetings. ``scale`` 1 is about 120 initiatives over three years; 25 is about 3,000, written
with bulk inserts (pre-allocated ids, one frame per table) in one transaction.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, time, timedelta

import pandas as pd
from faker import Faker

from dashboard.core import clock
from dashboard.services.admin import app_settings, audit
from db.connection import Database

CREATED_BY = "recepcja"
_SPHERES = {"infrastructure": 18, "nature": 20, "culture": 14, "sport_tourism": 12, "education": 10, "tradition": 6,
            "charity": 5, "public_order": 5, "volunteering": 4, "revitalisation": 4, "minorities": 2}
_TITLES = {
    "infrastructure": ["Remont chodnika przy ul. {street}", "Ławki i stojaki rowerowe na skwerze",
                       "Plac zabaw przy ul. {street}"],
    "nature": ["Ogród sąsiedzki przy ul. {street}", "Nasadzenia drzew wzdłuż ul. {street}", "Łąka kwietna na skwerze"],
    "culture": ["Kino plenerowe na podwórku", "Mural sąsiedzki przy ul. {street}", "Festyn kultury osiedlowej"],
    "sport_tourism": ["Siłownia plenerowa przy ul. {street}", "Osiedlowy turniej piłki nożnej", "Rajd rowerowy po osiedlu"],
    "education": ["Warsztaty cyfrowe dla seniorów", "Podwórkowa szkoła programowania", "Zajęcia przyrodnicze dla dzieci"],
    "tradition": ["Historia naszej ulicy — wystawa", "Święto ulicy {street}"],
    "charity": ["Sąsiedzka lodówka społeczna", "Paczki dla samotnych sąsiadów"],
    "public_order": ["Oświetlenie przejścia przy ul. {street}", "Bezpieczna droga do szkoły"],
    "volunteering": ["Sąsiedzki bank czasu", "Wolontariat młodzieżowy na osiedlu"],
    "revitalisation": ["Ożywienie podwórka przy ul. {street}", "Odnowa bramy kamienicy przy ul. {street}"],
    "minorities": ["Dzień kultury ukraińskiej na osiedlu", "Warsztaty języka romani dla dzieci"],
}
_STREETS = ["Piotrkowska", "Zgierska", "Pomorska", "Narutowicza", "Kilińskiego", "Rzgowska", "Wólczańska",
            "Limanowskiego", "Maratońska", "Retkińska", "Rokicińska", "Łagiewnicka", "Traktorowa", "Zarzewska"]
_UNITS = {"infrastructure": "Zarząd Inwestycji Miejskich", "nature": "Zarząd Zieleni Miejskiej",
          "public_order": "Zarząd Dróg i Transportu", "culture": "Wydział Kultury UMŁ", "education": "Wydział Edukacji UMŁ",
          "sport_tourism": "Wydział Sportu UMŁ", "revitalisation": "Biuro Rewitalizacji UMŁ"}
_DEFAULT_UNIT = "Biuro Aktywności Miejskiej UMŁ"
_REJECTIONS = ["Zadanie nie mieści się w katalogu art. 19b ustawy.", "Teren nie jest własnością miasta.",
               "Brak środków w budżecie na ten rok; zachęcamy do ponownego złożenia.",
               "Zadanie jest już zaplanowane w budżecie jednostki miejskiej."]
_WITHDRAWALS = ["Wnioskodawcy wycofali wniosek: zmiana planów wspólnoty.", "Lider grupy wyprowadził się z osiedla.",
                "Zarządca terenu nie zgodził się na realizację."]
_OPINIONS = ["Zespół opiniuje pozytywnie: duży wkład pracy społecznej.", "Opinia pozytywna z uwagą o kosztorysie.",
             "Zespół opiniuje negatywnie: niewielkie poparcie mieszkańców."]
_REVIEWERS = ["Anna Kowalczyk (BAM)", "Marek Wiśniewski (ZZM)", "Joanna Pawlak (ŁCKM)", "Tomasz Nowicki (ZIM)"]
_ADVISORS = ["Ewa Zielińska", "Piotr Kaczmarek", "Łucja Żółkiewska"]
_TOPICS = [("Jak wypełnić wniosek o inicjatywę lokalną", "Wniosek poprawiony na spotkaniu."),
           ("Wycena pracy społecznej i wkładu rzeczowego", "Ustalono liczbę godzin i stawkę."),
           ("Kosztorys i harmonogram z jednostką miejską", "Kosztorys uzgodniony."),
           ("Pozwolenia i zgody zarządcy terenu", "Lista potrzebnych zgód."),
           ("Rozliczenie i sprawozdanie", None)]
# Days each step usually takes: (low, high).
_WAIT = {"formal_check": (2, 10), "fixes_requested": (5, 21), "review": (7, 25), "accepted": (10, 40),
         "rejected": (10, 40), "preparation": (7, 30), "agreement_signed": (14, 60), "in_progress": (5, 20),
         "settled": (30, 150), "withdrawn": (3, 60)}
_STAGE_COLUMNS = ("fixes_deadline", "review_opinion", "accepted_on", "rejection_reason", "responsible_unit", "schedule",
                  "cost_estimate_pln", "agreement_number", "agreement_date", "settled_on")
_TABLES = {t: t for t in ("initiative", "initiative_history", "initiative_score", "initiative_support",
                          "initiative_document")}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def _path(rng: random.Random) -> list[str]:
    """The stages one initiative will pass through if time allows (the allowed moves only)."""
    path = ["formal_check"]
    if rng.random() < 0.3:
        path += ["fixes_requested", "formal_check"]
    path.append("review")
    if rng.random() < 0.15:
        path.append("rejected")
    else:
        path += ["accepted", "preparation", "agreement_signed", "in_progress", "settled"]
    if rng.random() < 0.08:
        path = path[:rng.randint(0, len(path) - 2)] + ["withdrawn"]  # never after a decision to reject
    return path


def _at(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))


class _Rows:
    """Rows per table, turned into frames for bulk inserts."""

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


def _applicant(rng: random.Random, fake: Faker, orgs: list[int], index: int) -> dict:
    if orgs and rng.random() < 0.4:
        return {"applicant_kind": "organisation", "organisation_id": rng.choice(orgs), "leader_name": None,
                "leader_email": None, "leader_phone": None}
    first, last = fake.first_name(), fake.last_name()
    email = f"{_plain(first)}.{_plain(last)}{index}@example.org" if rng.random() < 0.8 else None
    phone = f"+485{rng.randint(0, 99999999):08d}" if not email or rng.random() < 0.4 else None
    return {"applicant_kind": "group", "organisation_id": None, "leader_name": f"{first} {last}",
            "leader_email": email, "leader_phone": phone}


def _money(rng: random.Random, sphere: str) -> dict:
    big = sphere in ("infrastructure", "public_order", "revitalisation")
    city = rng.randint(40, 250 if big else 120) * 100
    hours = rng.choice((20, 40, 60, 80, 120, 160, 240, 320))
    return {"city_part_pln": city, "city_part_description": "Materiały i usługi zakupione przez miasto",
            "social_work_hours": hours, "social_work_rate_pln": rng.choice((30, 30, 30, 25, 35)),
            "in_kind_pln": rng.choice((0, 0, 500, 1000, 1500, 2500)), "in_kind_description": "Sprzęt i narzędzia mieszkańców",
            "money_pln": rng.choice((0, 0, 0, 200, 500, 1000))}


def _initiative(rng, fake, out: _Rows, ctx: dict, new_id: int, submitted: date) -> None:
    """One initiative: its row, then every move it had time to make by today."""
    sphere = rng.choices(list(_SPHERES), weights=list(_SPHERES.values()))[0]
    title = rng.choice(_TITLES[sphere]).format(street=rng.choice(_STREETS))
    start = submitted + timedelta(days=rng.randint(60, 150))
    row = {**dict.fromkeys(_STAGE_COLUMNS), "id": new_id, "title": title,
           "description": f"{title} — inicjatywa mieszkańców osiedla.", "sphere": sphere,
           "osiedle_id": rng.randint(1, 36), **_applicant(rng, fake, ctx["orgs"], new_id),
           "supporters": rng.randint(3, 400), "partners": rng.choice((None, "Rada Osiedla", "Szkoła Podstawowa", None)),
           "planned_start": start, "planned_end": start + timedelta(days=rng.randint(14, 120)), **_money(rng, sphere),
           "submitted_on": submitted, "created_by": CREATED_BY}
    at = _at(rng, submitted)
    out.add("initiative_history", initiative_id=new_id, from_stage=None, to_stage="submitted", at_local=at,
            username=CREATED_BY, note="Wniosek złożony w Biurze Aktywności Miejskiej")
    _document(out, new_id, "application", submitted)
    stage, since = _walk(rng, out, ctx, row, at)
    row.update(stage=stage, stage_since=since, created_at=at, updated_at=since)
    out.add("initiative", **row)
    _support(rng, out, new_id, submitted, ctx["today"])


def _walk(rng, out: _Rows, ctx: dict, row: dict, at: datetime) -> tuple[str, datetime]:
    """Make the moves of the initiative's path while they fall before now; record each one."""
    stage = "submitted"
    for target in _path(rng):
        low, high = _WAIT[target]
        when = _at(rng, at.date() + timedelta(days=rng.randint(low, high)))
        if when > ctx["now"]:
            break
        note = _stage_data(rng, out, ctx, row, target, when.date())
        out.add("initiative_history", initiative_id=row["id"], from_stage=stage, to_stage=target, at_local=when,
                username=CREATED_BY, note=note)
        stage, at = target, when
    return stage, at


def _stage_data(rng, out: _Rows, ctx: dict, row: dict, target: str, day: date) -> str | None:
    """Fill what the target stage records; return the history note."""
    if target == "fixes_requested":
        row["fixes_deadline"] = day + timedelta(days=14)
        return "Brak podpisów osób popierających; prosimy o uzupełnienie."
    if target == "review":
        _scores(rng, out, row["id"], day)
    if target in ("accepted", "rejected"):
        row["review_opinion"] = _OPINIONS[2 if target == "rejected" else rng.randint(0, 1)]
    if target == "accepted":
        row["accepted_on"] = day
        return _within_budget(ctx, row, day)
    if target == "rejected":
        row["rejection_reason"] = rng.choice(_REJECTIONS)
        return row["rejection_reason"]
    if target == "preparation":
        row.update(responsible_unit=_UNITS.get(row["sphere"], _DEFAULT_UNIT), schedule="Zakupy w miesiąc, prace w dwa",
                   cost_estimate_pln=row["city_part_pln"])
        _document(out, row["id"], "cost_estimate", day)
        if row["sphere"] in ("infrastructure", "revitalisation"):
            _document(out, row["id"], "permit", day + timedelta(days=7))
    if target == "agreement_signed":
        row.update(agreement_number=f"IL/{row['id']}/{day.year}", agreement_date=day)
        _document(out, row["id"], "agreement", day)
    if target == "settled":
        row["settled_on"] = day
        _document(out, row["id"], "settlement_report", day)
    if target == "withdrawn":
        return rng.choice(_WITHDRAWALS)
    return None


def _within_budget(ctx: dict, row: dict, day: date) -> str:
    """The acceptance note; over the year's budget it carries the confirmation the service would demand."""
    used = ctx["committed"].get(day.year, 0) + row["city_part_pln"]
    ctx["committed"][day.year] = used
    note = "Decyzja Prezydenta Miasta: przyjęto do realizacji."
    if used <= ctx["budget"]:
        return note
    return f"{note}\n[ponad budżet {day.year}: {used} > {ctx['budget']} zł] Zwiększono plan wydatków na inicjatywy."


def _scores(rng, out: _Rows, initiative_id: int, day: date) -> None:
    for reviewer in rng.sample(_REVIEWERS, rng.randint(2, 3)):
        for criterion in ("social_work", "need", "strategy", "own_share", "accessibility", "supporters"):
            out.add("initiative_score", initiative_id=initiative_id, reviewer=reviewer, criterion=criterion,
                    points=rng.randint(1, 5), scored_at=_at(rng, day))


def _document(out: _Rows, initiative_id: int, kind: str, day: date) -> None:
    out.add("initiative_document", initiative_id=initiative_id, kind=kind, status="received", received_on=day,
            note=None, updated_at=datetime.combine(day, time(12)), updated_by=CREATED_BY)


def _support(rng, out: _Rows, initiative_id: int, submitted: date, today: date) -> None:
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        held = min(today, submitted + timedelta(days=rng.randint(-30, 90)))
        topic, outcome = rng.choice(_TOPICS)
        out.add("initiative_support", initiative_id=initiative_id, held_on=held, advisor=rng.choice(_ADVISORS),
                topic=topic, outcome=outcome, created_at=datetime.combine(held, time(16)), created_by=CREATED_BY)


def fill(db: Database, seed: int, scale: float) -> None:
    """About 120 × scale initiatives submitted over the last three (scale > 1: five) years, in one transaction."""
    rng = random.Random(seed)
    fake = Faker("pl_PL")
    fake.seed_instance(seed)
    today = clock.today()
    count = max(12, round(120 * scale))
    span = 3 * 365 if scale <= 1 else 5 * 365
    ctx = {"today": today, "now": clock.local_now(), "orgs": [r[0] for r in db.rows("select id from organisation")],
           "budget": app_settings.get_setting(db, "initiative_budget_pln"), "committed": {}}
    # A third submitted in the last four months, so every stage of the pipeline has someone in it.
    days = sorted(today - timedelta(days=rng.randint(0, 120 if rng.random() < 0.3 else span)) for _ in range(count))

    def work(cur):
        cur.execute("select nextval('initiative_id_seq') from range(?)", [count])
        out = _Rows()
        for new_id, submitted in zip([r[0] for r in cur.fetchall()], days):
            _initiative(rng, fake, out, ctx, new_id, submitted)
        counts = {t: out.insert(cur, t) for t in _TABLES}
        audit.record(cur, "system", "demo_fill", "initiative", None, None, counts)

    db.write(work, attempts=1)
