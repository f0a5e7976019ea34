"""Backup and restore: a backup taken inside the running app brings back exactly the state it
was taken in; restore checks the backup before touching anything and keeps the replaced file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from dashboard.core import clock, settings
from dashboard.core.errors import ValidationError
from dashboard.services.admin import app_settings, backup, users
from dashboard.services.register import organisations
from db.connection import DatabaseError, DatabaseLocked, close_database, code_schema_version, get_database

pytestmark = pytest.mark.file_layout  # reads the database file itself: the app's own block size


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
    clock.freeze(datetime(2026, 3, 2, 17, 45, 30, tzinfo=UTC))

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
    clock.freeze(datetime(2026, 3, 2, 17, 45, 30, tzinfo=UTC))
    first = backup.create_backup(the_centre, admin, tmp_path / "backups")
    clock.freeze(datetime(2026, 3, 2, 17, 45, 30, 500, tzinfo=UTC))
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
    clock.freeze(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))

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
    clock.freeze(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
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

    def bad_disk(source, target):  # the rebuilt copy arrives damaged
        Path(target).write_bytes(random.Random(7).randbytes(8192))

    monkeypatch.setattr(backup, "_rebuild", bad_disk)
    with pytest.raises(DatabaseError, match="differs from the backup"):
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


# -- proven readable: every column of every row is read, not only the counts -------------------------------
ROOT = Path(__file__).resolve().parents[2]


def _cut_in_half(data: bytes) -> bytes:
    return data[:len(data) // 2]


def _zero_the_middle_third(data: bytes) -> bytes:
    third = len(data) // 3
    return data[:third] + bytes(third) + data[2 * third:]


def _random_bytes_of_the_same_size(data: bytes) -> bytes:
    return random.Random(1905).randbytes(len(data))


DAMAGE = [_cut_in_half, _zero_the_middle_third, _random_bytes_of_the_same_size]


@pytest.fixture
def damaged(the_centre, admin, db_path, tmp_path):
    """Make a damaged copy of a good backup (the app closed, as for a restore)."""
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    close_database(db_path)

    def make(damage) -> Path:
        path = tmp_path / f"{damage.__name__}.duckdb"
        path.write_bytes(damage(saved.read_bytes()))
        return path

    return make


def _counts_alone_pass(path: Path) -> bool:
    """What the check did before: count(*) per table (DuckDB answers it from metadata)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        for (table,) in con.execute("select table_name from information_schema.tables where table_schema = 'main' "
                                    "and table_type = 'BASE TABLE'").fetchall():
            con.execute('select count(*) from "' + table + '"').fetchone()
        return True
    except duckdb.Error:
        return False
    finally:
        con.close()


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__.strip("_"))
def test_a_damaged_backup_is_refused_in_one_sentence_and_the_database_stays_byte_identical(damaged, db_path, tmp_path,
                                                                                            damage):
    bad = damaged(damage)
    if damage is not _random_bytes_of_the_same_size:
        assert _counts_alone_pass(bad)  # the damage the old check let through
    before = fingerprint(db_path)

    with pytest.raises(backup.BackupRefused) as refused:
        backup.restore(db_path, bad)

    said = str(refused.value)
    assert bad.name in said and "nothing was changed" in said
    assert len(said.splitlines()) == 1 and said.count(". ") == 0 and said.endswith(".")
    polish = refused.value.text("pl")
    assert bad.name in polish and "niczego nie zmieniono" in polish
    assert fingerprint(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("civic.")) == ["civic.duckdb"]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__.strip("_"))
def test_the_cli_refuses_a_damaged_backup_in_one_sentence_and_changes_nothing(damaged, db_path, tmp_path, damage):
    bad = damaged(damage)
    before = fingerprint(db_path)
    env = {**os.environ, "CIVIC_DB_PATH": str(db_path), "CIVIC_SECRETS_PATH": str(tmp_path / "secrets.toml"),
           "CIVIC_BACKUP_DIR": str(tmp_path / "backups"), "CIVIC_DEMO": "0", "PYTHONPATH": str(ROOT)}

    result = subprocess.run([sys.executable, "-m", "dashboard", "restore", str(bad)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert bad.name in result.stderr and "nothing was changed" in result.stderr
    assert fingerprint(db_path) == before


def test_check_reads_every_row_and_finds_what_the_counts_miss(damaged):
    bad = damaged(_zero_the_middle_third)
    con = duckdb.connect(str(bad), read_only=True)
    try:
        quick = backup._inspect(con, read_all=False)
        full = backup._inspect(con, read_all=True)
    finally:
        con.close()
    assert quick["integrity"] == "ok"
    assert full["integrity"].startswith(f"table {full['damaged']} unreadable")


def test_every_table_of_a_good_backup_gets_a_checksum_over_all_its_rows(the_centre, admin, tmp_path):
    saved = backup.create_backup(the_centre, admin, tmp_path / "backups")
    info = backup.verify(saved)
    assert set(info["checksums"]) == set(info["counts"]) == set(backup.inspect(the_centre)["counts"])
    assert all(info["checksums"][t][0] == info["counts"][t] for t in info["counts"])
    live = backup.inspect(the_centre, read_all=True)["checksums"]
    live.pop("audit_log")  # the backup's own audit row came after the copy
    assert {t: v for t, v in info["checksums"].items() if t != "audit_log"} == live


def test_a_changed_value_changes_the_table_checksum(the_centre, staff):
    before = backup.inspect(the_centre, read_all=True)["checksums"]["organisation"]
    the_centre.write(lambda cur: cur.execute("update organisation set notes = 'x' where id = 1"))
    after = backup.inspect(the_centre, read_all=True)["checksums"]["organisation"]
    assert before[0] == after[0] and before[1] != after[1]


def _damaging_disk(monkeypatch):
    """The backup file is damaged between writing and reading back (a failing disk)."""
    real_verify = backup.verify

    def verify_after_damage(path):
        path = Path(path)
        if path.name.endswith(".partial"):
            path.write_bytes(_zero_the_middle_third(path.read_bytes()))
        return real_verify(path)

    monkeypatch.setattr(backup, "verify", verify_after_damage)


def test_a_backup_that_does_not_read_back_is_not_kept(the_centre, admin, tmp_path, monkeypatch):
    _damaging_disk(monkeypatch)
    folder = tmp_path / "backups"

    with pytest.raises(backup.BackupRefused, match="could not be read back in full") as refused:
        backup.create_backup(the_centre, admin, folder)
    assert "nie dała się odczytać w całości" in refused.value.text("pl")

    assert list(folder.iterdir()) == []  # neither a backup nor a partial file
    assert the_centre.scalar("select count(*) from audit_log where action = 'backup'") == 0


def test_a_daily_backup_that_does_not_read_back_is_logged_not_kept(the_centre, tmp_path, monkeypatch, fresh_process,
                                                                    caplog):
    _damaging_disk(monkeypatch)
    folder = tmp_path / "backups"
    at_warsaw(2026, 3, 2, 8, 0)

    backup.start_daily_backup(the_centre, installation(folder)).join(timeout=30)

    assert backup.list_backups(folder) == [] and list(folder.glob("*.partial")) == []
    assert "automatic daily backup" in caplog.text and "could not be read back in full" in caplog.text
