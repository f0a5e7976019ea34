"""Front desk: every resource today — in use now, next, free gaps; check-in and no-show."""

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, t
from dashboard.services import reservations
from dashboard.services.reservations import booking_views
from dashboard.ui import cached
from dashboard.ui import front_desk_view as view
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
now = clock.local_now()
st.title(t("page.front_desk"))
ui.show_flash()
day = st.columns([1, 3])[0].date_input(t("booking.day"), value=now.date(), format="DD.MM.YYYY", key="desk_day")
st.caption(t("desk.caption", weekday=t(f"weekday.{day.weekday()}"), date=fmt_date(day)))

# Kept per data stamp: a rerun with nothing written since reads neither resources nor bookings, it only
# applies "now" to them. Lockers are assigned for months, not booked, so they have no card.
reader = cached.Reader()
resources = reader.view("resources_but_lockers", (), lambda: reservations.resources(db).query("kind != 'locker'"))
board = booking_views.desk_board(reader(booking_views.desk_read, [int(i) for i in resources["id"]], day), day, now)
desk = view.Desk.for_run(day, now, actor.can("write"))
kind_text = {k: t(f"kind.{k}") for k in set(resources["kind"])}
view.cards(desk, [(int(i), name, kind_text[kind]) for i, name, kind in
                  zip(resources["id"], resources["name"], resources["kind"])], board)

bookings = sorted((b for r in board.values() for b in r.bookings), key=lambda b: (b.starts_at, b.id))
if not bookings:
    st.info(t("desk.no_bookings"))

unresolved = [b for b in bookings if b.status in ("requested", "confirmed", "checked_in")]
if desk.can_write and unresolved:
    with st.expander(t("desk.other_bookings", count=len(unresolved)), key="desk_other_box"):  # the count changes
        labels = {r.id: f"{view.hm(r.starts_at)}–{view.hm(r.ends_at)} · {r.resource} · {r.organisation}"
                  for r in unresolved}
        with st.form("desk_other", enter_to_submit=False):
            picked = st.selectbox(t("desk.booking"), list(labels), format_func=labels.get, key="desk_other_pick")
            st.number_input(t("desk.attendance"), min_value=0, max_value=500, value=0, key="desk_other_att")
            ui.outcome("desk_other")
            c1, c2 = st.columns(2)
            checked = c1.form_submit_button(t("desk.check_in"), type="primary")
            missed = c2.form_submit_button(t("desk.no_show"))
        if checked or missed:
            name = next(r.organisation for r in unresolved if r.id == picked)
            if checked:
                view.check_in(picked, name, st.session_state["desk_other_att"], "desk_other")
            else:
                view.no_show(picked, name, "desk_other")
            st.rerun()
