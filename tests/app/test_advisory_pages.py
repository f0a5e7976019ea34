"""AppTest: the advisory log (record a session, refuse a bad duration, read-only for the coordinator)
and the expectations survey (record an answer, see it in the summary)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from dashboard.core import clock
from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services.education import trainings
from dashboard.services.register import organisations
from tests.app.conftest import DEMO_USERS, page_path, texts
from tests.conftest import app_as

HELD_ON = date(2026, 11, 25)  # a Wednesday inside the demo pilot (1.07–31.12.2026)
ADVISORY_SUBMIT = "FormSubmitter:advisory_new-" + translate("pl", "advisory.submit")
SURVEY_SUBMIT = "FormSubmitter:survey-" + translate("pl", "survey.submit")


@pytest.fixture(autouse=True)
def _frozen_today():
    clock.freeze(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # Friday 27.11.2026, 10:00 in Łódź


@pytest.fixture
def organisation(app_db) -> tuple[int, str]:
    """An organisation of our own, so the demo's advisory entries and survey answers never get in the way."""
    name = f"Stowarzyszenie Doradzane {uuid.uuid4().hex[:6]}"
    return organisations.create(app_db, SYSTEM, {"name": name, "legal_form": "stowarzyszenie"},
                                confirm_duplicate=True), name


def _open(page: str, role: str = "staff"):
    at = app_as(DEMO_USERS[role])
    at.run()
    at.switch_page(page_path(page)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _fill_advisory(at, topic: str, organisation_id: int, duration: int, question: str) -> None:
    at.selectbox(key="advisory_new__organisation_id").set_value(organisation_id)
    at.text_input(key="advisory_new__advisor").input("Marta Doradczyni")
    at.selectbox(key="advisory_new__topic_code").set_value(topic)
    at.date_input(key="advisory_new__held_on").set_value(HELD_ON)
    at.number_input(key="advisory_new__duration_min").set_value(duration)
    at.radio(key="advisory_new__form").set_value("phone")
    at.text_area(key="advisory_new__question").input(question)
    at.text_area(key="advisory_new__outcome").input("Wzór wniosku KRS-Z3 przekazany mailem")
    at.button(key=ADVISORY_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]


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


def test_staff_records_an_advisory_session_and_sees_it_in_the_log(app_db, organisation):
    organisation_id, name = organisation
    question = f"Jak zmienić statut stowarzyszenia? {uuid.uuid4().hex[:6]}"
    topic = trainings.topics(app_db).iloc[-1]["code"]
    at = _open("advisory.py")
    _fill_advisory(at, topic, organisation_id, 90, question)

    row = app_db.one("select id, advisor, topic_code, held_on, duration_min, form, question, created_by "
                     "from advisory where organisation_id = ?", [organisation_id])
    assert row is not None, "the session was not saved"
    assert row[1:] == ("Marta Doradczyni", topic, HELD_ON, 90, "phone", question, DEMO_USERS["staff"])
    assert translate("pl", "advisory.saved", id=row[0]) in texts(at.success)
    assert at.selectbox(key="advisory_new__organisation_id").value is None, "the form is cleared after a save"
    assert at.text_area(key="advisory_new__question").value == ""

    at.selectbox(key="adv_org").set_value(organisation_id).run()
    assert not at.exception
    [log] = at.dataframe
    shown = log.value
    assert list(shown[translate("pl", "advisory.question")]) == [question]
    assert list(shown[translate("pl", "advisory.organisation")]) == [name]
    assert list(shown[translate("pl", "advisory.form")]) == [translate("pl", "advisory_form.phone")]
    assert list(shown[translate("pl", "advisory.held_on")]) == ["25.11.2026"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {translate("pl", "advisory.sessions"): "1", translate("pl", "advisory.hours"): "1,5",
                       translate("pl", "advisory.organisations_served"): "1"}


@pytest.mark.parametrize("duration", [0, -30])
def test_a_duration_of_zero_or_less_is_refused_under_the_field_and_the_input_is_kept(app_db, organisation, duration):
    organisation_id, _ = organisation
    question = f"Czy możemy prowadzić działalność gospodarczą? {uuid.uuid4().hex[:6]}"
    at = _open("advisory.py")
    _fill_advisory(at, trainings.topics(app_db).iloc[0]["code"], organisation_id, duration, question)

    expected = translate("pl", "error.duration_invalid", min=5, max=600)
    block = _block_holding(at.main, "advisory_new__duration_min")
    assert block is not None
    under_field = [_unescape(m.value) for m in block.children.values() if getattr(m, "type", None) == "markdown"]
    assert under_field == [expected], "the message sits right under the duration field"
    assert translate("pl", "error.validation") in texts(at.error)
    assert at.text_area(key="advisory_new__question").value == question
    assert at.selectbox(key="advisory_new__organisation_id").value == organisation_id
    assert at.number_input(key="advisory_new__duration_min").value == duration
    assert app_db.scalar("select count(*) from advisory where organisation_id = ?", [organisation_id]) == 0
    assert not at.success


def test_the_coordinator_sees_the_log_but_no_form():
    at = _open("advisory.py", role="coordinator")
    assert translate("pl", "page.advisory") in texts(at.title)
    assert not [b for b in at.button if str(b.key).startswith("FormSubmitter:advisory_new")]
    assert not [w for w in list(at.text_area) + list(at.number_input) if str(w.key).startswith("advisory_new__")]
    assert {m.label for m in at.metric} == {translate("pl", "advisory.sessions"), translate("pl", "advisory.hours"),
                                            translate("pl", "advisory.organisations_served")}
    staff = _open("advisory.py", role="staff")  # the same check passes only because the form is hidden
    assert [b for b in staff.button if b.key == ADVISORY_SUBMIT]


def _frame_with(at, column_key: str):
    """The one table on the page that has the column ``column_key`` names."""
    [frame] = [d.value for d in at.dataframe if translate("pl", column_key) in d.value.columns]
    return frame


def _summary(at) -> dict[str, int]:
    frame = _frame_with(at, "survey.organisations_wanting")
    return dict(zip(frame[translate("pl", "survey.service")], frame[translate("pl", "survey.organisations_wanting")]))


def test_staff_records_a_survey_answer_and_the_summary_shows_it(app_db, organisation):
    organisation_id, name = organisation
    comment = f"Potrzebujemy miejsca na magazyn {uuid.uuid4().hex[:6]}"
    at = _open("survey.py")
    before = _summary(at)
    f1, f2, f3 = sorted(before)  # "F1 · …", "F2 · …", "F3 · …"

    at.selectbox(key="survey__organisation_id").set_value(organisation_id).run()
    assert not at.exception
    at.radio(key="survey__F1").set_value(5)
    at.radio(key="survey__F3").set_value(2)
    at.text_area(key="survey__free_text").input(comment)
    at.button(key=SURVEY_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]

    assert translate("pl", "survey.saved", name=name) in texts(at.success)
    answers = app_db.rows("select service_code, priority from survey_answer where organisation_id = ? "
                          "order by service_code", [organisation_id])
    assert answers == [("F1", 5), ("F3", 2)]
    after = _summary(at)
    assert (after[f1] - before[f1], after[f2] - before[f2], after[f3] - before[f3]) == (1, 0, 1)
    free = _frame_with(at, "survey.free_text")
    mine = free[free[translate("pl", "survey.organisation")] == name]
    assert list(mine[translate("pl", "survey.free_text")]) == [comment]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "the summary chart is drawn"
