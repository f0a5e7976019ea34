"""Backup and restore: a backup taken inside the running app brings back exactly the state it
was taken in; restore checks the backup before touching anything and keeps the replaced file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import stat
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest

from dashboard.core import clock
from dashboard.core import settings
from dashboard.core.errors import ValidationError
from dashboard.services.admin import app_settings
from dashboard.services.admin import backup
from dashboard.services.register import organisations
from dashboard.services.admin import users
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
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data: the app's account only
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


# -- the automatic daily backup ----------------------------------------------------------------------
def at_warsaw(*moment) -> None:
    clock.freeze(datetime(*moment, tzinfo=clock.WARSAW))


@pytest.fixture
def fresh_process():
    """The per-process memory of the daily backup, as in a newly started app."""
    backup._Daily.day, backup._Daily.thread = None, None
    yield
    if backup._Daily.thread is not None:
        backup._Daily.thread.join(timeout=30)
    backup._Daily.day, backup._Daily.thread = None, None


def installation(folder: Path, daily_backup: bool = True) -> settings.Config:
    return dataclasses.replace(settings.load(), backup_dir=folder, daily_backup=daily_backup)


def automatic(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("civic-auto-*"))


def test_one_automatic_backup_a_day_however_often_it_is_asked_for(the_centre, tmp_path):
    folder = tmp_path / "backups"
    at_warsaw(2026, 3, 2, 7, 55)
    first = backup.run_daily_backup(the_centre, folder)
    at_warsaw(2026, 3, 2, 23, 59)
    assert backup.run_daily_backup(the_centre, folder) is None

    assert first.name == "civic-auto-20260302-065500.duckdb"  # named in UTC, like the manual ones
    assert automatic(folder) == [first.name]
    assert backup.verify(first)["counts"]["organisation"] == 2
    assert the_centre.rows("select username, action, entity_id from audit_log where action = 'backup'") == [
        ("system", "backup", first.name)]

    at_warsaw(2026, 3, 3, 0, 1)  # past midnight in Łódź (still 2 March in UTC): a new day
    second = backup.run_daily_backup(the_centre, folder)
    assert second is not None and automatic(folder) == [first.name, second.name]


def test_automatic_backups_older_than_the_retention_are_pruned_and_manual_ones_never(the_centre, admin, tmp_path):
    folder = tmp_path / "backups"
    at_warsaw(2026, 3, 1, 9, 0)
    manual = backup.create_backup(the_centre, admin, folder)
    app_settings.set_setting(the_centre, admin, "backup_retention_days", 3)

    for day in range(1, 8):  # a week of first requests of the day
        at_warsaw(2026, 3, day, 8, 30)
        backup.run_daily_backup(the_centre, folder)

    assert [b.day for b in backup.list_backups(folder) if b.automatic] == [
        date(2026, 3, 7), date(2026, 3, 6), date(2026, 3, 5)]
    assert manual.exists()
    pruned = the_centre.rows("select after from audit_log where action = 'backup' and username = 'system' "
                             "order by id desc limit 1")[0][0]
    assert "civic-auto-20260304-073000.duckdb" in pruned


def test_the_retention_setting_keeps_fourteen_days_by_default_and_accepts_one_to_365(the_centre, admin):
    assert app_settings.get_setting(the_centre, "backup_retention_days") == 14
    for bad in (0, 366, 1.5, "14", True, None, float("nan")):
        with pytest.raises(ValidationError):
            app_settings.set_setting(the_centre, admin, "backup_retention_days", bad)
    for good in (1, 365, 30.0):
        app_settings.set_setting(the_centre, admin, "backup_retention_days", good)
    assert app_settings.get_setting(the_centre, "backup_retention_days") == 30


def test_an_interrupted_copy_is_never_taken_for_todays_backup(the_centre, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    at_warsaw(2026, 3, 2, 8, 0)
    (folder / "civic-auto-20260302-065000.duckdb.partial").write_bytes(b"half a file")

    made = backup.run_daily_backup(the_centre, folder)

    assert made is not None and backup.list_backups(folder)[0].path == made
    assert list(folder.glob("*.partial")) == []


def test_the_first_request_of_the_day_starts_the_backup_in_the_background_and_later_ones_do_nothing(
        the_centre, tmp_path, fresh_process):
    folder = tmp_path / "backups"
    at_warsaw(2026, 3, 2, 8, 0)

    thread = backup.start_daily_backup(the_centre, installation(folder))
    assert thread is not None
    thread.join(timeout=30)
    assert len(automatic(folder)) == 1

    for made in automatic(folder):
        (folder / made).unlink()  # the process remembers; it does not even look at the folder again today
    assert backup.start_daily_backup(the_centre, installation(folder)) is None
    assert automatic(folder) == []

    at_warsaw(2026, 3, 3, 8, 0)
    tomorrow = backup.start_daily_backup(the_centre, installation(folder))
    tomorrow.join(timeout=30)
    assert len(automatic(folder)) == 1


def test_an_installation_may_switch_the_daily_backup_off(the_centre, tmp_path, fresh_process):
    at_warsaw(2026, 3, 2, 8, 0)
    assert backup.start_daily_backup(the_centre, installation(tmp_path / "backups", daily_backup=False)) is None
    assert not (tmp_path / "backups").exists()


def test_a_failed_daily_backup_is_logged_and_not_retried_on_every_request(the_centre, tmp_path, fresh_process,
                                                                           caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be")
    at_warsaw(2026, 3, 2, 8, 0)

    backup.start_daily_backup(the_centre, installation(blocked)).join(timeout=30)

    assert "automatic daily backup" in caplog.text
    assert backup.start_daily_backup(the_centre, installation(blocked)) is None


# -- restore: more ways it must refuse ---------------------------------------------------------------
def test_restore_refuses_the_database_file_itself(the_centre, db_path):
    close_database(db_path)
    with pytest.raises(DatabaseError, match="database file itself"):
        backup.restore(db_path, db_path)
    assert db_path.exists()


def test_a_copy_that_differs_from_the_backup_replaces_nothing(the_centre, admin, db_path, tmp_path, monkeypatch):
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    close_database(db_path)
    current = fingerprint(db_path)

    def bad_disk(source, target):  # the copy arrives damaged
        Path(target).write_bytes(random.Random(7).randbytes(8192))

    monkeypatch.setattr(backup.shutil, "copy2", bad_disk)
    with pytest.raises(DatabaseError):
        backup.restore(db_path, saved)

    assert fingerprint(db_path) == current
    assert list(tmp_path.glob("civic.replaced-*")) == [] and list(tmp_path.glob("*.restoring")) == []


def test_restoring_a_backup_from_an_older_version_says_it_will_be_brought_up_to_date(the_centre, admin, db_path,
                                                                                        tmp_path):
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    older = duckdb.connect(str(saved))
    older.execute("delete from schema_version where version = ?", [code_schema_version()])
    older.close()
    close_database(db_path)

    report = backup.restore(db_path, saved)

    assert f"schema version {code_schema_version() - 1}" in report
    assert f"brings it to schema version {code_schema_version()}" in report
