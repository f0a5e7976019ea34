"""AppTest: the volunteer register's pages for every role; masked contacts and no write forms for the
coordinator; staff register a volunteer through the form; a bad e-mail is refused next to its field."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from dashboard.core.i18n import translate
from dashboard.core.roles import SYSTEM
from dashboard.services.volunteers import register as volunteers
from dashboard.ui.widgets import escape_md
from tests.app.conftest import DEMO_USERS, page_path, texts
from tests.conftest import app_as

TABS = ("data", "consents", "agreements", "safety", "work", "documents", "gdpr")


@pytest.fixture
def known(app_db):
    """A volunteer with an e-mail and phone nobody else has, registered today by the system."""
    tag = uuid.uuid4().hex[:8]
    email = f"zofia.wrobel.{tag}@example.org"
    vid = volunteers.register(app_db, SYSTEM, {
        "first_name": "Zofia", "last_name": f"Wróbel-{tag}", "email": email, "phone": "+48 605 111 222",
        "birth_year": 1995, "skills": ["events"], "status": "active", "consent": True})
    return {"id": vid, "email": email, "last_name": f"Wróbel-{tag}", "phone": "605 111 222"}


def _open(role: str, file: str, **query):
    at = app_as(DEMO_USERS[role])
    at.run()
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(page_path(file)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _tab(at, name: str):
    at.session_state["vol_tab"] = translate("pl", f"volunteers.tab.{name}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _everything_shown(at) -> str:
    """Every text a user could read: markdown, captions, metrics, alerts and the tables' cells."""
    parts = texts(at.markdown) + texts(at.caption) + texts(at.title) + texts(at.info) + texts(at.warning) + \
        texts(at.error) + texts(at.success) + [str(m.value) for m in at.metric]
    parts += [frame.value.to_string() for frame in at.dataframe]
    return "\n".join(parts).replace("\\", "")  # markdown escapes removed: what the reader sees


@pytest.mark.parametrize("role", ["admin", "staff", "coordinator"])
def test_register_and_every_tab_of_a_record_render(role, app_db):
    at = _open(role, "volunteers.py")
    assert translate("pl", "page.volunteers") in texts(at.title)
    assert at.dataframe and len(at.dataframe[0].value) > 0, "the demo register is listed"
    review_title = translate("pl", "volunteers.review.title")
    assert (review_title in texts(at.subheader)) == (role != "coordinator")

    busiest = app_db.scalar("select volunteer_id from volunteer_assignment group by 1 order by count(*) desc, 1 limit 1")
    at = _open(role, "volunteer.py", id=str(busiest))
    assert texts(at.title) and translate("pl", "volunteers.not_found") not in texts(at.warning)
    for name in TABS[1:] if role != "coordinator" else TABS[1:-1]:
        _tab(at, name)
        if name == "work":
            assert at.dataframe and len(at.dataframe[-1].value) > 1, "the busiest volunteer's assignments are listed"


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_registration_form_renders_for_staff(role):
    at = _open(role, "volunteer_new.py")
    assert translate("pl", "page.volunteer_new") in texts(at.title)
    labels = [w.label for w in at.text_input]
    assert not any("PESEL" in label or "dowod" in label.lower() for label in labels), "never asks for an ID number"


def test_the_record_page_without_an_id_says_so():
    at = _open("staff", "volunteer.py", id="999999999")
    assert translate("pl", "volunteers.not_found") in texts(at.warning)


def test_coordinator_sees_masked_contacts_and_no_write_forms(known):
    at = _open("coordinator", "volunteers.py")
    at.text_input(key="vol_search").input(known["last_name"]).run()
    shown = _everything_shown(at)
    assert known["last_name"] in shown and "z***@example.org" in shown
    assert known["email"] not in shown and known["phone"] not in shown

    at = _open("coordinator", "volunteer.py", id=str(known["id"]))
    for name in TABS[:-1]:
        _tab(at, name)
        shown = _everything_shown(at)
        assert known["email"] not in shown and known["phone"] not in shown, name
        assert not at.text_input and not at.date_input and not at.text_area, f"a write form on the {name} tab"
    assert translate("pl", "volunteers.tab.gdpr") not in [tab.label for tab in at.tabs], "no RODO tools"
    assert "z***@example.org" in _everything_shown(_tab(at, "data"))


def test_staff_see_the_full_contact(known):
    at = _open("staff", "volunteer.py", id=str(known["id"]))
    assert known["email"] in _everything_shown(at)


def _fill_registration(at, last_name: str, email: str):
    at.text_input(key="vol_new__first_name").input("Łucja")
    at.text_input(key="vol_new__last_name").input(last_name)
    at.text_input(key="vol_new__email").input(email)
    at.text_input(key="vol_new__phone").input("601 234 567")
    at.date_input(key="vol_new__birth_date").set_value(date(2009, 5, 17))
    at.multiselect(key="vol_new__skills").select("children").select("events")
    at.checkbox(key="vol_new__consent").check()
    at.checkbox(key="vol_new__consent_photos").check()
    at.text_input(key="vol_new__guardian_name").input("Anna Żółkiewska")


def _submit(at):
    at.button(key="FormSubmitter:vol_new-" + translate("pl", "volunteers.new.submit")).click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_staff_register_a_volunteer_and_find_them(app_db):
    last_name = f"Żółkiewska-{uuid.uuid4().hex[:6]}"
    at = _open("staff", "volunteer_new.py")
    _fill_registration(at, last_name, "lucja.zolkiewska@example.org")
    _submit(at)

    row = app_db.one("select id, email, phone, birth_year, skills, status from volunteer where last_name = ?", [last_name])
    assert row is not None, texts(at.error)
    assert row[1:] == ("lucja.zolkiewska@example.org", "+48601234567", 2009, ["children", "events"], "candidate")
    kinds = {r[0] for r in app_db.rows("select kind from volunteer_consent where volunteer_id = ?", [row[0]])}
    assert kinds == {"processing", "photos", "guardian"}
    assert f"Łucja {last_name}" in texts(at.title), "the new volunteer's page opens"
    assert any(last_name in s for s in texts(at.success))

    found = _open("staff", "volunteers.py")
    found.text_input(key="vol_search").input(last_name.lower()).run()
    assert list(found.dataframe[0].value["Nazwisko i imię"]) == [f"{last_name} Łucja"]


def test_an_invalid_email_is_shown_under_its_field_and_nothing_is_written(app_db):
    last_name = f"Nowak-{uuid.uuid4().hex[:6]}"
    before = app_db.scalar("select count(*) from volunteer")
    at = _open("staff", "volunteer_new.py")
    _fill_registration(at, last_name, "lucja@@example")
    _submit(at)

    assert app_db.scalar("select count(*) from volunteer") == before
    under_fields = [m for m in texts(at.markdown) if m.startswith(":red[")]
    assert under_fields == [f":red[{escape_md(translate('pl', 'error.email'))}]"], "only the e-mail, under its field"
    assert at.text_input(key="vol_new__last_name").value == last_name, "what was typed stays"
    assert translate("pl", "page.volunteer_new") in texts(at.title)


def test_staff_issue_a_certificate_from_the_documents_tab(app_db):
    busiest = app_db.scalar("select volunteer_id from volunteer_hours h join volunteer v on v.id = h.volunteer_id "
                            "where h.status = 'approved' and v.anonymised_at is null and exists (select 1 from "
                            "volunteer_consent c where c.volunteer_id = v.id and c.kind = 'processing' and "
                            "c.withdrawn_on is null) group by 1 order by count(*) desc, 1 limit 1")
    at = _tab(_open("staff", "volunteer.py", id=str(busiest)), "documents")
    at.button(key="FormSubmitter:vol_doc_request-" + translate("pl", "volunteers.docs.request_submit")).click().run()
    document = app_db.scalar("select max(id) from volunteer_document where volunteer_id = ?", [busiest])
    at.selectbox(key="vol_doc_issue__id").set_value(document).run()
    at.button(key="vol_doc_issue__certificate").click().run()

    assert not at.exception and not at.error, texts(at.error)
    assert at.get("download_button"), "the PDF is ready to download"
    assert app_db.scalar("select issued_on is not null from volunteer_document where id = ?", [document])


def test_staff_anonymise_after_confirming(known, app_db):
    at = _tab(_open("staff", "volunteer.py", id=str(known["id"])), "gdpr")
    assert at.button(key="vol_anonymise").disabled, "nothing happens without the confirmation"
    at.checkbox(key="vol_anonymise_confirm").check().run()
    at.button(key="vol_anonymise").click().run()

    assert not at.exception
    assert app_db.scalar("select anonymised_at is not null and email is null from volunteer where id = ?", [known["id"]])
    shown = _everything_shown(at)
    assert known["last_name"] not in shown and known["email"] not in shown
    assert translate("pl", "volunteers.gdpr.anonymised") in texts(at.success)


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_no_raw_catalogue_key_is_shown(lang, app_db):
    """Each tab in a fresh run: AppTest formats a select box's old value outside the session, so in
    English a second run on a page with translated options would fail in the harness, not the app."""
    busiest = app_db.scalar("select volunteer_id from volunteer_assignment group by 1 order by count(*) desc, 1 limit 1")
    for name in TABS:
        at = app_as("recepcja", lang=lang)
        at.run()
        at.query_params["id"] = str(busiest)
        at.session_state["vol_tab"] = translate(lang, f"volunteers.tab.{name}")
        at.switch_page(page_path("volunteer.py")).run()
        assert not at.exception, [e.value for e in at.exception]
        shown = _everything_shown(at) + "\n".join(str(w.label) for kind in (at.text_input, at.date_input) for w in kind)
        assert "volunteers." not in shown and "weekday_short." not in shown, name
        assert translate(lang, f"volunteers.tab.{name}") in [tab.label for tab in at.tabs]


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("file", ["volunteers.py", "volunteer_new.py"])
def test_register_and_form_show_no_raw_key(lang, file):
    at = app_as("recepcja", lang=lang)
    at.run()
    at.switch_page(page_path(file)).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _everything_shown(at) + "\n".join(str(w.label) for kind in (at.text_input, at.date_input, at.checkbox,
                                                                          at.multiselect) for w in kind)
    assert "volunteers." not in shown and "weekday_short." not in shown


def test_staff_edit_the_record_and_its_status(known, app_db):
    at = _open("staff", "volunteer.py", id=str(known["id"]))
    form = f"vol_edit_{known['id']}"
    at.selectbox(key=f"{form}__status").set_value("inactive")
    at.multiselect(key=f"{form}__skills").select("photo")
    at.button(key=f"FormSubmitter:{form}-" + translate("pl", "common.save")).click().run()

    assert not at.exception and translate("pl", "volunteers.updated") in texts(at.success), texts(at.error)
    status, skills, email = app_db.one("select status, skills, email from volunteer where id = ?", [known["id"]])
    assert (status, skills, email) == ("inactive", ["events", "photo"], known["email"])
