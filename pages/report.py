"""The pilot report for the city: pick a period, check the headline figures, download the XLSX and the PDF."""

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import current_language, fmt_date, fmt_number, t
from dashboard.services.reporting import budget, indicators, pilot_report
from dashboard.ui import cached, period_picker
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
# Static CSS only (no user text): an indicator's whole name shows, wrapped, never cut off with an ellipsis.
st.html("""<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
</style>""")
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
elif figures.period.reaches_future:
    st.caption(t("report.page.until", date=fmt_date(figures.until)))
if not figures.has_data:
    st.info(t("report.page.no_data"))


def whole(amount) -> str:
    return t("report.budget.pln", amount=fmt_number(round(float(amount))))


# Every tile is a catalogue indicator (the same name, value and definition as in both files).
for first in range(0, len(pilot_report.PAGE_INDICATORS), 4):
    for column, indicator_id in zip(st.columns(4), pilot_report.PAGE_INDICATORS[first:first + 4]):
        ind, value = indicators.CATALOGUE[indicator_id], figures.values[indicator_id]
        column.metric(ind.name(), whole(value) if ind.unit == "pln" else indicators.text(indicator_id, value),
                      border=True, height="stretch", help=ind.definition())

# Coloured text, not emoji (as on the results page): a browser without an emoji font drew empty boxes.
COLOURS = {"green": "#5E8C31", "amber": "#B07B00", "red": "#C8102E", "none": "#8C8C8C"}
rows = figures.results
shown = rows.assign(
    result=rows["code"].map(lambda c: indicators.CATALOGUE[c].name() if c in indicators.CATALOGUE else c),
    target_text=[fmt_number(v) + (" " + t("results.per_week") if w else "")
                 for v, w in zip(rows["target"], rows["per_week"])],
    achieved_text=[indicators.text(c, v) if c in indicators.CATALOGUE else "—"
                   for c, v in zip(rows["code"], rows["achieved"])],
    share_text=["—" if v is None or v != v else fmt_number(v * 100, digits=1) + " %" for v in rows["share"]],
    status=[f"● {t('results.light.' + light)}" for light in rows["light"]])
st.subheader(t("report.page.results"))
headers = {"result": "results.result", "target_text": "results.target", "achieved_text": "results.achieved",
           "share_text": "indicator.col.share", "status": "results.status"}
table = shown[list(headers)].rename(columns={c: t(k) for c, k in headers.items()})
st.dataframe(table.style.apply(lambda column: [f"color: {COLOURS[k]}" for k in rows["light"]],
                               subset=[t("results.status")]), hide_index=True, width="stretch", key="report_results")
with st.expander(t("indicator.definitions")):
    st.markdown("\n\n".join(f"**{ui.escape_md(name)}** — {ui.escape_md(text)}"
                              for name, text in indicators.definitions(figures.ids, lang)))

st.subheader(t("report.page.downloads"))
st.caption(t("report.page.privacy"))
c1, c2, _ = st.columns([1, 1, 1])
c1.download_button(t("report.page.xlsx"), lambda: pilot_report.xlsx_from(figures, lang),
                   file_name=pilot_report.file_name(date_from, date_to, "xlsx"), mime=pilot_report.XLSX_MIME,
                   icon=":material/table_view:", key="report_xlsx", width="stretch", on_click="ignore")
c2.download_button(t("report.page.pdf"), lambda: pilot_report.pdf_from(figures),
                   file_name=pilot_report.file_name(date_from, date_to, "pdf"), mime="application/pdf",
                   icon=":material/picture_as_pdf:", key="report_pdf", width="stretch", on_click="ignore")
