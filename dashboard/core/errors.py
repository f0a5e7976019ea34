"""Named errors that services raise and pages catch.

Services do not know the user's language, so each error carries a message key and
parameters; the page translates them with ``i18n.t``. A ValidationError holds one message
per form field, so the page can show each next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    key: str
    params: dict[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    """Base class: something the user can understand and act on."""

    def __init__(self, key: str, **params: Any):
        super().__init__(key)
        self.message = Message(key, params)

    def __str__(self) -> str:  # readable in logs and the CLI
        return f"{self.message.key} {self.message.params}" if self.message.params else self.message.key


class PermissionDenied(DomainError):
    """The acting user's role may not do this."""


class NotFound(DomainError):
    """The record does not exist (or no longer exists)."""


class Conflict(DomainError):
    """The write collides with another record (a slot taken, a duplicate)."""


class ValidationError(DomainError):
    """One or more fields are invalid; nothing was written."""

    def __init__(self, errors: dict[str, Message]):
        super().__init__("error.validation")
        self.errors = errors

    def __str__(self) -> str:
        return "; ".join(f"{f}: {m.key}" for f, m in self.errors.items())


class DuplicateSuspected(DomainError):
    """Records that look like the one being saved; the user may confirm and save anyway."""

    def __init__(self, matches: list[dict]):
        super().__init__("error.duplicate_suspected", count=len(matches))
        self.matches = matches


class Errors:
    """Collects field errors while validating, then raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, Message] = {}

    def add(self, field_name: str, key: str, **params: Any) -> None:
        self.errors.setdefault(field_name, Message(key, params))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(dict(self.errors))
