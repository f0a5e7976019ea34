"""Fixtures shared by the unit tests: quick bcrypt, sample organisations and accounts, the
reservation tests' ``centre`` and the event tests' ``place``. Plain helpers (dates, form data,
readers) are in ``builders.py``; a test file never imports from another test file.

bcrypt at the production cost (12) takes a quarter of a second per hash; the unit suite
creates dozens of accounts, so here passwords are hashed at the minimum cost (4). The hash
format is the same, so ``bcrypt.checkpw`` behaves exactly as at login; one test in
``test_users.py`` checks the real cost separately.
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime
from pathlib import Path

import bcrypt
import pytest

from dashboard.core import clock
from dashboard.services import reservations as res
from dashboard.services.admin import users
from dashboard.services.register import organisations
from db.connection import close_database, get_database
from tests.conftest import ADMIN, STAFF, filled_demo
from tests.unit import forum_dataset
from tests.unit.builders import NOW, Centre, Place

# A sample NGO as staff would type it on the form (NIP with "PL" and dashes, a 6-digit KRS,
# a postal code without its dash): every test knows it by heart.
ZIELONA_LODZ = {
    "name": "Fundacja Zielona Łódź",
    "legal_form": "fundacja",
    "krs": "428743",
    "nip": "PL 856-734-62-15",
    "regon": "192598184",
    "street": "ul. Piotrkowska 113",
    "postal_code": "90001",
    "city": "",
    "osiedle_id": 25,  # Katedralna
    "contact_person": "Zofia Zielińska",
    "email": "Biuro@Zielona-Lodz.pl",
    "phone": "42 638 44 00",
    "notes": "",
}

def fast_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(4)).decode("ascii")


@pytest.fixture(autouse=True)
def _fast_bcrypt(monkeypatch):
    monkeypatch.setattr(users, "hash_password", fast_hash)


@pytest.fixture
def zielona() -> dict:
    """A fresh copy of the sample organisation's form data (as a user would type it)."""
    return dict(ZIELONA_LODZ)


@pytest.fixture
def plain_organisation():
    """Form data of a minimal organisation: just a name and a legal form."""

    def build(name: str, legal_form: str = "stowarzyszenie", **extra) -> dict:
        return {"name": name, "legal_form": legal_form, **extra}

    return build


@pytest.fixture
def make_user(db, admin):
    """Create an account through the service, as an admin would on the Users page."""

    def build(username: str, role: str = "staff", password: str = "Księży-Młyn-1905",
              full_name: str | None = None, email: str | None = None) -> str:
        return users.add_user(db, admin, username=username, full_name=full_name or username.title(),
                              role=role, password=password, email=email)

    return build


@pytest.fixture
def centre(db, admin) -> Centre:
    """The pilot's resources and two organisations, set up through the services as an admin would;
    "now" pinned to Monday 2 November 2026, 08:00 in Łódź."""
    clock.freeze(NOW)
    make = lambda kind, name, capacity=None: res.create_resource(  # noqa: E731
        db, admin, {"kind": kind, "name": name, "capacity": capacity, "location": "parter"})
    return Centre(
        db=db,
        room=make("room", "Sala szkoleniowa", 20),
        meeting=make("room", "Sala spotkań", 8),
        workstation=make("workstation", "Stanowisko komputerowe 1", 1),
        locker=make("locker", "Szafka 1"),
        projector=make("equipment", "Projektor"),
        zielona=organisations.create(db, admin, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja"}),
        sasiedzi=organisations.create(db, admin, {"name": "Stowarzyszenie Sąsiedzi z Bałut",
                                                  "legal_form": "stowarzyszenie"}),
    )


@pytest.fixture
def place(db, admin) -> Place:
    """The event tests' rooms (a training room for 20, a meeting room for 8), a workstation and an
    organisation; "now" pinned to Monday 2 November 2026, 08:00 in Łódź."""
    clock.freeze(NOW)
    make = lambda kind, name, capacity: res.create_resource(  # noqa: E731
        db, admin, {"kind": kind, "name": name, "capacity": capacity})
    return Place(db=db, room=make("room", "Sala szkoleniowa", 20), small=make("room", "Sala spotkań", 8),
                 workstation=make("workstation", "Stanowisko 1", 1),
                 zielona=organisations.create(db, admin, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja"}))


# The benchmark's moment (bench/run.py FIXED_MOMENT): a working Wednesday late in the morning, rooms in use.
BENCH_WEDNESDAY = datetime(2026, 11, 18, 11, 0, tzinfo=clock.WARSAW)


@pytest.fixture(scope="module")
def wednesday_demo(tmp_path_factory, migrated_template):
    """The demo data at a fifth of its size, filled on the benchmark's Wednesday: the utilisation page's reads
    and the naive peer are compared on it (one fill per run, a copy per test module; the tests only read)."""
    path = tmp_path_factory.mktemp("wednesday") / "civic.duckdb"
    shutil.copyfile(filled_demo(tmp_path_factory, migrated_template, 0.2, BENCH_WEDNESDAY), path)
    clock.freeze(BENCH_WEDNESDAY)
    database = get_database(path)
    yield database
    clock.freeze(None)
    close_database(path)


@pytest.fixture(scope="session")
def forum_february_file(tmp_path_factory, migrated_template) -> tuple[Path, forum_dataset.Pilot]:
    """``forum_dataset``'s February built once through the services into a closed file (its ids in the Pilot)."""
    path = tmp_path_factory.mktemp("forum_february") / "civic.duckdb"
    shutil.copyfile(migrated_template, path)
    database = get_database(path)
    try:
        built = forum_dataset.build(database, ADMIN, STAFF)
    finally:
        clock.freeze(None)
    database.checkpoint()
    close_database(path)
    return path, built


@pytest.fixture
def pilot(forum_february_file, tmp_path) -> forum_dataset.Pilot:
    """The February of ``forum_dataset`` in a database of the test's own (a copy of the one built per session),
    the clock at its end as after ``build``; the same data, ids and audit rows as a fresh build."""
    source, built = forum_february_file
    path = tmp_path / "forum.duckdb"
    shutil.copyfile(source, path)
    database = get_database(path)
    clock.freeze(forum_dataset.END)
    yield dataclasses.replace(built, db=database)
    close_database(path)
