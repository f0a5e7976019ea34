"""AppTest: volunteer opportunities, assignments and hours as staff and the coordinator use them.

Every test makes its own volunteer, agreement, opportunity and assignment through the services (the
demo data is not relied on), with the clock pinned to Monday 2 March 2026.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from dashboard.core import clock
from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work
from tests.app.conftest import DEMO_USERS, page_path, texts
from tests.conftest import app_as

LOG_SUBMIT = "FormSubmitter:hours_log-" + translate("pl", "volunteer_work.log_submit")
CREATE_SUBMIT = "FormSubmitter:opportunity_new-" + translate("pl", "volunteer_work.create")


@pytest.fixture(autouse=True)
def _monday():
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


# A rare mix of skills, every slot free and a surname early in the alphabet: the test's volunteer ranks
# first in the matching list however many demo volunteers share the database.
SKILLS = ["accounting", "fundraising", "law", "translation"]


def _volunteer(app_db, first: str = "Łucja", agreement: bool = True) -> tuple[int, str]:
    """An active adult volunteer (unique surname); with a written agreement for the first half of 2026."""
    last = f"Abramczyk-Żółkiewska-{uuid.uuid4().hex[:6]}"
    vid = vol.register(app_db, SYSTEM, {
        "first_name": first, "last_name": last, "email": f"{last[-6:]}@example.org", "birth_date": date(1990, 5, 1),
        "skills": SKILLS, "availability": list(vol.SLOTS), "status": "active", "consent": True,
        "consent_on": date(2026, 1, 10)})
    if agreement:
        aid = vol.add_agreement(app_db, SYSTEM, vid, {"scope": "Pomoc przy wydarzeniach", "starts_on": date(2026, 1, 1),
                                                      "ends_on": date(2026, 6, 30), "form": "written",
                                                      "signed_on": date(2026, 1, 1)})
        vol.activate_agreement(app_db, SYSTEM, aid)
    return vid, f"{last} {first}"


def _opportunity(app_db, start=datetime(2026, 2, 1, 9), end=datetime(2026, 2, 28, 17)) -> int:
    return work.create_opportunity(app_db, SYSTEM, {"title": f"Dyżur w kawiarence {uuid.uuid4().hex[:6]}",
                                                    "starts_at": start, "ends_at": end, "skills": SKILLS,
                                                    "needed": 2, "place": "ul. Piotrkowska 113"})


@pytest.fixture
def assignment(app_db) -> dict:
    """A volunteer with a written active agreement, confirmed on a February opportunity."""
    vid, name = _volunteer(app_db)
    oid = _opportunity(app_db)
    asg = work.assign(app_db, SYSTEM, oid, vid)
    work.confirm(app_db, SYSTEM, asg)
    return {"volunteer": vid, "name": name, "opportunity": oid, "assignment": asg}


def _open(file: str, role: str = "staff", **query):
    at = app_as(DEMO_USERS[role])
    at.run()
    for name, value in query.items():
        at.query_params[name] = str(value)
    at.switch_page(page_path(file)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _unescape(markdown: str) -> str:
    return markdown.removeprefix(":red[").removesuffix("]").replace("\\", "")


def _block_holding(node, key: str):
    """The innermost block that directly holds the widget ``key``."""
    for child in getattr(node, "children", {}).values():
        if getattr(child, "key", None) == key:
            return node
        found = _block_holding(child, key)
        if found is not None:
            return found
    return None


def _under(at, key: str) -> list[str]:
    block = _block_holding(at.main, key)
    assert block is not None, key
    return [_unescape(m.value) for m in block.children.values() if getattr(m, "type", None) == "markdown"]


def _all_text(at) -> str:
    """Every text the page shows: markdown, captions, notices, titles and the labels of links."""
    return " ".join(texts(at.markdown) + texts(at.caption) + texts(at.warning) + texts(at.info) + texts(at.title)
                    + [str(link.label) for link in at.get("page_link")]).replace("\\", "")


def _log(at, volunteer_id: int, day: date, hours: float, description: str = "Obsługa stoiska"):
    at.selectbox(key="hours_log__volunteer_id").set_value(volunteer_id).run()
    at.date_input(key="hours_log__work_date").set_value(day)
    at.number_input(key="hours_log__hours").set_value(hours)
    at.text_area(key="hours_log__description").input(description)
    at.button(key=LOG_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]


# -- every page, every role ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["admin", "staff", "coordinator"])
@pytest.mark.parametrize("file", ["opportunities.py", "opportunity.py", "volunteer_hours.py"])
def test_each_page_renders_for_every_role(app_db, assignment, role, file):
    query = {"id": assignment["opportunity"]} if file == "opportunity.py" else {}
    at = _open(file, role, **query)
    assert texts(at.title) and texts(at.title)[0]
    assert not texts(at.error)


def test_an_unknown_or_missing_opportunity_id_says_so():
    for query in ({}, {"id": "999999"}, {"id": "abc"}):
        at = _open("opportunity.py", **query)
        assert translate("pl", "volunteer_work.not_found") in texts(at.warning)


# -- hours ---------------------------------------------------------------------------------------------------------
def test_staff_log_hours_they_wait_for_approval_then_are_approved(app_db, assignment):
    at = _open("volunteer_hours.py")
    _log(at, assignment["volunteer"], date(2026, 2, 14), 3.5)

    rows = app_db.rows("select id, hours, status, work_date, description, created_by from volunteer_hours "
                       "where assignment_id = ?", [assignment["assignment"]])
    assert len(rows) == 1, "the hours were not saved"
    hours_id, hours, status, day, description, by = rows[0]
    assert (float(hours), status, day, description, by) == (3.5, "pending", date(2026, 2, 14), "Obsługa stoiska",
                                                            DEMO_USERS["staff"])
    assert any(assignment["name"] in s for s in texts(at.success))

    at.session_state["hours_tab"] = translate("pl", "volunteer_work.tab_queue")
    at.run()
    at.selectbox(key="hours_queue_who").set_value(assignment["volunteer"]).run()  # only their entries
    at.session_state[f"hours_queue_0_{assignment['volunteer']}_False"] = {
        "edited_rows": {0: {"pick": True}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="hours_approve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert app_db.scalar("select status from volunteer_hours where id = ?", [hours_id]) == "approved"
    assert app_db.scalar("select decided_by from volunteer_hours where id = ?", [hours_id]) == DEMO_USERS["staff"]
    assert translate("pl", "volunteer_work.approved_done", count=1) in texts(at.success)


@pytest.mark.parametrize("hours", [25, 0])
def test_bad_hours_are_refused_under_the_field_and_nothing_is_written(app_db, assignment, hours):
    at = _open("volunteer_hours.py")
    _log(at, assignment["volunteer"], date(2026, 2, 14), hours, "Za dużo godzin")

    assert _under(at, "hours_log__hours") == [translate("pl", "error.volunteer_hours_invalid")]
    assert translate("pl", "error.validation") in texts(at.error)
    assert at.text_area(key="hours_log__description").value == "Za dużo godzin", "the input is kept"
    assert app_db.scalar("select count(*) from volunteer_hours where assignment_id = ?", [assignment["assignment"]]) == 0


def test_a_day_outside_the_assignment_is_refused_under_the_date(app_db, assignment):
    at = _open("volunteer_hours.py")
    _log(at, assignment["volunteer"], date(2026, 3, 1), 2)
    assert _under(at, "hours_log__work_date") == [
        translate("pl", "volunteer_work.error.hours_outside_assignment", start="2026-02-01", end="2026-02-28")]
    assert app_db.scalar("select count(*) from volunteer_hours where assignment_id = ?", [assignment["assignment"]]) == 0


def test_the_coordinator_sees_totals_without_names_and_no_write_forms(app_db, assignment):
    hours_id = work.log_hours(app_db, SYSTEM, assignment["assignment"], {"work_date": date(2026, 2, 3), "hours": 4})
    work.decide_hours(app_db, SYSTEM, hours_id, True)
    at = _open("volunteer_hours.py", "coordinator")
    assert not [w for w in list(at.selectbox) + list(at.number_input) + list(at.text_area)
                if str(w.key).startswith("hours_log__")]
    assert not [b for b in at.button if b.key in (LOG_SUBMIT, "hours_approve", "hours_reject")]
    shown = " ".join(str(frame.value.to_string()) for frame in at.dataframe)
    assert assignment["name"].split()[0] not in shown and assignment["name"].split()[0] not in _all_text(at)
    assert translate("pl", "volunteer_work.value") in {m.label for m in at.metric}
    staff = _open("volunteer_hours.py", "staff")  # the same checks pass only because the forms are hidden
    assert [b for b in staff.button if b.key == LOG_SUBMIT]


# -- opportunities -------------------------------------------------------------------------------------------------
def test_the_coordinator_sees_an_opportunity_with_counts_not_names(app_db, assignment):
    at = _open("opportunity.py", "coordinator", id=assignment["opportunity"])
    assert assignment["name"].split()[0] not in _all_text(at)
    assert not [b for b in at.button if str(b.key).startswith(("assign_", "asg_", "opp_move_"))]
    assert translate("pl", "volunteer_work.names_hidden") in texts(at.caption)
    assert assignment["name"] in _all_text(_open("opportunity.py", "staff", id=assignment["opportunity"]))
    listing = _open("opportunities.py", "coordinator")
    assert not [w for w in listing.text_input if str(w.key).startswith("opportunity_new__")]


def test_a_refused_assignment_says_why(app_db):
    vid, name = _volunteer(app_db, agreement=False)
    oid = _opportunity(app_db, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    at = _open("opportunity.py", id=oid)
    at.button(key=f"assign_{vid}").click().run()
    assert not at.exception
    [error] = [e for e in texts(at.error) if name in e]
    assert translate("pl", "error.volunteer_no_agreement") in error.replace("\\", "")
    assert app_db.scalar("select count(*) from volunteer_assignment where volunteer_id = ?", [vid]) == 0


def test_staff_assign_a_matching_volunteer_then_confirm(app_db):
    vid, name = _volunteer(app_db)
    oid = _opportunity(app_db, datetime(2026, 4, 4, 9), datetime(2026, 4, 4, 13))
    at = _open("opportunity.py", id=oid)
    at.button(key=f"assign_{vid}").click().run()
    assert translate("pl", "volunteer_work.assigned", name=name) in texts(at.success)
    asg = app_db.scalar("select id from volunteer_assignment where volunteer_id = ? and opportunity_id = ?", [vid, oid])
    assert app_db.scalar("select status from volunteer_assignment where id = ?", [asg]) == "proposed"
    assert not [b for b in at.button if b.key == f"assign_{vid}"], "an assigned volunteer leaves the matching list"
    at.button(key=f"asg_confirm_{asg}").click().run()
    assert app_db.scalar("select status from volunteer_assignment where id = ?", [asg]) == "confirmed"
    at.button(key="opp_move_filled").click().run()
    assert app_db.scalar("select status from volunteer_opportunity where id = ?", [oid]) == "filled"


def test_asking_volunteers_for_an_initiative_presets_the_host(app_db):
    initiative = app_db.scalar("select min(i.id) from initiative i join initiative_stage s on s.code = i.stage "
                               "where not s.closed")
    assert initiative is not None, "the demo data has no local initiative in progress"
    at = _open("opportunities.py", initiative=initiative)
    assert at.radio(key="opportunity_new__host_kind").value == "initiative"
    assert at.selectbox(key="opportunity_new__initiative_id").value == initiative
    title = f"Sprzątanie skweru {uuid.uuid4().hex[:6]}"
    at.text_input(key="opportunity_new__title").input(title)
    at.date_input(key="opportunity_new__start_day").set_value(date(2026, 4, 18))
    at.date_input(key="opportunity_new__end_day").set_value(date(2026, 4, 18))
    at.button(key=CREATE_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    row = app_db.one("select host_kind, initiative_id, starts_at, ends_at, needed from volunteer_opportunity "
                     "where title = ?", [title])
    assert row == ("initiative", initiative, datetime(2026, 4, 18, 10), datetime(2026, 4, 18, 14), 2)


def test_an_opportunity_ending_before_it_starts_is_refused_under_the_end_date(app_db):
    at = _open("opportunities.py")
    title = f"Odwrócony termin {uuid.uuid4().hex[:6]}"
    at.text_input(key="opportunity_new__title").input(title)
    at.date_input(key="opportunity_new__start_day").set_value(date(2026, 4, 18))
    at.date_input(key="opportunity_new__end_day").set_value(date(2026, 4, 17))
    at.button(key=CREATE_SUBMIT).click().run()
    assert _under(at, "opportunity_new__end_day") == [translate("pl", "error.end_before_start")]
    assert at.text_input(key="opportunity_new__title").value == title
    assert app_db.scalar("select count(*) from volunteer_opportunity where title = ?", [title]) == 0


def test_a_link_with_the_volunteer_opens_the_hours_form_for_them(app_db, assignment):
    at = _open("volunteer_hours.py", volunteer=assignment["volunteer"])
    assert at.selectbox(key="hours_log__volunteer_id").value == assignment["volunteer"]
    assert at.selectbox(key="hours_log__assignment_id").value == assignment["assignment"]
