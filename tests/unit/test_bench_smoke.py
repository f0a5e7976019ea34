"""The benchmark still runs end to end: a tiny dataset, a few pages, every key service call, the peer.

Times are not asserted (CI machines are too noisy for that); what is checked is that the command exits
0, writes its JSON where asked and measured what it was asked to. Timing all 36 pages here would cost a
minute and a half of the suite's CPU and find nothing more: every page is rendered for every role by
tests/app/test_pages_render.py, and what the benchmark adds per page (the login it uses, the record a
detail page is opened on) is checked for every page below without timing it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import pages, services
from dashboard import demo
from dashboard.ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
TIMED_PAGES = ("pulpit", "recepcja", "wykorzystanie", "wydarzenie")  # a list, the busiest, charts, a detail page
KEY_CALLS = tuple(entry.name for entry in services.REGISTRY)


def test_bench_runs_at_tiny_scale(tmp_path):
    out = tmp_path / "latest.json"
    only = ",".join((*TIMED_PAGES, *KEY_CALLS, "peer"))
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "0.05", "--reruns", "2", "--calls", "2", "--only", only,
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,  # a few CPU-seconds; generous for a busy machine
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    figures = json.loads(out.read_text(encoding="utf-8"))

    measured = {page["page"]: page for page in figures["pages"]}
    assert set(measured) == set(TIMED_PAGES)
    for page in measured.values():
        assert page["error"] is None, page["error"]
        assert isinstance(page["median_ms"], (int, float)) and isinstance(page["p95_ms"], (int, float))
        assert len(page["runs_ms"]) == 2
    assert measured["wydarzenie"]["note"] is None, "the detail page was timed on its 'not found' branch"
    assert figures["dataset"]["rows"]["organisation"] > 0
    assert {"cpu_count", "python", "duckdb", "streamlit", "timestamp_utc"} <= set(figures["machine"])
    timed = {s["service"]: s for s in figures["services"]}
    assert set(timed) == set(KEY_CALLS)
    assert timed["organisations.create"]["calls"] == 2
    for name in ("utilisation.live_refresh_after_write", "forum.deck_to_pptx"):
        assert timed[name]["error"] is None and timed[name]["calls"] >= 1, timed[name]
    assert figures["peer"] and figures["peer"]["error"] is None, figures["peer"]


def test_every_page_has_a_login_and_every_detail_page_a_record_to_open(db):
    demo.fill(db, scale=0.05)  # tiny, as the smoke run above
    for spec in PAGES:
        assert pages.login_for(spec), f"no demo login may open {spec.url_path}"
        query = pages.PAGE_QUERY.get(spec.url_path)
        if query is not None:
            assert query(db), f"the demo data has no record to open {spec.url_path} on"
    details = {spec.url_path for spec in PAGES if spec.url_path in pages.PAGE_QUERY}
    assert details == set(pages.PAGE_QUERY), "PAGE_QUERY names a page that is not registered"
