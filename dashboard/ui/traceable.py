"""Showing the rows a headline figure was computed from (utilisation and results pages).

The rows come from the services already as the role may see them (contacts masked for the
coordinator); here they only get readable headers and values, the rule that turns them into the
figure, and a CSV download.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core import exports
from dashboard.core.i18n import fmt_number, t

# Columns holding codes, and the catalogue prefix that names each code.
_CODES = {"event_type": "event_type", "form": "advisory_form"}
_FLAGS = ("no_show", "present", "walk_in")


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


def show(rows: pd.DataFrame, rule: str, column: str | None, figure_text: str, file_stem: str, masked: bool) -> None:
    """``rule``: count, sum or mean (of ``column``) — how the rows give ``figure_text``, said above them."""
    st.caption(t(f"forum.trace.rule.{rule}", rows=fmt_number(len(rows)),
                 column=t(f"forum.col.{column}") if column else "", value=figure_text))
    if masked and {"email", "phone", "volunteer"} & set(rows.columns):
        st.caption(t("forum.trace.masked"))
    if rows.empty:
        st.info(t("common.no_data"))
        return
    shown = readable(rows)
    st.dataframe(shown, hide_index=True, width="stretch", height=320)
    st.download_button(t("forum.trace.download"), lambda: exports.to_csv(shown), file_name=f"{file_stem}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key=f"csv_{file_stem}")
