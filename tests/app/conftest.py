"""AppTest suite: every test runs against the session's demo database (``app_env``).

Tests that write (add an organisation, lock an account, switch the language) use records or
accounts made for themselves, so the demo logins stay usable for the rest of the suite.
"""

from __future__ import annotations

import os
import uuid

import pytest

from dashboard.core.roles import SYSTEM
from tests.conftest import app_as

# Demo logins (dashboard/demo) for each role.
DEMO_USERS = {"admin": "admin", "staff": "recepcja", "coordinator": "koordynator"}
ENTRY_RELATIVE = "../pages/{file}"  # switch_page paths resolve against dashboard/app.py


@pytest.fixture(autouse=True)
def _app_env(app_env):
    yield app_env


@pytest.fixture
def app_db(app_env):
    from db.connection import get_database

    return get_database(os.environ["CIVIC_DB_PATH"])


@pytest.fixture
def make_user(app_db):
    """Create a throw-away account: ``make_user(role, password) -> username``."""

    def make(role: str = "staff", password: str = "test-password-2026") -> str:
        from dashboard.services.admin import users

        username = f"t{role[:5]}-{uuid.uuid4().hex[:8]}"
        users.add_user(app_db, SYSTEM, username=username, full_name=f"Test {role}", role=role, password=password)
        return username

    return make


def page_path(file: str) -> str:
    return ENTRY_RELATIVE.format(file=file)


def open_page_as(role: str, file: str):
    """An AppTest logged in with the role's demo login, switched to ``pages/<file>``, run without an exception."""
    at = app_as(DEMO_USERS[role])
    at.run()
    at.switch_page(page_path(file)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]
