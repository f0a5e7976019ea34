"""The one module that owns the DuckDB connection.

DuckDB allows one read-write process per file, and one connection object must not be
used by two threads at once. So each process opens the file once (``get_database``) and
every call takes its own cursor, which has its own transaction. Writes run inside
``Database.write``: one transaction, rolled back on any error, retried when DuckDB's
optimistic concurrency control reports a write-write conflict.
"""

from __future__ import annotations

import random
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import duckdb
import pandas as pd

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

T = TypeVar("T")

# DuckDB's allocator keeps memory freed by a large query or write for later reuse. In a process that
# runs all day, background threads hand it back to the system (measured: 120–180 MB held after the
# benchmark filled 300,000 bookings, without them).
CONFIG = {"allocator_background_threads": True}


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


class Database:
    """A DuckDB file opened once per process; hands out a cursor per call."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(self.path, config=CONFIG)
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
        self._closed = False

    # -- reads -------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        """Run a read and return a (small, aggregated) frame."""
        cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def dicts(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[dict]:
        cur = self._con.cursor()
        try:
            cur.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
        finally:
            cur.close()

    def one(self, sql: str, params: Sequence[Any] | dict | None = None) -> tuple | None:
        cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).fetchone()
        finally:
            cur.close()

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
        cur = self._con.cursor()
        try:
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
        finally:
            cur.close()

    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T], attempts: int = 8) -> T:
        """Run ``work(cursor)`` in one transaction, retrying write-write conflicts.

        Constraint violations are raised as ``ConstraintViolation`` and never retried:
        they mean the data itself refuses the write (for example a slot already taken).
        """
        for attempt in range(attempts):
            try:
                with self.transaction() as cur:
                    return work(cur)
            except duckdb.Error as exc:
                if _is_constraint(exc):
                    raise ConstraintViolation(str(exc)) from exc
                if _is_conflict(exc) and attempt < attempts - 1:
                    time.sleep(random.uniform(0.001, 0.01) * (attempt + 1))
                    continue
                raise
        raise AssertionError("unreachable")

    def checkpoint(self) -> None:
        cur = self._con.cursor()
        try:
            cur.execute("CHECKPOINT")
        finally:
            cur.close()

    def close(self) -> None:
        if not self._closed:
            self._con.close()
            self._closed = True

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
