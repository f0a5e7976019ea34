"""The utilisation page's one read of its charts (``chart_frames``) and the store that keeps it (``cached``).

The page now reads every chart's frame in one call and keeps it, with the Vega-Lite specs made from it, until
the data's stamp changes. These tests hold that to what the page showed before: the same frames as the
chart functions one by one (and the monthly ones as the register and the catalogue count them), and a store
that hands a page its own copy, forgets nothing it should keep and keeps nothing it should forget.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from dashboard.core import clock
from dashboard.core.roles import Actor
from dashboard.services.reporting import indicators, utilisation
from dashboard.services.volunteers import work
from dashboard.ui import cached

NOW = datetime(2026, 11, 18, 11, 0, tzinfo=clock.WARSAW)
COORDINATOR = Actor("koordynator", "coordinator", "Koordynator")
PERIODS = [(date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 7, 1), date(2026, 12, 31)),
           (date(2026, 8, 12), date(2026, 9, 23))]


@pytest.fixture(scope="module")
def demo(wednesday_demo):
    return wednesday_demo


def rooms(db) -> list[int]:
    return [int(i) for i in db.query("select id from resource where kind = 'room' and active order by id")["id"]]


@pytest.mark.parametrize("period", PERIODS)
def test_one_read_gives_every_chart_the_frame_it_had(demo, period):
    clock.freeze(NOW)
    ids = rooms(demo)  # the page's default; the workstations' chart is all of them whatever is chosen
    frames = utilisation.chart_frames(demo, COORDINATOR, *period, ids)

    assert list(frames) == list(utilisation.CHARTS)
    one_by_one = {
        "occupancy": utilisation.room_occupancy(demo, COORDINATOR, *period, ids),
        "heatmap": utilisation.heatmap(demo, COORDINATOR, *period, ids),
        "outcomes": utilisation.booking_outcomes(demo, COORDINATOR, *period, ids),
        "evenings": utilisation.evening_use(demo, COORDINATOR, *period, ids),
        "workstations": utilisation.workstation_use(demo, COORDINATOR, *period),
        "lockers": utilisation.lockers_occupied(demo, COORDINATOR, *period),
        "advisory": utilisation.advisory_by_month(demo, COORDINATOR, *period),
        "stages": utilisation.initiatives_by_stage(demo, COORDINATOR, *period),
        "osiedla": utilisation.initiatives_by_osiedle(demo, COORDINATOR, *period),
    }
    for name, frame in one_by_one.items():
        pd.testing.assert_frame_equal(frames[name], frame.reset_index(drop=True), obj=name)
    assert frames["occupancy"]["booked_hours"].sum() > 0 and frames["workstations"]["open_hours"].sum() > 0
    assert frames["evenings"]["evenings"].sum() > 0 and frames["evenings"]["open_hours"].sum() > 0
    if period == PERIODS[1]:  # the pilot: some evenings were booked too
        assert frames["evenings"]["used"].sum() > 0 and frames["evenings"]["booked_hours"].sum() > 0
    events = utilisation.events_by_type_topic(demo, COORDINATOR, *period)
    pd.testing.assert_frame_equal(frames["events"][["event_type", "topic", "events"]], events)
    names = dict(demo.rows("select code, name_pl from topic"))
    assert list(frames["events"]["topic_pl"]) == [names[c] for c in events["topic"]]


def test_one_room_chosen_gets_its_own_weeks_and_evenings(demo):
    clock.freeze(NOW)
    period, one = PERIODS[1], rooms(demo)[:1]
    frames = utilisation.chart_frames(demo, COORDINATOR, *period, one)

    pd.testing.assert_frame_equal(frames["occupancy"], utilisation.room_occupancy(demo, COORDINATOR, *period, one))
    pd.testing.assert_frame_equal(frames["evenings"], utilisation.evening_use(demo, COORDINATOR, *period, one))
    assert set(frames["occupancy"]["resource_id"]) == set(one)
    pd.testing.assert_frame_equal(frames["workstations"], utilisation.workstation_use(demo, COORDINATOR, *period))


def test_a_period_with_nothing_recorded_has_no_charts(demo):
    assert utilisation.chart_frames(demo, COORDINATOR, date(2031, 1, 1), date(2031, 1, 31), rooms(demo)) is None


@pytest.mark.parametrize("period", PERIODS)
def test_volunteer_months_are_the_registers_totals(demo, period):
    clock.freeze(NOW)
    months = utilisation.volunteer_by_month(demo, COORDINATOR, *period)
    totals = work.totals(demo, COORDINATOR, "month", period[0], min(period[1], NOW.date()))

    assert [f"{m:%Y-%m}" for m in months["month"]] == list(totals["key"])
    for column in ("hours", "value_pln", "volunteers", "entries"):
        assert list(months[column]) == pytest.approx(list(totals[column])), column
    total = indicators.values(demo, COORDINATOR, *period, ("volunteer_hours_register",))["volunteer_hours_register"]
    assert months["hours"].sum() == pytest.approx(total)


@pytest.mark.parametrize("period", PERIODS)
def test_new_organisations_per_month_add_up_to_the_catalogues_rows(demo, period):
    clock.freeze(NOW)
    months = utilisation.new_organisations_by_month(demo, COORDINATOR, *period)
    rows = indicators.rows(demo, COORDINATOR, "new_organisations", *period)

    counted = pd.to_datetime(rows["first_service_on"]).dt.to_period("M").dt.to_timestamp().value_counts()
    assert dict(zip(months["month"], months["organisations"])) == counted.to_dict()
    assert months["organisations"].sum() == len(rows)
    if period == PERIODS[1]:  # the demo's organisations come in during the pilot
        assert len(rows) > 0


def test_the_store_gives_each_reader_its_own_copy_unless_told_it_only_reads():
    cached.clear()
    computed = []

    def frame():
        computed.append(1)
        return pd.DataFrame({"hours": [1.5, 2.0]})

    first = cached.remember(("test", "copied"), frame)
    first.loc[0, "hours"] = 99.0  # a page changing what it was given …
    again = cached.remember(("test", "copied"), frame)
    assert list(again["hours"]) == [1.5, 2.0] and len(computed) == 1  # … changes nothing kept, and no recompute

    shared = cached.remember(("test", "shared"), frame, copy=False)
    assert cached.remember(("test", "shared"), frame, copy=False) is shared and len(computed) == 2
    assert cached.remember(("test", "shared", "new stamp"), frame, copy=False) is not shared  # another key: computed
    cached.clear()


def test_the_store_forgets_after_the_ttl_and_keeps_at_most_its_size(monkeypatch):
    cached.clear()
    now = [1000.0]
    monkeypatch.setattr(cached.time, "monotonic", lambda: now[0])
    assert cached.remember("k", lambda: 1) == 1
    now[0] += cached.TTL_S - 1
    assert cached.remember("k", lambda: 2) == 1
    now[0] += 2
    assert cached.remember("k", lambda: 3) == 3  # older than TTL_S: read again

    cached.remember("old stamp", lambda: "figures of a stamp no page asks for any more")
    now[0] += cached.TTL_S
    cached.remember("new stamp", lambda: "today's")
    assert "old stamp" not in cached._STORE and "new stamp" in cached._STORE  # dropped, not kept until full

    monkeypatch.setattr(cached, "MAX_ENTRIES", 3)
    for i in range(5):
        cached.remember(("n", i), lambda i=i: i)
    assert cached.remember(("n", 0), lambda: "again") == "again"  # the least recently used went first
    assert cached.remember(("n", 4), lambda: "again") == 4
    cached.clear()



def test_the_now_strip_is_the_catalogues_with_its_lists(demo):
    clock.freeze(NOW)
    now = NOW.replace(tzinfo=None)
    strip = utilisation.now_figures(demo, COORDINATOR, now)

    assert strip["values"].values == indicators.values(demo, COORDINATOR, now.date(), now.date(),
                                                       utilisation.NOW_STRIP, at=now).values
    assert len(strip["lists"]["in_use"]) == strip["values"]["resources_in_use"] > 0
