"""Run the dashboard (as ``streamlit run dashboard/app.py ...`` would) with a clock a test can move.

Usage: ``python tests/e2e/shifted_server.py [streamlit run options]``, with the environment variable
``CIVIC_TEST_CLOCK_FILE`` naming a file that holds an offset in seconds (a float; a missing or
unreadable file counts as 0). The server's "now" is the real now plus that offset, so a browser
test can create an event a week ahead, enrol people while enrolment is open, then move the server
into the session to mark attendance. ``python tests/e2e/shifted_server.py cli init`` runs the
command line (``python -m dashboard init``) on the same clock, so the demo data is built around
the server's "now", not the real date; ``... shifted_server.py -c CODE ARGS`` runs a test's setup
script (as ``python -c``) on it.

The browser suite never runs on the real date: its start moment is ``CIVIC_E2E_NOW`` (a Warsaw
wall-clock ISO date or date-time; default ``DEFAULT_START``, a Wednesday morning), and
``start_offset()`` is the offset that puts "now" there, fixed once per process so every server,
the demo fill and the test process itself agree (and time still runs on from there).

Every domain and audit time in the app comes from ``dashboard.core.clock`` (``clock.utc_now()``,
``clock.local_now()``, ``clock.today()``, called through the module), so replacing those three
functions before the app is imported moves them all; ``clock.freeze`` still wins when set. The
login cookie is not shifted: its expiry is set and checked with the real ``time.time()``
(dashboard/ui/auth.py ``cookie_username``), because the browser expires it by its own real clock.
That check refuses a cookie issued before the account's last sign-out, which is stored with the
shifted ``clock.utc_now()``; so ``install`` also makes ``users.signed_out_at`` answer in real time
(the stored moment minus the offset now in force), and signing out holds at any offset.

Used as a pytest plugin (``-p tests.e2e.shifted_server``, as tests/e2e/run_on_dates.py does), with
``CIVIC_E2E_NOW`` set, it moves the test process's own clock the same way, so unit and AppTest tests
that read "now" unfrozen run on that date.

The file is re-read only when it changes (its inode, mtime or size); writers should replace it
atomically (``write_offset``: a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLOCK_FILE_ENV = "CIVIC_TEST_CLOCK_FILE"
START_ENV = "CIVIC_E2E_NOW"
DEFAULT_START = "2026-11-18T11:00"  # a Wednesday (open 10-18), a week after 11 November, far from DST
START_TIME = "11:00"  # the hour a start given as a bare date means

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.core import clock  # noqa: E402  (stdlib only: importing it starts nothing of the app)

_lock = threading.Lock()
_cache: dict = {"stamp": None, "offset": 0.0}
_start: dict = {}


# -- the start moment ----------------------------------------------------------------------------------
def parse_moment(text: str) -> datetime:
    """A naive Warsaw wall-clock moment from ``2026-11-18T11:00`` (a bare date means START_TIME that day)."""
    text = text.strip()
    if "T" not in text and " " not in text:
        text = f"{text}T{START_TIME}"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(clock.WARSAW).replace(tzinfo=None)
    return moment


def start_moment() -> datetime:
    """Where the browser suite's clock starts: ``CIVIC_E2E_NOW`` or DEFAULT_START (naive Warsaw)."""
    return parse_moment(os.environ.get(START_ENV) or DEFAULT_START)


def offset_to(moment: datetime, real_now: datetime | None = None) -> float:
    """Seconds to add to the real now (aware; default: now) so that it reads as this Warsaw wall-clock moment."""
    real_now = real_now or datetime.now(UTC)
    return (moment.replace(tzinfo=clock.WARSAW) - real_now).total_seconds()


def start_offset() -> float:
    """The offset putting "now" at ``start_moment()``: taken once per process, then the same for every caller."""
    with _lock:
        if "offset" not in _start:
            _start["offset"] = offset_to(start_moment())
        return _start["offset"]


def write_offset(path: Path, seconds: float) -> None:
    """Write a clock file atomically (a server may read it at any moment)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{seconds:.3f}", encoding="utf-8")
    os.replace(tmp, path)


# -- the shifted clock ---------------------------------------------------------------------------------
def offset_seconds() -> float:
    """The offset in the clock file, re-read when the file has changed since the last call."""
    path = os.environ.get(CLOCK_FILE_ENV)
    if not path:
        return 0.0
    try:
        info = os.stat(path)
    except OSError:
        return 0.0
    stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
    with _lock:
        if stamp != _cache["stamp"]:
            try:
                _cache["offset"] = float(Path(path).read_text(encoding="utf-8").strip() or 0)
            except (OSError, ValueError):
                _cache["offset"] = 0.0
            _cache["stamp"] = stamp
        return _cache["offset"]


_offset: Callable[[], float] = offset_seconds  # where the installed clock takes its offset from


def _now() -> datetime:
    """An aware 'now': the frozen moment if a test froze the clock, else real now plus the offset."""
    return clock._frozen or datetime.now(UTC) + timedelta(seconds=_offset())


def utc_now() -> datetime:
    return _now().astimezone(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    return _now().astimezone(clock.WARSAW).replace(tzinfo=None)


def today() -> date:
    return local_now().date()


def install(offset: Callable[[], float] = offset_seconds) -> None:
    """Move ``dashboard.core.clock`` by ``offset()`` seconds (default: the clock file's), and read sign-outs
    back in real time for the login cookie's check (see the module's docstring)."""
    global _offset
    _offset = offset
    clock.utc_now, clock.local_now, clock.today = utc_now, local_now, today
    from dashboard.services.admin import users

    stored = getattr(users.signed_out_at, "shifted_from", users.signed_out_at)

    def signed_out_at(db, username):
        moment = stored(db, username)
        return None if moment is None else moment - timedelta(seconds=_offset())

    signed_out_at.shifted_from = stored
    users.signed_out_at = signed_out_at


def pytest_configure(config) -> None:
    """As a pytest plugin: with ``CIVIC_E2E_NOW`` set, the test process's clock starts there too."""
    if os.environ.get(START_ENV):
        install(start_offset)


def main(argv: list[str]) -> None:
    install()
    os.chdir(ROOT)
    if argv[:1] == ["cli"]:  # the command line (`cli init` builds the demo data) on the same clock
        from dashboard.cli import main as cli_main

        raise SystemExit(cli_main(argv[1:]))
    if argv[:1] == ["-c"]:  # a test's setup script (`-c CODE ARGS...`, as `python -c`) on the same clock
        sys.argv = ["-c", *argv[2:]]
        exec(compile(argv[1], "<setup>", "exec"), {"__name__": "__main__"})
        return
    from streamlit.web import cli  # imported after the patch; the app itself is imported by the server

    # The same entry point as the `streamlit` command, so config files and flags behave as in `streamlit run`.
    cli.main(["run", "dashboard/app.py", *argv], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
