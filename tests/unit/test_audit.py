"""The audit log: every write leaves one row saying who changed what, when, before and after.

The coordinator traces figures through this history, so it must hold exactly the changed
fields — and never a password or its hash.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from dashboard.core import clock
from dashboard.core.errors import PermissionDenied
from dashboard.services.admin import audit, users
from dashboard.services.register import organisations


def audit_rows(db, entity: str | None = None) -> list[dict]:
    sql = "select username, action, entity, entity_id, before, after from audit_log"
    params = []
    if entity:
        sql += " where entity = ?"
        params.append(entity)
    rows = db.dicts(sql + " order by id", params)
    for row in rows:
        row["before"] = None if row["before"] is None else json.loads(row["before"])
        row["after"] = None if row["after"] is None else json.loads(row["after"])
    return rows


def test_registering_an_organisation_records_its_values_after_and_nothing_before(db, staff, zielona):
    organisation_id = organisations.create(db, staff, zielona)

    [row] = audit_rows(db)
    assert (row["username"], row["action"], row["entity"], row["entity_id"]) == (
        "staszek", "create", "organisation", str(organisation_id))
    assert row["before"] is None
    assert row["after"]["name"] == "Fundacja Zielona Łódź"
    assert row["after"]["nip"] == "8567346215"  # the normalised value, not what was typed
    assert row["after"]["postal_code"] == "90-001"


def test_an_update_records_only_the_fields_that_changed(db, staff, zielona):
    organisation_id = organisations.create(db, staff, zielona)

    organisations.update(db, staff, organisation_id,
                         {**zielona, "phone": "601 234 567", "contact_person": "Jan Nowak"})

    row = audit_rows(db)[-1]
    assert row["action"] == "update"
    assert row["before"] == {"phone": "+48426384400", "contact_person": "Zofia Zielińska"}
    assert row["after"] == {"phone": "+48601234567", "contact_person": "Jan Nowak"}


def test_saving_an_unchanged_organisation_adds_no_audit_row(db, staff, zielona):
    organisation_id = organisations.create(db, staff, zielona)

    organisations.update(db, staff, organisation_id, dict(zielona))

    assert [r["action"] for r in audit_rows(db)] == ["create"]


def test_a_date_in_the_audit_json_is_iso(db, staff, zielona):
    organisations.create(db, staff, {**zielona, "first_served_on": date(2024, 9, 2)})
    assert audit_rows(db)[0]["after"]["first_served_on"] == "2024-09-02"


def test_user_changes_are_audited_with_before_and_after(db, admin, make_user):
    make_user("ewa.kowalska", role="staff", full_name="Ewa Kowalska", email="ewa@zielona-lodz.pl")
    users.update_user(db, admin, "ewa.kowalska", role="coordinator")

    create, update = audit_rows(db, "user")
    assert create["after"] == {"username": "ewa.kowalska", "full_name": "Ewa Kowalska",
                               "email": "ewa@zielona-lodz.pl", "role": "staff"}
    assert (update["before"], update["after"]) == ({"role": "staff"}, {"role": "coordinator"})


def test_neither_a_password_nor_its_hash_ever_reaches_the_audit_log(db, admin, make_user):
    first, second = "Księży-Młyn-1905", "Piotrkowska-104"
    make_user("ewa.kowalska", password=first)
    first_hash = db.scalar("select password_hash from app_user where username = 'ewa.kowalska'")
    users.set_password(db, admin, "ewa.kowalska", second)
    second_hash = db.scalar("select password_hash from app_user where username = 'ewa.kowalska'")

    logged = " ".join(str(v) for row in db.rows("select before, after from audit_log") for v in row)
    for secret in (first, second, first_hash, second_hash, "$2b$"):
        assert secret not in logged
    assert audit_rows(db, "user")[-1]["after"] == {"password": "***"}


def test_the_audit_time_is_utc(db, staff, zielona):
    # 10:00 in Łódź on a summer day is 08:00 UTC.
    clock.freeze(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    organisations.create(db, staff, zielona)
    assert db.scalar("select at_utc from audit_log") == datetime(2026, 7, 1, 8, 0)


@pytest.fixture
def a_week_of_history(db, admin, staff, plain_organisation):
    """Monday: staff register an organisation; Wednesday late evening: admin adds an account;
    Friday: staff register another."""
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    organisations.create(db, staff, plain_organisation("Stowarzyszenie Nowe Bałuty"))
    clock.freeze(datetime(2026, 3, 4, 23, 30, tzinfo=UTC))
    users.add_user(db, admin, username="jan.nowak", full_name="Jan Nowak", role="staff",
                   password="Manufaktura-1872")
    clock.freeze(datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    organisations.create(db, staff, plain_organisation("Fundacja Tęcza", "fundacja"))
    clock.freeze(None)


def test_history_filters_by_user(db, admin, a_week_of_history):
    frame = audit.history(db, admin, username="staszek")
    assert list(frame["action"]) == ["create", "create"]
    assert set(frame["entity"]) == {"organisation"}


def test_history_filters_by_entity(db, admin, a_week_of_history):
    frame = audit.history(db, admin, entity="user")
    assert list(frame["entity_id"]) == ["jan.nowak"]


def test_history_filters_by_entity_id(db, admin, a_week_of_history):
    frame = audit.history(db, admin, entity="organisation", entity_id=1)
    assert len(frame) == 1
    assert json.loads(frame["after"][0])["name"] == "Stowarzyszenie Nowe Bałuty"


def test_history_by_dates_includes_the_whole_last_day(db, admin, a_week_of_history):
    frame = audit.history(db, admin, date_from=date(2026, 3, 3), date_to=date(2026, 3, 4))
    assert list(frame["entity_id"]) == ["jan.nowak"]  # 23:30 on the 4th is inside "to the 4th"


def test_history_lists_the_newest_first(db, admin, a_week_of_history):
    frame = audit.history(db, admin)
    assert list(frame["at_utc"]) == sorted(frame["at_utc"], reverse=True)
    assert len(audit.history(db, admin, limit=2)) == 2


def test_history_is_for_the_admin_and_the_coordinator_not_staff(db, coordinator, staff, a_week_of_history):
    assert len(audit.history(db, coordinator)) == 3
    with pytest.raises(PermissionDenied):
        audit.history(db, staff)


def test_entities_lists_what_the_history_can_be_filtered_by(db, a_week_of_history):
    assert audit.entities(db) == ["organisation", "user"]
