"""The city coordinator's journey: utilisation, results, the report and every list with people in it,
read in a real browser; no e-mail address or phone number of a volunteer, participant or initiative
leader is ever on the screen (issue 18), and nothing offers to write."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, open_from_sidebar, screenshot, wait_for_app, wait_until_still

pytestmark = pytest.mark.e2e

# Demo people (volunteers, participants, initiative leaders) have addresses at example.org; a masked one
# reads "a***@example.org", so a visible unmasked address has a letter or digit right before the "@".
UNMASKED_EMAIL = re.compile(r"[A-Za-z0-9._%+-]@example\.org")
# A whole Polish mobile number as the register stores and shows it (+48 5xx xxx xxx); masked: *** *** 567.
UNMASKED_PHONE = re.compile(r"\+48[ ]?[5-8]\d{2}[ ]?\d{3}[ ]?\d{3}")

JOURNEY = [("wykorzystanie", "utilisation"), ("rezultaty", "results"), ("raport", "report"),
           ("wolontariusze", "volunteers"), ("oferty-wolontariatu", "opportunities"),
           ("godziny-wolontariatu", "hours"), ("szkolenia", "events"), ("inicjatywy", "initiatives"),
           ("historia-zmian", "history")]


ROW_PX = 35  # the height of a table's header and of each of its rows


def visible_text(page: Page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_the_coordinator_reads_everything_and_sees_no_contact_data(page: Page, signed_in):
    page.set_viewport_size({"width": 1440, "height": 900})
    signed_in("coordinator")
    open_app(page, f"/{JOURNEY[0][0]}")
    for number, (path, name) in enumerate(JOURNEY):
        if number:
            open_from_sidebar(page, f"/{path}")  # page to page through the sidebar, as the coordinator does
        expect(page.get_by_test_id("stException")).to_have_count(0)
        text = visible_text(page)
        assert not UNMASKED_EMAIL.search(text), f"{path}: {UNMASKED_EMAIL.search(text).group(0)}"
        assert not UNMASKED_PHONE.search(text), f"{path}: {UNMASKED_PHONE.search(text).group(0)}"
        screenshot(page, f"coordinator-{name}")
    # One volunteer's card, opened from the register as the coordinator would: a click on its first row.
    open_from_sidebar(page, "/wolontariusze")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    wait_until_still(grid)
    box = grid.locator("canvas").first.bounding_box()
    assert box, "the register's table"
    page.mouse.click(box["x"] + 15, box["y"] + ROW_PX * 1.5)  # the first row, below the header
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/wolontariusz\?id=\d+$"))
    expect(page.get_by_test_id("stMain").get_by_role("heading", level=1)).to_have_count(1)
    text = visible_text(page)
    assert not UNMASKED_EMAIL.search(text) and not UNMASKED_PHONE.search(text), text[:500]
    screenshot(page, "coordinator-volunteer-card")


def test_the_scan_sees_an_unmasked_address_and_passes_a_masked_one():
    assert UNMASKED_EMAIL.search("Kontakt: anna.nowak12@example.org")
    assert not UNMASKED_EMAIL.search("Kontakt: a***@example.org")
    assert UNMASKED_PHONE.search("tel. +48 501 234 567")
    assert not UNMASKED_PHONE.search("tel. *** *** 567")
