"""Login with streamlit-authenticator over accounts kept in DuckDB.

The library draws the form, checks bcrypt hashes and keeps the signed re-login cookie; this
module adds what it lacks: accounts and roles from the database (read fresh every run, so a
deactivation or role change applies at once), a lockout persisted across sessions, audit
rows for each login, and cookie writes that survive the rerun after login and logout.
"""

from __future__ import annotations

from datetime import timezone

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from dashboard import clock, ui
from dashboard.i18n import t
from dashboard.roles import Actor
from dashboard.services import users

# Cookie writes go through a browser component that must mount before the next rerun, so
# they are done on the run after login/logout rather than on the run that reruns at once.
_SET_COOKIE = "_auth_set_cookie"
_DELETE_COOKIE = "_auth_delete_cookie"


def _authenticator(credentials: dict) -> stauth.Authenticate:
    secrets = ui.prepared().secrets["auth"]
    return stauth.Authenticate(
        credentials, secrets["cookie_name"], secrets["cookie_key"], ui.config().session_hours / 24,
        auto_hash=False, login_sleep_time=0,
    )


def gate() -> Actor:
    """Return the logged-in actor, or draw the login form and stop the run."""
    db = ui.db()
    credentials = users.login_credentials(db)
    authenticator = _authenticator(credentials)
    if st.session_state.pop(_DELETE_COOKIE, False):
        authenticator.cookie_controller.delete_cookie()
    if st.session_state.get("authentication_status") is False:
        st.session_state["authentication_status"] = None  # so False below means "failed in this run"
    was_logged_in = bool(st.session_state.get("authentication_status"))

    if not was_logged_in:
        via_cookie = bool(authenticator.cookie_controller.get_cookie())
        _login_form(authenticator)
        status = st.session_state.get("authentication_status")
        if status is False:
            _report_failure(credentials)
        if not status:
            st.stop()
        account = users.get_user(db, st.session_state["username"])
        if account and account.get("language"):
            ui.set_language(account["language"])
        if not via_cookie:
            users.record_login_success(db, st.session_state["username"])
            st.session_state[_SET_COOKIE] = True
        st.rerun()  # draw the page without the login form

    account = users.get_user(db, st.session_state["username"])
    if account is None or not account["active"]:
        _logout_state(authenticator)
        st.rerun()
    if st.session_state.pop(_SET_COOKIE, False):
        authenticator.cookie_controller.set_cookie()
    st.session_state["_authenticator"] = authenticator
    return Actor(account["username"], account["role"], account["full_name"])


def _login_form(authenticator: stauth.Authenticate) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("app.title"))
        st.caption(t("login.intro"))
        ui.language_switch()
        fields = {"Form name": t("login.title"), "Username": t("login.username"),
                  "Password": t("login.password"), "Login": t("login.submit")}
        try:
            authenticator.login(location="main", fields=fields, key="login")
        except LoginError:  # a cookie for an account that is gone or deactivated
            st.session_state["authentication_status"] = None
            st.session_state["logout"] = True
        st.session_state["_login_area"] = st.container()


def _report_failure(credentials: dict) -> None:
    """Count the failure against the account it named (the library marks it) and explain."""
    failed = [name for name, data in credentials["usernames"].items() if data.get("failed_login_attempts")]
    username = failed[0] if failed else None
    locked = users.record_login_failure(ui.db(), username)
    area = st.session_state.pop("_login_area", st)
    if locked:
        _, until = users.lock_status(ui.db(), username)
        local = until.replace(tzinfo=timezone.utc).astimezone(clock.WARSAW)
        area.error(t("login.locked", until=local.strftime("%H:%M")))
    else:
        area.error(t("login.failed"))


def _logout_state(authenticator: stauth.Authenticate) -> None:
    authenticator.authentication_controller.logout()
    st.session_state[_DELETE_COOKIE] = True
    st.session_state.pop("actor", None)


def logout_button(who: Actor) -> None:
    if st.sidebar.button(t("nav.logout"), icon=":material/logout:", key="logout_button"):
        users.record_logout(ui.db(), who.username)
        _logout_state(st.session_state["_authenticator"])
        st.rerun()
