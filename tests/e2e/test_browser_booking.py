"""A booking in a real browser: book a slot, see it in the week calendar, and be refused the same slot again."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, open_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _next_weekday(after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _pick(page: Page, label: str, option: str) -> None:
    """Choose an option of a Streamlit select box by typing it (the list is searchable)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()


def _set_date(page: Page, label: str, day: date) -> None:
    """Type into Streamlit's segmented date field (day, month, year spinbuttons), then leave it."""
    page.get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    wait_for_app(page)


def _add_room(page: Page, name: str) -> None:
    """A room of this test's own (default opening hours), so demo bookings never clash with it."""
    open_app(page, "/ustawienia")
    form = page.get_by_test_id("stForm").filter(has_text="Pojemność")
    form.get_by_role("textbox", name="Nazwa *").fill(name)
    form.get_by_role("spinbutton", name="Pojemność (osób)").fill("12")
    form.get_by_role("button", name="Zapisz").click()
    wait_for_app(page)
    expect(page.get_by_text("Zasób zapisany.")).to_be_visible()


def _book(page: Page, room: str, day: date) -> None:
    open_app(page, "/nowa-rezerwacja")
    _pick(page, "Sala lub zasób", room)
    _pick(page, "Organizacja", "Fundacja")
    _set_date(page, "Data *", day)
    _pick(page, "Od", "10:00")
    _pick(page, "Do", "12:00")
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


def test_book_see_in_week_and_be_refused_the_same_slot(page: Page, auth_cookie_name):
    room = f"Sala E2E {uuid.uuid4().hex[:5]}"
    open_app(page, "/ustawienia")
    login(page, "admin", cookie=auth_cookie_name)
    _add_room(page, room)
    day = _next_weekday(date.today())

    _book(page, room, day)
    expect(page.get_by_text("Rezerwacja nr")).to_be_visible()
    screenshot(page, "booking-01-booked")

    open_app(page, "/kalendarz")
    _set_date(page, "Tydzień z dniem", day)
    expect(page.get_by_test_id("stMultiSelect")).to_contain_text(room)  # every room is shown by default
    page.get_by_text("Rezerwacje jako tabela").click()
    table = page.get_by_test_id("stTable")
    expect(table).to_contain_text(room)
    expect(table).to_contain_text("10:00–12:00")
    screenshot(page, "booking-02-week")

    _book(page, room, day)
    expect(page.get_by_text("Termin zajęty")).to_be_visible()
    expect(page.get_by_role("textbox", name="Cel spotkania *")).to_have_value("Zebranie zarządu")
    screenshot(page, "booking-03-refused")
