"""A booking in a real browser: book a slot, see it in the week calendar, and be refused the same slot again.

The slot comes from the server's clock and a new room's opening hours (``next_open_slot``): the first open
day after the server's today, two hours from its opening (10:00, or 12:00 on Tuesdays and Thursdays),
skipping weekends and public holidays, so the test passes whatever day it runs on
(tests/e2e/run_on_dates.py runs it on a week of days, holiday eves and DST weekends).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Slot, next_open_slot, open_app, open_from_sidebar, screenshot, server_today, wait_for_app

pytestmark = pytest.mark.e2e


def _message(page: Page, text: str):
    """The outcome drawn on the page (an alert), not the toast that says the same."""
    return page.get_by_test_id(re.compile(r"^stAlertContent")).filter(has_text=text)


def _pick(page: Page, label: str, option: str) -> None:
    """Choose an option of a Streamlit select box by typing it (the list is searchable)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()


def _set_date(page: Page, label: str, day: date) -> None:
    """Type into Streamlit's segmented date field (day, month, year spinbuttons), then leave it.

    Tab alone only moves to the field's calendar button, which opens the picker: outside a form the typed
    date is not sent until the picker closes, so Escape closes it (a Tab alone left the week calendar on the
    current week, which went unseen while the booked day happened to lie in it)."""
    page.get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    wait_for_app(page)


def _add_room(page: Page, name: str) -> None:
    """A room of this test's own (default opening hours), so demo bookings never clash with it."""
    open_app(page, "/ustawienia")
    form = page.get_by_test_id("stForm").filter(has_text="Pojemność")
    form.get_by_role("textbox", name="Nazwa *").fill(name)
    form.get_by_role("spinbutton", name="Pojemność (osób)").fill("12")
    form.get_by_role("button", name="Zapisz").click()
    wait_for_app(page)
    expect(_message(page, "Zasób zapisany.")).to_be_visible()


def _book(page: Page, room: str, slot: Slot) -> None:
    open_from_sidebar(page, "/nowa-rezerwacja")
    _pick(page, "Sala lub zasób", room)
    _pick(page, "Organizacja", "Fundacja")
    _set_date(page, "Data *", slot.day)
    _pick(page, "Od", f"{slot.start:%H:%M}")
    _pick(page, "Do", f"{slot.end:%H:%M}")
    # Typed fields last, each checked: they are only sent with the form, so make sure they hold.
    for label, value in (("Osoba kontaktowa *", "Łucja Żółkiewska"), ("Cel spotkania *", "Zebranie zarządu")):
        field = page.get_by_role("textbox", name=label)
        field.fill(value)
        expect(field).to_have_value(value)
    attendees = page.get_by_role("spinbutton", name="Przewidywana liczba uczestników *")
    attendees.fill("10")
    expect(attendees).to_have_value("10")
    page.get_by_text("Oświadczam, że spotkanie służy").click()
    expect(page.get_by_role("checkbox", name="Oświadczam, że spotkanie służy działalności statutowej organizacji *")).to_be_checked()
    page.get_by_role("button", name="Zarezerwuj").click()
    wait_for_app(page)


def test_book_see_in_week_and_be_refused_the_same_slot(page: Page, signed_in):
    room = f"Sala E2E {uuid.uuid4().hex[:5]}"
    signed_in("admin")
    _add_room(page, room)
    slot = next_open_slot(after=server_today())
    day = slot.day

    _book(page, room, slot)
    expect(_message(page, "Rezerwacja nr")).to_be_visible()
    screenshot(page, "booking-01-booked")

    open_from_sidebar(page, "/kalendarz")
    _set_date(page, "Tydzień z dniem", day)
    monday = day - timedelta(days=day.weekday())
    # The heading names the booked week ("Tydzień 28 grudnia 2026 – 3 stycznia 2027"), not today's.
    expect(page.get_by_role("heading", name=re.compile(rf"^Tydzień {monday.day}[– ]"))).to_be_visible()
    # Every room is shown by default ("Wszystkie sale"); each booking is a mark named for screen readers.
    expect(page.locator(f'path[aria-label$=", {room}, {day:%d.%m.%Y}, {slot.times}"]')).to_have_count(1)
    page.get_by_text("Rezerwacje jako tabela").click()
    table = page.get_by_test_id("stTable")
    expect(table).to_contain_text(room)
    expect(table).to_contain_text(slot.times)
    screenshot(page, "booking-02-week")

    _book(page, room, slot)
    expect(_message(page, "Termin zajęty")).to_be_visible()
    expect(page.get_by_role("textbox", name="Cel spotkania *")).to_have_value("Zebranie zarządu")
    screenshot(page, "booking-03-refused")
