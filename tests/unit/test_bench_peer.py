"""The naive peer of the utilisation page (bench/peer.py): the same figures as the page, and how it is judged.

A peer that computed other figures would make its ratio meaningless, so its fifteen figures are checked
against the catalogue's — what the page shows — on the demo data for several periods, and again after
writes that move them.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
import pytest

from bench import peer, report, run, targets
from dashboard.core import clock
from dashboard.core.roles import Actor
from dashboard.services.reporting import indicators, utilisation

NOW = datetime(2026, 11, 18, 11, 0, tzinfo=clock.WARSAW)  # the benchmark's Wednesday, rooms in use
STAFF = Actor("recepcja", "staff", "Joanna Recepcja")
PERIODS = {"month": (date(2026, 11, 1), date(2026, 11, 30)), "pilot": (date(2026, 7, 1), date(2026, 12, 31)),
           "past": (date(2026, 8, 12), date(2026, 9, 23)), "future": (date(2027, 1, 1), date(2027, 1, 31)),
           "today": (date(2026, 11, 18), date(2026, 11, 18))}


@pytest.fixture(scope="module")
def demo(wednesday_demo):
    return wednesday_demo


def page_figures(db, date_from, date_to, now) -> dict:
    """What the page shows: the "now" strip of today and the headline figures of the period (the catalogue's)."""
    return {**indicators.values(db, STAFF, now.date(), now.date(), utilisation.NOW_STRIP, at=now).values,
            **indicators.values(db, STAFF, date_from, date_to, utilisation.KPIS, at=now).values}


def differing(mine: dict, shown: dict) -> dict:
    """The figures on which the peer and the page differ (None, nothing to compute from, equals only None)."""
    return {k: (mine.get(k), shown[k]) for k in shown if k not in mine or not peer._same(mine[k], shown[k])}


@pytest.mark.parametrize("name", list(PERIODS))
def test_the_peer_computes_the_pages_figures(demo, name):
    clock.freeze(NOW)
    now = NOW.replace(tzinfo=None)
    date_from, date_to = PERIODS[name]

    mine = peer.figures(demo, date_from, date_to, now)["values"]
    shown = page_figures(demo, date_from, date_to, now)

    assert list(mine) == list(utilisation.NOW_STRIP) + list(utilisation.KPIS)
    assert differing(mine, shown) == {}
    if name in ("month", "pilot"):  # the demo's busy periods: nothing trivially zero
        assert all(mine[k] for k in ("organisations_served", "bookings_held", "occupancy", "events_held",
                                     "advisory_hours", "volunteer_hours_register"))
    assert peer.agrees(demo, date_from, date_to)


def test_the_peers_monthly_charts_are_the_pages(demo):
    clock.freeze(NOW)
    date_from, date_to = PERIODS["pilot"]
    mine = peer.figures(demo, date_from, date_to)
    advisory = utilisation.advisory_by_month(demo, STAFF, date_from, date_to)
    volunteers = utilisation.volunteer_by_month(demo, STAFF, date_from, date_to)

    def months(frame) -> dict[date, float]:
        return dict(zip(pd.to_datetime(frame["month"]).dt.date, frame["hours"]))

    assert len(mine["advisory_by_month"]) >= 4 and len(mine["volunteers_by_month"]) >= 4  # July to November
    assert mine["advisory_by_month"] == pytest.approx(months(advisory))
    assert mine["volunteers_by_month"] == pytest.approx(months(volunteers))


def test_a_later_moment_moves_both_alike(demo):
    """The peer reads the tables again on every run: at 17:00 the day's bookings are held and no longer planned."""
    later = datetime.combine(NOW.date(), time(17, 0), tzinfo=clock.WARSAW)
    clock.freeze(later)
    date_from, date_to = PERIODS["month"]
    before = peer.figures(demo, date_from, date_to, NOW.replace(tzinfo=None))["values"]

    after = peer.figures(demo, date_from, date_to, later.replace(tzinfo=None))["values"]

    assert differing(after, page_figures(demo, date_from, date_to, later.replace(tzinfo=None))) == {}
    assert after["bookings_planned"] < before["bookings_planned"]


def _result(peer_ms: float, page_ms: float, after_peer: float, after_page: float, agree=True) -> peer.PeerResult:
    result = peer.PeerResult(agree=agree)
    result.peer_ms = {"rerun": [peer_ms] * 3, "after_write": [after_peer] * 3}
    result.page_ms = {"rerun": [page_ms] * 3, "after_write": [after_page] * 3}
    return result


def test_the_peer_must_be_slower_by_the_issues_ratios():
    assert targets.PEER_RATIO_MIN == {"rerun": 5.0, "after_write": 3.0}
    assert _result(500, 50, 500, 100).ok                         # 10× and 5×
    assert not _result(500, 50, 500, 200).ok                     # 2.5× right after a write
    assert not _result(240, 50, 500, 100).ok                     # 4.8× on a normal rerun
    assert not _result(500, 50, 500, 100, agree=False).ok        # other figures: no comparison at all
    assert _result(500, 50, 500, 100).as_dict()["cases"]["after_write"]["ratio"] == 5.0


def test_the_report_prints_the_ratios_and_the_verdict_counts_them():
    figures = {"pages": [], "services": [], "dataset": {"ok": True}, "rss": {"ok": True},
               "peer": _result(500, 50, 500, 200).as_dict()}
    lines = report._peer(figures["peer"])

    assert any("10.0×" in line and "ok" in line for line in lines[-1].splitlines())
    assert any("2.5×" in line and "TOO CLOSE" in line for line in lines[-1].splitlines())
    assert run.verdict(figures) == (True, False)
    figures["peer"] = None  # --only without "peer": not timed, not judged
    assert run.verdict(figures) == (True, True) and report._peer(None) == []
