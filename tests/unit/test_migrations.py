"""Migrations: a new file gets the whole schema; an old file is upgraded keeping its data;
a file from a newer app, or one that is not a DuckDB database at all, is refused clearly.
"""

from __future__ import annotations

import random
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from db.connection import (
    Database,
    DatabaseError,
    DatabaseLocked,
    SchemaTooNew,
    available_migrations,
    close_database,
    code_schema_version,
    get_database,
    migrate,
)

# Used only when the code ships a single migration: a plausible next step (the Centre's lockers).
SYNTHETIC_NEXT = """
create table locker (
    number      integer primary key,
    organisation_id bigint references organisation (id)
);
insert into locker (number) values (1), (2), (3);
"""


@pytest.fixture
def fresh(tmp_path):
    path = tmp_path / "fresh.duckdb"
    yield get_database(path)
    close_database(path)


def test_migrating_an_empty_file_records_every_shipped_version(fresh):
    shipped = [version for version, _ in available_migrations()]

    applied = migrate(fresh)

    assert applied == shipped
    assert [r[0] for r in fresh.rows("select version from schema_version order by version")] == shipped
    assert fresh.schema_version() == code_schema_version() == shipped[-1]
    names = {r[0] for r in fresh.rows("select name from schema_version")}
    assert names == {path.stem for _, path in available_migrations()}


def test_the_foundation_schema_is_in_place_with_its_reference_data(fresh):
    migrate(fresh)
    tables = {r[0] for r in fresh.rows("select table_name from information_schema.tables")}
    assert {"app_user", "audit_log", "organisation", "osiedle", "legal_form", "app_setting"} <= tables
    assert fresh.scalar("select count(*) from osiedle") == 36  # Łódź's 36 osiedla
    assert fresh.scalar("select name from osiedle where id = 25") == "Katedralna"


def test_migrating_again_is_a_no_op(fresh):
    migrate(fresh)
    recorded = fresh.rows("select * from schema_version order by version")

    assert migrate(fresh) == []
    assert fresh.rows("select * from schema_version order by version") == recorded


@pytest.fixture
def previous_and_current(tmp_path) -> tuple[Path, Path, int]:
    """Two migration folders: the one before the newest migration, and the full one.

    With one shipped migration there is no real "previous version", so the full folder gets
    a synthetic 0002 on top of the shipped 0001 to exercise the same upgrade path.
    """
    shipped = available_migrations()
    previous, current = tmp_path / "previous", tmp_path / "current"
    previous.mkdir()
    current.mkdir()
    for _, path in shipped:
        shutil.copy(path, current / path.name)
    if len(shipped) == 1:
        (current / "0002_lockers.sql").write_text(SYNTHETIC_NEXT, encoding="utf-8")
        for _, path in shipped:
            shutil.copy(path, previous / path.name)
    else:
        for _, path in shipped[:-1]:
            shutil.copy(path, previous / path.name)
    newest = available_migrations(current)[-1][0]
    return previous, current, newest


def test_a_file_from_the_previous_version_is_upgraded_and_keeps_its_data(fresh, previous_and_current):
    previous, current, newest = previous_and_current
    migrate(fresh, previous)
    assert fresh.schema_version() == newest - 1
    now = datetime(2026, 3, 2, 9, 0)
    fresh.write(lambda cur: cur.execute(
        "insert into organisation (name, legal_form, nip, created_at, updated_at) "
        "values ('Fundacja Zielona Łódź', 'fundacja', '8567346215', ?, ?)", [now, now]))
    fresh.write(lambda cur: cur.execute(
        "insert into audit_log (at_utc, username, action, entity, entity_id) "
        "values (?, 'staszek', 'create', 'organisation', '1')", [now]))

    assert migrate(fresh, current) == [newest]

    assert fresh.schema_version() == newest
    assert fresh.rows("select name, nip, created_at from organisation") == [
        ("Fundacja Zielona Łódź", "8567346215", now)]
    assert fresh.scalar("select count(*) from audit_log") == 1


def test_the_upgrade_survives_closing_and_reopening_the_file(tmp_path, previous_and_current):
    previous, current, newest = previous_and_current
    path = tmp_path / "reopened.duckdb"
    migrate(get_database(path), previous)
    close_database(path)
    try:
        assert migrate(get_database(path), current) == [newest]
        close_database(path)
        assert get_database(path).schema_version() == newest
    finally:
        close_database(path)


def test_a_failing_migration_leaves_the_file_at_the_previous_version(fresh, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for _, path in available_migrations():
        shutil.copy(path, broken / path.name)
    next_version = code_schema_version() + 1
    (broken / f"{next_version:04d}_half_done.sql").write_text(
        "create table half_done (id integer);\ninsert into half_done values ('not a number');\n",
        encoding="utf-8")
    migrate(fresh)

    with pytest.raises(duckdb.ConversionException):
        migrate(fresh, broken)

    assert fresh.schema_version() == code_schema_version()
    assert fresh.scalar("select count(*) from information_schema.tables where table_name = 'half_done'") == 0


def test_a_file_from_a_newer_app_is_refused_with_a_clear_message(fresh):
    migrate(fresh)
    future = code_schema_version() + 1
    fresh.write(lambda cur: cur.execute(
        "insert into schema_version values (?, 'from_the_future', now()::timestamp)", [future]))

    with pytest.raises(SchemaTooNew) as caught:
        migrate(fresh)

    message = str(caught.value)
    assert f"schema version {future}" in message
    assert f"only up to {code_schema_version()}" in message
    assert "Update the app" in message
    assert "\n" not in message


def test_schema_too_new_is_a_database_error_the_cli_reports():
    assert issubclass(SchemaTooNew, DatabaseError)


@pytest.mark.parametrize("content", [
    random.Random(1905).randbytes(16384),  # random bytes
    b"Sprawozdanie roczne Centrum Obywatelskiego 2025\n" * 100,  # a misnamed report
])
def test_a_file_that_is_not_a_duckdb_database_is_refused(tmp_path, content):
    path = tmp_path / "civic.duckdb"
    path.write_bytes(content)

    with pytest.raises(DatabaseError) as caught:
        get_database(path)

    assert not isinstance(caught.value, DatabaseLocked)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content  # refused, not "repaired"


def test_a_directory_of_no_migrations_means_version_zero(tmp_path):
    assert available_migrations(tmp_path) == []
    db = Database(tmp_path / "empty.duckdb")
    try:
        assert db.schema_version() == 0
        assert migrate(db, tmp_path) == []
    finally:
        db.close()
