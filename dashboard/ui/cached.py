"""Cached service reads for the figure pages (home, utilisation, results, budget, report, Forum).

A figure page reruns on every click and its live part every 30 seconds, often on several screens
at once (the front desk's wall display, the coordinator); the aggregates behind it cost tens of
milliseconds each at city scale. A result is kept, keyed by the service, its arguments (the period
among them), the database file, the caller's role (which decides what contact data rows show) and
the data's *stamp*: the newest audit row. Every write in the app records an audit row in its own
transaction, so any change to the data makes a new stamp and the next read recomputes; while
nothing changes, a refresh costs one tiny query. ``TTL_S`` is the safety net for what the stamp
cannot see (rows written outside the app); the clock moving on is in the key (``moment``), since the
indicators count what was done up to now.

The store is a plain dictionary keyed by those small values, not ``st.cache_data``: that one hashes
every argument of every call through ``inspect.signature`` and its hasher, which cost the utilisation
page ~105 ms of a rerun for ~40 reads that were all cache hits. A read whose arguments cannot be a
dictionary key (a frame, a dict) still goes through ``st.cache_data``.
"""

from __future__ import annotations

import importlib
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

from dashboard.core import clock
from dashboard.ui import widgets as ui

TTL_S = 300
MAX_ENTRIES = 2048
T = TypeVar("T")

_STORE: OrderedDict[Hashable, tuple[float, bool, Any]] = OrderedDict()
_LOCK = threading.Lock()


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _call(module: str, name: str, database: str, role: str, stamp: int, moment: str, args: tuple, kwargs: tuple,
          _db, _actor) -> Any:
    service = getattr(importlib.import_module(module), name)
    return service(_db, _actor, *args, **dict(kwargs))


class _Flight:
    """One computation of a key under way: its thread, and what it came to once ``done`` is set."""

    __slots__ = ("done", "failed", "kept", "owner")

    def __init__(self) -> None:
        self.owner = threading.get_ident()
        self.done = threading.Event()
        self.kept: tuple[float, bool, Any] | None = None
        self.failed = False


_FLIGHTS: dict[Hashable, _Flight] = {}   # keys being computed now, under _LOCK
_WAITING: dict[int, _Flight] = {}        # thread -> the computation it waits for, under _LOCK


def _would_wait_on_itself(flight: _Flight, me: int) -> bool:
    """Whether waiting for ``flight`` closes a ring: its thread is (through others) waiting for this one,
    as when a computation reads the very key it is computing, or two computations read each other's key."""
    seen: set[int] = set()
    owner = flight.owner
    while owner not in seen:
        if owner == me:
            return True
        seen.add(owner)
        waited = _WAITING.get(owner)
        if waited is None:
            return False
        owner = waited.owner
    return False


def remember(key: Hashable, compute: Callable[[], T], *, copy: bool = True) -> T:
    """``compute()``, kept under ``key`` for ``TTL_S`` (the least recently used go past ``MAX_ENTRIES``).

    ``copy``: every caller gets its own copy (a pickled one, as ``st.cache_data`` gives), so a page that
    changes a frame it was given cannot change what the next rerun reads. ``copy=False`` hands out the
    kept object itself, for things built once and only read (a page's prepared charts), where even the
    copy would cost.

    Single flight: sessions that miss the same key at once (a booking makes every screen's figures stale
    together) do not each compute it: the first computes, the others wait for its result. No lock is held
    while computing, so other keys are read and computed meanwhile. A computation that fails keeps
    nothing: each waiter then tries again itself (one of them computing, the others waiting), so every
    caller gets a result or its own exception. A wait that would close a ring (a computation reading its
    own key, or two reading each other's) computes instead of waiting.
    """
    me = threading.get_ident()
    while True:
        now = time.monotonic()
        with _LOCK:
            hit = _STORE.get(key)
            if hit is not None and now - hit[0] < TTL_S:
                _STORE.move_to_end(key)
                break
            flight = _FLIGHTS.get(key)
            if flight is None:
                flight = _FLIGHTS[key] = _Flight()
                leading = True
            elif _would_wait_on_itself(flight, me):
                leading = None
            else:
                _WAITING[me] = flight
                leading = False
        if leading is None:
            return compute()   # not kept: the computation under way keeps its own
        if leading:
            return _compute(key, compute, copy, flight, now)
        try:
            flight.done.wait()
        finally:
            with _LOCK:
                _WAITING.pop(me, None)
        if not flight.failed:
            hit = flight.kept
            break
    return pickle.loads(hit[2]) if hit[1] else hit[2]


def _compute(key: Hashable, compute: Callable[[], T], copy: bool, flight: _Flight, now: float) -> T:
    """Compute ``key`` as its flight's leader, keep it, and hand it to whoever waits (whatever happens, the
    flight ends: a waiter never waits for a computation that is over)."""
    try:
        value = compute()  # the caller's own: what is kept is a pickled copy, or (copy=False) this very object
        kept = (now, copy, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) if copy else value)
        with _LOCK:
            _STORE[key] = kept
            _STORE.move_to_end(key)
            # Every write makes a new stamp, so the old stamp's entries are never asked for again: drop them once
            # they are past TTL_S (from the least recently used end), not only when the store is full.
            while _STORE and (len(_STORE) > MAX_ENTRIES or now - next(iter(_STORE.values()))[0] >= TTL_S):
                _STORE.popitem(last=False)
            flight.kept = kept
        return value
    finally:  # a failure, a script stopped or rerun mid-way too: nothing kept, the waiters try again
        with _LOCK:
            flight.failed = flight.kept is None
            _FLIGHTS.pop(key, None)
        flight.done.set()


def clear() -> None:
    """Forget every kept read (tests that rebuild a database under the same path and stamp)."""
    with _LOCK:
        _STORE.clear()
    _call.clear()


def moment() -> str:
    """The clock to the ``TTL_S``: figures of what was done count up to now (``indicators``), so a read made
    under another "now" — a pinned clock in a test, or more than ``TTL_S`` ago — is not served again."""
    now = clock.local_now()
    return now.replace(minute=now.minute - now.minute % (TTL_S // 60), second=0, microsecond=0).isoformat()


def stamp() -> int:
    """The newest audit row's id: it changes with every write the app makes."""
    return int(ui.db().scalar("select coalesce(max(id), 0) from audit_log") or 0)


class Reader:
    """Reads for one script or fragment run, all against the stamp taken when it was created."""

    def __init__(self) -> None:
        self.db, self.actor, self.stamp, self.moment = ui.db(), ui.actor(), stamp(), moment()

    def _key(self, *parts: Hashable) -> tuple:
        return (self.db.path, self.actor.role, self.stamp, self.moment, *parts)

    def __call__(self, service: Callable, *args, **kwargs) -> Any:
        """``service(db, actor, *args, **kwargs)``, cached. Lists in the arguments are keyed as tuples."""
        args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
        named = tuple(sorted(kwargs.items()))
        key = self._key(service.__module__, service.__qualname__, args, named)
        try:
            hash(key)
        except TypeError:  # an argument that is no dictionary key: st.cache_data hashes anything
            return _call(service.__module__, service.__name__, self.db.path, self.actor.role, self.stamp,
                         self.moment, args, named, self.db, self.actor)
        return remember(key, lambda: service(self.db, self.actor, *args, **kwargs))

    def view(self, name: str, key: tuple, build: Callable[[], T]) -> T:
        """What ``build()`` makes of this stamp's data, kept by ``name`` and ``key`` and handed out as is (not
        copied): for a page's prepared frames or charts, which the page only reads. One lookup, no hashing."""
        return remember(self._key(name, *key), build, copy=False)
