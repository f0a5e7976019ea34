"""Load test against a running app: concurrent browser sessions reading and booking (not part of CI).

    python -m bench.load --url http://localhost:8501 --sessions 10 --seconds 60 --db db/civic.duckdb

One headless chromium (Debian's, never a downloaded one) with one context per session; each logs in
as staff, then until the time is up clicks through the sidebar (front desk, week calendar, bookings
list, utilisation) and now and then books a room through the booking form, choosing among a few
rooms, days and hours so that sessions really compete for the same slots.

What it reports:
- the time from a click to the finished rerun (the ``stApp`` element back in the ``notRunning``
  state with no stale or skeleton element left), measured inside the page by a MutationObserver
  on ``data-test-script-state``: median, p95 and max per action and overall;
- errors shown: exceptions (``stException``) and ``st.error`` boxes; a booking refused because a
  concurrent session took the slot first is counted apart, as a refusal (that is the app working);
- double bookings: with ``--db``, active bookings of one resource that overlap, counted by SQL in a
  copy of the database file taken after the run (the app keeps the file locked), plus bookings
  whose slot rows are missing;
- the machine's load average before and after, since the figures depend on it.

Targets (issue 8): 0 errors, 0 double bookings, p95 at most 1.5 s. Exit code 1 when missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import stats  # noqa: E402
from dashboard.i18n import translate  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TARGET_P95_S = 1.5
DEBUG_DIR: Path | None = None  # --debug-dir: a screenshot and the run states of every click that timed out
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
  if (started < 0) return null;
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

    def time(self, action: str, seconds: float) -> None:
        self.timings.setdefault(action, []).append(seconds)
        self.actions += 1


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8501", help="the running app")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions")
    parser.add_argument("--seconds", type=float, default=60, help="how long the sessions work")
    parser.add_argument("--user", default="recepcja", help="staff login (the demo's by default)")
    parser.add_argument("--password", default="demo-recepcja-2026")
    parser.add_argument("--book-share", type=float, default=0.3, help="share of actions that are bookings")
    parser.add_argument("--days", type=int, default=5, help="working days the bookings are spread over")
    parser.add_argument("--ahead", type=int,
                        help="days from today to the first of them (default: 30 to 80, drawn per run: past most "
                             "demo bookings and within the 90-day horizon, so that most attempts can succeed)")
    parser.add_argument("--db", type=Path, help="the app's database file, for the double-booking check")
    parser.add_argument("--seed", type=int, help="for repeatable choices (default: different each run)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--debug-dir", type=Path, help="save a screenshot and the run states of each timed-out click")
    args = parser.parse_args(argv)
    wrong = args.sessions < 1 or args.seconds <= 0 or not 0 <= args.book_share <= 1 or args.days < 1
    if wrong or (args.ahead is not None and args.ahead < 1):
        parser.error("--sessions ≥ 1, --seconds > 0, --book-share in [0, 1], --days ≥ 1, --ahead ≥ 1")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1_000_000)
    if args.ahead is None:
        args.ahead = random.Random(args.seed).randint(30, 80)
    return args


def working_days(count: int, ahead: int) -> list[date]:
    """``count`` working days (no weekend, no public holiday) from ``ahead`` days on."""
    from dashboard.services.reservations import holiday_name

    days, day = [], date.today() + timedelta(days=ahead - 1)
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
    return not await page.evaluate("(t0) => (window.__runStates || []).some(s => s[0] >= t0)", t0)


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
    texts = []
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        for element in await page.locator(selector).all():
            texts.append((await element.inner_text()).strip().splitlines()[0][:200])
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
    """Choose an option of a select box by typing it (its list is searchable)."""
    field_label = page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    await page.get_by_test_id("stSelectbox").filter(has=field_label).click()
    await page.keyboard.type(option)
    await page.get_by_role("option", name=option).first.click()


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
    """All sessions log in first; the measured window opens when the last one is in."""

    expected: int
    window: float
    logins: list[float] = field(default_factory=list)  # seconds each session took to log in
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    deadline: float = 0.0

    def arrived(self, login_s: float) -> None:
        self.logins.append(login_s)
        self._open_when_all_in()

    def gave_up(self) -> None:
        self.expected -= 1
        self._open_when_all_in()

    def _open_when_all_in(self) -> None:
        if len(self.logins) >= self.expected and not self.opened.is_set():
            self.deadline = time.monotonic() + self.window
            self.opened.set()


async def session(browser, args: argparse.Namespace, number: int, start: Start, tally: Tally,
                  days: list[date]) -> None:
    rng = random.Random(args.seed + number)
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="pl-PL",
                                        timezone_id="Europe/Warsaw")
    await context.add_init_script(OBSERVER)
    page = await context.new_page()
    base = args.url.rstrip("/")
    try:
        began = time.monotonic()
        try:
            await login(page, base, args.user, args.password)
        except Exception as exc:
            tally.errors.append(f"session {number}: login failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            start.gave_up()
            return
        start.arrived(time.monotonic() - began)
        await start.opened.wait()

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
                await login(page, base, args.user, args.password)
                current = "recepcja"
    finally:
        await context.close()


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


async def run(args: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    load_before = os.getloadavg()
    days = working_days(args.days, args.ahead)
    tally = Tally()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            start = Start(expected=args.sessions, window=args.seconds)
            await asyncio.gather(*(session(browser, args, n, start, tally, days) for n in range(args.sessions)))
            elapsed = args.seconds + max(0.0, time.monotonic() - start.deadline)
        finally:
            await browser.close()
    everything = [s for values in tally.timings.values() for s in values]
    report = {
        "url": args.url, "seed": args.seed, "booking_days": [d.isoformat() for d in days],
        "sessions": args.sessions, "sessions_logged_in": len(start.logins),
        "login_s_max": round(max(start.logins), 2) if start.logins else None,
        "seconds": args.seconds, "elapsed_s": round(elapsed, 1),
        "cpu_count": os.cpu_count(), "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "actions": tally.actions, "actions_per_s": round(tally.actions / elapsed, 2) if elapsed else None,
        "per_action": {action: summary(values) for action, values in sorted(tally.timings.items())},
        "overall": summary(everything) if everything else None,
        "errors": len(tally.errors), "error_samples": tally.errors[:15], "lost_clicks": tally.lost_clicks,
        "booked": tally.booked, "refused_slot_taken": len(tally.refused), "refused_samples": tally.refused[:5],
        "refused_other": len(tally.refused_other), "refused_other_samples": tally.refused_other[:5],
        "double_bookings": double_bookings(args.db) if args.db else None,
    }
    return report


def print_report(report: dict) -> None:
    print(f"\nLoad: {report['sessions']} sessions ({report['sessions_logged_in']} logged in, the slowest in "
          f"{report['login_s_max']} s) × {report['seconds']:g} s against {report['url']} "
          f"({report['elapsed_s']} s until the last action finished), {report['cpu_count']} CPUs")
    print(f"Load average before {report['load_avg_before']}, after {report['load_avg_after']}")
    print(f"\n{'action':<20}{'n':>6}{'median s':>11}{'p95 s':>9}{'max s':>9}")
    for action, row in report["per_action"].items():
        print(f"{action:<20}{row['n']:>6}{row['median_s']:>11.3f}{row['p95_s']:>9.3f}{row['max_s']:>9.3f}")
    if report["overall"]:
        row = report["overall"]
        print(f"{'all clicks':<20}{row['n']:>6}{row['median_s']:>11.3f}{row['p95_s']:>9.3f}{row['max_s']:>9.3f}"
              f"   (target p95 ≤ {TARGET_P95_S} s)")
    print(f"\nActions: {report['actions']} ({report['actions_per_s']}/s); bookings made {report['booked']}, "
          f"refused because the slot was taken {report['refused_slot_taken']}, "
          f"refused for another reason {report['refused_other']}")
    for text in report["refused_other_samples"]:
        print(f"  - {text}")
    print(f"Errors shown: {report['errors']} (target 0); clicks repeated because the first changed nothing "
          f"in 5 s: {report['lost_clicks']} (their time counts from the first click)")
    for text in report["error_samples"]:
        print(f"  - {text}")
    checked = report["double_bookings"]
    print("Double bookings: " + ("not checked (give --db)" if checked is None else
                                 f"{checked['overlapping_pairs']} overlapping pairs, "
                                 f"{checked['bookings_without_their_slots']} bookings without their slots "
                                 f"(target 0); {checked['load_bookings_in_file']} load-test bookings in the file"))


def met(report: dict) -> bool:
    checked = report["double_bookings"] or {"overlapping_pairs": 0, "bookings_without_their_slots": 0}
    return (report["errors"] == 0 and checked["overlapping_pairs"] == 0 and checked["bookings_without_their_slots"] == 0
            and report["overall"] is not None and report["overall"]["p95_s"] <= TARGET_P95_S)


def main(argv: list[str] | None = None) -> int:
    global DEBUG_DIR
    args = parse(argv)
    if args.debug_dir:
        args.debug_dir.mkdir(parents=True, exist_ok=True)
        DEBUG_DIR = args.debug_dir
    if not Path(CHROMIUM).exists():
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

