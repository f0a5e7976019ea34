"""RODO for the volunteer register: the certificate on request, the export of everything held about a
person, anonymisation (art. 17, limited by 17(3)(b)/(e): hours stay in aggregates) and the retention review.

Anonymisation also rewrites the audit log's before/after JSON in the same transaction: a history that kept
the name, e-mail or phone would defeat the erasure.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd

from dashboard.core import clock, validators
from dashboard.core.converters import as_date, as_int
from dashboard.core.errors import Conflict, Message, ValidationError
from dashboard.core.i18n import in_language
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings, audit
from dashboard.services.education import certificates as pdfs
from dashboard.services.sql import fetch_all, fetch_dicts, fetch_one
from dashboard.services.volunteers import register as vol
from db.connection import Database

RETENTION_SETTING = "volunteer_retention_months"  # registered in app_settings.KNOWN
ERASED = "[usunięto]"
_PERSONAL_KEYS = ("first_name", "last_name", "email", "phone", "birth_year", "birth_date", "tags", "found_via", "notes",
                  "guardian_name", "full_name", "description", "assessment")
_CHILD_TABLES = ("volunteer_consent", "volunteer_agreement", "volunteer_assignment", "volunteer_hours",
                 "volunteer_document")


# -- documents: zaświadczenie and opinia (art. 44) ----------------------------------------------------------------
def request_document(db: Database, actor: Actor, volunteer_id: int, kind: str, requested_on: Any = None) -> int:
    """Record that the volunteer asked for a certificate or a reference, and when."""
    require(actor, "write")
    errors, clean = vol.Errors(), {}
    if kind not in ("certificate", "reference"):
        errors.add("kind", "error.volunteer_document_kind")
    vol.required_date(errors, clean, "requested_on", requested_on or clock.today())
    errors.raise_if_any()

    def work(cur):
        person = vol.writable(cur, volunteer_id)
        cur.execute("insert into volunteer_document (volunteer_id, kind, requested_on, created_at, created_by) "
                    "values (?, ?, ?, ?, ?) returning id",
                    [person["id"], kind, clean["requested_on"], clock.utc_now(), actor.username])
        document_id = cur.fetchone()[0]
        audit.record(cur, actor.username, "create", "volunteer_document", document_id, None,
                     {"volunteer_id": person["id"], "kind": kind, "requested_on": clean["requested_on"]})
        return document_id

    return db.write(work)


def _document(cur, document_id: Any) -> dict:
    rows = fetch_dicts(cur, "select * from volunteer_document where id = ?", [as_int(document_id)])
    if not rows:
        raise vol.NotFound("error.volunteer_document_not_found", id=document_id)
    return rows[0]


def mark_issued(db: Database, actor: Actor, document_id: int, issued_on: Any = None) -> None:
    """Record the issue date (a reference is written by hand; a certificate also gets it from ``certificate_pdf``)."""
    require(actor, "write")
    day = as_date(issued_on) or clock.today()

    def work(cur):
        document = _document(cur, document_id)
        vol.writable(cur, document["volunteer_id"])
        if day < document["requested_on"]:
            raise ValidationError({"issued_on": Message("error.end_before_start")})
        cur.execute("update volunteer_document set issued_on = ? where id = ?", [day, document["id"]])
        audit.record(cur, actor.username, "update", "volunteer_document", document["id"],
                     {"issued_on": document["issued_on"]}, {"issued_on": day})

    db.write(work)


def _work_summary(cur, volunteer_id: int) -> dict:
    period = fetch_one(cur, "select min(work_date), max(work_date), coalesce(sum(hours), 0)::double from "
                                "volunteer_hours where volunteer_id = ? and status = 'approved'", [volunteer_id])
    scopes = [r[0] for r in fetch_all(cur, "select distinct scope from volunteer_agreement where volunteer_id = ? "
                                               "and status <> 'draft' order by 1", [volunteer_id])]
    return {"first": period[0], "last": period[1], "hours": period[2], "scopes": scopes}


def _certificate_pdf(name: str, summary: dict, number: str) -> bytes:
    pdf = pdfs.new_pdf()
    pdf.add_page()
    pdf.ln(8)
    pdfs.pdf_line(pdf, pdfs.CENTRE, 13, "B")
    pdf.ln(18)
    pdfs.pdf_line(pdf, "ZAŚWIADCZENIE O WYKONYWANIU ŚWIADCZEŃ WOLONTARIUSZA", 18, "B", height=10)
    pdfs.pdf_line(pdf, f"nr {number}", 10)
    pdf.ln(10)
    pdfs.pdf_line(pdf, "Zaświadcza się, że", 12)
    pdfs.pdf_line(pdf, name, 20, "B", height=11)
    pdfs.pdf_line(pdf, "wykonywał(-a) świadczenia wolontariusza na rzecz Centrum Obywatelskiego w Łodzi", 12)
    pdf.ln(4)
    pdfs.pdf_line(pdf, f"w okresie od {pdfs.dmy(summary['first'])} do {pdfs.dmy(summary['last'])}", 12)
    pdfs.pdf_line(pdf, "Zakres świadczeń: " + "; ".join(summary["scopes"] or ["—"]), 11)
    pdfs.pdf_line(pdf, f"Łączna liczba zatwierdzonych godzin: {pdfs.hours_text(summary['hours'])} godz.", 11)
    pdf.ln(6)
    pdfs.pdf_line(pdf, "Zaświadczenie wydano na wniosek wolontariusza (art. 44 ust. 3 ustawy o działalności pożytku "
                    "publicznego i o wolontariacie).", 9)
    pdf.ln(18)
    pdfs.pdf_line(pdf, f"Łódź, {pdfs.dmy(clock.today())}", 11, align="L")
    pdf.ln(14)
    pdfs.pdf_line(pdf, "....................................................", 11, align="R")
    pdfs.pdf_line(pdf, "podpis i pieczęć Centrum", 9, align="R")
    return bytes(pdf.output())


def _issuing(cur, document_id: int, kind: str) -> tuple[dict, dict, dict]:
    """The requested document of that kind, its volunteer (processing allowed) and approved work; refused
    without approved hours. Records today as the issue date (the caller audits it)."""
    document = _document(cur, document_id)
    person = vol.writable(cur, document["volunteer_id"])
    if document["kind"] != kind:
        raise ValidationError({"kind": Message("error.volunteer_document_kind")})
    summary = _work_summary(cur, person["id"])
    if not summary["hours"]:
        raise Conflict("error.volunteer_certificate_no_hours")
    cur.execute("update volunteer_document set issued_on = ? where id = ?", [clock.today(), document["id"]])
    return document, person, summary


def certificate_pdf(db: Database, actor: Actor, document_id: int) -> bytes:
    """The requested certificate: period, scope and approved hours; its issue date recorded with it."""
    require(actor, "write")

    def work(cur):
        document, person, summary = _issuing(cur, document_id, "certificate")
        audit.record(cur, actor.username, "issue", "volunteer_document", document["id"], None,
                     {"issued_on": clock.today()})
        name = f"{person['first_name']} {person['last_name']}"
        return _certificate_pdf(name, summary, f"W/{person['id']}/{document['id']}/{clock.today().year}")

    return db.write(work)


def _reference_pdf(name: str, summary: dict, assessment: str, number: str) -> bytes:
    pdf = pdfs.new_pdf()
    pdf.add_page()
    pdf.ln(8)
    pdfs.pdf_line(pdf, pdfs.CENTRE, 13, "B")
    pdf.ln(18)
    pdfs.pdf_line(pdf, "OPINIA O WYKONYWANIU ŚWIADCZEŃ WOLONTARIUSZA", 18, "B", height=10)
    pdfs.pdf_line(pdf, f"nr {number}", 10)
    pdf.ln(10)
    pdfs.pdf_line(pdf, name, 20, "B", height=11)
    pdfs.pdf_line(pdf, "wykonywał(-a) świadczenia wolontariusza na rzecz Centrum Obywatelskiego w Łodzi", 12)
    pdfs.pdf_line(pdf, f"w okresie od {pdfs.dmy(summary['first'])} do {pdfs.dmy(summary['last'])}", 12)
    pdf.ln(4)
    pdfs.pdf_line(pdf, "Zakres świadczeń: " + "; ".join(summary["scopes"] or ["—"]), 11)
    pdfs.pdf_line(pdf, f"Łączna liczba zatwierdzonych godzin: {pdfs.hours_text(summary['hours'])} godz.", 11)
    pdf.ln(6)
    pdfs.pdf_line(pdf, "Opinia o pracy wolontariusza", 12, "B", align="L")
    pdfs.pdf_line(pdf, assessment, 11, align="J", height=6)
    pdf.ln(6)
    pdfs.pdf_line(pdf, "Opinię wydano na wniosek wolontariusza (art. 44 ust. 3 ustawy o działalności pożytku "
                    "publicznego i o wolontariacie).", 9)
    pdf.ln(14)
    pdfs.pdf_line(pdf, f"Łódź, {pdfs.dmy(clock.today())}", 11, align="L")
    pdf.ln(14)
    pdfs.pdf_line(pdf, "....................................................", 11, align="R")
    pdfs.pdf_line(pdf, "podpis i pieczęć Centrum", 9, align="R")
    return bytes(pdf.output())


def reference_pdf(db: Database, actor: Actor, document_id: int, assessment: str) -> bytes:
    """The requested reference (opinia): the certificate's facts plus the Centre's written assessment.

    The assessment is typed by staff when issuing; it is kept only in the audit row of the issue (under a
    personal key, so anonymisation erases it) and in the PDF handed to the volunteer.
    """
    require(actor, "write")
    errors, clean = vol.Errors(), {}
    vol.field(errors, clean, "assessment", validators.clean_text, assessment, 3000, True)
    errors.raise_if_any()

    def work(cur):
        document, person, summary = _issuing(cur, document_id, "reference")
        audit.record(cur, actor.username, "issue", "volunteer_document", document["id"], None,
                     {"volunteer_id": person["id"], "issued_on": clock.today(), "assessment": clean["assessment"]})
        name = f"{person['first_name']} {person['last_name']}"
        return _reference_pdf(name, summary, clean["assessment"], f"O/{person['id']}/{document['id']}/{clock.today().year}")

    return db.write(work)


def documents(db: Database, actor: Actor, volunteer_id: int) -> pd.DataFrame:
    """The person's certificate and reference requests, newest first."""
    require(actor, "read")
    return db.query("select id, kind, requested_on, issued_on from volunteer_document where volunteer_id = ? "
                    "order by requested_on desc, id desc", [as_int(volunteer_id)])


# -- export (art. 15 and 20) -------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """JSON-ready values (dates as ISO text, decimals as numbers)."""
    return json.loads(audit.to_json({"v": value}))["v"]


def export_volunteer(db: Database, actor: Actor, volunteer_id: int) -> dict:
    """Everything held about the person, table by table (JSON-serialisable), their audit history included."""
    require(actor, "personal")
    with db.transaction() as cur:
        person = vol.volunteer_row(cur, volunteer_id)
        out = {"volunteer": person}
        for table in _CHILD_TABLES:
            out[table] = fetch_dicts(cur, "select * from " + table + " where volunteer_id = ? order by id",
                                         [person["id"]])  # table names from the fixed tuple above
        ids = [r["opportunity_id"] for r in out["volunteer_assignment"]]
        out["volunteer_opportunity"] = fetch_dicts(
            cur, "select id, title, starts_at, ends_at, place from volunteer_opportunity where list_contains(?::bigint[], id) "
                 "order by id", [ids])
        out["audit_log"] = fetch_dicts(cur, "select * from audit_log where " + _AUDIT_OF_PERSON + " order by id",
                                           _audit_params(cur, person["id"]))
    out["exported_at"] = clock.utc_now()
    return _plain(out)


# The export as a letter to the person: always Polish (an official document of the Centre, like the certificates).
_DAYS = {"mon": "poniedziałek", "tue": "wtorek", "wed": "środa", "thu": "czwartek", "fri": "piątek", "sat": "sobota",
         "sun": "niedziela"}
_PARTS = {"morning": "rano", "afternoon": "po południu", "evening": "wieczorem"}
_LABELS = {
    "status": {"candidate": "kandydat(-ka)", "active": "aktywny(-a)", "inactive": "nieaktywny(-a)"},
    "consent": {"processing": "przetwarzanie danych w rejestrze wolontariuszy", "photos": "publikacja wizerunku",
                "newsletter": "newsletter", "guardian": "zgoda opiekuna prawnego"},
    "agreement_form": {"oral": "ustne", "written": "pisemne"},
    "agreement_status": {"draft": "projekt", "active": "obowiązuje", "ended": "zakończone"},
    "assignment": {"proposed": "zaproponowane", "confirmed": "potwierdzone", "declined": "odrzucone"},
    "hours": {"pending": "oczekuje na zatwierdzenie", "approved": "zatwierdzone", "rejected": "odrzucone"},
    "document": {"certificate": "zaświadczenie", "reference": "opinia"},
}


def _dmy(value: Any) -> str:
    """An ISO date (or date-time) of the export as dd.mm.rrrr; empty for none."""
    if not value:
        return ""
    return pdfs.dmy(date.fromisoformat(str(value)[:10]))


def _dmy_hm(value: Any, utc: bool = False) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(str(value))
    if utc:
        moment = audit.local_time(moment)
    return moment.strftime("%d.%m.%Y %H:%M")


def _yes_no(value: Any) -> str:
    return "" if value is None else ("tak" if value else "nie")


def _slot(code: str) -> str:
    day, _, part = str(code).partition("_")
    return f"{_DAYS.get(day, day)} {_PARTS.get(part, part)}".strip()


def _language(code: str) -> str:
    from babel import Locale

    return Locale("pl").languages.get(code, str(code).upper())


def _label(kind: str, code: Any) -> str:
    return _LABELS[kind].get(code, "") if code else ""


def _age_text(person: dict) -> str:
    if person.get("anonymised_at"):
        return "dane usunięte"
    if person.get("birth_date"):
        return _dmy(person["birth_date"])
    return str(person["birth_year"]) if person.get("birth_year") else ""


def _lines(pdf, pairs: list[tuple[str, Any]]) -> None:
    for label, value in pairs:
        if value not in (None, "", []):
            pdfs.pdf_line(pdf, f"{label}: {value}", 10, align="L", height=5.5)


def _heading(pdf, text: str) -> None:
    pdf.ln(4)
    pdfs.pdf_line(pdf, text, 12, "B", align="L")


def _none(pdf) -> None:
    pdfs.pdf_line(pdf, "brak", 10, align="L", height=5.5)


def export_pdf(db: Database, actor: Actor, volunteer_id: int) -> bytes:
    """The same export as a letter the person can be given: Polish headings and labels, dates dd.mm.rrrr,
    codes by name (skills, languages, availability, statuses). The JSON export stays the machine-readable one."""
    data = export_volunteer(db, actor, volunteer_id)
    person = data["volunteer"]
    skills = dict(db.rows("select code, name_pl from volunteer_skill"))
    osiedle = db.rows("select name from osiedle where id = ?", [person["osiedle_id"]]) if person.get("osiedle_id") else []
    opportunities = {o["id"]: o for o in data["volunteer_opportunity"]}
    pdf = pdfs.new_pdf()
    pdf.add_page()
    pdfs.pdf_line(pdf, pdfs.CENTRE, 12, "B")
    pdf.ln(4)
    pdfs.pdf_line(pdf, "Informacja o przetwarzanych danych osobowych", 15, "B", height=9)
    pdfs.pdf_line(pdf, f"Stan na {_dmy_hm(data['exported_at'], utc=True)}", 9)
    pdf.ln(4)
    pdfs.pdf_line(pdf, "Na Pani/Pana wniosek (art. 15 i 20 RODO) przekazujemy wszystkie dane osobowe, które Centrum "
                       "Obywatelskie w Łodzi przechowuje o Pani/Panu w rejestrze wolontariuszy, wraz z historią ich zmian.",
                  10, align="J", height=5.5)

    _heading(pdf, "Dane osobowe")
    _lines(pdf, [
        ("Imię", person.get("first_name")), ("Nazwisko", person.get("last_name")), ("E-mail", person.get("email")),
        ("Telefon", validators.format_phone(person["phone"]) if person.get("phone") else ""),
        ("Data lub rok urodzenia", _age_text(person)), ("Osiedle", osiedle[0][0] if osiedle else ""),
        ("Umiejętności", ", ".join(skills.get(c, c) for c in person.get("skills") or [])),
        ("Zainteresowania", ", ".join(person.get("tags") or [])),
        ("Języki", ", ".join(_language(c) for c in person.get("languages") or [])),
        ("Dostępność", ", ".join(_slot(c) for c in person.get("availability") or [])),
        ("Status w rejestrze", _label("status", person.get("status"))), ("Status od", _dmy(person.get("status_since"))),
        ("Skąd wie o Centrum", person.get("found_via")), ("Uwagi", person.get("notes")),
        ("Szkolenie BHP", _dmy(person.get("bhp_briefing_on"))),
        ("Sprawdzenie do pracy z dziećmi", _dmy(person.get("child_check_on"))),
        ("Wynik sprawdzenia bez zastrzeżeń", _yes_no(person.get("child_check_ok"))),
        ("Wpis do rejestru", _dmy(person.get("created_at"))),
        ("Anonimizacja", _dmy(person.get("anonymised_at"))),
    ])

    _heading(pdf, "Zgody")
    for c in data["volunteer_consent"]:
        _lines(pdf, [("Zgoda", _label("consent", c["kind"])), ("udzielona", _dmy(c["given_on"])),
                     ("zakres", c.get("scope")), ("opiekun prawny", c.get("guardian_name")),
                     ("wycofana", _dmy(c.get("withdrawn_on")))])
        pdf.ln(1)
    if not data["volunteer_consent"]:
        _none(pdf)

    _heading(pdf, "Porozumienia")
    for a in data["volunteer_agreement"]:
        _lines(pdf, [("Zakres", a["scope"]), ("okres", f"{_dmy(a['starts_on'])} – {_dmy(a['ends_on'])}"),
                     ("forma", _label("agreement_form", a["form"])), ("podpisane", _dmy(a.get("signed_on"))),
                     ("stan", _label("agreement_status", a["status"])), ("rozwiązane", _dmy(a.get("terminated_on"))),
                     ("ubezpieczenie NNW", a.get("nnw_policy")), ("ubezpieczenie od", _dmy(a.get("nnw_on")))])
        pdf.ln(1)
    if not data["volunteer_agreement"]:
        _none(pdf)

    _heading(pdf, "Skierowania do pracy")
    for a in data["volunteer_assignment"]:
        o = opportunities.get(a["opportunity_id"], {})
        _lines(pdf, [("Zadanie", o.get("title")), ("miejsce", o.get("place")),
                     ("termin", f"{_dmy_hm(a['starts_at'])} – {_dmy_hm(a['ends_at'])}"),
                     ("stan", _label("assignment", a["status"]))])
        pdf.ln(1)
    if not data["volunteer_assignment"]:
        _none(pdf)

    _heading(pdf, "Godziny")
    for h in data["volunteer_hours"]:
        _lines(pdf, [("Dzień", _dmy(h["work_date"])), ("godzin", pdfs.hours_text(float(h["hours"]))),
                     ("opis", h.get("description")), ("stan", _label("hours", h["status"]))])
    if not data["volunteer_hours"]:
        _none(pdf)

    _heading(pdf, "Zaświadczenia i opinie")
    for d in data["volunteer_document"]:
        _lines(pdf, [("Dokument", _label("document", d["kind"])), ("wniosek z", _dmy(d["requested_on"])),
                     ("wydany", _dmy(d.get("issued_on")))])
    if not data["volunteer_document"]:
        _none(pdf)

    _heading(pdf, "Historia zmian")
    with in_language("pl"):
        for row in data["audit_log"]:
            fields = sorted({k for part in (row.get("before"), row.get("after")) if part
                             for k in (json.loads(part) if isinstance(part, str) else part or {})})
            changed = ", ".join(audit.field_label(f) for f in fields if f != "id")
            pdfs.pdf_line(pdf, f"{_dmy_hm(row['at_utc'], utc=True)} · {audit.action_label(row['action'])} · "
                               f"{audit.entity_label(row['entity'])}" + (f" ({changed})" if changed else ""),
                          9, align="L", height=5)
    if not data["audit_log"]:
        _none(pdf)
    pdf.ln(6)
    pdfs.pdf_line(pdf, "Administratorem danych jest Centrum Obywatelskie w Łodzi. Ma Pani/Pan prawo do sprostowania "
                       "danych, ich usunięcia, ograniczenia przetwarzania i wniesienia skargi do Prezesa UODO.",
                  9, align="J", height=5)
    return bytes(pdf.output())


def age_group(db: Database, actor: Actor, volunteer_id: int, on: date | None = None) -> str | None:
    """'minor' or 'adult' as the recorded birth data say; None once anonymisation erased them (shown as "—",
    never as "18+": an erased minor is not an adult)."""
    require(actor, "read")
    with db.transaction() as cur:
        person = vol.volunteer_row(cur, volunteer_id)
    return vol.age_group_of(person, on)


# -- anonymisation (art. 17) -------------------------------------------------------------------------------------------
_AUDIT_OF_PERSON = (
    "(entity = 'volunteer' and entity_id = ?) or (list_contains(?::varchar[], entity) and "
    "(json_extract_string(after, '$.volunteer_id') = ? or json_extract_string(before, '$.volunteer_id') = ? "
    "or list_contains(?::varchar[], entity || ':' || entity_id)))")


def _audit_params(cur, volunteer_id: int) -> list:
    keys = []
    for table in _CHILD_TABLES + ("volunteer_assignment",):
        keys += [f"{table}:{r[0]}" for r in fetch_all(cur, "select id from " + table + " where volunteer_id = ?",
                                                           [volunteer_id])]
    vid = str(volunteer_id)
    return [vid, list(_CHILD_TABLES), vid, vid, keys]


def _redact(value: Any, needles: list[str]) -> Any:
    """Personal keys erased, and any string containing the person's name, e-mail or phone replaced."""
    if isinstance(value, dict):
        return {k: (ERASED if k in _PERSONAL_KEYS and v not in (None, [], "") else _redact(v, needles))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, needles) for v in value]
    if isinstance(value, str) and any(n.lower() in value.lower() for n in needles):
        return ERASED
    return value


def _rewrite_audit(cur, person: dict, needles: list[str]) -> int:
    """Rewrite every audit row about the person, and any other row whose JSON mentions them."""
    like = [f"%{n.lower()}%" for n in needles]
    rows = fetch_all(
        cur, "select id, before, after from audit_log where (" + _AUDIT_OF_PERSON + ") "
             "or exists (select 1 from unnest(?::varchar[]) p(pat) where lower(coalesce(before::varchar, '') || "
             "coalesce(after::varchar, '')) like p.pat)", _audit_params(cur, person["id"]) + [like])
    for audit_id, before, after in rows:
        new = [audit.to_json(_redact(json.loads(x), needles)) if x is not None else None for x in (before, after)]
        cur.execute("update audit_log set before = ?, after = ? where id = ?", [new[0], new[1], audit_id])
    return len(rows)


def _needles(cur, person: dict) -> list[str]:
    guardians = [r[0] for r in fetch_all(cur, "select guardian_name from volunteer_consent where volunteer_id = ? "
                                                  "and guardian_name is not null", [person["id"]])]
    full = f"{person['first_name']} {person['last_name']}"
    values = [full, f"{person['last_name']} {person['first_name']}", person["email"], person["phone"], *guardians]
    return [v for v in values if v and len(v) >= 5]


def anonymise(db: Database, actor: Actor, volunteer_id: int) -> None:
    """Erase the person: identity, contacts, birth data and free text; hours stay for the aggregates.

    Allowed after the processing consent is withdrawn (that is usually why it runs). The anonymisation
    is itself audited, without any personal data. Then the database file is rewritten
    (``Database.erase_freed_blocks``): DuckDB leaves the old values in freed blocks, readable in the file.
    """
    require(actor, "write")

    def work(cur) -> bool:
        person = vol.volunteer_row(cur, volunteer_id)
        if person["anonymised_at"] is not None:
            return False
        needles = _needles(cur, person)
        cur.execute("update volunteer set first_name = ?, last_name = ?, email = null, phone = null, birth_year = null, "
                    "birth_date = null, tags = [], found_via = null, notes = null, status = 'inactive', "
                    "anonymised_at = ?, updated_at = ? where id = ?",
                    [ERASED, ERASED, clock.utc_now(), clock.utc_now(), person["id"]])
        cur.execute("update volunteer_consent set guardian_name = case when guardian_name is null then null else ? end, "
                    "scope = null where volunteer_id = ?", [ERASED, person["id"]])
        cur.execute("update volunteer_hours set description = null where volunteer_id = ?", [person["id"]])
        rewritten = _rewrite_audit(cur, person, needles)
        audit.record(cur, actor.username, "anonymise", "volunteer", person["id"], None, {"audit_rows_rewritten": rewritten})
        return True

    if db.write(work):
        db.erase_freed_blocks()  # if it cannot run now, a marker file keeps it pending until it has


def retention_months(db: Database) -> int:
    validate, default = app_settings.KNOWN[RETENTION_SETTING]
    try:
        return validate(app_settings.get_setting(db, RETENTION_SETTING))
    except (TypeError, ValueError):
        return default


def retention_review(db: Database, actor: Actor) -> pd.DataFrame:
    """Volunteers inactive for longer than the retention period (or whose processing stopped): to anonymise."""
    require(actor, "read")
    months = retention_months(db)
    cutoff = _months_before(clock.today(), months)
    return db.query(
        "select id, first_name, last_name, status, status_since from volunteer where anonymised_at is null and "
        "status = 'inactive' and status_since < ? order by status_since, id", [cutoff])


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month + 1, min(day.day, last[month]))
