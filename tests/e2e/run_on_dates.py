"""Run the date-sensitive tests with the clock started on many days: the suite must pass on every day of the year.

Usage (from the repository root; ``make test-dates`` runs the default set)::

    python tests/e2e/run_on_dates.py                      # every start in PROOF_STARTS, the browser booking test
    python tests/e2e/run_on_dates.py mon wed eve-of-christmas 2027-01-05T19:30
    python tests/e2e/run_on_dates.py --with-unit --tests tests/e2e/test_browser_event_attendance.py mon

Each start (a name from ``PROOF_STARTS`` in tests/e2e/conftest.py, or an ISO date / date-time in Łódź) runs one
``pytest`` with ``CIVIC_E2E_NOW`` set to it: the e2e server's clock and its demo database start there, the test
process pins its clock there (``-p tests.e2e.shifted_server``), and every date a test books is derived from it.
``--with-unit`` adds the unit and AppTest tests that read "now" without freezing it. One start at a time, one
pytest process each (the machine's cores are shared); a log per start goes to tests/e2e/artifacts/dates/, with
the booking test's screenshots of that start. Exits 1 when any start failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e import shifted_server as shifted  # noqa: E402
from tests.e2e.conftest import ARTIFACTS, PROOF_STARTS, next_open_slot  # noqa: E402

BROWSER_TESTS = ["tests/e2e/test_browser_booking.py"]
# Tests outside tests/e2e that take "now" from the clock unfrozen (found by grepping tests/ for clock.today(),
# clock.local_now(), date.today(), datetime.now()); with the plugin their process's clock starts at the start too.
UNIT_TESTS = [
    "tests/unit/test_date_proof.py",
    "tests/unit/test_organisations.py::test_the_first_visit_cannot_be_in_the_future",
    "tests/app/test_initiative_pages.py::test_move_an_initiative_through_every_stage_on_its_page",
    "tests/app/test_initiative_pages.py::test_a_move_someone_else_made_first_is_refused_naming_the_allowed_moves",
]
LOGS = ARTIFACTS / "dates"
SUMMARY = re.compile(r"=+ (?P<summary>.*\d+ (passed|failed|error|skipped).*?) in [\d.]+s")


def _start_of(name: str) -> str:
    return PROOF_STARTS.get(name, name)


def run_one(name: str, tests: list[str]) -> tuple[bool, str, float]:
    """One pytest run with the clock started at ``name``; (passed, pytest's summary line, seconds)."""
    env = {**os.environ, shifted.START_ENV: _start_of(name)}
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{re.sub(r'[^A-Za-z0-9_-]+', '-', name)}.log"
    began = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "tests.e2e.shifted_server",
                               *tests], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - began
    text = log.read_text(encoding="utf-8", errors="replace")
    found = SUMMARY.findall(text)
    summary = found[-1][0] if found else f"no summary (exit {done.returncode}), see {log.relative_to(ROOT)}"
    shots = LOGS / log.stem
    for png in ARTIFACTS.glob("booking-0*.png"):
        shots.mkdir(exist_ok=True)
        shutil.copy2(png, shots / png.name)
    return done.returncode == 0, summary, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("starts", nargs="*", help=f"names ({', '.join(PROOF_STARTS)}) or ISO dates; default: all names")
    parser.add_argument("--tests", nargs="*", default=BROWSER_TESTS,
                        help="browser test files (default: %(default)s; none with --with-unit: the unit tests only)")
    parser.add_argument("--with-unit", action="store_true", help="also the unit/AppTest tests that read the clock")
    args = parser.parse_args(argv)
    starts = args.starts or list(PROOF_STARTS)
    tests = args.tests + (UNIT_TESTS if args.with_unit else [])
    print(f"tests: {' '.join(tests)}")
    failed = []
    for name in starts:
        moment = shifted.parse_moment(_start_of(name))
        slot = next_open_slot(after=moment)
        print(f"{name:<24} {moment:%Y-%m-%d %H:%M %a}  books {slot.day:%Y-%m-%d %a} {slot.times}  ", end="", flush=True)
        passed, summary, seconds = run_one(name, tests)
        print(f"{'PASS' if passed else 'FAIL'}  {summary}  ({seconds:.0f} s)", flush=True)
        if not passed:
            failed.append(name)
    print(f"{len(starts) - len(failed)} of {len(starts)} starts passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
