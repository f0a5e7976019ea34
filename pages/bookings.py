"""Bookings list: search by resource, organisation, status and dates; export CSV or XLSX."""

from datetime import timedelta

import streamlit as st

from dashboard.core import clock
from dashboard.core import exports
from dashboard.ui import widgets as ui
from dashboard.core.i18n import fmt_date, t
from dashboard.services.reservations import booking_views
from dashboard.services.register import organisations
from dashboard.services.reservations import reservations

db, actor = ui.db(), ui.actor()
st.title(t("page.bookings"))
today = clock.today()

resources = reservations.resources(db, active_only=False)
resource_names = dict(zip(resources["id"].astype(int), resources["name"]))
orgs = dict(organisations.choices(db))
c1, c2, c3 = st.columns(3)
resource_id = c1.selectbox(t("booking.resource"), [None, *resource_names], placeholder=t("common.all"), key="bl_resource",
                           format_func=lambda i: t("common.all") if i is None else resource_names[i])
organisation_id = c2.selectbox(t("booking.organisation"), [None, *orgs], placeholder=t("common.all"), key="bl_org",
                               format_func=lambda i: t("common.all") if i is None else orgs[i])
status = c3.selectbox(t("booking.status"), [None, *booking_views.STATUSES], placeholder=t("common.all"), key="bl_status",
                      format_func=lambda s: t("common.all") if s is None else t(f"booking_status.{s}"))
c1, c2 = st.columns(2)
date_from = c1.date_input(t("closure.date_from"), value=today - timedelta(days=30), format="DD.MM.YYYY", key="bl_from")
date_to = c2.date_input(t("closure.date_to"), value=today + timedelta(days=60), format="DD.MM.YYYY", key="bl_to")
if date_from > date_to:
    st.error(t("error.period_reversed"))
    st.stop()

found = booking_views.search(db, actor, resource_id=resource_id, organisation_id=organisation_id, status=status,
                             date_from=date_from, date_to=date_to)
if found.empty:
    st.info(t("bookings.none"))
    st.stop()

table = found.assign(
    day=found["starts_at"].map(fmt_date),
    time=found["starts_at"].dt.strftime("%H:%M") + "–" + found["ends_at"].dt.strftime("%H:%M"),
    status=found["status"].map(lambda s: t(f"booking_status.{s}")),
)
columns = {"id": "bookings.number", "day": "booking.day", "time": "week.time", "resource": "booking.resource",
           "organisation": "booking.organisation", "purpose": "booking.purpose", "attendees": "booking.attendees",
           "actual_attendance": "bookings.attended", "status": "booking.status", "cancel_reason": "bookings.cancel_reason"}
st.caption(t("bookings.count", count=len(found)))
picked = ui.table(table, columns, on_select="rerun", selection_mode="single-row", key="bl_table")
if picked and picked.selection.rows:
    ui.goto("rezerwacja", id=int(found.iloc[picked.selection.rows[0]]["id"]))
st.caption(t("bookings.open_hint"))

export = table[list(columns)].rename(columns={c: t(k) for c, k in columns.items()})
c1, c2 = st.columns(2)
c1.download_button(t("common.export_csv"), lambda: exports.to_csv(export), file_name=f"rezerwacje-{today}.csv",
                   mime="text/csv", icon=":material/download:")
sheet = t("page.bookings")
c2.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export, sheet),
                   file_name=f"rezerwacje-{today}.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
