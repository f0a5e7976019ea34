"""All or nothing: a write and its audit row commit together, or neither does.

Half-written data is the worst failure for a register the city reports from, so an error
anywhere inside ``Database.write`` — ours, DuckDB's, or a refused constraint — must leave
the file exactly as it was.
"""

from __future__ import annotations

import pytest

from dashboard.core import clock
from dashboard.core.errors import Conflict, NotFound, ValidationError
from dashboard.services.admin import audit, users
from dashboard.services.register import organisations
from db.connection import ConstraintViolation


class PowerCut(RuntimeError):
    """Stands for anything that goes wrong half-way through a save."""


def insert_organisation(cur, name: str) -> int:
    now = clock.utc_now()
    cur.execute("insert into organisation (name, legal_form, created_at, updated_at) "
                "values (?, 'fundacja', ?, ?) returning id", [name, now, now])
    return cur.fetchone()[0]


def counts(db) -> tuple[int, int, int]:
    return (db.scalar("select count(*) from organisation"), db.scalar("select count(*) from audit_log"),
            db.scalar("select count(*) from app_user"))


def test_an_error_after_the_insert_and_the_audit_row_leaves_neither(db, staff):
    def work(cur):
        new_id = insert_organisation(cur, "Fundacja Otwarte Drzwi")
        audit.record(cur, staff.username, "create", "organisation", new_id, None, {"name": "Fundacja Otwarte Drzwi"})
        raise PowerCut("the lights went out")

    with pytest.raises(PowerCut, match="lights"):
        db.write(work)

    assert counts(db) == (0, 0, 0)


def test_the_database_is_usable_after_a_rolled_back_write(db, staff, plain_organisation):
    def work(cur):
        insert_organisation(cur, "Klub Seniora Teofilów")
        raise PowerCut()

    with pytest.raises(PowerCut):
        db.write(work)

    organisations.create(db, staff, plain_organisation("Klub Seniora Teofilów"))
    assert db.rows("select name from organisation") == [("Klub Seniora Teofilów",)]
    assert counts(db) == (1, 1, 0)


def test_a_refused_constraint_undoes_the_earlier_statements_of_the_same_write(db, staff):
    now = clock.utc_now()

    def work(cur):
        insert_organisation(cur, "Fundacja Fabryka Marzeń")
        audit.record(cur, staff.username, "create", "organisation", 1)
        cur.execute("insert into organisation (name, legal_form, nip, created_at, updated_at) "
                    "values ('Fundacja Zła', 'fundacja', '123', ?, ?)", [now, now])  # NIP check refuses

    with pytest.raises(ConstraintViolation):
        db.write(work)

    assert counts(db) == (0, 0, 0)


def test_an_invalid_form_writes_nothing_and_names_every_bad_field(db, staff, zielona):
    with pytest.raises(ValidationError) as caught:
        organisations.create(db, staff, {**zielona, "nip": "8567346216", "postal_code": "9-0001",
                                         "email": "biuro@zielona", "legal_form": "spółka"})

    assert {f: m.key for f, m in caught.value.errors.items()} == {
        "nip": "error.nip_checksum", "postal_code": "error.postal_code", "email": "error.email",
        "legal_form": "error.legal_form_unknown"}
    assert counts(db) == (0, 0, 0)


def test_an_invalid_update_leaves_the_stored_organisation_unchanged(db, staff, zielona):
    organisation_id = organisations.create(db, staff, zielona)
    before = db.rows("select * from organisation")

    with pytest.raises(ValidationError):
        organisations.update(db, staff, organisation_id, {**zielona, "name": "  ", "phone": "12345"})

    assert db.rows("select * from organisation") == before
    assert counts(db) == (1, 1, 0)


def test_updating_an_organisation_that_does_not_exist_writes_nothing(db, staff, zielona):
    with pytest.raises(NotFound):
        organisations.update(db, staff, 404, zielona)
    assert counts(db) == (0, 0, 0)


def test_a_short_password_creates_no_account(db, admin):
    with pytest.raises(ValidationError):
        users.add_user(db, admin, username="jan.nowak", full_name="Jan Nowak", role="staff", password="krótkie")
    assert counts(db) == (0, 0, 0)


def test_a_taken_username_leaves_the_first_account_and_one_audit_row(db, admin, make_user):
    make_user("ewa.kowalska", full_name="Ewa Kowalska")

    with pytest.raises(Conflict):
        make_user("ewa.kowalska", full_name="Ewa Podszywająca")

    assert db.rows("select full_name from app_user") == [("Ewa Kowalska",)]
    assert counts(db) == (0, 1, 1)


def test_a_password_reset_for_an_unknown_account_writes_nothing(db, admin):
    with pytest.raises(NotFound):
        users.set_password(db, admin, "nikt", "Manufaktura-1872")
    assert counts(db) == (0, 0, 0)
