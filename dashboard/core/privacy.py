"""Masking of personal contact data for roles that may not see it (the city coordinator)."""

from __future__ import annotations

import re
from typing import Any

from dashboard.core.roles import Actor
from dashboard.core.validators import format_phone


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return f"*** *** {phone[-3:]}"


def show(value: Any, kind: str, who: Actor) -> str:
    """``kind`` is 'email' or 'phone'; staff and admin see it whole."""
    if value is None or value == "":
        return ""
    if who.can("personal"):
        return format_phone(value) if kind == "phone" else str(value)
    return mask_phone(value) if kind == "phone" else mask_email(value)


_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_IN_TEXT = re.compile(r"\+\d[\d ]{7,16}\d")
_HIDDEN_KEYS = ("guardian_name", "birth_date", "birth_year", "password", "password_hash")  # shown as *** (as on cards)


def mask_values(value: Any, who: Actor, key: str = "") -> Any:
    """A record (e.g. an audit row's before/after) as the role may see it: contact fields masked like on
    cards and lists, birth data and a guardian's name hidden, and any e-mail or phone inside free text masked.
    Staff and admin get it unchanged."""
    if who.can("personal"):
        return value
    if isinstance(value, dict):
        return {k: mask_values(v, who, k) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_values(v, who, key) for v in value]
    if value is None or value == "":
        return value
    if key in _HIDDEN_KEYS:
        return "***"
    if key.endswith("email"):
        return mask_email(str(value)) or "***"
    if key.endswith("phone"):
        return mask_phone(str(value))
    if isinstance(value, str):
        value = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), value)
        return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0).replace(" ", "")), value)
    return value
