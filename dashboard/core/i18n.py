"""Translation and Polish/English formatting.

Every user-facing string goes through ``t``. Catalogues are JSON files per language with the
same keys: ``pl.json`` for the shared strings, plus one ``<area>.pl.json`` per area (so work on
one area never edits another's file); a unit test fails when a key is missing from either
language or defined in two files.

Plurals: an entry whose text holds a number that a noun agrees with is written as four keys,
``key.one`` / ``key.few`` / ``key.many`` / ``key.other`` (CLDR's categories; Polish needs all of
them: 1 termin, 2 terminy, 5 terminów, 1,5 terminu; English uses one and other). ``t(key, count=n)``
(or ``tp(key, n)``) picks the form by Babel's plural rules for the language. A service's
Message need not say ``count``: the form follows the first placeholder of the entry whose
value is a number (``error.too_long`` with ``max=5`` → "najwyżej 5 znaków").

Parameters that are dates, datetimes or times are shown as people write them (24.12.2026,
24.12.2026 10:00, 10:00), never in ISO form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from numbers import Integral
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal, get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from dashboard.core.errors import Message

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
LOCALES = {"pl": "pl_PL", "en": "en_GB"}
_DIR = Path(__file__).resolve().parents[1] / "locales"


def catalogue_files(lang: str) -> list[Path]:
    """The shared catalogue first, then each area's, in a stable order."""
    return [_DIR / f"{lang}.json", *sorted(_DIR.glob(f"*.{lang}.json"))]


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of the language; a plural entry is also known by its base key (its ``other`` text),
    so ``key in catalogue(lang)`` holds for every key the code may ask for."""
    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    for key in [k for k in merged if k.endswith(".other")]:
        base = key[: -len(".other")]
        if f"{base}.one" in merged:  # not a set of codes that merely has one called "other"
            merged.setdefault(base, merged[key])
    return merged


_language_source: Callable[[], str | None] | None = None


def use_language_source(source: Callable[[], str | None]) -> None:
    """Let the UI layer say where the session's language is kept (core never imports Streamlit)."""
    global _language_source
    _language_source = source


_forced_language: ContextVar[str | None] = ContextVar("forced_language", default=None)


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Within the block, ``t`` and the formatters speak ``lang`` (e.g. to know how a choice was
    labelled in the other language)."""
    token = _forced_language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _forced_language.reset(token)


def current_language() -> str:
    """The session's language; the default outside a Streamlit run (CLI, services)."""
    forced = _forced_language.get()
    if forced:
        return forced
    try:
        lang = _language_source() if _language_source else None
    except Exception:  # no script run context: CLI, tests of services
        lang = None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


PLURAL_FORMS = ("one", "few", "many", "other")
_PLACEHOLDER = re.compile(r"{(\w+)}")


def number_of(value) -> int | float | Decimal | None:
    """The number a parameter holds (also "1 114" or "2,5" as formatted for people); None if it is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, (int, float)):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        text = value.replace("\xa0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except ArithmeticError:
            return None
        if not number.is_finite():
            return None
        return int(number) if number == number.to_integral_value() else number
    try:  # numpy integers and floats
        return number_of(value.item())
    except AttributeError:
        return None


def plural_form(lang: str, count) -> str:
    """CLDR plural category of ``count`` in ``lang``: one, few, many or other."""
    number = number_of(count)
    if number is None:
        return "other"
    return _locale(lang).plural_form(abs(number))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, LOCALES[DEFAULT_LANGUAGE]))


def is_plural(lang: str, key: str) -> bool:
    """Whether ``key`` is written in plural forms (``key.one`` … ``key.other``) in ``lang``."""
    found = catalogue(lang)
    return f"{key}.one" in found and f"{key}.other" in found


def _plural_count(template: str, params: dict):
    """``count`` if given, else the first placeholder of the entry that holds a number."""
    if "count" in params:
        return params["count"]
    names = _PLACEHOLDER.findall(template)
    for name in names:  # a real number first: a name such as "101" is text that only looks like one
        value = params.get(name)
        if not isinstance(value, (str, bool)) and number_of(value) is not None:
            return value
    for name in names:
        if number_of(params.get(name)) is not None:
            return params[name]
    return None


def _lookup(lang: str, key: str, params: dict) -> str | None:
    found = catalogue(lang)
    if is_plural(lang, key):
        form = plural_form(lang, _plural_count(found[f"{key}.other"], params))
        return found.get(f"{key}.{form}") or found[f"{key}.other"]
    return found.get(key)


def translate(lang: str, key: str, **params) -> str:
    """Look the key up in ``lang`` (its plural form when the entry has them); fall back to Polish,
    then to the key itself (visible, not a crash)."""
    text = _lookup(lang, key, params) or _lookup(DEFAULT_LANGUAGE, key, params) or key
    if params:
        try:
            return text.format(**{name: _shown_in(lang, value) for name, value in params.items()})
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _shown_in(lang: str, value):
    """A parameter as people read it: dates and times in the language's form, the rest unchanged."""
    if isinstance(value, datetime):
        return fmt_datetime(value, lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):  # a service that sent a date as ISO text
        try:
            return fmt_date(date.fromisoformat(value), lang)
        except ValueError:
            return value
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def t(key: str, **params) -> str:
    """The text of ``key`` in the session's language; ``count=n`` picks the plural form."""
    return translate(current_language(), key, **params)


def tp(key: str, count, **params) -> str:
    """``t`` with the number that picks the plural form (also available as ``{count}``)."""
    return t(key, count=count, **params)


def tm(message: Message) -> str:
    """Translate a service's Message (an error key with its parameters)."""
    return t(message.key, **message.params)


def _missing(value) -> bool:
    """None, NaN and NaT: what an empty cell of a frame holds."""
    return value is None or value != value


# Dates, times and numbers are written straight from their fields in the two interface languages:
# Babel's formatter parses the locale and the pattern on every call (30–40 µs, 120 µs for a number
# with decimals), and a table of a few thousand rows formats every cell. The texts are Babel's own:
# month names and separators are read from it once, and anything out of the ordinary (another
# language, a type that is neither a date nor a plain number, a number too large for a float's
# digits) still goes to Babel. tests/unit/test_i18n.py compares both ways value by value.
_DATE_PATTERNS = {"pl": "dd.MM.yyyy", "en": "d MMM yyyy"}
_PLAIN_LIMIT = 10**15  # below it a float's str() keeps every digit Babel would see


@cache
def _month_names(lang: str) -> tuple[str, ...]:
    """The language's month abbreviations as Babel writes them ("Sept" in British English)."""
    return tuple(_babel_date(date(2000, month, 1), "MMM", locale=LOCALES[lang]) for month in range(1, 13))


@cache
def _number_symbols(lang: str) -> dict[int, str]:
    """``str.translate`` table from Python's "-1,234.5" to the language's minus, grouping and decimal signs."""
    locale = LOCALES[lang]
    return str.maketrans({"-": get_minus_sign_symbol(locale), ",": get_group_symbol(locale),
                          ".": get_decimal_symbol(locale)})


def _date_text(value: date, lang: str) -> str:
    if lang == "pl":
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return f"{value.day} {_month_names(lang)[value.month - 1]} {value.year:04d}"


def fmt_date(value: date | datetime | None, lang: str | None = None) -> str:
    if _missing(value):
        return ""
    lang = lang or current_language()
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date) and lang in _DATE_PATTERNS:
        return _date_text(value, lang)
    return _babel_date(value, _DATE_PATTERNS.get(lang, "d MMM yyyy"), locale=LOCALES[lang])


def fmt_datetime(value: datetime | None, lang: str | None = None) -> str:
    if _missing(value):
        return ""
    lang = lang or current_language()
    if isinstance(value, datetime) and lang in _DATE_PATTERNS:  # the time as written, whatever its zone (as Babel)
        return f"{_date_text(value, lang)} {value.hour:02d}:{value.minute:02d}"
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
    if lang in _DATE_PATTERNS and isinstance(digits, int) and 0 <= digits <= 6:
        plain = _plain_number(value, digits)
        if plain is not None:
            return plain.translate(_number_symbols(lang))
    pattern = "#,##0" + (("." + "0" * digits) if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def _plain_number(value, digits: int) -> str | None:
    """``value`` as "-1,234.50" (Babel's rounding: half to even on the number's decimal text), or None
    when it is no plain int or float of a size a float writes exactly."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        number = int(value)
        if abs(number) >= _PLAIN_LIMIT:
            return None
        return f"{number:,}" + ("." + "0" * digits if digits else "")
    if isinstance(value, float) and abs(value) < _PLAIN_LIMIT:  # NaN is missing; inf is not below the limit
        rounded = Decimal(str(float(value))).quantize(Decimal(1).scaleb(-digits))
        return f"{rounded:,f}"
    return None
