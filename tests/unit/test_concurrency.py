"""Many sessions at once: Streamlit runs each browser tab in its own thread over the one
DuckDB connection of the process (stack notes §4). Writes from those threads must neither
collide nor get lost, and DuckDB's write-write conflicts are retried, not shown to users.
"""

from __future__ import annotations

from dashboard.services.admin import users
from dashboard.services.register import organisations
from tests.unit.builders import run_together


def test_eight_receptionists_registering_twenty_five_organisations_each_lose_nothing(db, staff):
    def register_batch(desk: int) -> None:
        for number in range(25):
            organisations.create(db, staff, {"name": f"Stowarzyszenie Stanowisko {desk} Numer {number}",
                                             "legal_form": "stowarzyszenie"}, confirm_duplicate=True)

    raised = run_together(register_batch)

    assert raised == []
    assert organisations.count(db) == 200
    assert db.scalar("select count(distinct name) from organisation") == 200
    assert db.scalar("select count(distinct id) from organisation") == 200
    assert db.scalar("select count(*) from audit_log where action = 'create' and entity = 'organisation'") == 200
    # every audit row points at a real organisation, and every organisation has its audit row
    assert db.scalar("select count(*) from audit_log a join organisation o on a.entity_id = o.id::varchar") == 200


def test_simultaneous_failed_logins_on_one_account_are_all_counted(db, make_user):
    make_user("ewa.kowalska")

    raised = run_together(lambda _: [users.record_login_failure(db, "ewa.kowalska") for _ in range(5)])

    assert raised == []
    assert db.scalar("select count(*) from audit_log where action = 'login_failed'") == 40
    assert users.lock_status(db, "ewa.kowalska")[0] is True


def test_four_failures_from_four_threads_count_as_four(db, make_user):
    # Lost updates would leave the counter below 4 (two threads reading 0 and both writing 1).
    make_user("ewa.kowalska")

    raised = run_together(lambda _: users.record_login_failure(db, "ewa.kowalska"), count=4)

    assert raised == []
    assert db.scalar("select failed_logins from app_user") == 4
    assert users.lock_status(db, "ewa.kowalska")[0] is False


def test_reading_while_others_write_sees_whole_writes_only(db, staff):
    seen: list[tuple[int, int]] = []

    def task(index: int) -> None:
        if index % 2:
            for number in range(10):
                organisations.create(db, staff, {"name": f"Klub Sportowy {index}-{number}",
                                                 "legal_form": "inna"}, confirm_duplicate=True)
        else:
            for _ in range(10):
                seen.append(db.one("select (select count(*) from organisation), "
                                   "(select count(*) from audit_log)"))

    assert run_together(task) == []
    assert all(orgs == audits for orgs, audits in seen)
    assert organisations.count(db) == 40
