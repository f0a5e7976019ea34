"""Enrolment: capacity guaranteed by seat rows, a waitlist in order of arrival, promotion in the
cancelling transaction (two places at once too), no person twice, closing before the start,
attendance with walk-ins, feedback, and the participants export.

The event: Tuesday 3 November 2026 16:00–19:00 and a week later; now is Monday 08:00.
"""

from __future__ import annotations

import threading
from datetime import datetime, time

import pytest

from dashboard.core import clock, exports
from dashboard.core.errors import Conflict, ValidationError
from dashboard.services.admin import app_settings
from dashboard.services.education import enrolment, trainings
from tests.unit.builders import event_form, field_errors


def person(i: int, **changes) -> dict:
    data = {"full_name": f"Uczestnik {i:02d}", "email": f"osoba{i}@example.org", "organisation_id": None,
            "consent": True}
    return {**data, **changes}


@pytest.fixture
def event(place, staff):
    """A training for ``capacity`` people (3 unless the test asks otherwise)."""

    def make(capacity: int = 3) -> int:
        return trainings.create_event(place.db, staff, event_form(place, capacity=capacity))

    return make


def statuses(db, event_id: int) -> list[tuple[str, str]]:
    return db.rows("select full_name, status from enrolment where event_id = ? order by id", [event_id])


def promotions(db) -> list[str]:
    return [r[0] for r in db.rows("select entity_id from audit_log where action = 'promote' order by id")]


def test_capacity_then_a_waitlist_in_order_of_arrival(place, staff, event):
    event_id = event(3)
    results = [enrolment.enrol(place.db, staff, event_id, person(i)) for i in range(1, 6)]

    assert [(r["status"], r["seat_no"], r["position"]) for r in results] == [
        ("enrolled", 1, None), ("enrolled", 2, None), ("enrolled", 3, None), ("waitlisted", None, 1),
        ("waitlisted", None, 2)]
    assert trainings.get_event(place.db, staff, event_id)["status"] == "full"
    assert place.db.scalar("select count(*) from event_seat where event_id = ?", [event_id]) == 3


def test_a_cancellation_promotes_the_first_waiting_in_the_same_transaction(place, staff, event):
    event_id = event(3)
    ids = [enrolment.enrol(place.db, staff, event_id, person(i))["id"] for i in range(1, 6)]

    promoted = enrolment.cancel_enrolment(place.db, staff, ids[1], "Rezygnacja")

    assert promoted == [ids[3]]
    assert [s for _n, s in statuses(place.db, event_id)] == ["enrolled", "cancelled", "enrolled", "enrolled",
                                                             "waitlisted"]
    assert place.db.scalar("select seat_no from event_seat where enrolment_id = ?", [ids[3]]) == 2
    assert promotions(place.db) == [str(ids[3])]
    assert enrolment.waitlist(place.db, staff, event_id) == [ids[4]]


def test_two_places_freed_at_once_promote_the_first_two_in_order(place, staff, event):
    event_id = event(3)
    ids = [enrolment.enrol(place.db, staff, event_id, person(i))["id"] for i in range(1, 7)]

    promoted = enrolment.cancel_enrolments(place.db, staff, [ids[0], ids[2]], "Choroba")

    assert promoted == [ids[3], ids[4]]
    assert promotions(place.db) == [str(ids[3]), str(ids[4])]
    assert enrolment.waitlist(place.db, staff, event_id) == [ids[5]]
    assert place.db.scalar("select count(*) from event_seat where event_id = ?", [event_id]) == 3
    assert trainings.get_event(place.db, staff, event_id)["status"] == "full"


def test_a_capacity_rise_promotes_from_the_waitlist(place, staff, event):
    event_id = event(2)
    ids = [enrolment.enrol(place.db, staff, event_id, person(i))["id"] for i in range(1, 5)]

    trainings.update_event(place.db, staff, event_id, {"capacity": 3})

    assert enrolment.waitlist(place.db, staff, event_id) == [ids[3]]
    assert promotions(place.db) == [str(ids[2])]


def test_the_same_person_cannot_enrol_twice_by_email_or_phone(place, staff, event):
    event_id = event(3)
    enrolment.enrol(place.db, staff, event_id, person(1, phone="501 234 567"))

    with pytest.raises(Conflict) as excinfo:
        enrolment.enrol(place.db, staff, event_id, person(2, email="OSOBA1@example.org"))
    assert excinfo.value.message.key == "error.already_enrolled"
    assert excinfo.value.message.params == {"name": "Uczestnik 01"}
    with pytest.raises(Conflict):
        enrolment.enrol(place.db, staff, event_id, person(3, email=None, phone="+48501234567"))
    assert len(statuses(place.db, event_id)) == 1


def test_after_cancelling_the_person_may_enrol_again(place, staff, event):
    event_id = event(3)
    first = enrolment.enrol(place.db, staff, event_id, person(1))["id"]
    enrolment.cancel_enrolment(place.db, staff, first)
    assert enrolment.enrol(place.db, staff, event_id, person(1))["status"] == "enrolled"


def test_eight_desks_enrolling_at_once_into_ten_places(place, staff, event):
    event_id = event(10)
    start = threading.Barrier(8)
    raised, results = [], []

    def desk(index: int) -> None:
        start.wait()
        for k in range(2):
            try:
                results.append(enrolment.enrol(place.db, staff, event_id, person(index * 2 + k)))
            except BaseException as exc:  # collected so the test shows it
                raised.append(exc)

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert raised == []
    rows = place.db.rows("select e.id, e.status, s.seat_no from enrolment e left join event_seat s "
                         "on s.enrolment_id = e.id where e.event_id = ? order by e.id", [event_id])
    enrolled = [r for r in rows if r[1] == "enrolled"]
    waiting = [r for r in rows if r[1] == "waitlisted"]
    assert len(enrolled) == 10 and len(waiting) == 6
    assert sorted(r[2] for r in enrolled) == list(range(1, 11))
    assert max(r[0] for r in enrolled) < min(r[0] for r in waiting)  # seats went to the first arrivals
    positions = sorted((r["id"], r["position"]) for r in results if r["status"] == "waitlisted")
    assert [p for _i, p in positions] == [1, 2, 3, 4, 5, 6]
    assert enrolment.waitlist(place.db, staff, event_id) == [i for i, _p in positions]


def test_enrolment_into_a_cancelled_or_past_event_is_refused(place, staff, event):
    cancelled, running = event(3), None
    trainings.cancel_event(place.db, staff, cancelled, "Choroba prowadzącej")
    with pytest.raises(ValidationError) as excinfo:
        enrolment.enrol(place.db, staff, cancelled, person(1))
    assert field_errors(excinfo) == {"event_id": "error.event_cancelled"}

    running = trainings.create_event(place.db, staff, event_form(place, capacity=3, sessions=[
        {"day": datetime(2026, 11, 4).date(), "start": time(10), "end": time(12)}]))
    clock.freeze(datetime(2026, 11, 4, 11, 0, tzinfo=clock.WARSAW))
    with pytest.raises(ValidationError) as excinfo:
        enrolment.enrol(place.db, staff, running, person(2))
    assert field_errors(excinfo) == {"event_id": "error.event_past"}


def test_enrolment_closes_the_configured_hours_before_the_start(place, staff, admin, event):
    event_id = event(3)
    clock.freeze(datetime(2026, 11, 2, 16, 1, tzinfo=clock.WARSAW))  # 23 h 59 min before
    with pytest.raises(ValidationError) as excinfo:
        enrolment.enrol(place.db, staff, event_id, person(1))
    assert field_errors(excinfo) == {"event_id": "error.enrolment_closed"}
    assert excinfo.value.errors["event_id"].params == {"hours": 24}

    app_settings.set_setting(place.db, admin, "enrolment_close_hours", 2)
    assert enrolment.enrol(place.db, staff, event_id, person(1))["status"] == "enrolled"


def test_the_person_form_is_validated_field_by_field(place, staff, event):
    event_id = event(3)
    with pytest.raises(ValidationError) as excinfo:
        enrolment.enrol(place.db, staff, event_id, {"full_name": "", "email": None, "phone": None, "consent": False})
    assert field_errors(excinfo) == {"full_name": "error.required", "email": "error.contact_required",
                                     "consent": "error.consent_required"}


def test_attendance_walk_ins_and_the_held_status(place, staff, event):
    event_id = event(3)
    ids = [enrolment.enrol(place.db, staff, event_id, person(i))["id"] for i in range(1, 3)]
    first, second = trainings.get_event(place.db, staff, event_id)["sessions"]
    with pytest.raises(Conflict):
        enrolment.record_attendance(place.db, staff, first["id"], {ids[0]: True})  # not started yet

    clock.freeze(datetime(2026, 11, 3, 16, 10, tzinfo=clock.WARSAW))
    enrolment.record_attendance(place.db, staff, first["id"], {ids[0]: True, ids[1]: False})
    walk_in = enrolment.add_walk_in(place.db, staff, first["id"], person(9, full_name="Łucja Żółkiewska"))

    sheet = enrolment.attendance(place.db, staff, first["id"])
    assert dict(zip(sheet["full_name"], sheet["present"])) == {"Uczestnik 01": True, "Uczestnik 02": False,
                                                               "Łucja Żółkiewska": True}
    assert place.db.scalar("select walk_in from enrolment where id = ?", [walk_in]) is True
    with pytest.raises(ValidationError):
        enrolment.record_attendance(place.db, staff, first["id"], {999: True})
    assert trainings.get_event(place.db, staff, event_id)["status"] == "full"  # a session is still ahead
    clock.freeze(datetime(2026, 11, 10, 16, 5, tzinfo=clock.WARSAW))
    enrolment.record_attendance(place.db, staff, second["id"], {ids[0]: True})
    assert trainings.get_event(place.db, staff, event_id)["status"] == "held"


def test_feedback_rating_must_be_one_to_five_and_averages_are_read(place, staff, event):
    event_id = event(3)
    ids = [enrolment.enrol(place.db, staff, event_id, person(i))["id"] for i in range(1, 4)]
    for bad in (0, 6, None, "x"):
        with pytest.raises(ValidationError) as excinfo:
            enrolment.record_feedback(place.db, staff, ids[0], bad)
        assert field_errors(excinfo) == {"rating": "error.rating_range"}
    enrolment.record_feedback(place.db, staff, ids[0], 5, "Bardzo konkretnie")
    enrolment.record_feedback(place.db, staff, ids[1], 4)
    enrolment.record_feedback(place.db, staff, ids[1], 3)  # corrected, not added

    assert enrolment.ratings_by_event(place.db, staff)[["ratings", "mean_rating"]].values.tolist() == [[2, 4.0]]
    trainer = enrolment.ratings_by_trainer(place.db, staff)
    assert trainer.iloc[0]["trainer_name"] == "Łucja Żółkiewska" and trainer.iloc[0]["mean_rating"] == 4.0
    topics = enrolment.ratings_by_topic(place.db, staff)
    assert list(topics["topic"]) == ["T4", "generator"] and list(topics["mean_rating"]) == [4.0, 4.0]


def test_the_participants_export_neutralises_formulas_and_masks_for_the_coordinator(place, staff, coordinator,
                                                                                    event):
    event_id = event(1)
    enrolment.enrol(place.db, staff, event_id, person(1, full_name="=HYPERLINK(\"http://x\")", phone="501234567"))
    enrolment.enrol(place.db, staff, event_id, person(2))

    frame = enrolment.participants(place.db, staff, event_id)
    assert list(frame["status"]) == ["enrolled", "waitlisted"] and list(frame["waitlist_position"].fillna(0)) == [0, 1]
    text = exports.to_csv(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ";=HYPERLINK" not in text
    masked = enrolment.participants(place.db, coordinator, event_id)
    assert masked.iloc[0]["email"] == "o***@example.org" and masked.iloc[0]["phone"] == "*** *** 567"
