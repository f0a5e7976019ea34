"""The organisations register: what staff type is validated and normalised, found again by
search, and a second entry for the same NGO is caught before it splits the statistics.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.core import clock
from dashboard.core.errors import DuplicateSuspected, NotFound, ValidationError
from dashboard.services.register import organisations


def test_a_registered_organisation_is_stored_normalised(db, staff, zielona):
    organisation_id = organisations.create(db, staff, zielona)

    stored = organisations.get(db, staff, organisation_id)
    assert stored["name"] == "Fundacja Zielona Łódź"
    assert stored["nip"] == "8567346215"
    assert stored["krs"] == "0000428743"
    assert stored["regon"] == "192598184"
    assert stored["postal_code"] == "90-001"
    assert stored["phone"] == "+48426384400"
    assert stored["email"] == "biuro@zielona-lodz.pl"
    assert stored["city"] == "Łódź"  # left empty on the form: the Centre serves Łódź
    assert stored["osiedle_id"] == 25
    assert stored["notes"] is None


def test_an_organisation_outside_lodz_keeps_its_city(db, staff, plain_organisation):
    organisation_id = organisations.create(db, staff, plain_organisation("Stowarzyszenie z Pabianic", city="Pabianice"))
    assert organisations.get(db, staff, organisation_id)["city"] == "Pabianice"


def test_an_invalid_nip_is_reported_on_its_field_and_nothing_is_written(db, staff, zielona):
    with pytest.raises(ValidationError) as caught:
        organisations.create(db, staff, {**zielona, "nip": "8567346216"})

    assert list(caught.value.errors) == ["nip"]
    assert caught.value.errors["nip"].key == "error.nip_checksum"
    assert organisations.count(db) == 0
    assert db.scalar("select count(*) from audit_log") == 0


@pytest.mark.parametrize("field, value, key", [
    ("name", "   ", "error.required"),
    ("legal_form", "spółka z o.o.", "error.legal_form_unknown"),
    ("osiedle_id", 37, "error.osiedle_unknown"),
    ("osiedle_id", "Bałuty", "error.osiedle_unknown"),
    ("first_served_on", "2026-03-02", "error.date_format"),
    ("first_served_on", date(1999, 12, 31), "error.date_range"),
])
def test_each_bad_field_gets_its_own_message(db, staff, zielona, field, value, key):
    with pytest.raises(ValidationError) as caught:
        organisations.create(db, staff, {**zielona, field: value})
    assert caught.value.errors[field].key == key
    assert organisations.count(db) == 0


def test_the_first_visit_cannot_be_in_the_future(db, staff, zielona):
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        organisations.create(db, staff, {**zielona, "first_served_on": tomorrow})
    assert caught.value.errors["first_served_on"].key == "error.date_range"


def test_an_update_changes_the_stored_values(db, staff, zielona):
    organisation_id = organisations.create(db, staff, zielona)

    organisations.update(db, staff, organisation_id,
                         {**zielona, "street": "ul. Tuwima 10", "postal_code": "90-002", "osiedle_id": 26})

    stored = organisations.get(db, staff, organisation_id)
    assert (stored["street"], stored["postal_code"], stored["osiedle_id"]) == ("ul. Tuwima 10", "90-002", 26)
    assert stored["updated_at"] >= stored["created_at"]


def test_getting_an_unknown_organisation_says_not_found(db, staff):
    with pytest.raises(NotFound) as caught:
        organisations.get(db, staff, 404)
    assert caught.value.message.params == {"id": 404}


@pytest.fixture
def register(db, staff, zielona, plain_organisation):
    organisations.create(db, staff, zielona)
    organisations.create(db, staff, plain_organisation("Stowarzyszenie Nowe Bałuty", osiedle_id=1,
                                                       contact_person="Marek Bałucki"))
    organisations.create(db, staff, plain_organisation("Grupa sąsiedzka Widzewa", "grupa_nieformalna",
                                                       osiedle_id=33))
    return db


@pytest.mark.parametrize("text, expected", [
    ("zielona", ["Fundacja Zielona Łódź"]),
    ("NOWE BAŁUTY", ["Stowarzyszenie Nowe Bałuty"]),
    ("8567346215", ["Fundacja Zielona Łódź"]),  # NIP
    ("428743", ["Fundacja Zielona Łódź"]),  # part of the KRS
    ("192598184", ["Fundacja Zielona Łódź"]),  # REGON
    ("bałucki", ["Stowarzyszenie Nowe Bałuty"]),  # contact person
    ("", ["Fundacja Zielona Łódź", "Grupa sąsiedzka Widzewa", "Stowarzyszenie Nowe Bałuty"]),
    ("Piotrkowska", []),
])
def test_search_by_text(register, staff, text, expected):
    assert list(organisations.search(register, staff, text=text)["name"]) == expected


def test_search_by_legal_form_and_osiedle(register, staff):
    assert list(organisations.search(register, staff, legal_form="fundacja")["name"]) == ["Fundacja Zielona Łódź"]
    by_osiedle = organisations.search(register, staff, osiedle_id=33)
    assert list(by_osiedle["name"]) == ["Grupa sąsiedzka Widzewa"]
    assert list(by_osiedle["osiedle"]) == ["Stary Widzew"]


def test_search_text_is_data_not_sql(register, staff):
    assert organisations.search(register, staff, text="' or 1=1 --").empty


def test_choices_list_every_organisation_by_name(register):
    assert [name for _, name in organisations.choices(register)] == [
        "Fundacja Zielona Łódź", "Grupa sąsiedzka Widzewa", "Stowarzyszenie Nowe Bałuty"]


# -- duplicates -----------------------------------------------------------------------------

@pytest.mark.parametrize("second, reason", [
    ({"name": "Zielone Płuca Łodzi", "legal_form": "stowarzyszenie", "nip": "8567346215"}, "nip"),
    ({"name": "Zielone Płuca Łodzi", "legal_form": "stowarzyszenie", "krs": "0000428743"}, "krs"),
    ({"name": "Fundacja „Zielona Lodz”", "legal_form": "fundacja"}, "name"),
    ({"name": "zielona łódź", "legal_form": "grupa_nieformalna"}, "name"),
])
def test_a_probable_second_entry_of_the_same_organisation_is_flagged(db, staff, zielona, second, reason):
    first_id = organisations.create(db, staff, zielona)

    with pytest.raises(DuplicateSuspected) as caught:
        organisations.create(db, staff, second)

    [match] = caught.value.matches
    assert match["id"] == first_id
    assert reason in match["reasons"]
    assert organisations.count(db) == 1


def test_a_confirmed_duplicate_is_saved(db, staff, zielona):
    organisations.create(db, staff, zielona)

    organisations.create(db, staff, {"name": "Fundacja „Zielona Lodz”", "legal_form": "fundacja"},
                         confirm_duplicate=True)

    assert organisations.count(db) == 2
    assert db.scalar("select count(*) from audit_log where action = 'create'") == 2


def test_different_organisations_are_not_flagged(db, staff, zielona, plain_organisation):
    organisations.create(db, staff, zielona)
    organisations.create(db, staff, plain_organisation("Fundacja Zielony Widzew", "fundacja"))
    organisations.create(db, staff, plain_organisation("Stowarzyszenie Zielona Łódź Rowerowa"))
    assert organisations.count(db) == 3


def test_an_organisation_is_not_its_own_duplicate_when_edited(db, staff, zielona):
    organisation_id = organisations.create(db, staff, zielona)
    organisations.update(db, staff, organisation_id, {**zielona, "notes": "Szafka nr 3"})
    assert organisations.get(db, staff, organisation_id)["notes"] == "Szafka nr 3"


def test_renaming_into_another_organisations_name_is_flagged(db, staff, zielona, plain_organisation):
    organisations.create(db, staff, zielona)
    other_id = organisations.create(db, staff, plain_organisation("Klub Seniora Teofilów"))

    with pytest.raises(DuplicateSuspected):
        organisations.update(db, staff, other_id, plain_organisation("Klub „Zielona Łódź”"))

    assert organisations.get(db, staff, other_id)["name"] == "Klub Seniora Teofilów"
    organisations.update(db, staff, other_id, plain_organisation("Klub „Zielona Łódź”"), confirm_duplicate=True)
    assert organisations.get(db, staff, other_id)["name"] == "Klub „Zielona Łódź”"
