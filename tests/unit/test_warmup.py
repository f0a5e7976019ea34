"""The server's warm-up and garbage-collector settings (dashboard/ui/warmup.py), each in a fresh interpreter:
freezing objects is for the whole process, so it is never done inside the test run itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def in_fresh_python(code: str, **env: str) -> dict:
    script = f"import json, sys\nsys.path.insert(0, {str(ROOT)!r})\n{code}"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, **env}, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_tune_gc_freezes_what_exists_once_and_raises_the_thresholds():
    seen = in_fresh_python("""
import gc
from dashboard.ui import warmup
before = gc.get_threshold()
warmup.tune_gc()
frozen = gc.get_freeze_count()
made_later = [[i] for i in range(10_000)]
warmup.tune_gc()  # a second call must not freeze what users' runs made since
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": frozen,
                  "frozen_again": gc.get_freeze_count(), "wanted": warmup.GC_THRESHOLDS}))
""")
    assert seen["before"] != seen["after"] == seen["wanted"]
    assert seen["frozen"] > 10_000  # the modules imported so far, Streamlit's and pandas' among them
    assert seen["frozen_again"] == seen["frozen"]


def test_the_tuning_can_be_switched_off():
    seen = in_fresh_python("""
import gc
from dashboard.ui import warmup
before = gc.get_threshold()
warmup.tune_gc()
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
""", CIVIC_GC_TUNING="0")
    assert seen["after"] == seen["before"] and seen["frozen"] == 0


def test_the_warm_up_imports_the_pages_modules_but_no_file_writer_and_tunes_the_gc():
    seen = in_fresh_python("""
import gc
from dashboard.ui import warmup
warmup.start_in_server(None)  # not under `streamlit run`: nothing starts
started_outside_server = warmup.wait(0)
warmup.start(None)
done = warmup.wait(240)
print(json.dumps({"outside": started_outside_server, "done": done, "frozen": gc.get_freeze_count(),
                  "loaded": sorted(m for m in ("dashboard.services.reporting.pilot_report", "altair", "jinja2",
                                               "fpdf", "pptx", "xlsxwriter", "vl_convert") if m in sys.modules)}))
""")
    assert seen["outside"] is False and seen["done"] is True and seen["frozen"] > 0
    assert seen["loaded"] == ["altair", "dashboard.services.reporting.pilot_report", "jinja2"]
