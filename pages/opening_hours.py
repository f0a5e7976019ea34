"""Opening hours, closures, and whether each week met the open call's terms (Q1–Q2)."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import current_language, fmt_date, t, tm
from dashboard.services import reservations
from dashboard.ui import cached, charts
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.opening_hours"))
ui.show_flash()

all_resources = reservations.resources(db)  # the rooms for the hours, every resource for a closure
rooms = all_resources[all_resources["kind"] == "room"]
if rooms.empty:
    st.info(t("booking.no_rooms"))
    st.stop()
names = dict(zip(rooms["id"].astype(int), rooms["name"]))
room_id = st.selectbox(t("booking.resource"), list(names), format_func=names.get, key="hours_room")

today = clock.today()
monday = today - timedelta(days=today.weekday())
c1, c2 = st.columns(2)
date_from = c1.date_input(t("hours.from"), value=monday - timedelta(weeks=8), format="DD.MM.YYYY", key="hours_from")
date_to = c2.date_input(t("hours.to"), value=monday + timedelta(weeks=5, days=-1), format="DD.MM.YYYY", key="hours_to")

st.subheader(t("hours.compliance"))
st.caption(t("hours.compliance_help"))
if date_from > date_to:
    st.error(t("error.period_reversed"))
else:
    def compliance_shown() -> dict:
        """The weeks as the table shows them and the chart's Vega-Lite spec, in the session's language."""
        weeks = reservations.compliance(db, room_id, date_from, date_to)
        if weeks.empty:
            return {"weeks": None, "spec": None}
        status_label = {s: t(f"compliance.{s}") for s in ("ok", "short_holiday", "short")}
        weeks = weeks.assign(
            week_label=weeks["week_start"].map(fmt_date),
            status_label=weeks["status"].map(status_label),
            reasons_text=weeks["reasons"].map(lambda rs: "; ".join(tm(r) if hasattr(r, "key") else str(r) for r in rs)),
        )
        labels = {"week": t("hours.week"), "hours": t("hours.hours_open"), "status": t("hours.status"),
                  **dict(status_label.items())}
        chart_data = weeks[["week_label", "hours_open", "days_open", "evenings", "status_label", "reasons_text"]]
        chart = charts.themed(charts.compliance_bars(chart_data, labels, 40), height=260)
        return {"weeks": chart_data, "spec": ui.vega_lite_spec(chart)}

    shown = cached.remember(("opening hours page", db.path, cached.stamp(), room_id, date_from, date_to,
                             current_language()), compliance_shown)
    if shown["weeks"] is None:
        st.info(t("common.no_data"))
    else:
        st.vega_lite_chart(spec=shown["spec"], theme=None, width="stretch")
        ui.table(shown["weeks"], {"week_label": "hours.week", "days_open": "hours.days_open",
                                  "hours_open": "hours.hours_open", "evenings": "hours.evenings",
                                  "status_label": "hours.status", "reasons_text": "hours.reasons"})

st.subheader(t("hours.weekly"))
hours = reservations.opening_hours(db, room_id)
week = hours.copy()  # Monday to Sunday, a day without hours closed
week["day"] = week["weekday"].map(lambda d: t(f"weekday.{d}"))
if actor.can("settings"):
    edited = st.data_editor(
        week[["day", "opens", "closes"]], hide_index=True, disabled=["day"], key=f"hours_editor_{room_id}",
        column_config={"day": t("hours.day"),
                       "opens": st.column_config.TimeColumn(t("hours.opens"), format="HH:mm", step=1800),
                       "closes": st.column_config.TimeColumn(t("hours.closes"), format="HH:mm", step=1800)})
    if st.button(t("hours.save"), type="primary", key="hours_save"):
        rows = [{"weekday": int(w), "opens": None if pd.isna(o) else o, "closes": None if pd.isna(c) else c}
                for w, o, c in zip(week["weekday"], edited["opens"], edited["closes"])]
        ok, outside = ui.run_service(f"hours_{room_id}", lambda: reservations.set_opening_hours(db, actor, room_id, rows))
        if ok:
            ui.flash(t("hours.saved") + (" " + t("hours.bookings_outside", count=outside) if outside else ""),
                     form=f"hours_{room_id}")
        st.rerun()
    ui.outcome(f"hours_{room_id}")
else:
    def hour(value) -> str:
        return "" if value is None or value != value else value.strftime("%H:%M")

    ui.table(week.assign(opens=[hour(v) if hour(v) else t("desk.not_open") for v in week["opens"]],
                         closes=week["closes"].map(hour)),
             {"day": "hours.day", "opens": "hours.opens", "closes": "hours.closes"})

st.subheader(t("closure.title"))
closures = reservations.closures(db, today - timedelta(days=30), today + timedelta(days=365))
if closures.empty:
    st.info(t("closure.none"))
else:
    shown = closures.assign(date_from=closures["date_from"].map(fmt_date), date_to=closures["date_to"].map(fmt_date),
                            resource=closures["resource"].fillna(t("closure.all_resources")),
                            kind=closures["holiday"].map(lambda h: t("closure.holiday") if h else t("closure.staff")))
    ui.table(shown, {"date_from": "closure.date_from", "date_to": "closure.date_to", "resource": "booking.resource",
                     "reason": "closure.reason", "kind": "closure.kind"})
if actor.can("write"):
    with st.expander(t("closure.add"), key="closure_new_box"):
        form = "closure_new"

        def add_closure(cancel_bookings: bool = False) -> None:
            ok, _ = ui.run_service(form, lambda: reservations.add_closure(db, actor, {
                "resource_id": st.session_state["closure_resource"], "date_from": st.session_state["closure_from"],
                "date_to": st.session_state["closure_to"], "reason": st.session_state["closure_reason"]},
                cancel_bookings=cancel_bookings))
            if ok:
                ui.flash(t("closure.added"), form=form)
                st.session_state["closure_reason"] = ""

        resource_names = dict(zip(all_resources["id"].astype(int), all_resources["name"]))
        with st.form(form, enter_to_submit=False):
            ui.field(form, "resource_id", st.selectbox, t("booking.resource"), [None, *resource_names],
                     placeholder=t("closure.all_resources"), key="closure_resource",
                     format_func=lambda i: t("closure.all_resources") if i is None else resource_names[i])
            c1, c2 = st.columns(2)
            with c1:
                ui.field(form, "date_from", st.date_input, t("closure.date_from"), key="closure_from", value=today,
                         format="DD.MM.YYYY")
            with c2:
                ui.field(form, "date_to", st.date_input, t("closure.date_to"), key="closure_to", value=today,
                         format="DD.MM.YYYY")
            ui.field(form, "reason", st.text_input, t("closure.reason") + " *", key="closure_reason")
            ui.outcome(form)
            st.form_submit_button(t("closure.add_submit"), type="primary", on_click=add_closure)
        message = ui.message(form)
        if message is not None and message.key == "error.closure_has_bookings":  # the choice, by the refusal
            st.button(t("closure.cancel_and_close"), on_click=add_closure, kwargs={"cancel_bookings": True},
                      type="primary", key="closure_force")
