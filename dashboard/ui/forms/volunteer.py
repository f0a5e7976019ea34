"""The volunteer's form, shared by the registration page and the edit section of a volunteer's page.

Minimal by design (RODO, domain notes §2): there is no field for a PESEL, an ID-document number, health
data or a criminal-record check's content, so none can be typed in. Values live under keyed widgets, so a
refused save keeps everything typed; the service runs in the submit callback, so its messages are known
before the form is drawn and appear under their fields.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pandas as pd
import streamlit as st
from babel import Locale

from dashboard.core import clock, i18n
from dashboard.core.i18n import t
from dashboard.services.register import organisations
from dashboard.services.volunteers import register as vol
from dashboard.ui import widgets as ui

RECORD_FIELDS = ("first_name", "last_name", "email", "phone", "birth_date", "birth_year", "skills", "tags",
                 "languages", "osiedle_id", "status", "found_via", "notes")
CONSENT_FIELDS = ("consent", "consent_on", "consent_scope", "consent_photos", "consent_newsletter", "guardian_name",
                  "guardian_consent_on")
# Languages offered (ISO 639-1); the service accepts any two-letter code.
LANGUAGES = ("pl", "en", "de", "uk", "ru", "fr", "es", "it", "cs", "sk", "lt", "be", "pt", "nl", "sv", "hu", "ro",
             "tr", "ar", "vi", "zh", "ja", "ko", "ka", "hy", "he")
FOUND_VIA = ("friends", "social_media", "website", "school", "event", "ngo", "poster", "other")
DEFAULT_SCOPE = "rejestr wolontariuszy Centrum Obywatelskiego"


def key(form: str, field: str) -> str:
    return f"{form}__{field}"


def language_name(code: str) -> str:
    """'angielski (en)' in Polish, 'English (en)' in English; the bare code when babel does not know it."""
    name = _language_names(i18n.current_language()).get(code)
    return f"{name} ({code})" if name else code


@cache
def _language_names(lang: str) -> dict[str, str]:
    """Babel's names of languages in ``lang``, read once: the form names 26 languages on every rerun."""
    return dict(Locale.parse(i18n.LOCALES[lang]).languages)


def found_via_label(value: str | None) -> str:
    """A known channel translated; anything else (typed elsewhere) shown as it is."""
    if not value:
        return ""
    return t(f"volunteers.found.{value}") if value in FOUND_VIA else value


def slot_label(slot: str) -> str:
    day, part = slot.split("_", 1)
    return f"{t('weekday_short.' + str(vol.WEEKDAYS.index(day)))} {t('volunteers.part.' + part)}"


def defaults(form: str, *, with_consents: bool) -> None:
    preset = {"first_name": "", "last_name": "", "email": "", "phone": "", "birth_date": None, "birth_year": None,
              "skills": [], "tags": [], "languages": ["pl"], "osiedle_id": None, "status": "candidate",
              "found_via": None, "notes": ""}
    if with_consents:
        preset |= {"consent": False, "consent_on": clock.today(), "consent_scope": DEFAULT_SCOPE,
                   "consent_photos": False, "consent_newsletter": False, "guardian_name": "", "guardian_consent_on": None}
    for field, value in preset.items():
        st.session_state.setdefault(key(form, field), value)
    for part in vol.PARTS:
        st.session_state.setdefault(key(form, f"avail_{part}"), [])


def clear(form: str) -> None:
    for name in [k for k in st.session_state if str(k).startswith(f"{form}__")]:
        del st.session_state[name]


def load(form: str, person: dict) -> None:
    """Fill the form from the stored record (when editing starts)."""
    for field in RECORD_FIELDS:
        value = person.get(field)
        if field in ("skills", "tags", "languages"):
            value = list(value or [])
        elif field in ("first_name", "last_name", "email", "phone", "notes"):
            value = value or ""
        elif field in ("osiedle_id", "birth_year") and value is not None:
            value = int(value)
        st.session_state[key(form, field)] = value
    slots = set(person.get("availability") or [])
    for part in vol.PARTS:
        st.session_state[key(form, f"avail_{part}")] = [i for i, d in enumerate(vol.WEEKDAYS) if f"{d}_{part}" in slots]


def values(form: str, *, with_consents: bool) -> dict:
    data = {f: st.session_state.get(key(form, f)) for f in RECORD_FIELDS}
    data["availability"] = [f"{vol.WEEKDAYS[i]}_{part}" for part in vol.PARTS
                            for i in st.session_state.get(key(form, f"avail_{part}")) or []]
    if with_consents:
        data |= {f: st.session_state.get(key(form, f)) for f in CONSENT_FIELDS}
    return data


def fields(form: str, *, with_consents: bool, skills: pd.DataFrame | None = None,
           osiedla: pd.DataFrame | None = None) -> None:
    """Draw the volunteer's widgets with their messages (inside the caller's st.form).

    ``skills`` and ``osiedla`` are the lists the caller has already read (the volunteer's page shows
    them too); read here when not given.
    """
    db = ui.db()
    skills = vol.skills(db) if skills is None else skills
    skill_names = dict(zip(skills["code"], skills["name_pl" if i18n.current_language() == "pl" else "name_en"]))
    osiedla = organisations.osiedla(db) if osiedla is None else osiedla
    osiedle_names = dict(zip(osiedla["id"].astype(int), osiedla["name"]))
    tags = sorted(set(vol.tag_suggestions(db)) | set(st.session_state.get(key(form, "tags")) or []))
    found = list(FOUND_VIA)
    stored_found = st.session_state.get(key(form, "found_via"))
    if stored_found and stored_found not in found:
        found.append(stored_found)

    # The day names once per rerun, not once per option and part (the pills are not ui.field choices, whose
    # format_func must translate at call time for remember_choices).
    weekdays = [t(f"weekday_short.{i}") for i in range(7)]

    st.markdown(f"**{t('volunteers.form.person')}**")
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "first_name", st.text_input, t("volunteers.form.first_name") + " *", max_chars=100)
    with c2:
        ui.field(form, "last_name", st.text_input, t("volunteers.form.last_name") + " *", max_chars=100)
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "email", st.text_input, t("volunteers.form.email"), placeholder="imie.nazwisko@example.org")
    with c2:
        ui.field(form, "phone", st.text_input, t("volunteers.form.phone"), placeholder="601 234 567")
    st.caption(t("volunteers.form.contact_hint"))
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "birth_date", st.date_input, t("volunteers.form.birth_date"), min_value=date(1920, 1, 1),
                 max_value=clock.today(), format="DD.MM.YYYY")
    with c2:
        ui.field(form, "birth_year", st.number_input, t("volunteers.form.birth_year"), min_value=1900,
                 max_value=clock.today().year, step=1, placeholder="np. 2008")
    st.caption(t("volunteers.form.birth_hint"))

    st.markdown(f"**{t('volunteers.form.interests')}**")
    ui.field(form, "skills", st.multiselect, t("volunteers.form.skills"), list(skill_names),
             format_func=lambda c: skill_names.get(c, c), placeholder=t("common.choose"))
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "tags", st.multiselect, t("volunteers.form.tags"), tags, accept_new_options=True,
                 placeholder=t("volunteers.form.tags_hint"))
    with c2:
        ui.field(form, "languages", st.multiselect, t("volunteers.form.languages"), list(LANGUAGES),
                 format_func=language_name, placeholder=t("common.choose"))

    st.markdown(f"**{t('volunteers.form.availability')}**")
    for part in vol.PARTS:
        st.pills(t(f"volunteers.part.{part}"), list(range(7)), selection_mode="multi", key=key(form, f"avail_{part}"),
                 format_func=weekdays.__getitem__)
    ui.field_error(form, "availability")

    c1, c2, c3 = st.columns(3)
    with c1:
        ui.field(form, "osiedle_id", st.selectbox, t("volunteers.form.osiedle"), [None, *osiedle_names],
                 format_func=lambda i: t("common.none") if i is None else osiedle_names[i],
                 placeholder=t("common.none"))
    with c2:
        ui.field(form, "status", st.selectbox, t("volunteers.form.status"), list(vol.STATUSES),
                 format_func=lambda s: t(f"volunteers.status.{s}"))
    with c3:
        ui.field(form, "found_via", st.selectbox, t("volunteers.form.found_via"), [None, *found],
                 format_func=lambda c: t("common.none") if c is None else found_via_label(c),
                 placeholder=t("common.none"))
    ui.field(form, "notes", st.text_area, t("volunteers.form.notes"), max_chars=2000, height=80,
             help=t("volunteers.form.notes_help"))

    if with_consents:
        st.markdown(f"**{t('volunteers.form.consents')}**")
        ui.field(form, "consent", st.checkbox, t("volunteers.form.consent") + " *")
        c1, c2 = st.columns([1, 2])
        with c1:
            ui.field(form, "consent_on", st.date_input, t("volunteers.form.consent_on"), min_value=date(2000, 1, 1),
                     max_value=clock.today(), format="DD.MM.YYYY")
        with c2:
            ui.field(form, "consent_scope", st.text_input, t("volunteers.form.consent_scope"), max_chars=500)
        c1, c2 = st.columns(2)
        c1.checkbox(t("volunteers.form.consent_photos"), key=key(form, "consent_photos"))
        c2.checkbox(t("volunteers.form.consent_newsletter"), key=key(form, "consent_newsletter"))
        st.markdown(f"**{t('volunteers.form.guardian')}**")
        st.caption(t("volunteers.form.guardian_hint"))
        c1, c2 = st.columns([2, 1])
        with c1:
            ui.field(form, "guardian_name", st.text_input, t("volunteers.form.guardian_name"), max_chars=200)
        with c2:
            ui.field(form, "guardian_consent_on", st.date_input, t("volunteers.form.guardian_consent_on"),
                     min_value=date(2000, 1, 1), max_value=clock.today(), format="DD.MM.YYYY")
