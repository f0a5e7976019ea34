"""AppTest (issue 18): the bookings list opens on today, soonest first, and says how many match and which are
shown; the front desk lists a room's day in order of start; an overdue locker is flagged; an organisation's page
shows all it did with the Centre."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, fmt_number
from dashboard.core.roles import SYSTEM
from dashboard.services import reservations
from dashboard.services.register import organisations
from dashboard.services.reservations import booking_views, lockers
from tests.app.conftest import page_path, texts
from tests.conftest import app_as


def test_the_list_starts_today_and_counts_every_match(app_db):
    today = clock.today()
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("bookings.py")).run()
    assert not at.exception, [e.value for e in at.exception]

    total = booking_views.count_matching(app_db, SYSTEM, date_from=today, date_to=today + timedelta(days=90))
    assert total > 0, "the demo data has bookings in the coming weeks"
    said = " ".join(texts(at.caption) + texts(at.warning))
    assert fmt_number(total, "pl") in said, said
    if total > 500:  # more than a page: which ones are shown, and what to do about the rest
        assert "Pokazano 1–500" in said and "zawęź filtr" in said
    table = at.dataframe[0].value
    first = booking_views.search(app_db, SYSTEM, date_from=today, date_to=today + timedelta(days=90),
                                 order="upcoming", limit=1).iloc[0]
    assert table.iloc[0]["Nr"] == first["id"], "the soonest booking from today comes first"
    assert table.iloc[0]["Data"] == fmt_date(first["starts_at"], "pl")


# -- the front desk, lockers and an organisation's page ----------------------------------------------------------
MONDAY = date(2026, 11, 30)


@pytest.fixture
def room(app_db):
    return reservations.create_resource(app_db, SYSTEM, {
        "kind": "room", "name": f"Sala kolejności {uuid.uuid4().hex[:6]}", "capacity": 12, "location": "parter"})


@pytest.fixture
def organisation(app_db):
    return organisations.create(app_db, SYSTEM, {"name": f"Fundacja Kolejności {uuid.uuid4().hex[:6]}",
                                                 "legal_form": "fundacja"}, confirm_duplicate=True)


def _book(db, room, organisation, start: time, end: time, purpose: str) -> int:
    return reservations.create_booking(db, SYSTEM, {
        "resource_id": room, "organisation_id": organisation, "contact_person": "Anna Kowalska", "purpose": purpose,
        "statutory_declared": True, "attendees": 8, "day": MONDAY, "start": start, "end": end})


def test_the_front_desk_lists_a_rooms_day_in_order_of_start(app_db, room, organisation):
    clock.freeze(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))  # bookable the day before
    later = _book(app_db, room, organisation, time(15, 0), time(16, 0), "Popołudniowe zebranie")
    _book(app_db, room, organisation, time(10, 0), time(11, 0), "Poranne zebranie")
    clock.freeze(datetime(2026, 11, 30, 9, 5, tzinfo=UTC))  # 10:05 in Łódź: the morning people arrive
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("front_desk.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    # The 10:00 booking (people arriving: a row with buttons) comes before the 15:00 one (a line), not after.
    order = [("morning", e.value) if "Poranne zebranie" in e.value else ("afternoon", e.value)
             for e in at.html if "Poranne zebranie" in e.value or "Popołudniowe zebranie" in e.value]
    assert [o for o, _ in order] == ["morning", "afternoon"], order
    assert [b.key for b in at.button if b.key == f"desk_in_{later}"] == [], "15:00 is not arriving yet"
    assert any(str(b.key).startswith("desk_in_") for b in at.button), "10:00 can be checked in"


def test_an_overdue_locker_is_flagged_and_its_end_date_shown(app_db, organisation):
    clock.freeze(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    locker = reservations.create_resource(app_db, SYSTEM, {"kind": "locker", "name": f"Szafka {uuid.uuid4().hex[:4]}"})
    assignment = lockers.assign_locker(app_db, SYSTEM, {"resource_id": locker, "organisation_id": organisation,
                                                        "date_from": date(2026, 11, 2), "date_to": date(2026, 11, 20)})
    lockers.record_key_handed(app_db, SYSTEM, assignment, date(2026, 11, 2))
    at = app_as("recepcja")
    at.run()
    at.switch_page(page_path("lockers.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("20.11.2026" in w and "Przydziały po terminie" in w for w in texts(at.warning)), texts(at.warning)
    table = at.dataframe[0].value
    row = table[table["Stan"] == "po terminie — klucz nie wrócił"]
    assert len(row) >= 1 and "20.11.2026" in set(row["Do"]), table


def test_an_organisations_page_has_a_tab_for_each_kind_of_activity(app_db, room, organisation):
    clock.freeze(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))
    _book(app_db, room, organisation, time(10, 0), time(11, 0), "Zebranie zarządu")
    for user in ("recepcja", "koordynator"):
        at = app_as(user)
        at.run()
        at.query_params["id"] = str(organisation)
        at.switch_page(page_path("organisation.py")).run()
        assert not at.exception, [e.value for e in at.exception]
        labels = [tab.label for tab in at.tabs]
        assert labels[:6] == ["Rezerwacje (1)", "Wydarzenia (0)", "Szafki (0)", "Doradztwo (0)",
                              "Inicjatywy lokalne (0)", "Oferty wolontariatu (0)"], labels
        assert ("Historia zmian" in labels) == (user == "koordynator"), "the history for roles that may read it"
        assert "Zebranie zarządu" in set(at.dataframe[0].value["Cel spotkania"])
