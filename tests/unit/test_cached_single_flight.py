"""``cached.remember`` computes a missed key once however many sessions miss it at once (issue 20).

Threads stand in for sessions. No test asserts a duration: a thread is let on only once the store shows
the state the test needs (a waiter registered), and a join with a generous limit only tells a deadlock
from a finished run.
"""

from __future__ import annotations

import threading
import time

import pytest

from dashboard.ui import cached

LIMIT_S = 60   # only a hung thread takes this long: the test then fails instead of hanging the suite


@pytest.fixture(autouse=True)
def empty_store():
    cached.clear()
    yield
    cached.clear()


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + LIMIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.001)


def _waiting_for(key) -> int:
    with cached._LOCK:
        flight = getattr(cached, "_FLIGHTS", {}).get(key)
        return sum(1 for waited in cached._WAITING.values() if waited is flight) if flight else 0


def _run(*targets) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    return threads


def _joined(threads) -> None:
    for thread in threads:
        thread.join(LIMIT_S)
        assert not thread.is_alive(), "a thread is stuck: deadlock"


def test_sessions_missing_one_key_at_once_compute_it_once():
    key, calls, release, results = ("figures", 1), [], threading.Event(), []

    def compute():
        calls.append(threading.get_ident())
        release.wait(LIMIT_S)
        return {"value": 42}

    def session():
        results.append(cached.remember(key, compute))

    threads = _run(session, session, session)
    # Let the computation finish once the two others wait for it, or once a second one computes (the fault
    # this test is for; it then fails below instead of waiting here).
    _until(lambda: _waiting_for(key) == 2 or len(calls) > 1, "two sessions waiting for the first's result")
    release.set()
    _joined(threads)

    assert len(calls) == 1
    assert results == [{"value": 42}] * 3
    assert len({id(r) for r in results}) == 3, "copy=True: every session its own copy"
    assert cached.remember(key, lambda: pytest.fail("kept: not computed again")) == {"value": 42}


def test_waiters_get_the_very_object_when_not_copied():
    key, release, results = ("view", 1), threading.Event(), []
    built = object()

    def compute():
        release.wait(LIMIT_S)
        return built

    threads = _run(*[lambda: results.append(cached.remember(key, compute, copy=False))] * 2)
    _until(lambda: _waiting_for(key) == 1, "the second session waiting")
    release.set()
    _joined(threads)
    assert results == [built, built]


def test_a_failed_computation_keeps_nothing_and_a_waiter_computes_itself():
    key, release, calls, results, errors = ("figures", 2), threading.Event(), [], [], []

    def failing():
        calls.append("failing")
        release.wait(LIMIT_S)
        raise RuntimeError("database busy")

    def working():
        calls.append("working")
        return 7

    def first():
        try:
            cached.remember(key, failing)
        except RuntimeError as error:
            errors.append(error)

    leader = _run(first)
    _until(lambda: calls == ["failing"], "the first session computing")
    waiter = _run(lambda: results.append(cached.remember(key, working)))
    _until(lambda: _waiting_for(key) == 1, "the second session waiting")
    release.set()
    _joined(leader + waiter)

    assert [str(e) for e in errors] == ["database busy"]   # raised to the session whose computation failed
    assert results == [7] and calls == ["failing", "working"]
    assert cached.remember(key, lambda: 8) == 7             # the waiter's result is kept, the failure was not


def test_every_waiter_gets_the_error_of_its_own_computation_when_each_fails():
    key, release, calls, errors = ("figures", 3), threading.Event(), [], []

    def failing():
        calls.append(threading.get_ident())
        release.wait(LIMIT_S)
        raise ValueError(f"failed in {threading.get_ident()}")

    def session():
        try:
            cached.remember(key, failing)
        except ValueError as error:
            errors.append((threading.get_ident(), str(error)))

    threads = _run(session, session, session)
    _until(lambda: _waiting_for(key) == 2 or len(calls) > 1, "two sessions waiting")
    release.set()
    _joined(threads)
    assert len(errors) == 3 and all(message == f"failed in {ident}" for ident, message in errors)
    assert len(calls) == 3   # one after the other: each retried once the one before had failed
    assert cached.remember(key, lambda: "fine") == "fine"


def test_a_computation_reading_other_kept_entries_and_its_own_key_does_not_hang():
    def outer():
        inner = cached.remember(("inner",), lambda: 2)
        again = cached.remember(("outer",), lambda: 40)   # its own key, being computed: computed, not waited for
        return inner + again

    threads = _run(lambda: cached.remember(("outer",), outer))
    _joined(threads)
    assert cached.remember(("outer",), lambda: 0) == 42
    assert cached.remember(("inner",), lambda: 0) == 2


def test_two_computations_reading_each_others_key_do_not_deadlock():
    both_leading = threading.Barrier(2, timeout=LIMIT_S)
    results = {}

    def first():
        both_leading.wait()
        return ("first", cached.remember(("second",), lambda: "second computed by the first"))

    def second():
        both_leading.wait()
        return ("second", cached.remember(("first",), lambda: "first computed by the second"))

    threads = _run(lambda: results.update(a=cached.remember(("first",), first)),
                   lambda: results.update(b=cached.remember(("second",), second)))
    _joined(threads)
    # One waited for the other; the other found the ring and computed what it needed without waiting.
    assert results["a"][0] == "first" and results["b"][0] == "second"
    assert not cached._FLIGHTS and not cached._WAITING


def test_other_keys_are_served_while_one_is_computed():
    """No lock is held while computing: a slow key does not hold up a read of another."""
    release, started = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(LIMIT_S)
        return "slow"

    threads = _run(lambda: cached.remember(("slow",), slow))
    started.wait(LIMIT_S)
    assert cached.remember(("quick",), lambda: "quick") == "quick"   # the slow one is still computing
    release.set()
    _joined(threads)


def test_a_result_that_cannot_be_kept_releases_the_waiters():
    """The value computed does not pickle (copy=True): nothing kept, the waiter is not left waiting."""
    key, release, errors = ("figures", 4), threading.Event(), []

    def unpicklable():
        release.wait(LIMIT_S)
        return threading.Lock()

    def session():
        try:
            cached.remember(key, unpicklable)
        except TypeError as error:
            errors.append(error)

    threads = _run(session, session)
    _until(lambda: _waiting_for(key) == 1, "the second session waiting")
    release.set()
    _joined(threads)
    assert len(errors) == 2 and not cached._FLIGHTS and not cached._WAITING
