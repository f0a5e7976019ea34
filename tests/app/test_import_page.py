"""The import page and the backups on the administration page, as far as AppTest can drive them.

AppTest cannot upload a file, so the reading, the preview and the all-or-nothing commit are
covered in ``tests/unit/test_import.py``; here: who may open the page, what it offers before a
file is chosen, and the daily backups' retention on the administration page.
"""

from __future__ import annotations

import pytest

from dashboard.core.i18n import translate
from dashboard.services.admin import app_settings, importer
from tests.app.conftest import DEMO_USERS, page_path, texts
from tests.conftest import app_as


def open_page(role: str, file: str, lang: str = "pl"):
    at = app_as(DEMO_USERS[role], lang=lang)
    at.run()
    at.switch_page(page_path(file)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_staff_and_admin_get_the_import_page_with_its_limits(role):
    at = open_page(role, "import.py")

    assert translate("pl", "page.import") in texts(at.title)
    assert any("5 MB" in c and "5 000" in c.replace("\xa0", " ") for c in texts(at.caption))
    assert at.button_group[0].value == "organisations"
    assert list(at.button_group[0].options) == [
        translate("pl", f"import.kind.{k}") for k in importer.KINDS]
    assert not at.error and not at.checkbox  # no file yet: no preview, no import button


def test_the_coordinator_cannot_open_the_import_page():
    at = open_page("coordinator", "import.py")
    assert translate("pl", "nav.forbidden", page=translate("pl", "page.import")) in texts(at.error)
    assert translate("pl", "import.file") not in str(at)


def test_choosing_bookings_asks_for_the_statutory_declaration_first():
    at = open_page("staff", "import.py")
    at.button_group[0].set_value("bookings").run()

    assert not at.exception
    assert [c.label for c in at.checkbox] == [translate("pl", "import.statutory")]


def test_the_page_speaks_english_too():
    at = open_page("staff", "import.py", lang="en")
    assert translate("en", "page.import") in texts(at.title)
    assert any("at most 5 MB" in c for c in texts(at.caption))


def test_the_admin_sets_how_long_daily_backups_are_kept(app_db):
    at = open_page("admin", "administration.py")
    assert translate("pl", "import.backup.daily_title") in texts(at.subheader)
    field = next(n for n in at.number_input if n.label == translate("pl", "import.backup.retention"))
    try:
        field.set_value(30)
        next(b for b in at.button if b.label == translate("pl", "common.save")).click().run()

        assert not at.exception
        assert app_settings.get_setting(app_db, "backup_retention_days") == 30
        assert translate("pl", "import.backup.retention_saved", days=30) in texts(at.success)
    finally:  # the other tests of the session see the default again
        app_db.write(lambda cur: cur.execute("delete from app_setting where key = 'backup_retention_days'"))
