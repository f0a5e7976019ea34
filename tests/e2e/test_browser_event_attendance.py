"""An event in a real browser (issue 4): create a training, enrol two people, mark attendance, download a
certificate.

Attendance can only be marked once a session has begun, and enrolment closes ``enrolment_close_hours``
before the first session, so the server runs with a clock the test moves (tests/e2e/shifted_server.py):
first a week before the training (enrolment open), then into its session to mark attendance.

Setup that is not the subject of the test goes through the service layer before the server starts: a room
of the test's own (nothing else is ever booked in it) and a day that room is open on, searched from eight
days after the suite's start moment (``server_today()``, CIVIC_E2E_NOW), never from the real date. The demo
database is built on that clock too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.core.i18n import translate
from tests.e2e.conftest import (
    LAUNCHER,
    ROOT,
    VIEWPORT,
    _free_port,
    copy_of_demo,
    running_app,
    screenshot,
    server_today,
    sign_in_by_cookie,
    wait_for_app,
    wait_until_still,
    watch_runs,
)
from tests.e2e.shifted_server import offset_to, write_offset

pytestmark = pytest.mark.e2e

LUCJA, OTHER = "Łucja Żółkiewska", "Bartosz Kowalczyk"
ROOM_CAPACITY = 20
TOPIC = "Pozyskiwanie środków"  # seeded by db/migrations/0003_trainings.sql
ROW_PX = 35  # the height of a data editor's header and of each of its rows

# Run with the server's environment once the demo database exists and before the server holds it: add a room
# of the test's own, and find the first day from argv[2] on that the new-event form's default session
# (10:00–14:00) fits: a Monday, Wednesday or Friday (a new room opens 10–18 then, 12–20 on Tuesdays and
# Thursdays), no public holiday, no closure. Prints {"room": ..., "day": ...}.
SETUP = r"""
import json, os, sys
from datetime import date, timedelta
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from db.connection import close_database, get_database

path, name, day = os.environ["CIVIC_DB_PATH"], sys.argv[1], date.fromisoformat(sys.argv[2])
db = get_database(path)
room_id = reservations.create_resource(db, SYSTEM, {"kind": "room", "name": name, "capacity": %d})
while day.weekday() not in (0, 2, 4) or reservations.closure_reason(db, room_id, day):
    day += timedelta(days=1)
close_database(path)
print(json.dumps({"room": name, "day": day.isoformat()}))
""" % ROOM_CAPACITY  # noqa: UP031  (a script template: the braces of its dicts stay literal)


def L(key: str, **params) -> str:
    return translate("pl", key, **params)


class ShiftedServer:
    """The server's base URL, the test's room and day, and the knob that moves the server's clock."""

    def __init__(self, base: str, folder: Path, room: str, day: date):
        self.base, self.folder, self.room, self.day = base, folder, room, day  # folder: its secrets too
        self.clock_file = folder / "clock-offset"

    def set_now(self, moment: datetime) -> None:
        """Make the server's 'now' this Warsaw wall-clock moment (the offset is taken from the real now,
        so the server's clock then runs on from there). Written atomically: the server may read any time."""
        write_offset(self.clock_file, offset_to(moment))


@pytest.fixture
def shifted_server(tmp_path_factory, demo_install):
    """Like conftest's ``app_server`` (its own copy of the demo install), with the clock file in that folder."""
    work = tmp_path_factory.mktemp("e2e-shifted")
    env = copy_of_demo(demo_install, work)  # the demo data is built at the suite's start moment
    made = subprocess.run([sys.executable, str(LAUNCHER), "-c", SETUP, f"Sala E2E Wydarzenia {uuid.uuid4().hex[:5]}",
                           (server_today() + timedelta(days=8)).isoformat()],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=120)
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    shifted = ShiftedServer(f"http://127.0.0.1:{port}", work, setup["room"], date.fromisoformat(setup["day"]))
    # Noon a week before the training: the new-event form proposes that day (today + 7, a weekday).
    shifted.set_now(datetime.combine(shifted.day - timedelta(days=7), dtime(12)))
    with running_app(port, env, work / "server.log"):
        yield shifted


@pytest.fixture
def shifted_page(browser: Browser, shifted_server):
    """A page of a fresh context aimed at the shifted server (conftest's ``page`` would start the normal one), the
    front desk signed in by its login cookie."""
    context = watch_runs(browser.new_context(base_url=shifted_server.base, viewport=VIEWPORT, locale="pl-PL",
                                             timezone_id="Europe/Warsaw", accept_downloads=True))
    sign_in_by_cookie(context, "staff", shifted_server.folder)
    page = context.new_page()
    yield page
    context.close()


# -- helpers -----------------------------------------------------------------------------------------
def _message(page: Page, text):
    """The outcome drawn on the page (an alert), not the toast that says the same."""
    return page.get_by_test_id("stAlert").filter(has_text=text)


def _open(page: Page, path: str) -> None:
    page.goto(path)
    wait_for_app(page)


def _choose(page: Page, box, typed: str, option) -> None:
    """Pick an option of a select or multiselect box by typing into it (the list is searchable)."""
    box.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()


def _submit(page: Page, button) -> None:
    button.scroll_into_view_if_needed()
    button.click()
    wait_for_app(page)


def _open_tab(page: Page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    wait_for_app(page)


def _create_training(page: Page, title: str, room: str) -> int:
    _open(page, "/nowe-wydarzenie")
    form = page.get_by_test_id("stForm")
    title_box = form.get_by_role("textbox", name=L("event.title") + " *")
    title_box.fill(title)
    topics = form.get_by_test_id("stMultiSelect").filter(has_text=L("event.topics"))
    _choose(page, topics, TOPIC, TOPIC)  # by name: the list opens with a "select all" option
    page.keyboard.press("Escape")
    expect(topics.get_by_role("button", name=re.compile("^Remove "))).to_have_count(1)
    _choose(page, form.get_by_test_id("stSelectbox").filter(has_text=L("booking.resource")), room,
            re.compile(re.escape(room)))
    form.get_by_role("textbox", name=L("event.trainer")).fill("Anna Trenerska")
    expect(title_box).to_have_value(title)
    _submit(page, form.get_by_role("button", name=L("event.create")))
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=15_000)
    expect(_message(page, L("event.created"))).to_be_visible()
    found = re.search(r"[?&]id=(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _enrol(page: Page, name: str, email: str) -> None:
    # The enrolment form: the one with the consent box (the walk-in form's, in the attendance tab, has it too)
    # and a plain "Zapisz" button (the edit form's "Zapisz" has no consent box).
    form = (page.get_by_test_id("stForm").filter(has_text=L("event.consent"))
            .filter(has=page.get_by_role("button", name=L("event.enrol_submit"), exact=True)))
    form.get_by_role("textbox", name=L("event.full_name") + " *").fill(name)
    form.get_by_role("textbox", name=L("org.email")).fill(email)
    form.get_by_text(L("event.consent") + " *", exact=True).click()
    expect(form.get_by_role("checkbox")).to_be_checked()
    expect(form.get_by_role("textbox", name=L("event.full_name") + " *")).to_have_value(name)
    _submit(page, form.get_by_role("button", name=L("event.enrol_submit"), exact=True))
    expect(_message(page, L("event.enrolled", name=name, position=""))).to_be_visible()


def _header(page: Page, label: str):
    """A data frame's column header, in the grid's accessibility table (hidden, so not found by role)."""
    return page.locator("th").filter(has_text=re.compile(f"^{re.escape(label)}$"))


def _metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _attendance_grid(page: Page):
    grid = page.get_by_test_id("stDataFrame").filter(has=_header(page, L("event.present")))
    grid = grid.filter(has_not=_header(page, L("org.email")))  # not the participants list (it counts presences)
    expect(grid).to_have_count(1)
    return grid


def _mark_all_present(page: Page) -> list[str]:
    """Tick "present" for every row of the attendance sheet, then save; returns the names, in the sheet's order.

    The sheet is a data editor (a canvas): select a row's first cell by a click, move to the "present" column
    with the arrow keys and toggle it with Space. Each edit reruns the page. The grid's accessibility table
    (glide-cell-<column>-<row>) holds the cells' values, so every tick is checked there.
    """
    grid = _attendance_grid(page)
    rows = grid.locator("tbody tr")
    expect(rows).to_have_count(2)
    names = [grid.get_by_test_id(f"glide-cell-0-{row}").inner_text() for row in range(2)]
    for row in range(2):
        cell = grid.get_by_test_id(f"glide-cell-2-{row}")
        expect(cell).to_have_text("false")
        grid.scroll_into_view_if_needed()
        wait_until_still(grid)
        box = grid.locator("canvas").first.bounding_box()
        page.mouse.click(box["x"] + 10, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2)  # below the header row
        # The arrows must reach the grid, not the tab list clicked before (they would switch tabs).
        page.wait_for_function("document.activeElement && document.activeElement.closest("
                               "'[data-testid=\"stDataFrame\"], [data-testid=\"stDataFrameResizable\"]') !== null")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Space")
        wait_for_app(page)
        expect(cell).to_have_text("true")
    _submit(page, page.get_by_role("button", name=L("event.save_attendance")))
    return names


def test_create_enrol_mark_attendance_and_download_a_certificate(shifted_page: Page, shifted_server):
    page, day = shifted_page, shifted_server.day
    title = f"Szkolenie z pisania wniosków {uuid.uuid4().hex[:4]}"
    event_id = _create_training(page, title, shifted_server.room)
    expect(page.get_by_text(f"{day:%d.%m.%Y} 10:00–14:00")).to_be_visible()
    screenshot(page, "event-01-created")

    _enrol(page, LUCJA, "lucja.zolkiewska@example.org")
    _enrol(page, OTHER, "bartosz.kowalczyk@example.org")
    expect(_metric(page, L("events.places"))).to_have_text("2 / 15")
    participants = page.get_by_test_id("stDataFrame").filter(has=_header(page, L("org.email")))
    expect(participants).to_contain_text(LUCJA)
    expect(participants).to_contain_text(OTHER)
    expect(page.get_by_role("button", name=L("events.edit.mark_held"))).to_have_count(0)  # not begun yet
    screenshot(page, "event-02-enrolled")

    # Half an hour into the session: attendance can be marked now.
    shifted_server.set_now(datetime.combine(day, dtime(10, 30)))
    _open(page, f"/wydarzenie?id={event_id}")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("button", name=L("events.edit.mark_held"))).to_be_visible()  # the server's clock moved
    _open_tab(page, L("event.tab_attendance"))
    assert sorted(_mark_all_present(page)) == sorted([LUCJA, OTHER])
    saved = _message(page, L("event.attendance_saved", present=2, total=2))
    expect(saved).to_be_visible()
    page.wait_for_timeout(1500)  # long enough for a stray rerun to wipe the message or switch the tab
    wait_for_app(page)
    expect(saved).to_be_visible()
    expect(page.get_by_role("tab", name=L("event.tab_attendance"))).to_have_attribute("aria-selected", "true")
    # Every session has begun, so the event is held; the sheet, read back from the database, has both present.
    expect(_metric(page, L("event.status"))).to_have_text(L("event_status.held"))
    _open(page, f"/wydarzenie?id={event_id}")
    _open_tab(page, L("event.tab_attendance"))
    sheet = _attendance_grid(page)
    for row in range(2):
        expect(sheet.get_by_test_id(f"glide-cell-2-{row}")).to_have_text("true")
    screenshot(page, "event-03-attendance")

    _open_tab(page, L("event.tab_documents"))
    expect(page.get_by_text(L("event.certificates_none"))).to_have_count(0)
    _choose(page, page.get_by_test_id("stSelectbox").filter(has_text=L("events.edit.certificate_for")), "Łucja",
            LUCJA)
    wait_for_app(page)
    expect(page.get_by_role("combobox", name=L("events.edit.certificate_for"))).to_have_value(LUCJA)
    with page.expect_download() as caught:
        page.locator(".st-key-cert_one").get_by_role("button").click()
    download = caught.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert LUCJA in text, text
    assert OTHER not in text, text
    assert title in text, text
    screenshot(page, "event-04-certificate")
