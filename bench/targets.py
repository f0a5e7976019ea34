"""What "fast enough" means, as data: the report compares every figure with these.

Pages are keyed by their file stem or url_path, so a page added later gets the default
target without touching this file, and a heavier page gets its own line here.
"""

from __future__ import annotations

PAGE_MS_DEFAULT = 150.0
PAGE_MS: dict[str, float] = {
    "utilisation": 200.0,   # three charts over the whole year's bookings
    "wykorzystanie": 200.0,
}
DATASET_BUILD_S = 60.0
RSS_MB = 600.0


def page_ms(file: str, url_path: str) -> float:
    """The median-time target of one page (by file stem, then url_path, then the default)."""
    stem = file.rsplit(".", 1)[0]
    return PAGE_MS.get(stem, PAGE_MS.get(url_path, PAGE_MS_DEFAULT))
