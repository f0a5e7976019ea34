"""An address that is no page of the app shows the home page with a note saying so."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, screenshot

pytestmark = pytest.mark.e2e


def test_unknown_address_lands_on_home_with_a_note(page: Page, signed_in):
    signed_in("staff")
    open_app(page, "/nie-ma-takiej-strony")
    screenshot(page, "unknown-01-streamlit-dialog")
    page.keyboard.press("Escape")  # Streamlit's own "page not found" dialog comes first
    expect(page.get_by_role("dialog")).to_have_count(0)
    screenshot(page, "unknown-02-home-with-note")
    expect(page.get_by_role("heading", name="Pulpit")).to_be_visible()
    expect(page.get_by_text("Nie ma strony „nie-ma-takiej-strony”")).to_be_visible()
