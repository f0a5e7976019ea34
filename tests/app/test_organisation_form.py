"""The add-organisation form: a refused NIP is explained under the field, a valid one is saved."""

from __future__ import annotations

import random
import uuid

from dashboard.core.i18n import translate
from tests.app.conftest import DEMO_USERS, page_path
from tests.conftest import app_as

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def valid_nip(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = sum(w * d for w, d in zip(_NIP_WEIGHTS, digits)) % 11
        if check != 10:
            return "".join(map(str, digits + [check]))


def invalid_nip(rng: random.Random) -> str:
    nip = valid_nip(rng)
    return nip[:-1] + str((int(nip[-1]) + 1) % 10)


def _organisations_page():
    at = app_as(DEMO_USERS["staff"])
    at.run()
    at.switch_page(page_path("organisations.py")).run()
    assert not at.exception
    return at


def _submit(at, name: str, nip: str):
    at.text_input(key="org_new__name").input(name)
    at.text_input(key="org_new__nip").input(nip)
    [submit] = [b for b in at.button if b.label == translate("pl", "org.add_submit")]
    submit.click().run()
    assert not at.exception, at.exception
    return at


def _unescape(markdown: str) -> str:
    text = markdown.removeprefix(":red[").removesuffix("]")
    return text.replace("\\", "")


def _column_holding(node, key: str):
    """The innermost block that directly holds the widget ``key``."""
    for child in getattr(node, "children", {}).values():
        if getattr(child, "key", None) == key:
            return node
        found = _column_holding(child, key)
        if found is not None:
            return found
    return None


def test_invalid_nip_is_explained_next_to_the_field_and_the_name_is_kept():
    name = f"Stowarzyszenie Próbne {uuid.uuid4().hex[:6]}"
    at = _submit(_organisations_page(), name, invalid_nip(random.Random(7)))
    message = translate("pl", "error.nip_checksum")

    column = _column_holding(at.main, "org_new__nip")
    children = list(column.children.values())
    index = next(i for i, c in enumerate(children) if getattr(c, "key", None) == "org_new__nip")
    after = children[index + 1]
    assert after.type == "markdown" and _unescape(after.value) == message, "the message sits right under the NIP"

    assert translate("pl", "error.validation") in [e.value for e in at.error]
    assert at.text_input(key="org_new__name").value == name
    assert at.expander[0].label == translate("pl", "org.add")
    assert not at.success


def test_valid_nip_adds_the_organisation_and_search_finds_it():
    name = f"Fundacja Sprawdzona {uuid.uuid4().hex[:6]}"
    nip = valid_nip(random.Random(uuid.uuid4().int))
    at = _submit(_organisations_page(), name, nip)
    assert [s.value for s in at.success] == [translate("pl", "org.created")], [e.value for e in at.error]
    assert at.text_input(key="org_new__name").value == "", "the form is cleared for the next one"

    at.text_input(key="org_search").input(name.split()[-1]).run()
    frame = at.dataframe[0].value
    column = translate("pl", "org.name")
    assert list(frame[column]) == [name]
    assert list(frame[translate("pl", "org.nip")]) == [nip]


def test_register_renders_for_every_role_after_an_organisation_without_contact_data():
    """A missing phone or e-mail among present ones reaches the page as NaN; it must show as empty."""
    name = f"Grupa Bez Telefonu {uuid.uuid4().hex[:6]}"
    at = _submit(_organisations_page(), name, valid_nip(random.Random(uuid.uuid4().int)))
    assert at.success, [e.value for e in at.error]
    for role in DEMO_USERS:
        at = app_as(DEMO_USERS[role])
        at.run()
        at.switch_page(page_path("organisations.py")).run()
        assert not at.exception, (role, at.exception)
        frame = at.dataframe[0].value
        row = frame[frame[translate("pl", "org.name")] == name]
        assert list(row[translate("pl", "org.phone")]) == [""], role
        assert list(row[translate("pl", "org.email")]) == [""], role


def test_empty_osiedle_reads_in_the_interface_language():
    """With no osiedle chosen the box shows its placeholder; Streamlit's own is English."""
    at = _organisations_page()
    assert at.selectbox(key="org_new__osiedle_id").value is None
    assert at.selectbox(key="org_new__osiedle_id").proto.placeholder == translate("pl", "common.none")
