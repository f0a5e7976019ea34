"""Accounts: strong passwords, unique names, the 5-failures/15-minutes lockout, and the
credentials handed to the login widget (which must never let a locked or blocked user in).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import bcrypt
import pytest

from dashboard.core import clock
from dashboard.core.errors import Conflict, NotFound, ValidationError
from dashboard.services.admin import users

# Taken at import, before the unit conftest swaps in a quick hash for each test.
REAL_HASH_PASSWORD = users.hash_password
PASSWORD = "Księży-Młyn-1905"
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def matches(password: str, stored_hash: str) -> bool:
    return bcrypt.checkpw(password.encode("utf-8"), stored_hash.encode("ascii"))


def stored_hash(db, username: str) -> str:
    return db.scalar("select password_hash from app_user where username = ?", [username])


def fail_logins(db, username: str, times: int) -> list[bool]:
    return [users.record_login_failure(db, username) for _ in range(times)]


# -- creating accounts ------------------------------------------------------------------------

def test_an_eleven_character_password_is_refused(db, admin):
    assert len("Łódź-Fabryc") == 11
    with pytest.raises(ValidationError) as caught:
        users.add_user(db, admin, username="jan.nowak", full_name="Jan Nowak", role="staff", password="Łódź-Fabryc")
    message = caught.value.errors["password"]
    assert (message.key, message.params) == ("error.password_short", {"min": 12})
    assert users.count_users(db) == 0


def test_a_twelve_character_password_is_enough(db, admin):
    users.add_user(db, admin, username="jan.nowak", full_name="Jan Nowak", role="staff", password="Łódź-Kaliska")
    assert matches("Łódź-Kaliska", stored_hash(db, "jan.nowak"))


def test_a_password_with_leading_or_trailing_spaces_is_refused(db, admin):
    with pytest.raises(ValidationError) as caught:
        users.add_user(db, admin, username="jan.nowak", full_name="Jan Nowak", role="staff",
                       password=" Księży-Młyn-1905")
    assert caught.value.errors["password"].key == "error.password_spaces"


def test_the_stored_hash_is_bcrypt_at_cost_twelve():
    hashed = REAL_HASH_PASSWORD(PASSWORD)
    assert hashed.startswith("$2b$12$")
    assert matches(PASSWORD, hashed) and not matches("Księży-Młyn-1906", hashed)


@pytest.mark.parametrize("taken_as", ["ewa.kowalska", "Ewa.Kowalska", "  ewa.kowalska "])
def test_a_taken_username_is_a_conflict(db, make_user, taken_as):
    make_user("ewa.kowalska")

    with pytest.raises(Conflict) as caught:
        make_user(taken_as)

    assert caught.value.message.key == "error.username_taken"
    assert users.count_users(db) == 1


@pytest.mark.parametrize("field, kwargs, key", [
    ("username", {"username": "ewa kowalska"}, "error.username_format"),
    ("username", {"username": "e"}, "error.username_format"),
    ("role", {"role": "mayor"}, "error.role_unknown"),
    ("full_name", {"full_name": "   "}, "error.required"),
    ("email", {"email": "ewa@"}, "error.email"),
])
def test_account_fields_are_validated(db, admin, field, kwargs, key):
    values = {"username": "ewa.kowalska", "full_name": "Ewa Kowalska", "role": "staff", "password": PASSWORD,
              **kwargs}
    with pytest.raises(ValidationError) as caught:
        users.add_user(db, admin, **values)
    assert caught.value.errors[field].key == key
    assert users.count_users(db) == 0


# -- lockout ----------------------------------------------------------------------------------

def test_five_failed_logins_lock_the_account_for_fifteen_minutes(db, make_user):
    make_user("ewa.kowalska")
    clock.freeze(MONDAY_9AM)

    assert fail_logins(db, "ewa.kowalska", 5) == [False, False, False, False, True]

    locked, until = users.lock_status(db, "ewa.kowalska")
    assert locked and until == datetime(2026, 3, 2, 9, 15)
    clock.freeze(MONDAY_9AM + timedelta(minutes=14, seconds=59))
    assert users.lock_status(db, "ewa.kowalska")[0] is True
    clock.freeze(MONDAY_9AM + timedelta(minutes=15, seconds=1))
    assert users.lock_status(db, "ewa.kowalska")[0] is False


def test_failures_while_locked_do_not_extend_the_lock(db, make_user):
    make_user("ewa.kowalska")
    clock.freeze(MONDAY_9AM)
    fail_logins(db, "ewa.kowalska", 5)

    clock.freeze(MONDAY_9AM + timedelta(minutes=10))
    assert users.record_login_failure(db, "ewa.kowalska") is True

    assert users.lock_status(db, "ewa.kowalska")[1] == datetime(2026, 3, 2, 9, 15)


def test_after_the_lock_expires_the_count_starts_again(db, make_user):
    make_user("ewa.kowalska")
    clock.freeze(MONDAY_9AM)
    fail_logins(db, "ewa.kowalska", 5)

    clock.freeze(MONDAY_9AM + timedelta(minutes=20))
    assert fail_logins(db, "ewa.kowalska", 5) == [False, False, False, False, True]
    assert users.lock_status(db, "ewa.kowalska")[1] == datetime(2026, 3, 2, 9, 35)


def test_a_successful_login_resets_the_failure_count(db, make_user):
    make_user("ewa.kowalska")
    clock.freeze(MONDAY_9AM)
    fail_logins(db, "ewa.kowalska", 4)
    users.record_login_success(db, "ewa.kowalska")

    assert fail_logins(db, "ewa.kowalska", 4) == [False] * 4
    assert db.scalar("select last_login_at from app_user") == datetime(2026, 3, 2, 9, 0)


def test_a_failed_login_with_an_unknown_name_is_audited_without_failing(db):
    assert users.record_login_failure(db, "ktos.obcy") is False
    assert db.rows("select username, action from audit_log") == [("ktos.obcy", "login_failed")]


def test_a_locked_account_gets_a_hash_no_password_matches(db, make_user):
    make_user("ewa.kowalska", password=PASSWORD)
    clock.freeze(MONDAY_9AM)
    assert matches(PASSWORD, users.login_credentials(db)["usernames"]["ewa.kowalska"]["password"])

    fail_logins(db, "ewa.kowalska", 5)

    offered = users.login_credentials(db)["usernames"]["ewa.kowalska"]["password"]
    assert not matches(PASSWORD, offered)
    assert offered != stored_hash(db, "ewa.kowalska")
    clock.freeze(MONDAY_9AM + timedelta(minutes=16))
    assert matches(PASSWORD, users.login_credentials(db)["usernames"]["ewa.kowalska"]["password"])


def test_login_credentials_have_the_widgets_shape(db, make_user):
    make_user("ewa.kowalska", role="coordinator", full_name="Ewa Kowalska")
    entry = users.login_credentials(db)["usernames"]["ewa.kowalska"]
    assert entry["name"] == "Ewa Kowalska"
    assert entry["roles"] == ["coordinator"]
    assert entry["email"] == "ewa.kowalska@localhost"  # the widget needs some e-mail


def test_a_deactivated_account_cannot_log_in(db, admin, make_user):
    make_user("ewa.kowalska")
    make_user("jan.nowak")

    users.deactivate_user(db, admin, "ewa.kowalska")

    assert set(users.login_credentials(db)["usernames"]) == {"jan.nowak"}
    assert users.get_user(db, "ewa.kowalska")["active"] is False  # the history keeps the account


def test_setting_a_new_password_lifts_the_lock(db, admin, make_user):
    make_user("ewa.kowalska", password=PASSWORD)
    clock.freeze(MONDAY_9AM)
    fail_logins(db, "ewa.kowalska", 5)

    users.set_password(db, admin, "ewa.kowalska", "Piotrkowska-104")

    assert users.lock_status(db, "ewa.kowalska") == (False, None)
    assert db.scalar("select failed_logins from app_user") == 0
    offered = users.login_credentials(db)["usernames"]["ewa.kowalska"]["password"]
    assert matches("Piotrkowska-104", offered) and not matches(PASSWORD, offered)


# -- editing accounts -------------------------------------------------------------------------

@pytest.fixture
def ala(db, make_user, admin):
    """The acting admin's own account."""
    make_user(admin.username, role="admin", full_name=admin.full_name)


@pytest.mark.parametrize("change", [{"role": "staff"}, {"role": "coordinator"}, {"active": False}])
def test_an_admin_cannot_demote_or_block_themself(db, admin, ala, change):
    with pytest.raises(ValidationError) as caught:
        users.update_user(db, admin, admin.username, **change)

    assert caught.value.errors["role"].key == "error.cannot_demote_self"
    assert db.one("select role, active from app_user where username = ?", [admin.username]) == ("admin", True)


def test_an_admin_may_rename_themself(db, admin, ala):
    users.update_user(db, admin, admin.username, full_name="Alicja Administratorka", role="admin")
    assert users.get_user(db, admin.username)["full_name"] == "Alicja Administratorka"


def test_an_admin_may_promote_and_demote_others(db, admin, make_user):
    make_user("ewa.kowalska", role="staff")
    users.update_user(db, admin, "ewa.kowalska", role="admin")
    assert users.get_user(db, "ewa.kowalska")["role"] == "admin"
    users.update_user(db, admin, "ewa.kowalska", role="coordinator", email="Ewa@UMED.Lodz.pl")
    assert users.get_user(db, "ewa.kowalska")["role"] == "coordinator"
    assert users.get_user(db, "ewa.kowalska")["email"] == "ewa@umed.lodz.pl"


def test_editing_an_unknown_account_says_not_found(db, admin):
    with pytest.raises(NotFound):
        users.update_user(db, admin, "nikt", full_name="Nikt")


def test_the_interface_language_is_remembered(db, make_user, staff):
    make_user(staff.username)
    users.set_language(db, staff, "en")
    users.set_language(db, staff, "de")  # not offered: ignored
    assert users.get_user(db, staff.username)["language"] == "en"
