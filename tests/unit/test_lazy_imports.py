"""What a freshly started server loads, and when (issue 20, cold start).

fpdf, xlsxwriter, openpyxl, python-pptx and vl-convert together take seconds and tens of MB to import;
a page that only shows figures must not pay for them on its first visit, nor keep them in memory. So
every module the entry file and the pages import is imported in a fresh interpreter, and none of those
libraries may appear in ``sys.modules``: they are imported inside the functions that write the files.

The login form is the first thing a started server draws (≤ 2 s after the start). Its run loads only
what it draws: no pandas, numpy or pyarrow (~0.4 s of CPU, loaded with the first table or frame read),
no altair and not the login library (loaded when a password is checked). The warm-up thread loads them
once the form is out (dashboard/ui/warmup.py). So the entry file's first run is made in a fresh
interpreter, and those libraries may not be loaded after it; and the warm-up waits for that run to end
and for the browser to have fetched what draws the form (the process quiet), or for the next run; and
then gives way to people's runs.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import threading
import time
import tomllib
import weakref
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fpdf", "xlsxwriter", "openpyxl", "pptx", "vl_convert")
NOT_FOR_THE_LOGIN_FORM = ("pandas", "numpy", "pyarrow", "altair", "jinja2", "streamlit_authenticator", *HEAVY)


def modules_imported_by(files: list[Path]) -> list[str]:
    """The project modules (dashboard.*, db.*) the files import, at any depth of their text."""
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    found.add(f"{node.module}.{alias.name}")
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return sorted(name for name in found if name.split(".")[0] in ("dashboard", "db"))


def heavy_after_importing(modules: list[str], path: list[str] | None = None) -> dict[str, list[str]]:
    """In a fresh interpreter: import each module (a name that is not a module, e.g. a function, is skipped);
    which HEAVY libraries are loaded then, with the first module after whose import each appeared."""
    script = f"""
import importlib, json, sys
sys.path[:0] = {json.dumps([str(ROOT), *(path or [])])}
heavy, seen = {HEAVY!r}, {{}}
for name in {json.dumps(modules)}:
    try:
        importlib.import_module(name)
    except ImportError:
        continue  # "from package import function": the package itself is in the list too
    for lib in heavy:
        if lib in sys.modules and lib not in seen:
            seen[lib] = name
print(json.dumps(seen))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_pages_and_the_entry_file_load_no_file_format_library():
    files = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "dashboard" / "app.py"]
    modules = modules_imported_by(files)
    assert "dashboard.services.reporting.pilot_report" in modules  # the report page's: the scan sees it
    assert "dashboard.ui.forum_export" in modules
    assert heavy_after_importing(modules) == {}


def test_the_check_sees_a_module_importing_one_at_the_top(tmp_path):
    package = tmp_path / "lazy_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "eager.py").write_text("import xlsxwriter\n")
    (package / "lazy.py").write_text("def write():\n    import xlsxwriter\n")
    assert heavy_after_importing(["lazy_probe.lazy"], [str(tmp_path)]) == {}
    assert heavy_after_importing(["lazy_probe.lazy", "lazy_probe.eager"], [str(tmp_path)]) == {
        "xlsxwriter": "lazy_probe.eager"}


def loaded_by_the_first_run(app: Path, tmp_path: Path, path: list[str] | None = None) -> dict:
    """In a fresh interpreter, on an empty database: the entry file's first run (as a new visitor's, through
    AppTest, whose own imports load none of NOT_FOR_THE_LOGIN_FORM); the text inputs it drew and which of
    NOT_FOR_THE_LOGIN_FORM are loaded then."""
    script = f"""
import json, sys
sys.path[:0] = {json.dumps([str(ROOT), *(path or [])])}
from streamlit.testing.v1 import AppTest
before = [m for m in {NOT_FOR_THE_LOGIN_FORM!r} if m in sys.modules]
at = AppTest.from_file({str(app)!r}, default_timeout=120)
at.run()
print(json.dumps({{"before": before, "inputs": [w.label for w in at.text_input],
                  "exception": [str(e.value) for e in at.exception],
                  "loaded": [m for m in {NOT_FOR_THE_LOGIN_FORM!r} if m in sys.modules]}}))
"""
    env = {**os.environ, "CIVIC_DB_PATH": str(tmp_path / "civic.duckdb"), "CIVIC_SECRETS_PATH": str(tmp_path / "secrets.toml"),
           "CIVIC_BACKUP_DIR": str(tmp_path / "backups"), "CIVIC_DEMO": "0", "CIVIC_DAILY_BACKUP": "0", "CIVIC_LANG": "pl"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_login_form_loads_no_data_library(tmp_path):
    from dashboard.core.i18n import translate

    seen = loaded_by_the_first_run(ROOT / "dashboard" / "app.py", tmp_path)
    assert seen["exception"] == []
    assert seen["inputs"] == [translate("pl", "login.username"), translate("pl", "login.password")]
    assert seen["before"] == [] and seen["loaded"] == []


def test_the_first_run_check_sees_a_module_importing_pandas_at_the_top(tmp_path):
    package = tmp_path / "login_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "eager.py").write_text("import pandas as pd\n")
    app = tmp_path / "probe_app.py"
    app.write_text("import streamlit as st\nfrom login_probe import eager\nst.text_input('x')\n")
    seen = loaded_by_the_first_run(app, tmp_path, [str(tmp_path)])
    assert seen["inputs"] == ["x"] and "pandas" in seen["loaded"]


def _spin(until: float, ended: dict) -> None:
    while time.monotonic() < until:
        sum(range(1000))
    ended["at"] = time.monotonic()


@pytest.fixture
def warm_up_state(monkeypatch):
    """dashboard.ui.warmup's record of runs, next-run signal and give-way budget, fresh for one test."""
    from dashboard.ui import warmup

    monkeypatch.setattr(warmup, "_next_run", threading.Event())
    monkeypatch.setattr(warmup, "_runs", weakref.WeakSet())
    monkeypatch.setitem(warmup._state, "give_way_left", warmup.GIVE_WAY_BUDGET_S)
    return warmup


def a_run(seconds: float) -> threading.Thread:
    run = threading.Thread(target=time.sleep, args=(seconds,))
    run.start()
    return run


def test_the_warm_up_waits_for_the_form_run_and_then_for_a_quiet_process(warm_up_state, monkeypatch):
    warmup = warm_up_state
    monkeypatch.setattr(warmup, "QUIET_CPU", 0.01)  # a loaded test machine still gives the spinner more than this
    began, spun = time.monotonic(), {}
    run = a_run(0.3)  # the login form's run
    warmup._runs.add(run)
    serving = threading.Thread(target=_spin, args=(began + 0.7, spun))  # then the form's scripts served
    serving.start()
    warmup._until_quiet()
    returned = time.monotonic()
    serving.join()
    assert not run.is_alive()
    assert returned >= spun["at"] + 0.9 * warmup.QUIET_S
    assert returned - began < 0.3 + warmup.RUN_WAIT_S + warmup.QUIET_WAIT_S


def test_the_warm_up_stops_waiting_when_the_next_run_begins(warm_up_state):
    warmup = warm_up_state
    began, spun = time.monotonic(), {}
    warmup._runs.add(a_run(0.2))
    busy = threading.Thread(target=_spin, args=(began + 3.0, spun))  # never quiet before the cap
    busy.start()
    threading.Timer(0.4, warmup._next_run.set).start()  # the person sent the login form
    warmup._until_quiet()
    returned = time.monotonic() - began
    busy.join()
    assert 0.4 <= returned < 1.2


def test_the_warm_up_gives_way_to_a_run_within_its_budget(warm_up_state, monkeypatch):
    warmup = warm_up_state
    began = time.monotonic()
    warmup._give_way()  # no run going on: no wait
    assert time.monotonic() - began < 0.1
    warmup._runs.add(a_run(0.3))  # a page being drawn
    warmup._give_way()
    assert 0.3 <= time.monotonic() - began < 1.0
    monkeypatch.setitem(warmup._state, "give_way_left", 0.2)
    began = time.monotonic()
    long_run = a_run(2.0)
    warmup._runs.add(long_run)
    warmup._give_way()  # waits only what is left of the budget
    assert 0.2 <= time.monotonic() - began < 1.0 and long_run.is_alive()
    began = time.monotonic()
    warmup._give_way()  # budget spent: no more waiting
    assert time.monotonic() - began < 0.1
    long_run.join()


def test_the_server_start_does_not_wait_on_streamlit_secrets_files():
    """Streamlit polls each file of ``secrets.files`` from before the server answers, retrying a missing one for
    ~0.5 s; the app keeps its own secrets (dashboard/core/secrets_file.py), so the list is empty, and so no
    code may read ``st.secrets`` (it would find nothing)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["secrets"]["files"] == []
    assert config["server"]["fileWatcherType"] == "none"
    readers = [str(path.relative_to(ROOT)) for folder in ("dashboard", "pages", "db") for path in (ROOT / folder).rglob("*.py")
               if "st.secrets" in path.read_text(encoding="utf-8")]
    assert readers == []
