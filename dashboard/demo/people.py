"""Demo users and a register of Łódź organisations with valid NIP, REGON and KRS."""

from __future__ import annotations

import functools
import random
from datetime import timedelta

from faker import Faker

from dashboard.core import clock, validators
from dashboard.services.admin import audit
from dashboard.services.admin.users import hash_password
from db.connection import Database

# Demo logins, printed by `make run` and listed in the README. Only created in demo mode.
DEMO_LOGINS = (
    ("admin", "Administrator Centrum", "admin", "demo-admin-2026"),
    ("recepcja", "Joanna Recepcja", "staff", "demo-recepcja-2026"),
    ("koordynator", "Koordynator UMŁ", "coordinator", "demo-koordynator-2026"),
)


@functools.cache
def _login_hash(password: str) -> str:
    """A demo login's bcrypt hash, made once per process. bcrypt is slow on purpose (0.22 CPU-s a hash at
    cost 12), and a process may fill many demo databases (a test worker, the benchmark: one per
    dataset), each one hashing the same three published passwords again. A hash shared by those databases
    checks the same at login; the passwords are in the README anyway."""
    return hash_password(password)


_PATTERNS = {
    "stowarzyszenie": ["Stowarzyszenie {what} {where}", "Stowarzyszenie „{brand}”", "Towarzystwo {what} {where}"],
    "fundacja": ["Fundacja {what}", "Fundacja „{brand}”", "Fundacja {what} {where}"],
    "stowarzyszenie_zwykle": ["Stowarzyszenie Zwykłe „{brand}”", "Klub {what} {where}"],
    "grupa_nieformalna": ["Grupa sąsiedzka {where}", "Inicjatywa „{brand}”"],
    "spoldzielnia_socjalna": ["Spółdzielnia Socjalna „{brand}”"],
    "inna": ["Uczniowski Klub Sportowy „{brand}”", "Koło Gospodyń Miejskich „{brand}”"],
}
_WHAT = ["Przyjaciół", "Rozwoju", "Miłośników", "Aktywnych Mieszkańców", "Pomocy Sąsiedzkiej", "Seniorów",
         "Edukacji Obywatelskiej", "Kultury i Sztuki", "Ekologów", "Rodzin", "Wspierania Osób z Niepełnosprawnościami",
         "Historii", "Młodzieży", "Sportu Amatorskiego", "Zieleni Miejskiej"]
_BRANDS = ["Zielona Łódź", "Manufaktura Dobra", "Włókniarka", "Księży Młyn", "Piotrkowska 2.0", "Nowe Bałuty",
           "Sąsiedzi", "Tęcza", "Dobry Start", "Otwarte Drzwi", "Fabryka Marzeń", "Kamienica", "Łódzkie Podwórka",
           "Rowerowa Łódź", "Teatr w Podwórku", "Czytelnia", "Ogród Społeczny", "Senior+", "Mali Odkrywcy", "Most"]
_WHERE = ["Bałut", "Widzewa", "Polesia", "Górnej", "Śródmieścia", "Retkini", "Teofilowa", "Chojen", "Zarzewa",
          "Starego Polesia", "Radogoszczy", "Księżego Młyna", "Julianowa", "Karolewa", "Łodzi"]
MOBILE_PREFIXES = ["501", "502", "505", "510", "512", "530", "535", "570", "601", "602", "605", "660", "664",
                    "691", "692", "695", "721", "730", "781", "790", "792", "885", "887"]
_LODZ_STREETS = ["Piotrkowska", "Tuwima", "Narutowicza", "Kościuszki", "Zachodnia", "Legionów", "Zgierska",
                 "Pomorska", "Rewolucji 1905 r.", "Kilińskiego", "Wólczańska", "Gdańska", "Więckowskiego",
                 "Sienkiewicza", "Żeromskiego", "Lutomierska", "Limanowskiego", "Rzgowska", "Paderewskiego"]


def _name(rng: random.Random, form: str, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(_PATTERNS[form]).format(
            what=rng.choice(_WHAT), brand=rng.choice(_BRANDS), where=rng.choice(_WHERE))
        if name not in used:
            used.add(name)
            return name
    name = f"{name} {len(used)}"
    used.add(name)
    return name


def fill(db: Database, seed: int, scale: float) -> None:
    rng = random.Random(seed)
    fake = Faker("pl_PL")
    fake.seed_instance(seed)
    now = clock.utc_now()
    users = [(u, n, f"{u}@centrum.lodz.pl", r, _login_hash(p), now) for u, n, r, p in DEMO_LOGINS]
    count = max(20, round(80 * scale))  # scale 25 gives the benchmark's 2,000
    forms = list(_PATTERNS)
    weights = [40, 30, 10, 8, 4, 8]
    used: set[str] = set()
    rows = []
    today = clock.today()
    for _ in range(count):
        form = rng.choices(forms, weights)[0]
        registered = form not in ("grupa_nieformalna", "stowarzyszenie_zwykle")
        phone = rng.choice([f"42 {rng.randint(200, 699)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                            f"{rng.choice(MOBILE_PREFIXES)} {rng.randint(100, 999)} {rng.randint(100, 999)}"])
        contact = f"{fake.first_name()} {fake.last_name()}"
        rows.append((
            _name(rng, form, used), form,
            str(rng.randint(100000, 999999)).zfill(10) if registered else None,
            fake.nip() if registered else None,
            fake.regon() if registered else None,
            f"ul. {rng.choice(_LODZ_STREETS)} {rng.randint(1, 180)}" + (f"/{rng.randint(1, 40)}" if rng.random() < .5 else ""),
            f"9{rng.randint(0, 4)}-{rng.randint(0, 999):03d}", "Łódź", rng.randint(1, 36), contact,
            f"{contact.split()[0].lower()}.{contact.split()[1].lower()}@{rng.choice(['gmail.com', 'o2.pl', 'wp.pl', 'ngo.pl'])}",
            validators.phone(phone),
            today - timedelta(days=rng.randint(0, 700)) if rng.random() < .8 else None,
            None, now, now,
        ))
    rows = [_ascii_email(r) for r in rows]

    def work(cur):
        cur.executemany(
            "insert into app_user (username, full_name, email, role, password_hash, created_at) values (?, ?, ?, ?, ?, ?)",
            users)
        cur.executemany(
            "insert into organisation (name, legal_form, krs, nip, regon, street, postal_code, city, osiedle_id, "
            "contact_person, email, phone, first_served_on, notes, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        audit.record(cur, "system", "demo_fill", "organisation", None, None, {"organisations": len(rows)})

    db.write(work, attempts=1)


PLAIN_LETTERS = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def _ascii_email(row: tuple) -> tuple:
    row = list(row)
    row[10] = row[10].translate(PLAIN_LETTERS)
    return tuple(row)

