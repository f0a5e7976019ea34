"""Login with streamlit-authenticator over accounts kept in DuckDB.

The library draws the form, checks bcrypt hashes and keeps the signed re-login cookie; this
module adds what it lacks: accounts and roles from the database (read fresh every run, so a
deactivation or role change applies at once), a lockout persisted across sessions, audit
rows for each login, a re-login cookie read without drawing the library's cookie component
beside a page, and a sign-out that holds on the server (a cookie issued before the user's last
sign-out no longer signs anyone in), so it does not depend on a browser component deleting it.
"""

from __future__ import annotations

import time
from datetime import timezone

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from dashboard import clock, ui
from dashboard.i18n import t
from dashboard.roles import Actor
from dashboard.services import users

# Cookie writes go through a browser component (streamlit-authenticator's CookieManager) that
# must mount to act and reports back when it does, which starts another run. So it is drawn
# only on the login page, never beside a page: a report arriving while a page's form registered
# its widgets reset preset values (a new booking's 10 attendees showed 0 in about one fresh page
# load in five). Reading the cookie needs no component (_sign_in_from_cookie), and signing out
# needs none either: the cookie stays in the browser but is refused (users.signed_out_at).


def _authenticator(credentials: dict) -> stauth.Authenticate:
    secrets = ui.prepared().secrets["auth"]
    return stauth.Authenticate(
        credentials, secrets["cookie_name"], secrets["cookie_key"], ui.config().session_hours / 24,
        auto_hash=False, login_sleep_time=0,
    )


def gate() -> Actor:
    """Return the logged-in actor, or draw the login form and stop the run."""
    db = ui.db()
    if not st.session_state.get("authentication_status"):
        _sign_in_from_cookie(db)
    if st.session_state.get("authentication_status"):
        # Signed in: no authenticator is built, so no cookie component is drawn (see above).
        account = users.get_user(db, st.session_state["username"])
        if account is not None and account["active"]:
            return Actor(account["username"], account["role"], account["full_name"])
        _sign_out_state()  # the account was removed or deactivated since the last run
    credentials = users.login_credentials(db)
    # The library would read the cookie too; _sign_in_from_cookie has refused it already (signed
    # out, expired, or an inactive account), so the library must not accept it behind our back.
    st.session_state["logout"] = True
    authenticator = _authenticator(credentials)
    if st.session_state.get("authentication_status") is False:
        st.session_state["authentication_status"] = None  # so False below means "failed in this run"
    _login_form(authenticator)
    status = st.session_state.get("authentication_status")
    if status is False:
        _report_failure(credentials)
    if not status:
        st.stop()
    account = users.get_user(db, st.session_state["username"])
    if account and account.get("language"):
        ui.set_language(account["language"])
    users.record_login_success(db, st.session_state["username"])
    st.session_state["logout"] = None
    # The library's login() has just drawn the component that writes the cookie. End the run
    # here: the component acts when it mounts and its report starts the next run, which draws
    # the page. (A rerun now would unmount it unwritten; drawing the page now would race with
    # that report.)
    st.stop()


def _sign_in_from_cookie(db) -> bool:
    """A returning user's cookie signs them in without the login page (a reload, a deep link,
    a new tab), read here rather than by the library so that no cookie component is drawn."""
    if st.session_state.get("logout"):  # signed out in this session: the cookie no longer counts
        return False
    secrets = ui.prepared().secrets["auth"]
    username = cookie_username(db, st.context.cookies.get(secrets["cookie_name"]), secrets["cookie_key"],
                               ui.config().session_hours)
    if username is None:
        return False
    account = users.get_user(db, username)
    st.session_state.update(username=username, name=account["full_name"], email=account["email"],
                            roles=[account["role"]], authentication_status=True, logout=None)
    if account.get("language"):
        ui.set_language(account["language"])
    return True


def cookie_username(db, token: str | None, key: str, session_hours: float, now: float | None = None) -> str | None:
    """Whose valid re-login cookie this is, or None.

    Checked as the library checks it (signature, ``exp_date``, an active account), and refused
    when issued before the account's last sign-out: that is what makes signing out hold on a
    reload, with no browser component needed to delete the cookie. The token holds only its
    expiry, so its issue time is the expiry minus the session length.
    """
    if not token:
        return None
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
        username, expires = str(claims["username"]), float(claims["exp_date"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    account = users.get_user(db, username)
    if account is None or not account["active"] or expires <= now:
        return None
    signed_out = users.signed_out_at(db, username)
    issued = expires - session_hours * 3600
    if signed_out is not None and issued <= signed_out.replace(tzinfo=timezone.utc).timestamp():
        return None
    return username


def _login_form(authenticator: stauth.Authenticate) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("app.title"))
        st.caption(t("login.intro"))
        ui.language_switch()
        fields = {"Form name": t("login.title"), "Username": t("login.username"),
                  "Password": t("login.password"), "Login": t("login.submit")}
        _call_login(authenticator, location="main", fields=fields)
        st.session_state["_login_area"] = st.container()


def _call_login(authenticator: stauth.Authenticate, **kwargs) -> None:
    try:
        authenticator.login(key="login", **kwargs)
    except LoginError:  # a cookie for an account that is gone or deactivated
        st.session_state["authentication_status"] = None
        st.session_state["logout"] = True


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


def _sign_out_state() -> None:
    """Forget the sign-in in this session (what the library's logout does, without building it)."""
    for key in ("authentication_status", "username", "name", "email", "roles"):
        st.session_state[key] = None
    st.session_state["logout"] = True
    st.session_state.pop("actor", None)


def logout_button(who: Actor) -> None:
    if st.sidebar.button(t("nav.logout"), icon=":material/logout:", key="logout_button"):
        users.record_logout(ui.db(), who.username)  # from now on, the user's cookie is refused
        _sign_out_state()
        st.rerun()
