"""The volunteer register in a real browser (issue 5): register a volunteer, record a written agreement,
assign them to an opportunity, log their hours, approve them and download the certificate.

Labels come from the catalogues (``translate``), so the test follows the wording of the pages.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from io import BytesIO

import pytest
from playwright.sync_api import Page, expect

from dashboard.core.i18n import translate
from db.connection import MIGRATIONS_DIR
from tests.e2e.conftest import open_app, open_from_sidebar, screenshot, server_today, wait_for_app, wait_until_still

pytestmark = pytest.mark.e2e

# A rare mix of skills (and a surname early in the alphabet): the new volunteer ranks first among the
# matching candidates whatever the demo register holds.
SKILLS = ("law", "accounting", "translation", "fundraising")


def L(key: str, **params) -> str:
    return translate("pl", key, **params)


def _today() -> date:
    """The server's domain day (Europe/Warsaw, on the suite's pinned clock), not the real date."""
    return server_today()


def _message(page: Page, text):
    """The outcome drawn on the page (an alert), not the toast that says the same."""
    return page.get_by_test_id("stAlert").filter(has_text=text)


def _set_date(page: Page, label: str, day: date, scope=None) -> None:
    """Type into Streamlit's segmented date field (day, month, year spinbuttons), then leave it."""
    (scope or page).get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Tab")


def _choose(page: Page, box, option: str) -> None:
    """Pick one option of a select or multiselect box by typing it (the list is searchable)."""
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def _skill_names() -> list[str]:
    """The Polish names of SKILLS as the pages show them: the rows the migration seeds (the server's database
    is another process's, so the test reads them from the migration rather than opening it)."""
    sql = (MIGRATIONS_DIR / "0004_volunteers.sql").read_text(encoding="utf-8")
    names = dict(re.findall(r"\('(\w+)', \d+, '([^']+)'", sql))
    return [names[code] for code in SKILLS]


def _submit(page: Page, scope, label: str) -> None:
    button = scope.get_by_role("button", name=re.compile(re.escape(label) + "$"))  # after an icon's name, if any
    button.scroll_into_view_if_needed()
    wait_until_still(button)
    button.click()
    wait_for_app(page)


def _register(page: Page, first: str, last: str) -> int:
    """The registration form: name, e-mail, birth date, rare skills, active, the processing consent."""
    open_app(page, "/nowy-wolontariusz")
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name=L("volunteers.form.first_name") + " *").fill(first)
    form.get_by_role("textbox", name=L("volunteers.form.last_name") + " *").fill(last)
    form.get_by_role("textbox", name=L("volunteers.form.email")).fill(f"{last.lower()}@example.org")
    _set_date(page, L("volunteers.form.birth_date"), date(1991, 4, 12), form)
    skills = form.get_by_test_id("stMultiSelect").filter(has_text=L("volunteers.form.skills"))
    for name in _skill_names():
        _choose(page, skills, name)
    page.keyboard.press("Escape")
    _choose(page, form.get_by_test_id("stSelectbox").filter(has_text=L("volunteers.form.status")),
            L("volunteers.status.active"))
    form.get_by_text(L("volunteers.form.consent") + " *", exact=True).click()
    for label, value in ((L("volunteers.form.first_name") + " *", first), (L("volunteers.form.last_name") + " *", last)):
        expect(form.get_by_role("textbox", name=label)).to_have_value(value)
    _submit(page, form, L("volunteers.new.submit"))
    expect(page.get_by_role("heading", name=f"{first} {last}")).to_be_visible(timeout=15_000)
    found = re.search(r"[?&]id=(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _open_tab(page: Page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    wait_for_app(page)


def _written_agreement(page: Page, today: date) -> None:
    """A written agreement of 71 days (more than 30: written, no NNW needed), then activated."""
    _open_tab(page, L("volunteers.tab.agreements"))
    expander = page.get_by_test_id("stExpander").filter(has_text=L("volunteers.agreement.add"))
    expander.locator("summary").click()
    wait_until_still(expander)
    form = expander.get_by_test_id("stForm")
    form.get_by_role("textbox", name=L("volunteers.agreement.scope") + " *").fill("Pomoc w punkcie informacyjnym")
    _set_date(page, L("volunteers.agreement.starts_on") + " *", today - timedelta(days=10), form)
    _set_date(page, L("volunteers.agreement.ends_on") + " *", today + timedelta(days=60), form)
    _set_date(page, L("volunteers.agreement.signed_on"), today - timedelta(days=10), form)
    _submit(page, form, L("volunteers.agreement.add_submit"))
    _submit(page, page, L("volunteers.agreement.activate"))
    expect(page.get_by_text(L("volunteers.agreement.status.active"), exact=False).first).to_be_visible()


def _opportunity(page: Page, title: str, today: date) -> int:
    """A week-long opportunity that began two days ago, wanting the rare skills; its page opens."""
    open_from_sidebar(page, "/oferty-wolontariatu")
    expander = page.get_by_test_id("stExpander").filter(has_text=L("volunteer_work.new_opportunity"))
    expander.locator("summary").click()
    wait_until_still(expander)
    form = expander.get_by_test_id("stForm")
    form.get_by_role("textbox", name=L("volunteer_work.title") + " *").fill(title)
    _set_date(page, L("volunteer_work.start_day") + " *", today - timedelta(days=2), form)
    _set_date(page, L("volunteer_work.end_day") + " *", today + timedelta(days=5), form)
    skills = form.get_by_test_id("stMultiSelect")
    for name in _skill_names():
        _choose(page, skills, name)
    page.keyboard.press("Escape")
    expect(form.get_by_role("textbox", name=L("volunteer_work.title") + " *")).to_have_value(title)
    _submit(page, form, L("volunteer_work.create"))
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=15_000)
    found = re.search(r"[?&]id=(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def test_register_agree_assign_log_hours_and_download_the_certificate(page: Page, signed_in):
    today = _today()
    first, last = "Łucja", f"Abramczyk-Żółkiewska-{uuid.uuid4().hex[:4]}"
    signed_in("staff")

    volunteer_id = _register(page, first, last)
    screenshot(page, "volunteers-01-registered")
    _written_agreement(page, today)
    screenshot(page, "volunteers-02-agreement")

    title = f"Dyżur w punkcie informacyjnym {uuid.uuid4().hex[:4]}"
    _opportunity(page, title, today)
    page.locator(f".st-key-assign_{volunteer_id} button").click()
    wait_for_app(page)
    expect(_message(page, L("volunteer_work.assigned", name=f"{last} {first}"))).to_be_visible()
    screenshot(page, "volunteers-03-proposed")
    page.get_by_role("button", name=L("volunteer_work.confirm"), exact=True).click()
    wait_for_app(page)
    expect(_message(page, L("volunteer_work.confirmed_done"))).to_be_visible()
    screenshot(page, "volunteers-04-confirmed")

    open_app(page, f"/godziny-wolontariatu?volunteer={volunteer_id}")
    form = page.get_by_test_id("stForm")
    expect(page.get_by_role("combobox", name=L("volunteer_work.volunteer") + " *")).to_have_value(f"{last} {first}")
    hours = form.get_by_role("spinbutton", name=L("volunteer_work.hours") + " *")
    hours.fill("3.5")
    page.keyboard.press("Tab")
    expect(hours).to_have_value("3.50")
    form.get_by_role("textbox", name=L("volunteer_work.what_was_done")).fill("Informacja dla mieszkańców")
    _submit(page, form, L("volunteer_work.log_submit"))
    expect(_message(page, L("volunteer_work.hours_logged", hours="3,50", name=f"{last} {first}"))).to_be_visible()

    _open_tab(page, L("volunteer_work.tab_queue"))  # the link chose the volunteer in the queue's filter too
    expect(page.get_by_role("combobox", name=L("volunteer_work.volunteer"))).to_have_value(re.compile(re.escape(last)))
    page.get_by_text(L("volunteer_work.select_all"), exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text(L("volunteer_work.queue_count", count=1, chosen=1))).to_be_visible()
    _submit(page, page, L("volunteer_work.approve"))
    expect(_message(page, L("volunteer_work.approved_done", count=1))).to_be_visible()
    screenshot(page, "volunteers-05-hours-approved")

    open_app(page, f"/wolontariusz?id={volunteer_id}")
    _open_tab(page, L("volunteers.tab.documents"))
    _submit(page, page.get_by_test_id("stForm"), L("volunteers.docs.request_submit"))
    _submit(page, page, L("volunteers.docs.prepare_certificate"))
    with page.expect_download() as caught:
        page.get_by_role("button", name=re.compile(re.escape(L("volunteers.docs.download")) + "$")).click()
    pdf = caught.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "ZAŚWIADCZENIE" in text and f"{first} {last}" in text, text
    assert "zatwierdzonych godzin: 3,5 godz." in text, text
    screenshot(page, "volunteers-06-certificate")
