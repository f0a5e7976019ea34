"""The PL | EN switch changes the page's words and keeps the user on the same page.

AppTest evaluates a selectbox's ``format_func`` outside the script run (where the session's
language is not readable), so a switch *back* is checked on the home page, which has no
selectbox; the browser has no such limit.
"""

from __future__ import annotations

from dashboard.core.i18n import translate
from tests.app.conftest import page_path, texts
from tests.conftest import app_as


def _lang(at):
    return at.button_group(key="_lang_switch")


def test_switch_to_english_keeps_the_page(make_user):
    # A user of its own: the choice is remembered in the account and must not leak into other tests.
    at = app_as(make_user("staff"))
    at.run()
    at.switch_page(page_path("organisations.py")).run()
    assert texts(at.title) == [translate("pl", "page.organisations")]
    assert _lang(at).value == "pl"

    _lang(at).set_value("en").run()
    assert not at.exception, at.exception
    assert texts(at.title) == [translate("en", "page.organisations")]
    assert at.text_input(key="org_search").label == translate("en", "org.search")
    assert translate("en", "nav.logout") in [b.label for b in at.button]
    assert _lang(at).value == "en"


def test_switch_back_to_polish(make_user):
    at = app_as(make_user("coordinator"))
    at.run()
    _lang(at).set_value("en").run()
    assert texts(at.title) == [translate("en", "page.home")]
    _lang(at).set_value("pl").run()
    assert not at.exception, at.exception
    assert texts(at.title) == [translate("pl", "page.home")]
    assert translate("pl", "nav.logout") in [b.label for b in at.button]


def test_the_choice_is_remembered_for_the_next_login(make_user, app_db):
    username = make_user("staff")
    at = app_as(username)
    at.run()
    _lang(at).set_value("en").run()
    assert app_db.scalar("select language from app_user where username = ?", [username]) == "en"
