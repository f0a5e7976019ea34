"""Backup and restore: a backup taken inside the running app brings back exactly the state it
was taken in; restore checks the backup before touching anything and keeps the replaced file.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from dashboard import clock
from dashboard.services import backup, organisations, users
from db.connection import DatabaseError, DatabaseLocked, close_database, code_schema_version, get_database


def state(db) -> dict:
    """What an admin would compare: row counts and the rows of the register and accounts."""
    return {
        "counts": backup.inspect(db)["counts"],
        "organisation": db.rows("select id, name, nip, phone, osiedle_id from organisation order by id"),
        "app_user": db.rows("select username, role, active, password_hash from app_user order by username"),
        "audit_log": db.rows("select id, username, action, entity, entity_id from audit_log order by id"),
    }


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db_path(db, tmp_path) -> Path:
    return tmp_path / "civic.duckdb"


@pytest.fixture
def the_centre(db, admin, staff, make_user, zielona, plain_organisation):
    """A Centre with two accounts and two organisations."""
    make_user("ewa.kowalska", role="staff")
    make_user("kinga.koordynatorka", role="coordinator")
    organisations.create(db, staff, zielona)
    organisations.create(db, staff, plain_organisation("Stowarzyszenie Nowe Bałuty", osiedle_id=1))
    return db


def test_a_backup_is_a_verified_copy_named_by_its_time(the_centre, admin, tmp_path):
    clock.freeze(datetime(2026, 3, 2, 17, 45, 30, tzinfo=timezone.utc))

    path = backup.create_backup(the_centre, admin, tmp_path / "backups")

    assert path.parent == tmp_path / "backups"
    assert path.name.startswith("civic-20260302-174530-") and path.suffix == ".duckdb"
    info = backup.verify(path)
    assert info["schema_version"] == code_schema_version()
    assert info["counts"]["organisation"] == 2 and info["counts"]["app_user"] == 2
    assert the_centre.rows("select username, action, entity, entity_id from audit_log where action = 'backup'") == [
        (admin.username, "backup", "database", path.name)]


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(the_centre, admin, tmp_path):
    clock.freeze(datetime(2026, 3, 2, 17, 45, 30, tzinfo=timezone.utc))
    first = backup.create_backup(the_centre, admin, tmp_path / "backups")
    clock.freeze(datetime(2026, 3, 2, 17, 45, 30, 500, tzinfo=timezone.utc))
    second = backup.create_backup(the_centre, admin, tmp_path / "backups")
    assert first != second and first.exists() and second.exists()


def test_restore_brings_back_exactly_the_state_of_the_backup(the_centre, admin, staff, db_path, tmp_path):
    before = state(the_centre)
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")

    # An afternoon of changes that the restore must undo.
    organisations.create(the_centre, staff, {"name": "Fundacja Tęcza", "legal_form": "fundacja"})
    organisations.update(the_centre, staff, 1, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja",
                                                "nip": "8567346215", "phone": "601 234 567"})
    users.deactivate_user(the_centre, admin, "ewa.kowalska")
    assert state(the_centre) != before

    close_database(db_path)
    report = backup.restore(db_path, saved)

    restored = get_database(db_path)
    assert state(restored) == before
    assert restored.rows("select name, phone from organisation where id = 1") == [
        ("Fundacja Zielona Łódź", "+48426384400")]
    assert users.get_user(restored, "ewa.kowalska")["active"] is True
    assert saved.name in report and "kept as" in report


def test_the_replaced_file_is_kept_aside_with_the_newer_data(the_centre, admin, staff, db_path, tmp_path):
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    organisations.create(the_centre, staff, {"name": "Fundacja Tęcza", "legal_form": "fundacja"})
    close_database(db_path)
    clock.freeze(datetime(2026, 3, 2, 18, 0, tzinfo=timezone.utc))

    backup.restore(db_path, saved)

    aside = tmp_path / "civic.replaced-20260302-180000.duckdb"
    assert aside.is_file()
    con = duckdb.connect(str(aside), read_only=True)
    try:
        assert con.execute("select count(*) from organisation where name = 'Fundacja Tęcza'").fetchone() == (1,)
    finally:
        con.close()


def test_two_restores_in_the_same_second_keep_both_replaced_files(the_centre, admin, db_path, tmp_path):
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    close_database(db_path)
    clock.freeze(datetime(2026, 3, 2, 18, 0, tzinfo=timezone.utc))
    original = fingerprint(db_path)

    backup.restore(db_path, saved)
    backup.restore(db_path, saved)

    kept = sorted(tmp_path.glob("civic.replaced-*.duckdb"))
    assert len(kept) == 2
    assert original in {fingerprint(path) for path in kept}  # the pre-restore data is never lost


def test_restore_replaces_a_corrupt_database_keeping_the_corrupt_file(the_centre, admin, db_path, tmp_path):
    # The moment a backup is needed most: the live file has been damaged.
    before = state(the_centre)
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    close_database(db_path)
    db_path.write_bytes(random.Random(2012).randbytes(16384))
    damaged = fingerprint(db_path)

    backup.restore(db_path, saved)

    assert state(get_database(db_path)) == before
    [aside] = tmp_path.glob("civic.replaced-*.duckdb")
    assert fingerprint(aside) == damaged


def test_restore_onto_a_missing_file_just_puts_the_backup_in_place(the_centre, admin, tmp_path):
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    new_place = tmp_path / "new-server" / "civic.duckdb"
    new_place.parent.mkdir()

    report = backup.restore(new_place, saved)

    assert "kept as" not in report
    try:
        assert organisations.count(get_database(new_place)) == 2
    finally:
        close_database(new_place)


def _foreign_duckdb(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create table wydatki (kwota decimal(10, 2))")
    con.close()
    return path


def _random_bytes(path: Path) -> Path:
    path.write_bytes(random.Random(1423).randbytes(8192))
    return path


def _too_new(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create table schema_version (version integer, name varchar, applied_at timestamp)")
    con.execute("insert into schema_version values (?, 'from_the_future', now()::timestamp)",
                [code_schema_version() + 1])
    con.close()
    return path


@pytest.mark.parametrize("make_file, says", [
    (_random_bytes, "not a readable DuckDB backup"),
    (_foreign_duckdb, "not a backup of this app"),
    (_too_new, "newer than this app"),
    (lambda path: path, "no backup file"),  # a path that does not exist
])
def test_a_file_that_is_not_a_usable_backup_is_refused_before_touching_the_database(
        the_centre, db_path, tmp_path, make_file, says):
    close_database(db_path)
    current = fingerprint(db_path)
    not_a_backup = make_file(tmp_path / "not-a-backup.duckdb")

    with pytest.raises(DatabaseError, match=says):
        backup.restore(db_path, not_a_backup)

    assert fingerprint(db_path) == current
    assert list(tmp_path.glob("civic.replaced-*")) == []


def test_restore_refuses_a_database_this_process_still_has_open(the_centre, admin, db_path, tmp_path):
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")

    with pytest.raises(DatabaseLocked, match="in use"):
        backup.restore(db_path, saved)

    assert organisations.count(the_centre) == 2  # still the live file, still writable
    assert list(tmp_path.glob("civic.replaced-*")) == []
