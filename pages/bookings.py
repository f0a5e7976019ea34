"""Bookings list: search by resource, organisation, status and dates; export CSV or XLSX.

It opens on the bookings from today on, soonest first. Every match is counted; the table shows a
page of them at a time and says which, and the exports hold the whole filtered set.
"""

from datetime import timedelta

import streamlit as st

from dashboard.core import clock, exports
from dashboard.core.i18n import fmt_date, fmt_number, t
from dashboard.services import reservations
from dashboard.services.register import organisations
from dashboard.services.reservations import booking_views
from dashboard.ui import widgets as ui

PAGE_SIZE = 500

db, actor = ui.db(), ui.actor()
st.title(t("page.bookings"))
today = clock.today()
now = clock.local_now()

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
c1, c2, c3 = st.columns(3)
date_from = c1.date_input(t("closure.date_from"), value=today, format="DD.MM.YYYY", key="bl_from")
date_to = c2.date_input(t("closure.date_to"), value=today + timedelta(days=90), format="DD.MM.YYYY", key="bl_to")
order = c3.selectbox(t("bookings.order"), booking_views.ORDERS, key="bl_order",
                     format_func=lambda o: t(f"bookings.order_{o}"))
if date_from and date_to and date_from > date_to:
    st.error(t("error.period_reversed"))
    st.stop()

filters = {"resource_id": resource_id, "organisation_id": organisation_id, "status": status, "date_from": date_from,
           "date_to": date_to}
total = booking_views.count_matching(db, actor, **filters)
if total == 0:
    st.info(t("bookings.none"))
    st.stop()

pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
if int(st.session_state.get("bl_page") or 1) > pages:  # the filters changed under a later page
    st.session_state["bl_page"] = 1
page = 1
if pages > 1:
    page = int(st.columns([1, 3])[0].number_input(t("bookings.page", pages=pages), min_value=1, max_value=pages,
                                                  value=1, step=1, key="bl_page"))
first = (page - 1) * PAGE_SIZE
found = booking_views.search(db, actor, **filters, limit=PAGE_SIZE, offset=first, order=order)

columns = {"id": "bookings.number", "day": "booking.day", "time": "week.time", "resource": "booking.resource",
           "organisation": "booking.organisation", "purpose": "booking.purpose", "attendees": "booking.attendees",
           "actual_attendance": "bookings.attended", "status": "booking.status", "cancel_reason": "bookings.cancel_reason"}


def readable(frame):
    """The bookings as the table and the exports show them."""
    if frame.empty:
        return frame.assign(day=[], time=[])
    return frame.assign(
        day=frame["starts_at"].map(fmt_date),
        time=frame["starts_at"].dt.strftime("%H:%M") + "–" + frame["ends_at"].dt.strftime("%H:%M"),
        status=[t(f"booking_status.{booking_views.shown_status(s, a, b, now)}")
                for s, a, b in zip(frame["status"], frame["starts_at"], frame["ends_at"])],
    )


if total <= PAGE_SIZE:
    st.caption(t("bookings.count", count=fmt_number(total)) + " " + t(f"bookings.sorted_{order}"))
else:
    st.warning(t("bookings.count_paged", first=fmt_number(first + 1), last=fmt_number(first + len(found)),
                 total=fmt_number(total), pages=pages) + " " + t(f"bookings.sorted_{order}"),
               icon=":material/filter_alt:")
table = readable(found)
picked = ui.table(table, columns, on_select="rerun", selection_mode="single-row", key="bl_table",
                  column_config={t("booking.status"): st.column_config.TextColumn(width="medium"),
                                 t("booking.day"): st.column_config.TextColumn(width="small")})
if picked and picked.selection.rows:
    ui.goto("rezerwacja", id=int(found.iloc[picked.selection.rows[0]]["id"]))
st.caption(t("bookings.open_hint"))


def export_frame():
    """Every booking the filters match (not only this page), with the table's headers."""
    everything = readable(booking_views.search(db, actor, **filters, limit=None, order=order))
    return everything[list(columns)].rename(columns={c: t(k) for c, k in columns.items()})


st.caption(t("bookings.export_all", count=fmt_number(total)))
c1, c2 = st.columns(2)
c1.download_button(t("common.export_csv"), lambda: exports.to_csv(export_frame()), file_name=f"rezerwacje-{today}.csv",
                   mime="text/csv", icon=":material/download:")
sheet = t("page.bookings")
c2.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export_frame(), sheet),
                   file_name=f"rezerwacje-{today}.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
