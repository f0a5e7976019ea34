"""Results against targets: what the pilot promised (rezultaty) and what it has achieved."""

import pandas as pd
import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, fmt_number, t
from dashboard.services.reporting import indicators, results, utilisation
from dashboard.ui import cached, period_picker, traceable
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.results"))
ui.show_flash()
today = clock.today()
c1, c2 = st.columns([3, 2])
date_from, date_to = period_picker.preset_range("results", period_picker.PRESETS, "pilot", utilisation.pilot_period(db),
                                                today, c1, c2)
st.caption(t("util.range", start=fmt_date(date_from), end=fmt_date(date_to)))

read = cached.Reader()
frame = read(results.table, date_from, date_to)
scope = indicators.scope_note(indicators.period(date_from, date_to))
if scope:
    st.caption(scope)
COLOURS = {"green": "#5E8C31", "amber": "#B07B00", "red": "#C8102E", "none": "#8C8C8C"}  # text, not emoji: any font


def name(code: str) -> str:
    """A result is its indicator: the catalogue's name."""
    return indicators.CATALOGUE[code].name() if code in indicators.CATALOGUE else code


shown = pd.DataFrame({
    t("results.result"): frame["code"].map(name),
    t("results.target"): [fmt_number(v, digits=0) + (" " + t("results.per_week") if w else "")
                          for v, w in zip(frame["target"], frame["per_week"])],
    t("results.achieved"): [t("results.not_measured") if v is None or v != v else indicators.text(c, v)
                            for c, v in zip(frame["code"], frame["achieved"])],
    t("indicator.col.share"): ["—" if s is None else fmt_number(s * 100, digits=1) + " %" for s in frame["share"]],
    t("results.status"): [f"● {t('results.light.' + light)}" for light in frame["light"]],
})
st.dataframe(shown.style.apply(lambda column: [f"color: {COLOURS[k]}" for k in frame["light"]],
                               subset=[t("results.status")]), hide_index=True, width="stretch")
st.caption(t("results.help"))
with st.expander(t("indicator.definitions")):
    st.markdown("\n\n".join(f"**{ui.escape_md(name(code))}** — {ui.escape_md(indicators.CATALOGUE[code].definition())}"
                              for code in frame["code"] if code in indicators.CATALOGUE))

with st.container(border=True):
    st.markdown(f"**{t('forum.trace.results_title')}**")
    code = st.selectbox(t("forum.trace.results_choose"), [c for c in frame["code"] if c in indicators.CATALOGUE],
                        index=None, key="results_trace", format_func=name, placeholder=t("common.choose"))
    if code:
        rows = read(indicators.rows, code, date_from, date_to)
        traceable.show_indicator(code, rows, f"{code}_{date_from}_{date_to}", masked=not actor.can("personal"))

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
                ui.field(form, row.code, st.number_input, name(row.code), min_value=0.0,
                         value=float(row.target), step=1.0, key=f"target_{row.code}")
            st.form_submit_button(t("common.save"), type="primary", on_click=save)
