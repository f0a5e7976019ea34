"""What "fast enough" means, as data: the report compares every figure with these.

Every figure here is one an issue sets: pages ≤ 150 ms median script time (issues 3–6), the
utilisation page ≤ 200 ms (issue 7), one certificate ≤ 200 ms (issue 4), matching for one
opportunity ≤ 100 ms (issue 5), the dataset built in ≤ 60 s and peak RSS ≤ 600 MB (issue 8).
Pages are keyed by their file stem or url_path, so a page added later gets the default
target without touching this file, and a heavier page gets its own line here. A service call
without a line has no target: it is reported, not judged.
"""

from __future__ import annotations

PAGE_MS_DEFAULT = 150.0
PAGE_MS: dict[str, float] = {
    "utilisation": 200.0,   # three charts over the whole year's bookings (issue 7)
    "wykorzystanie": 200.0,
}
SERVICE_MS: dict[str, float] = {  # keyed by the name in bench/services.py REGISTRY
    "certificates.certificate_pdf": 200.0,  # issue 4
    "volunteer_work.matching": 100.0,       # issue 5
    "utilisation.live_refresh_after_write": 100.0,  # issue 7: the live refresh (here its worst case)
    "forum.deck_to_pptx": 5000.0,           # issue 7
}
DATASET_BUILD_S = 60.0
RSS_MB = 600.0


def page_ms(file: str, url_path: str) -> float:
    """The median-time target of one page (by file stem, then url_path, then the default)."""
    stem = file.rsplit(".", 1)[0]
    return PAGE_MS.get(stem, PAGE_MS.get(url_path, PAGE_MS_DEFAULT))
