"""Reading one event and its sessions on the caller's cursor: shared by trainings, enrolment and certificates.

Kept apart from ``trainings`` so enrolment can read an event without importing the module that
calls it back (trainings promotes the waitlist through enrolment after a capacity rise).
"""

from __future__ import annotations

from typing import Any

from dashboard.core.converters import as_int
from dashboard.core.errors import NotFound
from dashboard.services.sql import fetch_all, fetch_one

EVENT_FIELDS = ("id", "title", "event_type", "partner_kind", "partner_name", "description", "trainer_name",
                 "trainer_organisation", "resource_id", "capacity", "target_group", "status", "cancel_reason",
                 "cancelled_at", "cancelled_by", "created_at", "created_by")


def event_row(cur, event_id: Any) -> dict:
    """The event's own columns, or NotFound (the id as the user gave it is named in the message)."""
    row = fetch_one(cur, "select " + ", ".join(EVENT_FIELDS) + " from event where id = ?", [as_int(event_id) or -1])
    if row is None:
        raise NotFound("error.event_not_found", id=event_id)
    return dict(zip(EVENT_FIELDS, row))


def session_rows(cur, event_id: int) -> list[dict]:
    """The event's sessions in time order, each with its room booking's id."""
    rows = fetch_all(cur, "select id, starts_at, ends_at, booking_id from event_session where event_id = ? "
                          "order by starts_at, id", [event_id])
    return [dict(zip(("id", "starts_at", "ends_at", "booking_id"), r)) for r in rows]
