"""Every registered page, timed as a whole script rerun through AppTest, logged in as a demo user.

A rerun is what a user waits for after each click, so that is the unit measured: one AppTest
of the entry file per page (login, routing and sidebar included), one warm-up run on the page,
then N timed ``run()`` calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest.mock import patch

import duckdb

from bench import stats, targets
from dashboard import PROJECT_ROOT
from dashboard.core import clock
from dashboard.core.roles import allows
from dashboard.demo import DEMO_LOGINS
from dashboard.ui import navigation
from db.connection import Database

APP = PROJECT_ROOT / "dashboard" / "app.py"
# The staff user is who works the pages all day; admin only for the pages staff may not open.
ROLES_IN_ORDER = ("staff", "admin")
LOGIN_OF_ROLE = {role: username for username, _, role, _ in DEMO_LOGINS}

def record(db: Database, sql: str, params: list | None = None) -> dict[str, str] | None:
    """``{"id": ...}`` of the record a detail page is timed on; None when there is none (no data).

    A table that does not exist yet (an area whose migration is still being written) is no data too.
    """
    try:
        found = db.scalar(sql, params or [])
    except duckdb.CatalogException:
        return None
    return None if found is None else {"id": str(int(found))}


# Detail pages need a record in the address: the heaviest one there is, as a user would open it.
# With no record at all (an empty demo table) the page is still timed, on its "not found" branch,
# and reported as "no data". A new detail page adds one line: url_path -> (db -> query or None).
PAGE_QUERY: dict[str, Callable[[Database], dict[str, str] | None]] = {
    "organizacja": lambda db: record(db, "select min(id) from organisation"),
    "rezerwacja": lambda db: record(db,  # a future one: its page shows the edit form too
                                    "select coalesce(min(id) filter (where status = 'confirmed' and starts_at > ?), "
                                    "min(id)) from booking", [clock.local_now()]),
    "wydarzenie": lambda db: record(db,  # the best-attended event: the heaviest page
                                    "select coalesce((select event_id from enrolment group by event_id "
                                    "order by count(*) desc, event_id limit 1), (select min(id) from event))"),
    "wolontariusz": lambda db: record(db,  # the volunteer with the most hour entries
                                      "select coalesce((select volunteer_id from volunteer_hours group by volunteer_id "
                                      "order by count(*) desc, volunteer_id limit 1), (select min(id) from volunteer))"),
    "oferta-wolontariatu": lambda db: record(db,  # the opportunity with the most assignments
                                             "select coalesce((select opportunity_id from volunteer_assignment "
                                             "group by opportunity_id order by count(*) desc, opportunity_id limit 1), "
                                             "(select min(id) from volunteer_opportunity))"),
    "inicjatywa": lambda db: record(db,  # the initiative with the longest history
                                    "select coalesce((select initiative_id from initiative_history "
                                    "group by initiative_id order by count(*) desc, initiative_id limit 1), "
                                    "(select min(id) from initiative))"),
}
NO_DATA = "no data: no record to open, timed the page's 'not found' branch"


class PageFailed(Exception):
    """A page raised during the benchmark: the figures for it would be meaningless."""


@dataclass
class PageResult:
    url_path: str
    file: str
    login: str
    target_ms: float
    target_p95_ms: float
    runs_ms: list[float] = field(default_factory=list)
    title: str | None = None
    error: str | None = None
    note: str | None = None   # e.g. no data to open a detail page on

    @property
    def median_ms(self) -> float | None:
        return stats.median(self.runs_ms) if self.runs_ms and not self.error else None

    @property
    def p95_ms(self) -> float | None:
        return stats.p95(self.runs_ms) if self.runs_ms and not self.error else None

    @property
    def ok(self) -> bool:
        return (self.median_ms is not None and self.median_ms <= self.target_ms
                and self.p95_ms is not None and self.p95_ms <= self.target_p95_ms)

    def as_dict(self) -> dict:
        return {"page": self.url_path, "file": self.file, "login": self.login, "title": self.title,
                "median_ms": _round(self.median_ms), "p95_ms": _round(self.p95_ms),
                "target_ms": self.target_ms, "target_p95_ms": self.target_p95_ms,
                "ok": self.ok, "error": self.error, "note": self.note,
                "runs_ms": [round(t, 2) for t in self.runs_ms]}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def targets_of(spec: navigation.PageSpec) -> tuple[float, float]:
    """(median, p95) targets of one page, in ms."""
    return targets.page_ms(spec.file, spec.url_path), targets.page_p95_ms(spec.file, spec.url_path)


def login_for(spec: navigation.PageSpec) -> str | None:
    """The demo login that opens the page: staff where staff may, otherwise admin."""
    role = next((r for r in ROLES_IN_ORDER if allows(r, spec.permission)), None)
    return LOGIN_OF_ROLE.get(role) if role else None


def page_path(spec: navigation.PageSpec) -> str:
    """AppTest resolves switch_page paths against the entry file's folder (dashboard/)."""
    return os.path.relpath(PROJECT_ROOT / "pages" / spec.file, APP.parent)


def logged_in_app(username: str):
    """The same logged-in AppTest as tests/conftest.app_as, without importing the test suite."""
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")  # outside `streamlit run` every run logs "missing ScriptRunContext" warnings
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["lang"] = "pl"
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    at.session_state["logout"] = None
    return at


def check(at, spec: navigation.PageSpec, when: str) -> None:
    """Raise PageFailed with the page's own exception text if the run raised."""
    if len(at.exception):
        text = "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)
        raise PageFailed(f"page {spec.url_path} ({spec.file}) raised during {when}:\n{text}")


def time_page(db: Database, spec: navigation.PageSpec, login: str, reruns: int) -> PageResult:
    """One warm-up run on the page, then ``reruns`` timed reruns of the whole script."""
    result = PageResult(spec.url_path, spec.file, login, *targets_of(spec))
    at = logged_in_app(login)
    at.run()  # the first run registers the pages (st.navigation) so switch_page can find ours
    check(at, spec, "the first run")
    query = PAGE_QUERY.get(spec.url_path)
    if query:
        params = query(db)
        if params is None:
            result.note = NO_DATA
        else:
            at.query_params.update(params)
    at.switch_page(page_path(spec))
    at.run()
    check(at, spec, "the warm-up run")
    for index in range(reruns):
        result.runs_ms.append(stats.timed_ms(at.run))
        check(at, spec, f"timed run {index + 1}")
    result.title = at.title[0].value if len(at.title) else None
    return result


@contextmanager
def compiled_once():
    """AppTest runs that share what a server shares across its sessions: compiled scripts, components.

    A server keeps every script's compiled code (Streamlit's ScriptCache, one per runtime) and compiles a
    page again only when its file changes; AppTest makes a new ScriptCache on every ``run()``, so each timed
    rerun parsed the page and applied Streamlit's "magic" again: 10–37 ms of a rerun no user waits for
    (measured on volunteer.py, initiative.py, event.py). A server also finds the installed packages'
    components once, at start; every new AppTest scans all installed distributions again (85–135 ms).
    One shared cache and one component registry make the figures the server's (and the test suite,
    tests/conftest.py, uses the same for its thousands of AppTest runs). The end of a run is awaited by
    joining its thread (``_wait_for_the_run``), not by AppTest's millisecond polling."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    components = app_test.BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    with patch.object(app_test, "ScriptCache", lambda: shared), \
            patch.object(local_script_runner, "ScriptCache", lambda: shared), \
            patch.object(components, "discover_and_register_components", lambda **_: None), \
            patch.object(app_test, "BidiComponentManager", lambda: components), \
            patch.object(local_script_runner, "require_widgets_deltas", _wait_for_the_run):
        yield shared


def _wait_for_the_run(runner, timeout: float = 3) -> None:
    """AppTest's wait for a run to end, by joining the script thread (as a server learns a run ended from the
    thread's own event): Streamlit's ``require_widgets_deltas`` wakes every millisecond and scans every event
    of the run so far, taking the GIL from the very thread it waits for. Same end, same error after ``timeout``."""
    if runner._script_thread is not None:
        runner._script_thread.join(timeout)
    if runner.script_stopped():
        return
    runner.request_stop()
    runner.join()
    raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


def benchmark_pages(db: Database, reruns: int, only: set[str] | None = None) -> list[PageResult]:
    """Every page in navigation.PAGES (or those whose url_path is in ``only``); a page that raises is
    kept, with its error, not dropped.

    First the server's own warm-up, garbage collector settings included (dashboard/ui/warmup.py; AppTest
    has no server, so the entry file does not start it here): the timings are then the server's."""
    from dashboard.ui import warmup

    warmup.start(db)
    warmup.wait()
    with compiled_once():
        return [_time_or_fail(db, spec, reruns) for spec in navigation.PAGES if not only or spec.url_path in only]


def _time_or_fail(db: Database, spec: navigation.PageSpec, reruns: int) -> PageResult:
    """One page's figures, or its error (a page that raises is kept in the results, not dropped)."""
    login = login_for(spec)
    if login is None:
        return PageResult(spec.url_path, spec.file, "-", *targets_of(spec),
                          error=f"no demo login may open it (permission {spec.permission})")
    try:
        return time_page(db, spec, login, reruns)
    except PageFailed as exc:
        return PageResult(spec.url_path, spec.file, login, *targets_of(spec), error=str(exc))
