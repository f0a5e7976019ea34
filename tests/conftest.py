"""Shared fixtures: a fresh migrated DuckDB file per test, actors of every role, and an
AppTest of the whole app logged in as a given role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard.core import clock
from dashboard.core.roles import Actor
from db.connection import Database, close_database, get_database, migrate

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"

ADMIN = Actor("ala.admin", "admin", "Ala Admin")
STAFF = Actor("staszek", "staff", "Staszek Recepcja")
COORDINATOR = Actor("koordynatorka", "coordinator", "Kinga Koordynatorka")


@pytest.fixture
def db(tmp_path) -> Database:
    """An empty, migrated database file (no demo data)."""
    path = tmp_path / "civic.duckdb"
    database = get_database(path)
    migrate(database)
    yield database
    close_database(path)


@pytest.fixture
def admin() -> Actor:
    return ADMIN


@pytest.fixture
def staff() -> Actor:
    return STAFF


@pytest.fixture
def coordinator() -> Actor:
    return COORDINATOR


@pytest.fixture(autouse=True)
def _release_clock():
    yield
    clock.freeze(None)


@pytest.fixture(scope="session")
def app_env(tmp_path_factory):
    """Environment for AppTest runs: a demo database and secrets in a temporary folder."""
    base = tmp_path_factory.mktemp("app")
    env = {"CIVIC_DB_PATH": str(base / "civic.duckdb"), "CIVIC_SECRETS_PATH": str(base / "secrets.toml"),
           "CIVIC_DEMO": "1", "CIVIC_LANG": "pl", "CIVIC_BACKUP_DIR": str(base / "backups")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from dashboard import bootstrap

    bootstrap.prepare()
    yield env
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def app_as(username: str | None, lang: str = "pl"):
    """An AppTest of the entry file, already logged in as a demo user (None: logged out)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["lang"] = lang
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
        at.session_state["logout"] = None
    return at


def pytest_collection_modifyitems(items):
    """Browser tests race a live server and a real browser; one retry tells a flake from a bug
    (a genuine failure fails all three times, and pytest reports every rerun)."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))
