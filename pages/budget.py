"""Budget: the pilot's plan by cost category and funding source against the actual costs.

Staff record costs (and correct or remove them); an admin edits the plan; everyone sees plan vs actual.
Volunteer work is valued from the volunteer register, never typed in.
"""

import pandas as pd
import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import current_language, fmt_date, fmt_money, fmt_number, t, tm
from dashboard.services.reporting import budget, indicators
from dashboard.ui import budget_view as view
from dashboard.ui import cached, period_picker
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
ADD, EDIT, PLAN = "budget_cost", "budget_cost_edit", "budget_plan"
FIELDS = budget.COST_FIELDS
# Static CSS only (no user text): an indicator's whole name shows, wrapped, never cut off with an ellipsis.
st.html("""<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
</style>""")
st.title(t("page.budget"))
ui.show_flash()
today = clock.today()
lang = current_language()
# Cached on the newest audit row like the other figure pages (a cost saved here makes a new one); the tables and
# the chart prepared once per data, period and language (dashboard/ui/budget_view.py).
read = cached.Reader()
refs = view.references(read, lang)
pilot, categories, sources = refs["pilot"], refs["categories"], refs["sources"]
category_names, source_names, typed_sources = refs["category_names"], refs["source_names"], refs["typed_sources"]


def whole(amount) -> str:
    """Money without the grosze, so a metric tile shows the whole figure."""
    return t("report.budget.pln", amount=fmt_number(round(float(amount))))


period = period_picker.pick("budget", pilot, today)
if period is None:
    st.stop()
date_from, date_to = period
years = list(range(date_from.year, date_to.year + 1))
st.caption(t("report.budget.plan_years", years=", ".join(map(str, years))))

shown_plan = view.plan_vs_actual(read, refs, date_from, date_to, lang)
frame = shown_plan["frame"]
figures = read(indicators.values, date_from, date_to, budget.PAGE_INDICATORS + budget.CAPTION_INDICATORS)


def also(indicator_id: str) -> str:
    """Another catalogue figure said in a help text: its name and value."""
    return f"{indicators.CATALOGUE[indicator_id].name()}: {indicators.text(indicator_id, figures[indicator_id])}"


# Every tile is a catalogue indicator: its name, its value (whole złoty), its definition as the help.
extras = {"grant_actual": also("grant_used_share"), "volunteer_value_centre": also("volunteer_hours_centre")}
for column, indicator_id in zip(st.columns(4), budget.PAGE_INDICATORS):
    definition = indicators.CATALOGUE[indicator_id].definition()
    column.metric(indicators.CATALOGUE[indicator_id].name(), whole(figures[indicator_id]), border=True, height="stretch",
                  help=definition + (f"\n\n{extras[indicator_id]}" if indicator_id in extras else ""))
if figures.period.reaches_future:
    st.caption(indicators.scope_note(figures.period))

st.subheader(t("report.budget.plan_vs_actual"))
if frame.empty:
    st.info(t("report.budget.nothing"))
else:
    ui.table(shown_plan["sources"], view.SOURCE_COLUMNS, key="budget_sources")
    st.caption(t("report.budget.structure", grant=indicators.text("grant_share_planned", figures["grant_share_planned"]),
                 own=indicators.text("own_share_planned", figures["own_share_planned"]),
                 actual_grant=indicators.text("grant_share_actual", figures["grant_share_actual"])),
               help="\n\n".join(f"**{name}** — {text}" for name, text in indicators.definitions(
                   ("grant_share_planned", "own_share_planned", "grant_share_actual"), current_language())))
    st.vega_lite_chart(spec=shown_plan["chart"], theme=None, width="stretch")

    # Drawn only while open (opening reruns the page): a closed expander's table still costs the browser its
    # drawing on every switch to the page (issue 20). The forms below are always drawn: closing one must not
    # lose what was typed into it.
    details = st.expander(t("report.budget.details"), key="budget_details_box", on_change="rerun")
    if details.open:
        with details:
            ui.table(shown_plan["lines"], {"category": "report.col.category", **view.SOURCE_COLUMNS}, key="budget_lines")

if actor.can("settings"):
    with st.expander(t("report.plan.edit"), expanded=bool(ui.form_errors(PLAN))):
        known_years = sorted(set(budget.plan_years(db)) | set(years) | {pilot[0].year})
        year = st.selectbox(t("report.plan.year"), known_years, index=known_years.index(years[0]),
                            key="budget_plan_year")
        current = budget.plan(db, actor, year)
        grid = current.pivot(index="category_code", columns="source_code", values="amount_pln")
        grid = grid.reindex(index=list(categories["code"]), columns=list(sources["code"])).fillna(0.0)
        editor_key = f"budget_plan_editor_{year}"
        edited = st.data_editor(
            grid.reset_index(names="category_code").assign(
                category_code=lambda f: f["category_code"].map(category_names)),
            hide_index=True, disabled=["category_code"], key=editor_key, width="stretch",
            column_config={"category_code": t("report.col.category"),
                           **{code: st.column_config.NumberColumn(source_names[code], help=source_names[code],
                                                                  min_value=0.0, step=100.0, format="%.2f", width=150)
                              for code in sources["code"]}})
        grant_codes = list(sources.loc[sources["kind"] == "grant", "code"])
        st.caption(t("report.plan.totals", grant=fmt_money(edited[grant_codes].sum().sum()),
                     total=fmt_money(edited[list(sources["code"])].sum().sum())))
        if st.button(t("report.plan.save"), type="primary", key="budget_plan_save"):
            amounts = {(category, source): 0 if pd.isna(edited.iloc[index][source]) else edited.iloc[index][source]
                       for index, category in enumerate(categories["code"]) for source in sources["code"]}
            ok, changed = ui.run_service(PLAN, lambda: budget.set_plan(db, actor, year, amounts))
            if ok:
                ui.flash(t("report.plan.saved", year=year, count=changed))
                st.session_state.pop(editor_key, None)
                st.rerun()
        ui.form_message(PLAN)
        for field, message in ui.form_errors(PLAN).items():
            category, _, source = field.partition(".")
            where = " / ".join(filter(None, [category_names.get(category), source_names.get(source)]))
            st.markdown(f":red[{ui.escape_md((where + ': ' if where else '') + tm(message))}]")


# -- costs -------------------------------------------------------------------------------------------------------------
def key(form: str, field: str) -> str:
    return f"{form}__{field}"


def values(form: str) -> dict:
    return {field: st.session_state.get(key(form, field)) for field in FIELDS}


def cost_fields(form: str) -> None:
    """The cost's fields, each with its message under it."""
    c1, c2, c3 = st.columns(3)
    with c1:
        ui.field(form, "spent_on", st.date_input, t("report.cost.spent_on") + " *", format="DD.MM.YYYY",
                 min_value=pilot[0], max_value=pilot[1])
    with c2:
        ui.field(form, "category_code", st.selectbox, t("report.cost.category") + " *", list(category_names),
                 format_func=category_names.get, placeholder=t("common.choose"))
    with c3:
        ui.field(form, "source_code", st.selectbox, t("report.cost.source") + " *", typed_sources,
                 format_func=source_names.get, placeholder=t("common.choose"))
    c1, c2 = st.columns([1, 2])
    with c1:
        ui.field(form, "amount_pln", st.number_input, t("report.cost.amount") + " *", step=10.0, format="%.2f")
    with c2:
        ui.field(form, "document_no", st.text_input, t("report.cost.document_no"), max_chars=60,
                 placeholder=t("report.cost.document_placeholder"))
    ui.field(form, "description", st.text_input, t("report.cost.description") + " *", max_chars=500)


def add() -> None:
    ok, new_id = ui.run_service(ADD, lambda: budget.add_cost(db, actor, values(ADD)))
    if ok:
        ui.flash(t("report.cost.added", id=new_id))
        for field in ("amount_pln", "description", "document_no"):  # the date, category and source stay
            st.session_state.pop(key(ADD, field), None)


st.subheader(t("report.cost.title"))
if actor.can("write"):
    default_day = min(max(today, pilot[0]), pilot[1])
    for field, default in (("spent_on", default_day), ("category_code", None), ("source_code", typed_sources[0]),
                           ("amount_pln", None), ("description", ""), ("document_no", "")):
        st.session_state.setdefault(key(ADD, field), default)
    with st.expander(t("report.cost.add"), expanded=bool(ui.form_errors(ADD))):
        ui.form_message(ADD)
        st.caption(t("report.cost.period_hint", start=fmt_date(pilot[0]), end=fmt_date(pilot[1])))
        with st.form(ADD, enter_to_submit=False):
            cost_fields(ADD)
            st.form_submit_button(t("report.cost.submit"), type="primary", on_click=add)

kept_costs = view.costs(read, refs, date_from, date_to, lang)
listed, shown = kept_costs["listed"], kept_costs["shown"]
if listed.empty:
    st.info(t("report.cost.none"))
    st.stop()
st.caption(t("report.cost.count", count=len(listed), total=fmt_money(listed["amount_pln"].sum())))
columns = view.COST_COLUMNS
if not actor.can("write"):
    ui.table(shown, columns, key="budget_costs")
    st.stop()

picked = ui.table(shown, columns, on_select="rerun", selection_mode="single-row", key="budget_costs")
st.caption(t("report.cost.pick_hint"))
if not (picked and picked.selection.rows):
    st.session_state.pop("_budget_cost_loaded", None)
    st.stop()
cost_id = int(listed.iloc[picked.selection.rows[0]]["id"])
if st.session_state.get("_budget_cost_loaded") != cost_id:
    row = budget.get_cost(db, actor, cost_id)
    for field in FIELDS:
        st.session_state[key(EDIT, field)] = row[field] if row[field] is not None else ""
    ui.set_form_errors(EDIT, {})
    st.session_state["_budget_cost_loaded"] = cost_id


def save() -> None:
    ok, _ = ui.run_service(EDIT, lambda: budget.update_cost(db, actor, cost_id, values(EDIT)))
    if ok:
        ui.flash(t("report.cost.saved", id=cost_id))
        st.session_state.pop("_budget_cost_loaded", None)


def delete() -> None:
    ok, _ = ui.run_service(EDIT, lambda: budget.delete_cost(db, actor, cost_id))
    if ok:
        ui.flash(t("report.cost.deleted", id=cost_id))
        st.session_state.pop("_budget_cost_loaded", None)
        st.session_state.pop("budget_costs", None)


st.markdown(f"**{t('report.cost.edit', id=cost_id)}**")
ui.form_message(EDIT)
with st.form(EDIT, enter_to_submit=False):
    cost_fields(EDIT)
    with st.container(horizontal=True):
        st.form_submit_button(t("common.save"), type="primary", on_click=save)
        st.form_submit_button(t("report.cost.delete"), on_click=delete)
