"""bench/load.py: the verdict, the split between protocol and browser sessions, a protocol booking's outcome
sorted as the browser's is (no server, no timing asserted)."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.proto.Alert_pb2 import Alert

from bench import load
from bench.protocol import Run
from dashboard.core.i18n import translate
from tests.unit.builders import run_coroutine


def report(protocol_p95: float | None = 0.5, browser_p95: float | None = 0.8, errors: int = 0, pairs: int = 0) -> dict:
    kinds = {kind: {"overall": {"p95_s": p95}} for kind, p95 in (("protocol", protocol_p95), ("browser", browser_p95))
             if p95 is not None}
    return {"by_kind": kinds, "protocol_sessions": 9, "browser_sessions": 1, "errors": errors,
            "double_bookings": {"overlapping_pairs": pairs, "bookings_without_their_slots": 0}}


def test_met_needs_both_kinds_within_the_target_no_error_and_no_double_booking():
    assert load.met(report())
    assert not load.met(report(protocol_p95=load.TARGET_P95_S + 0.01))
    assert not load.met(report(browser_p95=load.TARGET_P95_S + 0.01))
    assert not load.met(report(browser_p95=None))  # the browser session timed nothing
    assert not load.met(report(errors=1))
    assert not load.met(report(pairs=1))
    assert not load.met(report() | {"alone": {"errors": 1}})  # the session alone before them showed an error
    assert load.met(report() | {"alone": {"errors": 0}})


def test_sessions_default_to_one_browser_and_the_rest_protocol():
    args = load.parse(["--sessions", "10"])
    assert (args.sessions, args.browsers) == (10, 1)
    assert load.parse(["--sessions", "10", "--browsers", "10"]).browsers == 10
    with pytest.raises(SystemExit):
        load.parse(["--sessions", "3", "--browsers", "4"])


def test_merged_tallies_add_up():
    a, b = load.Tally(), load.Tally()
    a.time("week", 0.2)
    b.time("week", 0.4)
    b.time("book", 0.1)
    b.booked, b.refreshes = 1, [0.05]
    whole = load.merged(a, b)
    assert whole.timings == {"week": [0.2, 0.4], "book": [0.1]} and whole.actions == 3
    assert whole.booked == 1 and whole.refreshes == [0.05]


class FakeSession:
    """What protocol_book reads of a session after its submit: the alerts drawn."""

    def __init__(self, alerts: list[tuple[int, str]]):
        self.alerts = [Alert(format=fmt, body=body) for fmt, body in alerts]
        self.sent = None

    async def submit(self, values, button):
        self.sent = (values, button)
        return Run(seconds=0.1, status="FINISHED_SUCCESSFULLY", runs=1)

    def drawn(self, kind, area=None):
        return self.alerts if kind == "alert" else []

    def errors(self):
        return [a.body for a in self.alerts if a.format == Alert.ERROR]


def book(alerts: list[tuple[int, str]]) -> tuple[load.Tally, FakeSession]:
    tally, session = load.Tally(), FakeSession(alerts)
    run_coroutine(load.protocol_book(session, tally, random.Random(1), [date(2027, 1, 13)]))
    return tally, session


def test_a_protocol_booking_is_counted_as_booked_refused_or_an_error():
    booked, session = book([(Alert.SUCCESS, translate("pl", "booking.created", id=12))])
    values, button = session.sent
    assert button == translate("pl", "booking.submit")
    assert values[load.label("booking.day")] == date(2027, 1, 13) and values[load.label("booking.statutory_declared")]
    assert (booked.booked, booked.errors, booked.timings["book"]) == (1, [], [0.1])
    taken = translate("pl", "error.booking_overlap").split(":")[0] + ": Sala A 12:00–13:00"
    refused, _ = book([(Alert.ERROR, taken)])
    assert (refused.booked, len(refused.refused), refused.errors) == (0, 1, [])
    failed, _ = book([(Alert.ERROR, "KeyError: 'x'")])
    assert len(failed.errors) == 1 and not failed.refused
    silent, _ = book([])
    assert silent.errors and "neither saved nor refused" in silent.errors[0]


def test_cpu_split_names_the_generator_process_chromium_and_the_app():
    found = load.cpu_seconds()
    if found:  # Linux
        assert set(found) == {"load_generator", "generator_process", "chromium", "app"}
        assert found["load_generator"] == pytest.approx(found["generator_process"] + found["chromium"])


def test_protocol_login_submits_the_login_form_when_no_sidebar_is_drawn():
    calls = []

    class LoginSession:
        signed_in = False

        async def open(self, url_path):
            calls.append(("open", url_path))

        def drawn(self, kind, area=None):
            return [SimpleNamespace(label="Pulpit")] if self.signed_in else []

        async def submit(self, values, button):
            calls.append(("submit", sorted(values.values()), button))
            self.signed_in = True

        def errors(self):
            return []

    run_coroutine(load.protocol_login(LoginSession(), "recepcja", "secret-password"))
    assert calls == [("open", "recepcja"), ("submit", ["recepcja", "secret-password"], translate("pl", "login.submit"))]


def test_booking_days_count_from_the_apps_date_and_skip_weekends_and_holidays():
    days = load.working_days(3, 1, date(2026, 12, 24))  # Thursday; 25 and 26 Dec are holidays, then a weekend
    assert days == [date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30)]
    assert load.parse(["--today", "2026-11-18"]).today == date(2026, 11, 18)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux only")
def test_app_priority_sets_every_thread_of_the_app_for_the_run_only():
    child = subprocess.Popen([sys.executable, "-c", "import threading, time; threading.Thread(target=time.sleep, "
                              "args=(30,)).start(); time.sleep(30)"])
    try:
        time.sleep(0.3)  # its second thread started
        tids = [int(task.name) for task in Path(f"/proc/{child.pid}/task").iterdir()]
        with load.app_priority(child.pid, 4) as applied:
            assert applied == 4
            assert {os.getpriority(os.PRIO_PROCESS, tid) for tid in tids} == {4}
        if os.geteuid() == 0:  # lowering it back needs the privilege
            assert {os.getpriority(os.PRIO_PROCESS, tid) for tid in tids} == {0}
        with load.app_priority(None, 4) as applied:
            assert applied is None
    finally:
        child.kill()
        child.wait()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux only")
def test_the_window_counts_the_apps_threads_and_tells_those_started_in_it_apart():
    import threading

    start = load.Start(expected=0, window=0.8)

    async def window():
        start.gave_up()  # nobody to wait for: the window opens now
        stop = threading.Event()
        asyncio.get_running_loop().call_later(0.2, lambda: threading.Thread(target=stop.wait, args=(0.5,)).start())
        return await load.cpu_in_window(start, os.getpid(), poll_s=0.05)

    found = run_coroutine(window())
    threads = found["app_threads"]
    assert set(found["cpu"]) == {"load_generator", "generator_process", "chromium", "app"}
    assert threads["started_in_window"] >= 1 and threads["threads_seen"] > threads["started_in_window"]
    assert set(threads["of_which_started_in_window"]) == {"running_s", "waiting_for_cpu_s"}
