"""The re-login cookie: who it signs in, and that signing out revokes it on the server."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt

from dashboard.core import clock
from dashboard.services.admin import users
from dashboard.ui.auth import cookie_username

KEY = "a-cookie-key-for-tests-only-0123456789"
HOURS = 12
ISSUED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC).timestamp()


def _token(username: str, issued: float = ISSUED, key: str = KEY) -> str:
    return jwt.encode({"username": username, "exp_date": issued + HOURS * 3600}, key, algorithm="HS256")


def test_a_valid_cookie_names_its_user(db, make_user):
    make_user("ewa")
    assert cookie_username(db, _token("ewa"), KEY, HOURS, now=ISSUED + 60) == "ewa"


def test_a_forged_expired_or_missing_cookie_signs_nobody_in(db, make_user):
    make_user("ewa")
    assert cookie_username(db, None, KEY, HOURS, now=ISSUED) is None
    assert cookie_username(db, "not-a-token", KEY, HOURS, now=ISSUED) is None
    assert cookie_username(db, _token("ewa", key="someone-elses-key-0123456789abcdef"), KEY, HOURS, now=ISSUED) is None
    assert cookie_username(db, _token("ewa"), KEY, HOURS, now=ISSUED + HOURS * 3600 + 1) is None
    assert cookie_username(db, _token("nobody"), KEY, HOURS, now=ISSUED) is None


def test_a_deactivated_account_is_refused(db, admin, make_user):
    make_user("ewa")
    users.deactivate_user(db, admin, "ewa")
    assert cookie_username(db, _token("ewa"), KEY, HOURS, now=ISSUED + 60) is None


def test_signing_out_revokes_cookies_issued_before_it_not_after(db, make_user):
    make_user("ewa")
    clock.freeze(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    try:
        users.record_logout(db, "ewa")
    finally:
        clock.freeze(None)
    sign_out = datetime(2026, 12, 1, 10, 0, tzinfo=UTC).timestamp()
    assert cookie_username(db, _token("ewa"), KEY, HOURS, now=sign_out + 60) is None
    assert cookie_username(db, _token("ewa", issued=sign_out + 30), KEY, HOURS, now=sign_out + 60) == "ewa"


def test_one_users_sign_out_does_not_revoke_anothers_cookie(db, make_user):
    make_user("ewa")
    make_user("jan")
    users.record_logout(db, "jan")
    assert cookie_username(db, _token("ewa"), KEY, HOURS, now=ISSUED + 60) == "ewa"
