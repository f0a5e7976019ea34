"""Settings saved from one form: all checked first, written together or not at all, each change audited."""

from __future__ import annotations

import pytest

from dashboard.core.errors import PermissionDenied, ValidationError
from dashboard.services.admin import app_settings


def test_one_bad_value_keeps_every_other_value_of_the_form_unwritten(db, admin):
    with pytest.raises(ValidationError) as caught:
        app_settings.set_settings(db, admin, {"volunteer_hourly_rate_pln": 40, "initiative_stuck_days": 0})

    assert set(caught.value.errors) == {"initiative_stuck_days"}
    assert app_settings.all_settings(db)["volunteer_hourly_rate_pln"] == 35.0, "the good value was not written alone"


def test_a_form_of_changes_is_written_with_an_audit_row_per_changed_setting(db, admin):
    app_settings.set_settings(db, admin, {"volunteer_hourly_rate_pln": 40, "initiative_stuck_days": 30,
                                          "initiative_budget_pln": 250_000})

    stored = app_settings.all_settings(db)
    assert (stored["volunteer_hourly_rate_pln"], stored["initiative_budget_pln"]) == (40.0, 250_000.0)
    audited = [r[0] for r in db.rows("select entity_id from audit_log where entity = 'app_setting' order by id")]
    assert sorted(audited) == ["initiative_budget_pln", "initiative_stuck_days", "volunteer_hourly_rate_pln"]


def test_staff_cannot_change_settings(db, staff):
    with pytest.raises(PermissionDenied):
        app_settings.set_settings(db, staff, {"volunteer_hourly_rate_pln": 1})
