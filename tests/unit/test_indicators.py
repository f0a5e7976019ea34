"""The indicator catalogue (issue 17): every figure of the pilot defined once, in both languages, each equal to a
value worked out by hand on the fixed February of ``forum_dataset``, each equal to what its rows add up to, and
what is still to come in a period never counted as done."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest

from dashboard.core import clock
from dashboard.core.i18n import catalogue, translate
from dashboard.services import reservations
from dashboard.services.education import enrolment, trainings
from dashboard.services.reporting import forum, indicators, overview, pilot_report, results, utilisation
from tests.unit.forum_dataset import END, FEBRUARY

# Every indicator on February 2026 of forum_dataset (now: Monday 2 March, 10:00), counted by hand from its docstring.
BY_HAND = {
    "organisations_served": 5,       # A, B (rooms, advice), D, E, F (the training); C only failed to come
    "new_organisations": 5,          # all five served for the first time ever in February
    "bookings_held": 3,              # A twice, B once (checked in)
    "no_show_rate": 1 / 4,           # C's of the four room bookings that took place
    "room_hours_booked": 12,         # A 2 + 4, B 2, C 2 (a no-show still held the room), the training's room 2
    "room_hours_planned": 0,         # nothing left in February after 2 March
    "room_hours_open": 160,          # 20 working days × 8 h (Mon/Wed/Fri 10–18, Tue/Thu 12–20), no holiday
    "occupancy": 12 / 160,
    "evenings_open": 8,              # February's 4 Tuesdays and 4 Thursdays
    "evenings_used": 1,              # Thu 5 Feb, C's 18–20 (the training on Tue 10 Feb ends at 18:00 sharp)
    "workstation_occupancy": None,   # the Centre has no workstation
    "room_hours_per_week": 40,       # the 3 whole weeks inside February (2, 9, 16 Feb), 40 h each
    "evenings_per_week": 2,
    "events_held": 1,
    "trainings_held": 1,
    "participants": 6,
    "attendance_rate": 5 / 6,
    "rating": (5 + 4 + 4 + 3 + 5) / 5,
    "advisory_sessions": 2,
    "advisory_hours": 2.5,           # 90 + 60 minutes
    "organisations_advised": 2,      # A and B
    "volunteer_hours_centre": 5.5,   # 3.5 + 2 on the Centre's own opportunity
    "volunteer_value_centre": 220,   # 5.5 h × 40 zł
    "volunteers_centre": 1,
    "volunteer_hours_register": 5.5,
    "volunteers_register": 1,
    "initiatives_submitted": 1,
    "initiative_osiedla": 1,         # Śródmieście-Wschód
    "bookings_scheduled": 5,         # the four organisations' bookings and the training's room
    "bookings_planned": 0,
    "events_scheduled": 1,
    "resources_in_use": 0,           # nothing booked on Monday 2 March, 10:00
    "organisations_registered": 6,   # A–F
    "osiedla_reached": 0,            # none of A–F has an osiedle in the register
    "waitlisted": 0,
    "budget_planned": 129_000,       # the default plan: 100 000 grant + 6 000 + 14 000 + 9 000 own contribution
    "budget_actual": 220,            # no cost typed in; the volunteer valuation
    "grant_planned": 100_000,
    "grant_actual": 0,
    "grant_used_share": 0,
    "grant_share_planned": 100_000 / 129_000,
    "own_share_planned": 29_000 / 129_000,
    "grant_share_actual": 0,
    "own_share_actual": 1,
    "in_kind_actual": 0,
}


def test_the_hand_count_covers_the_whole_catalogue():
    assert set(BY_HAND) == set(indicators.CATALOGUE)


def test_every_indicator_equals_its_value_worked_out_by_hand(pilot, coordinator):
    values = indicators.values(pilot.db, coordinator, *FEBRUARY)

    for indicator_id, expected in BY_HAND.items():
        if expected is None:
            assert values[indicator_id] is None, indicator_id
        else:
            assert values[indicator_id] == pytest.approx(expected), indicator_id


@pytest.mark.parametrize("role", ["staff", "coordinator"])
@pytest.mark.parametrize("period", [FEBRUARY, (date(2026, 2, 9), date(2026, 2, 15)), (date(2026, 2, 20), date(2026, 3, 31))])
def test_every_indicator_is_what_its_rows_add_up_to(pilot, request, role, period):
    actor = request.getfixturevalue(role)
    values = indicators.values(pilot.db, actor, *period)

    for indicator_id in indicators.IDS:
        rows = indicators.rows(pilot.db, actor, indicator_id, *period)
        from_rows = indicators.value_from_rows(indicator_id, rows)
        if values[indicator_id] is None:
            assert from_rows is None, indicator_id
        else:
            assert from_rows == pytest.approx(values[indicator_id]), indicator_id


def test_every_indicator_has_a_name_and_a_definition_in_both_languages():
    for lang in ("pl", "en"):
        names = {}
        for ind in indicators.CATALOGUE.values():
            name, definition = ind.name(lang), ind.definition(lang)
            assert ind.name_key in catalogue(lang) and ind.definition_key in catalogue(lang), (lang, ind.id)
            assert name and name != ind.name_key and len(name) <= 60, (lang, ind.id)
            # one sentence a coordinator can quote: ends with a full stop, no second sentence
            assert definition.endswith(".") and len(definition) > 30, (lang, ind.id)
            assert not re.search(r"\.\s+[A-ZŁŚŻŹĆ]", definition[:-1]), (lang, ind.id, definition)
            names.setdefault(name, []).append(ind.id)
        # different things, different names: no label is shared by two indicators
        assert {n: ids for n, ids in names.items() if len(ids) > 1} == {}, lang
    assert translate("pl", "indicator.volunteer_hours_centre") != translate("pl", "indicator.volunteer_hours_register")


def test_every_indicator_has_rows_a_rule_and_a_unit():
    for ind in indicators.CATALOGUE.values():
        assert ind.rule in ("count", "sum", "mean", "ratio", "distinct"), ind.id
        assert ind.unit in ("count", "hours", "pln", "share", "rating", "per_week"), ind.id
        assert ind.kind in ("delivered", "planned", "state", "budget"), ind.id
        assert (ind.column is None) == (ind.rule == "count"), ind.id
        assert (ind.denominator is not None) == (ind.rule == "ratio"), ind.id
        assert ind.group == "budget" or ind.id in indicators._ROWS, ind.id
        assert f"indicator.unit.{ind.unit}" in catalogue("pl")


def test_the_volunteer_hours_the_open_call_counts_are_the_centres_own(db, staff, coordinator):
    """Two indicators, two names: the Centre's own opportunities (the report's, the budget's, the target's) and
    every hour the register holds for any host."""
    from dashboard.services.register import organisations
    from tests.unit.builders import volunteer_hours

    clock.freeze(datetime(2026, 7, 20, 10, 0, tzinfo=clock.WARSAW))
    host = organisations.create(db, staff, {"name": "Fundacja Gospodarz", "legal_form": "fundacja"})
    volunteer_hours(db, staff, [(date(2026, 7, 11), 4, "approved"), (date(2026, 7, 12), 1, "pending")])
    volunteer_hours(db, staff, [(date(2026, 7, 12), 6, "approved")], email="druga@example.org",
                    host={"host_kind": "organisation", "organisation_id": host})

    values = indicators.values(db, coordinator, date(2026, 7, 1), date(2026, 7, 31))

    assert (values["volunteer_hours_centre"], values["volunteers_centre"]) == (4, 1)
    assert (values["volunteer_hours_register"], values["volunteers_register"]) == (10, 2)
    assert values["volunteer_value_centre"] == 4 * 35          # the default rate
    assert "konkurs" in indicators.CATALOGUE["volunteer_hours_centre"].definition("pl")
    assert "volunteer_hours_centre" in list(results.targets(db)["code"])


@pytest.mark.parametrize("period", [FEBRUARY, (date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 2, 20), date(2026, 3, 31))])
def test_a_figure_asked_for_alone_is_the_one_the_whole_catalogue_gives(pilot, coordinator, period):
    """The rooms' and the organisations' groups compute only what is asked when that spares their costly part (the
    open days; every organisation's first service): the page's "now" strip and headline figures, or any one figure
    alone, are still the very values of the whole catalogue, their bases too."""
    whole = indicators.values(pilot.db, coordinator, *period)

    parts = (utilisation.BOOKING_KPIS, utilisation.SERVED_KPIS, utilisation.OTHER_KPIS)  # the page's kept parts
    for asked in (utilisation.NOW_STRIP, utilisation.KPIS, *parts, *((i,) for i in indicators.IDS)):
        some = indicators.values(pilot.db, coordinator, *period, asked)
        assert some.values == {i: whole[i] for i in asked}, asked
        assert some.bases == {i: whole.bases[i] for i in asked}, asked


def _delivered(values) -> dict:
    return {i: values[i] for i in indicators.IDS if indicators.CATALOGUE[i].kind == "delivered"}


def test_what_is_booked_or_planned_later_in_the_period_changes_no_delivered_indicator(pilot, admin, staff,
                                                                                      coordinator):
    period = (date(2026, 2, 1), date(2026, 3, 31))            # reaching past now (Monday 2 March, 10:00)
    before = indicators.values(pilot.db, coordinator, *period)

    # Later today and later in March: room bookings (one after 18:00), an event with enrolled organisations.
    for day, start, end in ((date(2026, 3, 2), 14, 16), (date(2026, 3, 5), 18, 20), (date(2026, 3, 9), 10, 12)):
        reservations.create_booking(pilot.db, staff, {
            "resource_id": pilot.room, "organisation_id": pilot.organisations["C"], "contact_person": "Irena Jesienna",
            "purpose": "Zebranie", "statutory_declared": True, "attendees": 10, "day": day, "start": time(start),
            "end": time(end)})
    event = trainings.create_event(pilot.db, staff, {
        "title": "Księgowość dla początkujących", "event_type": "training", "topics": ["T5"],
        "trainer_name": "Ewa Księgowa", "resource_id": pilot.room, "capacity": 15,
        "sessions": [{"day": date(2026, 3, 10), "start": time(16), "end": time(18)}]})
    enrolment.enrol(pilot.db, staff, event, {"full_name": "Nowa Osoba", "email": "nowa@example.org", "consent": True,
                                              "organisation_id": pilot.organisations["C"]})

    after = indicators.values(pilot.db, coordinator, *period)

    assert _delivered(after) == _delivered(before)
    assert after["bookings_planned"] == before["bookings_planned"] + 4        # three bookings and the event's room
    assert after["room_hours_planned"] == before["room_hours_planned"] + 8
    assert after["events_scheduled"] == before["events_scheduled"] + 1
    # and when the day comes, they count
    clock.freeze(datetime(2026, 3, 2, 15, 0, tzinfo=clock.WARSAW))
    assert indicators.values(pilot.db, coordinator, *period)["room_hours_booked"] == before["room_hours_booked"] + 1


def test_the_report_forum_and_pages_read_the_catalogue(pilot, coordinator):
    """Every surface's figures are catalogue ids, and show the catalogue's values for the same period."""
    values = indicators.values(pilot.db, coordinator, *FEBRUARY)
    declared = (set(utilisation.KPIS) | set(utilisation.NOW_STRIP) | set(overview.HOME_INDICATORS)
                | set(pilot_report.INDICATORS) | set(pilot_report.PAGE_INDICATORS)
                | {i for ids in forum.SLIDE_FIGURES.values() for i in ids} | set(results.DEFAULT_CODES))
    assert declared <= set(indicators.CATALOGUE)

    slides = forum.deck(pilot.db, coordinator, *FEBRUARY)
    for slide in slides:
        for figure in slide.figures:
            assert figure.label == indicators.CATALOGUE[figure.key].name("pl")
            assert figure.definition == indicators.CATALOGUE[figure.key].definition("pl")
            if figure.value is not None:
                assert figure.value == pytest.approx(values[figure.key]), figure.key
    report = pilot_report.figures(pilot.db, coordinator, *FEBRUARY)
    assert {i: report.values[i] for i in pilot_report.INDICATORS} == {i: values[i] for i in pilot_report.INDICATORS}
    table = results.table(pilot.db, coordinator, *FEBRUARY).set_index("code")
    for code, row in table.iterrows():
        assert row["achieved"] == pytest.approx(values[code])
        assert row["share"] == pytest.approx(indicators.share_of_target(values[code], row["target"]))


def test_an_unknown_indicator_is_refused(pilot, coordinator):
    from dashboard.core.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        indicators.rows(pilot.db, coordinator, "happiness", *FEBRUARY)
    assert refused.value.errors["indicator"].key == "indicator.error.unknown"


def test_a_period_reaching_into_the_future_says_so():
    now = END.replace(tzinfo=None)
    assert indicators.scope_note(indicators.period(*FEBRUARY, now), "pl") is None
    running = indicators.scope_note(indicators.period(date(2026, 3, 1), date(2026, 3, 31), now), "pl")
    assert running.startswith("Okres jeszcze trwa") and "02.03.2026 10:00" in running
    assert indicators.scope_note(indicators.period(date(2026, 4, 1), date(2026, 4, 30), now), "pl").startswith(
        "Okres jeszcze się nie rozpoczął")
