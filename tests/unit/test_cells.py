"""A long list writes its dates and codes exactly as a single value is written elsewhere on screen.

``dashboard.ui.cells`` writes whole columns at once (the initiatives list has 3,000 rows at city
scale); these tests hold it to ``i18n.fmt_date`` and ``t`` so the speed-up changes nothing people read.
"""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.core import i18n
from dashboard.ui import cells

THREE_YEARS = [date(2024, 1, 1) + timedelta(days=n) for n in range(3 * 366)]  # a leap year, every month


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_day_of_three_years_reads_as_fmt_date_writes_it(lang):
    column = pd.Series(THREE_YEARS)
    assert list(cells.dates(column, lang)) == [i18n.fmt_date(day, lang) for day in THREE_YEARS]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_column_read_from_the_database_shows_the_day_of_each_moment(lang):
    moments = pd.Series(pd.to_datetime([datetime(2026, 11, 18, 23, 59), datetime(2026, 9, 3, 0, 0)]))
    assert list(cells.dates(moments, lang)) == [i18n.fmt_date(m.to_pydatetime(), lang) for m in moments]


def test_polish_and_english_forms_people_know():
    column = pd.Series([date(2026, 9, 3), date(2026, 12, 24)])
    assert list(cells.dates(column, "pl")) == ["03.09.2026", "24.12.2026"]
    assert list(cells.dates(column, "en")) == ["3 Sept 2026", "24 Dec 2026"]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_missing_date_is_an_empty_cell_not_nat_or_none(lang):
    column = pd.Series([date(2026, 11, 18), None])
    assert list(cells.dates(column, lang)) == [i18n.fmt_date(date(2026, 11, 18), lang), ""]


def test_each_stage_code_reads_as_its_translation_in_the_sessions_language():
    codes = pd.Series(["submitted", "accepted", "submitted", "settled"])
    with i18n.in_language("en"):
        shown = cells.translated(codes, "initiative.stage.{}")
        assert list(shown) == [i18n.t(f"initiative.stage.{code}") for code in codes]
    assert shown.iloc[0] != "initiative.stage.submitted"  # a real name, not the key


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_column_of_costs_reads_as_fmt_money_writes_each_one(lang):
    amounts = pd.Series([1234.5, 0.0, 1234.5, 99999.99, None, -12.0])
    expected = [i18n.fmt_money(a, lang) for a in amounts]
    assert list(cells.money(amounts, lang)) == expected
    assert expected[4] == "" and "1" in expected[0]
