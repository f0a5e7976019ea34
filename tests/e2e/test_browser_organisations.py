"""The add-organisation form in a real browser: a valid entry is saved and found, a bad NIP explained."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, screenshot, wait_for_app, wait_until_still

pytestmark = pytest.mark.e2e

NIP_CHECKSUM = "Ten NIP ma błędną cyfrę kontrolną"


def _message(page: Page, text):
    """The outcome drawn on the page (an alert), not the toast that says the same."""
    return page.get_by_test_id("stAlert").filter(has_text=text)


@pytest.fixture
def register(page: Page, signed_in) -> Page:
    signed_in("staff")
    open_app(page, "/organizacje")
    expect(page.get_by_role("heading", name="Organizacje")).to_be_visible()
    # The table's code is fetched the first time a browser shows one, after the run has ended;
    # when it arrives the table pushes the form ~400 px down, so a click aimed earlier misses.
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    wait_for_app(page)
    return page


def _open_form(page: Page):
    expander = page.get_by_test_id("stExpander").filter(has_text="Dodaj organizację")
    expander.locator("summary").click()
    form = page.get_by_test_id("stForm")
    expect(form).to_be_visible()
    wait_until_still(expander)
    return form


def _submit(page: Page, form, name: str, nip: str) -> None:
    form.get_by_role("textbox", name="Nazwa *").fill(name)
    form.get_by_role("textbox", name="NIP").fill(nip)
    submit = form.get_by_role("button", name="Dodaj organizację")
    submit.scroll_into_view_if_needed()
    wait_until_still(submit)
    submit.click()
    wait_for_app(page)


def _valid_nip(seed: int) -> str:
    digits = [1 + seed % 9] + [int(c) for c in f"{seed:08d}"[-8:]]
    check = sum(w * d for w, d in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), digits)) % 11
    if check == 10:
        return _valid_nip(seed + 1)
    return "".join(map(str, digits + [check]))


def test_add_an_organisation_and_find_it(register: Page):
    page = register
    name = f"Fundacja Przeglądarkowa {uuid.uuid4().hex[:6]}"
    nip = _valid_nip(uuid.uuid4().int % 10**8)
    _submit(page, _open_form(page), name, nip)
    expect(_message(page, "Organizacja dodana do rejestru.")).to_be_visible()

    search = page.get_by_role("textbox", name="Szukaj")
    search.fill(name.split()[-1])
    search.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("Znalezione organizacje: 1 z")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame")
    expect(grid.get_by_test_id("glide-cell-1-0")).to_have_text(name)
    expect(grid.get_by_test_id("glide-cell-3-0")).to_have_text(nip)
    screenshot(page, "organisations-01-added-and-found")


def test_invalid_nip_is_explained_next_to_the_field(register: Page):
    page = register
    name = f"Stowarzyszenie Literówki {uuid.uuid4().hex[:6]}"
    form = _open_form(page)
    _submit(page, form, name, "1234567890")
    # The reason is under the field and again in the list by the submit button (below it): the first is the field's.
    message = form.get_by_text(NIP_CHECKSUM).first
    expect(message).to_be_visible()
    expect(form.get_by_role("textbox", name="Nazwa *")).to_have_value(name)
    expect(_message(page, "Popraw zaznaczone pola")).to_be_visible()

    # "Next to the field": the message is in the NIP field's column, just below the input.
    nip_box = form.get_by_role("textbox", name="NIP").bounding_box()
    regon_box = form.get_by_role("textbox", name="REGON").bounding_box()
    message_box = message.bounding_box()
    assert nip_box and message_box and regon_box
    assert 0 <= message_box["y"] - (nip_box["y"] + nip_box["height"]) < 60, (nip_box, message_box)
    assert message_box["x"] < regon_box["x"], "the message stays in the NIP column"
    screenshot(page, "organisations-02-invalid-nip")
