"""The pilot report: the XLSX read back with openpyxl and the PDF's text (pypdf) hold the period and the figures
of a small November worked out by hand; an empty period's files still open and say so; no personal data."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time

import openpyxl
import pytest
from pypdf import PdfReader

from dashboard.core import clock
from dashboard.core.errors import ValidationError
from dashboard.services import reservations
from dashboard.services.education import advisory
from dashboard.services.register import organisations
from dashboard.services.reporting import budget, pilot_report
from tests.unit.builders import volunteer_hours

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
EMPTY = (date(2031, 3, 1), date(2031, 3, 31))
PERSONAL = ("Anna Kowalska", "Ewa Doradczyni", "Żółkiewska", "lucja.z@example.org", "Zielona", "Sąsiedzi")


@pytest.fixture
def november(db, admin, staff):
    """Two organisations: one books the room twice (4 h) and comes both times, the other gets 90 minutes of
    advice; one cost; 7.5 approved volunteer hours on the Centre's own opportunity. The report is made on
    Friday 20 November."""
    clock.freeze(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    room = reservations.create_resource(db, admin, {"kind": "room", "name": '=HYPERLINK("http://zla.example")',
                                                    "capacity": 20})
    first = organisations.create(db, staff, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja"})
    second = organisations.create(db, staff, {"name": "Stowarzyszenie Sąsiedzi", "legal_form": "stowarzyszenie"})
    booked = [reservations.create_booking(db, staff, {
        "resource_id": room, "organisation_id": first, "contact_person": "Anna Kowalska", "purpose": "Zebranie",
        "statutory_declared": True, "attendees": 10, "day": day, "start": time(10, 0), "end": time(12, 0)})
        for day in (date(2026, 11, 4), date(2026, 11, 6))]
    for day, booking in zip((4, 6), booked):
        clock.freeze(datetime(2026, 11, day, 9, 5, tzinfo=UTC))  # 10:05 in Łódź: they came
        reservations.check_in(db, staff, booking, 8)
    clock.freeze(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    advisory.add_advisory(db, staff, {"organisation_id": second, "advisor": "Ewa Doradczyni", "topic_code": "T2",
                                      "held_on": date(2026, 11, 18), "duration_min": 90, "form": "in_person",
                                      "question": "Skąd wziąć środki?"})
    budget.add_cost(db, staff, {"spent_on": date(2026, 11, 15), "category_code": "promotion",
                                "source_code": "city_grant", "amount_pln": "1234,56",
                                "description": "Plakaty — Anna Kowalska", "document_no": "FV/2026/11/001"})
    volunteer_hours(db, staff, [(date(2026, 11, 7), 6, "approved"), (date(2026, 11, 14), 1.5, "approved"),
                                (date(2026, 11, 15), 3, "pending")])
    return room


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _row(sheet, label: str) -> tuple:
    """The first row whose first cell is ``label``."""
    for row in sheet.iter_rows(values_only=True):
        if row[0] == label:
            return row
    raise AssertionError(f"{label!r} not on sheet {sheet.title}")


def _pdf_text(data: bytes) -> str:
    """The text of every page, line breaks of wrapped paragraphs and non-breaking spaces as plain spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def test_the_workbook_has_a_sheet_per_area_with_numbers_as_numbers(db, coordinator, november):
    book = _workbook(pilot_report.xlsx(db, coordinator, *NOVEMBER))

    assert book.sheetnames == ["Podsumowanie", "Rezultaty", "Sale i rezerwacje", "Edukacja", "Doradztwo",
                               "Organizacje", "Wolontariat", "Inicjatywy lokalne", "Budżet", "Definicje"]
    summary = book["Podsumowanie"]
    assert _row(summary, "Początek okresu")[1] == datetime(2026, 11, 1)
    assert _row(summary, "Działania liczone do dnia")[1] == datetime(2026, 11, 20)
    assert _row(summary, "Organizacje obsłużone")[1] == 2
    assert _row(summary, "Rezerwacje sal odbyte")[1] == 2
    assert _row(summary, "Godziny rezerwacji sal")[1] == 4
    assert _row(summary, "Godziny doradztwa")[1] == 1.5
    assert _row(summary, "Godziny wolontariatu dla Centrum")[1] == 7.5
    assert _row(summary, "Wartość pracy wolontariuszy dla Centrum")[1] == 262.5       # 7.5 h × 35 zł
    assert _row(summary, "Dotacja planowana")[1] == 100_000
    assert _row(summary, "Dotacja wykorzystana")[1] == pytest.approx(1234.56)
    assert _row(book["Organizacje"], "Razem (bez powtórzeń)")[1] == 2
    assert _row(book["Organizacje"], "Sale i stanowiska")[1] == 1 and _row(book["Organizacje"], "Doradztwo")[1] == 1
    assert _row(book["Rezultaty"], "Godziny doradztwa")[1:4] == (100, "w okresie", 1.5)
    assert _row(book["Wolontariat"], "2026-11")[1:3] == (7.5, 1)
    assert _row(book["Definicje"], "Godziny wolontariatu dla Centrum")[3] == 7.5
    grant = _row(book["Budżet"], "Dotacja Miasta Łodzi")
    assert grant[1:3] == (100_000, pytest.approx(1234.56))
    assert _row(book["Budżet"], "Wkład osobowy: praca wolontariuszy")[1:3] == (14_000, 262.5)
    number_cells = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert number_cells and all(c.data_type == "n" for c in number_cells)


def test_text_that_looks_like_a_formula_stays_text(db, coordinator, november):
    book = _workbook(pilot_report.xlsx(db, coordinator, *NOVEMBER))

    rooms = book["Sale i rezerwacje"]
    assert _row(rooms, "'=HYPERLINK(\"http://zla.example\")")[2] == 2
    assert not [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_the_pdf_holds_the_period_and_the_headline_figures(db, coordinator, november):
    text = _pdf_text(pilot_report.pdf(db, coordinator, *NOVEMBER))

    assert "Sprawozdanie z realizacji zadania publicznego" in text
    assert "Okres sprawozdawczy: 01.11.2026 – 30.11.2026" in text
    assert "działania policzono do dnia 20.11.2026" in text
    assert "Organizacje obsłużone 60 2 3,3 % poniżej celu" in text
    assert "Odbiorcy — Organizacje obsłużone: 2; Nowe organizacje: 2." in text
    assert "Konsultacje doradcze: 1; Godziny doradztwa: 1,5" in text
    assert "Rezerwacje sal odbyte: 2" in text and "Godziny rezerwacji sal: 4,0" in text
    assert "Dotacja Miasta Łodzi 100 000,00 zł 1 234,56 zł 1,2 %" in text
    assert "7,5 godz. × 35,00 zł/godz. = 262,50 zł" in text
    assert "Brak danych" not in text


def test_neither_file_holds_personal_data(db, coordinator, november):
    cells = " ".join(str(c.value) for ws in _workbook(pilot_report.xlsx(db, coordinator, *NOVEMBER))
                     for row in ws.iter_rows() for c in row if c.value is not None)
    text = _pdf_text(pilot_report.pdf(db, coordinator, *NOVEMBER))

    for personal in PERSONAL:
        assert personal not in cells and personal not in text, personal


def test_an_empty_period_still_gives_files_that_say_no_data(db, coordinator, november):
    book = _workbook(pilot_report.xlsx(db, coordinator, *EMPTY))
    text = _pdf_text(pilot_report.pdf(db, coordinator, *EMPTY))

    for sheet in book:
        first_cells = [row[0] for row in sheet.iter_rows(values_only=True)]
        assert "Brak danych w wybranym okresie." in first_cells, sheet.title
    assert _row(book["Podsumowanie"], "Organizacje obsłużone")[1] == 0
    assert "Okres sprawozdawczy: 01.03.2031 – 31.03.2031" in text
    assert "Brak danych w wybranym okresie." in text
    assert "Okres jeszcze się nie rozpoczął" in text


def test_a_future_period_measures_no_result(db, coordinator, november):
    figures = pilot_report.figures(db, coordinator, *EMPTY)

    assert not figures.has_data
    assert set(figures.results["light"]) == {"none"}


def test_the_english_workbook_has_english_labels_and_the_same_numbers(db, coordinator, november):
    book = _workbook(pilot_report.xlsx(db, coordinator, *NOVEMBER, lang="en"))

    assert book.sheetnames[0] == "Summary"
    assert _row(book["Summary"], "Organisations served")[1] == 2
    assert _row(book["Budget"], "City of Łódź grant")[1] == 100_000


@pytest.mark.parametrize("date_from, date_to, field, key", [
    (date(2026, 11, 30), date(2026, 11, 1), "date_to", "error.period_reversed"),
    (None, date(2026, 11, 1), "date_from", "report.error.period_empty"),
    (date(2026, 11, 1), "", "date_to", "report.error.period_empty"),
    ("1 listopada", date(2026, 11, 30), "date_from", "error.date_format"),
])
def test_a_bad_period_is_refused_with_a_message_for_its_field(db, coordinator, date_from, date_to, field, key):
    with pytest.raises(ValidationError) as refused:
        pilot_report.pdf(db, coordinator, date_from, date_to)

    assert refused.value.errors[field].key == key
