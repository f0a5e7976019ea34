"""The one module that owns the DuckDB connection.

DuckDB allows one read-write process per file, and one connection object must not be
used by two threads at once. So each process opens the file once (``get_database``) and
every call takes its own cursor, which has its own transaction. Writes run inside
``Database.write``: one transaction, rolled back on any error, retried when DuckDB's
optimistic concurrency control reports a write-write conflict.

DuckDB never overwrites the blocks it frees, so data erased by an UPDATE (a volunteer's
anonymisation) stays readable in the file's bytes. ``Database.erase_freed_blocks`` copies the
database into a fresh file, swaps it in atomically and reopens the connection; every call goes
through a gate, so the swap happens only when no call is running.
"""

from __future__ import annotations

import logging
import os
import random
import re
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

if TYPE_CHECKING:  # only annotations: pandas (~0.4 s) loads with the first frame read (duckdb's .df())
    import pandas as pd

# Every table a migration adds follows the schema rule of db/schema_rules.py (a table that foreign keys point to
# keeps no FOREIGN KEY / UNIQUE / LIST column a service updates: DuckDB would refuse the UPDATE); tests check it.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

T = TypeVar("T")
_log = logging.getLogger(__name__)

# DuckDB's allocator keeps memory freed by a large query or write for later reuse. In a process that
# runs all day, background threads hand it back to the system (measured: 120–180 MB held after the
# benchmark filled 300,000 bookings, without them).
# memory_limit: DuckDB's default is 80% of the machine's memory, so its buffer pool would keep every block
# it ever read (the whole file, in time) inside the server's process. At city scale every page and export
# together hold ~51 MB in it (25 MB table blocks, 26 MB indexes; bench.browser); 256 MB leaves five times
# that for bigger queries and years of growth while keeping the server under issue 20's 400 MB, and a
# query needing more spills to ``<file>.tmp`` instead of growing the process.
CONFIG = {"allocator_background_threads": True, "memory_limit": "256MB"}
# A rewrite after an erasure that could not run is tried again after a write, at most this often.
ERASE_RETRY_SECONDS = 300


class DatabaseError(Exception):
    """A problem with the database file itself, explained in one plain sentence."""


class DatabaseLocked(DatabaseError):
    """Another process (usually the running app) holds the file's lock."""


class SchemaTooNew(DatabaseError):
    """The file was written by a newer version of the code."""


class ConstraintViolation(Exception):
    """A UNIQUE/PRIMARY KEY/CHECK constraint refused a write (possibly only at COMMIT)."""


def _is_conflict(exc: Exception) -> bool:
    """A write-write conflict that is worth retrying (not a constraint violation)."""
    text = str(exc)
    return isinstance(exc, duckdb.TransactionException) and "onflict" in text and "constraint" not in text


def _is_constraint(exc: Exception) -> bool:
    text = str(exc)
    return isinstance(exc, duckdb.ConstraintException) or (
        isinstance(exc, duckdb.TransactionException) and "constraint" in text.lower()
    )


class _Gate:
    """Many calls at once (shared), or the file swap alone (exclusive).

    A thread already inside a call may nest calls (a service reading inside its own transaction): its
    depth is counted per thread, so it never waits for itself. While a swap waits, new calls wait too
    (the swap takes seconds and is rare: an anonymisation), so it cannot be starved.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._exclusive = False
        self._waiting = 0
        self._local = threading.local()

    def depth(self) -> int:
        return getattr(self._local, "depth", 0)

    @contextmanager
    def shared(self) -> Iterator[None]:
        depth = self.depth()
        if depth == 0:
            with self._cond:
                while self._exclusive or self._waiting:
                    self._cond.wait()
                self._active += 1
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            if depth == 0:
                with self._cond:
                    self._active -= 1
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self, timeout: float) -> Iterator[bool]:
        """Yields True once no call runs (new ones held back), or False after ``timeout`` seconds."""
        if self.depth():
            yield False  # called from inside a call: waiting would wait for ourselves
            return
        deadline = time.monotonic() + timeout
        with self._cond:
            self._waiting += 1
            try:
                while self._exclusive or self._active:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                got = not (self._exclusive or self._active)
                if got:
                    self._exclusive = True
            finally:
                self._waiting -= 1
                self._cond.notify_all()
        try:
            yield got
        finally:
            if got:
                with self._cond:
                    self._exclusive = False
                    self._cond.notify_all()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str | Path) -> str:
    """A file path as an SQL string literal (ATTACH takes no bound parameters)."""
    return "'" + str(text).replace("'", "''") + "'"


def base_tables(cur: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    catalog = catalog or cur.execute("select current_database()").fetchone()[0]
    return [r[0] for r in cur.execute(
        "select table_name from information_schema.tables where table_catalog = ? and table_schema = 'main' "
        "and table_type = 'BASE TABLE' order by table_name", [catalog]).fetchall()]


def table_checksum(cur: duckdb.DuckDBPyConnection, table: str, catalog: str | None = None) -> tuple[int, int]:
    """(rows, sum of every row's hash): reads every column of every row, so a damaged block cannot pass.

    ``count(*)`` alone is answered from the table's metadata and reads no data at all.
    """
    name = (quote_ident(catalog) + ".main." if catalog else "") + quote_ident(table)
    rows, total = cur.execute("select count(*), coalesce(sum(hash(t)), 0) from " + name + " t").fetchone()
    return int(rows), int(total)


def checksums(cur: duckdb.DuckDBPyConnection, catalog: str | None = None) -> dict[str, tuple[int, int]]:
    return {table: table_checksum(cur, table, catalog) for table in base_tables(cur, catalog)}


class Database:
    """A DuckDB file opened once per process; hands out a cursor per call."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._gate = _Gate()
        self._con = self._open()
        self._closed = False
        # An erasure whose file rewrite did not happen yet (marker left by a stopped process): do it now.
        self._erase_pending = self.path != ":memory:" and self._erase_marker().exists()
        self._erase_retry_at = 0.0
        if self.path != ":memory:" and Path(self.path).exists():
            # Left by a process stopped during a rewrite: the file under its own name is complete (old or new).
            _previous_name(Path(self.path)).unlink(missing_ok=True)
        if self._erase_pending:
            self.erase_freed_blocks()

    def _open(self) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(self.path, config=CONFIG)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLocked(
                    f"The database file {self.path} is in use by another process "
                    "(most likely the running app): stop the app first, or use the app's own screen."
                ) from exc
            raise DatabaseError(f"The database file {self.path} cannot be opened: {exc}") from exc
        except duckdb.Error as exc:
            raise DatabaseError(
                f"The file {self.path} is not a DuckDB database this app can read: {exc}"
            ) from exc

    # -- reads -------------------------------------------------------------------------
    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the process's connection (auto-commit), for work the helpers below do not cover."""
        with self._gate.shared():
            cur = self._con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def query(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        """Run a read and return a (small, aggregated) frame."""
        with self.cursor() as cur:
            return cur.execute(sql, params or []).df()

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).fetchall()

    def dicts(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[dict]:
        with self.cursor() as cur:
            cur.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] | dict | None = None) -> tuple | None:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    # -- writes ------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on its own cursor; committed on success, rolled back on error.

        DuckDB checks UNIQUE/PRIMARY KEY across concurrent transactions only at COMMIT,
        so a constraint failure can surface here rather than at the INSERT.
        """
        with self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                _rollback_quietly(cur)
                raise
            try:
                cur.execute("COMMIT")
            except duckdb.Error:
                _rollback_quietly(cur)
                raise

    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T], attempts: int = 8) -> T:
        """Run ``work(cursor)`` in one transaction, retrying write-write conflicts.

        Constraint violations are raised as ``ConstraintViolation`` and never retried:
        they mean the data itself refuses the write (for example a slot already taken).
        """
        for attempt in range(attempts):
            try:
                with self.transaction() as cur:
                    result = work(cur)
                if self._erase_pending and not self._gate.depth() and time.monotonic() >= self._erase_retry_at:
                    self.erase_freed_blocks()  # an earlier attempt could not run: try again now
                return result
            except duckdb.Error as exc:
                if _is_constraint(exc):
                    raise ConstraintViolation(str(exc)) from exc
                if _is_conflict(exc) and attempt < attempts - 1:
                    time.sleep(random.uniform(0.001, 0.01) * (attempt + 1))
                    continue
                raise
        raise AssertionError("unreachable")

    def checkpoint(self) -> None:
        with self.cursor() as cur:
            cur.execute("CHECKPOINT")

    def close(self) -> None:
        if not self._closed:
            self._con.close()
            self._closed = True

    # -- erasure that holds on disk ----------------------------------------------------------
    def _erase_marker(self) -> Path:
        return Path(self.path + ".erase-pending")

    def erase_freed_blocks(self, timeout: float = 60.0) -> bool:
        """Rewrite the file so data erased by updates and deletes is gone from its bytes, not only from its tables.

        DuckDB marks the blocks it frees for reuse but never overwrites them (CHECKPOINT and VACUUM
        included): an anonymised volunteer's e-mail stays readable in the file. So the whole database is
        copied (``COPY FROM DATABASE``: live rows only) into a fresh file beside it, checked table by
        table against the original, and swapped in with an atomic rename; the connection is reopened on
        it. It runs when no call is running and holds new calls back meanwhile (about a second for the
        demo data; an anonymisation is rare). If it cannot run now (calls kept running for ``timeout``
        seconds, or it failed) a marker file keeps the request: it is tried again after the next write
        and when the app next opens the file. Returns whether the file was rewritten.
        """
        if self.path == ":memory:":
            return True
        marker = self._erase_marker()
        if not marker.exists():
            marker.touch(mode=0o600)
        self._erase_pending = True
        if self._closed:
            return False  # done when the file is next opened
        self._erase_retry_at = time.monotonic() + ERASE_RETRY_SECONDS
        with self._gate.exclusive(timeout) as alone:
            if not alone:
                _log.warning("The rewrite of %s after an erasure could not run (calls still running after %s s); "
                             "it is retried after a later write", self.path, timeout)
                return False
            try:
                self._rewrite_file()
            except Exception:
                _log.exception("The rewrite of %s after an erasure failed; it is retried after a later write",
                               self.path)
                return False
        marker.unlink(missing_ok=True)
        self._erase_pending = False
        return True

    def _rewrite_file(self) -> None:
        """Copy into ``<file>.rewrite``, check it, swap it in, reopen. Only under the exclusive gate."""
        path = Path(self.path)
        fresh = path.with_name(path.name + ".rewrite")
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        alias = f"rewrite_{uuid.uuid4().hex}"
        cur = self._con.cursor()
        try:
            cur.execute("CHECKPOINT")
            source = cur.execute("select current_database()").fetchone()[0]
            expected = checksums(cur)
            cur.execute("ATTACH " + sql_literal(fresh) + " AS " + alias)
            try:
                cur.execute("COPY FROM DATABASE " + quote_ident(source) + " TO " + alias)
                copied = checksums(cur, alias)
            finally:
                cur.execute("DETACH " + alias)
            if copied != expected:
                raise DatabaseError(f"The rewritten copy of {path} differs from it; the file was left as it was.")
        except BaseException:
            fresh.unlink(missing_ok=True)
            raise
        finally:
            cur.close()
        os.chmod(fresh, stat.S_IMODE(path.stat().st_mode))
        _fsync(fresh)
        previous = _previous_name(path)
        self._con.close()
        try:
            wal = path.with_name(path.name + ".wal")
            if wal.exists() and wal.stat().st_size:
                raise DatabaseError(f"{wal} still holds changes after closing; the file was left as it was.")
            wal.unlink(missing_ok=True)
            previous.unlink(missing_ok=True)
            try:
                os.link(path, previous)  # a way back until the new file has been reopened and checked
            except OSError:
                pass  # a file system without hard links: no way back, the checks above must do
            os.replace(fresh, path)
            _fsync(path.parent)
            self._con = self._open()
            reopened = self._con.cursor()
            try:
                if checksums(reopened) != expected:  # the swap must be seen by the connection the app now uses
                    raise DatabaseError(f"After the rewrite {path} does not hold what it held before.")
            finally:
                reopened.close()
        except BaseException:
            fresh.unlink(missing_ok=True)
            try:
                self._con.close()
            except duckdb.Error:
                pass
            if previous.exists():
                os.replace(previous, path)  # the file as it was before the rewrite, under its name again
            self._con = self._open()
            raise
        previous.unlink(missing_ok=True)  # its blocks, the erased data among them, go back to the file system

    # -- schema ------------------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.scalar(
            "select count(*) from information_schema.tables where table_name = 'schema_version'"
        )
        if not exists:
            return 0
        return int(self.scalar("select coalesce(max(version), 0) from schema_version"))


def _rollback_quietly(cur: duckdb.DuckDBPyConnection) -> None:
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:
        pass  # DuckDB has already aborted the transaction


def _previous_name(path: Path) -> Path:
    return path.with_name(path.name + ".before-rewrite")


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entry list, after a rename) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


def code_schema_version() -> int:
    return max((v for v, _ in available_migrations()), default=0)


def migrate(db: Database, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply every migration newer than the file, each in its own transaction.

    Returns the versions applied. Refuses a file whose version is newer than the code,
    because running old code on it could silently corrupt data it does not understand.
    """
    migrations = available_migrations(directory)
    newest = max((v for v, _ in migrations), default=0)
    current = db.schema_version()
    if current > newest:
        raise SchemaTooNew(
            f"The database file {db.path} has schema version {current}, but this version of the "
            f"app knows only up to {newest}. Update the app, or restore a backup made by this version."
        )
    applied = []
    for version, path in migrations:
        if version <= current:
            continue
        script = path.read_text(encoding="utf-8")

        def apply(cur, version=version, path=path, script=script):
            if version == 1:
                cur.execute(
                    "create table if not exists schema_version (version integer primary key, "
                    "name varchar not null, applied_at timestamp not null)"
                )
            cur.execute(script)
            cur.execute(
                "insert into schema_version values (?, ?, now()::timestamp)", [version, path.stem]
            )

        db.write(apply, attempts=1)
        applied.append(version)
    return applied


_registry: dict[str, Database] = {}
_registry_lock = threading.Lock()


def get_database(path: str | Path) -> Database:
    """The process-wide Database for ``path`` (opened on first use)."""
    key = str(Path(path).resolve()) if str(path) != ":memory:" else ":memory:"
    with _registry_lock:
        db = _registry.get(key)
        if db is None or db._closed:
            db = Database(path)
            _registry[key] = db
        return db


def close_database(path: str | Path) -> None:
    key = str(Path(path).resolve())
    with _registry_lock:
        db = _registry.pop(key, None)
    if db is not None:
        db.close()


def is_open(path: str | Path) -> bool:
    """Whether this process holds ``path`` open (DuckDB would let a second connect share it)."""
    key = str(Path(path).resolve())
    with _registry_lock:
        db = _registry.get(key)
    return db is not None and not db._closed
