"""Local initiatives per osiedle: how many, what residents contributed and what the city spends,
for all 36 osiedla (zeros show where nothing is happening yet); a row opens the osiedle's list."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.core import clock, exports
from dashboard.core.i18n import current_language, fmt_money, fmt_number, t
from dashboard.services.initiatives import views as initiative_views
from dashboard.ui import charts
from dashboard.ui import widgets as ui

ONE_OSIEDLE_LIMIT = 20

db, actor = ui.db(), ui.actor()
st.title(t("page.initiative_osiedla"))
today = clock.today()

years = initiative_views.years(db, actor)
st.session_state.setdefault("io_year", today.year)
year = st.selectbox(t("initiatives.osiedla.year"), [None, *years], key="io_year", placeholder=t("common.all"),
                    width=240, format_func=lambda y: t("initiatives.osiedla.all_years") if y is None else str(y))
summary = initiative_views.per_osiedle(db, actor, year=year)
st.caption(t("initiatives.osiedla.intro"))

active = int((summary["initiatives"] > 0).sum())
m1, m2, m3, m4 = st.columns([2, 2, 3, 3])
m1.metric(t("initiatives.osiedla.initiatives"), fmt_number(int(summary["initiatives"].sum())), border=True)
m2.metric(t("initiatives.osiedla.active"), f"{active} / {len(summary)}", border=True)
m3.metric(t("initiatives.residents"), fmt_money(summary["residents_pln"].sum()), border=True)
m4.metric(t("initiatives.osiedla.city_committed"), fmt_money(summary["city_committed_pln"].sum()), border=True)

resident_label, city_label = t("initiatives.osiedla.residents_part"), t("initiatives.osiedla.city_part")
long = pd.concat([
    pd.DataFrame({"osiedle": summary["osiedle"], "part": resident_label,
                  "amount": summary["residents_pln"].astype(float)}),
    pd.DataFrame({"osiedle": summary["osiedle"], "part": city_label,
                  "amount": summary["city_committed_pln"].astype(float)}),
], ignore_index=True)
labels = {"osiedle": t("initiatives.osiedle"), "part": t("initiatives.osiedla.part"),
          "amount": t("initiatives.osiedla.amount")}
st.subheader(t("initiatives.osiedla.chart"))
if summary["initiatives"].sum() == 0:
    st.info(t("initiatives.osiedla.none"))
else:
    # Axis labels as the language writes amounts ("10 000", not Vega's "10,000"), and few enough not to collide.
    thousands = " " if current_language() == "pl" else ","
    amounts = alt.Axis(labelExpr=f"replace(format(datum.value, ',.0f'), regexp(',', 'g'), '{thousands}')",
                       tickCount=8)
    bars = charts.stacked_bars(long, "osiedle", "part", "amount", labels).encode(
        x=alt.X("sum(amount):Q", title=labels["amount"], axis=amounts))
    st.altair_chart(charts.themed(bars, height=22 * len(summary)), theme=None)

shown = summary.assign(**{c: summary[c].astype(float) for c in ("residents_pln", "city_committed_pln",
                                                                  "city_spent_pln")})
columns = {"osiedle": "initiatives.osiedle", "district": "initiatives.osiedla.district",
           "initiatives": "initiatives.osiedla.initiatives", "residents_pln": "initiatives.residents",
           "city_committed_pln": "initiatives.osiedla.city_committed",
           "city_spent_pln": "initiatives.osiedla.city_spent"}
money = {t(k): st.column_config.NumberColumn(format="localized")
         for c, k in columns.items() if c.endswith("_pln")}
st.subheader(t("initiatives.osiedla.table"))
picked = ui.table(shown, columns, on_select="rerun", selection_mode="single-row", key="io_table",
                  column_config=money, height=36 * 35 + 40)
if picked and picked.selection.rows:
    chosen = int(summary.iloc[picked.selection.rows[0]]["osiedle_id"])
    ui.goto("inicjatywy", osiedle=chosen, **({"year": year} if year else {}))
st.caption(t("initiatives.osiedla.open_hint"))

if actor.can("export"):
    export = shown[list(columns)].rename(columns={c: t(k) for c, k in columns.items()})
    sheet = t("page.initiative_osiedla")
    suffix = year or "wszystkie-lata"
    c1, c2 = st.columns(2)
    c1.download_button(t("common.export_csv"), lambda: exports.to_csv(export), key="io_csv",
                       file_name=f"inicjatywy-osiedla-{suffix}.csv", mime="text/csv", icon=":material/download:")
    c2.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export, sheet), key="io_xlsx",
                       file_name=f"inicjatywy-osiedla-{suffix}.xlsx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("initiatives.osiedla.one"))
names = dict(zip(summary["osiedle_id"].astype(int), summary["osiedle"]))
one = st.selectbox(t("initiatives.osiedle"), [None, *names], key="io_one", format_func=lambda i: t("common.choose")
                   if i is None else names[i], width=360)
if one is not None:
    row = summary.set_index("osiedle_id").loc[one]
    c1, c2, c3 = st.columns([1, 2, 2])
    c1.metric(t("initiatives.osiedla.initiatives"), fmt_number(int(row["initiatives"])), border=True)
    c2.metric(t("initiatives.residents"), fmt_money(row["residents_pln"]), border=True)
    c3.metric(t("initiatives.osiedla.city_committed"), fmt_money(row["city_committed_pln"]), border=True)
    found = initiative_views.list_initiatives(db, actor, osiedle_id=one, year=year, limit=ONE_OSIEDLE_LIMIT)
    pages = st.session_state["_pages"]
    for item in found.itertuples():
        st.page_link(pages["inicjatywa"], label=f"{item.title} — {t(f'initiative.stage.{item.stage}')}",
                     icon=":material/location_city:", query_params={"id": str(item.id)})
    more = int(row["initiatives"]) - len(found)
    if more > 0:
        st.page_link(pages["inicjatywy"], label=t("initiatives.board.more", count=more),
                     icon=":material/arrow_forward:",
                     query_params={"osiedle": str(one), **({"year": str(year)} if year else {})})
