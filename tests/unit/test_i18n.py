"""Tests for translations and Polish/English formatting."""

import re
from datetime import date, datetime
from pathlib import Path

from dashboard.core import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_both_catalogues_have_the_same_keys():
    pl, en = set(i18n.catalogue("pl")), set(i18n.catalogue("en"))
    assert pl - en == set(), f"missing in en.json: {sorted(pl - en)}"
    assert en - pl == set(), f"missing in pl.json: {sorted(en - pl)}"


def test_no_key_is_defined_in_two_catalogue_files():
    import json

    for lang in i18n.LANGUAGES:
        seen: dict[str, str] = {}
        for path in i18n.catalogue_files(lang):
            for key in json.loads(path.read_text(encoding="utf-8")):
                assert key not in seen, f"{key} in both {seen[key]} and {path.name}"
                seen[key] = path.name


def test_every_literal_key_used_in_code_exists():
    used = set()
    for path in list((ROOT / "dashboard").rglob("*.py")) + list((ROOT / "pages").rglob("*.py")):
        used |= set(re.findall(r"\bt\(\"([a-z_]+\.[a-z_.0-9]+)\"", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in i18n.catalogue("pl"))
    assert missing == []


def test_placeholders_match_between_languages():
    for key, text in i18n.catalogue("pl").items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", i18n.catalogue("en")[key])), key


def test_polish_dates_and_money():
    assert i18n.fmt_date(date(2026, 12, 24), "pl") == "24.12.2026"
    assert i18n.fmt_datetime(datetime(2026, 1, 2, 9, 5), "pl") == "02.01.2026 09:05"
    assert i18n.fmt_money(1234.56, "pl").replace("\xa0", " ") == "1 234,56 zł"
    assert i18n.fmt_money(1234.56, "en") == "PLN1,234.56"


def test_missing_values_format_as_empty():
    assert i18n.fmt_date(None) == ""
    assert i18n.fmt_date(float("nan")) == ""


def test_translation_falls_back_to_the_key_not_a_crash():
    assert i18n.translate("en", "no.such.key") == "no.such.key"
    assert i18n.translate("pl", "error.too_long", max=5) == "Za długie — najwyżej 5 znaków."


def test_dates_and_times_read_as_babel_writes_them():
    """fmt_date and fmt_datetime write the fields themselves (a table formats thousands of cells);
    every month, both languages, a far year and an aware time read exactly as Babel's patterns."""
    import pandas as pd
    from babel.dates import format_date, format_datetime

    days = [date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)] + [date(5, 1, 1), date(9999, 12, 31)]
    moments = [datetime(d.year, d.month, d.day, hour, minute) for d in days for hour, minute in ((0, 0), (9, 5), (23, 59))]
    moments.append(pd.Timestamp("2026-03-29 01:30", tz="Europe/Warsaw").to_pydatetime())
    moments.append(pd.Timestamp("2026-11-18 11:00:59.999999"))
    for lang, locale in i18n.LOCALES.items():
        date_pattern = "dd.MM.yyyy" if lang == "pl" else "d MMM yyyy"
        for day in days:
            assert i18n.fmt_date(day, lang) == format_date(day, date_pattern, locale=locale), (lang, day)
        for moment in moments:
            assert i18n.fmt_date(moment, lang) == format_date(moment.date(), date_pattern, locale=locale)
            assert i18n.fmt_datetime(moment, lang) == format_datetime(moment, date_pattern + " HH:mm", locale=locale)
    assert i18n.fmt_date(date(2026, 9, 3), "en") == "3 Sept 2026"
    assert i18n.fmt_datetime(pd.NaT) == ""


def test_numbers_read_as_babel_writes_them():
    """fmt_number groups and rounds like Babel (half to even on the number as written, "-0" kept,
    a non-breaking space between thousands in Polish) for ints, floats and numpy numbers."""
    import random

    import numpy as np
    from babel.numbers import format_decimal

    rng = random.Random(20)
    values = [0, 1, -1, 999, 1000, -1234, 1234567, 10**14 + 1, -(10**15), 10**22, 0.5, 1.5, 2.5, -2.5, 2.675, 1.005,
              12345.675, -0.001, -0.0, 1e-7, 0.125, 999.995, 1e21, float("inf"), np.int64(4321), np.float64(3.14159),
              np.float32(2.5), np.int32(-70000)]
    values += [rng.randint(-10**9, 10**9) for _ in range(200)]
    values += [round(rng.uniform(-10**6, 10**6), rng.randint(0, 4)) for _ in range(400)]
    for lang, locale in i18n.LOCALES.items():
        for digits in (0, 1, 2, 3):
            pattern = "#,##0" + (("." + "0" * digits) if digits else "")
            for value in values:
                assert i18n.fmt_number(value, lang, digits=digits) == format_decimal(value, format=pattern, locale=locale), \
                    (lang, digits, value)
    assert i18n.fmt_number(1234.5, "pl", digits=2) == "1\xa0234,50"
    assert i18n.fmt_number(float("nan")) == ""
