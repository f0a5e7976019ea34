"""The change history page over the demo data reads as the chosen language: the coordinator and the admin see
tables, fields and codes by name, times as dd.mm.rrrr HH:MM, and never "None" or a name as the database keeps it."""

from __future__ import annotations

import re

import pytest

from tests.app.conftest import DEMO_USERS, page_path
from tests.conftest import app_as

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")
STORED_NAMES = re.compile(r"\b(volunteer agreement|budget cost|demo_fill|organisations|automatic)\b")


def _rows(at) -> list[str]:
    return [" | ".join(map(str, row)) for frame in at.dataframe for row in frame.value.astype(str).values.tolist()]


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_the_history_of_the_demo_reads_as_the_language(role, lang):
    at = app_as(DEMO_USERS[role], lang=lang)
    at.run()
    at.switch_page(page_path("audit.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    rows = _rows(at)
    assert rows, "the demo fill leaves its rows in the history"
    for row in rows:
        for problem in (SNAKE_CASE, ISO_MOMENT, STORED_NAMES, re.compile(r"\bNone\b|\bnan\b|entity\.|audit\.")):
            assert not problem.search(row), f"{problem.pattern} in {row}"
    if lang == "pl":
        assert any("Porozumienie wolontariackie: " in row for row in rows), "the demo's counts name tables"
    else:
        assert any("Volunteer agreement: " in row for row in rows)
