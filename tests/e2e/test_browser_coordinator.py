"""The city coordinator's journey: utilisation, results, the report and every list with people in it,
read in a real browser; no e-mail address or phone number of a volunteer, participant or initiative
leader is ever on the screen (issue 18), and nothing offers to write."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, screenshot, wait_for_app

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


def visible_text(page: Page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_the_coordinator_reads_everything_and_sees_no_contact_data(page: Page, signed_in):
    page.set_viewport_size({"width": 1440, "height": 900})
    signed_in("coordinator")
    for path, name in JOURNEY:
        open_app(page, f"/{path}")
        wait_for_app(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        text = visible_text(page)
        assert not UNMASKED_EMAIL.search(text), f"{path}: {UNMASKED_EMAIL.search(text).group(0)}"
        assert not UNMASKED_PHONE.search(text), f"{path}: {UNMASKED_PHONE.search(text).group(0)}"
        screenshot(page, f"coordinator-{name}")
    # One volunteer's card, opened from the register as the coordinator would.
    open_app(page, "/wolontariusze")
    wait_for_app(page)
    open_app(page, "/wolontariusz?id=1")
    wait_for_app(page)
    text = visible_text(page)
    assert not UNMASKED_EMAIL.search(text) and not UNMASKED_PHONE.search(text), text[:500]
    screenshot(page, "coordinator-volunteer-card")


def test_the_scan_sees_an_unmasked_address_and_passes_a_masked_one():
    assert UNMASKED_EMAIL.search("Kontakt: anna.nowak12@example.org")
    assert not UNMASKED_EMAIL.search("Kontakt: a***@example.org")
    assert UNMASKED_PHONE.search("tel. +48 501 234 567")
    assert not UNMASKED_PHONE.search("tel. *** *** 567")
