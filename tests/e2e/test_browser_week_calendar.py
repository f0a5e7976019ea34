"""The week calendar in a real browser (issue 19): move between weeks, click a free half hour to get the
new-booking form filled with its room, date and time, book it, find the booking in its week (and not in
this one), read its tooltip and click it open; on a phone, the day view.

No date here comes from the test machine's calendar: "today" is what the server's calendar shows after
"Dziś" (its date field), and which half hours are free (opening hours, closures, holidays, what is
already past) is read from the chart itself, whose every free half hour and booking carries an
aria-label ("Wolne: <sala>, <dd.mm.rrrr>, <HH:MM> — zarezerwuj" / "<organizacja>, <sala>, <data>, <od–do>").
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.core.i18n import translate
from tests.e2e.conftest import open_app, open_from_sidebar, screenshot, sign_in_by_cookie, wait_for_app, watch_runs

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/156.0.0.0 Mobile Safari/537.36")
FREE_LABEL = re.compile(r"^Wolne: (?P<room>.+), (?P<date>\d{2}\.\d{2}\.\d{4}), (?P<time>\d{2}:\d{2}) — zarezerwuj$")


def L(key: str, **params) -> str:  # reads like a label
    return translate("pl", key, **params)


def _pick(page: Page, label: str, option: str) -> None:
    """Choose an option of a Streamlit select box by typing it (the list is searchable)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()
    wait_for_app(page)


def _date_field(page: Page) -> date:
    """The value of the page's (only, or first) date field, as the server set it."""
    return date.fromisoformat(page.get_by_test_id("stDateInput").first.locator('input[type="date"]').input_value())


def _click_button(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app(page)


def _free_slots(page: Page, room: str | None = None) -> list[tuple[str, date, str]]:
    """(room, day, start) of every free half hour the chart offers (of ``room`` only, if given)."""
    found = []
    for label in page.locator('path[aria-label^="Wolne: "]').evaluate_all(
            "marks => marks.map(m => m.getAttribute('aria-label'))"):
        match = FREE_LABEL.match(label)
        assert match, f"a free half hour reads {label!r}"
        if room is None or match["room"] == room:
            found.append((match["room"], datetime.strptime(match["date"], "%d.%m.%Y").date(), match["time"]))
    return found


def _add_room(page: Page, name: str) -> None:
    """A room of this test's own (default opening hours), so no other booking is ever in it."""
    open_app(page, "/ustawienia")
    form = page.get_by_test_id("stForm").filter(has_text=L("settings.capacity"))
    form.get_by_role("textbox", name=L("settings.resource_name") + " *").fill(name)
    form.get_by_role("spinbutton", name=L("settings.capacity")).fill("12")
    form.get_by_role("button", name=L("common.save")).click()
    wait_for_app(page)
    expect(page.get_by_text(L("settings.resource_saved")).first).to_be_visible()


def _fill_and_book(page: Page) -> int:
    """Fill what the calendar could not know (organisation, contact, purpose…), book, return the number."""
    _pick(page, L("booking.organisation"), "Fundacja")
    for label, value in ((L("booking.contact_person") + " *", "Łucja Żółkiewska"),
                         (L("booking.purpose") + " *", "Zebranie zarządu")):
        field = page.get_by_role("textbox", name=label)
        field.fill(value)
        expect(field).to_have_value(value)
    page.get_by_text("Oświadczam, że spotkanie służy").click()
    page.get_by_role("button", name=L("booking.submit")).click()
    wait_for_app(page)
    message = page.get_by_text(re.compile(r"Rezerwacja nr \d+ zapisana")).first
    expect(message).to_be_visible()
    return int(re.search(r"nr (\d+)", message.inner_text()).group(1))


def test_week_calendar_books_a_free_slot_and_opens_the_booking(page: Page, signed_in):
    page.set_viewport_size(DESKTOP)
    room = f"Sala E2E Kalendarz {uuid.uuid4().hex[:5]}"
    signed_in("admin")
    _add_room(page, room)

    open_from_sidebar(page, "/kalendarz")
    _pick(page, L("booking.resource"), room)
    _click_button(page, L("week.today"))
    today = _date_field(page)
    monday = today - timedelta(days=today.weekday())
    expect(page.get_by_role("heading", name=re.compile(rf"^Tydzień .* {(monday + timedelta(days=6)).year}$"))
           ).to_be_visible()

    # Next week until one has a free half hour in the room (a week of holidays has none).
    for weeks_ahead in range(1, 6):
        _click_button(page, L("week.next_week"))
        assert _date_field(page) == today + timedelta(days=7 * weeks_ahead)
        shown_monday = monday + timedelta(days=7 * weeks_ahead)
        free = _free_slots(page, room)
        assert all(shown_monday <= day <= shown_monday + timedelta(days=6) for _, day, _ in free), free
        if free:
            break
    else:
        pytest.fail("five weeks ahead without a free half hour in a new room")
    expect(page.get_by_role("heading", name=re.compile(rf"^Tydzień .*{(shown_monday + timedelta(days=6)).year}$"))
           ).to_be_visible()
    screenshot(page, "week-calendar-01-week-1440", full=False)

    # The week's first free half hour; the form is offered up to two hours from it (less before closing).
    _, day, start = free[0]
    page.locator(f'path[aria-label="{L("week.free_describe", resource=room, date=f"{day:%d.%m.%Y}", time=start)}"]'
                 ).click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/nowa-rezerwacja$"))
    expect(page.get_by_role("combobox", name=L("booking.resource") + " *")).to_have_value(
        L("booking.resource_label", name=room, capacity=12))
    assert _date_field(page) == day
    expect(page.get_by_role("combobox", name=L("booking.start") + " *")).to_have_value(start)
    end_text = page.get_by_role("combobox", name=L("booking.end") + " *").input_value()
    end = datetime.strptime(end_text, "%H:%M")
    assert timedelta(minutes=30) <= end - datetime.strptime(start, "%H:%M") <= timedelta(hours=2), end_text
    screenshot(page, "week-calendar-02-form-filled", full=False)
    booking_id = _fill_and_book(page)

    # Back in the calendar: not in this week, there in its own week, with a proper tooltip.
    open_from_sidebar(page, "/kalendarz")
    booked = page.locator(f'path[aria-label$=", {room}, {day:%d.%m.%Y}, {start}–{end_text}"]')
    _click_button(page, L("week.today"))
    expect(page.locator('path[aria-label^="Wolne: "]').first).to_be_attached()
    expect(booked).to_have_count(0)
    for _ in range(weeks_ahead):
        _click_button(page, L("week.next_week"))
    expect(booked).to_have_count(1)
    booked.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    for text in (L("booking.organisation"), L("booking.resource"), room, f"{day:%d.%m.%Y}", f"{start}–{end_text}",
                 L("booking_status.confirmed")):
        expect(tooltip).to_contain_text(text)
    assert not re.search(r"\b(row|start|end|booking_id|short_org|organisation)\b", tooltip.inner_text())
    screenshot(page, "week-calendar-03-tooltip", full=False)

    booked.click(force=True)  # the bar's name lies over it: a click there opens it too
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"/rezerwacja\?id={booking_id}$"))
    expect(page.get_by_role("heading", name=L("bookings.title", id=booking_id))).to_be_visible()
    screenshot(page, "week-calendar-04-booking-opened", full=False)


def test_on_a_phone_the_calendar_is_a_day_at_a_time(browser: Browser, base_url, e2e_dir):
    context = watch_runs(browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True,
                                             user_agent=PHONE_AGENT, locale="pl-PL", timezone_id="Europe/Warsaw"))
    sign_in_by_cookie(context, "staff", e2e_dir)
    page = context.new_page()
    try:
        open_app(page, "/kalendarz")
        expect(page.get_by_text(L("week.tap_hint"))).to_be_visible()  # the day view, worded for a finger
        _click_button(page, L("week.today"))
        today = _date_field(page)
        # Forward a day at a time (short labels on a phone) to the first day the rooms have bookings on.
        for days_ahead in range(1, 8):
            _click_button(page, L("week.next"))
            assert _date_field(page) == today + timedelta(days=days_ahead)
            bookings = page.locator('path[aria-label*=", Sala "]')
            if bookings.count():
                break
        else:
            pytest.fail("a week of demo data without a booking in the rooms")
        day = today + timedelta(days=days_ahead)
        assert all(d == day for _, d, _ in _free_slots(page))  # one day at a time
        expect(page.get_by_role("heading", name=re.compile(rf", {day.day} \S+ {day.year}$"))).to_be_visible()
        chart = page.get_by_test_id("stVegaLiteChart")
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box and box["width"] <= PHONE["width"], box  # no sideways scrolling
        screenshot(page, "week-calendar-05-phone-day-390", full=False)

        label = bookings.first.get_attribute("aria-label")
        assert f", {day:%d.%m.%Y}, " in label, label
        bookings.first.tap(force=True)
        wait_for_app(page)
        expect(page).to_have_url(re.compile(r"/rezerwacja\?id=\d+$"))
        screenshot(page, "week-calendar-06-phone-booking", full=False)
    finally:
        context.close()
