"""Import in a real browser: upload a Polish-Excel CSV, read the preview, import; a bad file is blocked."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, open_from_sidebar, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _message(page: Page, text):
    """The outcome drawn on the page (an alert), not the toast that says the same."""
    return page.get_by_test_id("stAlert").filter(has_text=text)


def _upload(page: Page, path: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_for_app(page)


def test_a_cp1250_file_is_previewed_imported_and_a_bad_one_blocked(page: Page, signed_in, tmp_path):
    tag = uuid.uuid4().hex[:5]
    good = tmp_path / "organizacje.csv"
    good.write_bytes((f"Nazwa;Forma prawna;Miejscowość\n"
                      f"Fundacja Łódzkie Źródła {tag};fundacja;Łódź\n"
                      f"Stowarzyszenie Żurawie z Bałut {tag};stowarzyszenie;Łódź\n").encode("cp1250"))
    bad = tmp_path / "z-bledem.csv"
    bad.write_bytes((f"Nazwa;Forma prawna;NIP\nKlub Ósemka {tag};klub;123\n").encode("cp1250"))

    signed_in("staff")
    open_app(page, "/import")
    _upload(page, good)
    expect(page.get_by_text("kodowanie cp1250")).to_be_visible()
    expect(page.get_by_text("Wszystkie wiersze są poprawne.")).to_be_visible()
    screenshot(page, "import-01-preview")

    page.get_by_role("button", name="Importuj wiersze: 2").click()
    wait_for_app(page)
    expect(_message(page, "Zaimportowano: 2. Pominięte duplikaty: 0.")).to_be_visible()

    _upload(page, bad)
    expect(page.get_by_role("button", name="Importuj wiersze: 1")).to_be_disabled()
    expect(page.get_by_text("Import jest zablokowany")).to_be_visible()
    screenshot(page, "import-02-blocked")

    open_from_sidebar(page, "/organizacje")
    page.get_by_role("textbox", name="Szukaj").fill(tag)
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("Znalezione organizacje: 2 z")).to_be_visible()
