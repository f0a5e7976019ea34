"""The period picker of the budget and report pages: a preset (the pilot, the year, quarter, month) or two dates.

The two dates are separate fields so a reversed or missing end gets its message right under the field
(the check itself is the report service's ``validate_period``).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import ui
from dashboard.i18n import fmt_date, t
from dashboard.services import pilot_report, utilisation

PRESETS = ("pilot", "year", "quarter", "month", "custom")


def pick(key: str, pilot: tuple[date, date], today: date) -> tuple[date, date] | None:
    """The chosen period, or None after showing what is wrong with the custom dates."""
    form = f"{key}_period"
    c1, c2, c3 = st.columns([3, 1.4, 1.4])
    preset = c1.segmented_control(t("util.period"), PRESETS, default="pilot", key=f"{key}_preset",
                                  format_func=lambda p: t(f"util.preset.{p}")) or "pilot"
    if preset != "custom":
        chosen = utilisation.period(preset, today, pilot)
        st.caption(t("util.range", start=fmt_date(chosen[0]), end=fmt_date(chosen[1])))
        return chosen
    st.session_state.setdefault(f"{key}_from", pilot[0])
    st.session_state.setdefault(f"{key}_to", min(pilot[1], today) if pilot[0] <= today else pilot[1])
    start = c2.date_input(t("report.period.from"), key=f"{key}_from", format="DD.MM.YYYY",
                          min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    end = c3.date_input(t("report.period.to"), key=f"{key}_to", format="DD.MM.YYYY",
                        min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    ok, chosen = ui.run_service(form, lambda: pilot_report.validate_period(start, end))
    if ok:
        st.caption(t("util.range", start=fmt_date(chosen[0]), end=fmt_date(chosen[1])))
        return chosen
    with c2:
        ui.field_error(form, "date_from")
    with c3:
        ui.field_error(form, "date_to")
    st.info(t("report.period.fix"))
    return None
