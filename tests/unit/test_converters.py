"""The one set of converters: what a form, a URL or a data editor sends, read the same everywhere."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
import pytest

from dashboard.core.converters import as_date, as_datetime, as_int, as_time


@pytest.mark.parametrize("given, expected", [
    (42, 42), (np.int64(42), 42), (42.0, 42), (" 42 ", 42), ("42.0", 42), ("-7", -7), (Decimal("15"), 15),
    (2**63 - 1, 2**63 - 1), (-(2**63), -(2**63)),
])
def test_whole_numbers_are_read(given, expected):
    assert as_int(given) == expected


@pytest.mark.parametrize("given", [
    None, True, False, "", "   ", "abc", "4,5", 4.5, "4.5", float("nan"), "nan", float("inf"), "inf", "1e999",
    "1e300", 10**300, 2**63, -(2**63) - 1, [], {}, object(),
])
def test_anything_else_is_not_a_number(given):
    assert as_int(given) is None


def test_a_300_digit_number_is_not_an_id():
    assert as_int("1e300") is None
    assert as_int("1" + "0" * 300) is None


@pytest.mark.parametrize("given, expected", [
    (date(2026, 12, 8), date(2026, 12, 8)), (datetime(2026, 12, 8, 10, 30), date(2026, 12, 8)),
    ("2026-12-08", date(2026, 12, 8)), (" 08.12.2026 ", date(2026, 12, 8)), ("2026-12-08T10:00", date(2026, 12, 8)),
])
def test_days_are_read_in_iso_and_polish_forms(given, expected):
    assert as_date(given) == expected


@pytest.mark.parametrize("given", [None, "", "30.02.2026", "2026-02-30", "jutro", 20261208, True])
def test_a_day_that_does_not_exist_is_none(given):
    assert as_date(given) is None


@pytest.mark.parametrize("given, expected", [
    (time(10, 30), time(10, 30)), (datetime(2026, 12, 8, 10, 30, 5, 9), time(10, 30, 5)),
    ("10:30", time(10, 30)), ("10.30", time(10, 30)), ("10:30:00.000", time(10, 30)), (time(9, 0, 0, 500), time(9)),
])
def test_times_of_day_are_read(given, expected):
    assert as_time(given) == expected


@pytest.mark.parametrize("given", [None, "", "25:00", "10:75", "10", "10:30 pm", 1030])
def test_anything_else_is_not_a_time(given):
    assert as_time(given) is None


def test_datetimes_are_naive_minutes():
    assert as_datetime(datetime(2026, 12, 8, 10, 30, 45)) == datetime(2026, 12, 8, 10, 30)
    assert as_datetime(date(2026, 12, 8)) == datetime(2026, 12, 8)
    assert as_datetime("2026-12-08 10:30") == datetime(2026, 12, 8, 10, 30)
    assert as_datetime("8 grudnia") is None
