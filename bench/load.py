"""Load test against a running app: concurrent sessions reading and booking (not part of CI).

    python -m bench.load --url http://localhost:8501 --sessions 10 --seconds 60 --db db/civic.duckdb

Ten sessions, two kinds (``--browsers``, default 1, says how many are real browsers):

- **protocol sessions** (9 by default; bench/protocol.py) speak Streamlit's own websocket protocol to
  the server, as the browser's JavaScript does: ``/_stcore/stream``, ``BackMsg.rerun_script`` with the
  page's script hash, the widget states and the message-cache hashes; ``ForwardMsg`` replies parsed
  with ``streamlit.proto``. A click on a page link is a rerun request for that page; a booking fills
  the booking form's widgets (room, organisation, day, start, end, contact, purpose, attendees, the
  declaration) by their widget ids and submits it with the submit button's trigger, exactly the
  message the browser sends, so the server runs the same callbacks, service call and database write.
  Each logs in through the login form the same way (password checked, audit row written); the app
  then keeps the login in its server-side session state. A fragment's ``run_every`` (the live part of
  the utilisation page) is rerun when due, as the browser's timer would, while the session stays on
  that page; those runs are timed apart (``live_refresh``), not counted as actions.
  Timed: from sending the request to the server's ``session_status_changed`` with the script no
  longer running (what the browser shows as ``data-test-script-state="notRunning"``), so it is the
  server's answer time under load: queueing, the script run, serialising and sending every element.
  Not exercised: drawing (React, Vega, Arrow), custom components' JavaScript (this app's two report
  nothing back), static files and media, heartbeats, the sidebar's unchanged widget values, the
  re-login cookie (read by the app only when a page is opened anew: a reload or a new tab).
- **browser sessions** (1 by default): headless chromium (Debian's ``chromium-headless-shell`` when
  installed, else its ``chromium``; never a downloaded one) through Playwright, clicking the sidebar's
  links and filling the booking form as a person does. Timed inside the page, from the click to the
  finished rerun (the ``stApp`` element back in the ``notRunning`` state with no stale or skeleton
  element left; a MutationObserver on ``data-test-script-state``): what the person sees, drawing
  included. Chromium runs at a lower priority (``--nice``) so that on a shared machine the app gets
  the CPU first; the protocol sessions, which need little CPU and whose clocks time the server, do not.

Why not ten browsers: on a 2-core machine ten chromium pages (the utilisation page draws 11 Vega
charts) took 173% of a core and the app 15%; the p95 measured the load generator. ``--browsers 10``
still runs that set-up.

Every session does the same: logs in (one after another, ``--login-gap`` apart, each login timed and
reported apart), then waits until every session is logged in and idle; the measured window (``--seconds``)
opens then. Each session starts out of step (a random pause up to the longest think time), then until
the window closes clicks through front desk, week calendar, bookings list and utilisation and now and
then (``--book-share``) books a room, choosing among a few rooms, days and hours so that sessions
really compete for the same slots, pausing 3 to 8 s (``--think``) after each action as the person at
the desk reads the page. ``--think 0 0`` is a stress test instead.

What it reports:
- per kind of session (protocol: the server's answer; browser: the person's), per action and overall:
  median, p95 and max; and the login times apart;
- errors shown: exceptions and ``st.error`` boxes (in a browser ``stException`` / ``stAlertContentError``;
  over the protocol the ``exception`` and ``alert`` ERROR elements of the run); a booking refused
  because a concurrent session took the slot first is counted apart, as a refusal (the app working);
- double bookings: with ``--db``, active bookings of one resource that overlap, counted by SQL in a
  copy of the database file taken after the run (the app keeps the file locked), plus bookings
  whose slot rows are missing;
- the machine's load average before and after, the CPU used during the measured window (share of
  one core, from /proc) by the generator's own process (the protocol sessions), by its chromium and
  by the app, the share of the window during which some task waited for a CPU (Linux PSI,
  /proc/pressure/cpu) and, given ``--app-pid``, how long the app's threads ran and how long they
  waited runnable for a CPU (schedstat), since the figures depend on them: on a shared machine the
  app's runs wait behind other people's work, which no change to the app or the generator removes.

Reading the figures: the protocol sessions' p95 is the app's answer under ten sessions, every queue on
the server's side included (the event loop, the GIL the concurrent runs share, DuckDB, the machine's
run queue); their generator needs about 1% of a core. The browser user's p95 adds drawing the page in
a chromium that yields to the app; one browser makes about ten actions a minute, so its p95 is close
to its max: read it with its n. Neither removes other people's work on a shared machine: read both
with the CPU pressure and the app threads' wait for a CPU. ``--today`` gives the app's date when its
clock is pinned (bench.browser's is), so that the booking days stay within its booking horizon.
``--app-nice -5`` (with ``--app-pid``) runs the app's threads ahead of the machine's other work during
the run, then as before: the app as on its own server, where nothing but it and its users compete;
reported beside the figures, and to be compared with a run without it. ``--alone-seconds 60`` first
runs one protocol session alone, the same actions without pauses (one request at a time, about as many
bookings a second as the ten make), on the same machine a minute earlier: what the ten sessions'
figures add to it is the cost of the concurrency, the rest is the machine's.

Targets (issue 20): 0 errors, 0 double bookings, p95 at most 1 s for both kinds. Exit code 1 when missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import stats  # noqa: E402
from dashboard.core.i18n import translate  # noqa: E402

# Debian's old headless shell (package chromium-headless-shell) when installed: the same engine
# without the full browser's compositor, so the ten sessions take less of the CPU the app needs.
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if Path(path).exists()),
    "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TARGET_P95_S = 1.0  # issue 20 (issue 8 asked 1.5 s)
LOGIN_GAP_S = 0.5  # between one session's login and the next one's
TYPED = 4  # letters typed into a searchable list before choosing from it
THINK_S = (3.0, 8.0)  # a person's pause between clicks: looking at the page, deciding what next
DEBUG_DIR: Path | None = None  # --debug-dir: a screenshot and the run states of each timed-out or lost click
READS = {"recepcja": "front_desk", "kalendarz": "week", "rezerwacje": "bookings", "wykorzystanie": "utilisation"}
BOOKABLE = ("Sala szkoleniowa", "Sala spotkań", "Stanowisko komputerowe 1", "Stanowisko komputerowe 2")
CONTACT = "Test obciążenia"  # the contact person of every load-test booking, to count them after
START_HOURS = ("12:00", "13:00", "14:00", "15:00", "16:00", "17:00")  # open on every weekday (Tue/Thu from 12:00)

# Records every change of the app's run state with the page's clock, from the first paint on. The
# whole document is observed (Streamlit may mount a new stApp element, e.g. after a reconnect), and
# each value is taken from the records themselves, since one callback may carry several changes.
OBSERVER = """
(() => {
  window.__runStates = [];
  new MutationObserver(records => {
    const now = performance.now();
    records.forEach((record, i) => {
      const value = i + 1 < records.length && records[i + 1].target === record.target
        ? records[i + 1].oldValue : record.target.getAttribute('data-test-script-state');
      window.__runStates.push([now, value, location.pathname]);
    });
  }).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  // When the browser is busy, a short run's messages can arrive together and be drawn in one go:
  // its run state never visibly changes. The moments messages arrive from the server tell it ran.
  window.__received = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__received.push(performance.now()));
    }
  };
})();
"""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Just before a click: the page clock, whether a run is going on, and the address.
NOW_AND_STATE = """
() => [performance.now(),
       document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'running',
       location.pathname]
"""
# After the click: null until the rerun it caused has finished (the app idle, nothing stale); then the
# moment (page clock) it finished, so the wait's own polling is not counted.
FINISHED = """
([t0, wasRunning, path]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) return null;
  const states = (window.__runStates || []).filter(s => s[0] >= t0);
  if (path) {
    // A page link: done once the address is the new page's (it changes during the new page's run) and the
    // app is idle. The finish is the recorded one, or now when the observer missed the run (seen under load).
    if (!location.pathname.endsWith('/' + path)) return null;
    const done = states.find(s => s[1] === 'notRunning' && s[2].endsWith('/' + path));
    return done ? done[0] : performance.now();
  }
  // A click while a run is still going restarts it without the state changing: that run counts.
  const started = wasRunning ? 0 : states.findIndex(s => s[1] === 'running');
  if (started < 0) {
    // No state change seen, but the app is idle and the server has answered since the click: a
    // run drawn in one go. It finished when its last message arrived.
    const answered = (window.__received || []).filter(t => t >= t0);
    return answered.length ? answered[answered.length - 1] : null;
  }
  const done = states.slice(started).find(s => s[1] === 'notRunning');
  return done ? done[0] : null;
}
"""


@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    booked: int = 0
    refused: list[str] = field(default_factory=list)        # the slot was taken (by another session or before)
    refused_other: list[str] = field(default_factory=list)  # refused for the day (a closure…), with the reason
    actions: int = 0
    lost_clicks: int = 0  # clicked again because 5 s after the click nothing had changed
    lost_by_action: dict[str, int] = field(default_factory=dict)
    refreshes: list[float] = field(default_factory=list)  # fragment auto-reruns (protocol sessions), not actions

    def time(self, action: str, seconds: float) -> None:
        self.timings.setdefault(action, []).append(seconds)
        self.actions += 1


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8501", help="the running app")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent sessions, of both kinds")
    parser.add_argument("--browsers", type=int, default=1,
                        help="how many of the sessions are real chromium pages (the others speak the websocket "
                             "protocol; default %(default)s; --browsers equal to --sessions: all browsers)")
    parser.add_argument("--login-gap", type=float, default=LOGIN_GAP_S,
                        help="seconds between one session's login and the next (logins go one at a time, before "
                             "the measured window; default %(default)s)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the sessions work")
    parser.add_argument("--user", default="recepcja", help="staff login (the demo's by default)")
    parser.add_argument("--password", default="demo-recepcja-2026")
    parser.add_argument("--book-share", type=float, default=0.3, help="share of actions that are bookings")
    parser.add_argument("--think", type=float, nargs=2, default=THINK_S, metavar=("MIN", "MAX"),
                        help="seconds a session pauses after each action, drawn between MIN and MAX: a person "
                             "reading the page before the next click (default %(default)s); 0 0 clicks again at "
                             "once, a stress test in which the browsers on this machine compete with the app")
    parser.add_argument("--days", type=int, default=5, help="working days the bookings are spread over")
    parser.add_argument("--ahead", type=int,
                        help="days from today to the first of them (default: 30 to 80, drawn per run: past most "
                             "demo bookings and within the 90-day horizon, so that most attempts can succeed)")
    parser.add_argument("--today", type=date.fromisoformat,
                        help="the app's date, YYYY-MM-DD, when its clock is not the machine's (bench.browser pins its "
                             "server's): the booking days count from it, so they stay within the booking horizon")
    parser.add_argument("--nice", type=int, default=10,
                        help="run chromium at this lower priority, so that on a shared machine the app gets the CPU "
                             "first, as on its own server (default %(default)s; 0: off); the protocol sessions, "
                             "whose clocks time the server, keep this process's priority")
    parser.add_argument("--app-pid", type=int,
                        help="the app server's process, for its CPU share (default: every Streamlit app on the machine)")
    parser.add_argument("--app-nice", type=int,
                        help="with --app-pid: run the app's threads at this niceness during the run (e.g. -5), then as "
                             "before: on a shared machine, the app first, as on its own server; reported with the figures")
    parser.add_argument("--alone-seconds", type=float, default=0,
                        help="first, one protocol session alone for this long (same actions): the machine's figure "
                             "without the concurrency, to compare with the ten sessions' (default 0: not run)")
    parser.add_argument("--db", type=Path, help="the app's database file, for the double-booking check")
    parser.add_argument("--seed", type=int, help="for repeatable choices (default: different each run)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--debug-dir", type=Path, help="save a screenshot and the run states of each timed-out click")
    args = parser.parse_args(argv)
    wrong = args.sessions < 1 or args.seconds <= 0 or not 0 <= args.book_share <= 1 or args.days < 1
    wrong = wrong or not 0 <= args.think[0] <= args.think[1] or not 0 <= args.browsers <= args.sessions
    if wrong or (args.ahead is not None and args.ahead < 1) or args.login_gap < 0 or args.alone_seconds < 0:
        parser.error("--sessions ≥ 1, 0 ≤ --browsers ≤ --sessions, --seconds > 0, --book-share in [0, 1], --days ≥ 1, "
                     "--ahead ≥ 1, --login-gap ≥ 0, 0 ≤ --think MIN ≤ MAX")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1_000_000)
    if args.ahead is None:
        args.ahead = random.Random(args.seed).randint(30, 80)
    return args


def working_days(count: int, ahead: int, today: date | None = None) -> list[date]:
    """``count`` working days (no weekend, no public holiday) from ``ahead`` days after ``today`` on."""
    from dashboard.services.reservations import holiday_name

    days, day = [], (today or date.today()) + timedelta(days=ahead - 1)
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5 and not holiday_name(day):
            days.append(day)
    return days


async def timed_click(page, locator, tally: Tally, action: str, path: str | None = None,
                      timeout_s: float = 60) -> float:
    """Click and wait for the rerun it causes to finish (for a page link: on that page); tallied.

    A click that lands while the page is between two runs of its own (a component reporting back)
    can be dropped by the browser app; it is clicked again (untimed attempts are not counted twice).
    """
    t0, was_running, was_at = await page.evaluate(NOW_AND_STATE)
    await locator.click()
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            handle = await page.wait_for_function(FINISHED, arg=[t0, was_running, path], timeout=5_000, polling=25)
            break
        except Exception as exc:
            if time.monotonic() > deadline:
                await _debug_dump(page, action, t0, was_running, was_at)
                raise TimeoutError(f"{action}: no finished rerun within {timeout_s:g} s") from exc
            if await page.locator(IDLE).count() and await nothing_ran_since(page, t0, path):
                tally.lost_clicks += 1
                tally.lost_by_action[action] = tally.lost_by_action.get(action, 0) + 1
                await _debug_dump(page, f"lost-{action}", t0, was_running, was_at)
                await locator.click()
    finished = await handle.json_value()
    seconds = (finished - t0) / 1000
    tally.time(action, seconds)
    await page.wait_for_timeout(150)  # a follow-up run (a component reporting back) settles, untimed
    await page.wait_for_function(FINISHED, arg=[t0, was_running, path], timeout=timeout_s * 1000)
    return seconds


async def nothing_ran_since(page, t0: float, path: str | None) -> bool:
    """The click changed nothing: not on the linked page, or (a button) no run recorded since."""
    if path:
        return not page.url.split("?")[0].rstrip("/").endswith("/" + path)
    return not await page.evaluate(
        "(t0) => (window.__runStates || []).some(s => s[0] >= t0) || (window.__received || []).some(t => t >= t0)", t0)


async def _debug_dump(page, action: str, t0: float, was_running: bool, was_at: str) -> None:
    if not DEBUG_DIR:
        return
    stem = DEBUG_DIR / f"{action}-{time.time():.0f}-{id(page) % 1000}"
    await page.screenshot(path=str(stem.with_suffix(".png")))
    states = await page.evaluate("[performance.now(), window.__runStates]")
    stem.with_suffix(".json").write_text(json.dumps({"t0": t0, "was_running": was_running, "was_at": was_at,
                                                      "url": page.url,
                                                      "now_and_states": states}))


async def errors_on(page) -> list[str]:
    """The first line of each exception and error box shown (an error box's text, without its icon's name)."""
    texts = []
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        for element in await page.locator(selector).all():
            text = element.locator('[data-testid="stMarkdownContainer"]').first
            shown = await text.inner_text() if await text.count() else await element.inner_text()
            texts.append((shown.strip().splitlines() or [""])[0][:200])
    return texts


def sidebar_link(page, url_path: str):
    """The sidebar's link to a page (its href is relative, or absolute behind some proxies)."""
    return page.locator(f'[data-testid="stSidebar"] a[href="{url_path}"], '
                        f'[data-testid="stSidebar"] a[href$="/{url_path}"]').first


async def login(page, base: str, user: str, password: str, attempts: int = 3) -> None:
    """Log in on the login form (or find the session still signed in); a lost click is tried again."""
    idle = page.locator(IDLE)
    for attempt in range(1, attempts + 1):
        await page.goto(base + "/recepcja")
        username = page.get_by_role("textbox", name=translate("pl", "login.username"))
        await username.or_(sidebar_link(page, "recepcja")).first.wait_for(timeout=120_000)
        if await sidebar_link(page, "recepcja").count():  # still signed in (the cookie)
            await idle.wait_for(timeout=60_000)
            return
        await username.fill(user)
        await page.get_by_role("textbox", name=translate("pl", "login.password")).fill(password)
        await page.get_by_role("button", name=translate("pl", "login.submit")).click()
        try:
            await sidebar_link(page, "recepcja").wait_for(timeout=60_000)
            await idle.wait_for(timeout=60_000)
            return
        except Exception:
            if attempt == attempts:
                raise


async def pick(page, label: str, option: str) -> None:
    """Choose an option of a select box by typing its first letters (the list is searchable)."""
    from playwright.async_api import expect

    field_label = page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    box = page.get_by_test_id("stSelectbox").filter(has=field_label)
    await box.click()
    await page.keyboard.type(option[:TYPED])  # as people do: a few letters, then the option in the list
    await page.get_by_role("option", name=option).first.click()
    # Under load the list can close late: go on only once the box holds the choice and its list is
    # closed, or the next click (the submit button's) only closes the list and the field stays empty.
    combobox = box.get_by_role("combobox")
    await expect(combobox).to_have_value(re.compile(re.escape(option)), timeout=30_000)
    await expect(combobox).to_have_attribute("aria-expanded", "false", timeout=30_000)


async def book(page, tally: Tally, rng: random.Random, days: list[date]) -> None:
    """Fill the booking form (open on the page) and submit it; a refusal keeps what was typed."""
    room, day, start = rng.choice(BOOKABLE), rng.choice(days), rng.choice(START_HOURS)
    end = f"{int(start[:2]) + 1}:00"
    await pick(page, translate("pl", "booking.resource") + " *", room)
    await pick(page, translate("pl", "booking.organisation") + " *", "Fundacja")
    date_label = translate("pl", "booking.day") + " *"
    await page.get_by_role("spinbutton", name=f"day, {date_label}").click()
    await page.keyboard.type(day.strftime("%d%m%Y"))
    await page.keyboard.press("Tab")
    await pick(page, translate("pl", "booking.start") + " *", start)
    await pick(page, translate("pl", "booking.end") + " *", end)
    await page.get_by_role("textbox", name=translate("pl", "booking.contact_person") + " *").fill(CONTACT)
    await page.get_by_role("textbox", name=translate("pl", "booking.purpose") + " *").fill("Próba obciążenia")
    await page.get_by_role("spinbutton", name=translate("pl", "booking.attendees") + " *").fill("1")
    declaration = translate("pl", "booking.statutory_declared")
    if not await page.get_by_role("checkbox", name=declaration + " *").is_checked():  # kept after a refusal
        await page.get_by_text(declaration).click()
    await timed_click(page, page.get_by_role("button", name=translate("pl", "booking.submit")), tally, "book")
    created = translate("pl", "booking.created").split("{")[0].strip()  # "Rezerwacja nr"
    if await page.get_by_test_id("stAlertContentSuccess").filter(has_text=created).count():
        tally.booked += 1
        return
    shown = await errors_on(page)
    taken = translate("pl", "error.booking_overlap").split(":")[0]
    if shown and all(taken in text for text in shown):
        tally.refused.append(f"{room} {day} {start}: {shown[0]}")
    elif shown and all(translate("pl", "error.validation") in text for text in shown):
        reasons = [text for text in await page.locator(
            '[data-testid="stForm"] [data-testid="stMarkdown"]').all_inner_texts() if text.strip()]
        tally.refused_other.append(f"{room} {day} {start}: {' '.join(reasons)}")
    else:
        tally.errors.append(f"booking {room} {day} {start}: {shown or 'neither saved nor refused'}")


@dataclass
class Start:
    """Sessions log in one at a time; the measured window opens when the last one is in and idle."""

    expected: int
    window: float
    gap: float = LOGIN_GAP_S
    logins: list[float] = field(default_factory=list)  # seconds each session took to log in
    logins_by_kind: dict[str, list[float]] = field(default_factory=dict)
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # one login at a time, in the sessions' order
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    deadline: float = 0.0

    def arrived(self, kind: str, login_s: float) -> None:
        self.logins.append(login_s)
        self.logins_by_kind.setdefault(kind, []).append(round(login_s, 2))
        self._open_when_all_in()

    def gave_up(self) -> None:
        self.expected -= 1
        self._open_when_all_in()

    def _open_when_all_in(self) -> None:
        if len(self.logins) >= self.expected and not self.opened.is_set():
            self.deadline = time.monotonic() + self.window
            self.opened.set()

    async def log_in(self, kind: str, number: int, tally: Tally, attempt) -> bool:
        """Run ``attempt()`` (a login, returning when the session is idle) in this session's turn, timed;
        False (counted as an error) when it failed."""
        async with self.turn:
            began = time.monotonic()
            try:
                await attempt()
            except Exception as exc:
                tally.errors.append(f"{kind} session {number}: login failed: {type(exc).__name__}: "
                                    f"{(str(exc).splitlines() or [''])[0][:200]}")
                self.gave_up()
                return False
            self.arrived(kind, time.monotonic() - began)
            await asyncio.sleep(self.gap)
        return True


async def session(browser, args: argparse.Namespace, number: int, start: Start, tally: Tally,
                  days: list[date]) -> None:
    """A browser session: clicks and drawing timed inside the page."""
    rng = random.Random(args.seed + number)
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="pl-PL",
                                        timezone_id="Europe/Warsaw")
    await context.add_init_script(OBSERVER)
    page = await context.new_page()
    base = args.url.rstrip("/")
    try:
        if not await start.log_in("browser", number, tally, lambda: login(page, base, args.user, args.password)):
            return
        await start.opened.wait()
        # Paced sessions start out of step, as people do: else all ten click in the same instant.
        await asyncio.sleep(rng.uniform(0, args.think[1]))

        def link(url_path: str):
            return sidebar_link(page, url_path)

        current = "recepcja"  # a link to the page already open causes no rerun: never clicked
        while time.monotonic() < start.deadline:
            try:
                if rng.random() < args.book_share:
                    if current != "nowa-rezerwacja":
                        await timed_click(page, link("nowa-rezerwacja"), tally, "open_booking_form", "nowa-rezerwacja")
                        current = "nowa-rezerwacja"
                    await book(page, tally, rng, days)
                else:
                    url_path = rng.choice([p for p in READS if p != current])
                    await timed_click(page, link(url_path), tally, READS[url_path], url_path)
                    current = url_path
                    tally.errors += [f"{url_path}: {text}" for text in await errors_on(page)]
            except Exception as exc:  # a timeout or a vanished element: the app did not answer in time
                tally.errors.append(f"session {number}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                try:
                    await login(page, base, args.user, args.password)
                except Exception as again:  # the app is gone or stuck: this session stops, the others go on
                    tally.errors.append(f"session {number}: no new login: {type(again).__name__}")
                    return
                current = "recepcja"
            pause = rng.uniform(*args.think)
            if pause:
                await asyncio.sleep(min(pause, max(0.0, start.deadline - time.monotonic())))
    finally:
        await context.close()


# -- protocol sessions ----------------------------------------------------------------------------------
def label(key: str) -> str:
    """A required field's label on the booking form, as drawn ("Zasób *")."""
    return translate("pl", key) + " *"


async def protocol_login(session, user: str, password: str) -> None:
    """Open the front desk's address, fill the login form's two fields and submit it, as the browser does."""
    from bench.protocol import ProtocolError

    await session.open("recepcja")
    if not session.drawn("page_link", 1):  # the login form, not the signed-in sidebar
        await session.submit({translate("pl", "login.username"): user, translate("pl", "login.password"): password},
                             translate("pl", "login.submit"))
    if not session.drawn("page_link", 1):
        raise ProtocolError(f"still not signed in: {session.errors() or 'no sidebar drawn'}")


async def protocol_book(session, tally: Tally, rng: random.Random, days: list[date]) -> None:
    """Submit the booking form (open on the page) with the values a person would choose; classify the outcome
    as bench.load's browser sessions do."""
    room, day, start = rng.choice(BOOKABLE), rng.choice(days), rng.choice(START_HOURS)
    end = f"{int(start[:2]) + 1}:00"
    values = {label("booking.resource"): room, label("booking.organisation"): "Fundacja", label("booking.day"): day,
              label("booking.start"): start, label("booking.end"): end, label("booking.contact_person"): CONTACT,
              label("booking.purpose"): "Próba obciążenia", label("booking.attendees"): 1,
              label("booking.statutory_declared"): True}
    done = await session.submit(values, translate("pl", "booking.submit"))
    tally.time("book", done.seconds)
    created = translate("pl", "booking.created").split("{")[0].strip()  # "Rezerwacja nr"
    if any(created in alert.body for alert in session.drawn("alert") if alert.format == alert.Format.SUCCESS):
        tally.booked += 1
        return
    shown = session.errors()
    taken = translate("pl", "error.booking_overlap").split(":")[0]
    if shown and all(taken in text for text in shown):
        tally.refused.append(f"{room} {day} {start}: {shown[0]}")
    elif shown and all(translate("pl", "error.validation") in text for text in shown):
        tally.refused_other.append(f"{room} {day} {start}: {' '.join(shown)}")
    else:
        tally.errors.append(f"booking {room} {day} {start}: {shown or 'neither saved nor refused'}")


async def protocol_pause(session, seconds: float, deadline: float, tally: Tally) -> None:
    """Think for ``seconds`` (not past the window), sending the fragment reruns that fall due meanwhile."""
    until = min(time.monotonic() + seconds, deadline)
    while (left := until - time.monotonic()) > 0:
        due = [(interval - (time.monotonic() - last), fid) for fid, (interval, last) in session.auto_reruns.items()]
        wait = min([left] + [max(0.0, d) for d, _ in due])
        await asyncio.sleep(wait)
        for fid in session.due_fragments():
            done = await session.rerun_fragment(fid)
            tally.refreshes.append(done.seconds)
            tally.errors += [f"live refresh: {text}" for text in session.errors()]


async def protocol_session(args: argparse.Namespace, number: int, start: Start, tally: Tally,
                           days: list[date]) -> None:
    """A protocol session (bench/protocol.py): the same actions, timed from request to the server's idle."""
    from bench.protocol import ProtocolSession

    rng = random.Random(args.seed + number)
    offset = -int(datetime.now(ZoneInfo("Europe/Warsaw")).utcoffset().total_seconds() // 60)
    session = ProtocolSession(args.url, timezone_offset=offset)

    async def fresh_login():
        nonlocal session
        await session.close()
        session = ProtocolSession(args.url, timezone_offset=offset)
        await protocol_login(session, args.user, args.password)

    try:
        if not await start.log_in("protocol", number, tally, lambda: protocol_login(session, args.user, args.password)):
            return
        await start.opened.wait()
        await asyncio.sleep(rng.uniform(0, args.think[1]))
        while time.monotonic() < start.deadline:
            current = session.url_path
            try:
                if rng.random() < args.book_share:
                    if current != "nowa-rezerwacja":
                        tally.time("open_booking_form", (await session.switch("nowa-rezerwacja")).seconds)
                    await protocol_book(session, tally, rng, days)
                else:
                    url_path = rng.choice([p for p in READS if p != current])
                    tally.time(READS[url_path], (await session.switch(url_path)).seconds)
                    tally.errors += [f"{url_path}: {text}" for text in session.errors()]
                await protocol_pause(session, rng.uniform(*args.think), start.deadline, tally)
            except Exception as exc:  # no answer in time, or the connection lost: counted, then a new session
                tally.errors.append(f"protocol session {number}: {type(exc).__name__}: "
                                    f"{(str(exc).splitlines() or [''])[0][:200]}")
                try:
                    await fresh_login()
                except Exception as again:  # the app is gone or stuck: this session stops, the others go on
                    tally.errors.append(f"protocol session {number}: no new login: {type(again).__name__}")
                    return
    finally:
        await session.close()


# -- the machine --------------------------------------------------------------------------------------------
def cpu_seconds(app_pid: int | None = None) -> dict[str, float]:
    """CPU seconds used so far by this load generator's own process (the protocol sessions, Playwright's
    client), by its descendants (chromium, Playwright's driver) and by the app: the process ``app_pid`` and
    its descendants, or without it every Streamlit app on this machine (``streamlit run``, or the e2e
    launcher bench.browser starts; on a shared machine others' apps too); {} off Linux."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    parent, used, apps = {}, {}, set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process has just ended
            continue
        pid = int(entry.name)
        parent[pid], used[pid] = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        if app_pid is None and (("streamlit" in command and " run " in command) or "shifted_server.py" in command):
            apps.add(pid)

    def below(pid: int, ancestor: int) -> bool:
        pid = parent.get(pid, 0)
        while pid > 1:
            if pid == ancestor:
                return True
            pid = parent.get(pid, 0)
        return False

    if app_pid is not None:
        apps = {pid for pid in used if pid == app_pid or below(pid, app_pid)}

    def below_us(pid: int) -> bool:
        return below(pid, os.getpid())

    generator = used.get(os.getpid(), 0.0)
    browsers = sum(s for pid, s in used.items() if pid not in apps and below_us(pid))
    return {"load_generator": generator + browsers, "generator_process": generator, "chromium": browsers,
            "app": sum(used[pid] for pid in apps)}


def cpu_waited_us() -> int | None:
    """Microseconds so far during which some runnable task on the machine waited for a CPU (Linux PSI,
    /proc/pressure/cpu "some total"); None where the kernel does not report it."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return int(line.rsplit("total=", 1)[1])


@contextmanager
def app_priority(pid: int | None, nice: int | None):
    """Run the app's threads at niceness ``nice`` (Linux: per thread; threads started meanwhile inherit it from
    the thread starting them) until the block ends, then as before. Yields what was applied: the niceness, a
    reason it was not, or None when not asked."""
    if pid is None or nice is None:
        yield None
        return
    tasks = Path(f"/proc/{pid}/task")
    before: dict[int, int] = {}
    try:
        for task in tasks.iterdir():
            tid = int(task.name)
            before[tid] = os.getpriority(os.PRIO_PROCESS, tid)
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        applied: int | str = nice
    except OSError as exc:  # not allowed (a negative niceness needs CAP_SYS_NICE), or the app is gone
        applied = f"not applied: {exc}"
    try:
        yield applied
    finally:
        usual = before.get(pid, 0)
        for task in tasks.iterdir() if tasks.exists() else ():
            try:
                os.setpriority(os.PRIO_PROCESS, int(task.name), before.get(int(task.name), usual))
            except OSError:
                pass


def thread_schedstats(pid: int) -> dict[int, tuple[int, int]]:
    """Per thread of the process: (ns run on a CPU, ns waited runnable in a run queue) so far
    (/proc/<pid>/task/<tid>/schedstat); {} when unreadable."""
    found = {}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            ran, waited, _ = (task / "schedstat").read_text().split()
        except (OSError, ValueError):
            continue
        found[int(task.name)] = (int(ran), int(waited))
    return found


async def cpu_in_window(start: Start, app_pid: int | None = None, poll_s: float = 0.1) -> dict:
    """Between the window's opening and its deadline: the share of one core (%) each side used; the share of
    the window (%) during which some task on the machine waited for a CPU (ours and others' contention); and,
    given the app's process, the seconds its threads ran and waited runnable for a CPU. Streamlit starts a
    thread per script run, so the app's threads are sampled every ``poll_s`` and each thread's last sample
    counts (a thread's last fraction of a poll after its final sample is missed)."""
    await start.opened.wait()
    first, waited, began = cpu_seconds(app_pid), cpu_waited_us(), time.monotonic()
    at_start = thread_schedstats(app_pid) if app_pid else {}
    latest = dict(at_start)
    while (left := start.deadline - time.monotonic()) > 0:
        await asyncio.sleep(min(poll_s, left) if app_pid else left)
        if app_pid:
            latest.update(thread_schedstats(app_pid))
    last, waited_after, span = cpu_seconds(app_pid), cpu_waited_us(), time.monotonic() - began
    if not span:
        return {"cpu": {}, "pressure": None, "app_threads": None}
    pressure = None if waited is None or waited_after is None else round((waited_after - waited) / 1e4 / span)
    threads = None
    if latest:
        def spent(tids) -> tuple[float, float]:
            return (sum(latest[t][0] - at_start.get(t, (0, 0))[0] for t in tids) / 1e9,
                    sum(latest[t][1] - at_start.get(t, (0, 0))[1] for t in tids) / 1e9)

        # Threads already there when the window opened live on (the event loop, DuckDB's workers); those started
        # in it are, nearly all, Streamlit's one thread per script run: their wait is the runs' own queueing.
        ran, queued = spent(latest)
        new_ran, new_queued = spent([t for t in latest if t not in at_start])
        threads = {"running_s": round(ran, 1), "waiting_for_cpu_s": round(queued, 1), "threads_seen": len(latest),
                   "started_in_window": sum(t not in at_start for t in latest),
                   "of_which_started_in_window": {"running_s": round(new_ran, 1), "waiting_for_cpu_s": round(new_queued, 1)}}
    return {"cpu": {side: round(100 * (last[side] - first.get(side, 0.0)) / span) for side in last},
            "pressure": pressure, "app_threads": threads}


def double_bookings(db_path: Path) -> dict:
    """Overlapping active bookings of one resource, and bookings without their slots, in a copy of the file."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="civic-load-") as folder:
        copy = Path(folder) / "check.duckdb"
        shutil.copy2(db_path, copy)
        wal = db_path.with_name(db_path.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + ".wal"))
        con = duckdb.connect(str(copy))
        try:
            active = "('requested', 'confirmed', 'checked_in')"
            overlapping = con.execute(
                "select count(*) from booking a join booking b on a.resource_id = b.resource_id and a.id < b.id "
                f"where a.status in {active} and b.status in {active} "
                "and a.starts_at < b.ends_at and b.starts_at < a.ends_at").fetchone()[0]
            without_slots = con.execute(
                "select count(*) from booking b where b.status in " + active + " and "
                "(select count(*) from booking_slot s where s.booking_id = b.id) <> "
                "ceil(epoch(b.ends_at - b.starts_at) / 1800)").fetchone()[0]
            by_load = con.execute("select count(*) from booking where contact_person = ?", [CONTACT]).fetchone()[0]
        finally:
            con.close()
    return {"overlapping_pairs": int(overlapping), "bookings_without_their_slots": int(without_slots),
            "load_bookings_in_file": int(by_load)}


def summary(values: list[float]) -> dict:
    return {"n": len(values), "median_s": round(stats.median(values), 3), "p95_s": round(stats.p95(values), 3),
            "max_s": round(max(values), 3)}




def niced_chromium(folder: Path, nice: int) -> str:
    """A wrapper starting chromium at a lower priority (Playwright cannot set it itself)."""
    if nice <= 0:
        return CHROMIUM
    wrapper = folder / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(nice)} "{CHROMIUM}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


@asynccontextmanager
async def _no_playwright():
    """No browser session: Playwright's driver (a node process) is not started at all."""
    yield None


def merged(*tallies: Tally) -> Tally:
    whole = Tally()
    for tally in tallies:
        for action, values in tally.timings.items():
            whole.timings.setdefault(action, []).extend(values)
        whole.errors += tally.errors
        whole.refused += tally.refused
        whole.refused_other += tally.refused_other
        whole.booked += tally.booked
        whole.actions += tally.actions
        whole.lost_clicks += tally.lost_clicks
        for action, count in tally.lost_by_action.items():
            whole.lost_by_action[action] = whole.lost_by_action.get(action, 0) + count
        whole.refreshes += tally.refreshes
    return whole


def figures_of(tally: Tally) -> dict:
    everything = [s for values in tally.timings.values() for s in values]
    return {"actions": tally.actions,
            "per_action": {action: summary(values) for action, values in sorted(tally.timings.items())},
            "overall": summary(everything) if everything else None}


async def baseline(args: argparse.Namespace, days: list[date]) -> dict:
    """One protocol session alone for ``--alone-seconds``, the same actions without pauses (one request at a
    time, never two at once; about as many bookings a second as the ten sessions make, so the pages' caches
    are renewed about as often): on the same machine a minute apart, the difference to the ten sessions'
    figures is what the concurrency costs."""
    tally, start = Tally(), Start(expected=1, window=args.alone_seconds, gap=0)
    alone = argparse.Namespace(**{**vars(args), "think": (0.0, 0.0)})
    machine, _ = await asyncio.gather(cpu_in_window(start, args.app_pid),
                                      protocol_session(alone, args.sessions, start, tally, days))
    return {"seconds": args.alone_seconds, **figures_of(tally), "errors": len(tally.errors),
            "error_samples": tally.errors[:5], "booked": tally.booked,
            "cpu_percent_of_one_core": machine["cpu"], "cpu_pressure_percent": machine["pressure"],
            "app_threads_in_window": machine["app_threads"], "load_avg_after": [round(x, 2) for x in os.getloadavg()]}


async def run(args: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    load_before = os.getloadavg()
    days = working_days(args.days, args.ahead, args.today)
    by_browser, by_protocol = Tally(), Tally()
    start = Start(expected=args.sessions, window=args.seconds, gap=args.login_gap)
    with tempfile.TemporaryDirectory(prefix="civic-load-") as folder, app_priority(args.app_pid, args.app_nice) as nice:
        alone = await baseline(args, days) if args.alone_seconds else None
        async with (async_playwright() if args.browsers else _no_playwright()) as playwright:
            browser = None
            if args.browsers:
                browser = await playwright.chromium.launch(executable_path=niced_chromium(Path(folder), args.nice),
                                                           args=CHROMIUM_ARGS, headless=True)
            try:
                sessions = [session(browser, args, n, start, by_browser, days) for n in range(args.browsers)]
                sessions += [protocol_session(args, n, start, by_protocol, days)
                             for n in range(args.browsers, args.sessions)]
                machine, *_ = await asyncio.gather(cpu_in_window(start, args.app_pid), *sessions)
                elapsed = args.seconds + max(0.0, time.monotonic() - start.deadline)
            finally:
                if browser is not None:
                    await browser.close()
    tally = merged(by_browser, by_protocol)
    report = {
        "url": args.url, "seed": args.seed, "think_s": list(args.think), "browser": CHROMIUM, "nice": args.nice,
        "booking_days": [d.isoformat() for d in days],
        "sessions": args.sessions, "browser_sessions": args.browsers, "protocol_sessions": args.sessions - args.browsers,
        "sessions_logged_in": len(start.logins),
        "login_s_max": round(max(start.logins), 2) if start.logins else None,
        "login_s": start.logins_by_kind, "login_gap_s": args.login_gap,
        "seconds": args.seconds, "elapsed_s": round(elapsed, 1),
        "cpu_count": os.cpu_count(), "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "cpu_percent_of_one_core": machine["cpu"], "cpu_pressure_percent": machine["pressure"],
        "app_pid": args.app_pid, "app_threads_in_window": machine["app_threads"], "app_nice": nice,
        "actions": tally.actions, "actions_per_s": round(tally.actions / elapsed, 2) if elapsed else None,
        **figures_of(tally),
        "by_kind": {kind: figures_of(part) for kind, part in (("protocol", by_protocol), ("browser", by_browser))
                    if part.actions},
        "live_refresh": summary(tally.refreshes) if tally.refreshes else None,
        "alone": alone,
        "errors": len(tally.errors), "error_samples": tally.errors[:15], "lost_clicks": tally.lost_clicks,
        "lost_clicks_by_action": tally.lost_by_action,
        "booked": tally.booked, "refused_slot_taken": len(tally.refused), "refused_samples": tally.refused[:5],
        "refused_other": len(tally.refused_other), "refused_other_samples": tally.refused_other[:5],
        "double_bookings": double_bookings(args.db) if args.db else None,
    }
    return report


KINDS = {"protocol": "protocol sessions: request to the server's finished run",
         "browser": "browser sessions: click to the page drawn"}


def print_report(report: dict) -> None:
    print(f"\nLoad: {report['sessions']} sessions ({report.get('protocol_sessions', 0)} over the websocket protocol, "
          f"{report.get('browser_sessions', report['sessions'])} in chromium; {report['sessions_logged_in']} logged in, "
          f"one at a time) × {report['seconds']:g} s against {report['url']} "
          f"({report['elapsed_s']} s until the last action finished), {report['cpu_count']} CPUs")
    print("Logins (s, before the window): " + "; ".join(f"{kind} {values}" for kind, values in report["login_s"].items()))
    low, high = report["think_s"]
    print(f"Browser {report['browser']} at nice {report['nice']}; "
          + (f"each session pauses {low:g}–{high:g} s after an action" if high else "no pause between actions (stress)"))
    print(f"Load average before {report['load_avg_before']}, after {report['load_avg_after']}")
    if report["cpu_percent_of_one_core"]:
        cpu = report["cpu_percent_of_one_core"]
        print(f"CPU used in the window (100% = one core of {report['cpu_count']}): the app {cpu['app']}%, "
              f"load generator {cpu['load_generator']}% (its process with the protocol sessions "
              f"{cpu['generator_process']}%, chromium with Playwright's driver {cpu['chromium']}%)")
    if report.get("cpu_pressure_percent") is not None:
        print(f"Some task on the machine waited for a CPU during {report['cpu_pressure_percent']}% of the window "
              "(/proc/pressure/cpu: the app's runs queue behind the generator's and everyone else's work)")
    if report.get("app_nice") is not None:
        print(f"The app's threads ran at niceness {report['app_nice']} during the run (--app-nice: ahead of other work "
              "on this shared machine, as on its own server)")
    if report.get("app_threads_in_window"):
        threads = report["app_threads_in_window"]
        new = threads["of_which_started_in_window"]
        print(f"The app's threads in the window: ran {threads['running_s']} s on a CPU, waited runnable for a CPU "
              f"{threads['waiting_for_cpu_s']} s ({threads['threads_seen']} threads seen); of which the "
              f"{threads['started_in_window']} started in the window (script runs) ran {new['running_s']} s, "
              f"waited {new['waiting_for_cpu_s']} s")
    for kind, part in report["by_kind"].items():
        print(f"\n{KINDS[kind]}")
        print(f"{'action':<20}{'n':>6}{'median s':>11}{'p95 s':>9}{'max s':>9}")
        for action, row in part["per_action"].items():
            print(f"{action:<20}{row['n']:>6}{row['median_s']:>11.3f}{row['p95_s']:>9.3f}{row['max_s']:>9.3f}")
        row = part["overall"]
        print(f"{'all':<20}{row['n']:>6}{row['median_s']:>11.3f}{row['p95_s']:>9.3f}{row['max_s']:>9.3f}"
              f"   (target p95 ≤ {TARGET_P95_S} s)")
    if report.get("alone") and report["alone"]["overall"]:
        alone, row = report["alone"], report["alone"]["overall"]
        print(f"one protocol session alone just before ({alone['seconds']:g} s, no pauses, {alone['booked']} bookings): "
              f"p95 {row['p95_s']:.3f} s, median {row['median_s']:.3f} s over {row['n']} actions, errors "
              f"{alone['errors']} {alone['error_samples'] or ''}(CPU pressure {alone['cpu_pressure_percent']}%, "
              f"load after {alone['load_avg_after']})")
    if report["live_refresh"]:
        row = report["live_refresh"]
        print(f"live refreshes (fragment auto-reruns, not actions): n {row['n']}, median {row['median_s']:.3f} s, "
              f"max {row['max_s']:.3f} s")
    print(f"\nActions: {report['actions']} ({report['actions_per_s']}/s); bookings made {report['booked']}, "
          f"refused because the slot was taken {report['refused_slot_taken']}, "
          f"refused for another reason {report['refused_other']}")
    for text in report["refused_other_samples"]:
        print(f"  - {text}")
    print(f"Errors shown: {report['errors']} (target 0); clicks repeated because the first changed nothing "
          f"in 5 s: {report['lost_clicks']} {report['lost_clicks_by_action'] or ''} "
          "(their time counts from the first click)")
    for text in report["error_samples"]:
        print(f"  - {text}")
    checked = report["double_bookings"]
    print("Double bookings: " + ("not checked (give --db)" if checked is None else
                                 f"{checked['overlapping_pairs']} overlapping pairs, "
                                 f"{checked['bookings_without_their_slots']} bookings without their slots "
                                 f"(target 0); {checked['load_bookings_in_file']} load-test bookings in the file"))


def met(report: dict) -> bool:
    """No error, no double booking, and each kind's p95 within the target (a kind that ran must have timings)."""
    checked = report["double_bookings"] or {"overlapping_pairs": 0, "bookings_without_their_slots": 0}
    kinds = report["by_kind"]
    expected = {kind for kind, count in (("protocol", report["protocol_sessions"]),
                                         ("browser", report["browser_sessions"])) if count}
    return (report["errors"] == 0 and not (report.get("alone") or {}).get("errors")
            and checked["overlapping_pairs"] == 0 and checked["bookings_without_their_slots"] == 0
            and set(kinds) == expected and all(part["overall"]["p95_s"] <= TARGET_P95_S for part in kinds.values()))


def main(argv: list[str] | None = None) -> int:
    global DEBUG_DIR
    args = parse(argv)
    if args.debug_dir:
        args.debug_dir.mkdir(parents=True, exist_ok=True)
        DEBUG_DIR = args.debug_dir
    if args.browsers and not Path(CHROMIUM).exists():
        print(f"No chromium at {CHROMIUM} (set CHROMIUM, or install Debian's package).", file=sys.stderr)
        return 2
    report = asyncio.run(run(args))
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if met(report) else 1


if __name__ == "__main__":
    raise SystemExit(main())
