"""Cached service reads for the figure pages (utilisation, results, Forum).

A figure page reruns on every click and its live part every 30 seconds, often on several screens
at once (the front desk's wall display, the coordinator); the aggregates behind it cost tens of
milliseconds each at city scale. A result is kept, keyed by the service, its arguments (the period
among them), the database file, the caller's role (which decides what contact data rows show) and
the data's *stamp*: the newest audit row. Every write in the app records an audit row in its own
transaction, so any change to the data makes a new stamp and the next read recomputes; while
nothing changes, a refresh costs one tiny query. ``TTL_S`` is the safety net for what the stamp
cannot see (the clock moving on, rows written outside the app).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

import streamlit as st

from dashboard.ui import widgets as ui

TTL_S = 300


@st.cache_data(ttl=TTL_S, max_entries=2048, show_spinner=False)
def _call(module: str, name: str, database: str, role: str, stamp: int, args: tuple, kwargs: tuple,
          _db, _actor) -> Any:
    service = getattr(importlib.import_module(module), name)
    return service(_db, _actor, *args, **dict(kwargs))


def stamp() -> int:
    """The newest audit row's id: it changes with every write the app makes."""
    return int(ui.db().scalar("select coalesce(max(id), 0) from audit_log") or 0)


class Reader:
    """Reads for one script or fragment run, all against the stamp taken when it was created."""

    def __init__(self) -> None:
        self.db, self.actor, self.stamp = ui.db(), ui.actor(), stamp()

    def __call__(self, service: Callable, *args, **kwargs) -> Any:
        """``service(db, actor, *args, **kwargs)``, cached. Lists in the arguments are keyed as tuples."""
        args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
        return _call(service.__module__, service.__name__, self.db.path, self.actor.role, self.stamp, args,
                     tuple(sorted(kwargs.items())), self.db, self.actor)

