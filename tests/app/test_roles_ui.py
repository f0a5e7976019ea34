"""A coordinator reads but finds no way to write; staff do see the forms (so the checks bite)."""

from __future__ import annotations

import pytest

from dashboard.core.i18n import translate
from tests.app.conftest import DEMO_USERS, page_path, texts
from tests.conftest import app_as

ADD = translate("pl", "org.add")
EDIT = translate("pl", "org.edit")


def _page(role: str, file: str, **query):
    at = app_as(DEMO_USERS[role])
    at.run()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page_path(file)).run()
    assert not at.exception, at.exception
    return at


def _write_widgets(at) -> dict:
    return {
        "expanders": [e.label for e in at.expander if e.label in (ADD, EDIT)],
        "forms": [f.key for f in at.get("form")],
        "submit_buttons": [b.label for b in at.button if b.label in (ADD, translate("pl", "common.save"))],
        "form_inputs": [ti.key for ti in at.text_input if str(ti.key).startswith(("org_new__", "org_edit_"))],
    }


def test_coordinator_has_no_add_organisation_form():
    at = _page("coordinator", "organisations.py")
    assert translate("pl", "page.organisations") in texts(at.title)
    assert at.dataframe, "the register itself is readable"
    assert _write_widgets(at) == {"expanders": [], "forms": [], "submit_buttons": [], "form_inputs": []}


def test_coordinator_has_no_edit_form_on_an_organisation():
    at = _page("coordinator", "organisation.py", id="1")
    assert at.title and at.title[0].value
    assert _write_widgets(at) == {"expanders": [], "forms": [], "submit_buttons": [], "form_inputs": []}


@pytest.mark.parametrize(("file", "query", "label"), [("organisations.py", {}, ADD),
                                                      ("organisation.py", {"id": "1"}, EDIT)])
def test_staff_do_get_the_forms(file, query, label):
    at = _page("staff", file, **query)
    widgets = _write_widgets(at)
    assert widgets["expanders"] == [label]
    assert len(widgets["forms"]) == 1 and widgets["submit_buttons"]
