"""Browser tests: one Streamlit server per session on a free port, driven by Debian's chromium.

The server gets its own demo database, secrets and backup folder in a temporary directory,
so it never touches db/civic.duckdb. Playwright never downloads a browser here: the launch
fixture points it at Debian's /usr/bin/chromium-headless-shell when installed (the same engine
without the full browser's compositor: about a tenth less CPU for the same tests), else
/usr/bin/chromium, or $CHROMIUM.

No browser test runs on the real date. The server runs through shifted_server.py with its clock
started at ``CIVIC_E2E_NOW`` (default ``shifted_server.DEFAULT_START``, a Wednesday 11:00 in Łódź)
and running on in real time; the demo database it opens is built on that clock too. The test
process pins its own clock to the same moment (``_pinned_clock``), and a test takes every date
from ``server_now()`` / ``server_today()`` and the opening hours (``next_open_slot``), never from
``date.today()``. tests/e2e/run_on_dates.py runs the date-sensitive tests on many such starts.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.core import clock
from dashboard.services import reservations
from tests.conftest import built_once
from tests.e2e import shifted_server as shifted

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).resolve().parent / "shifted_server.py"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if Path(path).exists()),
    "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
START_TIMEOUT = 60
VIEWPORT = {"width": 1400, "height": 900}

DEMO = {"admin": ("admin", "demo-admin-2026"), "staff": ("recepcja", "demo-recepcja-2026"),
        "coordinator": ("koordynator", "demo-koordynator-2026")}

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
APP_RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'

# Installed in every page of a watched context (``watch_runs``): when the person last acted, when a script run
# last started and when the app's run state last changed, so ``wait_for_app`` waits only for time not yet past.
RUN_WATCH = """(() => {
  const w = window.__civicRuns = {inputAt: 0, startedAt: 0, changedAt: 0};
  const acted = () => { w.inputAt = performance.now(); };
  for (const kind of ['pointerdown', 'keydown', 'input', 'change']) addEventListener(kind, acted, true);
  new MutationObserver(records => {
    for (const r of records) {
      if (r.target.getAttribute('data-testid') !== 'stApp') continue;
      const now = performance.now();
      w.changedAt = now;
      if (r.target.getAttribute('data-test-script-state') === 'running') w.startedAt = now;
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();"""
RUN_STARTED_SINCE_INPUT = "() => { const w = window.__civicRuns; return !!w && w.startedAt > w.inputAt; }"
QUIET_FOR = "ms => { const w = window.__civicRuns; return !w || performance.now() - w.changedAt >= ms; }"
# Waits that may last seconds look in the page every POLL_MS: Playwright's own waits (wait_for_selector, a
# locator's wait, expect) look again after growing pauses, up to 500 ms apart, so each long wait for a run
# came back a quarter of a second late on average.
PRESENT = "selector => !!document.querySelector(selector)"
POLL_MS = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(port: int, env: dict, log_path: Path) -> Iterator[str]:
    """Start the app through the shifted-clock launcher on ``port``; yield its base URL once healthy; stop it.

    For tests that need a server of their own (their own database and movable clock)."""
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(LAUNCHER), "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited with {process.returncode}: "
                                       f"{log_path.read_text(errors='replace')[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.read().decode().strip() == "ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not become healthy within {START_TIMEOUT} s")
                time.sleep(0.25)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- the suite's clock and the dates derived from it ------------------------------------------------------
# Starts (CIVIC_E2E_NOW, at 11:00 unless a time is given) that tests/e2e/run_on_dates.py runs the date-sensitive
# tests on, and that tests/unit/test_date_proof.py checks the date derivation and the service calls on: every
# weekday of one week, the eves of public holidays, and the weekends the clocks change (the spring one is Easter).
PROOF_STARTS = {
    "mon": "2026-11-16", "tue": "2026-11-17", "wed": "2026-11-18", "thu": "2026-11-19", "fri": "2026-11-20",
    "sat": "2026-11-21", "sun": "2026-11-22",
    "eve-of-11-november": "2026-11-10", "eve-of-christmas": "2026-12-23", "new-years-eve": "2026-12-31",
    "dst-autumn-sat": "2026-10-24", "dst-autumn-sun": "2026-10-25",
    "dst-spring-sat": "2027-03-27", "dst-spring-sun-easter": "2027-03-28",
}


class Slot(NamedTuple):
    day: date
    start: dtime
    end: dtime

    @property
    def times(self) -> str:
        """As the pages write a booking's time: ``10:00–12:00``."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def server_now() -> datetime:
    """The e2e servers' "now" (naive Warsaw wall clock): the start moment plus the time run since."""
    return (datetime.now(UTC) + timedelta(seconds=shifted.start_offset())).astimezone(clock.WARSAW).replace(tzinfo=None)


def server_today() -> date:
    return server_now().date()


def default_hours(day: date) -> tuple[dtime, dtime] | None:
    """A new room's opening hours on ``day`` (``reservations.DEFAULT_HOURS``: Mon/Wed/Fri 10–18, Tue/Thu 12–20),
    None on a weekend or a Polish public holiday."""
    if reservations.holiday_name(day):
        return None
    return reservations.DEFAULT_HOURS.get(day.weekday())


def next_open_slot(after: date | datetime, hours: float = 2, earliest: dtime = dtime(10),
                   within_days: int = 60) -> Slot:
    """The first ``hours`` long slot, on a day after ``after``'s, that a new room (default hours) can take: from
    its opening time, or ``earliest`` when the room opens before it. Days with no hours, public holidays and days
    too short for the slot are skipped."""
    first = after.date() if isinstance(after, datetime) else after
    for ahead in range(1, within_days + 1):
        day = first + timedelta(days=ahead)
        opening = default_hours(day)
        if opening is None:
            continue
        start = datetime.combine(day, max(opening[0], earliest))
        end = start + timedelta(hours=hours)
        if end.date() == day and end.time() <= opening[1]:
            return Slot(day, start.time(), end.time())
    raise AssertionError(f"no open {hours} h slot within {within_days} days after {first}")


def pytest_report_header(config) -> str:
    start = shifted.start_moment()
    return (f"e2e clock: starts {start:%Y-%m-%d %H:%M} ({start:%a}) Europe/Warsaw "
            f"({shifted.START_ENV}={os.environ.get(shifted.START_ENV) or 'unset, the default'})")


@pytest.fixture(autouse=True)
def _pinned_clock():
    """The test process's clock where the servers' is (tests/conftest.py releases it after the test)."""
    clock.freeze(server_now().replace(tzinfo=clock.WARSAW))
    yield


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def demo_install(tmp_path_factory) -> Path:
    """The demo database and secrets, made once per run by ``cli init`` (as ``make run`` does) on the suite's
    clock, for both workers that run browser tests (``built_once``). Every server serves a copy of it: the demo
    fill costs seconds of CPU, and the tests with a server of their own (a movable clock, a database nobody else
    writes) used to pay it again."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (make chromium installs Debian's)")

    def init(folder: Path) -> None:
        shifted.write_offset(folder / "clock-offset", shifted.start_offset())
        subprocess.run([sys.executable, str(LAUNCHER), "cli", "init"], cwd=ROOT, env=install_env(folder),
                       check=True, capture_output=True, timeout=180)

    return built_once(tmp_path_factory, "e2e-demo", init)


def install_env(folder: Path) -> dict:
    """The environment of a server (or a setup script) whose database, secrets, backups and clock are in ``folder``.

    The daily backup is off: each server's first login copied and verified the whole demo database in the
    background (about 3 CPU-s a server, taken from the journey's first pages); no journey here looks at backups,
    and tests/unit/test_backup.py proves the daily backup, its thread included."""
    return {**os.environ, "CIVIC_DB_PATH": str(folder / "civic.duckdb"),
            "CIVIC_SECRETS_PATH": str(folder / "secrets.toml"), "CIVIC_BACKUP_DIR": str(folder / "backups"),
            "CIVIC_DEMO": "1", "CIVIC_LANG": "pl", "CIVIC_DAILY_BACKUP": "0",
            shifted.CLOCK_FILE_ENV: str(folder / "clock-offset")}


def copy_of_demo(demo_install: Path, folder: Path) -> dict:
    """A fresh copy of the session's demo install in ``folder`` (its clock at the suite's start moment); the
    environment to serve it. ``cli init`` closed the file, so the database is whole in one file."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("civic.duckdb", "secrets.toml"):
        shutil.copy2(demo_install / name, folder / name)  # copy2 keeps the secrets file's 0600
    shifted.write_offset(folder / "clock-offset", shifted.start_offset())
    return install_env(folder)


def auth_secrets_of(folder: Path) -> dict:
    """The [auth] table of a server's secrets file: its cookie's name and signing key."""
    return tomllib.loads((folder / "secrets.toml").read_text())["auth"]


def cookie_name_of(folder: Path) -> str:
    return auth_secrets_of(folder)["cookie_name"]


def sign_in_by_cookie(target: BrowserContext | Page, role_or_username: str, secrets_folder: Path) -> BrowserContext:
    """Come back signed in, as a person whose login cookie is still valid: the browser context gets the re-login
    cookie a login through the form leaves (dashboard/ui/auth.py), so the first page it opens is drawn signed in.
    Call it before the context's first ``goto``; ``secrets_folder`` holds the secrets of the server the pages are
    opened on (``e2e_dir`` for the session's shared server, a server of the test's own has its own folder).

    The cookie is the app's own: its token made by the app's ``login_token`` with the server's cookie key and
    the session length of the app's settings (as in the test process, whose environment the servers inherit),
    under the name from the same secrets file, for path /, SameSite Strict, expiring with the token, as
    ``auth.cookie_script`` writes it. The server takes it as any returning user's (``_sign_in_from_cookie``).

    For tests whose subject is not logging in: a login through the form costs a page with the login form, bcrypt
    on the server and two more runs, about 1.5 CPU-s a test. These still log in through the form:
    tests/e2e/test_browser_session.py (all of it: reload, deep link before login and logout are its subject;
    admin and staff) and test_browser_tour.py's test_tour_as_admin (admin) and test_organisations_as_coordinator
    (coordinator)."""
    from dashboard.core import settings
    from dashboard.ui.auth import login_token

    context = target.context if isinstance(target, Page) else target
    username = DEMO.get(role_or_username, (role_or_username, None))[0]
    auth = auth_secrets_of(secrets_folder)
    token, expires = login_token(username, auth["cookie_key"], settings.load().session_hours)
    context.add_cookies([{"name": auth["cookie_name"], "value": token, "domain": "127.0.0.1", "path": "/",
                          "expires": expires, "sameSite": "Strict"}])
    return context


@pytest.fixture(scope="session")
def app_server(e2e_dir, demo_install):
    """The session's shared server: a copy of the demo install, served through shifted_server.py (its clock at
    the suite's start moment) on a free port; yield its base URL; stop it."""
    env = copy_of_demo(demo_install, e2e_dir)
    with running_app(_free_port(), env, e2e_dir / "server.log") as base:
        yield base


@pytest.fixture(scope="session")
def base_url(app_server) -> str:
    """pytest-playwright gives every context this base, so ``page.goto("/organizacje")`` works."""
    return app_server


@pytest.fixture(scope="session")
def auth_cookie_name(app_server, e2e_dir) -> str:
    return cookie_name_of(e2e_dir)


@pytest.fixture
def signed_in(context: BrowserContext, app_server, e2e_dir):
    """``signed_in(role)``: the test's browser context comes back signed in as ``role`` (a role of ``DEMO`` or a
    username) on the session's shared server; see ``sign_in_by_cookie``."""
    return lambda role_or_username: sign_in_by_cookie(context, role_or_username, e2e_dir)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "pl-PL", "timezone_id": "Europe/Warsaw"}


def watch_runs(context: BrowserContext) -> BrowserContext:
    """Let ``wait_for_app`` see when runs started and ended in every page of ``context`` (see ``RUN_WATCH``)."""
    context.add_init_script(RUN_WATCH)
    return context


@pytest.fixture(scope="session")
def worker_context(browser: Browser, browser_context_args) -> Iterator[BrowserContext]:
    """The browser context the tests of one worker share, watched (``watch_runs``); ``context`` empties it
    between tests.

    A new context is a browser with an empty cache: each test's first page fetched Streamlit's 86 files
    (2.7 MB) again and compiled its scripts anew, 1.0-1.2 CPU-s of the browser and 0.2 of the server, where a
    page of a context that has them costs 0.4-0.5 and 0.03 (the files are served as immutable). Nothing else
    is kept from test to test: ``context`` closes every page, drops every cookie (the login) and clears the
    pages' local storage."""
    context = watch_runs(browser.new_context(**browser_context_args))
    yield context
    context.close()


@pytest.fixture
def context(worker_context: BrowserContext) -> Iterator[BrowserContext]:
    """The worker's shared context, signed out and with no page open, as a new one would be."""
    yield worker_context
    for page in list(worker_context.pages):
        try:
            if page.url.startswith("http"):
                page.evaluate("() => localStorage.clear()")
        except PlaywrightError:  # a page the test left mid-navigation or closing: its origin's storage stays
            pass
        page.close()
    worker_context.clear_cookies()
    worker_context.clear_permissions()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# -- helpers ---------------------------------------------------------------------------
def wait_for_app(page: Page, timeout: float = 30_000, quiet_ms: int = 250) -> None:
    """Wait until Streamlit has finished running and drawn everything it promised.

    Right after a click the run may not have started yet, so first give it a moment to leave
    the idle state. A run can be followed at once by another (a browser component such as the
    cookie writer reports back), so "finished" means: idle, no skeleton placeholders, no stale
    elements of the previous run, and still idle a moment later. In a watched page (``watch_runs``) the
    moment already past counts: a run that started after the last click or key is not waited for again,
    and "a moment later" is measured from the last change of the run state, not from now.
    """
    if not page.evaluate(RUN_STARTED_SINCE_INPUT):
        try:
            page.wait_for_selector(APP_RUNNING, timeout=300)
        except PlaywrightTimeout:  # the run was quicker than we looked, or nothing had to run
            pass
    deadline = time.monotonic() + timeout / 1000
    while True:
        page.wait_for_function(PRESENT, arg=APP_IDLE, timeout=timeout, polling=POLL_MS)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-stale=\"true\"]')",
            timeout=timeout)
        if page.evaluate("() => !!window.__civicRuns"):
            page.wait_for_function(QUIET_FOR, arg=quiet_ms, timeout=timeout, polling=POLL_MS)
        else:
            page.wait_for_timeout(quiet_ms)
        if page.locator(APP_RUNNING).count() == 0 and page.locator(APP_IDLE).count() == 1:
            return
        if time.monotonic() > deadline:
            raise AssertionError("the app kept rerunning")


def wait_until_still(locator: Locator, timeout: float = 10.0, interval: float = 0.15) -> None:
    """Wait until an element stops moving: an expander animates open for ~0.5 s and the page
    scrolls as fields are filled, so a click aimed at a moving button can land beside it
    (seen on a loaded machine: the form-submit click hit the form's padding and was lost)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        if box is not None and box == last:
            return
        last = box
        time.sleep(interval)
    raise AssertionError(f"{locator} kept moving")


def open_app(page: Page, path: str = "/") -> Page:
    page.goto(path)
    wait_for_app(page)
    return page


def open_from_sidebar(page: Page, path: str, lang: str = "pl") -> Page:
    """Open a page of the app as a person does once the app is open: by its link in the sidebar, a run of the
    server in the page already loaded. ``open_app`` loads the whole app again at the page's address, about twice
    the browser's work; it stays for a test's first page, a deep link or an address with a record's id."""
    from dashboard.core.i18n import translate
    from dashboard.ui.navigation import spec_for

    spec = spec_for(path.strip("/"))
    assert spec is not None, path
    page.get_by_test_id("stSidebar").get_by_role("link", name=translate(lang, spec.title_key), exact=True).click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"/{re.escape(spec.url_path)}/?$" if not spec.default else r"/$"))
    return page


def login(page: Page, role_or_username: str, password: str | None = None, cookie: str | None = None) -> Page:
    """Fill the login form (already shown) and wait for the home page, or the deep-linked one;
    with ``cookie`` (its name), also until the browser holds the login cookie."""
    username, password = DEMO.get(role_or_username, (role_or_username, password))
    page.get_by_role("textbox", name="Nazwa użytkownika").fill(username)
    page.get_by_role("textbox", name="Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.get_by_role("button", name="Zaloguj")).to_have_count(0, timeout=15_000)
    wait_for_app(page)
    if cookie:
        wait_for_cookie(page.context, cookie)
    return page


def wait_for_cookie(context: BrowserContext, name: str, present: bool = True, timeout: float = 10.0) -> None:
    """The login cookie is written by a script drawn on the run after login, as the page is
    drawn; wait for it to appear (or, ``present=False``, to vanish)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c["name"] == name for c in context.cookies()) == present:
            return
        time.sleep(0.05)
    raise AssertionError(f"cookie {name!r} {'never set' if present else 'never deleted'}; "
                         f"have {[c['name'] for c in context.cookies()]}")


def screenshot(page: Page, name: str, full: bool = True) -> Path:
    """Save a PNG under tests/e2e/artifacts/. ``full``: grow the viewport to the main area's height
    first (Streamlit scrolls inside its own container, so Playwright's full_page sees one screen)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    size = page.viewport_size
    if full and size:
        height = page.evaluate(
            "() => Math.max(...['stMain', 'stSidebarContent', 'stAppViewContainer'].map(id => "
            "(document.querySelector(`[data-testid=\"${id}\"]`) || {scrollHeight: 0}).scrollHeight))")
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
            page.wait_for_timeout(300)
        page.screenshot(path=path)
        page.set_viewport_size(size)
    else:
        page.screenshot(path=path)
    return path
