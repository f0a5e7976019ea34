"""PDF documents of an event: attendance certificates (zaświadczenia) and the signature sheet.

Both are official Polish documents of the Centre, so their wording is Polish whatever the
interface language. Polish letters need a Unicode TrueType font: DejaVu Sans is vendored in
``dashboard/assets/fonts`` (with its licence) so a clean machine without fonts-dejavu prints
"Łucja Żółkiewska" correctly rather than failing or dropping letters.
"""

from __future__ import annotations

import copy
import io
import zipfile
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

from slugify import slugify

from dashboard import PROJECT_ROOT
from dashboard.core import clock
from dashboard.core.converters import as_int
from dashboard.core.errors import Conflict, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.education.events import event_row, session_rows
from dashboard.services.sql import fetch_all, fetch_one
from db.connection import Database

if TYPE_CHECKING:  # fpdf is imported where a PDF is made: a page importing this module does not load it
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

FONT_DIR = PROJECT_ROOT / "dashboard" / "assets" / "fonts"
FONT = "DejaVu"
CENTRE = "Centrum Obywatelskie w Łodzi"
TYPE_LABELS = {"training": "szkolenie", "advisory": "doradztwo indywidualne", "specialist_meeting": "spotkanie specjalistyczne",
               "integration_meeting": "spotkanie integracyjne i współpracy", "consultation_meeting": "spotkanie konsultacyjne"}
BLANK_ROWS = 5  # empty lines on the signature sheet for walk-ins


FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Latin (every European language's letters), Greek, Cyrillic, punctuation, currency signs: what the Centre's
# documents and the names in them are written in. A tenth of the face's 6,000 glyphs.
_COMMON_RANGES = ((0x20, 0x7E), (0xA0, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF),
                  (0x2100, 0x218F))
_COMMON_CHARS = frozenset(chr(c) for low, high in _COMMON_RANGES for c in range(low, high + 1))
# What fpdf leaves out of every embedded face (fpdf.output): the cut-down face leaves out the same.
_DROPPED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC",
                   "EBSC", "SVG ", "CPAL", "COLR"]


def new_pdf(orientation: str = "P", text: str | None = None) -> FPDF:
    """An A4 document with DejaVu Sans (regular and bold) for Polish letters.

    ``text``, when the caller knows every text the document will hold: if it is all Latin, Greek,
    Cyrillic and punctuation, the faces come cut down to those letters, prepared once per process,
    and embedding them takes a tenth of the time (a certificate: 100 ms → 30 ms). Any other letter,
    or no ``text``, takes the whole faces as ``add_font`` reads them. The page looks the same either way.
    """
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    common = text is not None and all(c in _COMMON_CHARS or c < " " for c in text)
    for style, file in FONT_FILES.items():
        if common:
            _add_common_face(pdf, style)
        else:
            pdf.add_font(FONT, style, str(FONT_DIR / file))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_creator(CENTRE)
    return pdf


@cache
def _common_face(style: str) -> bytes:
    """The face cut down to ``_COMMON_CHARS`` (a font file's bytes), as fpdf cuts a face for embedding."""
    from fontTools import subset, ttLib

    face = ttLib.TTFont(FONT_DIR / FONT_FILES[style], recalcTimestamp=False, recalcBBoxes=False)  # the whole face's box
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.drop_tables += _DROPPED_TABLES
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in _COMMON_CHARS])
    subsetter.subset(face)
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


@cache
def _parsed_common_face(style: str) -> TTFFont:
    """The cut-down face as ``add_font`` reads it (its character map and every glyph's width), once."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    return TTFFont(FPDF(), io.BytesIO(_common_face(style)), f"{FONT.lower()}{style}", style)


def _add_common_face(pdf: FPDF, style: str) -> None:
    """``pdf.add_font`` of the cut-down face, from the face parsed once for the process.

    What a document changes is its own: the glyphs it uses (``subset``), the font tables the
    embedding cuts down to those glyphs (a fresh lazy ``TTFont``: no table is read until the
    embedding asks for it) and the descriptor the embedding fills in. The widths and the character
    map are only read, so they are shared.
    """
    from fontTools import ttLib
    from fpdf.fonts import SubsetMap

    parsed = _parsed_common_face(style)
    font = copy.copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(io.BytesIO(_common_face(style)), recalcTimestamp=False, lazy=True)
    font.desc = copy.copy(parsed.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[parsed.fontkey] = font


def pdf_line(pdf: FPDF, text: str, size: float = 12, style: str = "", align: str = "C", height: float = 8) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def dmy(value: date | datetime) -> str:
    return value.strftime("%d.%m.%Y")


def hours_text(hours: float) -> str:
    return f"{hours:g}".replace(".", ",")


def _event_context(cur, event_id: int, *, for_sheet: bool = True) -> dict:
    """The event with its topics' names; for the signature sheet also its sessions and room (a certificate
    names only the sessions the person attended, and no room: two queries fewer per certificate)."""
    event = event_row(cur, event_id)
    event["topics"] = [r[0] for r in fetch_all(
        cur, "select t.name_pl from event_topic et join topic t on t.code = et.topic_code where et.event_id = ? "
             "order by t.sort", [event["id"]])]
    if for_sheet:
        event["sessions"] = session_rows(cur, event["id"])
        event["room"] = fetch_one(cur, "select name from resource where id = ?", [event["resource_id"]])[0]
    return event


def _attended(cur, enrolment_id: int) -> list[tuple[datetime, datetime]]:
    return [(r[0], r[1]) for r in fetch_all(
        cur, "select s.starts_at, s.ends_at from attendance a join event_session s on s.id = a.session_id "
             "where a.enrolment_id = ? and a.present order by s.starts_at", [enrolment_id])]


def _certificate(event: dict, name: str, sessions: list[tuple[datetime, datetime]], number: str) -> bytes:
    """One certificate: who, what, when, how many hours, with whom."""
    pdf = new_pdf(text="".join([name, number, event["event_type"], event["title"], *event["topics"],
                                event["trainer_name"] or "", event["trainer_organisation"] or ""]))
    pdf.add_page()
    pdf.ln(8)
    pdf_line(pdf, CENTRE, 13, "B")
    pdf.ln(18)
    pdf_line(pdf, "ZAŚWIADCZENIE", 26, "B", height=12)
    pdf_line(pdf, f"nr {number}", 10)
    pdf.ln(12)
    pdf_line(pdf, "Zaświadcza się, że", 12)
    pdf.ln(2)
    pdf_line(pdf, name, 20, "B", height=11)
    pdf.ln(2)
    pdf_line(pdf, f"wziął(-ęła) udział w wydarzeniu ({TYPE_LABELS.get(event['event_type'], event['event_type'])})", 12)
    pdf_line(pdf, f"„{event['title']}”", 15, "B")
    if event["topics"]:
        pdf_line(pdf, "Tematyka: " + ", ".join(event["topics"]), 11)
    pdf.ln(6)
    hours = sum((end - start).total_seconds() for start, end in sessions) / 3600
    pdf_line(pdf, "Termin" + ("y" if len(sessions) > 1 else "") + ": " + "; ".join(
        f"{dmy(s)} {s:%H:%M}–{e:%H:%M}" for s, e in sessions), 11)
    pdf_line(pdf, f"Łączny czas udziału: {hours_text(hours)} godz. zegarowych", 11)
    if event["trainer_name"]:
        who = event["trainer_name"] + (f" ({event['trainer_organisation']})" if event["trainer_organisation"] else "")
        pdf_line(pdf, f"Prowadzący: {who}", 11)
    pdf.ln(24)
    pdf_line(pdf, f"Łódź, {dmy(clock.today())}", 11, align="L")
    pdf.ln(16)
    pdf_line(pdf, "....................................................", 11, align="R")
    pdf_line(pdf, "podpis i pieczęć Centrum", 9, align="R")
    return bytes(pdf.output())


def certificate_pdf(db: Database, actor: Actor, enrolment_id: int) -> bytes:
    """The attendance certificate of one participant who was present at least once."""
    require(actor, "read")
    with db.transaction() as cur:
        row = fetch_one(cur, "select id, event_id, full_name from enrolment where id = ? and status = 'enrolled'",
                        [as_int(enrolment_id) or -1])
        if row is None:
            raise NotFound("error.enrolment_not_found", id=enrolment_id)
        sessions = _attended(cur, row[0])
        if not sessions:
            raise Conflict("error.certificate_not_attended", name=row[2])
        event = _event_context(cur, row[1], for_sheet=False)
    return _certificate(event, row[2], sessions, f"{event['id']}/{row[0]}/{sessions[0][0].year}")


def certificates_zip(db: Database, actor: Actor, event_id: int) -> bytes:
    """Every attendee's certificate in one ZIP (one PDF per person, named after them)."""
    require(actor, "read")
    with db.transaction() as cur:
        event = _event_context(cur, event_id, for_sheet=False)
        people = fetch_all(cur, "select id, full_name from enrolment where event_id = ? and status = 'enrolled' "
                                "order by full_name, id", [event["id"]])
        attended = [(i, name, _attended(cur, i)) for i, name in people]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for enrolment_id, name, sessions in attended:
            if sessions:
                number = f"{event['id']}/{enrolment_id}/{sessions[0][0].year}"
                archive.writestr(f"zaswiadczenie-{slugify(name) or enrolment_id}-{enrolment_id}.pdf",
                                 _certificate(event, name, sessions, number))
    return buffer.getvalue()


def _sheet_header(pdf: FPDF, event: dict, session: dict) -> None:
    pdf_line(pdf, "LISTA OBECNOŚCI", 16, "B")
    pdf_line(pdf, f"„{event['title']}” — {TYPE_LABELS.get(event['event_type'], '')}", 11)
    pdf_line(pdf, f"{dmy(session['starts_at'])}, {session['starts_at']:%H:%M}–{session['ends_at']:%H:%M}, "
               f"{event['room']}" + (f"; prowadzący: {event['trainer_name']}" if event["trainer_name"] else ""), 10)
    pdf.ln(3)


def attendance_sheet_pdf(db: Database, actor: Actor, event_id: int, session_id: int | None = None) -> bytes:
    """A sheet for signatures per session (one page each, or only ``session_id``'s), with blank lines."""
    require(actor, "read")
    with db.transaction() as cur:
        event = _event_context(cur, event_id)
        people = fetch_all(cur, "select e.full_name, coalesce(o.name, 'mieszkaniec/mieszkanka') from enrolment e "
                                "left join organisation o on o.id = e.organisation_id where e.event_id = ? "
                                "and e.status = 'enrolled' order by e.full_name, e.id", [event["id"]])
    sessions = [s for s in event["sessions"] if session_id is None or s["id"] == as_int(session_id)]
    if not sessions:
        raise NotFound("error.session_not_found", id=session_id)
    pdf = new_pdf(text="".join([event["title"], event["event_type"], event["room"], event["trainer_name"] or "",
                                *(name + org for name, org in people)]))
    for session in sessions:
        pdf.add_page()
        _sheet_header(pdf, event, session)
        rows = [("Lp.", "Imię i nazwisko", "Organizacja", "Podpis")]
        rows += [(str(i), name, org, "") for i, (name, org) in enumerate(people, start=1)]
        rows += [(str(len(people) + k), "", "", "") for k in range(1, BLANK_ROWS + 1)]
        pdf.set_font(FONT, "", 10)
        with pdf.table(col_widths=(10, 60, 70, 50), line_height=9, first_row_as_headings=True) as table:
            for values in rows:
                table.row(values)
    return bytes(pdf.output())
