"""The login form: wrong password, lockout after five failures, a correct login."""

from __future__ import annotations

import json
import re

from dashboard.core.i18n import translate
from dashboard.ui import auth
from dashboard.ui import widgets as ui
from tests.app.conftest import page_path, texts
from tests.conftest import app_as

PASSWORD = "right-password-2026"


def _attempt(at, username: str, password: str):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _logged_out():
    at = app_as(None)
    at.run()
    assert not at.exception
    assert [ti.label for ti in at.text_input] == [translate("pl", "login.username"), translate("pl", "login.password")]
    return at


def test_wrong_password_is_refused(make_user):
    username = make_user("staff", PASSWORD)
    at = _attempt(_logged_out(), username, "not-the-password-1")
    assert translate("pl", "login.failed") in texts(at.error)
    assert translate("pl", "page.home") not in texts(at.title)


def test_unknown_user_is_refused_with_the_same_message():
    at = _attempt(_logged_out(), "nobody-here", "whatever-password-1")
    assert translate("pl", "login.failed") in texts(at.error)


def test_five_failures_lock_the_account_even_for_the_right_password(make_user):
    username = make_user("staff", PASSWORD)
    locked_prefix = translate("pl", "login.locked").split("{until}")[0]  # the time varies
    at = _logged_out()
    for attempt in range(1, 6):
        _attempt(at, username, f"wrong-password-{attempt}")
        if attempt < 5:
            assert translate("pl", "login.failed") in texts(at.error), (attempt, texts(at.error))
    at = _attempt(at, username, PASSWORD)  # the sixth attempt, with the right password
    assert any(e.startswith(locked_prefix) for e in texts(at.error)), texts(at.error)
    assert translate("pl", "page.home") not in texts(at.title)
    # A fresh session (another browser) is refused as well: the lock lives in the database.
    at = _attempt(_logged_out(), username, PASSWORD)
    assert any(e.startswith(locked_prefix) for e in texts(at.error)), texts(at.error)


def _cookie_components(at) -> list[str]:
    """streamlit-authenticator's cookie component, anywhere on the page (by method)."""
    return [json.loads(c.proto.json_args).get("method") for c in at.get("component_instance")
            if "CookieManager" in c.proto.component_name]


def _cookie_writers(at) -> list[str]:
    """The bodies of the scripts that write the re-login cookie."""
    return [h.proto.body for h in at.get("html") if "document.cookie" in h.proto.body]


def _written_token(body: str) -> tuple[str, str]:
    """The cookie name and token a cookie-writing script carries."""
    data = json.loads(re.search(r"const c = (\{.*?\});", body).group(1))
    return data["name"], data["token"]


def test_correct_password_logs_in_and_writes_the_cookie_once(make_user, app_db):
    username = make_user("staff", PASSWORD)
    at = _attempt(_logged_out(), username, PASSWORD)
    assert texts(at.title) == ["Pulpit"], "the page is drawn in the same click, no component report awaited"
    assert not at.error
    [body] = _cookie_writers(at)
    name, token = _written_token(body)
    secrets = ui.prepared().secrets["auth"]
    assert name == secrets["cookie_name"]
    assert auth.cookie_username(app_db, token, secrets["cookie_key"], ui.config().session_hours) == username
    at.run()
    assert _cookie_writers(at) == [], "written once, not on every run"


def test_demo_admin_logs_in():
    at = _attempt(_logged_out(), "admin", "demo-admin-2026")
    assert "Pulpit" in texts(at.title)


def test_empty_fields_ask_for_both():
    at = _attempt(_logged_out(), "   ", "")
    assert translate("pl", "login.missing") in texts(at.error)
    assert translate("pl", "login.submit") in [b.label for b in at.button]


def test_no_cookie_component_on_the_login_page_or_beside_a_page(make_user):
    """A component reruns the app when it mounts: on the login page its report swallowed the
    "Zaloguj" click under load, beside a page it reset preset form values."""
    username = make_user("staff", PASSWORD)
    at = _logged_out()
    assert _cookie_components(at) == []
    at = _attempt(at, username, PASSWORD)
    assert _cookie_components(at) == []
    at.switch_page(page_path("organisations.py")).run()
    assert _cookie_components(at) == [] and not at.exception
    at.button(key="logout_button").click().run()
    assert translate("pl", "login.submit") in [b.label for b in at.button]
    assert _cookie_components(at) == [] and _cookie_writers(at) == []
