"""Translation and Polish/English formatting.

Every user-facing string goes through ``t``. Catalogues are JSON files per language with the
same keys: ``pl.json`` for the shared strings, plus one ``<area>.pl.json`` per area (so work on
one area never edits another's file); a unit test fails when a key is missing from either
language or defined in two files.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Callable
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal

from dashboard.core.errors import Message

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
LOCALES = {"pl": "pl_PL", "en": "en_GB"}
_DIR = Path(__file__).resolve().parents[1] / "locales"


def catalogue_files(lang: str) -> list[Path]:
    """The shared catalogue first, then each area's, in a stable order."""
    return [_DIR / f"{lang}.json", *sorted(_DIR.glob(f"*.{lang}.json"))]


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


_language_source: Callable[[], str | None] | None = None


def use_language_source(source: Callable[[], str | None]) -> None:
    """Let the UI layer say where the session's language is kept (core never imports Streamlit)."""
    global _language_source
    _language_source = source


def current_language() -> str:
    """The session's language; the default outside a Streamlit run (CLI, services)."""
    try:
        lang = _language_source() if _language_source else None
    except Exception:  # no script run context: CLI, tests of services
        lang = None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **params) -> str:
    """Look the key up in ``lang``; fall back to Polish, then to the key itself (visible, not a crash)."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def t(key: str, **params) -> str:
    return translate(current_language(), key, **params)


def tm(message: Message) -> str:
    """Translate a service's Message (an error key with its parameters)."""
    return t(message.key, **message.params)


def _missing(value) -> bool:
    """None, NaN and NaT: what an empty cell of a frame holds."""
    return value is None or value != value


def fmt_date(value: date | datetime | None, lang: str | None = None) -> str:
    if _missing(value):
        return ""
    lang = lang or current_language()
    if isinstance(value, datetime):
        value = value.date()
    pattern = "dd.MM.yyyy" if lang == "pl" else "d MMM yyyy"
    return _babel_date(value, pattern, locale=LOCALES[lang])


def fmt_datetime(value: datetime | None, lang: str | None = None) -> str:
    if _missing(value):
        return ""
    lang = lang or current_language()
    pattern = "dd.MM.yyyy HH:mm" if lang == "pl" else "d MMM yyyy HH:mm"
    return _babel_datetime(value, pattern, locale=LOCALES[lang])


def fmt_money(amount: float | Decimal | int | None, lang: str | None = None) -> str:
    """``1 234,56 zł`` in Polish, ``PLN 1,234.56`` in English."""
    if _missing(amount):
        return ""
    lang = lang or current_language()
    return format_currency(amount, "PLN", locale=LOCALES[lang])


def fmt_number(value: float | int | None, lang: str | None = None, digits: int = 0) -> str:
    if _missing(value):
        return ""
    lang = lang or current_language()
    pattern = "#,##0" + (("." + "0" * digits) if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])
