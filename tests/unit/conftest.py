"""Fixtures shared by the unit tests: quick bcrypt, sample organisations and accounts.

bcrypt at the production cost (12) takes a quarter of a second per hash; the unit suite
creates dozens of accounts, so here passwords are hashed at the minimum cost (4). The hash
format is the same, so ``bcrypt.checkpw`` behaves exactly as at login; one test in
``test_users.py`` checks the real cost separately.
"""

from __future__ import annotations

import bcrypt
import pytest

from dashboard.services.admin import users

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
