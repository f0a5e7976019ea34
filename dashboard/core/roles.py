"""Roles and what each may do: the single source for permissions.

Services call ``require(actor, permission)``; navigation asks ``allows`` to decide which
pages to offer. Both read this table, so the UI and the rules cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core.errors import PermissionDenied

ROLES = ("admin", "staff", "coordinator")

# read: see the data; write: enter and edit domain data; personal: see contact data unmasked;
# users: manage accounts; audit: read the change history; settings: change run-time settings.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "write", "personal", "users", "audit", "settings", "export"}),
    "staff": frozenset({"read", "write", "personal", "export"}),
    "coordinator": frozenset({"read", "audit", "export"}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: every service takes one."""

    username: str
    role: str
    full_name: str = ""

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


SYSTEM = Actor("system", "admin", "System")


def allows(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless the actor's role grants ``permission``."""
    if not actor.can(permission):
        raise PermissionDenied("error.permission", role=actor.role)
