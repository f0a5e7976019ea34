"""The Forum PPTX holds native, editable charts (not pictures) whose series are the slides' data,
in the Centre's colours and Polish number formats, and builds quickly (issue 19)."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dashboard.services.reporting import forum
from dashboard.ui import charts, forum_export
from tests.unit.forum_dataset import FEBRUARY


@pytest.fixture
def deck_and_slides(pilot, coordinator):
    slides = forum.deck(pilot.db, coordinator, *FEBRUARY)
    started = time.perf_counter()
    data = forum_export.to_pptx(slides, "Centrum Obywatelskie", "Brak danych", "„<5” — mniej niż 5")
    return Presentation(io.BytesIO(data)), slides, time.perf_counter() - started


def _values(frame: pd.DataFrame) -> list[float | None]:
    return [None if v is None or v != v else float(v) for v in frame["value"]]


def test_charts_are_native_and_hold_the_slide_data(deck_and_slides):
    deck, slides, _ = deck_and_slides
    assert not [s for page in deck.slides for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    for slide, page in zip(slides, deck.slides):
        drawn = [c for c in slide.charts if not c.frame.empty and not c.sentence] if slide.table is None else []
        native = [s.chart for s in page.shapes if s.has_chart]
        assert len(native) == len(drawn), slide.key
        for chart, found in zip(drawn, native):
            series = found.plots[0].series[0]
            assert list(series.values) == _values(chart.frame), chart.key
            assert len(list(found.plots[0].categories)) == len(chart.frame)
            assert found.chart_title.text_frame.text == chart.title
    rooms = next(p for s, p in zip(slides, deck.slides) if s.key == "rooms")
    occupancy = next(s.chart for s in rooms.shapes if s.has_chart)
    assert occupancy.value_axis.tick_labels.number_format == "0%"
    education = next(p for s, p in zip(slides, deck.slides) if s.key == "education")
    bars = next(s.chart for s in education.shapes if s.has_chart)
    assert bars.plots[0].data_labels.number_format == "#,##0"            # Polish Office: "1 234"
    assert bars.value_axis.tick_labels.number_format == "#,##0"
    assert bars.plots[0].series[0].format.fill.fore_color.rgb == forum_export.CHART_COLOURS[0]
    assert str(forum_export.CHART_COLOURS[0]) == charts.PALETTE[0].lstrip("#")
    advisory = next(p for s, p in zip(slides, deck.slides) if s.key == "advisory")
    hours = next(s.chart for s in advisory.shapes if s.has_chart)
    assert hours.plots[0].data_labels.number_format == "#,##0.0"         # Polish Office: "2,5"


def test_an_all_suppressed_chart_is_a_sentence_and_notes_keep_the_definitions(deck_and_slides):
    deck, slides, _ = deck_and_slides
    index = next(i for i, s in enumerate(slides) if s.key == "volunteering")
    page = deck.slides[index]
    assert not [s for s in page.shapes if s.has_chart]     # one volunteer: the only bar would be "<5"
    texts = [s.text_frame.text for s in page.shapes if s.has_text_frame]
    assert "W każdym miesiącu mniej niż 5 wolontariuszy — godzin nie pokazujemy." in texts
    assert "Definicje liczb na tym slajdzie:" in page.notes_slide.notes_text_frame.text


def test_a_suppressed_bar_has_no_value_and_says_so_in_its_label():
    chart = forum.Chart("x", "Godziny", pd.DataFrame({"category": ["03.2026", "04.2026"], "value": [None, 12.5],
                                                      "text": ["<5", "12,5"]}), "Godziny")
    data = forum_export.chart_data(chart)
    assert [c.label for c in data.categories] == ["03.2026 (<5)", "04.2026"]
    assert list(data[0].values) == [None, 12.5]
    assert forum_export.number_format(chart) == "#,##0.0"


def test_the_deck_builds_quickly(deck_and_slides):
    _, _, seconds = deck_and_slides
    assert seconds < 2.0
