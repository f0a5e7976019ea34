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
