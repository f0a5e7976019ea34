"""Shared fixtures: a fresh migrated DuckDB file per test, actors of every role, and an
AppTest of the whole app logged in as a given role.

Migrating a new file takes 0.3–0.6 s and the unit suite asks for hundreds of them, so each test
session (each xdist worker) migrates one template file once and every test gets a copy of it.
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from unittest.mock import patch

import duckdb
import pytest

from dashboard.core import clock
from dashboard.core.roles import Actor
from db import connection
from db.connection import Database, close_database, get_database, migrate, sql_literal

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"

ADMIN = Actor("ala.admin", "admin", "Ala Admin")
STAFF = Actor("staszek", "staff", "Staszek Recepcja")
COORDINATOR = Actor("koordynatorka", "coordinator", "Kinga Koordynatorka")

# `make test` runs a worker per core and more: DuckDB's own worker threads in each of them only made the
# workers take the cores from each other (2.5 of 42 CPU-s in the bad-input and export tests). Same answers.
connection.CONFIG["threads"] = 1


def pytest_collection_finish(session) -> None:
    """Once the test modules are imported, set the collector as the server's warm-up does
    (dashboard/ui/warmup.py ``tune_gc``): a worker holds every test module, Streamlit, pandas and altair, and
    Python's full collections walked all of it again and again (about 5% of the unit tests' CPU)."""
    from dashboard.ui.warmup import GC_THRESHOLDS

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """An empty database file migrated to the code's schema, closed so it can be copied; laid out as the
    app lays out its own file (DuckDB's default 256 KiB blocks: 10 MB).

    DuckDB keeps recent writes in a write-ahead log beside the file (``civic.duckdb.wal``) until a
    checkpoint; closing the last connection checkpoints, so after ``close_database`` the one file
    holds everything and a plain file copy is a complete database.
    """
    return _migrated(tmp_path_factory.mktemp("template") / "civic.duckdb")


@pytest.fixture(scope="session")
def compact_template(tmp_path_factory) -> Path:
    """The same migrated schema in a file of 16 KiB blocks (0.8 MB instead of 10): what most tests copy.
    Copying, then deleting, 10 MB for each of about 1,500 tests cost 6-7 ms of CPU a test; DuckDB reads and
    writes rows the same whatever the block size. Tests that look at the file itself (its bytes, its blocks,
    a backup's copy of it) are marked ``file_layout`` and get a copy of ``migrated_template``."""
    path = tmp_path_factory.mktemp("compact") / "civic.duckdb"
    with duckdb.connect() as con:
        con.execute("ATTACH " + sql_literal(path) + f" AS compact (BLOCK_SIZE {COMPACT_BLOCK_SIZE:d})")
    return _migrated(path)


COMPACT_BLOCK_SIZE = 16_384  # DuckDB's smallest


def _migrated(path: Path) -> Path:
    database = get_database(path)
    migrate(database)
    database.checkpoint()
    close_database(path)
    assert not path.with_name(path.name + ".wal").exists(), "the template was not checkpointed"
    return path


@pytest.fixture
def db(request, tmp_path) -> Database:
    """An empty, migrated database file (no demo data): a copy of the session's template (``compact_template``,
    or for a test marked ``file_layout``, ``migrated_template``)."""
    layout = request.node.get_closest_marker("file_layout") is not None
    template = request.getfixturevalue("migrated_template" if layout else "compact_template")
    path = tmp_path / "civic.duckdb"
    shutil.copyfile(template, path)
    database = get_database(path)
    yield database
    try:  # the copy is thrown away: closing need not write its changes into the file
        with database.cursor() as cur:
            cur.execute("PRAGMA disable_checkpoint_on_shutdown")
    except duckdb.ConnectionException:  # the test closed or swapped the file itself (backup restore, erasure)
        pass
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


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder of files built once for the whole run and shared by every pytest-xdist worker: the first
    worker to ask builds it (``build(folder)``), the others wait for it. Those who change the files copy them.

    A session fixture runs once in each worker (each is a process of its own), so a demo database filled in
    one cost every worker the same seconds of CPU: the demo fills were about a tenth of a run. The folder is
    built under a temporary name and renamed when complete; a lock file orders the workers."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # pytest-of-<user>/pytest-<n>: this run's, the workers' own folders below it
    folder = root / f"built-once-{name}"
    with open(root / f"built-once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.is_dir():
            partial = root / f"built-once-{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            build(partial)
            partial.rename(folder)
    return folder


def filled_demo(tmp_path_factory, template: Path, scale: float, moment: datetime) -> Path:
    """A closed database file holding the demo data at ``scale``, filled with the clock at ``moment``; built
    once per run (``built_once``). Copy it before opening it."""
    def build(folder: Path) -> None:
        from dashboard import demo

        path = folder / "civic.duckdb"
        shutil.copyfile(template, path)
        clock.freeze(moment)
        try:
            database = get_database(path)
            demo.fill(database, scale)
            database.checkpoint()
        finally:
            close_database(path)
            clock.freeze(None)

    return built_once(tmp_path_factory, f"demo-{scale}-{moment:%Y%m%dT%H%M}", build) / "civic.duckdb"


def app_install_env(folder: Path) -> dict:
    """The environment of an AppTest app whose database, secrets and backups are in ``folder``. Its daily
    backup is off: a run of AppTests moves the clock over many days, and each new day copied the whole demo
    database again (tests/unit/test_backup.py proves the daily backup itself)."""
    return {"CIVIC_DB_PATH": str(folder / "civic.duckdb"), "CIVIC_SECRETS_PATH": str(folder / "secrets.toml"),
            "CIVIC_DEMO": "1", "CIVIC_LANG": "pl", "CIVIC_BACKUP_DIR": str(folder / "backups"),
            "CIVIC_DAILY_BACKUP": "0"}


@pytest.fixture(scope="session")
def app_install(tmp_path_factory) -> Path:
    """The folder of the app's first start (migrated database with the demo data, secrets), done once per run
    (``built_once``). Copy what you use."""
    def first_start(folder: Path) -> None:
        from dashboard import bootstrap
        from dashboard.core import settings

        with patch.dict(os.environ, app_install_env(folder)):
            prepared = bootstrap.prepare(settings.load())
            prepared.db.checkpoint()
            close_database(folder / "civic.duckdb")

    return built_once(tmp_path_factory, "app", first_start)


@pytest.fixture(scope="session")
def app_env(app_install, tmp_path_factory):
    """Environment for AppTest runs: a copy of ``app_install`` in a temporary folder of this worker's."""
    base = tmp_path_factory.mktemp("app")
    for name in ("civic.duckdb", "secrets.toml"):
        shutil.copy2(app_install / name, base / name)  # copy2 keeps the secrets file's 0600
    env = app_install_env(base)
    with patch.dict(os.environ, env):
        from dashboard import bootstrap

        bootstrap.prepare()
        yield env


@pytest.fixture(scope="session", autouse=True)
def _apptest_shares_what_a_server_shares():
    """Every AppTest of the session shares compiled scripts and one component registry, as a server's
    sessions do (bench.pages.compiled_once says why): AppTest's own fresh ScriptCache per run and component
    scan per instance cost the suite about a minute of CPU and mean nothing for the app."""
    from bench.pages import compiled_once

    with compiled_once():
        yield


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
    (a genuine failure fails both times, and the summary lists every rerun: ``-rR`` in pytest.ini)."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))


E2E_DIR = "tests/e2e/"
# The browser tests in two groups of about equal time (measured 2026-12-02, 2 cores): each group runs on one
# worker against that worker's own server, one test after another; the two groups run side by side. A new
# browser test file lands in the first group; move it here if the first grows much longer than the second.
E2E_SECOND_GROUP = frozenset({
    "test_browser_staff_day.py", "test_browser_tour.py", "test_browser_booking.py", "test_browser_coordinator.py",
    "test_browser_session.py", "test_browser_table_download.py", "test_browser_unsaved_warning.py",
})


def e2e_group(nodeid: str) -> str:
    """The browser-test group of a test id: ``tests/e2e/#1`` or ``tests/e2e/#2``."""
    file = nodeid[len(E2E_DIR):].split("::", 1)[0]
    return f"{E2E_DIR}#{2 if file in E2E_SECOND_GROUP else 1}"


def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs pytest-xdist with ``--dist loadgroup``: every other test is its own unit of
    work, sent to whichever worker is free, and the browser tests are two units (``e2e_group``), so two
    workers run them one after another, each against its own server, while the others take the unit and
    AppTest tests (a browser test spends most of its time waiting for the page, not on the CPU). The two
    browser units hold the most tests, so xdist hands them out first: the longest work starts at once.

    The groups are made here, by path, because xdist's own ``xdist_group`` mark does nothing with
    pytest 9.2 (xdist marks a group by editing each test's node id, which pytest 9.2 no longer
    reads: pytest-xdist issue 1386). Any other ``--dist`` keeps xdist's own scheduler."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsInTwoGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return e2e_group(nodeid) if nodeid.startswith(E2E_DIR) else nodeid

    return BrowserTestsInTwoGroups(config, log)
