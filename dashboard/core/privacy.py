"""Masking of personal contact data for roles that may not see it (the city coordinator)."""

from __future__ import annotations

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
