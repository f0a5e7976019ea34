"""Hours of volunteer work: staff log them per assignment and approve them; everyone sees the totals and
their value in PLN (the non-financial contribution in the pilot's report). The coordinator sees aggregates
only: no names, no per-volunteer totals. ``?volunteer=<id>`` opens the form with that volunteer chosen."""

from datetime import date

import pandas as pd
import streamlit as st
from babel.dates import format_date

from dashboard.core import clock, exports
from dashboard.core.errors import Message
from dashboard.core.i18n import LOCALES, current_language, fmt_date, fmt_money, fmt_number, t
from dashboard.services.volunteers import work
from dashboard.ui import charts
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()


FORM = "hours_log"
QUEUE = "hours_queue"
QUEUE_LIMIT = 500  # rows of the approval table at once (oldest first); the volunteer filter reaches the rest
st.title(t("page.volunteer_hours"))
ui.show_flash()
today = clock.today()


def key(field: str) -> str:
    return f"{FORM}__{field}"


asked = st.query_params.get("volunteer")  # ?volunteer=<id>: a link from the volunteer's page
if asked and st.session_state.get("_hours_asked") != asked:  # once per link, then the user's choice counts
    st.session_state["_hours_asked"] = asked
    st.session_state[key("volunteer_id")] = st.session_state["hours_queue_who"] = (
        int(asked) if asked.isdigit() else None)


def month_name(month_key: str, pattern: str = "LLLL yyyy") -> str:
    """'2026-03' as the user's language writes it: 'marzec 2026', 'March 2026'."""
    return format_date(date.fromisoformat(month_key + "-01"), pattern, locale=LOCALES[current_language()])


def log_form() -> None:
    """Pick the volunteer, then one of their confirmed assignments; then the day, hours and what was done."""
    people = work.loggable_volunteers(db, actor)
    if people.empty:
        st.info(t("volunteer_work.nobody_to_log"))
        return
    names = dict(zip(people["id"].astype(int), people["volunteer"]))
    if st.session_state.get(key("volunteer_id")) not in names:
        st.session_state[key("volunteer_id")] = None
    left, right = st.columns(2)
    with left:
        volunteer_id = ui.field(FORM, "volunteer_id", st.selectbox, t("volunteer_work.volunteer") + " *", list(names),
                                format_func=names.get, placeholder=t("common.choose"))
    assignments = (work.volunteer_assignments(db, actor, volunteer_id, status="confirmed")
                   if volunteer_id is not None else pd.DataFrame())
    labels = {int(r.id): f"{r.opportunity} · {fmt_date(r.starts_at)}"
              + (f" – {fmt_date(r.ends_at)}" if r.starts_at.date() != r.ends_at.date() else "")
              for r in assignments.itertuples()}
    if st.session_state.get(key("assignment_id")) not in labels:
        st.session_state[key("assignment_id")] = next(iter(labels), None)
    with right:
        assignment_id = ui.field(FORM, "assignment_id", st.selectbox, t("volunteer_work.assignment") + " *",
                                 list(labels), format_func=labels.get, placeholder=t("common.choose"),
                                 disabled=volunteer_id is None)
    if assignment_id is not None:
        first, last = work.log_window(assignments.set_index("id").loc[assignment_id])
        st.caption(t("volunteer_work.log_window", start=fmt_date(first), end=fmt_date(last)))

    def submit() -> None:
        chosen = st.session_state.get(key("assignment_id"))
        if chosen is None:
            ui.set_form_errors(FORM, {"assignment_id": Message("error.required")})
            ui.set_form_message(FORM, Message("error.validation"))
            return
        data = {"work_date": st.session_state[key("work_date")], "hours": st.session_state[key("hours")],
                "description": st.session_state[key("description")]}
        ok, _ = ui.run_service(FORM, lambda: work.log_hours(db, actor, chosen, data))
        if ok:
            ui.flash(t("volunteer_work.hours_logged", hours=fmt_number(data["hours"], digits=2),
                       name=names.get(st.session_state.get(key("volunteer_id")), "")))
            st.session_state[key("description")] = ""

    st.session_state.setdefault(key("work_date"), today)
    st.session_state.setdefault(key("hours"), 2.0)
    st.session_state.setdefault(key("description"), "")
    with st.form(FORM, enter_to_submit=False):
        c1, c2 = st.columns(2)
        with c1:
            ui.field(FORM, "work_date", st.date_input, t("volunteer_work.work_date") + " *", format="DD.MM.YYYY",
                     max_value=today, min_value=date(2020, 1, 1))
        with c2:
            ui.field(FORM, "hours", st.number_input, t("volunteer_work.hours") + " *", min_value=0.0, step=0.5,
                     format="%.2f", help=t("volunteer_work.hours_help"))
        ui.field(FORM, "description", st.text_area, t("volunteer_work.what_was_done"), max_chars=1000)
        st.form_submit_button(t("volunteer_work.log_submit"), type="primary", on_click=submit)


def queue() -> None:
    """Pending entries with a tick box each; approve or reject the ticked ones together."""
    waiting = work.pending_by_volunteer(db, actor)
    if waiting.empty:
        st.info(t("volunteer_work.queue_empty"))
        return
    st.caption(t("volunteer_work.queue_total", entries=fmt_number(waiting["entries"].sum()),
                 hours=fmt_number(waiting["hours"].sum(), digits=1), people=fmt_number(len(waiting))))
    people = {int(r.id): t("volunteer_work.queue_person", name=r.volunteer, entries=int(r.entries),
                             hours=fmt_number(r.hours, digits=1)) for r in waiting.itertuples()}
    if st.session_state.get("hours_queue_who") not in people:
        st.session_state["hours_queue_who"] = None
    who = st.selectbox(t("volunteer_work.volunteer"), [None, *people],
                       format_func=lambda i: t("common.all") if i is None else people[i], key="hours_queue_who",
                       placeholder=t("common.all"))
    pending = work.hours_entries(db, actor, status="pending", volunteer_id=who, limit=QUEUE_LIMIT)
    round_no = st.session_state.get("_hours_queue_round", 0)  # a new round after each decision: all unticked
    everything = st.checkbox(t("volunteer_work.select_all"), key=f"hours_queue_all_{round_no}")
    sheet = pending.assign(pick=everything, work_date=pending["work_date"].map(fmt_date),
                           description=pending["description"].fillna(""))
    edited = st.data_editor(
        sheet[["pick", "work_date", "volunteer", "opportunity", "hours", "description", "created_by"]],
        hide_index=True, width="stretch", key=f"hours_queue_{round_no}_{who or 'all'}_{everything}",
        disabled=["work_date", "volunteer", "opportunity", "hours", "description", "created_by"],
        column_config={"pick": st.column_config.CheckboxColumn(t("volunteer_work.pick"), width="small"),
                       "work_date": t("volunteer_work.work_date"), "volunteer": t("volunteer_work.volunteer"),
                       "opportunity": t("volunteer_work.opportunity"),
                       "hours": st.column_config.NumberColumn(t("volunteer_work.hours"), format="localized"),
                       "description": t("volunteer_work.what_was_done"),
                       "created_by": t("volunteer_work.logged_by")})
    chosen = [int(i) for i, pick in zip(pending["id"], edited["pick"]) if pick]
    st.caption(t("volunteer_work.queue_count", count=len(pending), chosen=len(chosen))
               + (" " + t("volunteer_work.queue_limited", count=QUEUE_LIMIT) if len(pending) == QUEUE_LIMIT else ""))
    c1, c2, _ = st.columns([1, 1, 2])
    for column, approve, label, icon in ((c1, True, "volunteer_work.approve", ":material/done_all:"),
                                         (c2, False, "volunteer_work.reject", ":material/block:")):
        if column.button(t(label), key=f"hours_{'approve' if approve else 'reject'}", icon=icon,
                         type="primary" if approve else "secondary", disabled=not chosen, width="stretch"):
            ok, count = ui.run_service(QUEUE, lambda: work.decide_hours_many(db, actor, chosen, approve))
            if ok:
                ui.flash(t("volunteer_work.approved_done" if approve else "volunteer_work.rejected_done", count=count))
                st.session_state["_hours_queue_round"] = round_no + 1
            st.rerun()


@st.cache_data(max_entries=32, show_spinner=False)
def _monthly_spec(frame: pd.DataFrame, labels: dict) -> dict:
    """The Vega-Lite spec is cached: building and validating one costs ~15 ms of every run."""
    return charts.vega_spec(charts.themed(charts.month_columns(frame, "hours", labels), height=260))


def totals() -> None:
    """Approved hours in a period: headline figures, a monthly chart and tables per group."""
    c1, c2 = st.columns(2)
    date_from = c1.date_input(t("volunteer_work.date_from"), value=date(today.year - 1, today.month, 1),
                              format="DD.MM.YYYY", key="hours_from")
    date_to = c2.date_input(t("volunteer_work.date_to"), value=today, format="DD.MM.YYYY", key="hours_to")
    if date_from and date_to and date_from > date_to:
        st.error(t("error.period_reversed"))
        return
    summary = work.hours_summary(db, actor, date_from, date_to)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("volunteer_work.hours_approved"), fmt_number(summary["hours"], digits=1), border=True)
    m2.metric(t("volunteer_work.value"), fmt_money(summary["value_pln"]), border=True)
    m3.metric(t("volunteer_work.volunteers_with_hours"), fmt_number(summary["volunteers"]), border=True)
    m4.metric(t("volunteer_work.hours_pending"), fmt_number(summary["pending_hours"], digits=1),
              help=t("volunteer_work.pending_entries_help", count=summary["pending_entries"]), border=True)
    st.caption(t("volunteer_work.rate_note", rate=fmt_money(summary["rate_pln"])))
    if not summary["entries"]:
        st.info(t("common.no_data"))
        return

    months = work.totals(db, actor, "month", date_from, date_to)
    every_month = pd.period_range(date_from, date_to, freq="M").strftime("%Y-%m")  # months without hours show as 0
    hours = months.set_index("key")["hours"].reindex(every_month, fill_value=0.0)
    chart = pd.DataFrame({"month_label": [month_name(k, "MM.yyyy") for k in hours.index], "hours": hours.values,
                          "tooltip": [fmt_number(h, digits=2) for h in hours.values]})
    st.vega_lite_chart(_monthly_spec(chart, {"month": t("volunteer_work.month"),
                                             "hours": t("volunteer_work.hours_approved")}),
                       theme=None, width="stretch")

    groups = ["month", "organisation", "opportunity"] + (["volunteer"] if actor.can("personal") else [])
    by = st.segmented_control(t("volunteer_work.group_by"), groups, default="month", key="hours_by",
                              format_func=lambda g: t(f"volunteer_work.by.{g}")) or "month"
    frame = months if by == "month" else work.totals(db, actor, by, date_from, date_to)
    label = {"month": lambda r: month_name(r.key),
             "organisation": lambda r: (r.label if r.host_kind == "organisation"
                                        else t(f"volunteer_work.host_group.{r.host_kind}")),
             "opportunity": lambda r: r.label, "volunteer": lambda r: r.label}[by]
    shown = frame.assign(name=[label(r) for r in frame.itertuples()], _hours=frame["hours"], _value=frame["value_pln"],
                         value=frame["value_pln"].map(fmt_money),
                         hours=frame["hours"].map(lambda h: fmt_number(h, digits=2)))
    if by == "month":
        shown = shown.sort_values("key", ascending=False)
    else:
        shown = shown.assign(_order=frame["hours"]).sort_values("_order", ascending=False)
    columns = {"name": f"volunteer_work.by.{by}", "hours": "volunteer_work.hours_approved",
               "entries": "volunteer_work.entries", "volunteers": "volunteer_work.volunteers_with_hours",
               "value": "volunteer_work.value"}
    right = st.column_config.TextColumn(alignment="right")
    ui.table(shown.assign(entries=frame["entries"].map(fmt_number), volunteers=frame["volunteers"].map(fmt_number)),
             columns, key=f"hours_totals_{by}",
             column_config={t(columns[c]): right for c in ("hours", "entries", "volunteers", "value")})
    if actor.can("export"):
        export = shown.assign(hours=shown["_hours"], value=shown["_value"])[list(columns)].rename(
            columns={**{c: t(k) for c, k in columns.items()}, "value": t("volunteer_work.value_pln")})
        sheet = t("page.volunteer_hours")
        c1, c2, _ = st.columns([1, 1, 2])
        c1.download_button(t("common.export_csv"), lambda: exports.to_csv(export), key="hours_csv",
                           file_name=f"godziny-wolontariatu-{by}-{today}.csv", mime="text/csv",
                           icon=":material/download:")
        c2.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export, sheet), key="hours_xlsx",
                           file_name=f"godziny-wolontariatu-{by}-{today}.xlsx", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


if actor.can("write"):
    # Keyed tabs with fixed labels: the chosen tab survives every rerun (an approval, a saved entry), and only
    # the open tab's content runs.
    tab_log, tab_queue, tab_totals = st.tabs([t("volunteer_work.tab_log"), t("volunteer_work.tab_queue"),
                                              t("volunteer_work.tab_totals")], key="hours_tab", on_change="rerun")
    if tab_log.open:
        with tab_log:
            ui.form_message(FORM)
            log_form()
    if tab_queue.open:
        with tab_queue:
            ui.form_problems(QUEUE)
            queue()
    if tab_totals.open:
        with tab_totals:
            totals()
else:
    totals()
