"""The protections SECURITY.md promises, checked so they cannot quietly erode.

* no user text reaches the page as raw HTML (no ``unsafe_allow_html=True`` in the app), and the
  one script the app runs (the login cookie's) carries only server-made text;
* SQL is never built with f-strings at the call (values are bound parameters);
* exports neutralise spreadsheet formulas in text cells, and only in text cells;
* the secrets file is created owner-only with a random key;
* Streamlit's XSRF protection stays on and the upload size stays limited.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard.core import exports, secrets_file
from dashboard.ui import auth

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__", ".pytest_cache"}


def python_files(*roots: str) -> list[Path]:
    bases = [ROOT / r for r in roots] if roots else [ROOT]
    found = []
    for base in bases:
        for path in base.rglob("*.py"):
            if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
                found.append(path)
    assert found, f"no Python files under {bases}"
    return sorted(found)


def hits(pattern: re.Pattern, files: list[Path]) -> list[str]:
    out = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            out.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()[:80]}")
    return out


# -- no raw HTML from the app -----------------------------------------------------------
def test_no_unsafe_allow_html_in_the_app():
    found = hits(re.compile(r"unsafe_allow_html\s*=\s*True"), python_files("dashboard", "pages"))
    assert not found, "user text could reach the page as HTML:\n" + "\n".join(found)


def test_the_only_script_is_the_login_cookie_writer_and_it_escapes_its_data():
    found = hits(re.compile(r"unsafe_allow_javascript\s*=\s*True"), python_files("dashboard", "pages"))
    assert [f.split(":")[0] for f in found] == ["dashboard/ui/auth.py"], found
    token, expires = auth.login_token("ewa</script><script>alert(1)//", "k" * 64, 10, now=1_800_000_000)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token), "a JWT is base64url: nothing that can end a script"
    script = auth.cookie_script("civic</script><img src=x onerror=alert(1)>", token, expires)
    assert script.count("</") == 1 and script.endswith("</script>"), script
    # The other scripts: static JS of Components v2 components that takes no app data.
    # - the Forum's keyboard listener (slide_keys);
    # - the unsaved-form guard (unsaved_guard): Streamlit cannot ask the browser to warn before a reload throws a
    #   half-filled form away, only a page script can set a ``beforeunload`` handler. It receives nothing at all.
    components = hits(re.compile(r"components\.v2\.component\("), python_files("dashboard", "pages"))
    assert sorted(f.split(":")[0] for f in components) == ["dashboard/ui/slide_keys.py",
                                                            "dashboard/ui/unsaved_guard.py"], components
    from dashboard.ui import slide_keys, unsaved_guard
    assert "data" not in re.findall(r"const \{([^}]*)\} = component", slide_keys.JS)[0]
    assert re.search(r"export default function \(\)", unsaved_guard.JS), "the guard takes no argument: no data"
    assert "data=" not in Path(unsaved_guard.__file__).read_text(encoding="utf-8")
    for script in (slide_keys.JS, unsaved_guard.JS):
        assert "innerHTML" not in script and "http" not in script   # writes no HTML, loads nothing


# -- SQL is parameterised ------------------------------------------------------------------
_F_STRING_ARG = r"\(\s*[rR]?[fF][rR]?[\"']"
SQL_CALL_ANYWHERE = re.compile(r"\.(?:execute|executemany|query|sql)" + _F_STRING_ARG)
# In the app itself the Database's read helpers count too.
SQL_CALL_IN_APP = re.compile(r"\.(?:execute|executemany|query|sql|rows|dicts|one|scalar)" + _F_STRING_ARG)


def test_no_execute_or_query_call_takes_an_f_string_anywhere():
    found = hits(SQL_CALL_ANYWHERE, python_files())
    assert not found, "SQL built with an f-string (bind the values with ? instead):\n" + "\n".join(found)


def test_no_database_call_in_the_app_takes_an_f_string():
    found = hits(SQL_CALL_IN_APP, python_files("dashboard", "db", "pages"))
    assert not found, "SQL built with an f-string (bind the values with ? instead):\n" + "\n".join(found)


def test_the_scan_would_catch_one():
    call = "execute("  # split, so this file does not match its own scan
    sample = 'db.query(\n    f"select * from organisation where name = \'{name}\'")\ncur.' + call + 'rf"x {y}")'
    assert len(SQL_CALL_ANYWHERE.findall(sample)) == 2
    assert not SQL_CALL_ANYWHERE.findall('db.query("select * from organisation where name = ?", [name])')
    assert not SQL_CALL_ANYWHERE.findall('frame.query("a > 1")  # pandas, no f-string')


# -- exports neutralise formulas ------------------------------------------------------------
FORMULAS = ["=SUM(A1)", "+48", "-1", "@x", "\tx", "\rx"]


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": FORMULAS,
        "number": [-1, 2, -3, 4, 5, -6],            # real numbers stay numbers
        "mixed": ["=1+1", -1, "ok", None, "-x", 3.5],  # only the strings are touched
    })


def test_csv_export_neutralises_formula_text_and_keeps_numbers():
    raw = exports.to_csv(sample_frame())
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header == ["text", "number", "mixed"]
    assert [r[0] for r in body] == ["'" + value for value in FORMULAS]
    assert [r[1] for r in body] == ["-1", "2", "-3", "4", "5", "-6"]
    assert [r[2] for r in body] == ["'=1+1", "-1", "ok", "", "'-x", "3.5"]


def test_csv_export_neutralises_a_formula_in_a_column_name():
    raw = exports.to_csv(pd.DataFrame({"=cmd|' /C calc'!A0": ["a"]}))
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert header == ["'=cmd|' /C calc'!A0"]


def test_a_carriage_return_inside_a_csv_cell_does_not_split_the_row():
    raw = exports.to_csv(pd.DataFrame({"a": ["x\ry", "p\nq", "ok"], "b": [1, 2, 3]}))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [["a", "b"], ["x\ry", "1"], ["p\nq", "2"], ["ok", "3"]]


def _xlsx_text(value):
    """Undo OOXML's _xHHHH_ escapes (xlsxwriter writes "\r" as _x000D_; Excel decodes it, openpyxl does not)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value) if isinstance(value, str) else value


def test_xlsx_export_neutralises_formula_text_and_keeps_numbers():
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(sample_frame(), "Dane")))
    sheet = book["Dane"]
    for row, value in enumerate(FORMULAS, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s", (value, cell.data_type)
        assert _xlsx_text(cell.value) == "'" + value
        number = sheet.cell(row=row, column=2)
        assert number.data_type == "n" and isinstance(number.value, int)
    assert sheet.cell(row=2, column=2).value == -1
    mixed = [sheet.cell(row=r, column=3) for r in range(2, 8)]
    assert mixed[0].value == "'=1+1" and mixed[0].data_type == "s"
    assert mixed[1].value == -1 and mixed[1].data_type == "n"
    assert mixed[4].value == "'-x"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), "a formula cell was written"


def test_neutralise_leaves_ordinary_text_and_non_strings_alone():
    assert exports.neutralise("Fundacja = dobro") == "Fundacja = dobro"
    assert exports.neutralise(-1) == -1
    assert exports.neutralise(None) is None
    assert exports.neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"


# -- secrets ------------------------------------------------------------------------------
def test_the_secrets_file_is_created_owner_only_with_a_random_key(tmp_path):
    old_umask = os.umask(0)  # even a careless umask must not make it readable by others
    try:
        first = secrets_file.load_or_create(tmp_path / "a" / "secrets.toml")
        second = secrets_file.load_or_create(tmp_path / "b" / "secrets.toml")
    finally:
        os.umask(old_umask)
    for path in (tmp_path / "a" / "secrets.toml", tmp_path / "b" / "secrets.toml"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first["auth"]["cookie_key"]) >= 32
    assert first["auth"]["cookie_key"] != second["auth"]["cookie_key"]


def test_an_existing_secrets_file_is_kept_but_made_owner_only(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text(secrets_file.TEMPLATE.format(key="k" * 40), encoding="utf-8")
    path.chmod(0o644)
    assert secrets_file.load_or_create(path)["auth"]["cookie_key"] == "k" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- Streamlit configuration ------------------------------------------------------------------
@pytest.fixture(scope="module")
def streamlit_config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_xsrf_protection_stays_on(streamlit_config):
    assert streamlit_config["server"]["enableXsrfProtection"] is True
    assert streamlit_config["server"].get("enableCORS", True) is True


def test_uploads_stay_limited(streamlit_config):
    limit = streamlit_config["server"]["maxUploadSize"]
    assert isinstance(limit, int) and 0 < limit < 200, "Streamlit's default is 200 MB; keep it lower"


def test_error_details_are_not_shown_to_users(streamlit_config):
    assert streamlit_config["client"]["showErrorDetails"] in ("none", False)
