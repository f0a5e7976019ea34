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
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.core import clock
from dashboard.ui import widgets as ui

TTL_S = 300


@st.cache_data(ttl=TTL_S, max_entries=2048, show_spinner=False)
def _call(module: str, name: str, database: str, role: str, stamp: int, moment: str, args: tuple, kwargs: tuple,
          _db, _actor) -> Any:
    service = getattr(importlib.import_module(module), name)
    return service(_db, _actor, *args, **dict(kwargs))


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

    def __call__(self, service: Callable, *args, **kwargs) -> Any:
        """``service(db, actor, *args, **kwargs)``, cached. Lists in the arguments are keyed as tuples."""
        args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
        return _call(service.__module__, service.__name__, self.db.path, self.actor.role, self.stamp, self.moment,
                     args, tuple(sorted(kwargs.items())), self.db, self.actor)

