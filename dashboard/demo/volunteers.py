"""Demo volunteer register: people, consents, agreements, opportunities, assignments, hours and documents.

The data keeps the register's own rules, so every page and report shows what a real year looks like:
an agreement longer than 30 days is written and signed; a shorter one has NNW insurance or an admin's
waiver; a minor has a guardian's written consent before the agreement starts; work with children only
for people with an OK register check; a person's assignments never overlap; hours fall inside the
agreement, never in the future, and at most one entry per day. Some consents are withdrawn, a few people
are anonymised (their hours stay), and a few long-inactive records wait in the retention review.

``scale`` 1 is about 400 volunteers and 8,000 hour entries; 25 is about 10,000 and 200,000, written
with bulk inserts (pre-allocated ids, one frame per table) in one transaction.
"""

from __future__ import annotations

import bisect
import random
from datetime import date, datetime, time, timedelta

import pandas as pd
from faker import Faker

from dashboard.core import clock
from dashboard.demo.people import MOBILE_PREFIXES, PLAIN_LETTERS
from dashboard.services.admin import audit
from dashboard.services.volunteers.register import SLOTS, engagement_days
from db.connection import Database

CREATED_BY = "recepcja"
ERASED = "[usunięto]"  # what anonymisation writes (volunteer_gdpr.ERASED)
FOUND_VIA = {"friends": 24, "social_media": 22, "website": 14, "school": 12, "event": 12, "ngo": 8, "poster": 4,
             "other": 4}
_SKILLS = {"events": 16, "children": 10, "seniors": 8, "it": 7, "graphics": 4, "photo": 6, "social_media": 6,
           "translation": 4, "tutoring": 8, "first_aid": 5, "driving": 5, "manual": 6, "gardening": 6,
           "fundraising": 4, "accounting": 2, "law": 2}
_TAGS = ["ekologia", "kultura", "sport", "historia Łodzi", "zwierzęta", "literatura", "muzyka", "gry planszowe",
         "rower", "teatr", "film", "kuchnia", "fotografia analogowa", "street art", "rękodzieło"]
_LANGUAGES = [("en", 0.55), ("de", 0.1), ("uk", 0.08), ("ru", 0.06), ("fr", 0.05), ("es", 0.05), ("it", 0.02)]
_NOTES = ["Woli zadania w weekendy.", "Chętnie poprowadzi warsztaty.", "Student(ka) Uniwersytetu Łódzkiego.",
          "Może pomagać przy tłumaczeniach na ukraiński.", "Zainteresowanie długoterminowym wolontariatem."]
_WAIVERS = ["Uczestnicy objęci polisą zbiorczą NNW Urzędu Miasta Łodzi.",
            "Ubezpieczenie NNW zapewnia organizacja przyjmująca (polisa grupowa)."]
_SCOPES = {"centre": "Pomoc przy działaniach Centrum Obywatelskiego", "organisation": "Wsparcie działań organizacji",
           "initiative": "Pomoc przy realizacji inicjatywy lokalnej"}
# (title, skills, one day or a period, with children, place); {org} is the host organisation's name.
_CENTRE = [
    ("Dyżur w punkcie informacyjnym Centrum", ["events"], "period", False, "Centrum Obywatelskie, recepcja"),
    ("Pomoc przy Targach Organizacji Pozarządowych", ["events", "photo"], "day", False, "Centrum Obywatelskie, sala A"),
    ("Festyn sąsiedzki na Księżym Młynie", ["events", "children"], "day", True, "Park Źródliska"),
    ("Asysta na warsztatach cyfrowych dla seniorów", ["it", "seniors"], "period", False, "Centrum Obywatelskie, sala B"),
    ("Korepetycje w świetlicy Centrum", ["tutoring", "children"], "period", True, "Centrum Obywatelskie, świetlica"),
    ("Fotorelacja z wydarzeń Centrum", ["photo", "social_media"], "day", False, "Centrum Obywatelskie"),
    ("Profil Centrum w mediach społecznościowych", ["social_media", "graphics"], "period", False, "praca zdalna"),
    ("Tłumaczenie materiałów dla cudzoziemców", ["translation"], "period", False, "praca zdalna"),
    ("Noc Muzeów — obsługa gości", ["events"], "day", False, "Centrum Obywatelskie"),
    ("Pierwsza pomoc na Dniu Dziecka", ["first_aid", "children"], "day", True, "Centrum Obywatelskie, dziedziniec"),
]
_ORGANISATION = [
    ("{org}: zbiórka żywności w sklepach", ["fundraising", "events"], "day", False, "sklepy na osiedlu"),
    ("{org}: odwiedziny u samotnych seniorów", ["seniors"], "period", False, "domy podopiecznych"),
    ("{org}: zajęcia w świetlicy środowiskowej", ["children", "tutoring"], "period", True, "świetlica organizacji"),
    ("{org}: przewóz darów", ["driving", "manual"], "day", False, "magazyn organizacji"),
    ("{org}: sprzątanie lasu Łagiewnickiego", ["gardening", "manual"], "day", False, "Las Łagiewnicki"),
    ("{org}: pomoc w księgowości stowarzyszenia", ["accounting"], "period", False, "biuro organizacji"),
    ("{org}: porady prawne dla mieszkańców", ["law"], "period", False, "biuro organizacji"),
    ("{org}: koncert charytatywny", ["events", "fundraising"], "day", False, "Teatr Nowy"),
]
_INITIATIVE = [("{title} — pomoc wolontariuszy", ["manual", "events"]), ("{title} — promocja i zdjęcia",
                                                                         ["photo", "social_media"])]
_DAY_WORK = ["Obsługa stoiska", "Pomoc przy rozstawieniu i sprzątaniu", "Zdjęcia i relacja", "Informacja dla gości"]
_PERIOD_WORK = ["Dyżur", "Zajęcia z grupą", "Przygotowanie materiałów", "Odwiedziny", "Porady", None, None]
_WINDOWS = [(9, 13), (10, 14), (15, 19), (16, 20), (12, 16)]
_LIST_COLUMNS = {"skills", "tags", "languages", "availability", "slots"}
_TABLES = ("volunteer", "volunteer_consent", "volunteer_agreement", "volunteer_opportunity", "volunteer_assignment",
           "volunteer_hours", "volunteer_document")


class _Rows:
    """Rows per table, inserted as one frame each; list columns travel as '|'-joined text."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {t: [] for t in _TABLES}

    def add(self, table: str, **row) -> None:
        self.tables[table].append(row)

    def insert(self, cur, table: str) -> int:
        rows = self.tables[table]
        if rows:
            frame = pd.DataFrame(rows)
            for column in _LIST_COLUMNS & set(frame.columns):
                frame[column] = frame[column].map("|".join)
            cur.register("demo_rows", frame)
            columns = list(frame.columns)  # names from this module's own code, never from input
            values = [f"case when {c} = '' then []::varchar[] else string_split({c}, '|') end"
                      if c in _LIST_COLUMNS else c for c in columns]
            cur.execute("insert into " + table + " (" + ", ".join(columns) + ") select " + ", ".join(values) +
                        " from demo_rows")
            cur.unregister("demo_rows")
        return len(rows)


def _at(rng: random.Random, day: date) -> datetime:
    """A time in office hours on a day, as the naive UTC the created_at columns hold."""
    return datetime.combine(day, time(rng.randint(7, 14), rng.choice((0, 15, 30, 45))))


def _weighted(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    chosen: list[str] = []
    while len(chosen) < count:
        code = rng.choices(list(weights), list(weights.values()))[0]
        if code not in chosen:
            chosen.append(code)
    return sorted(chosen)


# -- opportunities ------------------------------------------------------------------------------------------------
def _opportunities(rng, out: _Rows, ctx: dict, ids: list[int]) -> list[dict]:
    """Needs from the Centre, organisations and local initiatives over the last year and the next weeks."""
    today, made = ctx["today"], []
    initiatives = ctx["initiatives"]
    for new_id in ids:
        roll = rng.random()
        # The Centre's own needs are few (its hours are the pilot's planned ~400 h of personal contribution);
        # most requests come from organisations and initiatives.
        host = "centre" if roll < 0.06 or not ctx["orgs"] else "organisation" if roll < 0.7 or not initiatives else "initiative"
        organisation_id = initiative_id = None
        if host == "centre":
            title, skills, kind, children, place = rng.choice(_CENTRE)
        elif host == "organisation":
            organisation_id, org_name = rng.choice(ctx["orgs"])
            title, skills, kind, children, place = rng.choice(_ORGANISATION)
            title = title.format(org=org_name)
        else:
            initiative_id, initiative_title, osiedle, planned_start = rng.choice(initiatives)
            pattern, skills = rng.choice(_INITIATIVE)
            title, kind, children, place = pattern.format(title=initiative_title), rng.choice(("day", "period")), False, osiedle
        first = today + timedelta(days=rng.randint(-380, 45))
        if host == "initiative" and planned_start and abs((planned_start - today).days) < 380:
            first = planned_start + timedelta(days=rng.randint(0, 20))
        low, high = rng.choice(_WINDOWS) if kind == "period" else (rng.randint(8, 15), 0)
        high = high or low + rng.randint(3, 6)
        last = first + timedelta(days=rng.randint(30, 180)) if kind == "period" else first
        starts_at, ends_at = datetime.combine(first, time(low)), datetime.combine(last, time(high))
        status = "cancelled" if rng.random() < 0.04 else "closed" if ends_at < ctx["now"] else "open"
        row = {"id": new_id, "title": title, "description": f"{title}. Szukamy osób chętnych do pomocy.",
               "host_kind": host, "organisation_id": organisation_id, "initiative_id": initiative_id,
               "starts_at": starts_at, "ends_at": ends_at, "place": place, "skills": sorted(skills),
               "slots": _slots(starts_at, ends_at), "needed": rng.randint(3, 9) if kind == "period" else rng.randint(4, 12),
               "with_children": children, "status": status,
               "created_at": _at(rng, first - timedelta(days=rng.randint(14, 40))), "created_by": CREATED_BY}
        row["updated_at"] = row["created_at"]
        made.append({**row, "kind": kind, "taken": 0, "window": (low, high)})
    made.sort(key=lambda o: (o["starts_at"], o["id"]))
    return made


def _slots(starts_at: datetime, ends_at: datetime) -> list[str]:
    """Weekday × part of day, as ``volunteer_work.slots_of`` works them out for a new opportunity."""
    days = min(7, (ends_at.date() - starts_at.date()).days + 1)
    weekdays = [(starts_at.weekday() + i) % 7 for i in range(days)]
    parts = [p for p, (a, b) in {"morning": (6, 12), "afternoon": (12, 17), "evening": (17, 23)}.items()
             if starts_at.hour < b and ends_at.hour > a]
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return sorted(f"{names[d]}_{p}" for d in weekdays for p in parts)


# -- people ------------------------------------------------------------------------------------------------------------
def _birth(rng, today: date, minor: bool) -> tuple[date | None, int | None]:
    """Minors 13–17 with a full date; adults mostly young, a third with the year only (always clearly adult)."""
    if minor:
        born = today - timedelta(days=rng.randint(13 * 365 + 5, 18 * 365 - 40))
        return born, born.year
    age = rng.choices([(18, 26), (27, 45), (46, 64), (65, 80)], [35, 30, 20, 15])[0]
    born = today - timedelta(days=rng.randint(max(age[0], 19) * 365, age[1] * 365 + 300))
    return (born, born.year) if rng.random() < 0.67 else (None, born.year)


def _contacts(rng, first: str, last: str, index: int) -> tuple[str | None, str | None]:
    email = f"{first.lower()}.{last.lower()}{index}@example.org".translate(PLAIN_LETTERS).replace(" ", "")
    phone = f"+48{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 999999):06d}"
    roll = rng.random()
    return (email, None) if roll < 0.06 else (None, phone) if roll < 0.1 else (email, phone)


def _person(rng, fake, ctx: dict, new_id: int, index: int) -> dict:
    today = ctx["today"]
    female = rng.random() < 0.6
    first = fake.first_name_female() if female else fake.first_name_male()
    last = fake.last_name_female() if female else fake.last_name_male()
    email, phone = _contacts(rng, first, last, index)
    archived = rng.random() < 0.025
    registered = (today - timedelta(days=rng.randint(7 * 365, 10 * 365)) if archived else
                  today - timedelta(days=int(rng.random() ** 1.3 * 3 * 365)))
    minor = not archived and rng.random() < 0.09
    birth_date, birth_year = _birth(rng, registered, minor)
    skills = _weighted(rng, _SKILLS, rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
    return {
        "id": new_id, "first_name": first, "last_name": last, "email": email, "phone": phone,
        "birth_year": birth_year, "birth_date": birth_date, "skills": skills,
        "tags": sorted(rng.sample(_TAGS, rng.choice((0, 0, 1, 1, 2, 3)))),
        "languages": ["pl"] + [code for code, share in _LANGUAGES if rng.random() < share],
        "availability": sorted(rng.sample(SLOTS, rng.randint(2, 9))),
        "osiedle_id": rng.randint(1, 36) if rng.random() < 0.9 else None,
        "found_via": rng.choices(list(FOUND_VIA), list(FOUND_VIA.values()))[0],
        "notes": rng.choice(_NOTES) if rng.random() < 0.08 else None,
        "bhp_briefing_on": None, "child_check_on": None, "child_check_ok": None, "anonymised_at": None,
        "created_at": _at(rng, registered), "created_by": CREATED_BY,
        "_registered": registered, "_archived": archived, "_minor": minor,
    }


def _plan(rng, person: dict, today: date) -> dict:
    """What the person's year looks like: status, and the agreement (if any) with its form and insurance."""
    registered = person["_registered"]
    if person["_archived"]:
        since = today - timedelta(days=rng.randint(int(6.3 * 365), (today - registered).days - 30))
        return {"status": "inactive", "since": since, "agreement": None}
    guardian = not person["_minor"] or rng.random() < 0.75
    person["_guardian"] = person["_minor"] and guardian
    roll = rng.random()
    if (today - registered).days < 30 or roll < 0.1 or not guardian:
        draft = None
        if rng.random() < 0.3:  # a draft waiting for what the law asks (written form, insurance or guardian)
            start = today + timedelta(days=rng.randint(3, 30))
            draft = {"starts_on": start, "ends_on": start + timedelta(days=rng.choice((14, 60, 90))),
                     "form": "oral", "status": "draft"}
        return {"status": "candidate", "since": registered, "agreement": draft}
    if roll < 0.75:
        if rng.random() < 0.8:
            start = max(registered, today - timedelta(days=rng.randint(20, 365)))
            end = max(start + timedelta(days=rng.randint(90, 365)), today + timedelta(days=rng.randint(10, 120)))
        else:
            start = max(registered, today - timedelta(days=rng.randint(0, 15)))
            end = start + timedelta(days=rng.randint(max(6, (today - start).days + 1), 29))
        return {"status": "active", "since": start, "agreement": _agreement(rng, start, end, "active")}
    end = today - timedelta(days=rng.randint(2, 300))
    start = max(registered, end - timedelta(days=rng.choice((20, 60, 120, 180, 240))))
    if end < start:
        return {"status": "candidate", "since": registered, "agreement": None}
    agreement = _agreement(rng, start, end, "ended")
    agreement["terminated_on"] = end  # its end recorded, as the service does when an agreement ends
    if rng.random() < 0.12 and engagement_days(start, end) > 20:
        agreement["terminated_on"] = start + timedelta(days=rng.randint(10, (end - start).days - 1))
    return {"status": "inactive", "since": agreement["terminated_on"], "agreement": agreement}


def _agreement(rng, start: date, end: date, status: str) -> dict:
    """Written and signed above 30 days (art. 44 ust. 4); NNW or an admin's waiver up to 30 (art. 46)."""
    long = engagement_days(start, end) > 30
    written = long or rng.random() < 0.4
    agreement = {"starts_on": start, "ends_on": end, "form": "written" if written else "oral",
                 "signed_on": start - timedelta(days=rng.randint(0, 7)) if written else None, "status": status}
    if not long:
        if rng.random() < 0.88:
            agreement.update(nnw_policy=f"NNW/{start.year}/{rng.randint(100, 9999)}",
                             nnw_on=start - timedelta(days=rng.randint(0, 5)))
        else:
            agreement.update(waiver_reason=rng.choice(_WAIVERS), waiver_by="admin",
                             waiver_on=start - timedelta(days=rng.randint(0, 3)))
    return agreement


def _consents(rng, out: _Rows, person: dict, plan: dict, today: date) -> date | None:
    """Processing (always), photos and newsletter (optional, some withdrawn), a minor's guardian; returns the
    day processing was withdrawn, if it was."""
    registered, vid = person["_registered"], person["id"]
    given = [("processing", "rejestr wolontariuszy Centrum Obywatelskiego", None)]
    if rng.random() < 0.45:
        given.append(("photos", "zdjęcia z wydarzeń na stronie i w mediach społecznościowych Centrum", None))
    if rng.random() < 0.55:
        given.append(("newsletter", "informacje o ofertach wolontariatu", None))
    if person.get("_guardian"):
        given.append(("guardian", "udział w wolontariacie osoby niepełnoletniej", _guardian_name(rng, person)))
    stopped = None
    last_activity = plan["since"] if plan["status"] == "inactive" else None
    if last_activity and not person["_archived"] and rng.random() < 0.1 and last_activity < today:
        stopped = last_activity + timedelta(days=rng.randint(0, min(60, (today - last_activity).days)))
    # A guardian may withdraw once no engagement depends on it: before any agreement, or after it ended.
    free_from = registered if plan["status"] == "candidate" else plan["since"] if plan["status"] == "inactive" else None
    for kind, scope, guardian in given:
        withdrawn = stopped
        if withdrawn is None and kind in ("photos", "newsletter") and rng.random() < 0.1 and registered < today:
            withdrawn = registered + timedelta(days=rng.randint(1, (today - registered).days))
        if withdrawn is None and kind == "guardian" and free_from and free_from < today and rng.random() < 0.4:
            withdrawn = free_from + timedelta(days=rng.randint(1, (today - free_from).days))
        out.add("volunteer_consent", volunteer_id=vid, kind=kind, given_on=registered, scope=scope,
                guardian_name=guardian, withdrawn_on=withdrawn, created_at=person["created_at"], created_by=CREATED_BY)
    return stopped


def _guardian_name(rng, person: dict) -> str:
    first = rng.choice(["Anna", "Katarzyna", "Magdalena", "Agnieszka", "Tomasz", "Piotr", "Marcin", "Paweł"])
    return f"{first} {person['last_name']}"


# -- assignments and hours ----------------------------------------------------------------------------------------------
def _assign(rng, out: _Rows, ctx: dict, person: dict, agreement: dict, agreement_id: int) -> None:
    """Up to a few non-overlapping opportunities inside the agreement, preferring the person's skills."""
    opps, starts, now, today = ctx["opportunities"], ctx["starts"], ctx["now"], ctx["today"]
    last_day = agreement.get("terminated_on") or agreement["ends_on"]
    lo = bisect.bisect_left(starts, datetime.combine(agreement["starts_on"], time()))
    hi = bisect.bisect_right(starts, datetime.combine(last_day, time(23, 59)))
    if hi <= lo:
        return
    picks = {lo + rng.randrange(hi - lo) for _ in range(min(60, hi - lo))}
    mine = set(person["skills"])
    regular = rng.random() < 0.75  # most come regularly: a period of work first, one-day events around it
    candidates = sorted((opps[picked] for picked in sorted(picks)),
                        key=lambda o: (regular and o["kind"] != "period", -len(mine & set(o["skills"])), o["id"]))
    checked = person["child_check_ok"] is True
    taken: list[tuple[datetime, datetime]] = []
    wanted = rng.choice((2, 3, 3, 4, 4, 5, 6))
    made = 0
    for opp in candidates:
        if made >= wanted:
            break
        room = opp["needed"] if opp["starts_at"] < now else opp["needed"] // 2  # future ones still recruiting
        if (opp["status"] == "cancelled" or opp["ends_at"].date() > last_day or opp["taken"] >= room
                or (opp["with_children"] and not checked)
                or any(opp["starts_at"] < end and opp["ends_at"] > start for start, end in taken)):
            continue
        declined = opp["ends_at"] < now and rng.random() < 0.07
        status = ("declined" if declined else "confirmed" if opp["starts_at"] < now or rng.random() < 0.6
                  else "proposed")
        created = min(now, opp["starts_at"] - timedelta(days=rng.randint(2, 14)))
        assignment_id = ctx["assignment_ids"].pop()
        made += 1
        out.add("volunteer_assignment", id=assignment_id, opportunity_id=opp["id"], volunteer_id=person["id"],
                agreement_id=agreement_id, starts_at=opp["starts_at"], ends_at=opp["ends_at"], status=status,
                created_at=created, created_by=CREATED_BY, updated_at=created)
        if declined:
            continue
        opp["taken"] += 1
        taken.append((opp["starts_at"], opp["ends_at"]))
        if status == "confirmed" and opp["starts_at"].date() <= today:
            _hours(rng, out, ctx, person, opp, assignment_id,
                   min(opp["ends_at"].date(), last_day, today - timedelta(days=1)))


def _hours(rng, out: _Rows, ctx: dict, person: dict, opp: dict, assignment_id: int, last: date) -> None:
    """One entry per worked day: the event's day, or one to three fixed weekdays of a period."""
    low, high = opp["window"]
    first = opp["starts_at"].date()
    if opp["kind"] == "day":
        days = [first] if first <= last else []
    else:
        weekdays = set(rng.sample(range(7), rng.choice((1, 2, 2, 3, 3, 4, 4))))
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)
                if (first + timedelta(days=i)).weekday() in weekdays and rng.random() < 0.95]
    texts = _DAY_WORK if opp["kind"] == "day" else _PERIOD_WORK
    for day in days:
        hours = float(high - low) if opp["kind"] == "day" else rng.choice((2.0, 2.5, 3.0, 3.0, 4.0))
        age = (ctx["today"] - day).days
        status = ("pending" if age < 21 and rng.random() < 0.7 else "rejected" if rng.random() < 0.02 else "approved")
        created = min(ctx["now_utc"], _at(rng, day + timedelta(days=rng.randint(0, 3))))
        decided = None if status == "pending" else min(ctx["now_utc"], created + timedelta(days=rng.randint(1, 10)))
        out.add("volunteer_hours", assignment_id=assignment_id, volunteer_id=person["id"], work_date=day,
                hours=min(hours, float(high - low)), description=rng.choice(texts), status=status,
                decided_by=None if decided is None else CREATED_BY, decided_at=decided, created_at=created,
                created_by=CREATED_BY)
        if status == "approved":
            person["_approved_last"] = max(day, person.get("_approved_last") or day)


def _documents(rng, out: _Rows, person: dict, today: date) -> None:
    """Certificates (and a few references) asked for after some approved work; most already issued."""
    last = person.get("_approved_last")
    if last is None:
        return
    for kind, share, issued_share in (("certificate", 0.12, 0.75), ("reference", 0.04, 0.5)):
        if rng.random() < share:
            requested = last + timedelta(days=rng.randint(0, max(0, min(60, (today - last).days))))
            issued = requested + timedelta(days=rng.randint(0, 14))
            out.add("volunteer_document", volunteer_id=person["id"], kind=kind, requested_on=requested,
                    issued_on=issued if issued <= today and rng.random() < issued_share else None,
                    created_at=_at(rng, requested), created_by=CREATED_BY)


def _safety(rng, person: dict, agreement: dict | None, today: date) -> None:
    """BHP briefing before the work starts; the children-work register check for those who work with kids."""
    if not agreement or agreement["status"] == "draft":
        return
    start = agreement["starts_on"]
    if rng.random() < 0.9:
        person["bhp_briefing_on"] = min(today, start - timedelta(days=rng.randint(0, 7)))
    if {"children", "tutoring"} & set(person["skills"]) and rng.random() < 0.85:
        person["child_check_on"] = min(today, start - timedelta(days=rng.randint(3, 30)))
        person["child_check_ok"] = rng.random() < 0.97


def _anonymise(person: dict, stopped: date, out: _Rows) -> None:
    """What ``volunteer_gdpr.anonymise`` leaves: no name, contact, birth data or free text; hours stay."""
    person.update(first_name=ERASED, last_name=ERASED, email=None, phone=None, birth_year=None, birth_date=None,
                  tags=[], found_via=None, notes=None, status="inactive",
                  anonymised_at=datetime.combine(stopped, time(12)))
    for row in out.tables["volunteer_consent"][-4:]:
        if row["volunteer_id"] == person["id"]:
            row.update(scope=None, guardian_name=ERASED if row["guardian_name"] else None)
    for row in out.tables["volunteer_hours"][person["_hours_from"]:]:
        row["description"] = None


def fill(db: Database, seed: int, scale: float) -> None:
    """About 400 × scale volunteers and 110 × scale opportunities, with a year of hours, in one transaction."""
    rng = random.Random(seed)
    fake = Faker("pl_PL")
    fake.seed_instance(seed)
    today, now = clock.today(), clock.local_now()
    people_count, opportunity_count = max(40, round(400 * scale)), max(12, round(190 * scale))
    ctx = {"today": today, "now": now, "now_utc": clock.utc_now(),
           "orgs": [(r[0], r[1]) for r in db.rows("select id, name from organisation order by id")],
           "initiatives": [tuple(r) for r in db.rows(
               "select i.id, i.title, o.name, i.planned_start from initiative i join osiedle o on o.id = i.osiedle_id "
               "where i.stage in ('accepted', 'preparation', 'agreement_signed', 'in_progress', 'settled') "
               "order by i.id")]}

    def work(cur):
        def ids(sequence: str, count: int) -> list[int]:
            cur.execute("select nextval('" + sequence + "') from range(?)", [count])  # fixed names below
            return [r[0] for r in cur.fetchall()]

        out = _Rows()
        ctx["opportunities"] = _opportunities(rng, out, ctx, ids("volunteer_opportunity_id_seq", opportunity_count))
        ctx["starts"] = [o["starts_at"] for o in ctx["opportunities"]]
        people = [_person(rng, fake, ctx, new_id, i) for i, new_id in enumerate(ids("volunteer_id_seq", people_count))]
        plans = [_plan(rng, p, today) for p in people]
        agreement_ids = ids("volunteer_agreement_id_seq", sum(1 for p in plans if p["agreement"]))
        ctx["assignment_ids"] = ids("volunteer_assignment_id_seq", 8 * len(agreement_ids))[::-1]
        for person, plan in zip(people, plans):
            stopped = _consents(rng, out, person, plan, today)
            agreement = plan["agreement"]
            _safety(rng, person, agreement, today)
            person["_hours_from"] = len(out.tables["volunteer_hours"])
            if agreement:
                agreement_id = agreement_ids.pop()
                created = _at(rng, min(today, agreement.get("signed_on") or agreement["starts_on"]))
                out.add("volunteer_agreement", **{
                    "id": agreement_id, "volunteer_id": person["id"], "scope": _SCOPES[rng.choice(list(_SCOPES))],
                    **dict.fromkeys(("signed_on", "terminated_on", "nnw_policy", "nnw_on", "waiver_reason", "waiver_by",
                                     "waiver_on")),
                    **agreement, "created_at": created, "created_by": CREATED_BY, "updated_at": created})
                if agreement["status"] != "draft":
                    _assign(rng, out, ctx, person, agreement, agreement_id)
            _documents(rng, out, person, today)
            if stopped and (rng.random() < 0.5 or not ctx.get("anonymised")):  # at least one, at any scale
                _anonymise(person, stopped, out)
                ctx["anonymised"] = True
            person.update(status=plan["status"], status_since=plan["since"], updated_at=person["created_at"])
            out.add("volunteer", **{k: v for k, v in person.items() if not k.startswith("_")})
        for opp in ctx["opportunities"]:
            if opp["status"] == "open" and opp["taken"] >= opp["needed"]:
                opp["status"] = "filled"
            out.add("volunteer_opportunity", **{k: v for k, v in opp.items() if k not in ("kind", "taken", "window")})
        counts = {t: out.insert(cur, t) for t in _TABLES}
        audit.record(cur, "system", "demo_fill", "volunteer", None, None, counts)

    db.write(work, attempts=1)
