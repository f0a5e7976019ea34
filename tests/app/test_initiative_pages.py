"""AppTest: the local-initiative pages — every page for every role, an initiative walked through the
Łódź procedure on its own page (the timeline showing each move), the board's counts against SQL,
and bad input (a rejection without a reason, a negative amount) refused with nothing written."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from dashboard.core import clock
from dashboard.core.i18n import fmt_number, translate
from dashboard.core.roles import SYSTEM
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from tests.app.conftest import DEMO_USERS, page_path, texts
from tests.conftest import app_as

PAGES = ("initiatives.py", "initiative_pipeline.py", "initiative_osiedla.py", "initiative_new.py", "initiative.py")
def move_form(initiative_id: int) -> str:
    """The move form's name: an outcome belongs to the initiative it was made on."""
    return f"initiative_move_{initiative_id}"


def pl(key: str, **params) -> str:
    return translate("pl", key, **params)


def stage_pl(code: str) -> str:
    return pl(f"initiative.stage.{code}")


def application(**overrides) -> dict:
    """A residents' group asking for a neighbours' garden: 120 h of work, 1 500 zł in kind, 500 zł money."""
    data = {"title": f"Ogród sąsiedzki {uuid.uuid4().hex[:6]}", "description": "Grządki i ławki na podwórku",
            "sphere": "nature", "osiedle_id": 26, "applicant_kind": "group", "leader_name": "Łucja Żółkiewska",
            "leader_email": "lucja.zolkiewska@example.org", "leader_phone": "601 234 567", "supporters": 42,
            "city_part_pln": "12 000", "social_work_hours": "120", "social_work_rate_pln": "30",
            "in_kind_pln": "1500", "money_pln": "500"}
    data.update(overrides)
    return data


@pytest.fixture
def submitted(app_db) -> int:
    return initiatives.create(app_db, SYSTEM, application())


def in_stage(app_db, path: list[str], details: dict | None = None) -> int:
    """An initiative of this test's own, moved by the services along ``path`` (the demo year's
    budget is already spent, so an acceptance comes confirmed)."""
    new_id = initiatives.create(app_db, SYSTEM, application())
    for step in path:
        initiative_stages.move(app_db, SYSTEM, new_id, step, details=details, confirm_over_budget=True,
                               over_budget_reason="Przyjęte w teście mimo wyczerpanego budżetu")
    return new_id


def open_initiative(initiative_id: int, user: str = "recepcja"):
    at = app_as(user)
    at.run()
    at.query_params["id"] = str(initiative_id)
    at.switch_page(page_path("initiative.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def set_field(at, key: str, value) -> None:
    """Set a widget of the move form by its key, whatever kind of widget it is."""
    for kind in ("text_input", "text_area", "date_input", "checkbox"):
        widgets = [w for w in getattr(at, kind) if w.key == key]
        if widgets:
            widgets[0].set_value(value)
            return
    raise AssertionError(f"no widget {key}")


def move(at, initiative_id: int, stage: str, target: str, **fields) -> None:
    """Choose the next step on the page, fill what it records and submit the form."""
    at.segmented_control(key=f"move_target_{initiative_id}_{stage}").set_value(target).run()
    for field, value in fields.items():
        set_field(at, f"{move_form(initiative_id)}__{field}", value)
    label = pl("initiatives.move.submit", stage=stage_pl(target))
    at.button(key=f"FormSubmitter:{move_form(initiative_id)}-{label}").click().run()
    assert not at.exception, [e.value for e in at.exception]


def field_messages(at) -> list[str]:
    """The red messages drawn under fields, as the user reads them (markdown escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", text[5:-1]) for text in texts(at.markdown) if text.startswith(":red[")]


def next_steps(at) -> list:
    """The next-step choosers on the page (the sidebar's language switch is a segmented control too)."""
    return [w for w in at.segmented_control if (w.key or "").startswith("move_target_")]


def timeline(at) -> list[str]:
    """The stages the timeline shows, oldest first (each line names its target stage in bold)."""
    found = []
    for text in texts(at.markdown):
        match = re.search(r":material/radio_button_checked: .*?\*\*(.+?)\*\*", text)
        if match:
            found.append(match.group(1))
    return found


def counts(app_db, initiative_id: int) -> tuple:
    return (app_db.scalar("select stage from initiative where id = ?", [initiative_id]),
            app_db.scalar("select count(*) from initiative_history where initiative_id = ?", [initiative_id]),
            app_db.scalar("select count(*) from audit_log"))


# -- every page, every role ----------------------------------------------------------------------
@pytest.mark.parametrize("role", ["admin", "staff", "coordinator"])
@pytest.mark.parametrize("file", PAGES)
def test_every_initiative_page_renders_for_every_role(app_db, role, file):
    at = app_as(DEMO_USERS[role])
    at.run()
    if file == "initiative.py":
        at.query_params["id"] = str(app_db.scalar("select min(id) from initiative where stage = 'review'"))
    at.switch_page(page_path(file)).run()

    assert not at.exception, [e.value for e in at.exception]
    title = pl("page.initiative_new")
    if file == "initiative_new.py" and role == "coordinator":
        assert any(e.startswith(pl("nav.forbidden", page=title)) for e in texts(at.error))
        return
    assert texts(at.title), "every page has a title"
    assert not any("initiatives." in s or "initiative.stage." in s for s in texts(at.markdown) + texts(at.caption)), \
        "a raw catalogue key leaked onto the page"
    if file == "initiative.py":
        writable = role != "coordinator"
        assert bool(next_steps(at)) is writable, "only staff and admin see the next steps"
        assert any(pl("initiatives.timeline") == s for s in texts(at.subheader))


def test_the_initiative_page_without_or_with_an_unknown_id_says_so():
    for query in ({}, {"id": "abc"}, {"id": "99999999"}):
        at = app_as("recepcja")
        at.run()
        for key, value in query.items():
            at.query_params[key] = value
        at.switch_page(page_path("initiative.py")).run()
        assert not at.exception
        assert texts(at.title) == [pl("page.initiative")]
        assert pl("initiatives.not_found") in texts(at.warning)


def test_the_coordinator_reads_the_initiative_with_the_leaders_contact_masked(submitted):
    at = open_initiative(submitted, "koordynator")
    page = "\n".join(texts(at.markdown)).replace("\\", "")
    assert "l***@example.org" in page and "lucja.zolkiewska" not in page
    assert "*** *** 567" in page and "601 234 567" not in page
    assert not len(at.text_input) and not len(at.text_area), "no forms for a read-only role"
    staff = "\n".join(texts(open_initiative(submitted).markdown))
    assert "lucja.zolkiewska@example.org" in staff.replace("\\", "")


# -- the procedure on the initiative's page ----------------------------------------------------
def test_move_an_initiative_through_every_stage_on_its_page(app_db):
    """Submitted → formal check → fixes → formal check → review → accepted (over the budget, confirmed)
    → preparation → agreement → in progress → settled; the timeline grows by one line per move."""
    today = clock.today()
    submitted = initiatives.create(app_db, SYSTEM, application(city_part_pln="400 000"))  # more than a year's budget
    at = open_initiative(submitted)
    assert timeline(at) == [stage_pl("submitted")]

    move(at, submitted, "submitted", "formal_check", note="Wniosek kompletny")
    move(at, submitted, "formal_check", "fixes_requested", fixes_deadline=today + timedelta(days=14),
         note="Brak listy osób popierających")
    move(at, submitted, "fixes_requested", "formal_check", note="Lista dostarczona")
    move(at, submitted, "formal_check", "review")
    assert pl("initiatives.move.done", stage=stage_pl("review")) in texts(at.success)

    # 400 000 zł is more than the year's budget: accepting needs a confirmation with a reason.
    move(at, submitted, "review", "accepted", review_opinion="Zespół opiniuje pozytywnie")
    assert counts(app_db, submitted)[0] == "review", "an overrun is never accepted without a confirmation"
    assert any(pl("initiatives.move.over_budget", year=today.year, over="")[:40] in w for w in texts(at.warning))
    move(at, submitted, "review", "accepted", confirm=True, over_budget_reason="Rada Miejska zwiększyła plan")

    move(at, submitted, "accepted", "preparation", responsible_unit="Zarząd Zieleni Miejskiej",
         schedule="maj–czerwiec", cost_estimate_pln="11 800")
    move(at, submitted, "preparation", "agreement_signed", agreement_number=f"IL/{submitted}/{today.year}",
         agreement_date=today)
    move(at, submitted, "agreement_signed", "in_progress")
    move(at, submitted, "in_progress", "settled", settled_on=today)

    path = ["submitted", "formal_check", "fixes_requested", "formal_check", "review", "accepted", "preparation",
            "agreement_signed", "in_progress", "settled"]
    assert timeline(at) == [stage_pl(s) for s in path]
    history = app_db.rows("select to_stage, username, note from initiative_history where initiative_id = ? "
                          "order by at_local, id", [submitted])
    assert [r[0] for r in history] == path and {r[1] for r in history[1:]} == {"recepcja"}
    assert "Rada Miejska zwiększyła plan" in history[5][2] and "ponad budżet" in history[5][2]
    row = initiatives.get_row(app_db, SYSTEM, submitted)
    assert (row["stage"], row["fixes_deadline"], row["responsible_unit"], row["agreement_number"]) == (
        "settled", today + timedelta(days=14), "Zarząd Zieleni Miejskiej", f"IL/{submitted}/{today.year}")
    assert not next_steps(at), "a settled initiative has no next step"


def test_preparation_data_is_corrected_on_the_page(app_db):
    prepared = in_stage(app_db, ["formal_check", "review", "accepted", "preparation"],
                        {"responsible_unit": "Wydział Kultury UMŁ", "schedule": "lipiec", "cost_estimate_pln": "9000",
                         "review_opinion": None})
    at = open_initiative(prepared)
    form = f"initiative_preparation_{prepared}"
    assert at.text_input(key=f"{form}__responsible_unit").value == "Wydział Kultury UMŁ"
    at.text_input(key=f"{form}__responsible_unit").set_value("Zarząd Zieleni Miejskiej")
    at.text_input(key=f"{form}__cost_estimate_pln").set_value("9 450,50")
    at.button(key=f"FormSubmitter:{form}-{pl('common.save')}").click().run()

    assert not at.exception and pl("initiatives.preparation.saved") in texts(at.success)
    row = initiatives.get_row(app_db, SYSTEM, prepared)
    assert row["responsible_unit"] == "Zarząd Zieleni Miejskiej" and str(row["cost_estimate_pln"]) == "9450.50"
    assert row["stage"] == "preparation"


# -- the board ---------------------------------------------------------------------------------
def test_the_board_counts_match_the_database(app_db, submitted):
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("initiative_pipeline.py")).run()
    assert not at.exception

    expected = dict(app_db.rows("select stage, count(*) from initiative group by stage"))
    shown = {}
    for text in texts(at.markdown):
        match = re.match(r"\*\*(.+?)\*\* · ([\d\s\u00a0]+)", text)
        if match:
            shown[match.group(1)] = int(re.sub(r"\D", "", match.group(2)))
    open_codes = [r[0] for r in app_db.rows("select code from initiative_stage where not closed order by sort")]
    assert shown == {stage_pl(code): expected.get(code, 0) for code in open_codes}
    metrics = dict(zip([m.label for m in at.metric], [m.value for m in at.metric]))
    for code in ("rejected", "settled", "withdrawn"):
        assert metrics[stage_pl(code)] == fmt_number(expected.get(code, 0), "pl")
    assert metrics[pl("initiatives.board.open")] == fmt_number(sum(expected.get(c, 0) for c in open_codes), "pl")
    assert any(f"nr {submitted}" in link.value for link in at.get("page_link")), \
        "the newest submission has a card"


# -- bad input ---------------------------------------------------------------------------------
def test_a_rejection_without_a_reason_shows_the_message_and_writes_nothing(app_db):
    in_review = in_stage(app_db, ["formal_check", "review"])
    at = open_initiative(in_review)
    before = counts(app_db, in_review)

    move(at, in_review, "review", "rejected", review_opinion="Zadanie poza katalogiem")

    assert pl("error.validation") in texts(at.error)
    assert field_messages(at) == [pl("error.required")]
    assert set(at.session_state[f"_errors_{move_form(in_review)}"]) == {"rejection_reason"}, \
        "shown under the reason's field"
    assert counts(app_db, in_review) == before
    assert at.text_area(key=f"{move_form(in_review)}__review_opinion").value == "Zadanie poza katalogiem", "the input stays"


def test_a_move_someone_else_made_first_is_refused_naming_the_allowed_moves(app_db):
    checking = in_stage(app_db, ["formal_check"])
    at = open_initiative(checking)
    at.segmented_control(key=f"move_target_{checking}_formal_check").set_value("review").run()
    initiative_stages.move(app_db, SYSTEM, checking, "fixes_requested",
                           details={"fixes_deadline": clock.today() + timedelta(days=7)})
    label = pl("initiatives.move.submit", stage=stage_pl("review"))
    at.button(key=f"FormSubmitter:{move_form(checking)}-{label}").click().run()

    expected = pl("error.initiative_move_forbidden", from_stage=stage_pl("fixes_requested"),
                  to_stage=stage_pl("review"), allowed=f"{stage_pl('formal_check')}, {stage_pl('withdrawn')}")
    assert expected in texts(at.error)
    assert counts(app_db, checking)[0] == "fixes_requested"


def test_a_new_initiative_with_bad_amounts_is_refused_under_the_fields_then_registered(app_db):
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("initiative_new.py")).run()
    form = "initiative_new"
    title = f"Mural sąsiedzki {uuid.uuid4().hex[:6]}"
    at.text_input(key=f"{form}__title").input(title)
    at.selectbox(key=f"{form}__sphere").select("culture")
    at.selectbox(key=f"{form}__osiedle_id").select(26)
    at.text_input(key=f"{form}__leader_name").input("Jan Kowalski")
    at.text_input(key=f"{form}__leader_email").input("jan.kowalski@example.org")
    at.text_input(key=f"{form}__social_work_hours").input("-40")
    at.text_input(key=f"{form}__money_pln").input("dużo")
    before = app_db.scalar("select count(*) from initiative")
    at.button(key=f"FormSubmitter:{form}-{pl('initiatives.new.submit')}").click().run()

    assert not at.exception
    assert pl("error.validation") in texts(at.error)
    assert field_messages(at) == [pl("error.amount_negative"), pl("error.amount_invalid")]
    assert set(at.session_state[f"_errors_{form}"]) == {"social_work_hours", "money_pln"}
    assert app_db.scalar("select count(*) from initiative") == before
    assert at.text_input(key=f"{form}__title").value == title, "what was typed stays"

    at.text_input(key=f"{form}__social_work_hours").input("40")
    at.text_input(key=f"{form}__money_pln").input("250,50")
    at.button(key=f"FormSubmitter:{form}-{pl('initiatives.new.submit')}").click().run()
    assert not at.exception
    new_id = app_db.scalar("select id from initiative where title = ?", [title])
    assert new_id is not None and texts(at.title) == [title], "saving opens the new initiative's page"
    row = initiatives.get_row(app_db, SYSTEM, new_id)
    assert (row["stage"], str(row["social_work_hours"]), str(row["money_pln"])) == ("submitted", "40.00", "250.50")
