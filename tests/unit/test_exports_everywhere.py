"""Every download the product offers, made from the demo data and from edge data, opened with the library that
reads it (csv, openpyxl, pypdf, python-pptx, json, zipfile), holding what it was given; formula-looking text
comes out inert in every spreadsheet (a text cell with a leading apostrophe, as ``core/exports.py`` does).

The downloads (``download_button`` in pages/ and dashboard/ui; ``test_every_download_button_is_covered_here``
fails when a new one appears that this file does not know):

- CSV + XLSX lists (``exports.to_csv`` / ``to_xlsx``): bookings, an event's participants, opportunities,
  initiatives, initiatives per osiedle, volunteers, volunteer hours, advisory log, the rows behind a figure
  (``ui/traceable``, utilisation and results pages), the import templates (CSV);
- the pilot report XLSX + PDF (``services/reporting/pilot_report``);
- the forum PPTX (``ui/forum_export``);
- training certificates (PDF, one or all in a ZIP) and the attendance sheet PDF (``services/education/certificates``);
- a volunteer's data export JSON + PDF, certificate and reference PDFs (``services/volunteers/gdpr``).
Not here: the chart PNG/SVG (``tests/unit/test_chart_images.py``) and backup files (``tests/unit/test_backup.py``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.escape import unescape
from pptx import Presentation
from pypdf import PdfReader

from dashboard.core import clock, exports
from dashboard.core.i18n import translate
from dashboard.core.roles import Actor
from dashboard.services.admin import importer
from dashboard.services.education import advisory, certificates, enrolment, trainings
from dashboard.services.initiatives import views as initiative_views
from dashboard.services.reporting import forum, pilot_report, results, utilisation
from dashboard.services.reservations import booking_views
from dashboard.services.volunteers import gdpr, work
from dashboard.services.volunteers import register as volunteers
from dashboard.ui import forum_export, traceable
from db.connection import close_database, get_database

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("ala.admin", "admin", "Ala Admin")
COORDINATOR = Actor("koordynatorka", "coordinator", "Kinga Koordynatorka")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = ["=1+1", "+48", "-2", "@SUM(A1)", "\t=cmd", "\r=x", '=HYPERLINK("http://zla.example","kliknij")']
LONG = ("Łódź żółć " * 1000)[:10_000]  # 10,000 characters, Polish letters throughout


# -- reading the files back ----------------------------------------------------------------------------------------
def inert(text: str) -> str:
    """What a formula-looking text must become in a spreadsheet (the rule, written out independently)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) \
        or (isinstance(value, np.datetime64) and np.isnat(value))


def _as_text(value) -> str | None:
    """The text a cell holding ``value`` shows, for text-like values (None for numbers, dates, missing)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join("" if _missing(v) else str(v) for v in value)
    if isinstance(value, str):
        return value
    return None


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, as Polish Excel needs"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(data: bytes, columns: int, rows: int) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    cells = [list(r) for r in sheet.iter_rows(min_row=1, max_row=rows + 1, max_col=max(columns, 1))]
    for row in cells:
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
            if isinstance(cell.value, str) and unescape(cell.value).startswith(FORMULA_START):
                raise AssertionError(f"{cell.coordinate} starts like a formula: {cell.value!r}")
    assert sheet.max_row <= rows + 1
    return [[unescape(c.value) if isinstance(c.value, str) else c.value for c in row] for row in cells]


def check_table_exports(frame: pd.DataFrame, sheet: str = "Dane") -> None:
    """CSV and XLSX of ``frame`` open, have its header, its rows and its values; formula text inert."""
    header = [inert(str(c)) for c in frame.columns]
    records = list(frame.itertuples(index=False, name=None))

    table = read_csv(exports.to_csv(frame))
    if frame.shape[1] == 1 and all(_missing(r[0]) for r in records):
        table = [row or [""] for row in table]
    assert table[0] == header
    assert len(table) == len(records) + 1
    for row, values in zip(table[1:], records):
        assert len(row) == len(header)
        for cell, value in zip(row, values):
            text = _as_text(value)
            if _missing(value):
                assert cell == ""
            elif text is not None:
                assert cell == inert(text)
            else:
                assert cell != ""

    book = read_xlsx(exports.to_xlsx(frame, sheet), len(header), len(records))
    assert list(book[0][:len(header)]) == header
    for row, values in zip(book[1:], records):
        for cell, value in zip(row, values):
            text = _as_text(value)
            if _missing(value):
                assert cell is None
            elif text is not None:
                assert (cell or "") == inert(text), (cell, value)  # an empty text is a blank cell
            elif isinstance(value, (bool, np.bool_)):
                assert cell == bool(value)
            elif isinstance(value, (int, float, Decimal, np.integer, np.floating)):
                assert cell == pytest.approx(float(value))
            else:
                assert cell is not None


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def compact(text: str) -> str:
    """Text without any spaces: a long name wraps onto two lines of a PDF, and extraction puts a space there."""
    return "".join(text.split())


def pptx_text(data: bytes) -> tuple[int, str]:
    deck = Presentation(io.BytesIO(data))
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return len(deck.slides), " ".join(" ".join(texts).split())


# -- the data ------------------------------------------------------------------------------------------------------
def edge_frame() -> pd.DataFrame:
    """One column per awkward kind of value, as pages hand them to exports (pandas 3 dtypes)."""
    n = len(FORMULAS) + 3
    text = FORMULAS + ["Łódź", "żółć", LONG]
    return pd.DataFrame({
        "=SUM(A1)": text,                                          # a formula as a column name, too
        "pusta": [None] * n,                                        # empty in every row (object)
        "pusty tekst": pd.Series([None] * n, dtype="str"),          # empty in every row (pandas 3 str)
        "NaN": [float("nan")] * n,
        "NaT": pd.Series([pd.NaT] * n, dtype="datetime64[us]"),
        "liczba": [-2, 0, 1, 48, 10**12, -1, 7, 3, 4, 5],
        "ułamek": [-2.5, 0.1, None, 1e-9, 3.0, float("nan"), 1.5, 2.25, -0.0, 1e12],
        "kwota": [Decimal("471362.50"), Decimal("-1.00"), None, Decimal("0"), Decimal("1.5"), Decimal("2"),
                  Decimal("3"), Decimal("4"), Decimal("5"), Decimal("6")],
        "Int64": pd.array([1, None, -3, 4, None, 6, 7, 8, 9, 10], dtype="Int64"),
        "tak/nie": pd.array([True, False, None, True, False, True, False, True, False, True], dtype="boolean"),
        "dzień": [date(2026, 3, 2), None, date(1999, 12, 31), date(2026, 11, 3), None, date(2026, 1, 1),
                  date(2026, 2, 28), date(2026, 2, 1), date(2026, 6, 30), date(2030, 1, 1)],
        "chwila": pd.to_datetime(["2026-03-02 10:00", None, "2026-11-03 16:00", "2026-03-29 02:30", None,
                                  "2026-10-25 02:30", "2026-01-01 00:00", "2026-01-02 00:00", "2026-01-03 00:00",
                                  "2026-01-04 00:00"]),
        "strefa": pd.to_datetime(["2026-03-02 09:00"] * n, utc=True),
        "lista": [["=x", "Łódź"], [], None, ["+48"], np.array(["a", "b"]), ["żółć"], [], ["-2"], ["@"], ["x"]],
        "mieszane": ["=1+1", 5, None, 2.5, date(2026, 1, 1), "Łódź", float("nan"), "-2", "@x", True],
    })


def test_the_edge_frame_exports_to_csv_and_xlsx_intact_and_inert():
    frame = edge_frame()
    check_table_exports(frame, "Rezerwacje: [żółć]/2026?")  # a sheet name Excel would refuse as given

    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame)))
    sheet = book.active
    values = {sheet.cell(1, c).value: [sheet.cell(r, c) for r in range(2, len(frame) + 2)]
              for c in range(1, frame.shape[1] + 1)}
    texts = values["'=SUM(A1)"]
    assert [unescape(c.value) for c in texts[:len(FORMULAS)]] == ["'" + f for f in FORMULAS]
    assert all(c.data_type == "s" for c in texts)
    assert texts[-1].value == LONG and len(texts[-1].value) == 10_000
    assert [c.value for c in values["liczba"]][:2] == [-2, 0]  # a negative number stays a number
    assert values["dzień"][0].value == datetime(2026, 3, 2)
    assert values["chwila"][2].value == datetime(2026, 11, 3, 16, 0)
    assert values["strefa"][0].value == datetime(2026, 3, 2, 10, 0)  # UTC 09:00 is 10:00 in Łódź (CET)
    assert values["lista"][0].value == "'=x, Łódź"
    assert {c.value for c in values["pusta"]} == {None}


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"organizacja": [None, None], "telefon": [None, None], "imię": ["Łucja", "Jan"]}),
    pd.DataFrame({"organizacja": pd.Series([None, None, None], dtype="str")}),
    pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="float64")}),
    pd.DataFrame(columns=["Nazwa", "=NIP"]),
    pd.DataFrame({"liczba": [float("nan")]}),
], ids=["empty-columns", "one-empty-str-column", "no-rows", "headers-only", "one-nan"])
def test_empty_columns_and_empty_tables_export(frame):
    check_table_exports(frame)


# -- demo data: a private copy of the app's demo database ------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(app_install, tmp_path_factory):
    """The demo database the app starts with, copied so this module may add to it."""
    target = tmp_path_factory.mktemp("exports") / "demo.duckdb"
    shutil.copyfile(app_install / "civic.duckdb", target)
    database = get_database(target)
    yield database
    close_database(target)


@pytest.fixture(scope="module")
def period(demo) -> tuple[date, date]:
    return utilisation.pilot_period(demo)


def test_booking_lists_export_whole_and_filtered_to_each_organisation(demo):
    everything = booking_views.search(demo, ADMIN, limit=1000)
    assert len(everything) > 100
    check_table_exports(everything)
    organisation_ids = [r[0] for r in demo.rows("select distinct organisation_id from booking where "
                                                "organisation_id is not null order by 1 limit 30")]
    for organisation_id in organisation_ids:
        check_table_exports(booking_views.search(demo, ADMIN, organisation_id=organisation_id))
    check_table_exports(booking_views.search(demo, COORDINATOR, organisation_id=organisation_ids[0]))


def test_events_participant_lists_export(demo):
    """Every list with a column empty in every row (what stopped the XLSX), and the first ten of the others."""
    events = [r[0] for r in demo.rows("select id from event order by id")]
    lists = [enrolment.participants(demo, ADMIN, e, include_cancelled=True).drop(columns=["enrolment_id"])
             for e in events]
    empty = [len(people) > 0 and bool(people.isna().all().any()) for people in lists]
    assert any(empty), "the demo has participant lists with a column empty in every row"
    others = [people for people, has_empty in zip(lists, empty) if not has_empty]
    for people in [people for people, has_empty in zip(lists, empty) if has_empty] + others[:10]:
        check_table_exports(people)
    check_table_exports(enrolment.participants(demo, COORDINATOR, events[0]))  # contacts masked


def test_register_lists_export(demo, period):
    check_table_exports(work.list_opportunities(demo, ADMIN))
    check_table_exports(initiative_views.list_initiatives(demo, ADMIN))
    check_table_exports(initiative_views.per_osiedle(demo, ADMIN))
    for year in initiative_views.years(demo, ADMIN)[:2]:
        check_table_exports(initiative_views.per_osiedle(demo, ADMIN, year=year))
    for actor in (ADMIN, COORDINATOR):
        check_table_exports(volunteers.list_volunteers(demo, actor))
    check_table_exports(advisory.advisory_log(demo, ADMIN, *period))
    for by in ("month", "organisation", "opportunity", "volunteer"):
        check_table_exports(work.totals(demo, ADMIN, by, *period))


def test_the_rows_behind_every_figure_export(demo, period):
    for kpi in utilisation.KPIS:
        rows = utilisation.kpi_rows(demo, ADMIN, kpi, *period)
        check_table_exports(traceable.readable(rows))
    for code in results.ROWS_OF:
        check_table_exports(traceable.readable(results.achieved_rows(demo, COORDINATOR, code, *period)))


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("kind", importer.KINDS)
def test_import_templates_are_the_header_of_an_empty_sheet(kind, lang):
    header = importer.template(kind, lang)
    table = read_csv(exports.to_csv(pd.DataFrame(columns=header)))
    assert table == [[inert(h) for h in header]]


# -- the pilot report and the forum deck ---------------------------------------------------------------------------
def _workbook_is_inert(data: bytes) -> openpyxl.Workbook:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    assert not unescape(cell.value).startswith(FORMULA_START), f"{sheet.title}!{cell.coordinate}"
    return book


EMPTY_PERIOD = (date(2040, 3, 1), date(2040, 3, 31))


def test_pilot_report_xlsx_from_demo_data_and_an_empty_period(demo, period):
    book = _workbook_is_inert(pilot_report.xlsx(demo, COORDINATOR, *period))
    assert len(book.sheetnames) >= 5 and book.worksheets[0]["A1"].value
    _workbook_is_inert(pilot_report.xlsx(demo, COORDINATOR, *EMPTY_PERIOD))


def test_pilot_report_pdf_of_an_empty_period(demo):
    assert "Łodzi" in pdf_text(pilot_report.pdf(demo, COORDINATOR, *EMPTY_PERIOD))


def test_pilot_report_pdf_from_demo_data(demo, period):
    # The demo's pilot period has a result with no data (NaN under pandas 3): int(NaN) once stopped this PDF.
    assert "Łodzi" in pdf_text(pilot_report.pdf(demo, COORDINATOR, *period))


def test_forum_pptx_from_demo_data_and_an_empty_period(demo, period, lang="pl"):
    for date_from, date_to in (period, EMPTY_PERIOD):
        slides = forum.deck(demo, COORDINATOR, date_from, date_to, lang)
        data = forum_export.to_pptx(slides, translate(lang, "forum.footer", period=slides[0].subtitle),
                                    translate(lang, "forum.no_data"), translate(lang, "forum.suppressed_note"))
        count, text = pptx_text(data)
        assert count == len(slides)
        assert slides[0].subtitle in text


# -- edge records made through the services, in the demo copy ---------------------------------------------------------
EDGE_NAME = "=1+1 Żółć-Łódź"  # staff may type a name like this; stored as typed, inert in every export


def _tuesday_far_ahead() -> date:
    """A Tuesday three years ahead (no demo booking there), in March: no public holiday near."""
    day = date(clock.today().year + 3, 3, 10)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture(scope="module")
def edge_training(demo):
    """A training with participants named like formulas and with Polish letters; they came to its session."""
    tuesday = _tuesday_far_ahead()
    clock.freeze(datetime.combine(tuesday - timedelta(days=1), time(8, 0), tzinfo=clock.WARSAW))
    try:
        event_id = trainings.create_event(demo, ADMIN, {
            "title": "Księgowość =SUM(A1) w małej fundacji", "event_type": "training", "topics": ["T5"],
            "description": "@opis", "trainer_name": "Łucja Żółkiewska", "trainer_organisation": "+48 Fundacja",
            "resource_id": 1, "capacity": 15, "target_group": "organizacje pozarządowe",
            "sessions": [{"day": tuesday, "start": time(16), "end": time(19)}]})
        names = [EDGE_NAME, "-2 Źdźbło Ęą", "@SUM(A1) Ólga", "Ż" * 200]
        ids = [enrolment.enrol(demo, ADMIN, event_id, {"full_name": name, "email": f"uczestnik{n}@example.org",
                                                        "consent": True})["id"] for n, name in enumerate(names)]
        session_id = trainings.get_event(demo, ADMIN, event_id)["sessions"][0]["id"]
        clock.freeze(datetime.combine(tuesday, time(19, 30), tzinfo=clock.WARSAW))
        enrolment.record_attendance(demo, ADMIN, session_id, dict.fromkeys(ids, True))
    finally:
        clock.freeze(None)
    return event_id, dict(zip(ids, names))


def test_edge_participants_export_and_get_their_certificates_and_sheet(demo, edge_training):
    event_id, people = edge_training
    listed = enrolment.participants(demo, ADMIN, event_id)
    assert set(listed["full_name"]) == set(people.values())
    check_table_exports(listed.drop(columns=["enrolment_id"]))

    for enrolment_id, name in people.items():
        assert compact(name) in compact(pdf_text(certificates.certificate_pdf(demo, ADMIN, enrolment_id)))
    sheet = compact(pdf_text(certificates.attendance_sheet_pdf(demo, ADMIN, event_id)))
    for name in people.values():
        assert compact(name) in sheet
    assert compact("Księgowość =SUM(A1) w małej fundacji") in sheet
    with zipfile.ZipFile(io.BytesIO(certificates.certificates_zip(demo, ADMIN, event_id))) as archive:
        assert archive.testzip() is None
        texts = [compact(pdf_text(archive.read(member))) for member in archive.namelist()]
    assert len(texts) == len(people)
    for name in people.values():
        assert any(compact(name) in text for text in texts), name


def test_demo_trainings_certificates_and_sheets(demo):
    held = demo.rows("select distinct e.event_id from enrolment e join attendance a on a.enrolment_id = e.id "
                     "where a.present and e.status = 'enrolled' order by 1 limit 2")
    assert held
    for (event_id,) in held:
        sheet = pdf_text(certificates.attendance_sheet_pdf(demo, ADMIN, event_id))
        with zipfile.ZipFile(io.BytesIO(certificates.certificates_zip(demo, ADMIN, event_id))) as archive:
            members = archive.namelist()
            assert members and all(archive.read(m).startswith(b"%PDF") for m in members)
        enrolment_id, name = demo.rows("select e.id, e.full_name from enrolment e join attendance a on "
                                       "a.enrolment_id = e.id where a.present and e.status = 'enrolled' and "
                                       "e.event_id = ? order by e.id limit 1", [event_id])[0]
        assert name in pdf_text(certificates.certificate_pdf(demo, ADMIN, enrolment_id))
        assert name in sheet


@pytest.fixture(scope="module")
def edge_volunteer(demo) -> int:
    """A volunteer whose every text field is awkward, with approved hours and a certificate and reference asked for."""
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    try:
        vid = volunteers.register(demo, ADMIN, {
            "first_name": EDGE_NAME, "last_name": "@Żółkiewska-Łódź", "email": "zolc.lodz@example.org",
            "phone": "+48 601 234 567", "birth_date": date(1990, 5, 1), "skills": ["events"],
            "availability": ["sat_morning"], "status": "active", "consent": True, "consent_on": date(2026, 1, 10),
            "notes": "-2 " + LONG[:1990], "found_via": "=HYPERLINK(\"x\")"})
        agreement = volunteers.add_agreement(demo, ADMIN, vid, {
            "scope": "=Pomoc przy wydarzeniach", "starts_on": date(2026, 2, 1), "ends_on": date(2026, 2, 28),
            "form": "written", "signed_on": date(2026, 2, 1)})
        volunteers.record_insurance(demo, ADMIN, agreement, "NNW/2026/1", date(2026, 2, 1))
        volunteers.activate_agreement(demo, ADMIN, agreement)
        opportunity = work.create_opportunity(demo, ADMIN, {
            "title": "Piknik +48 sąsiedzki", "starts_at": datetime(2026, 2, 1, 9), "ends_at": datetime(2026, 2, 28, 17),
            "skills": ["events"], "needed": 3})
        assignment = work.assign(demo, ADMIN, opportunity, vid)
        work.confirm(demo, ADMIN, assignment)
        hours = work.log_hours(demo, ADMIN, assignment, {"work_date": date(2026, 2, 10), "hours": 3.5,
                                                          "description": "@SUM(A1) sprzątanie Łódź"})
        work.decide_hours(demo, ADMIN, hours, True)
    finally:
        clock.freeze(None)
    return vid


def test_edge_volunteer_in_the_register_and_hours_exports(demo, edge_volunteer):
    listed = volunteers.list_volunteers(demo, ADMIN, text="Żółkiewska-Łódź")
    assert len(listed) == 1
    check_table_exports(listed)
    check_table_exports(volunteers.list_volunteers(demo, COORDINATOR, text="Żółkiewska-Łódź"))
    check_table_exports(work.totals(demo, ADMIN, "volunteer"))
    check_table_exports(work.list_opportunities(demo, ADMIN))


def test_edge_volunteer_data_export_json_and_pdf_hold_every_value(demo, edge_volunteer):
    exported = gdpr.export_volunteer(demo, ADMIN, edge_volunteer)
    data = json.dumps(exported, ensure_ascii=False, indent=1).encode("utf-8")  # as the page serves it
    back = json.loads(data.decode("utf-8"))
    assert back == exported
    person = back["volunteer"]
    assert person["first_name"] == EDGE_NAME and person["last_name"] == "@Żółkiewska-Łódź"
    assert person["notes"] == ("-2 " + LONG[:1990]).strip() and person["found_via"] == '=HYPERLINK("x")'
    assert person["phone"] == "+48601234567" and person["email"] == "zolc.lodz@example.org"
    assert back["volunteer_hours"][0]["description"] == "@SUM(A1) sprzątanie Łódź"

    text = pdf_text(gdpr.export_pdf(demo, ADMIN, edge_volunteer))
    for value in (EDGE_NAME, "@Żółkiewska-Łódź", "zolc.lodz@example.org", "@SUM(A1) sprzątanie Łódź"):
        assert value in text, value
    assert "Łódź żółć Łódź żółć" in text  # the long note is printed (wrapped), not cut off at the start


def test_edge_volunteer_certificate_and_reference_pdfs(demo, edge_volunteer):
    certificate = gdpr.request_document(demo, ADMIN, edge_volunteer, "certificate", date(2026, 3, 1))
    reference = gdpr.request_document(demo, ADMIN, edge_volunteer, "reference", date(2026, 3, 1))
    name = f"{EDGE_NAME} @Żółkiewska-Łódź"

    text = pdf_text(gdpr.certificate_pdf(demo, ADMIN, certificate))
    assert name in text and "=Pomoc przy wydarzeniach" in text and "3,5 godz." in text

    assessment = ("=1+1 " + LONG)[:3000]  # the longest assessment the form accepts
    text = pdf_text(gdpr.reference_pdf(demo, ADMIN, reference, assessment))
    assert name in text and "=1+1 Łódź żółć" in text
    assert text.count("żółć") >= 250  # all of it, over as many lines (and pages) as it needs


# -- nothing offered for download escapes this file ------------------------------------------------------------------
PRODUCERS = {
    r"exports\.to_csv\(": "lists (CSV)", r"exports\.to_xlsx\(": "lists (XLSX)",
    r"pilot_report\.(xlsx|xlsx_from)\(": "pilot report XLSX", r"pilot_report\.(pdf|pdf_from)\(": "pilot report PDF",
    r"forum_export\.to_pptx\(": "forum PPTX",
    r"certificates\.(certificate_pdf|certificates_zip|attendance_sheet_pdf)\(": "training PDFs",
    r"volunteer_gdpr\.(export_volunteer|export_pdf)\(": "volunteer data export",
    r"ready\[1\]": "volunteer certificate/reference (gdpr.certificate_pdf / reference_pdf, prepared on click)",
    r"chart_images\.(png|svg)\(": "chart images (test_chart_images.py)",
    r"read_bytes\)?": "backup files (test_backup.py)",
}


def test_every_download_button_is_covered_here():
    sources = list((ROOT / "pages").glob("*.py")) + list((ROOT / "dashboard" / "ui").rglob("*.py"))
    uncovered = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"download_button\(", text):
            call = text[match.end():match.end() + 400]
            if not any(re.search(pattern, call) for pattern in PRODUCERS):
                line = text.count("\n", 0, match.start()) + 1
                uncovered.append(f"{path.relative_to(ROOT)}:{line}")
    assert uncovered == [], "a download this file does not check: add it (and its producer) above"
    assert sum(len(re.findall(r"download_button\(", p.read_text(encoding="utf-8"))) for p in sources) >= 20
