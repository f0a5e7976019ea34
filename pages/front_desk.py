"""Front desk: every resource today — in use now, next, free gaps; check-in and no-show."""

import streamlit as st

from dashboard import clock, ui
from dashboard.i18n import fmt_date, t
from dashboard.services import booking_views, reservations

db, actor = ui.db(), ui.actor()
now = clock.local_now()
st.title(t("page.front_desk"))
ui.show_flash()
day = st.columns([1, 3])[0].date_input(t("booking.day"), value=now.date(), format="DD.MM.YYYY", key="desk_day")
st.caption(t("desk.caption", weekday=t(f"weekday.{day.weekday()}"), date=fmt_date(day)))

resources = reservations.resources(db)
resources = resources[resources["kind"] != "locker"]
bookings = booking_views.day_bookings(db, day)
ui.form_message("desk")


def hm(value) -> str:
    return value.strftime("%H:%M")


for resource in resources.itertuples():
    mine = bookings[bookings["resource_id"] == resource.id]
    active = mine[mine["status"].isin(booking_views.ACTIVE)]
    with st.container(border=True):
        head, state = st.columns([3, 2])
        head.markdown(f"**{ui.escape_md(resource.name)}** · {t('kind.' + resource.kind)}")
        reason = reservations.closure_reason(db, int(resource.id), day)
        hours = reservations.opening_hours(db, int(resource.id), on=day)
        today_hours = hours[hours["weekday"] == day.weekday()]
        opens = today_hours["opens"].iloc[0] if not today_hours.empty else None
        closes = today_hours["closes"].iloc[0] if not today_hours.empty else None
        if reason:
            state.markdown(f":orange[{ui.escape_md(t('desk.closed', reason=reason))}]")
        elif opens is None:
            state.markdown(f":gray[{t('desk.not_open')}]")
        else:
            current = active[(active["starts_at"] <= now) & (active["ends_at"] > now)] if day == now.date() else active[0:0]
            upcoming = active[active["starts_at"] > now] if day == now.date() else active
            if not current.empty:
                row = current.iloc[0]
                state.markdown(f":red[{ui.escape_md(t('desk.in_use', organisation=row['organisation'], end=hm(row['ends_at'])))}]")
            elif not upcoming.empty:
                row = upcoming.iloc[0]
                state.markdown(f":green[{t('desk.free_until', start=hm(row['starts_at']))}]")
            else:
                state.markdown(f":green[{t('desk.free_rest')}]")
            busy = [(r.starts_at.time(), r.ends_at.time()) for r in active.itertuples()]
            gaps = booking_views.free_gaps(opens, closes, busy)
            st.caption(t("desk.gaps", gaps=", ".join(f"{hm(a)}–{hm(b)}" for a, b in gaps) or "—"))
        for booking in mine.itertuples():
            cols = st.columns([2, 4, 2, 2, 2])
            cols[0].markdown(f"{hm(booking.starts_at)}–{hm(booking.ends_at)}")
            cols[1].markdown(f"{ui.escape_md(booking.organisation)}  \n:gray[{ui.escape_md(booking.purpose)}]")
            cols[2].markdown(t(f"booking_status.{booking.status}"))
            if actor.can("write") and booking.status in ("requested", "confirmed"):
                attended = cols[3].number_input(t("desk.attendance"), min_value=0, max_value=500,
                                                value=int(booking.attendees), key=f"desk_att_{booking.id}",
                                                label_visibility="collapsed")
                if cols[3].button(t("desk.check_in"), key=f"desk_in_{booking.id}", type="primary"):
                    ok, _ = ui.run_service("desk", lambda: reservations.check_in(db, actor, int(booking.id), attended))
                    if ok:
                        ui.flash(t("desk.checked_in", organisation=booking.organisation))
                    st.rerun()
                if cols[4].button(t("desk.no_show"), key=f"desk_ns_{booking.id}"):
                    ok, _ = ui.run_service("desk", lambda: reservations.mark_no_show(db, actor, int(booking.id)))
                    if ok:
                        ui.flash(t("desk.marked_no_show", organisation=booking.organisation))
                    st.rerun()
            elif booking.status == "checked_in":
                cols[3].markdown(t("desk.attended", count=int(booking.actual_attendance or 0)))
if bookings.empty:
    st.info(t("desk.no_bookings"))
