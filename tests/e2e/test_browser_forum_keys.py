"""The Forum by keyboard and clicker (→ / Page Down / Space next, ← / Page Up back, Home / End), and show
mode: nothing but the slide and a discreet counter, every slide inside the screen (issue 19)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

COUNTER = re.compile(r"Slajd (\d+) z (\d+)")


def counter(page: Page) -> tuple[int, int]:
    text = page.locator(".st-key-forum_counter").inner_text()
    found = COUNTER.search(text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def press(page: Page, key: str, expected: int) -> None:
    page.keyboard.press(key)
    expect(page.locator(".st-key-forum_counter")).to_contain_text(f"Slajd {expected} z", timeout=15_000)
    wait_for_app(page)


def open_forum(page: Page, signed_in) -> Page:
    signed_in("coordinator")
    open_app(page, "/forum")
    expect(page.locator(".st-key-forum_counter")).to_contain_text("Slajd 1 z")
    page.locator(".st-key-forum_stage").click(position={"x": 5, "y": 5})   # the page has focus, no field has
    return page


def test_keys_move_between_slides(page: Page, signed_in):
    open_forum(page, signed_in)
    assert counter(page)[0] == 1
    press(page, "ArrowRight", 2)
    press(page, "PageDown", 3)
    press(page, "ArrowLeft", 2)
    press(page, "PageUp", 1)
    total = counter(page)[1]
    press(page, "End", total)
    press(page, "Home", 1)
    press(page, "Space", 2)
    screenshot(page, "forum-keys-01-second-slide", full=False)


def _visible_controls(page: Page) -> list[str]:
    """Every visible button, link, input or chart menu on the page that is not inside the counter."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'button, a, input, select, textarea, [role="button"], details, summary, .vega-actions, [data-testid="stSidebar"]')]
        .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                       return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'
                              && !e.closest('.st-key-forum_counter'); })
        .map(e => e.tagName + ':' + (e.getAttribute('data-testid') || e.textContent.trim().slice(0, 30)))""")


VIEWPORTS = [(1280, 720), (1366, 768), (1440, 900), (1920, 1080)]
# Every chart of the slide as wide as its place on the page (the browser draws it again when the screen changes).
CHARTS_FIT = """() => [...document.querySelectorAll('.st-key-forum_stage [data-testid="stVegaLiteChart"]')].every(e => {
    const drawn = e.querySelector('svg, canvas');
    return drawn && Math.abs(drawn.getBoundingClientRect().width - e.getBoundingClientRect().width) <= 1; })"""


def _check_the_slide_fits(page: Page, number: int, last: bool, width: int, height: int) -> None:
    """The slide shown, at this screen size: nothing but the slide, every box inside the screen, no scrolling."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(CHARTS_FIT, polling=50)   # a chart is drawn again at its new width after a resize
    page.wait_for_timeout(300)   # charts draw after the run
    screenshot(page, f"forum-show-{width}x{height}-{number:02d}", full=False)
    assert _visible_controls(page) == [], (width, number, _visible_controls(page))
    boxes = page.evaluate("""() => [...document.querySelectorAll(
        '.st-key-forum_stage, .st-key-forum_stage [data-testid="stVegaLiteChart"], .st-key-forum_stage [data-testid="stMetric"],'
        + ' .st-key-forum_stage [data-testid="stTable"], .st-key-forum_stage h1, .st-key-forum_stage h2, .st-key-forum_counter')]
        .map(e => { const r = e.getBoundingClientRect(); return [e.className.toString().slice(0, 40), r.left, r.top, r.right, r.bottom]; })""")
    for name, left, top, right, bottom in boxes:
        assert left >= -1 and top >= -1 and right <= width + 1 and bottom <= height + 1, (width, number, name, boxes)
    scroll = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                           " return m.scrollHeight - m.clientHeight; }")
    assert scroll <= 1, (width, number, scroll)
    if number == 2:
        sizes = page.evaluate("""() => [...document.querySelectorAll('.st-key-forum_stage svg text')]
            .map(t => parseFloat(getComputedStyle(t).fontSize))""")
        assert not sizes or min(sizes) >= 16, (width, sizes)
    if last:
        axis = page.evaluate("""() => [...document.querySelectorAll('.st-key-forum_stage [data-testid="stVegaLiteChart"] svg text')]
            .map(t => parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize))""")
        assert all(size >= 16 for size in axis), (width, axis)


def test_show_mode_shows_only_the_slide_and_every_slide_fits(page: Page, signed_in):
    """One show, the screen resized under it as projectors differ: 1280×720 up to 1920×1080."""
    page.set_viewport_size({"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
    open_forum(page, signed_in)
    page.get_by_role("button", name="Pokaz").click()
    wait_for_app(page)
    expect(page.locator(".st-key-forum_toolbar")).to_be_hidden()
    # Slide by slide from the first, each slide at every screen size: a resize redraws the slide in the browser
    # alone, a new slide is a run of the server. Each slide starts at the size the last one ended at.
    total = counter(page)[1]
    sizes = VIEWPORTS
    for number in range(1, total + 1):
        if number > 1:
            press(page, "ArrowRight", number)
        for width, height in sizes:
            _check_the_slide_fits(page, number, number == total, width, height)
        sizes = sizes[::-1]
    page.keyboard.press("Escape")
    expect(page.locator(".st-key-forum_toolbar")).to_be_visible(timeout=15_000)
