"""A reload does not throw away a half-filled form without warning, in a real browser.

Staff type an organisation into the register's form and press F5 by mistake: the browser asks first (a
``beforeunload`` dialog). Once the form is saved there is nothing to lose, and a reload goes ahead at once.
A search typed outside a form is nothing to lose either.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.conftest import open_app, screenshot, wait_for_app, wait_until_still

pytestmark = pytest.mark.e2e


@pytest.fixture
def register(page: Page, signed_in) -> Page:
    signed_in("staff")
    open_app(page, "/organizacje")
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()  # arrives late and pushes the form down
    wait_for_app(page)
    return page


def _open_form(page: Page):
    expander = page.get_by_test_id("stExpander").filter(has_text="Dodaj organizację")
    expander.locator("summary").click()
    form = page.get_by_test_id("stForm")
    expect(form).to_be_visible()
    wait_until_still(expander)
    return form


def _reload_asks(page: Page) -> list[str]:
    """Reload the page; the kinds of the dialogs the browser raised on the way (each dismissed: stay)."""
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    try:
        page.reload(timeout=5_000)
    except Exception:  # the reload was stopped by dismissing the dialog: the page stays as it was
        pass
    page.wait_for_timeout(500)
    page.remove_listener("dialog", answer)
    return asked


def test_a_reload_asks_first_while_the_form_holds_unsaved_input(register: Page):
    page = register
    form = _open_form(page)
    name = form.get_by_role("textbox", name="Nazwa *")
    name.click()
    name.press_sequentially("Stowarzyszenie Niedokończone", delay=10)  # typing is the gesture Chromium wants
    screenshot(page, "unsaved-01-half-filled", full=False)

    assert _reload_asks(page) == ["beforeunload"]
    expect(name).to_have_value("Stowarzyszenie Niedokończone")  # staying kept what was typed


def test_after_a_save_a_reload_goes_ahead(register: Page):
    page = register
    form = _open_form(page)
    name = f"Fundacja Zapisana {uuid.uuid4().hex[:6]}"
    field = form.get_by_role("textbox", name="Nazwa *")
    field.click()
    field.press_sequentially(name, delay=5)
    submit = form.get_by_role("button", name="Dodaj organizację")
    submit.scroll_into_view_if_needed()
    wait_until_still(submit)
    submit.click()
    wait_for_app(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Organizacja dodana do rejestru.")).to_be_visible()
    screenshot(page, "unsaved-02-saved", full=False)

    assert _reload_asks(page) == []
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()


def test_a_search_outside_a_form_is_nothing_to_lose(register: Page):
    page = register
    _open_form(page)  # the guard is on the page
    search = page.get_by_role("textbox", name="Szukaj")
    search.click()
    search.press_sequentially("Zielona", delay=10)
    assert _reload_asks(page) == []


def test_a_form_drawn_by_a_page_itself_is_guarded_too(page: Page, signed_in):
    """The advisory log's form is the page's own st.form, not a shared form helper: the guard is on every page."""
    signed_in("staff")
    open_app(page, "/doradztwo")
    expander = page.get_by_test_id("stExpander").filter(has_text="Zapisz poradę")
    expander.locator("summary").click()
    question = page.get_by_test_id("stForm").get_by_role("textbox", name="Pytanie lub problem *")
    expect(question).to_be_visible()
    wait_until_still(expander)
    question.click()
    question.press_sequentially("Jak rozliczyć dotację z Funduszu Inicjatyw Lokalnych?", delay=5)

    assert _reload_asks(page) == ["beforeunload"]
    expect(question).to_have_value("Jak rozliczyć dotację z Funduszu Inicjatyw Lokalnych?")
