"""The benchmark still runs end to end: a tiny dataset, two reruns per page, a few service calls.

Times are not asserted (CI machines are too noisy for that); what is checked is that the
command exits 0, writes its JSON where asked, and measured every registered page.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dashboard.ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_at_tiny_scale(tmp_path):
    out = tmp_path / "latest.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "0.05", "--reruns", "2", "--calls", "3", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    figures = json.loads(out.read_text(encoding="utf-8"))

    measured = {page["page"]: page for page in figures["pages"]}
    assert set(measured) == {spec.url_path for spec in PAGES}
    for page in measured.values():
        assert page["error"] is None, page["error"]
        assert isinstance(page["median_ms"], (int, float)) and isinstance(page["p95_ms"], (int, float))
        assert len(page["runs_ms"]) == 2
    assert figures["dataset"]["rows"]["organisation"] > 0
    assert {"cpu_count", "python", "duckdb", "streamlit", "timestamp_utc"} <= set(figures["machine"])
    assert any(s["service"] == "organisations.create" and s["calls"] == 3 for s in figures["services"])
    timed = {s["service"]: s for s in figures["services"]}
    for name in ("utilisation.live_refresh_after_write", "forum.deck_to_pptx"):
        assert timed[name]["error"] is None and timed[name]["calls"] >= 1, timed[name]
