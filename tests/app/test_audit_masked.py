"""The coordinator's change history shows no e-mail or phone of a volunteer or an initiative leader,
and cannot be searched by them; the admin sees them whole."""

from __future__ import annotations

import uuid

from dashboard.core import clock
from dashboard.services.admin import audit
from tests.app.conftest import DEMO_USERS, page_path
from tests.conftest import app_as


def _history_row(app_db) -> str:
    email = f"lider.{uuid.uuid4().hex[:8]}@example.pl"
    app_db.write(lambda cur: audit.record(cur, "recepcja", "update", "initiative", 999_001,
                                          {"leader_email": None},
                                          {"leader_name": "Anna Lis", "leader_email": email,
                                           "leader_phone": "+48601234567", "planned_start": clock.today()}))
    return email


def _shown(at) -> str:
    return " ".join(" ".join(map(str, frame.value.astype(str).values.ravel())) for frame in at.dataframe)


def test_the_coordinator_sees_the_history_masked(app_db):
    email = _history_row(app_db)
    at = app_as(DEMO_USERS["coordinator"])
    at.run()
    at.switch_page(page_path("audit.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _shown(at)
    assert "Anna Lis" in text, "the row is there"
    assert email not in text and "601234567" not in text and "601 234 567" not in text
    assert "l***@example.pl" in text
    assert "None" not in text and "entity." not in text and "leader_email" not in text

    at.text_input(key="audit_search").input(email.split("@")[0]).run()
    assert email.split("@")[0] not in _shown(at)
    assert "Anna Lis" not in _shown(at), "a masked value finds nothing"


def test_the_admin_sees_the_history_whole(app_db):
    email = _history_row(app_db)
    at = app_as(DEMO_USERS["admin"])
    at.run()
    at.switch_page(page_path("audit.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert email in _shown(at)
