"""The demo filler for events obeys the reservation rules it sits on: no clash (the slot key would
refuse it), no session outside opening hours, no event over capacity, every type and topic present."""

from __future__ import annotations

from datetime import datetime

from dashboard import demo
from dashboard.core import clock


def test_the_demo_year_of_events_is_consistent(db):
    clock.freeze(datetime(2026, 11, 2, 8, 0, tzinfo=clock.WARSAW))
    demo.fill(db, scale=0.3)

    assert db.scalar("select count(*) from event") >= 20
    assert {r[0] for r in db.rows("select distinct event_type from event")} == {
        "training", "advisory", "specialist_meeting", "integration_meeting", "consultation_meeting"}
    assert db.scalar("select count(distinct topic_code) from event_topic") == 7
    assert db.scalar("select count(*) from (select e.id from event e join event_seat s on s.event_id = e.id "
                     "group by e.id, e.capacity having count(*) > e.capacity)") == 0
    assert db.scalar("select count(*) from event_session s join booking b on b.id = s.booking_id "
                     "join opening_hours o on o.resource_id = b.resource_id and o.weekday = isodow(b.starts_at) - 1 "
                     "where o.opens is null or b.starts_at::time < o.opens or b.ends_at::time > o.closes") == 0
    assert db.scalar("select count(*) from event_session s join booking b on b.id = s.booking_id "
                     "where b.starts_at <> s.starts_at or b.ends_at <> s.ends_at") == 0
    assert db.scalar("select count(*) from enrolment where status = 'waitlisted'") > 0
    assert db.scalar("select count(*) from feedback") > 0 and db.scalar("select count(*) from survey_answer") > 0
