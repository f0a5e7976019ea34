"""Advisory log (doradztwo): record a session with an organisation; filter, total and export the log."""

from datetime import date

import streamlit as st

from dashboard.core import clock, exports
from dashboard.core.i18n import current_language, fmt_date, fmt_number, t
from dashboard.services.admin import app_settings
from dashboard.services.education import advisory, trainings
from dashboard.services.register import organisations
from dashboard.services.reporting import utilisation
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
FORM = "advisory_new"
st.title(t("page.advisory"))
ui.show_flash()
today = clock.today()

orgs = dict(organisations.choices(db))
topics = trainings.topics(db)
topic_names = dict(zip(topics["code"], topics["name_pl" if current_language() == "pl" else "name_en"]
                       .fillna(topics["name_pl"])))
FIELDS = ("organisation_id", "advisor", "topic_code", "held_on", "duration_min", "form", "question", "outcome")


def key(field: str) -> str:
    return f"{FORM}__{field}"


def submit() -> None:
    values = {field: st.session_state.get(key(field)) for field in FIELDS}
    ok, new_id = ui.run_service(FORM, lambda: advisory.add_advisory(db, actor, values))
    if ok:
        ui.flash(t("advisory.saved", id=new_id))
        for field in ("organisation_id", "duration_min", "question", "outcome"):  # advisor, topic, date, form stay
            st.session_state.pop(key(field), None)


if actor.can("write"):
    for field, default in (("organisation_id", None), ("advisor", actor.full_name or ""), ("topic_code", None),
                           ("held_on", today), ("form", "in_person"), ("question", ""),
                           ("outcome", "")):
        st.session_state.setdefault(key(field), default)
    with st.expander(t("advisory.add"), expanded=bool(ui.form_errors(FORM))):
        ui.form_message(FORM)
        with st.form(FORM, enter_to_submit=False):
            ui.field(FORM, "organisation_id", st.selectbox, t("advisory.organisation") + " *", list(orgs),
                     format_func=orgs.get, placeholder=t("common.choose"))
            c1, c2 = st.columns(2)
            with c1:
                ui.field(FORM, "advisor", st.text_input, t("advisory.advisor") + " *", max_chars=120)
            with c2:
                ui.field(FORM, "topic_code", st.selectbox, t("advisory.topic") + " *", list(topic_names),
                         format_func=topic_names.get, placeholder=t("common.choose"))
            c1, c2, c3 = st.columns(3)
            with c1:
                ui.field(FORM, "held_on", st.date_input, t("advisory.held_on") + " *", min_value=date(2000, 1, 1),
                         max_value=today, format="DD.MM.YYYY")
            with c2:
                ui.field(FORM, "duration_min", st.number_input, t("advisory.duration_min") + " *", value=60, step=15,
                         help=t("advisory.duration_help"))
            with c3:
                ui.field(FORM, "form", st.radio, t("advisory.form") + " *", list(advisory.FORMS), horizontal=True,
                         format_func=lambda f: t(f"advisory_form.{f}"))
            ui.field(FORM, "question", st.text_area, t("advisory.question") + " *", max_chars=2000)
            ui.field(FORM, "outcome", st.text_area, t("advisory.outcome"), max_chars=2000)
            st.form_submit_button(t("advisory.submit"), type="primary", on_click=submit)

st.subheader(t("advisory.log"))
pilot = (date.fromisoformat(app_settings.get_setting(db, "pilot_start", "2026-07-01")),
         date.fromisoformat(app_settings.get_setting(db, "pilot_end", "2026-12-31")))
preset = st.segmented_control(t("util.period"), ["pilot", "quarter", "month", "year", "all", "custom"], default="pilot",
                              key="adv_period", format_func=lambda p: t("advisory.period_all") if p == "all"
                              else t(f"util.preset.{p}")) or "pilot"
c1, c2 = st.columns(2)
organisation_id = c1.selectbox(t("advisory.organisation"), [None, *orgs], placeholder=t("common.all"), key="adv_org",
                               format_func=lambda i: t("common.all") if i is None else orgs[i])
topic = c2.selectbox(t("advisory.topic"), [None, *topic_names], placeholder=t("common.all"), key="adv_topic",
                     format_func=lambda c: t("common.all") if c is None else topic_names[c])
if preset == "all":
    date_from, date_to = None, None
else:
    custom = None
    if preset == "custom":
        d1, d2 = st.columns(2)
        custom = (d1.date_input(t("advisory.date_from"), value=pilot[0], format="DD.MM.YYYY", key="adv_from"),
                  d2.date_input(t("advisory.date_to"), value=today, format="DD.MM.YYYY", key="adv_to"))
        if custom[0] > custom[1]:
            st.error(t("error.period_reversed"))
            st.stop()
    date_from, date_to = utilisation.period(preset, today, pilot, custom)
    st.caption(t("util.range", start=fmt_date(date_from), end=fmt_date(date_to)))

log = advisory.advisory_log(db, actor, date_from, date_to, organisation_id=organisation_id)
if topic:
    log = log[log["topic_code"] == topic]
m1, m2, m3 = st.columns(3)
m1.metric(t("advisory.sessions"), fmt_number(len(log)))
m2.metric(t("advisory.hours"), fmt_number(log["duration_min"].sum() / 60 if len(log) else 0, digits=1))
m3.metric(t("advisory.organisations_served"), fmt_number(log["organisation"].nunique()))
if log.empty:
    st.info(t("advisory.none"))
    st.stop()

shown = log.assign(held_on=log["held_on"].map(fmt_date),
                   topic=log["topic_code"].map(lambda c: topic_names.get(c, c)),
                   form=log["form"].map(lambda f: t(f"advisory_form.{f}")))
columns = {"held_on": "advisory.held_on", "organisation": "advisory.organisation", "advisor": "advisory.advisor",
           "topic": "advisory.topic", "duration_min": "advisory.duration_min", "form": "advisory.form",
           "question": "advisory.question", "outcome": "advisory.outcome"}
st.caption(t("advisory.count", count=len(log)))
ui.table(shown, columns, key="adv_table")

if actor.can("export"):
    export = shown[list(columns)].rename(columns={c: t(k) for c, k in columns.items()})
    sheet = t("page.advisory")
    c1, c2 = st.columns(2)
    c1.download_button(t("common.export_csv"), data=lambda: exports.to_csv(export), file_name=f"doradztwo-{today}.csv",
                       mime="text/csv", icon=":material/download:", key="adv_csv")
    c2.download_button(t("common.export_xlsx"), data=lambda: exports.to_xlsx(export, sheet),
                       file_name=f"doradztwo-{today}.xlsx", icon=":material/download:", key="adv_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
