"""AppTest: the opening-hours page's weekly check against the open call follows the data at once.

The page keeps its prepared weeks and chart while the data stays as it is; a closure entered since (here by
another desk) must show on the next rerun, not five minutes later.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from dashboard.core import clock
from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from tests.app.conftest import page_path
from tests.conftest import app_as


def _week_of(at, monday: str) -> dict:
    """The compliance table's row of the week starting ``monday`` (dd.mm.yyyy)."""
    weeks = at.dataframe[0].value
    (row,) = weeks[weeks[translate("pl", "hours.week")] == monday].to_dict("records")
    return row


def test_a_closure_entered_elsewhere_shows_in_the_weekly_check_on_the_next_rerun(app_db):
    clock.freeze(datetime(2026, 11, 18, 10, 0, tzinfo=UTC))  # a Wednesday
    room = reservations.create_resource(app_db, SYSTEM, {
        "kind": "room", "name": f"Sala warsztatowa {uuid.uuid4().hex[:6]}", "capacity": 12})
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("opening_hours.py")).run()
    at.selectbox(key="hours_room").select(room).run()
    assert not at.exception
    reasons = translate("pl", "hours.reasons")
    assert _week_of(at, "23.11.2026")[reasons] == ""  # five open days of the open call's hours

    reservations.add_closure(app_db, SYSTEM, {"resource_id": room, "date_from": date(2026, 11, 24),
                                              "date_to": date(2026, 11, 24), "reason": "Awaria ogrzewania"})
    at.run()
    assert "Awaria ogrzewania" in _week_of(at, "23.11.2026")[reasons]
    assert _week_of(at, "30.11.2026")[reasons] == ""
