"""The reads behind issue 18's pages: the bookings list counts and pages every match, soonest first; a
checked-in booking still running reads "in progress"; an opportunity finds anyone in the register by name
with what is missing before the assignment; an organisation's page has every kind of activity.

"Now" is pinned to Monday 2 November 2026, 08:00 in Łódź (tests/unit/builders.py): the training room is
open on Tuesday 12:00–20:00 and on Wednesday 10:00–18:00.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from dashboard.core import clock, validators
from dashboard.core.errors import ValidationError
from dashboard.services import reservations
from dashboard.services.register import organisations
from dashboard.services.reservations import booking_views
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work
from tests.unit.builders import NEXT_TUESDAY, TUESDAY, WEDNESDAY, at, booking


def _book(centre, staff, day: date, start: int, end: int, **changes) -> int:
    return reservations.create_booking(centre.db, staff, booking(centre, day=day, start=time(start), end=time(end),
                                                                  **changes))


# -- the bookings list -------------------------------------------------------------------------------------------
def test_the_list_counts_every_match_and_pages_them_soonest_first(centre, staff):
    made = [_book(centre, staff, day, start, start + 1) for day in (TUESDAY, NEXT_TUESDAY) for start in (12, 14, 16)]
    made.append(_book(centre, staff, WEDNESDAY, 10, 11))
    filters = {"date_from": TUESDAY, "date_to": NEXT_TUESDAY}

    assert booking_views.count_matching(centre.db, staff, **filters) == 7
    first = booking_views.search(centre.db, staff, **filters, order="upcoming", limit=3)
    second = booking_views.search(centre.db, staff, **filters, order="upcoming", limit=3, offset=3)
    rest = booking_views.search(centre.db, staff, **filters, order="upcoming", limit=3, offset=6)
    shown = [*first["id"], *second["id"], *rest["id"]]
    assert len(shown) == 7 and len(set(shown)) == 7, "the pages neither skip nor repeat a booking"
    starts = [*first["starts_at"], *second["starts_at"], *rest["starts_at"]]
    assert starts == sorted(starts), "soonest first"
    everything = booking_views.search(centre.db, staff, **filters, order="upcoming", limit=None)
    assert list(everything["id"]) == shown, "the export holds the whole filtered set, in the list's order"
    newest = booking_views.search(centre.db, staff, **filters, order="newest", limit=None)
    assert list(newest["id"]) == shown[::-1]


def test_a_checked_in_booking_reads_in_progress_until_it_ends():
    start, end = datetime(2026, 11, 3, 12), datetime(2026, 11, 3, 14)
    assert booking_views.shown_status("checked_in", start, end, datetime(2026, 11, 3, 12, 30)) == "in_progress"
    assert booking_views.shown_status("checked_in", start, end, datetime(2026, 11, 3, 14)) == "checked_in"
    assert booking_views.shown_status("confirmed", start, end, datetime(2026, 11, 3, 12, 30)) == "confirmed"


# -- an organisation's page --------------------------------------------------------------------------------------
def test_an_organisations_activity_is_read_for_its_page(centre, staff, admin):
    past = _book(centre, staff, TUESDAY, 12, 13)
    coming = _book(centre, staff, NEXT_TUESDAY, 12, 13)
    later = _book(centre, staff, NEXT_TUESDAY, 15, 16)
    at(datetime(2026, 11, 5, 9))  # Tuesday's booking is past, next week's are coming
    counts = organisations.activity_counts(centre.db, staff, centre.zielona)
    assert counts == {"bookings": 3, "events": 0, "lockers": 0, "advisory": 0, "initiatives": 0, "opportunities": 0}
    assert list(organisations.bookings_of(centre.db, staff, centre.zielona)["id"]) == [coming, later, past]
    assert organisations.bookings_of(centre.db, staff, centre.sasiedzi).empty
    for read in (organisations.events_of, organisations.lockers_of, organisations.advisory_of,
                 organisations.initiatives_of, organisations.opportunities_of):
        assert read(centre.db, staff, centre.zielona).empty, read.__name__


# -- finding a volunteer for an opportunity ---------------------------------------------------------------------
@pytest.fixture
def march():
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=clock.WARSAW))


def _person(db, staff, first, last, **extra) -> int:
    return vol.register(db, staff, {"first_name": first, "last_name": last, "email": f"{first.lower()}@example.org",
                                    "birth_date": date(1990, 5, 1), "consent": True, "consent_on": date(2026, 1, 10),
                                    **extra})


def test_a_new_candidate_is_found_by_name_with_what_is_missing(db, staff, march):
    opportunity = work.create_opportunity(db, staff, {"title": "Piknik", "starts_at": datetime(2026, 3, 14, 10),
                                                      "ends_at": datetime(2026, 3, 14, 14), "needed": 2})
    candidate = _person(db, staff, "Kacper", "Żółkiewski")
    drafted = _person(db, staff, "Łucja", "Żółkiewska")
    vol.add_agreement(db, staff, drafted, {"scope": "Pikniki", "starts_on": date(2026, 3, 1),
                                           "ends_on": date(2026, 3, 20), "form": "oral"})
    active = _person(db, staff, "Zofia", "Zolkiewska-Nowak")
    agreement = vol.add_agreement(db, staff, active, {"scope": "Pikniki", "starts_on": date(2026, 3, 1),
                                                      "ends_on": date(2026, 3, 20), "form": "oral"})
    vol.record_insurance(db, staff, agreement, "NNW/1", date(2026, 3, 1))
    vol.activate_agreement(db, staff, agreement)

    found, total = work.find_for_opportunity(db, staff, opportunity, "zolkiew")  # no Polish letters typed
    assert total == 3
    by_id = {p["id"]: p for p in found}
    assert set(by_id[candidate]["missing"]) >= {"agreement_id", "volunteer_id"}
    assert by_id[candidate]["missing"]["agreement_id"].key == "volunteer_work.missing.agreement"
    assert by_id[drafted]["missing"]["agreement_id"].key == "volunteer_work.missing.agreement_draft"
    assert by_id[drafted]["missing"]["insurance"].key == "volunteer_work.missing.insurance"
    assert by_id[active]["assignable"] and not by_id[active]["missing"]
    assert found[0]["id"] == active, "an active volunteer first"

    work.assign(db, staff, opportunity, active)
    found, _ = work.find_for_opportunity(db, staff, opportunity, "Zofia")
    assert found[0]["assigned"] and not found[0]["assignable"]
    with pytest.raises(ValidationError):
        work.assign(db, staff, opportunity, candidate)  # what the search said is missing, the service refuses
    assert work.find_for_opportunity(db, staff, opportunity, "  ") == ([], 0)


def test_a_withdrawn_consent_is_said_to_be_missing(db, staff, march):
    opportunity = work.create_opportunity(db, staff, {"title": "Piknik", "starts_at": datetime(2026, 3, 14, 10),
                                                      "ends_at": datetime(2026, 3, 14, 14), "needed": 1})
    person = _person(db, staff, "Jan", "Bezzgody")
    vol.withdraw_consent(db, staff, person, "processing", date(2026, 3, 1))
    found, _ = work.find_for_opportunity(db, staff, opportunity, "Bezzgody")
    assert found[0]["missing"]["consent"].key == "volunteer_work.missing.consent"


# -- a long name is refused, never cut ---------------------------------------------------------------------------
def test_a_name_over_the_limit_is_refused_with_the_limit(db, staff):
    with pytest.raises(validators.InvalidValue) as caught:
        validators.clean_text("Ł" * 201, 200, required=True)
    assert (caught.value.key, caught.value.params) == ("error.too_long", {"max": 200})
    with pytest.raises(ValidationError) as refused:
        organisations.create(db, staff, {"name": "Ł" * 201, "legal_form": "stowarzyszenie"})
    assert refused.value.errors["name"].key == "error.too_long"
    assert db.scalar("select count(*) from organisation where length(name) = 200") == 0, "nothing cut and saved"
    kept = organisations.create(db, staff, {"name": "Ł" * 200, "legal_form": "stowarzyszenie"})
    assert len(organisations.get(db, staff, kept)["name"]) == 200


def test_the_list_from_today_starts_no_earlier_than_today(centre, staff):
    """The list opens on today: nothing before it, nothing skipped (the page's default filter)."""
    today = clock.today()
    _book(centre, staff, TUESDAY, 12, 13)
    found = booking_views.search(centre.db, staff, date_from=today, date_to=today + timedelta(days=90),
                                 order="upcoming", limit=10)
    assert found["starts_at"].min().date() >= today
