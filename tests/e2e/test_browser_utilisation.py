"""The live utilisation page in a real browser: switch the period, download a chart as PNG."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_switch_the_period_and_download_a_chart_as_png(page: Page, signed_in, tmp_path):
    signed_in("coordinator")
    open_app(page, "/wykorzystanie")
    expect(page.get_by_role("heading", name="Wykorzystanie — na żywo")).to_be_visible()
    month = page.get_by_test_id("stCaptionContainer").filter(has_text="Okres ").first.inner_text()

    page.get_by_role("radio", name="pilotaż", exact=True).click()
    wait_for_app(page)

    period = page.get_by_test_id("stCaptionContainer").filter(has_text="Okres ").first
    expect(period).not_to_have_text(month)
    expect(page.get_by_text("Obłożenie sal w tygodniach (cel: 50–80%)")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    screenshot(page, "utilisation-pilot")

    with page.expect_download() as download:
        page.locator(".st-key-png_occupancy button").click()
    saved = tmp_path / "chart.png"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "occupancy.png"
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and saved.stat().st_size > 5_000
