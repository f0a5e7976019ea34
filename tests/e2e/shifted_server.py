"""Run the dashboard (as ``streamlit run dashboard/app.py ...`` would) with a clock a test can move.

Usage: ``python tests/e2e/shifted_server.py [streamlit run options]``, with the environment variable
``CIVIC_TEST_CLOCK_FILE`` naming a file that holds an offset in seconds (a float; a missing or
unreadable file counts as 0). The server's "now" is the real now plus that offset, so a browser
test can create an event a week ahead, enrol people while enrolment is open, then move the server
into the session to mark attendance.

Every domain and audit time in the app comes from ``dashboard.core.clock`` (``clock.utc_now()``,
``clock.local_now()``, ``clock.today()``, called through the module), so replacing those three
functions before the app is imported moves them all; ``clock.freeze`` still wins when set. The
login cookie is not shifted: its expiry is set and checked with the real ``time.time()``
(dashboard/auth.py ``cookie_username``), so re-login by cookie keeps working at any offset. One
mix of the two clocks: that check refuses a cookie issued before the account's last sign-out,
which is stored with the shifted ``clock.utc_now()``; so after a sign-out at a positive offset,
new cookies count as issued before it and every new page load asks for the password again.

The file is re-read only when it changes (its inode, mtime or size); writers should replace it
atomically (write a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLOCK_FILE_ENV = "CIVIC_TEST_CLOCK_FILE"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.core import clock  # noqa: E402  (stdlib only: importing it starts nothing of the app)

_lock = threading.Lock()
_cache: dict = {"stamp": None, "offset": 0.0}


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


def _now() -> datetime:
    """An aware 'now': the frozen moment if a test froze the clock, else real now plus the offset."""
    return clock._frozen or datetime.now(timezone.utc) + timedelta(seconds=offset_seconds())


def utc_now() -> datetime:
    return _now().astimezone(timezone.utc).replace(tzinfo=None)


def local_now() -> datetime:
    return _now().astimezone(clock.WARSAW).replace(tzinfo=None)


def today():
    return local_now().date()


def install() -> None:
    clock.utc_now, clock.local_now, clock.today = utc_now, local_now, today


def main(argv: list[str]) -> None:
    install()
    os.chdir(ROOT)
    from streamlit.web import cli  # imported after the patch; the app itself is imported by the server

    # The same entry point as the `streamlit` command, so config files and flags behave as in `streamlit run`.
    cli.main(["run", "dashboard/app.py", *argv], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
