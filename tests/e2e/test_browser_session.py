"""A login survives a reload and opens deep links in other tabs of the same browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, open_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# streamlit-authenticator's cookie component: never drawn. Its report on mounting swallowed the
# login click under load, and beside a page it reset preset form values.
COOKIE_FRAME = 'iframe[title$="CookieManager.cookie_manager"]'


def test_reload_and_deep_link_keep_the_login(page: Page, auth_cookie_name):
    open_app(page, "/")
    expect(page.get_by_role("button", name="Zaloguj")).to_be_visible()
    expect(page.locator(COOKIE_FRAME)).to_have_count(0)
    screenshot(page, "session-01-login", full=False)
    login(page, "admin", cookie=auth_cookie_name)
    expect(page.get_by_role("heading", name="Pulpit")).to_be_visible()

    page.get_by_test_id("stSidebar").get_by_role("link", name="Organizacje").click()
    wait_for_app(page)
    assert page.url.rstrip("/").endswith("/organizacje"), page.url
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()

    page.reload()
    wait_for_app(page)
    assert page.url.rstrip("/").endswith("/organizacje"), page.url
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()
    expect(page.get_by_role("button", name="Zaloguj")).to_have_count(0)
    expect(page.get_by_role("button", name="Wyloguj")).to_be_visible()
    expect(page.locator(COOKIE_FRAME)).to_have_count(0)
    screenshot(page, "session-02-after-reload", full=False)

    other = page.context.new_page()
    open_app(other, "/uzytkownicy")
    assert other.url.rstrip("/").endswith("/uzytkownicy"), other.url
    expect(other.get_by_role("heading", name="Użytkownicy")).to_be_visible()
    expect(other.get_by_role("button", name="Zaloguj")).to_have_count(0)
    expect(other.locator(COOKIE_FRAME)).to_have_count(0)
    screenshot(other, "session-03-deep-link-users", full=False)
    other.close()


def test_deep_link_before_login_lands_on_the_page_asked_for(page: Page):
    open_app(page, "/organizacje")
    expect(page.get_by_role("button", name="Zaloguj")).to_be_visible()
    login(page, "staff")
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()
    assert page.url.rstrip("/").endswith("/organizacje"), page.url
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()


def test_logout_then_reload_shows_the_login_form(page: Page, auth_cookie_name):
    open_app(page, "/")
    login(page, "staff", cookie=auth_cookie_name)
    page.get_by_role("button", name="Wyloguj").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Zaloguj")).to_be_visible()
    # The cookie stays in the browser, but the server refuses it from the sign-out on: a reload
    # at once must not sign the user back in.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Zaloguj")).to_be_visible()
    expect(page.get_by_role("heading", name="Pulpit")).to_have_count(0)
