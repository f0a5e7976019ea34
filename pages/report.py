"""The pilot report for the city: pick a period, check the headline figures, download the XLSX and the PDF."""

import streamlit as st

from dashboard.ui import cached
from dashboard.core import clock
from dashboard.ui import period_picker
from dashboard.ui import widgets as ui
from dashboard.core.i18n import current_language, fmt_date, fmt_money, fmt_number, t
from dashboard.services.reporting import budget
from dashboard.services.reporting import pilot_report

db, actor = ui.db(), ui.actor()
st.title(t("page.report"))
st.caption(t("report.page.intro"))
today = clock.today()
lang = current_language()

period = period_picker.pick("report", budget.pilot_period(db), today)
if period is None:
    st.stop()
date_from, date_to = period


# Cached on the newest audit row like the other figure pages: a download click or rerun costs no recompute.
figures = cached.Reader()(pilot_report.figures, date_from, date_to)
if figures.until < date_from:
    st.caption(t("report.pdf.not_started"))
elif figures.until < date_to:
    st.caption(t("report.page.until", date=fmt_date(figures.until)))
if not figures.has_data:
    st.info(t("report.page.no_data"))

h = figures.headline


def whole(amount) -> str:
    return t("report.budget.pln", amount=fmt_number(round(float(amount))))


row = st.columns(4)
row[0].metric(t("report.headline.organisations_served"), fmt_number(h["organisations_served"]), border=True)
row[1].metric(t("report.headline.events"), fmt_number(h["events"]), border=True,
              help=t("report.page.participants", count=fmt_number(h["participants"])))
row[2].metric(t("report.headline.advisory_hours"), fmt_number(h["advisory_hours"], digits=1), border=True,
              help=t("report.page.sessions", count=fmt_number(h["advisory_sessions"])))
row[3].metric(t("report.headline.booked_hours"), fmt_number(h["booked_hours"], digits=1), border=True,
              help=t("report.page.bookings", count=fmt_number(h["bookings"])))
row = st.columns(4)
# Only the Centre's own opportunities (the operator's contribution); the results table below counts every
# approved hour in the register, so the two figures differ and must not carry the same name.
row[0].metric(t("report.page.volunteer_hours_centre"), fmt_number(h["volunteer_hours"], digits=1), border=True,
              help=t("report.page.volunteer_centre_help", value=fmt_money(h["volunteer_value_pln"])))
row[1].metric(t("report.headline.initiatives"), fmt_number(h["initiatives"]), border=True)
row[2].metric(t("report.headline.actual_pln"), whole(h["actual_pln"]), border=True,
              help=t("report.page.planned", value=fmt_money(h["planned_pln"])))
row[3].metric(t("report.headline.grant_actual_pln"), whole(h["grant_actual_pln"]), border=True,
              help=t("report.page.planned", value=fmt_money(h["grant_planned_pln"])))

# Coloured text, not emoji (as on the results page): a browser without an emoji font drew empty boxes.
COLOURS = {"green": "#5E8C31", "amber": "#B07B00", "red": "#C8102E", "none": "#8C8C8C"}
rows = figures.results
shown = rows.assign(
    result=rows["code"].map(lambda c: t(f"result.{c}")),
    target_text=[fmt_number(v) + (" " + t("results.per_week") if w else "")
                 for v, w in zip(rows["target"], rows["per_week"])],
    achieved_text=["—" if v is None else fmt_number(v, digits=1 if w or v != int(v) else 0)
                   for v, w in zip(rows["achieved"], rows["per_week"])],
    status=[f"● {t('results.light.' + light)}" for light in rows["light"]])
st.subheader(t("report.page.results"))
headers = {"result": "results.result", "target_text": "results.target", "achieved_text": "results.achieved",
           "status": "results.status"}
table = shown[list(headers)].rename(columns={c: t(k) for c, k in headers.items()})
st.dataframe(table.style.apply(lambda column: [f"color: {COLOURS[k]}" for k in rows["light"]],
                               subset=[t("results.status")]), hide_index=True, width="stretch", key="report_results")

st.subheader(t("report.page.downloads"))
st.caption(t("report.page.privacy"))
c1, c2, _ = st.columns([1, 1, 1])
c1.download_button(t("report.page.xlsx"), lambda: pilot_report.xlsx_from(figures, lang),
                   file_name=pilot_report.file_name(date_from, date_to, "xlsx"), mime=pilot_report.XLSX_MIME,
                   icon=":material/table_view:", key="report_xlsx", width="stretch", on_click="ignore")
c2.download_button(t("report.page.pdf"), lambda: pilot_report.pdf_from(figures),
                   file_name=pilot_report.file_name(date_from, date_to, "pdf"), mime="application/pdf",
                   icon=":material/picture_as_pdf:", key="report_pdf", width="stretch", on_click="ignore")
