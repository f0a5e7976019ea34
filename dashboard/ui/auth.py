"""Login over accounts kept in DuckDB, with streamlit-authenticator checking the password.

The library checks bcrypt hashes and marks failed attempts; this module adds what it lacks:
accounts and roles from the database (read fresh every run, so a deactivation or role change
applies at once), a lockout persisted across sessions, audit rows for each login, a signed
re-login cookie written and read without a browser component, and a sign-out that holds on the
server (a cookie issued before the user's last sign-out no longer signs anyone in).
"""

from __future__ import annotations

import json
import time
from datetime import UTC

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import t
from dashboard.core.roles import Actor
from dashboard.services.admin import users
from dashboard.ui import widgets as ui

# The library's own login form builds its cookie component (stx.CookieManager) on the login
# page, and the component reports back when it mounts, starting a run. A "Zaloguj" click that
# meets that report is lost: under load (10 browsers at once) one login in four did nothing.
# So the form is drawn here, the library only checks the password, and the cookie is written by
# a script in the next run's sidebar, which reports nothing back (write_pending_cookie).
# The library and PyJWT (~0.8 s of imports together) are imported where a password or a cookie is
# checked, not with this module: the login form of a freshly started server does not wait for them
# (the warm-up, dashboard/ui/warmup.py, imports them while the person types).
_PENDING_COOKIE = "_login_cookie_to_write"


def gate() -> Actor:
    """Return the logged-in actor, or draw the login form and stop the run."""
    db = ui.db()
    if not st.session_state.get("authentication_status"):
        _sign_in_from_cookie(db)
    if st.session_state.get("authentication_status"):
        account = users.get_user(db, st.session_state["username"])
        if account is not None and account["active"]:
            return Actor(account["username"], account["role"], account["full_name"])
        _sign_out_state()  # the account was removed or deactivated since the last run
    credentials = users.login_credentials(db)
    st.session_state["logout"] = True  # until a password is accepted, the cookie counts for nothing
    st.session_state["authentication_status"] = None
    username, password, area = _login_form()
    if username is None:
        st.stop()
    if not username.strip() or not password:
        area.error(t("login.missing"))
        st.stop()
    from streamlit_authenticator.controllers import AuthenticationController
    from streamlit_authenticator.utilities.exceptions import LoginError

    try:
        accepted = AuthenticationController(credentials, auto_hash=False).login(username, password)
    except LoginError:
        accepted = False
    if not accepted:
        st.session_state["authentication_status"] = None
        _report_failure(credentials, area)
        st.stop()
    username = st.session_state["username"]
    account = users.get_user(db, username)
    if account and account.get("language"):
        ui.set_language(account["language"])
    users.record_login_success(db, username)
    st.session_state["logout"] = None
    secrets = ui.prepared().secrets["auth"]
    st.session_state[_PENDING_COOKIE] = (secrets["cookie_name"],) + login_token(
        username, secrets["cookie_key"], ui.config().session_hours)
    st.rerun()  # the next run draws the page asked for (a deep link's too) and writes the cookie


def login_token(username: str, key: str, session_hours: float, now: float | None = None) -> tuple[str, float]:
    """The signed re-login token and its expiry (epoch seconds), in the library's format, so
    that ``cookie_username`` reads it as it reads one the library wrote."""
    import jwt

    expires = (time.time() if now is None else now) + session_hours * 3600
    return jwt.encode({"username": username, "exp_date": expires}, key, algorithm="HS256"), expires


def write_pending_cookie() -> None:
    """Write the re-login cookie of a login that has just succeeded, once, by a script that
    reports nothing back (so no click can meet its report). Only server-made text reaches it:
    the cookie name from the secrets file and the token signed here."""
    pending = st.session_state.pop(_PENDING_COOKIE, None)
    if pending is None:
        return
    st.sidebar.html(cookie_script(*pending), unsafe_allow_javascript=True)


def cookie_script(name: str, token: str, expires: float) -> str:
    """A script setting the cookie; its data is JSON with ``</`` escaped, so no value can end it."""
    data = json.dumps({"name": name, "token": token, "expires_ms": int(expires * 1000)}).replace("</", "<\\/")
    return ("<script>(() => { const c = " + data + "; document.cookie = c.name + '=' + c.token"
            " + '; expires=' + new Date(c.expires_ms).toUTCString() + '; path=/; SameSite=Strict'"
            " + (location.protocol === 'https:' ? '; Secure' : ''); })();</script>")


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
    import jwt

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
    if signed_out is not None and issued <= signed_out.replace(tzinfo=UTC).timestamp():
        return None
    return username


def _login_form() -> tuple[str | None, str, st.delta_generator.DeltaGenerator]:
    """The login form; (username, password, the place for its message), username None until sent."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("app.title"))
        st.caption(t("login.intro"))
        ui.language_switch()
        with st.form("login"):
            st.subheader(t("login.title"))
            username = st.text_input(t("login.username"), autocomplete="username")
            password = st.text_input(t("login.password"), type="password", autocomplete="current-password")
            sent = st.form_submit_button(t("login.submit"))
        area = st.container()
    return (username if sent else None), password, area


def _report_failure(credentials: dict, area) -> None:
    """Count the failure against the account it named (the library marks it) and explain."""
    failed = [name for name, data in credentials["usernames"].items() if data.get("failed_login_attempts")]
    username = failed[0] if failed else None
    locked = users.record_login_failure(ui.db(), username)
    if locked:
        _, until = users.lock_status(ui.db(), username)
        local = until.replace(tzinfo=UTC).astimezone(clock.WARSAW)
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
