"""Backups taken inside the process that owns the file, and a verified restore.

A second process cannot open the DuckDB file while the app holds it, so the app itself
copies the database (``COPY FROM DATABASE``, consistent because it runs in one transaction
snapshot). Restore works on a stopped app: it checks the backup before touching anything,
checks the copy it put in place, and keeps the replaced file aside.

Every backup is proven readable when it is written, and every file a restore is given before anything is
replaced: each column of each row of each table is read (a checksum per table, ``db.connection.checksums``),
because ``count(*)`` is answered from metadata and passes a file whose data blocks are gone. A restore does
not copy the file's bytes: it rebuilds the database from the backup's rows into a fresh file (indexes made
anew), checks the rebuilt file holds the same checksums, and only then swaps it in.

Besides the backups an admin makes (``civic-<UTC time>.duckdb``, never deleted by the app) the
app makes one automatic backup a day (``civic-auto-<UTC time>.duckdb``) on the first request of
the day, and deletes automatic ones older than the ``backup_retention_days`` setting.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from dashboard.core import clock, settings
from dashboard.core.errors import Message
from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM, Actor, require
from dashboard.services.admin import app_settings, audit
from db.connection import (
    Database,
    DatabaseError,
    DatabaseLocked,
    base_tables,
    checksums,
    code_schema_version,
    is_open,
    table_checksum,
)
from db.connection import quote_ident as _quote_ident
from db.connection import sql_literal as _literal

_log = logging.getLogger(__name__)
_AUTO_PREFIX = "civic-auto-"
_PARTIAL = ".partial"
_BACKUP_NAME = re.compile(r"^civic-(auto-)?(\d{8}-\d{6})(?:-\d{6})?\.duckdb$")
# One copy at a time per process: a manual backup and the daily one must not interleave their ATTACHes.
_copy_lock = threading.Lock()


class BackupRefused(DatabaseError):
    """A backup that cannot be used (or could not be written), said in one sentence in either language.

    ``str()`` is the English sentence (the CLI and logs); pages show ``translate(lang, *message)``.
    """

    def __init__(self, key: str, **params) -> None:
        self.message = Message(key, params)
        super().__init__(translate("en", key, **params))

    def text(self, lang: str) -> str:
        return translate(lang, self.message.key, **self.message.params)


def create_backup(db: Database, actor: Actor, directory: str | Path) -> Path:
    """Write a complete copy of the database next to the others; returns its path."""
    require(actor, "settings")
    target = Path(directory) / f"civic-{clock.utc_now():%Y%m%d-%H%M%S-%f}.duckdb"
    _copy_database(db, target)
    db.write(lambda c: audit.record(c, actor.username, "backup", "database", target.name))
    return target


def _copy_database(db: Database, target: Path) -> None:
    """Copy the whole database into a new file at ``target``, which appears only once complete and proven.

    The copy is written under a temporary name and renamed at the end, so a crash (or a full disk)
    in the middle never leaves a half-written file that looks like a backup. Before the rename the
    file is opened afresh and every table read in full: its checksums must equal those of the
    database taken in the same transaction as the copy. It is readable by its owner only, like the
    secrets file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + _PARTIAL)
    alias = f"backup_{uuid.uuid4().hex}"
    with _copy_lock:
        try:
            with db.cursor() as cur:
                source = cur.execute("select current_database()").fetchone()[0]
                cur.execute("ATTACH " + _literal(partial) + " AS " + alias)
                try:
                    cur.execute("BEGIN TRANSACTION")  # the checksums and the copy see one snapshot
                    try:
                        expected = checksums(cur)
                        cur.execute("COPY FROM DATABASE " + _quote_ident(source) + " TO " + alias)
                        cur.execute("COMMIT")
                    except BaseException:
                        try:
                            cur.execute("ROLLBACK")
                        except duckdb.Error:
                            pass  # DuckDB has already aborted the transaction
                        raise
                finally:
                    cur.execute("DETACH " + alias)
            try:
                written = verify(partial)
            except BackupRefused as exc:
                _log.warning("The new backup %s did not read back: %s", target.name, exc)
                raise BackupRefused("backup.refused.not_read_back", name=target.name) from exc
            if written["checksums"] != expected:
                raise BackupRefused("backup.refused.not_read_back", name=target.name)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.chmod(0o600)  # a backup holds personal data: for the account running the app only
        os.replace(partial, target)


# -- the backup folder ---------------------------------------------------------------------
@dataclass(frozen=True)
class BackupFile:
    path: Path
    automatic: bool
    taken_at: datetime  # Europe/Warsaw wall clock, naive (as the rest of the domain)
    size: int

    @property
    def day(self) -> date:
        return self.taken_at.date()


def list_backups(directory: str | Path) -> list[BackupFile]:
    """The finished backups in the folder, newest first (files named otherwise are not ours)."""
    directory = Path(directory)
    found = []
    for path in directory.glob("civic-*.duckdb") if directory.is_dir() else ():
        match = _BACKUP_NAME.match(path.name)
        if not match:
            continue
        utc = datetime.strptime(match.group(2), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        local = utc.astimezone(clock.WARSAW).replace(tzinfo=None)
        found.append(BackupFile(path, bool(match.group(1)), local, path.stat().st_size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


# -- the automatic daily backup ------------------------------------------------------------
def run_daily_backup(db: Database, directory: str | Path) -> Path | None:
    """Today's automatic backup, unless the folder already holds one; then prune the old ones.

    "Today" is the Centre's (Europe/Warsaw) day. The marker is the backup file itself, so a
    restarted app does not take a second one the same day. Returns the new file, or None.
    """
    directory = Path(directory)
    today = clock.today()
    for stale in directory.glob(_AUTO_PREFIX + "*" + _PARTIAL) if directory.is_dir() else ():
        stale.unlink(missing_ok=True)  # left by a process stopped mid-copy (ours run one at a time)
    if any(b.automatic and b.day == today for b in list_backups(directory)):
        return None
    keep_days = int(app_settings.get_setting(db, "backup_retention_days"))
    target = directory / f"{_AUTO_PREFIX}{clock.utc_now():%Y%m%d-%H%M%S}.duckdb"
    _copy_database(db, target)
    pruned = prune_automatic(directory, keep_days)
    db.write(lambda c: audit.record(c, SYSTEM.username, "backup", "database", target.name, None,
                                    {"automatic": True, "pruned": [p.name for p in pruned]}))
    return target


def prune_automatic(directory: str | Path, keep_days: int) -> list[Path]:
    """Delete the automatic backups older than ``keep_days`` days (today's counts as the first).

    Backups an admin made are never deleted here, whatever their age.
    """
    oldest_kept = clock.today() - timedelta(days=keep_days - 1)
    pruned = []
    for backup in list_backups(directory):
        if backup.automatic and backup.day < oldest_kept:
            backup.path.unlink(missing_ok=True)
            pruned.append(backup.path)
    return pruned


class _Daily:
    """Per process: the day the daily backup was last done (or tried), and the thread doing it."""

    lock = threading.Lock()
    day: date | None = None
    thread: threading.Thread | None = None


def start_daily_backup(db: Database, config: settings.Config) -> threading.Thread | None:
    """Called on every request after login; on the first one of the day, start the daily backup
    into ``config.backup_dir`` (unless the installation switched it off: ``config.daily_backup``).

    Every other request pays one date comparison. The copy runs in a background thread, so the
    first user of the day does not wait for it (a city-scale file takes seconds to copy); the
    thread uses its own cursor, like every other caller of the process's one connection. A
    failure is logged, and tried again the next day or at the next start of the app.
    Returns the thread started (tests join it), or None.
    """
    today = clock.today()
    if _Daily.day == today or not config.daily_backup:
        return None
    with _Daily.lock:
        if _Daily.day == today or (_Daily.thread is not None and _Daily.thread.is_alive()):
            return None
        thread = threading.Thread(target=_daily_job, args=(db, Path(config.backup_dir), today),
                                  name="civic-daily-backup", daemon=True)
        _Daily.thread = thread
        thread.start()
    return thread


def _daily_job(db: Database, directory: Path, today: date) -> None:
    try:
        made = run_daily_backup(db, directory)
        if made is not None:
            _log.info("Automatic daily backup written: %s", made)
    except Exception:
        _log.exception("The automatic daily backup into %s failed", directory)
    finally:
        _Daily.day = today


def inspect(db: Database, read_all: bool = False) -> dict:
    """Schema version, per-table row counts, and whether every table could be read.

    With ``read_all`` every column of every row is read (and a checksum per table returned): what
    ``verify`` and ``python -m dashboard check`` do. Without it only the row counts are asked for, which
    DuckDB answers from metadata: quick enough for a page, but no proof the data can be read.
    """
    with db.cursor() as cur:
        return _inspect(cur, read_all)


def _inspect(cur, read_all: bool) -> dict:
    counts: dict[str, int] = {}
    sums: dict[str, tuple[int, int]] = {}
    integrity, damaged = "ok", None
    try:
        tables = base_tables(cur)
        version = _schema_version(cur, tables)
    except duckdb.Error as exc:
        return {"schema_version": 0, "counts": {}, "checksums": {}, "integrity": f"catalogue unreadable: {exc}",
                "damaged": "—"}
    for table in tables:
        try:
            if read_all:
                sums[table] = table_checksum(cur, table)
                counts[table] = sums[table][0]
            else:
                counts[table] = int(cur.execute("select count(*) from " + _quote_ident(table)).fetchone()[0])
        except duckdb.Error as exc:
            if damaged is None:
                integrity, damaged = f"table {table} unreadable: {exc}", table
    return {"schema_version": version, "counts": counts, "checksums": sums, "integrity": integrity,
            "damaged": damaged}


def _schema_version(cur, tables: list[str]) -> int:
    if "schema_version" not in tables:
        return 0
    return int(cur.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0])


def verify(path: str | Path) -> dict:
    """Open a backup read-only, read all of it, and check it is one this code can run on.

    Refuses (``BackupRefused``, one sentence) a missing file, a file DuckDB cannot open, a file with any
    table that cannot be read in full (cut short, overwritten, bit rot), another program's database and
    one newer than the code. Returns the ``inspect`` figures, checksums included.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupRefused("backup.refused.missing", path=str(path))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        _log.info("%s cannot be opened as a DuckDB file: %s", path, exc)
        raise BackupRefused("backup.refused.unreadable", name=path.name) from exc
    try:
        info = _inspect(con, read_all=True)
    finally:
        con.close()
    if info["damaged"] is not None:
        _log.info("%s failed the check: %s", path, info["integrity"])
        raise BackupRefused("backup.refused.damaged", name=path.name, table=info["damaged"])
    if info["schema_version"] == 0:
        raise BackupRefused("backup.refused.foreign", name=path.name)
    if info["schema_version"] > code_schema_version():
        raise BackupRefused("backup.refused.too_new", name=path.name, version=info["schema_version"],
                            code_version=code_schema_version())
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
    """Verify the backup, rebuild it beside the database and verify the rebuilt file, then swap the files.

    The current file (and its WAL) is moved aside, never deleted; until the verified copy is in
    place nothing of it is touched (not even opened, while the backup is being checked), so a
    refused restore leaves the installation byte for byte as it was.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    if db_path.exists() and backup_path.exists() and backup_path.resolve() == db_path.resolve():
        raise BackupRefused("backup.refused.itself", path=str(backup_path))
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
    incoming = _copy_verified(backup_path, db_path, info)
    if db_path.exists():
        aside = _aside_name(db_path)
        shutil.move(db_path, aside)
        wal = db_path.with_name(db_path.name + ".wal")
        if wal.exists():
            shutil.move(wal, aside.with_name(aside.name + ".wal"))
        kept = f" The replaced file is kept as {aside}."
    else:
        kept = ""
    os.replace(incoming, db_path)
    rows = sum(info["counts"].values())
    older = ("" if info["schema_version"] == code_schema_version() else
             f" The app brings it to schema version {code_schema_version()} at its next start.")
    return (f"Restored {backup_path.name} (schema version {info['schema_version']}, {rows} rows in "
            f"{len(info['counts'])} tables, every row read and checked after rebuilding) to {db_path}.{kept}{older}")


def _rebuild(backup_path: Path, target: Path) -> None:
    """Write the backup's database into a new file at ``target`` from its rows (``COPY FROM DATABASE``).

    Reading rows, not copying bytes, means a damaged block the rows do not use (an index, which is
    rebuilt) cannot come along, and one they do use stops the copy.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH " + _literal(backup_path) + " AS restore_source (READ_ONLY)")
        con.execute("ATTACH " + _literal(target) + " AS restore_target")
        con.execute("COPY FROM DATABASE restore_source TO restore_target")
        con.execute("DETACH restore_target")
        con.execute("DETACH restore_source")
    finally:
        con.close()


def _copy_verified(backup_path: Path, db_path: Path, expected: dict) -> Path:
    """Rebuild the backup next to the database file and check the result holds what the backup did."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    incoming = db_path.with_name(db_path.name + ".restoring")
    for leftover in (incoming, incoming.with_name(incoming.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        try:
            _rebuild(backup_path, incoming)
        except duckdb.Error as exc:
            _log.info("Rebuilding %s failed: %s", backup_path, exc)
            raise BackupRefused("backup.refused.copy_differs", name=backup_path.name) from exc
        try:
            copied = verify(incoming)
        except BackupRefused as exc:
            raise BackupRefused("backup.refused.copy_differs", name=backup_path.name) from exc
        if (copied["schema_version"], copied["checksums"]) != (expected["schema_version"], expected["checksums"]):
            raise BackupRefused("backup.refused.copy_differs", name=backup_path.name)
        incoming.chmod(0o600)
    except BaseException:
        for leftover in (incoming, incoming.with_name(incoming.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    return incoming
