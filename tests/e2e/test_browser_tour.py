"""Every page as a new user sees it: no error box, the right heading, and a screenshot each
(tests/e2e/artifacts/tour-*.png) for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, open_app, open_from_sidebar, screenshot, wait_for_app, wait_until_still

pytestmark = pytest.mark.e2e

ADMIN_PAGES = [("/", "Pulpit", "02-home"), ("/organizacje", "Organizacje", "03-organisations"),
               ("/uzytkownicy", "Użytkownicy", "05-users"), ("/historia-zmian", "Historia zmian", "06-audit"),
               ("/administracja", "Baza danych i kopie", "07-administration")]


def _no_exception(page: Page) -> None:
    wait_for_app(page)
    shown = page.get_by_test_id("stException")
    assert shown.count() == 0, shown.all_inner_texts()


def test_tour_as_admin(page: Page, auth_cookie_name):
    open_app(page, "/")
    screenshot(page, "tour-01-login")
    login(page, "admin", cookie=auth_cookie_name)  # lands on the home page, the tour's first
    for path, heading, shot in ADMIN_PAGES:
        if path != "/":
            open_from_sidebar(page, path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        _no_exception(page)
        screenshot(page, f"tour-{shot}")

    open_app(page, "/organizacja?id=1")
    expect(page.get_by_role("button", name="Lista organizacji")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    _no_exception(page)
    edit = page.get_by_test_id("stExpander").first
    edit.locator("summary").click()  # the edit form, opened
    wait_until_still(edit)
    screenshot(page, "tour-04-organisation")


def test_organisations_as_coordinator(page: Page, auth_cookie_name):
    open_app(page, "/organizacje")
    login(page, "coordinator", cookie=auth_cookie_name)
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()
    _no_exception(page)
    expect(page.get_by_text("Dodaj organizację")).to_have_count(0)
    screenshot(page, "tour-08-organisations-coordinator")

    open_app(page, "/uzytkownicy")
    expect(page.get_by_text("nie jest dostępna dla Twojej roli")).to_be_visible()
    screenshot(page, "tour-09-forbidden-coordinator", full=False)


def test_home_in_english(page: Page, signed_in):
    signed_in("staff")
    open_app(page, "/")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="EN").click()
    wait_for_app(page)
    try:
        expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()
        expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()
        _no_exception(page)
        screenshot(page, "tour-10-home-english")
    finally:  # the choice is remembered in the account; give the other tests Polish back
        sidebar.get_by_role("radio", name="PL").click()
        wait_for_app(page)
    expect(page.get_by_role("heading", name="Pulpit", exact=True)).to_be_visible()
