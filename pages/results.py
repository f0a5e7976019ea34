"""Results against targets: what the pilot promised (rezultaty) and what it has achieved."""

from datetime import date

import streamlit as st

from dashboard import clock, ui
from dashboard.i18n import fmt_date, fmt_number, t
from dashboard.services import app_settings, results, utilisation

db, actor = ui.db(), ui.actor()
st.title(t("page.results"))
ui.show_flash()
today = clock.today()
pilot = (date.fromisoformat(app_settings.get_setting(db, "pilot_start", "2026-07-01")),
         date.fromisoformat(app_settings.get_setting(db, "pilot_end", "2026-12-31")))
preset = st.segmented_control(t("util.period"), ["pilot", "quarter", "month", "year"], default="pilot",
                              key="results_preset", format_func=lambda p: t(f"util.preset.{p}")) or "pilot"
date_from, date_to = utilisation.period(preset, today, pilot)
st.caption(t("util.range", start=fmt_date(date_from), end=fmt_date(date_to)))

frame = results.table(db, actor, date_from, date_to)
LIGHTS = {"green": "🟢", "amber": "🟡", "red": "🔴", "none": "⚪"}
shown = frame.assign(
    result=frame["code"].map(lambda c: t(f"result.{c}")),
    target_text=[fmt_number(v, digits=0) + (" " + t("results.per_week") if w else "")
                 for v, w in zip(frame["target"], frame["per_week"])],
    achieved_text=[t("results.not_measured") if v is None or v != v else fmt_number(v, digits=1) for v in frame["achieved"]],
    status=[f"{LIGHTS[light]} {t('results.light.' + light)}" for light in frame["light"]],
)
ui.table(shown, {"result": "results.result", "target_text": "results.target", "achieved_text": "results.achieved",
                 "status": "results.status"})
st.caption(t("results.help"))

if actor.can("settings"):
    with st.expander(t("results.edit_targets")):
        form = "targets"

        def save() -> None:
            values = {code: st.session_state[f"target_{code}"] for code in frame["code"]}
            ok, _ = ui.run_service(form, lambda: results.set_targets(db, actor, values))
            if ok:
                ui.flash(t("results.targets_saved"))

        ui.form_message(form)
        with st.form(form, enter_to_submit=False):
            for row in frame.itertuples():
                st.number_input(t(f"result.{row.code}"), min_value=0.0, value=float(row.target), step=1.0,
                                key=f"target_{row.code}")
                ui.field_error(form, row.code)
            st.form_submit_button(t("common.save"), type="primary", on_click=save)
