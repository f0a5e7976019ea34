"""Import from spreadsheets: what the Centre keeps in Excel today comes in whole, or not at all.

Files are built here as the Centre's staff would save them: Polish Excel's CSV (cp1250, ';'),
"CSV UTF-8" (with a BOM), a comma-separated export, and XLSX with a title row above the header.
"Now" is Monday 2 November 2026, 08:00 in Łódź, so the booking dates below are fixed.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

import openpyxl
import pandas as pd
import pytest

from dashboard.core import clock, exports, i18n
from dashboard.core.errors import PermissionDenied, ValidationError
from dashboard.services import reservations
from dashboard.services.admin import importer
from dashboard.services.admin.importer import ImportRefused
from dashboard.services.register import organisations
from dashboard.services.volunteers import register as volunteers

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=clock.WARSAW)
WEDNESDAY = date(2026, 11, 4)  # rooms open 10:00-18:00

ORGANISATIONS_CSV = (
    "Nazwa;Forma prawna;NIP;KRS;E-mail;Telefon;Osiedle;Uwagi\n"
    "Fundacja Zielona Łódź;fundacja;PL 856-734-62-15;428743;Biuro@Zielona-Lodz.pl;42 638 44 00;Katedralna;\n"
    "Stowarzyszenie Sąsiedzi z Bałut;stowarzyszenie;;;;;Bałuty-Doły;Spotkania we wtorki\n"
    "Klub Seniora „Źródło”;grupa nieformalna;;;;;;\n"
)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(db, actor, data: bytes, kind: str, name: str = "rejestr.csv", **options):
    """Read, preview and import a file as the page does; returns (preview, result)."""
    sheet = importer.read(data, name, kind)
    preview = importer.preview(db, actor, sheet, statutory_declared=options.get("statutory_declared", False))
    return preview, importer.commit(db, actor, sheet, **options)


def translated(problem, lang: str = "pl") -> str:
    return i18n.translate(lang, problem.message.key, **problem.message.params)


@pytest.fixture(autouse=True)
def _monday_morning():
    clock.freeze(NOW)


# -- a good file ------------------------------------------------------------------------------------
def test_a_good_file_imports_every_row_with_the_services_normalisation(db, staff):
    preview, result = load(db, staff, csv_bytes(ORGANISATIONS_CSV), "organisations")

    assert preview.problems == [] and preview.ready(skip_duplicates=False)
    assert len(result.ids) == 3 and result.skipped == []
    assert db.rows("select name, legal_form, nip, krs, email, phone, osiedle_id, city from organisation "
                   "order by id") == [
        ("Fundacja Zielona Łódź", "fundacja", "8567346215", "0000428743", "biuro@zielona-lodz.pl", "+48426384400",
         25, "Łódź"),
        ("Stowarzyszenie Sąsiedzi z Bałut", "stowarzyszenie", None, None, None, None, 2, "Łódź"),
        ("Klub Seniora „Źródło”", "grupa_nieformalna", None, None, None, None, None, "Łódź"),
    ]


def test_the_import_is_audited_as_a_whole_and_row_by_row(db, staff):
    _preview, result = load(db, staff, csv_bytes(ORGANISATIONS_CSV), "organisations", name="organizacje.csv")

    assert db.rows("select username, action, entity, entity_id from audit_log where action = 'import'") == [
        (staff.username, "import", "organisation", "organizacje.csv")]
    created = db.rows("select entity_id from audit_log where action = 'create' and entity = 'organisation' order by id")
    assert [int(r[0]) for r in created] == result.ids


def test_the_preview_writes_nothing(db, staff):
    sheet = importer.read(csv_bytes(ORGANISATIONS_CSV), "rejestr.csv", "organisations")
    importer.preview(db, staff, sheet)
    assert db.scalar("select count(*) from organisation") == 0
    assert db.scalar("select count(*) from audit_log") == 0


# -- one bad row: nothing at all ----------------------------------------------------------------------
def test_one_bad_row_imports_nothing_and_names_the_row_the_column_and_the_reason(db, staff):
    bad = ORGANISATIONS_CSV + "Fundacja Literówka;fundacja;856-734-62-16;;;;;\n"  # NIP checksum wrong
    sheet = importer.read(csv_bytes(bad), "rejestr.csv", "organisations")

    preview = importer.preview(db, staff, sheet)
    [problem] = preview.problems
    assert (problem.row, problem.column, problem.message.key) == (5, "NIP", "error.nip_checksum")
    assert not preview.ready(skip_duplicates=True)
    assert translated(problem, "pl").startswith("Ten NIP ma błędną cyfrę kontrolną")

    with pytest.raises(ImportRefused) as refused:
        importer.commit(db, staff, sheet)
    assert [(p.row, p.field) for p in refused.value.problems] == [(5, "nip")]
    assert db.scalar("select count(*) from organisation") == 0
    assert db.scalar("select count(*) from audit_log") == 0


def test_every_problem_of_a_row_is_listed_in_the_users_language(db, staff):
    text = "Nazwa;Forma prawna;E-mail;Osiedle\n;klubik;zly@;Nibylandia\n"
    preview = importer.preview(db, staff, importer.read(csv_bytes(text), "x.csv", "organisations"))

    assert {(p.row, p.column) for p in preview.problems} == {
        (2, "Nazwa"), (2, "Forma prawna"), (2, "E-mail"), (2, "Osiedle")}
    english = {translated(p, "en") for p in preview.problems}
    assert "This field is required." in english and all(not m.startswith("error.") for m in english)


def test_a_missing_required_column_is_named_and_nothing_can_be_imported(db, staff):
    sheet = importer.read(csv_bytes("NIP;Telefon\n8567346215;426384400\n"), "x.csv", "organisations")

    assert sheet.missing == ("name", "legal_form")
    assert not importer.preview(db, staff, sheet).ready(skip_duplicates=True)
    with pytest.raises(ImportRefused):
        importer.commit(db, staff, sheet)


# -- encodings and separators ---------------------------------------------------------------------------
def test_a_cp1250_file_from_polish_excel_reads_its_polish_letters(db, staff):
    data = csv_bytes(ORGANISATIONS_CSV, "cp1250")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8

    sheet = importer.read(data, "rejestr.csv", "organisations")
    importer.commit(db, staff, sheet)

    assert sheet.encoding == "cp1250" and sheet.separator == ";"
    assert [r[0] for r in db.rows("select name from organisation order by id")] == [
        "Fundacja Zielona Łódź", "Stowarzyszenie Sąsiedzi z Bałut", "Klub Seniora „Źródło”"]


def test_utf8_with_a_bom_and_semicolons_imports_volunteers(db, staff):
    text = ("Imię;Nazwisko;E-mail;Rok urodzenia;Umiejętności;Języki;Status;"
            "Zgoda na przetwarzanie danych;Data zgody\n"
            "Żaneta;Wiśniewska;Zaneta.W@example.org;1990;Tłumaczenia, it;polski, angielski;aktywna;tak;01.10.2026\n"
            "Łukasz;Źdźbło;lukasz@example.org;2001;;;;TAK;\n")
    data = text.encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")

    preview, result = load(db, staff, data, "volunteers")

    assert preview.sheet.encoding == "utf-8-sig" and preview.sheet.columns["first_name"] == "Imię"
    assert preview.problems == []
    assert db.rows("select first_name, last_name, email, birth_year, skills, languages, status from volunteer "
                   "order by id") == [
        ("Żaneta", "Wiśniewska", "zaneta.w@example.org", 1990, ["it", "translation"], ["en", "pl"], "active"),
        ("Łukasz", "Źdźbło", "lukasz@example.org", 2001, [], [], "candidate")]
    assert db.rows("select volunteer_id, kind, given_on from volunteer_consent order by id") == [
        (result.ids[0], "processing", date(2026, 10, 1)), (result.ids[1], "processing", date(2026, 11, 2))]


def test_a_volunteer_without_the_processing_consent_is_refused_by_the_registers_own_rule(db, staff):
    text = "Imię;Nazwisko;E-mail;Rok urodzenia;Zgoda\nBartek;Bez Zgody;bartek@example.org;1990;nie\n"
    preview = importer.preview(db, staff, importer.read(csv_bytes(text), "w.csv", "volunteers"))
    assert [(p.row, p.column, p.message.key) for p in preview.problems] == [(2, "Zgoda", "error.consent_required")]


def test_a_comma_separated_file_with_english_headers_is_understood(db, staff):
    text = ('Name,Legal form,Tax ID,Phone,Colour\n'
            '"Foundation ""Green Lodz""",foundation,8567346215,+48 42 638 44 00,green\n')
    sheet = importer.read(csv_bytes(text), "en.csv", "organisations")

    assert sheet.separator == "," and sheet.ignored == ("Colour",)
    assert sheet.columns == {"name": "Name", "legal_form": "Legal form", "nip": "Tax ID", "phone": "Phone"}
    importer.commit(db, staff, sheet)
    assert db.rows("select name, legal_form, nip from organisation") == [
        ('Foundation "Green Lodz"', "fundacja", "8567346215")]


# -- XLSX -------------------------------------------------------------------------------------------------
@pytest.fixture
def rooms(db, admin):
    """Two rooms and two organisations, made through the services as an admin would."""
    room = reservations.create_resource(db, admin, {"kind": "room", "name": "Sala szkoleniowa", "capacity": 20})
    meeting = reservations.create_resource(db, admin, {"kind": "room", "name": "Sala spotkań", "capacity": 8})
    zielona = organisations.create(db, admin, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja",
                                               "nip": "8567346215"})
    sasiedzi = organisations.create(db, admin, {"name": "Stowarzyszenie Sąsiedzi z Bałut",
                                                "legal_form": "stowarzyszenie"})
    return {"room": room, "meeting": meeting, "zielona": zielona, "sasiedzi": sasiedzi}


BOOKING_HEADER = ["Sala", "Organizacja", "Data", "Od", "Do", "Osoba kontaktowa", "Cel spotkania", "Liczba uczestników"]


def test_an_xlsx_with_a_title_row_books_rooms_in_one_go(db, staff, rooms):
    data = xlsx_bytes([
        ["Rezerwacje na listopad"], [],
        BOOKING_HEADER,
        ["Sala spotkań", "Fundacja Zielona Łódź", WEDNESDAY, time(10, 0), time(12, 0), "Zofia Z.", "Zarząd", 6],
        ["sala szkoleniowa", "856-734-62-15", "04.11.2026", "12:00", "14:30", "Zofia Z.", "Warsztat", 18.0],
        ["Sala spotkań", "stowarzyszenie sąsiedzi z bałut", "2026-11-04", "14.00", "16:00", "Jan Kos", "Dyżur", 4],
    ])

    preview, result = load(db, staff, data, "bookings", name="listopad.xlsx", statutory_declared=True)

    assert preview.sheet.file_format == "xlsx" and [r.number for r in preview.sheet.rows] == [4, 5, 6]
    assert len(result.ids) == 3
    assert db.rows("select resource_id, organisation_id, starts_at, ends_at, attendees, status from booking "
                   "order by id") == [
        (rooms["meeting"], rooms["zielona"], datetime(2026, 11, 4, 10), datetime(2026, 11, 4, 12), 6, "confirmed"),
        (rooms["room"], rooms["zielona"], datetime(2026, 11, 4, 12), datetime(2026, 11, 4, 14, 30), 18, "confirmed"),
        (rooms["meeting"], rooms["sasiedzi"], datetime(2026, 11, 4, 14), datetime(2026, 11, 4, 16), 4, "confirmed")]
    assert db.scalar("select count(*) from booking_slot") == 4 + 5 + 4


def test_bookings_need_the_statutory_declaration_like_the_form(db, staff, rooms):
    data = xlsx_bytes([BOOKING_HEADER, ["Sala spotkań", "Fundacja Zielona Łódź", WEDNESDAY, "10:00", "12:00",
                                        "Zofia", "Zarząd", 6]])
    preview = importer.preview(db, staff, importer.read(data, "b.xlsx", "bookings"))
    assert [(p.row, p.field, p.message.key) for p in preview.problems] == [
        (2, "statutory_declared", "error.statutory_required")]


def test_a_booking_row_clashing_with_an_earlier_row_of_the_file_is_refused_and_nothing_is_booked(db, staff, rooms):
    data = xlsx_bytes([
        BOOKING_HEADER,
        ["Sala spotkań", "Fundacja Zielona Łódź", WEDNESDAY, "10:00", "12:00", "Zofia", "Zarząd", 6],
        ["Sala spotkań", "Stowarzyszenie Sąsiedzi z Bałut", WEDNESDAY, "11:00", "13:00", "Jan", "Dyżur", 4],
        ["Sala spotkań", "Fundacja Zielona Łódź", "2026-11-01", "10:00", "12:00", "Zofia", "Wczoraj", 4],
    ])
    sheet = importer.read(data, "b.xlsx", "bookings")

    preview = importer.preview(db, staff, sheet, statutory_declared=True)
    found = [(p.row, p.message.key) for p in preview.problems]
    assert found[0] == (3, "error.booking_overlap")
    assert found[1:] == [(4, "error.closed_day")]  # All Saints' Day, and in the past: the first reason wins
    with pytest.raises(ImportRefused):
        importer.commit(db, staff, sheet, statutory_declared=True)
    assert db.scalar("select count(*) from booking") == 0 and db.scalar("select count(*) from booking_slot") == 0


# -- duplicates against the register --------------------------------------------------------------------
def test_organisations_already_registered_are_flagged_by_nip_krs_or_a_near_name(db, staff, admin):
    organisations.create(db, admin, {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja", "nip": "8567346215"})
    organisations.create(db, admin, {"name": "Stowarzyszenie Sąsiedzi z Bałut", "legal_form": "stowarzyszenie",
                                     "krs": "123456"})
    text = ("Nazwa;Forma prawna;NIP;KRS\n"
            "Zielona Łódź (nowa nazwa);fundacja;8567346215;\n"
            "Sąsiedzi z Bałut – oddział;stowarzyszenie;;0000123456\n"
            "Stowarzyszenie Sasiedzi z Baluty;stowarzyszenie;;\n"
            "Fundacja Tęcza;fundacja;;\n")
    sheet = importer.read(csv_bytes(text), "d.csv", "organisations")

    preview = importer.preview(db, staff, sheet)
    assert [(p.row, p.field, p.duplicate) for p in preview.problems] == [
        (2, "nip", True), (3, "krs", True), (4, "name", True)]
    assert preview.errors == [] and not preview.ready(skip_duplicates=False) and preview.ready(skip_duplicates=True)
    assert translated(preview.problems[0]) == "Już w rejestrze: Fundacja Zielona Łódź (ten sam NIP)."

    with pytest.raises(ImportRefused):
        importer.commit(db, staff, sheet)
    result = importer.commit(db, staff, sheet, skip_duplicates=True)
    assert result.skipped == [2, 3, 4] and len(result.ids) == 1
    assert organisations.count(db) == 3


def test_the_same_organisation_twice_in_one_file_is_an_error_naming_the_first_row(db, staff):
    text = "Nazwa;Forma prawna;NIP\nFundacja A;fundacja;8567346215\nFundacja B;fundacja;856-734-62-15\n"
    preview = importer.preview(db, staff, importer.read(csv_bytes(text), "d.csv", "organisations"))
    [problem] = preview.problems
    assert (problem.row, problem.column, problem.duplicate) == (3, "NIP", False)
    assert translated(problem) == "Ten sam wpis co w wierszu 2 tego pliku."


def test_volunteers_already_registered_are_flagged_by_email(db, staff):
    volunteers.register(db, staff, {"first_name": "Żaneta", "last_name": "Wiśniewska", "email": "zaneta@example.org",
                                    "birth_year": 1990, "consent": True})
    text = ("Imię;Nazwisko;E-mail;Rok urodzenia;Zgoda\n"
            "Żaneta;W.;ZANETA@example.org;1990;tak\nOla;Nowa;ola@example.org;1995;tak\n")
    preview = importer.preview(db, staff, importer.read(csv_bytes(text), "w.csv", "volunteers"))

    [problem] = preview.problems
    assert (problem.row, problem.field, problem.duplicate) == (2, "email", True)
    assert translated(problem) == "Już w rejestrze: Żaneta Wiśniewska (ten sam e-mail)."


def test_a_booking_already_in_the_calendar_is_a_duplicate_not_a_clash(db, staff, rooms):
    row = ["Sala spotkań", "Fundacja Zielona Łódź", WEDNESDAY, "10:00", "12:00", "Zofia", "Zarząd", 6]
    first = importer.read(xlsx_bytes([BOOKING_HEADER, row]), "b.xlsx", "bookings")
    importer.commit(db, staff, first, statutory_declared=True)

    later = [*row[:3], "12:00", "13:00", *row[5:]]
    again = importer.read(xlsx_bytes([BOOKING_HEADER, row, later]), "b.xlsx", "bookings")
    preview = importer.preview(db, staff, again, statutory_declared=True)
    assert [(p.row, p.duplicate) for p in preview.problems] == [(2, True)]
    result = importer.commit(db, staff, again, skip_duplicates=True, statutory_declared=True)
    assert result.skipped == [2] and db.scalar("select count(*) from booking") == 2


# -- formula cells --------------------------------------------------------------------------------------
def test_formula_looking_cells_are_stored_as_given_and_exported_neutralised(db, staff):
    text = ('Nazwa;Forma prawna;Uwagi\n"=HYPERLINK(""http://zlo.example"";""klik"")";fundacja;+48 wpłata\n'
            '@SUMA;inna;-1\n')
    importer.commit(db, staff, importer.read(csv_bytes(text), "f.csv", "organisations"))
    xlsx = xlsx_bytes([["Nazwa", "Forma prawna"], ["=1+1", "fundacja"]])
    importer.commit(db, staff, importer.read(xlsx, "f.xlsx", "organisations"))

    stored = db.rows("select name, notes from organisation order by id")
    assert stored == [('=HYPERLINK("http://zlo.example";"klik")', "+48 wpłata"), ("@SUMA", "-1"), ("=1+1", None)]
    frame = pd.DataFrame(stored, columns=["name", "notes"])
    exported = exports.to_csv(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "'+48 wpłata" in exported and "'@SUMA" in exported and "'=1+1" in exported
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame))).active
    assert [c.value for c in sheet["A"]][1:] == ["'=HYPERLINK(\"http://zlo.example\";\"klik\")", "'@SUMA", "'=1+1"]
    assert all(c.data_type == "s" for c in sheet["A"])


# -- limits and files that are no table -------------------------------------------------------------------
def test_a_file_over_the_size_limit_is_refused_before_reading(db):
    data = b"Nazwa;Forma prawna\n" + b"x" * importer.MAX_BYTES
    with pytest.raises(ValidationError) as refused:
        importer.read(data, "duzy.csv", "organisations")
    assert refused.value.errors["file"].key == "import.error.too_big"
    assert i18n.translate("pl", "import.error.too_big", **refused.value.errors["file"].params).startswith(
        "Plik jest za duży: najwyżej 5 MB")


def test_more_rows_than_the_limit_are_refused_and_the_limit_itself_is_accepted(db):
    rows = "".join(f"Stowarzyszenie {n};stowarzyszenie\n" for n in range(importer.MAX_ROWS))
    assert len(importer.read(csv_bytes("Nazwa;Forma prawna\n" + rows), "a.csv", "organisations").rows) == 5000
    with pytest.raises(ValidationError) as refused:
        importer.read(csv_bytes("Nazwa;Forma prawna\n" + rows + "Jeszcze jedno;inna\n"), "a.csv", "organisations")
    assert refused.value.errors["file"].key == "import.error.too_many_rows"


@pytest.mark.parametrize("data, key", [
    (b"", "import.error.empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "import.error.old_xls"),
    (b"PK\x03\x04 not really a workbook", "import.error.bad_xlsx"),
    (b"Nazwa;Forma prawna\n", "import.error.no_rows"),
    (b"\x00\x01\x02binary\x00", "import.error.not_a_table"),
])
def test_a_file_that_is_no_table_is_refused_with_a_message(data, key):
    with pytest.raises(ValidationError) as refused:
        importer.read(data, "plik", "organisations")
    assert refused.value.errors["file"].key == key
    assert i18n.translate("en", key) != key


def test_the_coordinator_may_not_import(db, coordinator):
    sheet = importer.read(csv_bytes(ORGANISATIONS_CSV), "rejestr.csv", "organisations")
    with pytest.raises(PermissionDenied):
        importer.preview(db, coordinator, sheet)
    with pytest.raises(PermissionDenied):
        importer.commit(db, coordinator, sheet)
    assert db.scalar("select count(*) from organisation") == 0


def test_every_field_label_is_a_header_the_reader_accepts_in_both_languages():
    for kind in importer.KINDS:
        for lang in i18n.LANGUAGES:
            header = importer.template(kind, lang)
            sheet = importer.read(csv_bytes(";".join(header) + "\n" + ";".join("x" for _ in header) + "\n"),
                                  "t.csv", kind)
            assert sheet.missing == () and sheet.ignored == (), (kind, lang)
            assert set(sheet.columns) == set(importer.COLUMNS[kind])


def test_a_file_of_empty_lines_under_the_size_limit_is_read_without_keeping_them():
    data = b"Nazwa;Forma prawna\n" + b";;\n" * 1_500_000  # 4.5 MB of nothing
    with pytest.raises(ValidationError) as refused:
        importer.read(data, "puste.csv", "organisations")
    assert refused.value.errors["file"].key == "import.error.no_rows"
