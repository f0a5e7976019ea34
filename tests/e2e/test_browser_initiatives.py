"""A local initiative in a real browser: register the residents' application, move it to accepted on
its page, then find it on the stages board and in its osiedle's summary."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, open_from_sidebar, screenshot, wait_for_app, wait_until_still

pytestmark = pytest.mark.e2e

OSIEDLE = "Stary Widzew"


def _message(page: Page, text):
    """The outcome drawn on the page (an alert), not the toast that says the same."""
    return page.get_by_test_id("stAlert").filter(has_text=text)


def _pick(page: Page, label: str, option: str) -> None:
    """Choose an option of a Streamlit select box by typing it (the list is searchable)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()


def _fill(page: Page, label: str, value: str) -> None:
    field = page.get_by_role("textbox", name=label, exact=True)
    field.fill(value)
    expect(field).to_have_value(value)


def _register(page: Page, title: str) -> None:
    _fill(page, "Tytuł inicjatywy *", title)
    _fill(page, "Opis zadania", "Mural na ścianie kamienicy, malowany z dziećmi z podwórka.")
    _pick(page, "Obszar (art. 19b ustawy)", "Kultura, sztuka")
    _pick(page, "Osiedle *", OSIEDLE)
    _fill(page, "Lider grupy *", "Łucja Żółkiewska")
    _fill(page, "E-mail lidera", "lucja.zolkiewska@example.org")
    _fill(page, "Wartość (zł)", "4 500")
    _fill(page, "Praca społeczna (godziny)", "80")
    _fill(page, "Wkład pieniężny (zł)", "300")
    submit = page.get_by_role("button", name="Zarejestruj wniosek")
    wait_until_still(submit)
    submit.click()
    wait_for_app(page)


def _move(page: Page, stage: str) -> None:
    """Take the preselected next step (the onward one) and check the page says where it went."""
    step = page.get_by_role("radiogroup", name="Następny krok").get_by_role("radio", name=stage)
    expect(step).to_be_checked()  # the onward step comes preselected
    step.click()
    wait_for_app(page)
    confirm = page.get_by_text("Potwierdzam przyjęcie ponad budżet")
    if confirm.count():  # the demo year's budget may already be spent: accepting needs a reason
        confirm.click()
        _fill(page, "Powód przyjęcia ponad budżet *", "Rada Miejska zwiększyła plan wydatków")
    submit = page.get_by_role("button", name=f"Przenieś do etapu „{stage}”")
    wait_until_still(submit)
    submit.click()
    wait_for_app(page)
    expect(_message(page, f"Inicjatywa przeszła do etapu „{stage}”.")).to_be_visible()


def test_register_accept_and_find_on_the_board_and_in_the_osiedle(page: Page, signed_in):
    title = f"Mural podwórkowy {uuid.uuid4().hex[:5]}"
    signed_in("staff")
    open_app(page, "/nowa-inicjatywa")
    _register(page, title)
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(_message(page, re.compile(r"Zarejestrowano inicjatywę nr \d+"))).to_be_visible()
    screenshot(page, "initiative-01-registered")

    for stage in ("Weryfikacja formalna", "Opiniowanie przez zespół", "Przyjęty do realizacji"):
        _move(page, stage)
    history = page.get_by_test_id("stMarkdownContainer").filter(has_text="→")
    expect(history.filter(has_text="Opiniowanie przez zespół → Przyjęty do realizacji")).to_have_count(1)
    screenshot(page, "initiative-02-accepted")
    number = re.search(r"nr (\d+)", page.get_by_text(re.compile(r"^nr \d+ · ")).first.inner_text()).group(1)

    open_from_sidebar(page, "/inicjatywy-etapy")
    column = page.get_by_test_id("stColumn").filter(has_text="Przyjęty do realizacji ·")
    card = column.get_by_test_id("stVerticalBlock").filter(has_text=title).last  # the innermost block: the card
    expect(card).to_be_visible()
    expect(card).to_contain_text(f"{OSIEDLE} · dni na etapie: 0")
    expect(card.get_by_role("link", name=f"Otwórz (nr {number})")).to_be_visible()
    screenshot(page, "initiative-03-board")

    open_from_sidebar(page, "/inicjatywy-osiedla")
    _pick(page, "Osiedle", OSIEDLE)
    wait_for_app(page)
    expect(page.get_by_role("link", name=f"{title} — Przyjęty do realizacji")).to_be_visible()
    screenshot(page, "initiative-04-osiedle")
