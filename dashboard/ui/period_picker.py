"""Period pickers: a preset (the pilot, the year, quarter, month…) or the user's own dates.

``pick`` (budget, report) has the two dates as separate fields, so a reversed or missing end gets its
message right under the field (the check itself is the report service's ``validate_period``).
``preset_range`` (utilisation, results, Forum) fits a toolbar: one date-range field, and a period
that cannot be shown stops the page with its message.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard.core.i18n import fmt_date, t
from dashboard.services.reporting import pilot_report, utilisation
from dashboard.ui import widgets as ui

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


def preset_range(key: str, presets, default: str, pilot: tuple[date, date], today: date, preset_column,
                 custom_column) -> tuple[date, date]:
    """The chosen period (widgets ``<key>_preset`` and ``<key>_custom``); a custom range not both picked,
    reversed or too long says so and stops the page."""
    preset = preset_column.segmented_control(t("util.period"), list(presets), default=default, key=f"{key}_preset",
                                             format_func=lambda p: t(f"util.preset.{p}")) or default
    custom = None
    if preset == "custom":
        picked = custom_column.date_input(t("util.custom"), value=(today - timedelta(days=29), today),
                                          format="DD.MM.YYYY", key=f"{key}_custom")
        if len(picked) != 2:
            st.info(t("util.pick_both"))
            st.stop()
        if picked[0] > picked[1]:
            st.error(t("error.period_reversed"))
            st.stop()
        custom = (picked[0], picked[1])
    date_from, date_to = utilisation.period(preset, today, pilot, custom)
    if (date_to - date_from).days >= utilisation.MAX_PERIOD_DAYS:
        st.error(t("forum.error.period_too_long", days=utilisation.MAX_PERIOD_DAYS))
        st.stop()
    return date_from, date_to
