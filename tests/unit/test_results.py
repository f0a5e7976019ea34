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


def test_an_empty_pilot_achieves_nothing_and_a_period_not_begun_measures_nothing(db, coordinator):
    from datetime import date, datetime

    from dashboard.core import clock

    clock.freeze(datetime(2026, 12, 2, 12, 0, tzinfo=clock.WARSAW))
    frame = results.table(db, coordinator, date(2026, 7, 1), date(2026, 12, 31)).set_index("code")
    assert frame.loc["volunteer_hours_centre", "achieved"] == 0 and frame.loc["volunteer_hours_centre", "share"] == 0
    assert frame.loc["trainings_held", "achieved"] == 0 and frame.loc["trainings_held", "light"] == "red"
    later = results.table(db, coordinator, date(2027, 1, 1), date(2027, 1, 31))
    assert set(later["light"]) == {"none"} and later["achieved"].isna().all()


def test_every_target_names_an_indicator_of_the_catalogue(db):
    """Migration 0009: the results are indicators; the volunteer target is the Centre's own hours (the open call's)."""
    from dashboard.services.reporting import indicators

    codes = list(results.targets(db)["code"])
    assert codes == list(results.DEFAULT_CODES)
    assert all(code in indicators.CATALOGUE for code in codes)
    assert "volunteer_hours_centre" in codes and "volunteer_hours" not in codes


@pytest.mark.parametrize("value, target, share", [(527, 500, 1.054), (38.857, 40, 0.9714), (0, 60, 0.0),
                                                  (None, 60, None), (5, 0, None), (float("nan"), 40, None)])
def test_share_of_target_is_computed_one_way(value, target, share):
    from dashboard.services.reporting import indicators

    assert indicators.share_of_target(value, target) == (None if share is None else pytest.approx(share, abs=1e-4))
