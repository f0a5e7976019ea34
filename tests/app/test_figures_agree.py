"""One truth for every figure (issue 17): on the demo data, with the clock pinned to Wednesday 2 December 2026,
12:00, every surface — the home page, Wykorzystanie, Rezultaty, Budżet and Raport as rendered, the report's XLSX
(openpyxl) and PDF (pypdf), the Forum's slides and its PPTX (python-pptx) — shows each indicator with one value,
the catalogue's, for the whole pilot, a month, a past range and a range reaching into the future.

Each surface is read as a person sees it (labels and texts, formatting aside) and every label must be a name in
the catalogue: a figure the catalogue does not define cannot appear.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
from datetime import date, datetime

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.core import clock
from dashboard.core.roles import Actor
from dashboard.services.reporting import budget, forum, indicators, overview, pilot_report, results, utilisation
from dashboard.ui import forum_export
from tests.app.conftest import DEMO_USERS, page_path
from tests.conftest import app_as

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=clock.WARSAW)
PERIODS = {
    "pilot": (date(2026, 7, 1), date(2026, 12, 31)),        # the whole pilot, reaching into December's future
    "november": (date(2026, 11, 1), date(2026, 11, 30)),    # one month, ended
    "past": (date(2026, 8, 12), date(2026, 9, 23)),         # a custom range in the past, mid-week to mid-week
    "future": (date(2026, 11, 23), date(2027, 1, 15)),      # a range reaching past now and past the pilot
}
COORDINATOR = Actor("koordynator", "coordinator", "Koordynator")
NAMES = {ind.name("pl"): ind.id for ind in indicators.CATALOGUE.values()}
SUPPRESSED = "<5"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, app_env):
    """The demo data as built on 2 December 2026 (its bookings and events lie around that day), served to the app."""
    from dashboard import demo as fillers
    from db.connection import close_database, get_database, migrate

    path = tmp_path_factory.mktemp("agree") / "civic.duckdb"
    clock.freeze(NOW)
    database = get_database(path)
    migrate(database)
    fillers.fill(database)
    database.checkpoint()
    old = os.environ["CIVIC_DB_PATH"]
    os.environ["CIVIC_DB_PATH"] = str(path)
    try:
        yield database
    finally:
        os.environ["CIVIC_DB_PATH"] = old
        close_database(path)
        clock.freeze(None)


@pytest.fixture(autouse=True)
def _pinned():
    clock.freeze(NOW)


# -- reading what a person sees --------------------------------------------------------------------------------------
def parse(text: str) -> tuple[float | str | None, float]:
    """A figure as shown → (value, tolerance): "1 234,5" → 1234.5 ± 0.05, "48,3 %" / "48%" → 0.483 / 0.48,
    "18 445,00 zł" → 18445, "59 z 87" → 59, "4,2 / 5" → 4.2, "<5" → "<5", "—" → None."""
    text = text.replace("\xa0", " ").replace("\u202f", " ").strip()
    if text.startswith(SUPPRESSED):
        return SUPPRESSED, 0.0
    match = re.match(r"^(\d{1,3}(?: \d{3})+|\d+)(?:,(\d+))?\s*(%)?", text)
    if not match:
        return None, 0.0
    whole, decimals, percent = match.groups()
    value = float(whole.replace(" ", "") + ("." + decimals if decimals else ""))
    tolerance = 0.5 * 10 ** -len(decimals or "") + 1e-9
    if percent:
        return value / 100, tolerance / 100
    return value, tolerance


class Seen:
    """Every (surface, indicator, text) read; ``check`` compares them all with the catalogue's values."""

    def __init__(self, values: dict[str, float | None]):
        self.values, self.rows = values, []

    def add(self, surface: str, indicator_id: str, text: str, hidden_ok: bool = False) -> None:
        assert indicator_id in indicators.CATALOGUE, (surface, indicator_id)
        self.rows.append((surface, indicator_id, text, hidden_ok))

    def label(self, surface: str, label: str, text: str, hidden_ok: bool = False) -> str:
        """A label must be a catalogue name (with a window in brackets, on the home page)."""
        name = re.sub(r" \((dziś|najbliższe 7 dni|ostatnie 30 dni)\)$", "", label)
        assert name in NAMES, f"{surface}: the label {label!r} is no indicator of the catalogue"
        self.add(surface, NAMES[name], text, hidden_ok)
        return NAMES[name]

    def check(self) -> None:
        wrong = []
        for surface, indicator_id, text, hidden_ok in self.rows:
            value = self.values[indicator_id]
            shown, tolerance = parse(text)
            if shown == SUPPRESSED:
                ok = value is not None and 1 <= value <= 4
            elif shown is None:
                ok = value is None or hidden_ok
            else:
                ok = value is not None and abs(shown - value) <= tolerance + 1e-9 * max(1, abs(value))
            if not ok:
                wrong.append(f"{indicator_id}: {surface} shows {text!r}, the catalogue {value!r}")
        assert not wrong, "\n".join(wrong)


def _open(page: str):
    at = app_as(DEMO_USERS["coordinator"])
    at.run()
    at.switch_page(page_path(page)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _set_range(at, key: str, period: tuple[date, date]) -> None:
    if at.segmented_control(key=f"{key}_preset").value != "custom":
        at.segmented_control(key=f"{key}_preset").set_value("custom").run()
    at.date_input(key=f"{key}_custom").set_value(period).run()
    assert not at.exception, [e.value for e in at.exception]


def _set_dates(at, key: str, period: tuple[date, date]) -> None:
    if at.segmented_control(key=f"{key}_preset").value != "custom":
        at.segmented_control(key=f"{key}_preset").set_value("custom").run()
    at.date_input(key=f"{key}_from").set_value(period[0])
    at.date_input(key=f"{key}_to").set_value(period[1]).run()
    assert not at.exception, [e.value for e in at.exception]


def _metrics(at, seen: Seen, surface: str) -> list[str]:
    """Every tile: a catalogue name as its label, the catalogue's definition as its help."""
    found = []
    for metric in at.metric:
        indicator_id = seen.label(surface, metric.proto.label, metric.value)
        assert metric.proto.help.startswith(indicators.CATALOGUE[indicator_id].definition("pl")), (surface, indicator_id)
        found.append(indicator_id)
    return found


def _results_frame(seen: Seen, surface: str, frame) -> None:
    for row in frame.to_dict("records"):
        indicator_id = seen.label(surface, row["Rezultat"], str(row["Osiągnięto"]).replace("— (moduł w przygotowaniu)", "—"))
        share = indicators.share_of_target(seen.values[indicator_id], float(row["Cel"].split()[0].replace("\xa0", "")))
        shown, tolerance = parse(str(row["% celu"]))
        assert (shown is None and share is None) or abs(shown - share) <= tolerance, (surface, indicator_id, row)


# -- the surfaces, period by period -----------------------------------------------------------------------------------
def test_every_surface_shows_each_indicator_with_one_value(demo):
    pages = {name: _open(f"{name}.py") for name in ("utilisation", "results", "budget", "report")}
    for key, period in PERIODS.items():
        values = indicators.values(demo, COORDINATOR, *period)
        seen = Seen(dict(values.values))

        at = pages["utilisation"]
        _set_range(at, "util", period)
        shown = _metrics(at, seen, f"Wykorzystanie {key}")
        strip = len(utilisation.NOW_STRIP)   # today's, checked on their own below
        assert shown[strip:] == list(utilisation.KPIS)
        seen.rows = seen.rows[:-len(shown)] + seen.rows[-len(shown) + strip:]

        at = pages["results"]
        _set_range(at, "results", period)
        _results_frame(seen, f"Rezultaty {key}", at.dataframe[0].value)

        at = pages["budget"]
        _set_dates(at, "budget", period)
        assert _metrics(at, seen, f"Budżet {key}") == list(budget.PAGE_INDICATORS)

        at = pages["report"]
        _set_dates(at, "report", period)
        assert _metrics(at, seen, f"Raport {key}") == list(pilot_report.PAGE_INDICATORS)
        _results_frame(seen, f"Raport (tabela) {key}", at.dataframe[0].value)

        figures = pilot_report.figures(demo, COORDINATOR, *period)
        _xlsx(seen, key, pilot_report.xlsx_from(figures))
        _pdf(seen, key, pilot_report.pdf_from(figures), figures)

        slides = forum.deck(demo, COORDINATOR, *period)
        _forum(seen, key, slides)
        _pptx(seen, key, forum_export.to_pptx(slides, "Forum", "Brak danych"))

        seen.check()
        # the now-strip (today) and the results' weekly figures are checked against their own periods
        assert len({i for _, i, _, _ in seen.rows}) >= 30, key


def _xlsx(seen: Seen, key: str, data: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in ("Podsumowanie", "Edukacja", "Wolontariat", "Definicje"):
        for row in book[sheet].iter_rows(values_only=True):
            if isinstance(row[0], str) and row[0] in NAMES:
                value = row[3] if sheet == "Definicje" else row[1]
                text = "—" if value is None else f"{value:.6f}".replace(".", ",")
                seen.label(f"XLSX {sheet} {key}", row[0], text)
    for row in book["Rezultaty"].iter_rows(values_only=True):
        if isinstance(row[0], str) and row[0] in NAMES:
            seen.label(f"XLSX Rezultaty {key}", row[0], "—" if row[3] is None else f"{row[3]:.6f}".replace(".", ","))


def _pdf(seen: Seen, key: str, data: bytes, figures) -> None:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.replace("\xa0", " ").split())
    number = r"(<5|—|\d{1,3}(?: \d{3})*(?:,\d+)?(?: %| zł)?)"
    found = 0
    for name, indicator_id in NAMES.items():
        for match in re.finditer(re.escape(name) + ": " + number, text):
            seen.add(f"PDF {key}", indicator_id, match.group(1))
            found += 1
    assert found >= 20, (key, found)
    for row in figures.results.itertuples():
        name = indicators.CATALOGUE[row.code].name("pl")
        match = re.search(re.escape(name) + r" [\d ]+(?: tygodniowo)? " + number + " " + number, text)
        assert match, (key, name)
        seen.add(f"PDF Rezultaty {key}", row.code, match.group(1))
        share = indicators.share_of_target(seen.values[row.code], row.target)
        shown, tolerance = parse(match.group(2))
        assert (shown is None and share is None) or abs(shown - share) <= tolerance, (key, row.code)


def _forum(seen: Seen, key: str, slides) -> None:
    for slide in slides:
        for figure in slide.figures:
            # a rate on fewer than five records is not shown on a public slide ("—")
            seen.label(f"Forum {slide.key} {key}", figure.label, figure.text, hidden_ok=figure.value is None)
        if slide.table is not None:
            for row in slide.table.itertuples():
                seen.label(f"Forum wyniki {key}", row.result, row.achieved)


def _pptx(seen: Seen, key: str, data: bytes) -> None:
    deck = Presentation(io.BytesIO(data))
    for number, page in enumerate(deck.slides, start=1):
        texts = [shape.text_frame.text for shape in page.shapes if shape.has_text_frame]
        for before, label in itertools.pairwise(texts):
            if label in NAMES:   # a card: its value, then its label
                seen.label(f"PPTX slide {number} {key}", label, before, hidden_ok=True)
        for shape in page.shapes:
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in list(shape.table.rows)[1:]:
                    cells = [cell.text for cell in row.cells]
                    seen.label(f"PPTX wyniki {key}", cells[0], cells[2])


def test_the_home_page_and_the_now_strip_show_the_catalogues_values(demo):
    from dashboard.core.i18n import translate

    today = NOW.date()
    windows = {translate("pl", key): name for name, (key, _, _) in overview.WINDOWS.items()}
    at = _open("home.py")
    found = [(m.proto.label, m.value, m.proto.help) for m in at.metric]
    for markdown in at.markdown:
        match = re.match(r"^(.+): \*\*(.+)\*\*$", markdown.value.replace("\\", ""))
        if match:
            found.append((match.group(1), match.group(2), markdown.proto.help))
    assert len(found) == len(overview.REGISTER) + sum(len(m.figures or ()) for m in overview.MODULES)
    for label, text, help_text in found:
        match = re.match(r"^(.+) \((.+)\)$", label)
        name, window = (match.group(1), windows[match.group(2)]) if match and match.group(2) in windows else (label, None)
        indicator_id = NAMES[name]
        assert help_text == indicators.CATALOGUE[indicator_id].definition("pl")
        value = indicators.values(demo, COORDINATOR, *overview.window(window, today), [indicator_id])[indicator_id]
        shown, tolerance = parse(text)
        assert abs(shown - value) <= tolerance, (label, text, value)

    at = _open("utilisation.py")
    current = indicators.values(demo, COORDINATOR, today, today, utilisation.NOW_STRIP, at=NOW.replace(tzinfo=None))
    strip = Seen(dict(current.values))
    for metric in at.metric[:len(utilisation.NOW_STRIP)]:
        strip.label("Wykorzystanie (teraz)", metric.proto.label, metric.value)
    assert [r[1] for r in strip.rows] == list(utilisation.NOW_STRIP)
    strip.check()


def test_the_forum_page_shows_the_slides_figures(demo):
    at = _open("forum.py")
    at.segmented_control(key="forum_preset").set_value("custom").run()
    at.date_input(key="forum_custom").set_value(PERIODS["november"]).run()
    at.button(key="forum_next").click().run()
    values = indicators.values(demo, COORDINATOR, *PERIODS["november"])
    seen = Seen(dict(values.values))
    shown = _metrics(at, seen, "Forum (strona)")
    assert shown == list(forum.SLIDE_FIGURES["headline"])
    seen.check()


def test_no_two_surfaces_disagree_about_the_volunteer_hours_of_the_pilot(demo):
    """The issue's own example: 14 390 h under "Godziny wolontariatu" on one surface and 439,5 h on another."""
    values = indicators.values(demo, COORDINATOR, *PERIODS["pilot"])
    table = results.table(demo, COORDINATOR, *PERIODS["pilot"]).set_index("code")
    valued = budget.volunteer_valuation(demo, COORDINATOR, *PERIODS["pilot"])

    assert table.loc["volunteer_hours_centre", "achieved"] == values["volunteer_hours_centre"] == valued["hours"]
    assert valued["value_pln"] == values["volunteer_value_centre"]
    assert values["volunteer_hours_register"] > 3 * values["volunteer_hours_centre"]   # a different thing …
    assert indicators.CATALOGUE["volunteer_hours_register"].name("pl") != \
        indicators.CATALOGUE["volunteer_hours_centre"].name("pl")                        # … under a different name
    assert not math.isnan(table.loc["volunteer_hours_centre", "share"]) and table.loc["volunteer_hours_centre",
                                                                                      "share"] < 3
