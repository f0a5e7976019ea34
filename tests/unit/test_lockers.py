"""Lockers: one organisation at a time per locker, keys handed over and returned, free ones at a glance."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dashboard.core.errors import Conflict, PermissionDenied, ValidationError
from dashboard.services import reservations as res
from dashboard.services.reservations import lockers
from tests.unit.builders import at, field_errors, run_together

NOV = date(2026, 11, 2)


def assignment(centre, **changes) -> dict:
    data = {"resource_id": centre.locker, "organisation_id": centre.zielona, "date_from": NOV, "date_to": None,
            "notes": "Materiały na festyn"}
    return {**data, **changes}


def test_an_open_ended_assignment_blocks_later_ones_and_names_the_holder(centre, staff):
    lockers.assign_locker(centre.db, staff, assignment(centre))

    with pytest.raises(Conflict) as excinfo:
        lockers.assign_locker(centre.db, staff, assignment(centre, organisation_id=centre.sasiedzi,
                                                       date_from=date(2027, 6, 1)))
    assert excinfo.value.message.key == "error.locker_taken"
    assert excinfo.value.message.params == {"organisation": "Fundacja Zielona Łódź", "date_from": "02.11.2026",
                                            "date_to": "—"}


def test_consecutive_periods_are_fine_but_a_shared_day_is_not(centre, staff):
    lockers.assign_locker(centre.db, staff, assignment(centre, date_to=date(2026, 11, 30)))
    lockers.assign_locker(centre.db, staff, assignment(centre, organisation_id=centre.sasiedzi,
                                                   date_from=date(2026, 12, 1), date_to=date(2027, 5, 31)))
    with pytest.raises(Conflict):
        lockers.assign_locker(centre.db, staff, assignment(centre, date_from=date(2027, 5, 31)))
    with pytest.raises(Conflict):
        lockers.assign_locker(centre.db, staff, assignment(centre, date_from=date(2026, 10, 1), date_to=NOV))


def test_an_assignment_is_validated(centre, staff):
    with pytest.raises(ValidationError) as excinfo:
        lockers.assign_locker(centre.db, staff, {"resource_id": centre.room, "organisation_id": 999,
                                             "date_from": NOV, "date_to": date(2026, 11, 1)})
    assert field_errors(excinfo) == {"resource_id": "error.not_a_locker",
                                     "organisation_id": "error.organisation_unknown",
                                     "date_to": "error.period_reversed"}
    with pytest.raises(ValidationError) as excinfo:
        lockers.assign_locker(centre.db, staff, assignment(centre, date_from=None))
    assert field_errors(excinfo) == {"date_from": "error.date_format"}


def test_the_key_goes_out_and_comes_back_which_ends_the_assignment(centre, staff):
    assignment_id = lockers.assign_locker(centre.db, staff, assignment(centre))
    lockers.record_key_handed(centre.db, staff, assignment_id, NOV)
    with pytest.raises(Conflict):
        lockers.record_key_handed(centre.db, staff, assignment_id, NOV)

    at(datetime(2027, 1, 15, 12))
    lockers.record_key_returned(centre.db, staff, assignment_id, date(2027, 1, 15))

    row = centre.db.one("select key_handed_on, key_returned_on, date_to from locker_assignment where id = ?",
                        [assignment_id])
    assert row == (NOV, date(2027, 1, 15), date(2027, 1, 15))
    lockers.assign_locker(centre.db, staff, assignment(centre, organisation_id=centre.sasiedzi,
                                                   date_from=date(2027, 1, 16)))
    assert centre.db.scalar("select count(*) from audit_log where entity = 'locker_assignment'") == 4


def test_key_dates_must_make_sense(centre, staff):
    assignment_id = lockers.assign_locker(centre.db, staff, assignment(centre))
    with pytest.raises(Conflict) as excinfo:
        lockers.record_key_returned(centre.db, staff, assignment_id, NOV)
    assert excinfo.value.message.key == "error.key_not_handed"
    with pytest.raises(ValidationError) as excinfo:
        lockers.record_key_handed(centre.db, staff, assignment_id, date(2026, 11, 3))
    assert field_errors(excinfo) == {"day": "error.future_day"}
    lockers.record_key_handed(centre.db, staff, assignment_id, NOV)
    with pytest.raises(Conflict) as excinfo:
        lockers.record_key_returned(centre.db, staff, assignment_id, date(2026, 11, 1))
    assert excinfo.value.message.key == "error.key_returned_before_handed"


def test_the_overview_shows_holders_keys_and_free_lockers(centre, staff, admin):
    second = res.create_resource(centre.db, admin, {"kind": "locker", "name": "Szafka 2"})
    third = res.create_resource(centre.db, admin, {"kind": "locker", "name": "Szafka 3"})
    held = lockers.assign_locker(centre.db, staff, assignment(centre))
    lockers.record_key_handed(centre.db, staff, held, NOV)
    lockers.assign_locker(centre.db, staff, assignment(centre, resource_id=third, organisation_id=centre.sasiedzi,
                                                   date_from=date(2026, 12, 1)))  # not yet

    overview = lockers.locker_overview(centre.db, NOV)

    assert overview["name"].tolist() == ["Szafka 1", "Szafka 2", "Szafka 3"]
    assert overview["free"].tolist() == [False, True, True]
    first = overview.iloc[0]
    assert (first["organisation"], first["assignment_id"]) == ("Fundacja Zielona Łódź", held)
    assert first["key_handed_on"].date() == NOV
    assert lockers.locker_overview(centre.db, date(2026, 12, 1))["free"].tolist() == [False, True, False]
    assert second in overview["resource_id"].tolist()


def test_a_key_not_returned_keeps_the_locker_taken_after_the_end_date(centre, staff):
    held = lockers.assign_locker(centre.db, staff, assignment(centre, date_to=date(2026, 11, 30)))
    lockers.record_key_handed(centre.db, staff, held, NOV)
    assert lockers.locker_overview(centre.db, date(2026, 12, 10))["free"].tolist() == [False]


def test_the_coordinator_cannot_touch_lockers(centre, staff, coordinator):
    held = lockers.assign_locker(centre.db, staff, assignment(centre))
    for write in (lambda: lockers.record_key_handed(centre.db, coordinator, held, NOV),
                  lambda: lockers.record_key_returned(centre.db, coordinator, held, NOV),
                  lambda: lockers.end_locker_assignment(centre.db, coordinator, held, NOV)):
        with pytest.raises(PermissionDenied):
            write()
    assert len(lockers.locker_overview(centre.db, NOV)) == 1


def test_eight_desks_assigning_one_locker_at_once_give_it_to_one_organisation_per_period(centre, staff):
    periods = [(date(2026, 11, 2 + 3 * (i % 4)), date(2026, 11, 6 + 3 * (i % 4))) for i in range(8)]
    won: list[int] = []
    refused: list[Conflict] = []

    def desk(index: int) -> None:
        first, last = periods[index]
        try:
            won.append(lockers.assign_locker(centre.db, staff, assignment(centre, date_from=first, date_to=last)))
        except Conflict as exc:
            refused.append(exc)

    assert run_together(desk) == []
    assert len(won) + len(refused) == 8 and len(won) >= 1
    assert centre.db.scalar(
        "select count(*) from locker_assignment a join locker_assignment b on a.resource_id = b.resource_id "
        "and a.id < b.id and a.date_from <= coalesce(b.date_to, date '9999-12-31') "
        "and b.date_from <= coalesce(a.date_to, date '9999-12-31')") == 0
