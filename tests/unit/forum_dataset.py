"""A small, fixed February 2026 at the Centre, built through the services as staff would record it.

Used by the Forum and traceability tests; every figure they expect is worked out by hand below.

- Room "Sala szkoleniowa" on the open call's default hours (Mon/Wed/Fri 10–18, Tue/Thu 12–20),
  no holidays in February: 40 h a week, long days (until 20:00) on Tue and Thu.
- Organisations A–F. Room bookings: A Tue 3 Feb 12–14 (held, 8 people), B Wed 4 Feb 10–12 (held,
  5 people), C Thu 5 Feb 18–20 (no-show), A Mon 9 Feb 10–14 (held, 6 people).
- One training "Skąd wziąć pieniądze na działania" (topic T2) on Tue 10 Feb 16–18 in the room; six
  participants: two from D, one from E, one from F, two residents. Five present, one absent; five
  ratings 5, 4, 4, 3, 5.
- Advisory: A on 12 Feb, 90 min, topic T2; B on 16 Feb, 60 min, topic T3.
- One volunteer, 3.5 h on 10 Feb and 2 h on 11 Feb, both approved, at 40 zł an hour.
- One local initiative of a group of residents, submitted on 20 Feb in Śródmieście-Wschód.

"Now" at the end is Monday 2 March 2026, 10:00 in Łódź.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from dashboard.core import clock
from dashboard.services import reservations
from dashboard.services.admin import app_settings
from dashboard.services.education import advisory, enrolment, trainings
from dashboard.services.initiatives import records as initiatives
from dashboard.services.register import organisations
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work
from db.connection import Database

FEBRUARY = (date(2026, 2, 1), date(2026, 2, 28))
END = datetime(2026, 3, 2, 10, 0, tzinfo=clock.WARSAW)

ORGANISATIONS = {
    "A": {"name": "Fundacja Zielona Łódź", "contact_person": "Zofia Zielińska", "email": "biuro@zielona-lodz.pl",
          "phone": "42 638 44 00"},
    "B": {"name": "Stowarzyszenie Sąsiedzi z Bałut", "contact_person": "Henryk Bałucki",
          "email": "sasiedzi@balucki.org.pl", "phone": "602 111 222"},
    "C": {"name": "Klub Seniora Złota Jesień", "contact_person": "Irena Jesienna", "email": "klub@zlotajesien.pl",
          "phone": "603 333 444"},
    "D": {"name": "Fundacja Rozwoju Widzewa", "contact_person": "Wiesław Widzewski", "email": "fundacja@widzew.org",
          "phone": "604 555 666"},
    "E": {"name": "Stowarzyszenie Kultury Teofilowa", "contact_person": "Teofila Kulturalna",
          "email": "kontakt@teofilow.org", "phone": "605 777 888"},
    "F": {"name": "Towarzystwo Przyjaciół Chojen", "contact_person": "Czesław Chojnacki",
          "email": "tpc@chojny.org", "phone": "606 999 000"},
}
PEOPLE = [  # the training's participants: name, e-mail, phone, organisation
    ("Agnieszka Nowakowska", "a.nowakowska@example.org", "501 234 567", "D"),
    ("Bartłomiej Wiśniewski", "b.wisniewski@example.org", "502 345 678", "D"),
    ("Celina Wójcik", "c.wojcik@example.org", "503 456 789", "E"),
    ("Dariusz Kamiński", "d.kaminski@example.org", None, "F"),
    ("Ewelina Lewandowska", "e.lewandowska@example.org", "505 678 901", None),
    ("Feliks Zieliński", "f.zielinski@example.org", "506 789 012", None),
]
VOLUNTEER = {"first_name": "Łucja", "last_name": "Żółkiewska", "email": "lucja.zolkiewska@example.org",
             "phone": "607 890 123"}
LEADER = {"leader_name": "Jan Kowalski", "leader_email": "jan.kowalski@example.org", "leader_phone": "601 234 567"}


@dataclass
class Pilot:
    db: Database
    room: int
    organisations: dict[str, int] = field(default_factory=dict)
    bookings: dict[str, int] = field(default_factory=dict)
    event: int | None = None
    enrolments: list[int] = field(default_factory=list)


def build(db: Database, admin, staff) -> Pilot:
    clock.freeze(datetime(2026, 2, 2, 8, 0, tzinfo=clock.WARSAW))
    pilot = Pilot(db, reservations.create_resource(db, admin, {"kind": "room", "name": "Sala szkoleniowa",
                                                               "capacity": 20}))
    for key, data in ORGANISATIONS.items():
        pilot.organisations[key] = organisations.create(db, staff, {"legal_form": "fundacja", **data})
    for key, org, day, start, end in (("A1", "A", date(2026, 2, 3), 12, 14), ("B", "B", date(2026, 2, 4), 10, 12),
                                      ("C", "C", date(2026, 2, 5), 18, 20), ("A2", "A", date(2026, 2, 9), 10, 14)):
        pilot.bookings[key] = reservations.create_booking(db, staff, {
            "resource_id": pilot.room, "organisation_id": pilot.organisations[org],
            "contact_person": ORGANISATIONS[org]["contact_person"], "purpose": "Zebranie zarządu",
            "statutory_declared": True, "attendees": 10, "day": day, "start": time(start), "end": time(end)})
    pilot.event = trainings.create_event(db, staff, {
        "title": "Skąd wziąć pieniądze na działania", "event_type": "training", "topics": ["T2"],
        "trainer_name": "Łucja Trenerska", "resource_id": pilot.room, "capacity": 15,
        "sessions": [{"day": date(2026, 2, 10), "start": time(16), "end": time(18)}]})
    for name, email, phone, org in PEOPLE:
        pilot.enrolments.append(enrolment.enrol(db, staff, pilot.event, {
            "full_name": name, "email": email, "phone": phone, "consent": True,
            "organisation_id": pilot.organisations[org] if org else None})["id"])

    clock.freeze(datetime(2026, 2, 10, 19, 0, tzinfo=clock.WARSAW))
    for key, people in (("A1", 8), ("B", 5), ("A2", 6)):
        reservations.check_in(db, staff, pilot.bookings[key], people)
    reservations.mark_no_show(db, staff, pilot.bookings["C"])
    session = db.scalar("select id from event_session where event_id = ?", [pilot.event])
    enrolment.record_attendance(db, staff, session, {e: i != 5 for i, e in enumerate(pilot.enrolments)})
    for enrolment_id, rating in zip(pilot.enrolments, (5, 4, 4, 3, 5)):
        enrolment.record_feedback(db, staff, enrolment_id, rating)

    clock.freeze(datetime(2026, 2, 20, 12, 0, tzinfo=clock.WARSAW))
    for org, day, minutes, topic in (("A", date(2026, 2, 12), 90, "T2"), ("B", date(2026, 2, 16), 60, "T3")):
        advisory.add_advisory(db, staff, {"organisation_id": pilot.organisations[org], "advisor": "Ewa Doradczyni",
                                          "topic_code": topic, "held_on": day, "duration_min": minutes,
                                          "form": "in_person", "question": "Jak rozliczyć dotację?"})
    app_settings.set_setting(db, admin, "volunteer_hourly_rate_pln", 40)
    volunteer = vol.register(db, staff, {**VOLUNTEER, "birth_date": date(1990, 5, 1), "skills": ["events"],
                                         "availability": ["sat_morning"], "status": "active", "consent": True,
                                         "consent_on": date(2026, 1, 10)})
    agreement = vol.add_agreement(db, staff, volunteer, {"scope": "Pomoc przy wydarzeniach",
                                                         "starts_on": date(2026, 1, 1), "ends_on": date(2026, 6, 30),
                                                         "form": "written", "signed_on": date(2026, 1, 1)})
    vol.record_insurance(db, staff, agreement, "NNW/2026/7", date(2026, 1, 1))
    vol.activate_agreement(db, staff, agreement)
    opportunity = work.create_opportunity(db, staff, {"title": "Pomoc przy szkoleniu", "skills": ["events"],
                                                      "starts_at": datetime(2026, 2, 1, 9),
                                                      "ends_at": datetime(2026, 2, 28, 17), "needed": 2})
    assignment = work.assign(db, staff, opportunity, volunteer)
    work.confirm(db, staff, assignment)
    hours = [work.log_hours(db, staff, assignment, {"work_date": date(2026, 2, 10), "hours": 3.5}),
             work.log_hours(db, staff, assignment, {"work_date": date(2026, 2, 11), "hours": 2})]
    work.decide_hours_many(db, staff, hours, True)
    initiatives.create(db, staff, {"title": "Ławki na podwórku przy Kilińskiego", "sphere": "nature",
                                   "osiedle_id": 26, "applicant_kind": "group", "supporters": 20, **LEADER})
    clock.freeze(END)
    return pilot


def personal_values(db: Database) -> set[str]:
    """Every name, e-mail and phone in the database, as stored and as a person would write it.

    Organisations: every text column except the legal form (a code shared by many) — names,
    contact people, addresses, notes, e-mails, phones. People: app users' names and e-mails,
    participants, volunteers (and guardians), initiatives' leaders.
    """
    from dashboard.core.validators import format_phone

    columns = [r[0] for r in db.rows(
        "select column_name from information_schema.columns where table_name = 'organisation' "
        "and data_type = 'VARCHAR' and column_name <> 'legal_form'")]
    queries = [f'select "{c}" from organisation' for c in columns] + [
        "select full_name from app_user", "select email from app_user",
        "select full_name from enrolment", "select email from enrolment", "select phone from enrolment",
        "select first_name || ' ' || last_name from volunteer", "select last_name || ' ' || first_name from volunteer",
        "select email from volunteer", "select phone from volunteer", "select guardian_name from volunteer_consent",
        "select leader_name from initiative", "select leader_email from initiative", "select leader_phone from initiative",
        "select contact_person from booking"]
    values = set()
    for sql in queries:
        for (value,) in db.rows(sql):
            if isinstance(value, str) and value.strip():
                values.add(value.strip())
                if value.startswith("+48"):
                    values.update({value[3:], format_phone(value), format_phone(value).replace("+48 ", "")})
    return values


def leaks(text: str, values: set[str]) -> list[str]:
    """The values found in the text (case-insensitive)."""
    folded = text.casefold()
    return sorted(v for v in values if v.casefold() in folded)
