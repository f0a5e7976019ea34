"""Backups taken inside the process that owns the file, and a verified restore.

A second process cannot open the DuckDB file while the app holds it, so the app itself
copies the database (``COPY FROM DATABASE``, consistent because it runs in one transaction
snapshot). Restore works on a stopped app: it checks the backup before touching anything and
keeps the replaced file aside.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from dashboard import clock
from dashboard.roles import Actor, require
from dashboard.services import audit
from db.connection import Database, DatabaseError, DatabaseLocked, code_schema_version, is_open

_ALIAS = "backup_copy"


def _literal(path: Path) -> str:
    """A file path as an SQL string literal (ATTACH takes no bound parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def create_backup(db: Database, actor: Actor, directory: str | Path) -> Path:
    """Write a complete copy of the database next to the others; returns its path."""
    require(actor, "settings")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"civic-{clock.utc_now():%Y%m%d-%H%M%S-%f}.duckdb"
    source = db.scalar("select current_database()")
    cur = db._con.cursor()
    try:
        cur.execute("ATTACH " + _literal(target) + " AS " + _ALIAS)
        try:
            cur.execute("COPY FROM DATABASE " + _quote_ident(source) + " TO " + _ALIAS)
        finally:
            cur.execute("DETACH " + _ALIAS)
    finally:
        cur.close()
    db.write(lambda c: audit.record(c, actor.username, "backup", "database", target.name))
    return target


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def inspect(db: Database) -> dict:
    """Schema version, per-table row counts, and whether every table could be read."""
    counts: dict[str, int] = {}
    integrity = "ok"
    tables = [r[0] for r in db.rows(
        "select table_name from information_schema.tables where table_schema = 'main' and table_type = 'BASE TABLE' "
        "order by table_name")]
    for table in tables:
        try:
            counts[table] = int(db.scalar("select count(*) from " + _quote_ident(table)))
        except duckdb.Error as exc:
            integrity = f"table {table} unreadable: {exc}"
    return {"schema_version": db.schema_version(), "counts": counts, "integrity": integrity}


def verify(path: str | Path) -> dict:
    """Open a backup read-only and check it is one this code can run on."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"There is no backup file at {path}.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DatabaseError(f"{path} is not a readable DuckDB backup: {exc}") from exc
    try:
        probe = Database.__new__(Database)
        probe.path, probe._con, probe._closed = str(path), con, False
        info = inspect(probe)
    finally:
        con.close()
    if info["schema_version"] == 0:
        raise DatabaseError(f"{path} holds no schema_version table: it is not a backup of this app.")
    if info["schema_version"] > code_schema_version():
        raise DatabaseError(f"{path} has schema version {info['schema_version']}, newer than this app "
                            f"({code_schema_version()}); update the app first.")
    if info["integrity"] != "ok":
        raise DatabaseError(f"{path} failed the check: {info['integrity']}.")
    return info


def _aside_name(db_path: Path) -> Path:
    """Where the replaced file goes: named by the time, never on top of an earlier one."""
    stamp = f"{db_path.stem}.replaced-{clock.utc_now():%Y%m%d-%H%M%S}"
    aside, n = db_path.with_name(stamp + db_path.suffix), 1
    while aside.exists() or aside.with_name(aside.name + ".wal").exists():
        n += 1
        aside = db_path.with_name(f"{stamp}-{n}{db_path.suffix}")
    return aside


def restore(db_path: str | Path, backup_path: str | Path) -> str:
    """Verify the backup, move the current file aside, put the backup in its place."""
    db_path, backup_path = Path(db_path), Path(backup_path)
    info = verify(backup_path)
    if is_open(db_path):
        # A connect from this same process would share the open instance and succeed, and
        # the file would be moved away under it; everything written afterwards would be lost.
        raise DatabaseLocked(f"The database file {db_path} is in use by this process: close it, then restore.")
    if db_path.exists():
        try:
            duckdb.connect(str(db_path)).close()
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLocked(f"The database file {db_path} is in use by another process "
                                     "(most likely the running app): stop it, then restore.") from exc
            # Any other error means the current file is damaged: exactly when a restore is
            # needed. Nobody can hold a file DuckDB cannot open, so it is safe to move aside.
        aside = _aside_name(db_path)
        shutil.move(db_path, aside)
        wal = db_path.with_name(db_path.name + ".wal")
        if wal.exists():
            shutil.move(wal, aside.with_name(aside.name + ".wal"))
        kept = f" The replaced file is kept as {aside}."
    else:
        kept = ""
    shutil.copy2(backup_path, db_path)
    rows = sum(info["counts"].values())
    return (f"Restored {backup_path.name} (schema version {info['schema_version']}, {rows} rows in "
            f"{len(info['counts'])} tables) to {db_path}.{kept}")
