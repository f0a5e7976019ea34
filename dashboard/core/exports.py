"""CSV and XLSX exports that are safe to open in Excel.

A cell starting with = + - @ (or a tab / carriage return) is read by spreadsheet programs as
a formula; an organisation named "=HYPERLINK(…)" must come out as text, so such cells get a
leading apostrophe (OWASP's advice for CSV injection).

Any frame the app can hold must export: a column empty in every row (pandas 3 keeps it as
NaN/None, ``str`` dtype or ``object``), NaT, pd.NA, lists from DuckDB LIST columns, timezone-aware
times. Missing values become empty cells; lists become "a, b" text (neutralised like any text).
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime

import numpy as np
import pandas as pd

from dashboard.core import clock

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 10, 60


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _missing(value: object) -> bool:
    """None, NaN, NaT and pd.NA (never raises on a list or an array, unlike ``pd.isna``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (np.floating, np.datetime64, np.timedelta64)):
        return bool(np.isnat(value)) if not isinstance(value, np.floating) else bool(np.isnan(value))
    return False


def _plain(value: object) -> object:
    """A cell as a spreadsheet can hold it: missing as None, a list as "a, b" text, an aware time in Łódź."""
    if _missing(value):
        return None
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return ", ".join("" if _missing(v) else str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, datetime) and value.tzinfo is not None:
        return pd.Timestamp(value).tz_convert(clock.WARSAW).tz_localize(None)
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in range(out.shape[1]):
        series = out.iloc[:, column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            # Excel has no time zones: the domain's wall clock (Europe/Warsaw), like every other time shown.
            out.isetitem(column, series.dt.tz_convert(clock.WARSAW).dt.tz_localize(None))
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out.isetitem(column, pd.Series([neutralise(_plain(v)) for v in series], index=series.index,
                                           dtype=object))
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and ';' separators: what Polish Excel opens correctly by double-click.

    Rows end in CRLF (RFC 4180): the csv module quotes only fields holding a character of the
    line terminator, so with a bare "\n" a text with a lone "\r" went out unquoted and split
    its row in two when read back.
    """
    return safe_frame(frame).to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")


def _width(header: str, series: pd.Series) -> int:
    """Column width in characters: the longest header or cell, missing cells counting as empty.

    (pandas 3 keeps NaN through ``astype(str)``: ``.str.len().max()`` of a column empty in every
    row was NaN, and ``int(NaN)`` stopped the whole export.)
    """
    longest = max((len(str(v)) for v in series if not _missing(v)), default=0)
    return min(_MAX_WIDTH, max(_MIN_WIDTH, len(header) + 2, longest + 2))


def sheet_name(sheet: str) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, not empty."""
    return _SHEET_FORBIDDEN.sub(" ", str(sheet)).strip()[:31] or "Dane"


def to_xlsx(frame: pd.DataFrame, sheet: str = "Dane") -> bytes:
    name = sheet_name(sheet)
    safe = safe_frame(frame)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        safe.to_excel(writer, sheet_name=name, index=False)
        worksheet = writer.sheets[name]
        for index in range(safe.shape[1]):
            worksheet.set_column(index, index, _width(str(safe.columns[index]), safe.iloc[:, index]))
    return buffer.getvalue()
