"""CSV and XLSX exports that are safe to open in Excel.

A cell starting with = + - @ (or a tab / carriage return) is read by spreadsheet programs as
a formula; an organisation named "=HYPERLINK(…)" must come out as text, so such cells get a
leading apostrophe (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import io

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and ';' separators: what Polish Excel opens correctly by double-click.

    Rows end in CRLF (RFC 4180): the csv module quotes only fields holding a character of the
    line terminator, so with a bare "\n" a text with a lone "\r" went out unquoted and split
    its row in two when read back.
    """
    return safe_frame(frame).to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "Dane") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        safe_frame(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
        worksheet = writer.sheets[sheet[:31]]
        for index, column in enumerate(frame.columns):
            width = min(60, max(10, len(str(column)) + 2, int(frame[column].astype(str).str.len().max() or 0) + 2))
            worksheet.set_column(index, index, width)
    return buffer.getvalue()
