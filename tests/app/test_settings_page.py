"""The Settings page: an admin changes the rules other areas read, all in one save."""

from __future__ import annotations

from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services.admin import app_settings
from tests.app.conftest import DEMO_USERS, page_path
from tests.conftest import app_as

CHANGED = {"volunteer_hourly_rate_pln": 42.5, "initiative_stuck_days": 45, "enrolment_close_hours": 12}


def _settings_page():
    at = app_as(DEMO_USERS["admin"])
    at.run()
    at.switch_page(page_path("settings.py")).run()
    assert not at.exception, at.exception
    return at


def test_admin_changes_the_volunteer_rate_stuck_days_and_enrolment_close_in_one_save(app_db):
    before = app_settings.all_settings(app_db)
    try:
        at = _settings_page()
        for key, value in CHANGED.items():
            at.number_input(key=f"settings_{key}").set_value(value)
        at.button(key="FormSubmitter:settings_rules-" + translate("pl", "common.save")).click().run()

        assert not at.exception, at.exception
        stored = app_settings.all_settings(app_db)
        assert {key: stored[key] for key in CHANGED} == CHANGED
        assert stored["booking_horizon_days"] == before["booking_horizon_days"], "untouched fields stay as they were"
    finally:
        app_settings.set_settings(app_db, SYSTEM, {key: before[key] for key in CHANGED})


def test_every_setting_an_area_reads_is_on_the_page():
    at = _settings_page()
    keys = {str(widget.key) for widget in at.number_input}
    assert {f"settings_{key}" for key in app_settings.KNOWN if key != "backup_retention_days"} <= keys
