"""Certificates and the signature sheet: real PDFs whose extracted text keeps Polish letters."""

from __future__ import annotations

import io
import time as _time
import zipfile
from datetime import datetime

import pytest
from pypdf import PdfReader

from dashboard.core import clock
from dashboard.core.errors import Conflict
from dashboard.services.education import certificates, enrolment, trainings
from tests.unit.builders import event_form


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def held(place, staff):
    """A two-session training; Łucja came to the first session only, Jan to none."""
    event_id = trainings.create_event(place.db, staff, event_form(place, title="Księgowość w małej fundacji",
                                                                 topics=["T5"]))
    lucja = enrolment.enrol(place.db, staff, event_id, {"full_name": "Łucja Żółkiewska", "email": "lz@example.org",
                                                        "consent": True})["id"]
    jan = enrolment.enrol(place.db, staff, event_id, {"full_name": "Jan Nowak", "phone": "501 234 567",
                                                      "consent": True})["id"]
    first = trainings.get_event(place.db, staff, event_id)["sessions"][0]
    clock.freeze(datetime(2026, 11, 3, 16, 5, tzinfo=clock.WARSAW))
    enrolment.record_attendance(place.db, staff, first["id"], {lucja: True, jan: False})
    return event_id, lucja, jan


def test_a_certificate_names_the_participant_with_polish_letters(place, staff, held):
    _event_id, lucja, _jan = held
    started = _time.perf_counter()
    pdf = certificates.certificate_pdf(place.db, staff, lucja)
    elapsed_ms = (_time.perf_counter() - started) * 1000

    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "Łucja Żółkiewska" in text
    assert "ZAŚWIADCZENIE" in text and "„Księgowość w małej fundacji”" in text
    assert "03.11.2026 16:00–19:00" in text and "10.11.2026" not in text  # only the session attended
    assert "3 godz." in text and "Prowadzący: Łucja Żółkiewska" in text
    print(f"certificate generated in {elapsed_ms:.0f} ms")


def test_no_certificate_without_attendance(place, staff, held):
    _event_id, _lucja, jan = held
    with pytest.raises(Conflict):
        certificates.certificate_pdf(place.db, staff, jan)


def test_all_certificates_of_an_event_come_as_one_zip(place, staff, held):
    event_id, _lucja, _jan = held
    archive = zipfile.ZipFile(io.BytesIO(certificates.certificates_zip(place.db, staff, event_id)))
    names = archive.namelist()
    assert len(names) == 1 and names[0].startswith("zaswiadczenie-lucja-zolkiewska-")
    assert "Łucja Żółkiewska" in text_of(archive.read(names[0]))


def test_the_attendance_sheet_lists_participants_per_session(place, staff, held):
    event_id, _lucja, _jan = held
    pdf = certificates.attendance_sheet_pdf(place.db, staff, event_id)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # one page per session
    text = text_of(pdf)
    assert "LISTA OBECNOŚCI" in text and "Łucja Żółkiewska" in text and "Jan Nowak" in text and "Podpis" in text


def test_the_fonts_are_vendored_with_their_licence():
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert (certificates.FONT_DIR / name).is_file()


def _printed(pdf: bytes) -> list:
    """What a page prints: its content stream and, per font, the widths, the text mapping and each glyph's outline."""
    from fontTools import ttLib
    from fontTools.pens.recordingPen import RecordingPen

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    printed = [page.get_contents().get_data()]
    for _name, ref in sorted(page["/Resources"]["/Font"].items()):
        font = ref.get_object()
        cid_font = font["/DescendantFonts"][0].get_object()
        descriptor = cid_font["/FontDescriptor"].get_object()
        face = ttLib.TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        glyphs = face.getGlyphSet()
        outlines = []
        for glyph in face.getGlyphOrder():
            pen = RecordingPen()
            glyphs[glyph].draw(pen)
            outlines.append((glyphs[glyph].width, pen.value))
        printed += [str(cid_font["/W"]), font["/ToUnicode"].get_object().get_data(), outlines,
                    {k: str(v) for k, v in descriptor.items() if k != "/FontFile2"}]
    return printed


def test_a_certificate_prints_the_same_with_the_faces_cut_to_european_letters(place, staff, held, monkeypatch):
    """Names in Latin, Greek or Cyrillic letters take faces cut down to those scripts (embedding the
    whole faces was most of a certificate's time): the page, widths and glyphs are those of the whole faces."""
    _event_id, lucja, _jan = held
    cut = certificates.certificate_pdf(place.db, staff, lucja)
    whole_faces = certificates.new_pdf
    monkeypatch.setattr(certificates, "new_pdf", lambda orientation="P", text=None: whole_faces(orientation))
    assert _printed(cut) == _printed(certificates.certificate_pdf(place.db, staff, lucja))


def test_a_name_in_a_script_beyond_european_letters_still_prints(place, staff):
    """A Georgian or Armenian name falls back to the whole faces, which have those letters."""
    event_id = trainings.create_event(place.db, staff, event_form(place, title="Spotkanie sąsiedzkie", topics=["T5"]))
    names = ("Олена Шевченко", "ნინო ბერიძე", "Անի Պետրոսյան")
    people = [enrolment.enrol(place.db, staff, event_id, {"full_name": name, "email": f"p{number}@example.org",
                                                          "consent": True})["id"] for number, name in enumerate(names)]
    first = trainings.get_event(place.db, staff, event_id)["sessions"][0]
    clock.freeze(datetime(2026, 11, 3, 16, 5, tzinfo=clock.WARSAW))
    enrolment.record_attendance(place.db, staff, first["id"], dict.fromkeys(people, True))
    for person, name in zip(people, names, strict=True):
        assert name in text_of(certificates.certificate_pdf(place.db, staff, person))
