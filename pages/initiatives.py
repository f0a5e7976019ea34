"""Local initiatives: the year's budget at a glance, a filterable list (a row opens the initiative),
and the filtered list as CSV or XLSX."""

import streamlit as st

from dashboard.core import clock, exports
from dashboard.core.i18n import current_language, fmt_money, t
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from dashboard.services.initiatives import views as initiative_views
from dashboard.services.register import organisations
from dashboard.ui import cells
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.initiatives"))
today = clock.today()
lang = current_language()

stage_codes = [s["code"] for s in initiative_stages.stages(db)]
spheres = {s["code"]: s[f"name_{lang}"] for s in initiatives.spheres(db)}
osiedla = organisations.osiedla(db)
osiedle_names = dict(zip(osiedla["id"].astype(int), osiedla["name"]))
years = initiative_views.years(db, actor)

# Other pages link here with a filter in the address (the board's "and K more", an osiedle's row):
# apply it once per new address, so the user can change the filters afterwards.
query = {name: st.query_params.get(name) for name in ("stage", "osiedle", "year", "stuck")}
if query != st.session_state.get("_il_query"):
    st.session_state["_il_query"] = query
    if any(query.values()):
        st.session_state["il_stage"] = query["stage"] if query["stage"] in stage_codes else None
        osiedle = int(query["osiedle"]) if (query["osiedle"] or "").isdigit() else None
        st.session_state["il_osiedle"] = osiedle if osiedle in osiedle_names else None
        year = int(query["year"]) if (query["year"] or "").isdigit() else None
        st.session_state["il_year"] = year if year in years else None
        st.session_state["il_stuck"] = query["stuck"] == "1"
        st.query_params.clear()  # applied: the same link followed again later applies again

c1, c2, c3, c4 = st.columns([2, 3, 2, 1])
stage = c1.selectbox(t("initiatives.stage"), [None, *stage_codes], key="il_stage", placeholder=t("common.all"),
                     format_func=lambda s: t("common.all") if s is None else t(f"initiative.stage.{s}"))
sphere = c2.selectbox(t("initiatives.sphere"), [None, *spheres], key="il_sphere", placeholder=t("common.all"),
                      format_func=lambda s: t("common.all") if s is None else spheres[s])
osiedle_id = c3.selectbox(t("initiatives.osiedle"), [None, *osiedle_names], key="il_osiedle",
                          placeholder=t("common.all"),
                          format_func=lambda i: t("common.all") if i is None else osiedle_names[i])
year = c4.selectbox(t("initiatives.year"), [None, *years], key="il_year", placeholder=t("common.all"),
                    format_func=lambda y: t("common.all") if y is None else str(y))
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
text = c1.text_input(t("initiatives.search"), key="il_text", placeholder=t("initiatives.search_placeholder"))
stuck_only = c2.checkbox(t("initiatives.stuck_only"), key="il_stuck")

budget_year = year or today.year
money = initiative_stages.budget(db, actor, budget_year)
st.caption(t("initiatives.budget_caption", year=budget_year))
used = money["committed_pln"] / money["budget_pln"] if money["budget_pln"] > 0 else None
m1, m2, m3 = st.columns(3)
m1.metric(t("initiatives.committed"), fmt_money(money["committed_pln"]), border=True,
          delta=t("initiatives.of_budget", budget=fmt_money(money["budget_pln"])), delta_color="off", delta_arrow="off",
          help=t("initiatives.committed_help"))
m2.metric(t("initiatives.spent"), fmt_money(money["spent_pln"]), border=True, help=t("initiatives.spent_help"))
m3.metric(t("initiatives.left"), fmt_money(money["left_pln"]), border=True,
          delta=t("initiatives.over_budget") if money["left_pln"] < 0 else None, delta_color="inverse",
          delta_arrow="off")
if used is not None:
    st.progress(min(1.0, float(used)), text=t("initiatives.budget_used", percent=round(100 * used)))

found = initiative_views.list_initiatives(db, actor, stage=stage, osiedle_id=osiedle_id, sphere=sphere, year=year,
                                          text=text, stuck_only=stuck_only)
if actor.can("write"):
    st.page_link(st.session_state["_pages"]["nowa-inicjatywa"], label=t("page.initiative_new"),
                 icon=":material/add_location_alt:")
if found.empty:
    st.info(t("initiatives.none"))
    st.stop()

# Written per column, not per row: 3,000 rows at city scale (each stage translated once).
shown = found.assign(stage=cells.translated(found["stage"], "initiative.stage.{}"),
                     sphere=found[f"sphere_{lang}"], submitted_on=cells.dates(found["submitted_on"], lang),
                     city_part_pln=found["city_part_pln"].astype(float),
                     residents_pln=found["residents_pln"].astype(float))
columns = {"id": "initiatives.number", "title": "initiatives.title", "stage": "initiatives.stage",
           "days_in_stage": "initiatives.days_in_stage", "osiedle": "initiatives.osiedle",
           "sphere": "initiatives.sphere", "applicant": "initiatives.applicant",
           "submitted_on": "initiatives.submitted_on", "city_part_pln": "initiatives.city_part",
           "residents_pln": "initiatives.residents"}
st.caption(t("initiatives.count", count=len(found)))
picked = ui.table(shown, columns, on_select="rerun", selection_mode="single-row", key="il_table", column_config={
    t("initiatives.city_part"): st.column_config.NumberColumn(format="localized"),
    t("initiatives.residents"): st.column_config.NumberColumn(format="localized")})
if picked and picked.selection.rows:
    ui.goto("inicjatywa", id=int(found.iloc[picked.selection.rows[0]]["id"]))
st.caption(t("initiatives.open_hint"))

if actor.can("export"):
    export = shown[list(columns)].rename(columns={c: t(k) for c, k in columns.items()})
    sheet = t("page.initiatives")
    c1, c2 = st.columns(2)
    c1.download_button(t("common.export_csv"), lambda: exports.to_csv(export), file_name=f"inicjatywy-{today}.csv",
                       mime="text/csv", icon=":material/download:", key="il_csv")
    c2.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export, sheet), key="il_xlsx",
                       file_name=f"inicjatywy-{today}.xlsx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
