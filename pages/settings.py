"""Settings (admin): the rules every area reads (booking, enrolment, volunteering, initiatives) and the
resources that can be booked."""

import streamlit as st

from dashboard.core.i18n import t
from dashboard.services import reservations
from dashboard.services.admin import app_settings
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.settings"))
ui.show_flash()

current = app_settings.all_settings(db)
form = "settings_rules"
# The rules other pages read, grouped as the Centre's areas: (key, kind, min, max, step, help key or None).
RULES = {
    "settings.booking_rules": [("booking_horizon_days", int, 1, 730, 1, "settings.horizon_help"),
                               ("fair_use_weekly_hours", float, 0.0, 168.0, 0.5, "settings.fair_use_help")],
    "settings.education_rules": [("enrolment_close_hours", int, 0, 720, 1, "settings.enrolment_close_hours_help")],
    "settings.volunteer_rules": [("volunteer_hourly_rate_pln", float, 0.01, 1000.0, 0.5,
                                  "settings.volunteer_hourly_rate_pln_help"),
                                 ("volunteer_retention_months", int, 12, 240, 1,
                                  "settings.volunteer_retention_months_help")],
    "settings.initiative_rules": [("initiative_budget_pln", float, 0.0, 1_000_000_000.0, 1000.0, None),
                                  ("initiative_social_work_rate_pln", float, 0.0, 1000.0, 0.5, None),
                                  ("initiative_stuck_days", int, 1, 365, 1, None)],
}
LABELS = {"booking_horizon_days": "settings.horizon", "fair_use_weekly_hours": "settings.fair_use"}


def save_rules() -> None:
    values = {key: st.session_state[f"settings_{key}"] for rules in RULES.values() for key, *_ in rules}
    values["fair_use_weekly_hours"] = values["fair_use_weekly_hours"] or None  # 0 = no cap
    ok, _ = ui.run_service(form, lambda: app_settings.set_settings(db, actor, values))
    if ok:
        ui.flash(t("settings.saved"))


ui.form_message(form)
with st.form(form, enter_to_submit=False):
    for title, rules in RULES.items():
        st.subheader(t(title))
        columns = st.columns(len(rules))
        for column, (key, kind, low, high, step, help_key) in zip(columns, rules):
            with column:
                value = current[key] if current[key] is not None else 0
                ui.field(form, key, st.number_input, t(LABELS.get(key, f"settings.{key}")), min_value=kind(low),
                         max_value=kind(high), step=kind(step), value=kind(value), key=f"settings_{key}",
                         help=t(help_key) if help_key else None)
    st.form_submit_button(t("common.save"), type="primary", on_click=save_rules)

st.subheader(t("settings.resources"))
resources = reservations.resources(db, active_only=False)
shown = resources.assign(kind=resources["kind"].map(lambda k: t(f"kind.{k}")),
                         active=resources["active"].map(lambda a: t("common.yes") if a else t("common.no")))
ui.table(shown, {"name": "settings.resource_name", "kind": "settings.kind", "capacity": "settings.capacity",
                 "location": "settings.location", "equipment_notes": "settings.equipment", "active": "user.active"})

names = dict(zip(resources["id"].astype(int), resources["name"]))
choice = st.selectbox(t("settings.resource_pick"), [None, *names], placeholder=t("settings.resource_new"),
                      key="settings_resource",
                      format_func=lambda i: t("settings.resource_new") if i is None else names[i])
record = {} if choice is None else resources.set_index("id").loc[choice].to_dict()
rform = f"settings_resource_{choice}"


def save_resource() -> None:
    data = {f: st.session_state[f"{rform}_{f}"] for f in ("kind", "name", "capacity", "location", "equipment_notes",
                                                           "active")}
    data["capacity"] = data["capacity"] or None
    call = (lambda: reservations.create_resource(db, actor, data)) if choice is None else \
        (lambda: reservations.update_resource(db, actor, choice, data))
    ok, _ = ui.run_service(rform, call)
    if ok:
        ui.flash(t("settings.resource_saved"))


ui.form_message(rform)
with st.form(rform, enter_to_submit=False):
    c1, c2, c3 = st.columns(3)
    with c1:
        ui.field(rform, "kind", st.selectbox, t("settings.kind"), reservations.KINDS, key=f"{rform}_kind",
                 format_func=lambda k: t(f"kind.{k}"), index=list(reservations.KINDS).index(record.get("kind", "room")))
    with c2:
        ui.field(rform, "name", st.text_input, t("settings.resource_name") + " *", value=record.get("name", ""),
                 key=f"{rform}_name")
    with c3:
        capacity = record.get("capacity")
        ui.field(rform, "capacity", st.number_input, t("settings.capacity"), min_value=0, max_value=1000, step=1,
                 key=f"{rform}_capacity", value=int(capacity) if capacity else 0, help=t("settings.capacity_help"))
    st.text_input(t("settings.location"), value=record.get("location") or "", key=f"{rform}_location")
    st.text_input(t("settings.equipment"), value=record.get("equipment_notes") or "", key=f"{rform}_equipment_notes")
    st.checkbox(t("user.active"), value=bool(record.get("active", True)), key=f"{rform}_active",
                help=t("settings.active_help"))
    st.form_submit_button(t("common.save"), type="primary", on_click=save_resource)
