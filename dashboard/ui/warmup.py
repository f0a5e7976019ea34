"""Once per server process: warm what is slow the first time, then set the garbage collector for a server.

The first visit of a page pays for importing its modules, altair's first chart (it loads and checks
the Vega-Lite schema), pandas' table styling (jinja2) and the translation catalogues. A thread started
by the process's first run does all of that while the first person is still typing their password, so
the first visit of every page costs about what a later one does (issue 20: the first visit ≤ 1.5 s).

It starts working only once the login form is on the screen, the first thing a started server must show
(≤ 2 s; that run imports none of the above, tests/unit/test_lazy_imports.py). After that run has ended,
the browser still fetches the scripts that draw the form's widgets from this process, and an import
holding the interpreter makes each of those requests wait: so the warm-up waits until the process has
been idle for a moment (``_until_quiet``), or until the next run begins (the person has sent the form),
at most ``QUIET_WAIT_S``. And it gives way to people: before each of its steps (one module, one chart)
it waits while a run of the entry file is going on (``_give_way``), so a login sent at once, or a page
opened while it works, is not slowed by imports that run does not need; what the run does need it
imports itself, or waits for the warm-up's import of it to finish. These waits have a budget
(``GIVE_WAY_BUDGET_S``): on a server kept busy from the start the warm-up still ends, with its GC settings.

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
import weakref
from datetime import date

_log = logging.getLogger(__name__)

# (youngest generation, middle, oldest): allocations minus deallocations before a young collection, then
# young collections before a middle one, middle before a full one. Python's default is (700, 10, 10): a
# young collection every 700 objects and a full one every 70,000. Frozen, a full collection is cheap, so
# the gain is mostly in its cost; a 14 times larger youngest generation makes all of them rarer while a
# run's cyclic garbage (frames it built) is still freed within the run, not kept until much later.
GC_THRESHOLDS = (10_000, 10, 10)
M_ARENA_MAX, MALLOC_ARENAS = -8, 2  # glibc's mallopt parameter number (malloc.h), and the cap
# The server's warm-up waits for the run that started it (at most RUN_WAIT_S: a returning user's first run may
# go on to draw a whole page, which shares the imports), then for QUIET_S seconds in which the process used
# less than QUIET_CPU of a core (at most QUIET_WAIT_S), or for the next run. The browser asks for the form's
# scripts some tens of milliseconds after the run's last message and then draws it; on a loaded machine
# (the benchmark's browser runs at nice 10) 0.25 s of quiet still came before the form was on screen.
# A person takes seconds to type, and a login sent at once ends the wait anyway (the next run).
RUN_WAIT_S = 1.5
QUIET_S, QUIET_CPU, QUIET_WAIT_S = 0.5, 0.1, 2.0
GIVE_WAY_BUDGET_S = 10.0
_POLL_S = 0.025
# Modules never imported ahead: the deck's writer (python-pptx, see above) and the chart-image child.
_SKIPPED = ("dashboard.ui.forum_pptx", "dashboard.ui.chart_images")

_lock = threading.Lock()
_state: dict = {"thread": None, "gc_tuned": False, "give_way_left": GIVE_WAY_BUDGET_S}
_next_run = threading.Event()  # set by the entry file's next run: the login form is drawn, and sent
# The threads of the entry file's runs (Streamlit runs a session's runs in a thread that ends when no rerun
# waits): while one is alive, a person is waiting for a page.
_runs: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def start_in_server(db) -> None:
    """The entry file's call, on every run: under ``streamlit run`` the first starts the warm-up, to work once
    that run (the login form) has ended and the form is drawn; each later one tells it a run is going on. Not in
    AppTest, whose process is a test's or the benchmark's: bench/pages.py calls ``start`` and ``wait`` itself."""
    from streamlit import runtime

    if not runtime.exists():
        return
    _runs.add(threading.current_thread())
    if _state["thread"] is None:
        start(db, in_server=True)
    else:
        _next_run.set()


def start(db=None, *, in_server: bool = False) -> threading.Thread:
    """Start the warm-up in a background thread, once per process (later calls return the same thread); in the
    server it works once the login form is out and gives way to runs (see the module's docstring)."""
    with _lock:
        if _state["thread"] is None:
            fewer_malloc_arenas()
            _state["thread"] = threading.Thread(target=_warm, args=(db, in_server), name="civic-warmup", daemon=True)
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


def _running() -> bool:
    """Whether a run of the entry file is going on."""
    return any(thread.is_alive() for thread in list(_runs))


def _until_quiet() -> None:
    """Return once the run that started the warm-up has ended and the process has then used less than QUIET_CPU
    of a core for QUIET_S; or as soon as a later run begins; each wait bounded (RUN_WAIT_S, QUIET_WAIT_S)."""
    deadline = time.monotonic() + RUN_WAIT_S
    while _running() and time.monotonic() < deadline and not _next_run.is_set():
        time.sleep(_POLL_S)
    deadline = time.monotonic() + QUIET_WAIT_S
    quiet_since, cpu = time.monotonic(), time.process_time()
    while not _next_run.is_set():
        time.sleep(_POLL_S)
        now, cpu_now = time.monotonic(), time.process_time()
        if cpu_now - cpu > QUIET_CPU * _POLL_S:  # the process is serving something
            quiet_since = now
        cpu = cpu_now
        if now - quiet_since >= QUIET_S or now >= deadline:
            return


def _give_way() -> None:
    """Wait while a run of the entry file is going on, from what is left of the budget."""
    if not _running() or _state["give_way_left"] <= 0:
        return
    began = time.monotonic()
    while _running() and time.monotonic() - began < _state["give_way_left"]:
        time.sleep(_POLL_S)
    _state["give_way_left"] -= time.monotonic() - began


def _warm(db, in_server: bool = False) -> None:
    if in_server:
        _until_quiet()
    started = time.perf_counter()
    steps = (("modules", _import_app_modules), ("catalogues", _catalogues), ("charts", _first_chart),
             ("styler", _styler), ("database", lambda: _database(db)))
    for name, step in steps:
        _give_way()
        try:
            step()
        except Exception:  # a warm-up failing must never stop the server: the page pays the cost instead
            _log.warning("warm-up step %s failed", name, exc_info=True)
    _give_way()  # the full collection before the freeze holds the interpreter for a while
    tune_gc()
    _log.info("warm-up done in %.1f s", time.perf_counter() - started)


def _import_app_modules() -> None:
    """Every module of dashboard.core, dashboard.services and dashboard.ui (what the pages import), and what
    the login imports when the password is sent (dashboard/ui/auth.py)."""
    for name in ("streamlit_authenticator.controllers", "streamlit_authenticator.utilities.exceptions", "jwt"):
        _give_way()
        importlib.import_module(name)
    for package in ("dashboard.core", "dashboard.services", "dashboard.ui"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            if not info.name.startswith(_SKIPPED):
                _give_way()
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
