"""Tests for results against targets: traffic lights, and targets edited as data."""

import pytest

from dashboard.core.errors import PermissionDenied, ValidationError
from dashboard.services.reporting import results


@pytest.mark.parametrize("value, expected", [(40, "green"), (45.5, "green"), (32, "amber"), (31.9, "red"),
                                             (0, "red"), (None, "none")])
def test_traffic_light_for_a_target_of_forty(value, expected):
    assert results.light(40, value) == expected


def test_targets_are_data_an_admin_changes(db, admin):
    results.set_targets(db, admin, {"trainings_held": 25, "participants": "350"})

    frame = results.targets(db).set_index("code")
    assert frame.loc["trainings_held", "target"] == 25 and frame.loc["participants", "target"] == 350
    assert db.scalar("select count(*) from audit_log where entity = 'result_target'") == 2


@pytest.mark.parametrize("value, key", [(-1, "error.target_negative"), ("dużo", "error.target_not_number"),
                                        (float("nan"), "error.target_negative")])
def test_a_bad_target_is_refused_and_nothing_changes(db, admin, value, key):
    with pytest.raises(ValidationError) as refused:
        results.set_targets(db, admin, {"trainings_held": 30, "participants": value})

    assert refused.value.errors["participants"].key == key
    assert results.targets(db).set_index("code").loc["trainings_held", "target"] == 20


def test_the_coordinator_cannot_change_targets(db, coordinator):
    with pytest.raises(PermissionDenied):
        results.set_targets(db, coordinator, {"trainings_held": 1})


def test_volunteer_hours_are_not_measured_before_the_register_exists(db, coordinator):
    from datetime import date

    frame = results.table(db, coordinator, date(2026, 7, 1), date(2026, 12, 31)).set_index("code")
    if "volunteer_hours" in {r[0] for r in db.rows("select table_name from information_schema.tables")}:
        assert frame.loc["volunteer_hours", "achieved"] == 0
    else:
        assert frame.loc["volunteer_hours", "light"] == "none"
    assert frame.loc["trainings_held", "achieved"] == 0 and frame.loc["trainings_held", "light"] == "red"
