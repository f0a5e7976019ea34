"""Forum mode: every slide figure against February 2026 worked out by hand (``forum_dataset``), small
counts shown as "<5", no personal data on the slides or in the PPTX, and the PPTX readable."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Inches

from dashboard.core import i18n
from dashboard.core.errors import ValidationError
from dashboard.services.reporting import forum
from dashboard.ui import forum_export
from tests.unit.forum_dataset import FEBRUARY, leaks, personal_values


@pytest.fixture
def slides(pilot, coordinator):
    return {s.key: s for s in forum.deck(pilot.db, coordinator, *FEBRUARY)}


def figures(slide) -> dict[str, tuple[float | None, str]]:
    return {f.key: (f.value, f.text) for f in slide.figures}


def chart(slide, key: str) -> list[tuple[str, float | None, str]]:
    frame = next(c for c in slide.charts if c.key == key).frame
    return [(r.category, None if pd.isna(r.value) else r.value, r.text) for r in frame.itertuples()]


def test_the_deck_holds_the_slides_in_order(slides):
    assert list(slides) == ["title", "headline", "rooms", "education", "organisations", "advisory", "volunteering",
                            "initiatives", "results"]
    assert slides["title"].subtitle == "Okres: 01.02.2026 – 28.02.2026"


def test_headline_figures(slides):
    assert figures(slides["headline"]) == {
        "organisations_served": (5, "5"),     # A, B (rooms, advice), D, E, F (the training); C only failed to come
        "new_organisations": (5, "5"),        # all five were served for the first time in February
        "bookings_held": (3, "3"),            # A twice, B once: bookings, not people, shown as they are
        "events_held": (1, "1"),
        "participants": (6, "6"),
        "advisory_hours": (2.5, "2,5"),       # 90 + 60 minutes
        "volunteer_hours_centre": (5.5, "5,5"),      # 3.5 + 2 approved, on the Centre's own opportunity
        "volunteer_value_centre": (220.0, i18n.fmt_money(220, lang="pl")),  # 5.5 h × 40 zł
    }
    assert figures(slides["headline"])["volunteer_value_centre"][1] == "220,00\xa0zł"


def test_rooms_figures_and_weekly_occupancy(slides):
    assert figures(slides["rooms"]) == {
        # 2+2+2+4 h booked + the training's 2 h, of February's own days only: 20 working days × 8 h
        "occupancy": (pytest.approx(12 / 160), "8%"),
        "room_hours_booked": (12, "12,0"),
        "no_show_rate": (None, "—"),                    # 1 of 4 bookings that took place: too few to show a rate
        "evenings_used": (1, "1 z 8"),                 # Thu 5 Feb after 18:00, of February's 8 Tuesdays and Thursdays
        "workstation_occupancy": (None, "—"),           # the Centre has no workstation
    }
    # The week of 26 January holds only Sunday 1 February (closed): nothing open, no rate.
    assert chart(slides["rooms"], "occupancy") == [
        ("26.01.2026", None, "—"), ("02.02.2026", 0.15, "15%"), ("09.02.2026", 0.15, "15%"),
        ("16.02.2026", 0.0, "0%"), ("23.02.2026", 0.0, "0%")]


def test_education_figures_and_suppressed_charts(slides):
    assert figures(slides["education"]) == {
        "events_held": (1, "1"), "participants": (6, "6"),
        "attendance_rate": (pytest.approx(5 / 6), "83%"),   # 5 present of 6 marks
        "rating": (pytest.approx(4.2), "4,2 / 5"),           # (5 + 4 + 4 + 3 + 5) / 5
    }
    assert chart(slides["education"], "events_by_type") == [("szkolenie", 1.0, "1")]        # events: not people
    assert chart(slides["education"], "events_by_topic") == [("Pozyskiwanie środków", 1.0, "1")]


def test_organisations_advisory_volunteering_and_initiatives(slides):
    assert figures(slides["organisations"]) == {"organisations_served": (5, "5"), "new_organisations": (5, "5"),
                                                "organisations_advised": (2, "2")}
    assert chart(slides["organisations"], "organisations_by_service") == [
        ("Sale (rezerwacje)", 2.0, "2"), ("Szkolenia i spotkania", 3.0, "3"), ("Doradztwo", 2.0, "2")]
    assert chart(slides["organisations"], "new_organisations") == [("02.2026", 5.0, "5")]
    assert figures(slides["advisory"]) == {"advisory_hours": (2.5, "2,5"), "advisory_sessions": (2, "2"),
                                           "organisations_advised": (2, "2")}
    assert chart(slides["advisory"], "advisory_by_topic") == [
        ("Pozyskiwanie środków", 1.5, "1,5"), ("Aspekty prawne i rejestracja organizacji", 1.0, "1,0")]
    assert figures(slides["volunteering"]) == {"volunteer_hours_register": (5.5, "5,5"), "volunteers_register": (1, "<5"),
                                               "volunteer_hours_centre": (5.5, "5,5"),
                                               "volunteer_value_centre": (220.0, "220,00\xa0zł")}
    assert chart(slides["volunteering"], "volunteer_hours") == [("02.2026", None, "<5")]  # one person's hours
    # every month under 5 volunteers: one sentence instead of an empty chart
    assert next(c for c in slides["volunteering"].charts).sentence == \
        "W każdym miesiącu mniej niż 5 wolontariuszy — godzin nie pokazujemy."
    assert figures(slides["initiatives"]) == {"initiatives_submitted": (1, "1"), "initiative_osiedla": (1, "1")}
    assert chart(slides["initiatives"], "initiatives_by_osiedle") == [("Śródmieście-Wschód", 1.0, "1")]


def test_results_table(slides):
    table = slides["results"].table.set_index("code")
    assert table["achieved"].to_dict() == {
        "room_hours_per_week": "40,0", "evenings_per_week": "2,0", "trainings_held": "1", "participants": "6",
        "organisations_served": "5", "advisory_hours": "2,5", "volunteer_hours_centre": "5,5"}
    assert table.loc["room_hours_per_week", "light"] == "green" and table.loc["participants", "light"] == "red"
    # "% celu" is the catalogue's share of the target, said in the status; never for a count shown as "<5"
    assert table.loc["participants", "status"] == "poniżej celu — 2 % celu"          # 6 of 300
    assert table.loc["trainings_held", "status"].startswith("poniżej celu — ")   # a count of trainings is shown
    assert table.loc["participants", "share"] == pytest.approx(6 / 300)


@pytest.mark.parametrize("value, text", [(0, "0"), (1, "<5"), (4, "<5"), (4.0, "<5"), (5, "5"), (1234, "1\xa0234"),
                                         (None, "—")])
def test_a_count_under_five_is_shown_as_less_than_five(value, text):
    assert forum.count_text(value, "pl") == text


def test_suppression_hides_the_value_of_a_small_category_in_a_chart():
    frame = pd.DataFrame({"name": ["a", "b", "c"], "people": [12, 3, 0], "hours": [30.5, 7.0, 0.0]})
    shown = forum.suppressed(frame, "name", "people", "hours", lambda v: f"{v:.1f}")
    assert [(r.category, None if pd.isna(r.value) else r.value, r.text) for r in shown.itertuples()] == [
        ("a", 30.5, "30.5"), ("b", None, "<5"), ("c", 0.0, "0.0")]


def _slide_texts(slides) -> str:
    parts = []
    for s in slides:
        parts += [s.title, s.subtitle, s.note, *s.table_headers]
        parts += [t for f in s.figures for t in (f.label, f.text)]
        for c in s.charts:
            parts += [c.title, c.note, c.value_title, *map(str, c.frame["category"]), *map(str, c.frame["text"])]
        if s.table is not None:
            parts += [str(v) for v in s.table.drop(columns=["value"]).to_numpy().ravel()]
    return "\n".join(parts)


def _pptx_texts(data: bytes) -> str:
    deck = Presentation(io.BytesIO(data))
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


@pytest.mark.parametrize("role", ["staff", "coordinator"])
def test_no_name_email_or_phone_reaches_the_slides_or_the_pptx(pilot, request, role):
    actor = request.getfixturevalue(role)
    values = personal_values(pilot.db)
    assert {"Zofia Zielińska", "biuro@zielona-lodz.pl", "42 638 44 00", "Agnieszka Nowakowska", "Łucja Żółkiewska",
            "Jan Kowalski", "601 234 567", "Fundacja Zielona Łódź"} <= values  # the scan knows the people
    slides = forum.deck(pilot.db, actor, *FEBRUARY)
    data = forum_export.to_pptx(slides, "Centrum Obywatelskie", "Brak danych")

    assert leaks(_slide_texts(slides), values) == []
    assert leaks(_pptx_texts(data), values) == []


def test_the_scan_would_catch_a_leak():
    assert leaks("Prowadząca: ZOFIA ZIELIŃSKA, tel. 42 638 44 00", {"Zofia Zielińska", "42 638 44 00", "x@y.pl"}) == [
        "42 638 44 00", "Zofia Zielińska"]


def test_the_pptx_opens_as_16_by_9_and_holds_the_figures(pilot, coordinator):
    slides = forum.deck(pilot.db, coordinator, *FEBRUARY)
    deck = Presentation(io.BytesIO(forum_export.to_pptx(slides, "Centrum Obywatelskie", "Brak danych",
                                                        "„<5” — mniej niż 5")))

    assert deck.slide_height == Inches(7.5) and deck.slide_width / deck.slide_height == pytest.approx(16 / 9, abs=1e-3)
    assert len(deck.slides) == len(slides) == 9
    headline = [s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame]
    for text in ("Najważniejsze liczby", "5", "3", "1", "6", "2,5", "5,5", "220,00\xa0zł", "Organizacje obsłużone"):
        assert text in headline, text
    assert not [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]   # charts are native
    table = next(s.table for s in deck.slides[8].shapes if getattr(s, "has_table", False) and s.has_table)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Rezultat", "Cel", "Osiągnięto", "Stan"]
    assert rows[4][:3] == ["Uczestnicy wydarzeń", "300", "6"] and rows[3][2] == "1"
    volunteering = [s.text_frame.text for s in deck.slides[6].shapes if s.has_text_frame]
    assert "„<5” — mniej niż 5" in volunteering  # one volunteer: "<5", so the slide says what that means
    assert "„<5” — mniej niż 5" not in headline  # nothing on the headline counts people under 5
    assert not any("mniej niż 5" in s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    notes = deck.slides[1].notes_slide.notes_text_frame.text
    assert notes.startswith("Organizacje obsłużone to organizacje")


def test_the_speaker_notes_define_every_figure_on_their_slide(pilot, coordinator):
    from dashboard.services.reporting import indicators

    slides = forum.deck(pilot.db, coordinator, *FEBRUARY)
    deck = Presentation(io.BytesIO(forum_export.to_pptx(slides, "Centrum Obywatelskie", "Brak danych")))

    for slide, page in zip(slides, deck.slides):
        notes = page.notes_slide.notes_text_frame.text
        shown = [f.key for f in slide.figures] + (list(slide.table["code"]) if slide.table is not None else [])
        for key in shown:
            ind = indicators.CATALOGUE[key]
            assert f"{ind.name('pl')}: {ind.definition('pl')}" in notes, (slide.key, key)
        if shown:
            assert "Definicje liczb na tym slajdzie:" in notes
    rooms = next(page for slide, page in zip(slides, deck.slides) if slide.key == "rooms")
    assert "Wieczory otwarte (sala do 20:00): Dni, w które sala była otwarta do 20:00" in \
        rooms.notes_slide.notes_text_frame.text  # "<5 z 8": what the 8 counts


def test_an_empty_period_still_gives_a_deck_that_says_no_data(pilot, coordinator):
    slides = forum.deck(pilot.db, coordinator, date(2030, 1, 1), date(2030, 1, 31))
    assert [s.key for s in slides] == ["title", "no_data"]
    deck = Presentation(io.BytesIO(forum_export.to_pptx(slides, "Centrum Obywatelskie", "Brak danych")))
    assert "Brak danych w wybranym okresie." in _pptx_texts(forum_export.to_pptx(slides, "x", "y"))
    assert len(deck.slides) == 2


@pytest.mark.parametrize("start, end, key", [(date(2026, 3, 1), date(2026, 2, 1), "error.period_reversed"),
                                             (None, date(2026, 2, 1), "forum.error.period_missing"),
                                             (date(2020, 1, 1), date(2026, 1, 1), "forum.error.period_too_long")])
def test_a_bad_period_is_refused_with_a_message(pilot, coordinator, start, end, key):
    with pytest.raises(ValidationError) as refused:
        forum.deck(pilot.db, coordinator, start, end)
    assert refused.value.errors["period"].key == key


def test_the_chart_images_carry_the_suppressed_label_not_a_bar():
    chart = forum.Chart("x", "Wydarzenia", pd.DataFrame({"category": ["szkolenie", "spotkanie"], "value": [None, 12.0],
                                                         "text": ["<5", "12"]}), "Wydarzenia")
    spec = forum_export.chart_spec(chart, 400, 200)
    data = next(iter(spec["datasets"].values()))
    assert [(row["category"], row["position"], row["text"]) for row in data] == [
        ("szkolenie", 0.0, "<5"), ("spotkanie", 12.0, "12")]


def test_suppression_protects_people_not_procedures():
    """A small fixed dataset: persons under 5 are "<5"; organisations and initiatives are shown as they are;
    a chart whose every bar would be "<5" becomes one sentence."""
    osiedla = pd.DataFrame({"osiedle": ["Bałuty", "Widzew", "Polesie"], "residents": [3, 12, 1],
                            "organisations": [2, 7, 1], "initiatives": [1, 4, 0]})
    residents = forum.suppressed(osiedla, "osiedle", "residents")
    assert list(residents["text"]) == ["<5", "12", "<5"] and residents["value"].isna().tolist() == [True, False, True]
    assert list(forum.plain(osiedla, "osiedle", "organisations")["text"]) == ["2", "7", "1"]
    assert list(forum.plain(osiedla, "osiedle", "initiatives")["value"]) == [1.0, 4.0, 0.0]
    few = forum.suppressed(osiedla.assign(residents=[3, 2, 1]), "osiedle", "residents")
    sentence = "Na każdym osiedlu mniej niż 5 mieszkańców."
    assert forum.people_chart("r", "Mieszkańcy", few, "Osoby", sentence).sentence == sentence
    assert forum.people_chart("r", "Mieszkańcy", residents, "Osoby", sentence).sentence == ""
    assert forum.people_chart("r", "Mieszkańcy", residents.iloc[0:0], "Osoby", sentence).sentence == ""
    assert {"participants", "volunteers_register"} <= forum.PERSONS
    assert not forum.PERSONS & {"organisations_served", "initiatives_submitted", "events_held", "advisory_hours"}
