"""Streamlit's own table toolbar offers no "Download as CSV" (it would neutralise no formula).

Every table (st.dataframe, st.data_editor) gets a toolbar on hover; Streamlit's CSV download in it
writes "=HYPERLINK(…)" as a live formula. `.streamlit/config.toml` sets `client.disableDataExport`,
so the only downloads are the app's own buttons, which go through dashboard/core/exports.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_app, wait_for_app

pytestmark = pytest.mark.e2e

# Streamlit labels its toolbar in English whatever the app's language ("Download as CSV").
DOWNLOAD = re.compile(r"download", re.IGNORECASE)


def _hover_first_table(page: Page):
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    wait_for_app(page)
    table.scroll_into_view_if_needed()
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    # The toolbar is there (search, fullscreen…): the hover worked, so a missing download is meaningful.
    expect(toolbar.get_by_test_id("stElementToolbarButton").first).to_be_visible()
    return table, toolbar


@pytest.mark.parametrize("path, role", [("/organizacje", "staff"), ("/rezerwacje", "admin")])
def test_the_table_toolbar_offers_no_csv_download(page: Page, signed_in, path, role):
    signed_in(role)
    open_app(page, path)

    _table, toolbar = _hover_first_table(page)

    labels = [b.get_attribute("aria-label") or "" for b in toolbar.get_by_role("button").all()]
    assert labels, "the hovered table shows a toolbar with buttons"
    assert not [label for label in labels if DOWNLOAD.search(label)], labels
    expect(page.get_by_role("button", name=re.compile("Download as CSV"))).to_have_count(0)
    # The app's own export buttons (exports.py) stay on the page.
    if path == "/rezerwacje":
        expect(page.get_by_test_id("stDownloadButton").first).to_be_visible()
