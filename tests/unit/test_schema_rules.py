"""The schema rule of db/schema_rules.py: a table that foreign keys point to has no column DuckDB would update by
delete + insert, except its referenced key and the columns NEVER_UPDATED lists; and no UPDATE in the code sets one.

Read from the migrated database (``duckdb_constraints()``, ``duckdb_columns()``, ``duckdb_indexes()``) and from the
code's SQL, so the rule holds for every future table and statement. The sample schemas below prove each check
fails when it should (and that what it guards against is a real DuckDB refusal), and migration 0008, which fixed
the organisation table, keeps every row and id.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from db.connection import available_migrations, checksums, close_database, get_database, migrate
from db.schema_rules import NEVER_UPDATED, referenced_keys, row_moving_columns, update_targets, violations

ROOT = Path(__file__).resolve().parents[2]
CODE = sorted((ROOT / "dashboard").rglob("*.py")) + sorted((ROOT / "pages").rglob("*.py"))
FIX = 8  # db/migrations/0008_organisation_references_checked_by_service.sql


def update_problems(cur, sources: dict[str, str], never_updated: dict) -> list[str]:
    """Every UPDATE / upsert / INSERT OR REPLACE in ``sources`` that sets a row-moving column of a referenced table."""
    keys, moving = referenced_keys(cur), row_moving_columns(cur)
    problems = []
    for name, source in sources.items():
        for target in update_targets(source):
            if target.table not in keys:
                continue
            where = f"{name}:{target.line} ({target.table})"
            if target.replaces:
                problems.append(f"{where}: INSERT OR REPLACE deletes a row that foreign keys point to")
            elif target.columns is None:
                if any(table == target.table for table, _ in never_updated):
                    problems.append(f"{where}: the SET clause is built in code, so it cannot be checked against "
                                    f"NEVER_UPDATED; write its columns out")
            else:
                problems += [f"{where} sets {target.table}.{column}, which DuckDB updates by delete + insert"
                             for column in sorted(target.columns) if (target.table, column) in moving]
    return problems


def code_sources() -> dict[str, str]:
    return {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8") for path in CODE}


# -- the real schema and code ---------------------------------------------------------------------------------
def test_the_migrated_schema_follows_the_rule(db):
    with db.cursor() as cur:
        assert violations(cur) == []


def test_no_update_in_the_code_sets_a_row_moving_column_of_a_referenced_table(db):
    sources = code_sources()
    found = [(name, t) for name, source in sources.items() for t in update_targets(source)]
    # the scan reads the statements (a broken scan must not pass by finding nothing)
    assert len(found) >= 40
    organisation = [t for name, t in found if name == "dashboard/services/register/organisations.py"
                    and t.table == "organisation"]
    assert organisation and {"legal_form", "osiedle_id", "name"} <= organisation[0].columns
    with db.cursor() as cur:
        assert update_problems(cur, sources, NEVER_UPDATED) == []


def test_every_never_updated_column_is_a_real_row_moving_column_with_a_reason(db):
    with db.cursor() as cur:
        keys, moving = referenced_keys(cur), row_moving_columns(cur)
    for (table, column), reason in NEVER_UPDATED.items():
        assert table in keys and (table, column) in moving and len(reason) > 20


# -- the checks fail when they should -------------------------------------------------------------------------
SAMPLE = """
create table kind (code varchar primary key);
insert into kind values ('a'), ('b');
create table parent (
    id      integer primary key,
    kind    varchar references kind (code),
    email   varchar unique,
    tags    varchar[],
    note    varchar,
    indexed varchar
);
create index parent_indexed on parent (indexed);
create table child (parent_id integer references parent (id), tags varchar[], kind varchar references kind (code));
insert into parent values (1, 'a', 'x@example.org', ['t'], 'n', 'i');
insert into child values (1, ['t'], 'a');
"""


@pytest.fixture
def sample():
    con = duckdb.connect()
    con.execute(SAMPLE)
    yield con
    con.close()


def test_the_rule_names_every_row_moving_column_of_a_referenced_table(sample):
    problems = violations(sample, never_updated={})

    named = sorted(p.split(" ", 1)[0] for p in problems)
    # child is referenced by nothing, so its FOREIGN KEY and LIST columns are fine; parent.id is the key itself
    assert named == ["parent.email", "parent.indexed", "parent.kind", "parent.tags"]
    assert any("(FOREIGN KEY)" in p for p in problems) and any("(LIST)" in p for p in problems)


@pytest.mark.parametrize("column, value", [("kind", "'b'"), ("email", "'y@example.org'"), ("tags", "['u']"),
                                           ("indexed", "'j'")])
def test_what_the_rule_names_is_what_duckdb_refuses_to_update(sample, column, value):
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        sample.execute("update parent set " + column + " = " + value + " where id = 1")  # from the fixed list above
    sample.execute("update parent set note = 'plain columns update in place' where id = 1")
    sample.execute("update child set kind = 'b', tags = ['u']")  # nothing points to child


def test_never_updated_silences_a_column_and_a_stale_entry_is_reported(sample):
    allowed = {("parent", "kind"): "x", ("parent", "email"): "x", ("parent", "tags"): "x", ("parent", "indexed"): "x"}
    assert violations(sample, never_updated=allowed) == []

    stale = violations(sample, never_updated={**allowed, ("parent", "note"): "x", ("child", "kind"): "x"})
    assert sorted(p.split(" ")[2] for p in stale) == ["child.kind,", "parent.note,"]


def test_the_code_scan_catches_updates_of_row_moving_columns(sample):
    source = '''
def rename(cur, kind, note):
    cur.execute("update parent set note = ?, "
                "kind = ? where id = 1", [note, kind])
def bump(cur):
    cur.execute("update parent set note = note || '!' where id = 1")
def dynamic(cur, fields):
    cur.execute("update parent set " + ", ".join(f + " = ?" for f in fields) + " where id = 1")
def upsert(cur):
    cur.execute("insert into parent (id, email) values (1, ?) on conflict (id) do update set email = excluded.email")
def replace(cur):
    cur.execute(''' + '''f"insert or replace into parent values (1, 'a', null, [], {1}, null)")
def child(cur):
    cur.execute("update child set kind = 'b'")
'''
    targets = list(update_targets(source))
    assert {(t.table, t.columns) for t in targets if not t.replaces} == {
        ("parent", frozenset({"note", "kind"})), ("parent", frozenset({"note"})), ("parent", None),
        ("parent", frozenset({"email"})), ("child", frozenset({"kind"}))}

    problems = update_problems(sample, {"sample.py": source}, {("parent", "kind"): "x"})

    assert len(problems) == 4
    assert sum("parent.kind" in p for p in problems) == 1 and sum("parent.email" in p for p in problems) == 1
    assert sum("built in code" in p for p in problems) == 1 and sum("INSERT OR REPLACE" in p for p in problems) == 1


# -- migration 0008 ---------------------------------------------------------------------------------------------
@pytest.fixture
def before_the_fix(tmp_path):
    """A database file at the version before 0008, and the folder of the migrations before it."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    for version, path in available_migrations():
        if version < FIX:
            shutil.copy(path, folder / path.name)
    path = tmp_path / "old.duckdb"
    database = get_database(path)
    migrate(database, folder)
    yield database, folder
    close_database(path)


def _fill(cur) -> None:
    """A row in every table 0008 rebuilds, with ids that are not 1, 2, 3 (the rebuild must keep them)."""
    now = datetime(2026, 11, 2, 9, 0)
    cur.execute("insert into organisation (name, legal_form, osiedle_id, created_at, updated_at) "
                "values ('Fundacja Zielona Łódź', 'fundacja', 25, ?, ?)", [now, now])  # id from the sequence
    cur.execute("insert into organisation (id, name, legal_form, nip, city, created_at, updated_at) "
                "values (17, 'Stowarzyszenie Sąsiedzi', 'stowarzyszenie', '8567346215', 'Łódź', ?, ?)", [now, now])
    cur.execute("insert into resource (id, kind, name, capacity, created_at, updated_at) "
                "values (5, 'room', 'Sala', 20, ?, ?), (6, 'locker', 'Szafka', null, ?, ?)", [now, now, now, now])
    cur.execute("insert into booking_series (id, resource_id, organisation_id, every_weeks, first_day, start_time, "
                "end_time, created_at, created_by) values (4, 5, 17, 1, date '2026-11-03', time '12:00', "
                "time '13:00', ?, 'staszek')", [now])
    cur.execute("insert into booking (id, resource_id, organisation_id, series_id, contact_person, purpose, "
                "statutory_declared, attendees, starts_at, ends_at, status, created_at, created_by, updated_at) values "
                "(8, 5, 17, 4, 'Zofia', 'Zebranie', true, 10, timestamp '2026-11-03 12:00', "
                "timestamp '2026-11-03 13:00', 'confirmed', ?, 'staszek', ?), "
                "(9, 5, 1, null, 'Jan', 'Warsztat', true, 5, timestamp '2026-11-04 10:00', "
                "timestamp '2026-11-04 11:00', 'cancelled', ?, 'staszek', ?)", [now, now, now, now])
    cur.execute("insert into locker_assignment (id, resource_id, organisation_id, date_from, created_at, created_by, "
                "updated_at) values (2, 6, 17, date '2026-11-02', ?, 'staszek', ?)", [now, now])
    cur.execute("insert into event (id, title, event_type, resource_id, capacity, status, created_at, created_by, "
                "updated_at) values (6, 'Oferta', 'training', 5, 15, 'open', ?, 'staszek', ?)", [now, now])
    cur.execute("insert into event_session (id, event_id, starts_at, ends_at, booking_id) "
                "values (11, 6, timestamp '2026-11-03 16:00', timestamp '2026-11-03 19:00', null)")
    cur.execute("insert into enrolment (id, event_id, full_name, email, organisation_id, consent, consent_on, status, "
                "enrolled_at, created_by, created_at) values (21, 6, 'Anna', 'anna@example.org', 17, true, "
                "date '2026-11-01', 'enrolled', ?, 'staszek', ?)", [now, now])
    cur.execute("insert into attendance values (11, 21, true, ?, 'staszek')", [now])
    cur.execute("insert into feedback values (6, 21, 5, 'Dobre', ?, 'staszek')", [now])
    cur.execute("insert into advisory (id, organisation_id, advisor, topic_code, held_on, duration_min, form, question, "
                "created_at, created_by) values (5, 17, 'Marta', 'T3', date '2026-10-30', 45, 'phone', 'KRS?', ?, "
                "'staszek')", [now])
    cur.execute("insert into survey_response values (17, date '2026-10-30', 'Więcej szkoleń', ?, 'staszek', ?)",
                [now, now])
    cur.execute("insert into survey_answer values (17, 'F1', 5)")


def _tables_sql(db) -> dict[str, str]:
    return dict(db.rows("select table_name, sql from duckdb_tables() where database_name = current_database()"))


def test_before_the_fix_the_rule_names_the_organisation_and_duckdb_refuses_its_edit(before_the_fix):
    db, _ = before_the_fix
    db.write(_fill)
    with db.cursor() as cur:
        assert [p.split(" ", 1)[0] for p in violations(cur)] == ["organisation.legal_form", "organisation.osiedle_id"]
        with pytest.raises(duckdb.ConstraintException, match="foreign key"):
            cur.execute("update organisation set legal_form = 'fundacja' where id = 17")  # the same value, even


def test_migration_0008_keeps_every_row_id_and_sequence_and_lets_the_organisation_be_edited(before_the_fix):
    db, folder = before_the_fix
    db.write(_fill)
    with db.cursor() as cur:
        rows_before = checksums(cur)
    sql_before = _tables_sql(db)
    sequences_before = db.rows("select sequence_name, last_value from duckdb_sequences() order by 1")

    fix = next(path for version, path in available_migrations() if version == FIX)
    shutil.copy(fix, folder / fix.name)  # 0008 alone: later migrations change other tables
    assert migrate(db, folder) == [FIX]

    with db.cursor() as cur:
        rows_after = checksums(cur)
        assert violations(cur) == []
    assert {t: v for t, v in rows_after.items() if t != "schema_version"} == {
        t: v for t, v in rows_before.items() if t != "schema_version"}
    assert db.rows("select id from organisation order by id") == [(1,), (17,)]
    sql_after = _tables_sql(db)
    changed = {t for t in sql_before if sql_before[t] != sql_after.get(t)}
    assert changed == {"organisation"}  # the other nine tables are rebuilt exactly as they were
    assert sql_after["organisation"] == (sql_before["organisation"]
                                         .replace(", FOREIGN KEY (legal_form) REFERENCES legal_form(code)", "")
                                         .replace(", FOREIGN KEY (osiedle_id) REFERENCES osiedle(id)", ""))
    assert db.rows("select sequence_name, last_value from duckdb_sequences() order by 1") == sequences_before

    db.write(lambda cur: cur.execute("update organisation set legal_form = 'inna', osiedle_id = 7 where id = 17"))
    assert db.one("select legal_form, osiedle_id from organisation where id = 17") == ("inna", 7)
    new_id = db.write(lambda cur: cur.execute(
        "insert into organisation (name, legal_form, created_at, updated_at) values ('Nowa', 'inna', ?, ?) "
        "returning id", [date(2026, 11, 2), date(2026, 11, 2)]).fetchone()[0])
    assert new_id == 2  # the sequence goes on where it was
