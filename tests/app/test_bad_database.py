"""AppTest: a file that is not a DuckDB database gives a plain error page, not a traceback."""

from dashboard.core.i18n import translate
from tests.app.conftest import texts
from tests.conftest import app_as


def test_a_foreign_file_gives_a_clear_error_page(tmp_path, monkeypatch):
    broken = tmp_path / "civic.duckdb"
    broken.write_bytes(b"To nie jest baza danych, tylko arkusz z 2012 roku.\n" * 200)
    monkeypatch.setenv("CIVIC_DB_PATH", str(broken))
    at = app_as(None)
    at.run()

    assert not at.exception
    assert translate("pl", "error.database_unusable") in texts(at.error)
    assert broken.read_bytes().startswith(b"To nie jest baza danych")  # nothing was written over it
