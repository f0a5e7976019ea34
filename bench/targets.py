"""What "fast enough" means, as data: the report compares every figure with these.

The figures are issue 20's, at city scale (``--scale 25``) on the project's 2-core machine: every
page ≤ 100 ms median and ≤ 200 ms p95 script time, the front desk and the utilisation page
included; the live refresh after a write ≤ 100 ms; one certificate PDF ≤ 150 ms; the Forum deck
as PPTX ≤ 2 s; the dataset built in ≤ 60 s; peak RSS ≤ 400 MB. Pages are keyed by their file stem
or url_path, so a page added later gets the default targets without touching this file. A service
call without a line has no target: it is reported, not judged.
"""

from __future__ import annotations

PAGE_MS_DEFAULT = 100.0
PAGE_P95_MS_DEFAULT = 200.0
PAGE_MS: dict[str, float] = {}      # a page with a target of its own: file stem or url_path -> median ms
PAGE_P95_MS: dict[str, float] = {}  # the same for p95
SERVICE_MS: dict[str, float] = {  # keyed by the name in bench/services.py REGISTRY
    "certificates.certificate_pdf": 150.0,
    "volunteer_work.matching": 100.0,
    "utilisation.live_refresh_after_write": 100.0,  # a booking made, then the page's reads after it
    "forum.deck_to_pptx": 2000.0,
}
DATASET_BUILD_S = 60.0
RSS_MB = 400.0
# The naive pandas peer of the utilisation page (bench/peer.py) must stay this many times slower.
PEER_RATIO_MIN = {"rerun": 5.0, "after_write": 3.0}


def _by_page(table: dict[str, float], default: float, file: str, url_path: str) -> float:
    stem = file.rsplit(".", 1)[0]
    return table.get(stem, table.get(url_path, default))


def page_ms(file: str, url_path: str) -> float:
    """The median-time target of one page (by file stem, then url_path, then the default)."""
    return _by_page(PAGE_MS, PAGE_MS_DEFAULT, file, url_path)


def page_p95_ms(file: str, url_path: str) -> float:
    """The p95 target of one page, looked up the same way."""
    return _by_page(PAGE_P95_MS, PAGE_P95_MS_DEFAULT, file, url_path)
