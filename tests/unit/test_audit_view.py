"""The change history as people read it: masked for the coordinator, translated, local time, no "None"."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from dashboard.core import clock
from dashboard.core.i18n import in_language
from dashboard.services.admin import audit


def _write(db, after, before=None, entity="initiative", action="update", at=datetime(2026, 7, 1, 8, 0)):
    db.write(lambda cur: cur.execute("insert into audit_log (at_utc, username, action, entity, entity_id, before, after) "
                                     "values (?, 'staszek', ?, ?, '7', ?, ?)",
                                     [at, action, entity, audit.to_json(before), audit.to_json(after)]))


def test_the_coordinator_sees_contacts_masked_in_history_and_view(db, admin, coordinator):
    _write(db, {"leader_name": "Anna Lis", "leader_email": "anna.lis@example.pl", "leader_phone": "+48601234567",
                "notes": "pisać na anna.lis@example.pl"}, {"leader_email": None})
    raw = audit.history(db, coordinator)
    assert "anna.lis@example.pl" not in raw["after"][0] and "601234567" not in raw["after"][0]
    assert json.loads(raw["after"][0])["leader_email"] == "a***@example.pl"
    shown = audit.view(db, coordinator)
    text = " ".join(shown.astype(str).values.ravel())
    assert "anna.lis@" not in text and "601234567" not in text
    assert "a***@example.pl" in text
    assert "anna.lis@example.pl" in " ".join(audit.view(db, admin).astype(str).values.ravel())


def test_the_coordinator_cannot_find_a_row_by_a_masked_value(db, admin, coordinator):
    _write(db, {"leader_email": "anna.lis@example.pl"})
    assert audit.view(db, coordinator, search="anna.lis").empty
    assert audit.view(db, coordinator, search="lis@example").empty
    assert len(audit.view(db, admin, search="anna.lis")) == 1
    assert len(audit.view(db, coordinator, search="example.pl")) == 1  # what is shown can be searched


def test_view_translates_names_and_values_and_shows_warsaw_time(db, admin):
    _write(db, {"title": "Ogród", "with_children": True, "planned_start": "2026-09-01", "partners": None,
                "created_at": "2026-07-01T08:00:00"}, at=datetime(2026, 7, 1, 8, 0))
    with in_language("pl"):
        row = audit.view(db, admin).iloc[0]
    assert row["at"] == "01.07.2026 10:00"  # 08:00 UTC in summer is 10:00 in Łódź
    assert row["entity"] == "Inicjatywa" and row["action"] == "zmiana"
    assert "Tytuł: Ogród" in row["after"]
    assert "Praca z dziećmi: tak" in row["after"]
    assert "01.09.2026" in row["after"] and "01.07.2026 10:00" in row["after"]
    assert "None" not in row["after"] and "partners" not in row["after"] and "_" not in row["after"]
    assert row["before"] == ""
    with in_language("en"):
        row = audit.view(db, admin).iloc[0]
    assert row["entity"] == "Initiative" and "Title: Ogród" in row["after"]


def test_view_keeps_the_filters(db, admin):
    clock.freeze(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    _write(db, {"title": "A"}, at=datetime(2026, 7, 1, 8, 0))
    _write(db, {"name": "B"}, entity="organisation", at=datetime(2026, 6, 1, 8, 0))
    clock.freeze(None)
    assert len(audit.view(db, admin, entity="organisation")) == 1
    assert len(audit.view(db, admin, date_from=date(2026, 6, 15))) == 1


def test_dates_inside_a_value_read_as_polish_dates():
    """An event's sessions are kept as '2026-12-07 10:00-13:00': the history shows 07.12.2026 10:00-13:00."""
    from dashboard.services.admin import audit as audit_service

    assert audit_service.shown_value(["2026-12-07 10:00-13:00", "2026-12-14 10:00-13:00"]) == (
        "07.12.2026 10:00-13:00, 14.12.2026 10:00-13:00")
    assert audit_service.shown_value("2026-02-30 is not a day") == "2026-02-30 is not a day"
