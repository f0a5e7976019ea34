"""Whole table columns written exactly as the interface writes one value, at the speed a list needs.

A list of 3,000 initiatives written cell by cell (``fmt_date`` through Babel, ``t()`` per row, each
asking the session for its language) took most of the page's time at city scale. Here a column of
dates is written at once, in the same form as ``i18n.fmt_date`` (24.12.2026 in Polish, 24 Dec 2026
in English), and a column of codes is translated once per distinct code.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
from babel.dates import get_month_names

from dashboard.core.i18n import LOCALES, current_language, fmt_money, t


@cache
def _months(lang: str) -> dict[int, str]:
    """The abbreviated month names Babel writes for ``MMM`` in ``lang`` (en_GB: Jan … Sept … Dec)."""
    names = get_month_names("abbreviated", "format", locale=LOCALES[lang])
    return {month: names[month] for month in range(1, 13)}


def dates(values: pd.Series, lang: str | None = None) -> pd.Series:
    """Every value as ``fmt_date`` writes it ('' for a missing one), computed for the column at once.

    Accepts dates, datetimes (their day is shown) or datetime64 columns.
    """
    lang = lang or current_language()
    moments = pd.to_datetime(pd.Series(values, copy=False), errors="coerce")
    missing = moments.isna()
    if lang == "pl":  # dd.MM.yyyy
        text = moments.dt.strftime("%d.%m.%Y")
    else:  # d MMM yyyy
        text = (moments.dt.day.astype("Int64").astype(str) + " " + moments.dt.month.map(_months(lang))
                + " " + moments.dt.strftime("%Y"))
    return text.where(~missing, "").astype(object)


def translated(codes: pd.Series, key: str) -> pd.Series:
    """``t(key.format(code))`` for every code, each distinct code translated once.

    ``key`` holds ``{}`` where the code goes, e.g. ``"initiative.stage.{}"``.
    """
    names = {code: t(key.format(code)) for code in pd.unique(codes)}
    return codes.map(names)


def money(amounts: pd.Series, lang: str | None = None) -> pd.Series:
    """Every amount as ``fmt_money`` writes it ('' for a missing one), each distinct amount written once."""
    lang = lang or current_language()
    names = {amount: fmt_money(amount, lang) for amount in pd.unique(amounts) if amount == amount}
    return amounts.map(names).fillna("").astype(object)
