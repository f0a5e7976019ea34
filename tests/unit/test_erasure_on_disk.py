"""Erasure that holds on disk: after a volunteer's anonymisation their e-mail, name and phone are gone from the
database file's bytes, not only from its tables; the app keeps working on the rewritten file.

DuckDB frees the blocks an UPDATE replaces but never overwrites them (CHECKPOINT and VACUUM included: the
first test shows it), so ``gdpr.anonymise`` has the file rewritten (``Database.erase_freed_blocks``).
"""

from __future__ import annotations

import re
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from dashboard.services.register import organisations
from dashboard.services.volunteers import gdpr
from dashboard.services.volunteers import register as vol
from db import connection
from db.connection import close_database, get_database

pytestmark = pytest.mark.file_layout  # reads the database file itself: the app's own block size

EMAIL = "Gertruda.Zapamietywalska-7731@Przyklad-Lodz.pl"
FIRST, LAST = "Gertruda", "Ślimakowska-Żółtodziób"
PHONE_TYPED, PHONE_STORED = "601 998 877", "+48601998877"
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def needles() -> list[str]:
    """Every form of the person's data worth looking for: as typed, as stored, lower and upper case."""
    base = [EMAIL, FIRST, LAST, f"{FIRST} {LAST}", PHONE_TYPED, PHONE_STORED, "601998877"]
    forms = sorted({form for text in base for form in (text, text.lower(), text.upper())})
    assert not any(b"\x00\x00" in form.encode(encoding) for form in forms for encoding in ENCODINGS)  # found_in
    return forms


def raw_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as anyone with the disk could read them."""
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def found_in(data: bytes) -> list[str]:
    """Every needle found in ``data``, with its encoding.

    The file is mostly zero bytes, and a search for a UTF-16 needle (a zero byte in every other place) crawled
    through them: 0.67 CPU-s a scan. Runs of three or more zeros are first cut to two: no needle holds two zeros
    in a row, so every place a needle was found is kept and no new one is made (0.003 CPU-s)."""
    data = re.sub(rb"\x00{3,}", b"\x00\x00", data)
    hits = []
    for text in needles():
        for encoding in ENCODINGS:
            if text.encode(encoding) in data:
                hits.append(f"{text!r} ({encoding})")
    return hits


@pytest.fixture
def path(db) -> Path:
    return Path(db.path)


@pytest.fixture
def gertruda(db, staff, path) -> int:
    """A volunteer with a memorable e-mail, a name with Polish letters and a phone, written to the file."""
    vid = vol.register(db, staff, {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "phone": PHONE_TYPED,
                                   "birth_date": date(1990, 5, 1), "status": "active", "consent": True,
                                   "consent_on": date(2026, 1, 10), "notes": f"{FIRST} woli soboty"})
    vol.update(db, staff, vid, {"notes": f"Dzwonić: {PHONE_TYPED}"})  # the old note now only in the audit log
    db.checkpoint()
    assert found_in(raw_bytes(path)), "the scan must see the data before the erasure, or it proves nothing"
    return vid


def test_checkpoint_and_vacuum_alone_leave_the_erased_data_in_the_file(db, staff, path, gertruda, monkeypatch):
    monkeypatch.setattr(connection.Database, "erase_freed_blocks", lambda self, timeout=60.0: False)
    gdpr.anonymise(db, staff, gertruda)
    with db.cursor() as cur:
        cur.execute("VACUUM")
        cur.execute("FORCE CHECKPOINT")

    assert found_in(raw_bytes(path))  # why the file has to be rewritten


def test_after_anonymisation_the_file_holds_neither_email_name_nor_phone(db, staff, path, gertruda):
    gdpr.anonymise(db, staff, gertruda)

    assert found_in(raw_bytes(path)) == []
    db.checkpoint()
    assert found_in(raw_bytes(path)) == []
    close_database(path)
    assert found_in(raw_bytes(path)) == []
    assert not Path(str(path) + ".erase-pending").exists()
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [path.name]


def test_the_app_keeps_working_on_the_rewritten_file(db, staff, path, gertruda):
    before = db.rows("select id, first_name, status from volunteer order by id")
    gdpr.anonymise(db, staff, gertruda)

    assert get_database(path) is db  # the same process-wide object, its connection reopened
    assert db.rows("select id, first_name from volunteer") == [(gertruda, gdpr.ERASED)]
    assert len(before) == 1
    other = vol.register(db, staff, {"first_name": "Jan", "last_name": "Nowak", "email": "jan@example.org",
                                     "birth_year": 1985, "status": "active", "consent": True,
                                     "consent_on": date(2026, 2, 1)})
    assert other > gertruda  # the id sequences came along
    organisation = organisations.create(db, staff, {"name": "Fundacja Łódź Żółć", "legal_form": "fundacja"})
    assert organisations.count(db) == 1 and organisation
    assert db.scalar("select count(*) from audit_log where action = 'anonymise'") == 1

    close_database(path)
    reopened = get_database(path)
    assert reopened.scalar("select count(*) from volunteer") == 2
    assert reopened.scalar("select first_name from volunteer where id = ?", [other]) == "Jan"


def test_calls_running_in_other_threads_wait_for_the_swap_and_then_carry_on(db, staff, gertruda):
    stop, errors, reads = threading.Event(), [], []

    def reader():
        while not stop.is_set():
            try:
                reads.append(db.scalar("select count(*) from volunteer"))
                with db.transaction() as cur:
                    cur.execute("select count(*) from audit_log").fetchone()
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.1)
        gdpr.anonymise(db, staff, gertruda)
        time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert reads and set(reads) == {1}
    assert found_in(raw_bytes(Path(db.path))) == []


def test_a_rewrite_that_cannot_run_now_stays_pending_and_runs_after_the_next_write(db, staff, path, gertruda,
                                                                                    monkeypatch):
    monkeypatch.setattr(connection, "ERASE_RETRY_SECONDS", 0)
    inside, release = threading.Event(), threading.Event()

    def long_call():
        with db.transaction() as cur:  # a call that runs on (a long report) while the erasure is asked for
            cur.execute("select 1")
            inside.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=long_call)
    holder.start()
    inside.wait(timeout=10)
    try:
        with monkeypatch.context() as patched:
            original = connection.Database.erase_freed_blocks
            patched.setattr(connection.Database, "erase_freed_blocks",
                            lambda self, timeout=60.0: original(self, timeout=0.2))
            gdpr.anonymise(db, staff, gertruda)
    finally:
        release.set()
        holder.join(timeout=30)

    marker = Path(str(path) + ".erase-pending")
    assert marker.exists() and found_in(raw_bytes(path))  # not yet: the long call was still running
    organisations.create(db, staff, {"name": "Stowarzyszenie Po Drodze", "legal_form": "stowarzyszenie"})
    assert not marker.exists()
    assert found_in(raw_bytes(path)) == []


def test_a_pending_rewrite_is_done_when_the_file_is_next_opened(db, staff, path, gertruda, monkeypatch):
    monkeypatch.setattr(connection.Database, "_rewrite_file", lambda self: (_ for _ in ()).throw(OSError("disk full")))
    gdpr.anonymise(db, staff, gertruda)  # the rewrite fails: logged, the erasure itself is committed
    assert db.scalar("select email from volunteer where id = ?", [gertruda]) is None
    marker = Path(str(path) + ".erase-pending")
    assert marker.exists()
    close_database(path)
    monkeypatch.undo()

    reopened = get_database(path)  # the app's next start

    assert not marker.exists()
    assert found_in(raw_bytes(path)) == []
    assert reopened.scalar("select count(*) from volunteer") == 1


def test_a_copy_that_does_not_match_is_never_swapped_in(db, staff, path, gertruda, monkeypatch, caplog):
    real = connection.checksums

    def off_by_one(cur, catalog=None):
        sums = real(cur, catalog)
        if catalog:  # the fresh copy: pretend a row went missing
            table = next(iter(sums))
            sums[table] = (sums[table][0] - 1, sums[table][1])
        return sums

    monkeypatch.setattr(connection, "checksums", off_by_one)
    before = path.stat().st_ino
    gdpr.anonymise(db, staff, gertruda)

    assert path.stat().st_ino == before  # the original file, never replaced
    assert "differs" in caplog.text
    assert db.scalar("select count(*) from volunteer") == 1  # and still working
    assert not Path(str(path) + ".rewrite").exists()


def test_a_rewritten_file_that_does_not_reopen_right_is_undone(db, staff, path, gertruda, monkeypatch, caplog):
    real = connection.checksums
    calls = []

    def wrong_after_reopening(cur, catalog=None):
        calls.append(catalog)
        sums = real(cur, catalog)
        if len(calls) == 3:  # before, the copy, and the reopened file: pretend the reopened one differs
            sums = {table: (rows + 1, total) for table, (rows, total) in sums.items()}
        return sums

    monkeypatch.setattr(connection, "checksums", wrong_after_reopening)
    gdpr.anonymise(db, staff, gertruda)

    assert "does not hold what it held before" in caplog.text
    assert db.scalar("select email from volunteer where id = ?", [gertruda]) is None  # the erasure committed
    assert db.scalar("select count(*) from volunteer") == 1  # the file as it was, open again
    assert Path(str(path) + ".erase-pending").exists()
    assert not Path(str(path) + ".before-rewrite").exists() and not Path(str(path) + ".rewrite").exists()
    monkeypatch.undo()
    assert db.erase_freed_blocks()
    assert found_in(raw_bytes(path)) == []
