"""User accounts: creation, roles, passwords, deactivation, and the login lockout.

Passwords are bcrypt hashes, the format streamlit-authenticator checks at login. After
``MAX_FAILED_LOGINS`` failures an account is locked for ``LOCKOUT_MINUTES``; the lock lives in the
database so it holds across sessions and restarts.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import bcrypt

from dashboard.core import clock, validators
from dashboard.core.errors import Conflict, Errors, NotFound
from dashboard.core.roles import ROLES, SYSTEM, Actor, require
from dashboard.services.admin import audit
from db.connection import ConstraintViolation, Database

if TYPE_CHECKING:  # only annotations: the login path does not load pandas (tests/unit/test_lazy_imports.py)
    import pandas as pd

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_BYTES = 72  # bcrypt's limit, in UTF-8 bytes
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_PUBLIC_FIELDS = ("username", "full_name", "email", "role", "active", "language")
_SELECT_PUBLIC = "select username, full_name, email, role, active, language from app_user where username = ?"


def hash_password(password: str) -> str:
    """bcrypt, in the format streamlit-authenticator checks at login."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(12)).decode("ascii")


def _check_password(errors: Errors, password: str | None, field: str = "password") -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        errors.add(field, "error.password_short", min=MIN_PASSWORD_LENGTH)
    elif password.strip() != password:
        errors.add(field, "error.password_spaces")
    elif len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:  # bcrypt refuses longer ones
        errors.add(field, "error.too_long", max=MAX_PASSWORD_BYTES)


def _get(cur, username: str) -> dict:
    cur.execute(_SELECT_PUBLIC, [username])
    row = cur.fetchone()
    if row is None:
        raise NotFound("error.user_not_found", username=username)
    return dict(zip(_PUBLIC_FIELDS, row))


def add_user(db: Database, actor: Actor, *, username: str, full_name: str, role: str,
             password: str, email: str | None = None) -> str:
    """Create an account (admin only; the CLI acts as the system admin)."""
    require(actor, "users")
    errors = Errors()
    username = ("" if username is None else str(username)).strip().lower()
    if not _USERNAME.match(username):
        errors.add("username", "error.username_format")
    try:
        full_name = validators.clean_text(full_name, 120, required=True)
    except validators.InvalidValue as exc:
        errors.add("full_name", exc.key, **exc.params)
    if role not in ROLES:
        errors.add("role", "error.role_unknown")
    try:
        email = validators.email(email)
    except validators.InvalidValue as exc:
        errors.add("email", exc.key, **exc.params)
    _check_password(errors, password)
    errors.raise_if_any()
    password_hash = hash_password(password)

    def work(cur):
        cur.execute(
            "insert into app_user (username, full_name, email, role, password_hash, created_at) "
            "values (?, ?, ?, ?, ?, ?)",
            [username, full_name, email, role, password_hash, clock.utc_now()],
        )
        audit.record(cur, actor.username, "create", "user", username, None,
                     {"username": username, "full_name": full_name, "email": email, "role": role})
        return username

    try:
        return db.write(work)
    except ConstraintViolation:
        raise Conflict("error.username_taken", username=username) from None


def update_user(db: Database, actor: Actor, username: str, *, full_name: str | None = None,
                role: str | None = None, email: str | None = None, active: bool | None = None) -> None:
    """Change a user's name, role, email or active flag (admin only)."""
    require(actor, "users")
    errors = Errors()
    changes: dict = {}
    if full_name is not None:
        try:
            changes["full_name"] = validators.clean_text(full_name, 120, required=True)
        except validators.InvalidValue as exc:
            errors.add("full_name", exc.key, **exc.params)
    if role is not None:
        if role not in ROLES:
            errors.add("role", "error.role_unknown")
        changes["role"] = role
    if email is not None:
        try:
            changes["email"] = validators.email(email)
        except validators.InvalidValue as exc:
            errors.add("email", exc.key, **exc.params)
    if active is not None:
        changes["active"] = bool(active)
    if username == actor.username and (changes.get("active") is False or changes.get("role", "admin") != "admin"):
        errors.add("role", "error.cannot_demote_self")
    errors.raise_if_any()

    def work(cur):
        before = _get(cur, username)
        if not changes:
            return
        after = {**before, **changes}
        cur.execute(
            "update app_user set full_name = ?, role = ?, email = ?, active = ? where username = ?",
            [after["full_name"], after["role"], after["email"], after["active"], username],
        )
        old, new = audit.changed(before, after)
        if new:
            audit.record(cur, actor.username, "update", "user", username, old, new)

    db.write(work)


def deactivate_user(db: Database, actor: Actor, username: str) -> None:
    update_user(db, actor, username, active=False)


def set_password(db: Database, actor: Actor, username: str, password: str) -> None:
    """Reset a password (admin) and lift any lockout; the hash never enters the audit log."""
    require(actor, "users")
    errors = Errors()
    _check_password(errors, password)
    errors.raise_if_any()
    password_hash = hash_password(password)

    def work(cur):
        _get(cur, username)
        cur.execute(
            "update app_user set password_hash = ?, failed_logins = 0, locked_until = null where username = ?",
            [password_hash, username],
        )
        audit.record(cur, actor.username, "password_reset", "user", username, None, {"password": "***"})

    db.write(work)


def set_language(db: Database, actor: Actor, language: str) -> None:
    """Remember the user's interface language, so a refresh keeps it."""
    if language not in ("pl", "en"):
        return

    def work(cur):
        cur.execute("select language from app_user where username = ?", [actor.username])
        row = cur.fetchone()
        if row is None or row[0] == language:
            return
        cur.execute("update app_user set language = ? where username = ?", [language, actor.username])
        audit.record(cur, actor.username, "update", "user", actor.username,
                     {"language": row[0]}, {"language": language})

    db.write(work)


def list_users(db: Database, actor: Actor) -> pd.DataFrame:
    require(actor, "users")
    return db.query(
        "select username, full_name, email, role, active, failed_logins, locked_until, last_login_at "
        "from app_user order by username"
    )


def get_user(db: Database, username: str) -> dict | None:
    """The account as the login layer needs it (role and flags read fresh on every run)."""
    rows = db.dicts(
        "select username, full_name, email, role, active, locked_until, language from app_user where username = ?",
        [username],
    )
    return rows[0] if rows else None


def login_credentials(db: Database) -> dict:
    """Active accounts in streamlit-authenticator's credentials shape.

    A locked account keeps its entry but with a hash no password matches, so the widget
    counts the attempt as failed and the page can explain the lock.
    """
    now = clock.utc_now()
    users = {}
    for username, full_name, email, role, password_hash, locked_until in db.rows(
        "select username, full_name, email, role, password_hash, locked_until from app_user where active"
    ):
        locked = locked_until is not None and locked_until > now
        users[username] = {
            "name": full_name,
            "email": email or f"{username}@localhost",
            "password": _LOCKED_HASH if locked else password_hash,
            "roles": [role],
            "failed_login_attempts": 0,
        }
    return {"usernames": users}


# bcrypt of 32 random bytes that were thrown away: matches no password.
_LOCKED_HASH = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5T6gHuq8Pq0PHFuVEYs6vF7s5cJc1bK"


def lock_status(db: Database, username: str) -> tuple[bool, object]:
    row = db.one("select locked_until from app_user where username = ?", [username])
    if row is None or row[0] is None:
        return False, None
    return row[0] > clock.utc_now(), row[0]


def record_login_success(db: Database, username: str) -> None:
    def work(cur):
        cur.execute(
            "update app_user set failed_logins = 0, locked_until = null, last_login_at = ? where username = ?",
            [clock.utc_now(), username],
        )
        audit.record(cur, username, "login_ok", "user", username)

    db.write(work)


def record_login_failure(db: Database, username: str | None) -> bool:
    """Count a failed login; lock the account at the fifth. Returns whether it is now locked."""
    now = clock.utc_now()

    def work(cur):
        locked = False
        if username:
            cur.execute("select failed_logins, locked_until from app_user where username = ?", [username])
            row = cur.fetchone()
            if row is not None:
                failures, locked_until = row
                if locked_until is not None and locked_until > now:
                    locked = True
                else:
                    failures = (failures or 0) + 1
                    if failures >= MAX_FAILED_LOGINS:
                        locked_until, failures, locked = now + timedelta(minutes=LOCKOUT_MINUTES), 0, True
                    cur.execute(
                        "update app_user set failed_logins = ?, locked_until = ? where username = ?",
                        [failures, locked_until if locked else None, username],
                    )
        audit.record(cur, username, "login_failed", "user", username, None, {"locked": locked})
        return locked

    return db.write(work)


def count_users(db: Database) -> int:
    return int(db.scalar("select count(*) from app_user"))


def ensure_admin_exists(db: Database) -> bool:
    return bool(db.scalar("select count(*) from app_user where role = 'admin' and active"))


__all__ = [
    "SYSTEM",
    "add_user",
    "deactivate_user",
    "get_user",
    "list_users",
    "lock_status",
    "login_credentials",
    "record_login_failure",
    "record_login_success",
    "set_language",
    "set_password",
    "update_user",
]


def record_logout(db: Database, username: str) -> None:
    """The audit row is also the revocation: cookies issued before it no longer sign in."""
    db.write(lambda cur: audit.record(cur, username, "logout", "user", username))


def signed_out_at(db: Database, username: str) -> datetime | None:
    """When the user last signed out (naive UTC), or None."""
    return db.scalar("select max(at_utc) from audit_log where action = 'logout' and entity = 'user' "
                     "and entity_id = ?", [username])
