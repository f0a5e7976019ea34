"""The advisory log and the expectations survey (S4): validation, and the summaries read back."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.core.errors import PermissionDenied, ValidationError
from dashboard.services.education import advisory
from dashboard.services.register import organisations
from tests.unit.builders import field_errors


def entry(place, **changes) -> dict:
    data = {"organisation_id": place.zielona, "advisor": "Marta Doradczyni", "topic_code": "T3",
            "held_on": date(2026, 10, 30), "duration_min": 45, "form": "in_person",
            "question": "Jak zarejestrować zmianę zarządu w KRS?", "outcome": "Wzór wniosku KRS-Z3"}
    return {**data, **changes}


def test_an_advisory_entry_is_logged_and_listed(place, staff):
    entry_id = advisory.add_advisory(place.db, staff, entry(place))
    log = advisory.advisory_log(place.db, staff)
    assert list(log["id"]) == [entry_id] and log.iloc[0]["organisation"] == "Fundacja Zielona Łódź"
    summary = advisory.advisory_summary(place.db, staff)
    assert summary[["topic_code", "form", "sessions", "hours"]].values.tolist() == [["T3", "in_person", 1, 0.8]]


def test_advisory_fields_are_validated(place, staff, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        advisory.add_advisory(place.db, staff, entry(place, duration_min=0, form="letter", held_on=date(2027, 1, 1),
                                                     question=""))
    assert field_errors(excinfo) == {"duration_min": "error.duration_invalid", "form": "error.advisory_form",
                                     "held_on": "error.date_range", "question": "error.required"}
    with pytest.raises(ValidationError) as excinfo:
        advisory.add_advisory(place.db, staff, entry(place, topic_code="T99", organisation_id=999))
    assert field_errors(excinfo) == {"organisation_id": "error.organisation_unknown", "topic_code": "error.topic_unknown"}
    with pytest.raises(PermissionDenied):
        advisory.add_advisory(place.db, coordinator, entry(place))


def test_the_survey_summary_counts_and_averages_per_service(place, staff, admin):
    other = organisations.create(place.db, admin, {"name": "Stowarzyszenie Sąsiedzi", "legal_form": "stowarzyszenie"})
    advisory.record_survey(place.db, staff, place.zielona, {"F1": 5, "F2": 3}, "Więcej szkoleń z księgowości")
    advisory.record_survey(place.db, staff, other, {"F2": 4})
    advisory.record_survey(place.db, staff, other, {"F2": 5, "F3": 2})  # a repeat replaces the answer

    summary = advisory.survey_summary(place.db, staff)
    assert summary[["code", "organisations", "mean_priority", "responses"]].values.tolist() == [
        ["F1", 1, 5.0, 2], ["F2", 2, 4.0, 2], ["F3", 1, 2.0, 2]]
    assert list(advisory.survey_texts(place.db, staff)["free_text"]) == ["Więcej szkoleń z księgowości"]


def test_a_survey_priority_outside_one_to_five_is_refused(place, staff):
    with pytest.raises(ValidationError) as excinfo:
        advisory.record_survey(place.db, staff, place.zielona, {"F1": 6})
    assert field_errors(excinfo) == {"answers.F1": "error.priority_range"}
    assert place.db.scalar("select count(*) from survey_response") == 0
