"""Once per server process: warm what is slow the first time, then set the garbage collector for a server.

The first visit of a page pays for importing its modules, altair's first chart (it loads and checks
the Vega-Lite schema), pandas' table styling (jinja2) and the translation catalogues. A thread started
with the process does all of that while the first person is still typing their password, so the first
visit of every page costs about what a later one does (issue 20: the first visit ≤ 1.5 s).

Then ``tune_gc``: Python's full collection walks every object the process holds, and a server holds
hundreds of thousands that live as long as it does (modules, the Vega-Lite schema, Streamlit itself);
at city scale a full collection took 200+ ms and fell on one rerun in 7–15, most of the p95 tail. So,
once the long-lived objects exist, they are moved out of the collector's sight (``gc.freeze``) and
the youngest generation's threshold is raised: collections come less often and each walks only what
the runs since have made. The benchmark (bench/pages.py) calls the same ``tune_gc``, so it measures
what the server does.

The file-format libraries (fpdf, xlsxwriter, python-pptx, vl-convert) are not warmed: they load on the
first download, and most processes never need them (tests/unit/test_lazy_imports.py).
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import logging
import os
import pkgutil
import threading
import time
from datetime import date

_log = logging.getLogger(__name__)

# (youngest generation, middle, oldest): allocations minus deallocations before a young collection, then
# young collections before a middle one, middle before a full one. Python's default is (700, 10, 10): a
# young collection every 700 objects and a full one every 70,000. Frozen, a full collection is cheap, so
# the gain is mostly in its cost; a 14 times larger youngest generation makes all of them rarer while a
# run's cyclic garbage (frames it built) is still freed within the run, not kept until much later.
GC_THRESHOLDS = (10_000, 10, 10)
M_ARENA_MAX, MALLOC_ARENAS = -8, 2  # glibc's mallopt parameter number (malloc.h), and the cap
# The server's warm-up waits this long first: the run drawing the login form (which starts it) finishes
# alone, and the warm-up then runs while the person types their password.
SERVER_DELAY_S = 1.5
# Modules never imported ahead: the deck's writer (python-pptx, see above) and the chart-image child.
_SKIPPED = ("dashboard.ui.forum_pptx", "dashboard.ui.chart_images")

_lock = threading.Lock()
_state: dict = {"thread": None, "gc_tuned": False}


def start_in_server(db) -> None:
    """The entry file's call: start the warm-up when running under ``streamlit run`` (not in AppTest, whose
    process is a test's or the benchmark's: bench/pages.py calls ``start`` and ``wait`` itself)."""
    from streamlit import runtime

    if runtime.exists():
        start(db, SERVER_DELAY_S)


def start(db=None, delay_s: float = 0.0) -> threading.Thread:
    """Start the warm-up in a background thread (after ``delay_s``), once per process (later calls return the
    same thread)."""
    with _lock:
        if _state["thread"] is None:
            fewer_malloc_arenas()
            _state["thread"] = threading.Thread(target=_warm, args=(db, delay_s), name="civic-warmup", daemon=True)
            _state["thread"].start()
        return _state["thread"]


def wait(timeout: float | None = None) -> bool:
    """Wait for the warm-up started by ``start``; whether it has finished."""
    thread = _state["thread"]
    if thread is None:
        return False
    thread.join(timeout)
    return not thread.is_alive()


def fewer_malloc_arenas() -> None:
    """At most ``MALLOC_ARENAS`` glibc malloc arenas from now on (glibc allows 8 per core).

    glibc gives a thread that finds the arenas busy one of its own; Streamlit runs every rerun in a new
    thread, so memory freed by frames and query results is scattered over many arenas, each keeping its
    free pages. Measured on every page at city scale: peak RSS 373 -> 362 MB. No-op off glibc.
    """
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc (no mallopt): nothing to set
        pass


def tune_gc() -> None:
    """Freeze what exists now (the long-lived objects) out of the collector's sight and raise its thresholds.

    Once per process: a second call does nothing, so objects made by users' runs are never frozen.
    ``CIVIC_GC_TUNING=0`` leaves Python's defaults (to compare, or should it ever misbehave).
    """
    with _lock:
        if _state["gc_tuned"] or os.environ.get("CIVIC_GC_TUNING", "1") == "0":
            return
        _state["gc_tuned"] = True
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _warm(db, delay_s: float) -> None:
    time.sleep(delay_s)
    started = time.perf_counter()
    steps = (("modules", _import_app_modules), ("catalogues", _catalogues), ("charts", _first_chart),
             ("styler", _styler), ("database", lambda: _database(db)))
    for name, step in steps:
        try:
            step()
        except Exception:  # a warm-up failing must never stop the server: the page pays the cost instead
            _log.warning("warm-up step %s failed", name, exc_info=True)
    tune_gc()
    _log.info("warm-up done in %.1f s", time.perf_counter() - started)


def _import_app_modules() -> None:
    """Every module of dashboard.core, dashboard.services and dashboard.ui (what the pages import), and what
    the login imports when the password is sent (dashboard/ui/auth.py)."""
    for name in ("streamlit_authenticator.controllers", "streamlit_authenticator.utilities.exceptions", "jwt"):
        importlib.import_module(name)
    for package in ("dashboard.core", "dashboard.services", "dashboard.ui"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            if not info.name.startswith(_SKIPPED):
                importlib.import_module(info.name)
                time.sleep(0)  # a running script may take the interpreter between two imports


def _catalogues() -> None:
    from dashboard.core import i18n

    for lang in ("pl", "en"):
        i18n.catalogue(lang)
        i18n.fmt_date(date(2026, 1, 1), lang)
        i18n.fmt_number(1234.5, lang, digits=1)
        i18n.fmt_money(1234.5, lang)


def _first_chart() -> None:
    """Altair's first ``to_dict`` loads and checks the Vega-Lite schema (about a second): do it here."""
    import altair as alt
    import pandas as pd

    from dashboard.ui import charts

    frame = pd.DataFrame({"category": ["a", "b"], "value": [1, 2]})
    charts.vega_spec(charts.themed(alt.Chart(frame).mark_bar().encode(x="value:Q", y="category:N")))


def _styler() -> None:
    """pandas' Styler (the report's coloured table) imports jinja2 and compiles its template on first use."""
    import pandas as pd

    pd.DataFrame({"a": [1]}).style.apply(lambda column: ["color: red"], subset=["a"]).to_html()


def _database(db) -> None:
    if db is not None:
        db.scalar("select count(*) from information_schema.tables")
