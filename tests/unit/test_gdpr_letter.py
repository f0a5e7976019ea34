"""The data export PDF reads as a letter to the person; the JSON stays machine-readable;
an anonymised minor is not shown as an adult."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from pypdf import PdfReader

from dashboard.core import clock
from dashboard.services.volunteers import gdpr
from dashboard.services.volunteers import register as vol


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _person(db, staff, **changes) -> int:
    values = {"first_name": "Łucja", "last_name": "Żółkiewska", "email": "lucja.z@example.pl",
              "phone": "601 234 567", "birth_date": date(1990, 5, 1), "status": "active", "consent": True,
              "consent_on": date(2026, 1, 10), "skills": ["it", "first_aid"], "languages": ["en", "uk"],
              "availability": ["thu_evening", "sat_morning"], "tags": ["ogrody"], "notes": "woli soboty"}
    values.update(changes)
    return vol.register(db, staff, values)


def test_the_export_pdf_is_a_polish_letter_without_codes(db, staff):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    try:
        vid = _person(db, staff)
        gdpr.request_document(db, staff, vid, "certificate", date(2026, 3, 1))
        vol.update(db, staff, vid, {"notes": "woli niedziele"})
        text = pdf_text(gdpr.export_pdf(db, staff, vid))
    finally:
        clock.freeze(None)
    for heading in ("Dane osobowe", "Zgody", "Porozumienia", "Godziny", "Zaświadczenia i opinie", "Historia zmian"):
        assert heading in text, heading
    assert "Łucja" in text and "Żółkiewska" in text and "lucja.z@example.pl" in text
    assert "czwartek wieczorem" in text and "sobota rano" in text
    assert "Komputery i IT" in text and "Pierwsza pomoc" in text
    assert "angielski" in text and "ukraiński" in text
    assert "01.05.1990" in text and "10.01.2026" in text and "przetwarzanie danych" in text
    assert "zaświadczenie" in text and "01.03.2026" in text
    assert "02.03.2026 10:00" in text  # the export time and history in Warsaw time
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "no ISO dates"
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    assert "None" not in text and "True" not in text and "False" not in text


def test_the_json_export_keeps_its_machine_readable_shape(db, staff):
    vid = _person(db, staff)
    data = gdpr.export_volunteer(db, staff, vid)
    assert set(data) >= {"volunteer", "volunteer_consent", "volunteer_agreement", "volunteer_hours", "audit_log",
                         "exported_at"}
    assert sorted(data["volunteer"]["availability"]) == ["sat_morning", "thu_evening"]
    assert data["volunteer"]["birth_date"] == "1990-05-01"


def test_an_anonymised_minor_is_not_shown_as_an_adult(db, staff):
    today = clock.today()
    minor = _person(db, staff, birth_date=date(today.year - 15, 1, 1), email="nastolatek@example.pl",
                    guardian_name="Anna Kowalska", guardian_consent_on=today)
    assert gdpr.age_group(db, staff, minor) == "minor"
    adult = _person(db, staff, email="dorosly@example.pl")
    assert gdpr.age_group(db, staff, adult) == "adult"
    gdpr.anonymise(db, staff, minor)
    assert gdpr.age_group(db, staff, minor) is None  # erased: "—", never "18+"
    text = pdf_text(gdpr.export_pdf(db, staff, minor))
    assert "dane usunięte" in text and "18+" not in text and "None" not in text
