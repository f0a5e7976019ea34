"""Every headline figure opens the rows it was computed from: the rows add up to exactly the figure,
and show contact data as the role may see it. On the fixed February of ``forum_dataset``."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.core.errors import ValidationError
from dashboard.services.reporting import results, utilisation
from tests.unit.forum_dataset import FEBRUARY

# What each KPI's rows must add up to, counted by hand (forum_dataset's docstring): occupancy is the 12 h
# booked in February (A 2 + 4, B 2, C's no-show 2, the training's room 2) of its 20 working days × 8 h.
BY_HAND = {"organisations_served": 5, "bookings_held": 3, "no_show_rate": 0.25, "occupancy": 12 / 160,
           "events_held": 1, "participants": 6, "attendance_rate": 5 / 6, "rating": 4.2, "advisory_hours": 2.5,
           "volunteer_hours_register": 5.5, "volunteer_hours_centre": 5.5, "volunteer_value_centre": 220.0}


def _by_hand(kpi: str, rows: pd.DataFrame) -> float:
    """The figure from the rows the way a person checks it in a spreadsheet (not via the service)."""
    if kpi == "no_show_rate":
        return (rows["status"] == "no_show").sum() / len(rows)
    if kpi == "attendance_rate":
        return rows["present"].sum() / len(rows)
    if kpi == "rating":
        return rows["rating"].sum() / len(rows)
    if kpi == "occupancy":
        return rows["booked_hours"].sum() / rows["open_hours"].sum()
    if kpi == "volunteer_value_centre":
        return rows["value_pln"].sum()
    if kpi in ("advisory_hours", "volunteer_hours_register", "volunteer_hours_centre"):
        return rows["hours"].sum()
    return len(rows)


@pytest.mark.parametrize("role", ["staff", "coordinator"])
@pytest.mark.parametrize("kpi", utilisation.KPIS)
def test_each_kpi_equals_what_its_rows_add_up_to(pilot, request, role, kpi):
    actor = request.getfixturevalue(role)
    figure = utilisation.kpi_figures(pilot.db, actor, *FEBRUARY, [pilot.room])[kpi]
    rows = utilisation.kpi_rows(pilot.db, actor, kpi, *FEBRUARY, [pilot.room])

    assert figure == pytest.approx(BY_HAND[kpi])
    assert _by_hand(kpi, rows) == pytest.approx(figure)
    assert utilisation.figure_from_rows(kpi, rows) == pytest.approx(figure)


def test_rows_show_contacts_whole_to_staff_and_masked_to_the_coordinator(pilot, staff, coordinator):
    seen = utilisation.kpi_rows(pilot.db, staff, "participants", *FEBRUARY)
    masked = utilisation.kpi_rows(pilot.db, coordinator, "participants", *FEBRUARY)

    first = seen.set_index("full_name").loc["Agnieszka Nowakowska"]
    assert (first["email"], first["phone"]) == ("a.nowakowska@example.org", "+48 501 234 567")
    first = masked.set_index("full_name").loc["Agnieszka Nowakowska"]
    assert (first["email"], first["phone"]) == ("a***@example.org", "*** *** 567")
    assert "a.nowakowska@example.org" not in masked.to_csv() and "501 234 567" not in masked.to_csv()
    no_phone = masked.set_index("full_name").loc["Dariusz Kamiński"]
    assert no_phone["phone"] == ""


def test_volunteer_names_only_for_roles_that_see_personal_data(pilot, staff, coordinator):
    assert utilisation.kpi_rows(pilot.db, staff, "volunteer_hours_register", *FEBRUARY)["volunteer"].tolist() == [
        "Żółkiewska Łucja"] * 2
    rows = utilisation.kpi_rows(pilot.db, coordinator, "volunteer_hours_register", *FEBRUARY)
    assert rows["volunteer"].isna().all() and rows["value_pln"].tolist() == [140.0, 80.0]


def test_an_unknown_kpi_is_refused(pilot, coordinator):
    with pytest.raises(ValidationError) as refused:
        utilisation.kpi_rows(pilot.db, coordinator, "happiness", *FEBRUARY)
    assert refused.value.errors["kpi"].key == "forum.error.kpi_unknown"


# Results against targets, by hand: the room open 40 h and 2 evenings in each of the 3 whole weeks inside February
# (2–8, 9–15, 16–22; the week of 23 February ends in March); one training held; the rest as the KPIs above.
RESULTS_BY_HAND = {"room_hours_per_week": 40.0, "evenings_per_week": 2.0, "trainings_held": 1.0, "participants": 6.0,
                   "organisations_served": 5.0, "advisory_hours": 2.5, "volunteer_hours_centre": 5.5}


@pytest.mark.parametrize("role", ["staff", "coordinator"])
@pytest.mark.parametrize("code", list(results.ROWS_OF))
def test_each_result_equals_what_its_rows_add_up_to(pilot, request, role, code):
    actor = request.getfixturevalue(role)
    achieved = results.achieved(pilot.db, actor, *FEBRUARY)[code]
    rows = results.achieved_rows(pilot.db, actor, code, *FEBRUARY)

    assert achieved == pytest.approx(RESULTS_BY_HAND[code])
    assert results.figure_from_rows(code, rows) == pytest.approx(achieved)
    if code in ("room_hours_per_week", "evenings_per_week"):
        assert len(rows) == 3 and rows["room"].unique().tolist() == ["Sala szkoleniowa"]
    if code == "trainings_held":
        assert rows["title"].tolist() == ["Skąd wziąć pieniądze na działania"]


def test_a_training_not_begun_yet_is_not_held(pilot, coordinator):
    """Trainings held follow the rule of every event held: counted once the first session has begun."""
    from datetime import datetime

    from dashboard.core import clock

    clock.freeze(datetime(2026, 2, 10, 15, 0, tzinfo=clock.WARSAW))  # the session runs 16:00–18:00
    assert results.achieved(pilot.db, coordinator, *FEBRUARY)["trainings_held"] == 0
    assert results.achieved_rows(pilot.db, coordinator, "trainings_held", *FEBRUARY).empty
    clock.freeze(datetime(2026, 2, 10, 17, 0, tzinfo=clock.WARSAW))
    assert results.achieved(pilot.db, coordinator, *FEBRUARY)["trainings_held"] == 1
