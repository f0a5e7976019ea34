"""Showing the rows a headline figure was computed from (utilisation and results pages).

The rows are the indicator catalogue's (``indicators.rows``), already as the role may see them
(contacts masked for the coordinator); here they only get readable headers and values, the
catalogue's rule that turns them into the figure (with the figure they add up to), the indicator's
definition, and a CSV download.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core import exports
from dashboard.core.i18n import fmt_money, fmt_number, t
from dashboard.services.reporting import indicators

# Columns holding codes, and the catalogue prefix that names each code.
_CODES = {"event_type": "event_type", "form": "advisory_form"}
_FLAGS = ("no_show", "present", "walk_in", "used", "evening")


def readable(rows: pd.DataFrame) -> pd.DataFrame:
    """Codes as words, 0/1 flags as yes/no, headers in the user's language."""
    out = rows.copy()
    for column, prefix in _CODES.items():
        if column in out.columns:
            out[column] = [t(f"{prefix}.{v}") if isinstance(v, str) else v for v in out[column]]
    if "status" in out.columns:
        prefix = "booking_status" if "resource" in out.columns else "event_status"
        out["status"] = [t(f"{prefix}.{v}") if isinstance(v, str) else v for v in out["status"]]
    for column in _FLAGS:
        if column in out.columns:
            out[column] = [t("common.yes") if v else t("common.no") for v in out[column]]
    return out.rename(columns={c: t(f"forum.col.{c}") for c in out.columns})


def figure_text(indicator_id: str, value: float | None) -> str:
    """What an indicator's rows add up to, a little more precisely than the figure shows (two decimals for hours),
    so it can be checked against a spreadsheet's sum."""
    ind = indicators.get(indicator_id)
    if value is None or value != value:
        return "—"
    if ind.unit == "share":
        return fmt_number(value * 100, digits=1) + " %"
    if ind.unit == "pln":
        return fmt_money(value)
    return fmt_number(value, digits=0 if ind.rule in ("count", "distinct") else 2)


def show_indicator(indicator_id: str, rows: pd.DataFrame, file_stem: str, masked: bool) -> None:
    """The rows of a catalogue indicator, the rule that gives its value from them, and its definition."""
    ind = indicators.get(indicator_id)
    st.caption(ind.definition())
    show(rows, ind.rule, ind.column, figure_text(indicator_id, indicators.value_from_rows(indicator_id, rows)),
         file_stem, masked, ind.denominator)


def show(rows: pd.DataFrame, rule: str, column: str | None, figure_text: str, file_stem: str, masked: bool,
         denominator: str | None = None) -> None:
    """``rule``: count, sum, mean or distinct (of ``column``), or ratio (``column`` ÷ ``denominator``) — how the
    rows give ``figure_text``, said above them."""
    st.caption(t(f"forum.trace.rule.{rule}", rows=fmt_number(len(rows)),
                 column=t(f"forum.col.{column}") if column else "",
                 denominator=t(f"forum.col.{denominator}") if denominator else "", value=figure_text))
    if masked and {"email", "phone", "volunteer"} & set(rows.columns):
        st.caption(t("forum.trace.masked"))
    if rows.empty:
        st.info(t("common.no_data"))
        return
    shown = readable(rows)
    st.dataframe(shown, hide_index=True, width="stretch", height=320)
    st.download_button(t("forum.trace.download"), lambda: exports.to_csv(shown), file_name=f"{file_stem}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key=f"csv_{file_stem}")
