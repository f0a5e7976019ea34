"""Front desk: every resource today — in use now, next, free gaps; check-in and no-show."""

from datetime import timedelta

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, t
from dashboard.services import reservations
from dashboard.services.reservations import booking_views
from dashboard.ui import widgets as ui

# Bookings starting within an hour (or up to two hours ago) get one-click buttons; the rest go
# through one form, so a busy day does not draw hundreds of widgets.
ARRIVAL_WINDOW = timedelta(hours=1)

db, actor = ui.db(), ui.actor()
now = clock.local_now()
st.title(t("page.front_desk"))
ui.show_flash()
day = st.columns([1, 3])[0].date_input(t("booking.day"), value=now.date(), format="DD.MM.YYYY", key="desk_day")
st.caption(t("desk.caption", weekday=t(f"weekday.{day.weekday()}"), date=fmt_date(day)))

resources = reservations.resources(db)
resources = resources[resources["kind"] != "locker"]
bookings = booking_views.day_bookings(db, day).sort_values(["starts_at", "id"], kind="stable")
states = booking_views.availability(db, [int(i) for i in resources["id"]], day, day, reservations.holiday_name)
unresolved = bookings[bookings["status"].isin(("requested", "confirmed", "checked_in"))]


def hm(value) -> str:
    return value.strftime("%H:%M")


def check_in(booking_id: int, organisation: str, attended: int, form: str = "desk") -> None:
    """Record attendance; the outcome is drawn by the resource's row (or the form) that asked for it."""
    ok, _ = ui.run_service(form, lambda: reservations.check_in(db, actor, booking_id, attended))
    if ok:
        ui.flash(t("desk.checked_in", organisation=organisation), form=form,
                 link=("rezerwacja", booking_id, t("booking.open")))


def no_show(booking_id: int, organisation: str, form: str = "desk") -> None:
    ok, _ = ui.run_service(form, lambda: reservations.mark_no_show(db, actor, booking_id))
    if ok:
        ui.flash(t("desk.marked_no_show", organisation=organisation), form=form,
                 link=("rezerwacja", booking_id, t("booking.open")))


def state_line(resource_id: int, active) -> tuple[str, str]:
    """(colour, text) for the resource's state on the chosen day."""
    state = states.get((resource_id, day), {})
    if state.get("closed"):
        return "orange", t("desk.closed", reason=state["closed"])
    if state.get("opens") is None:
        return "gray", t("desk.not_open")
    if day == now.date():
        current = active[(active["starts_at"] <= now) & (active["ends_at"] > now)]
        if not current.empty:
            row = current.iloc[0]
            return "red", t("desk.in_use", organisation=row["organisation"], end=hm(row["ends_at"]))
        upcoming = active[active["starts_at"] > now]
        if not upcoming.empty:
            return "green", t("desk.free_until", start=hm(upcoming.iloc[0]["starts_at"]))
        return "green", t("desk.free_rest")
    return "green", t("desk.gaps", gaps=_gaps(resource_id, active))


def _gaps(resource_id: int, active) -> str:
    state = states.get((resource_id, day), {})
    busy = [(r.starts_at.time(), r.ends_at.time()) for r in active.itertuples()]
    gaps = booking_views.free_gaps(state.get("opens"), state.get("closes"), busy)
    return ", ".join(f"{hm(a)}–{hm(b)}" for a, b in gaps) or "—"


def _line(booking) -> str:
    status = t(f"booking_status.{booking_views.shown_status(booking.status, booking.starts_at, booking.ends_at, now)}")
    if booking.status == "checked_in":
        status += " · " + t("desk.attended", count=int(booking.actual_attendance or 0))
    return (f"- {hm(booking.starts_at)}–{hm(booking.ends_at)} · **{ui.escape_md(booking.organisation)}** · "
            f"{ui.escape_md(booking.purpose)} · :gray[{status}]")


def _arrival_row(booking) -> None:
    """A booking whose people are arriving now: attendance and one-click buttons."""
    cols = st.columns([2, 5, 2, 2, 2])
    cols[0].markdown(f"{hm(booking.starts_at)}–{hm(booking.ends_at)}")
    cols[1].markdown(f"{ui.escape_md(booking.organisation)}  \n:gray[{ui.escape_md(booking.purpose)}]")
    cols[2].markdown(t(f"booking_status.{booking.status}"))
    # One click records the expected head count; the form below corrects it. (A number field per
    # row made a busy day's page several times slower: every widget copies the session state.)
    form = f"desk_{booking.resource_id}"
    cols[3].button(t("desk.check_in"), key=f"desk_in_{booking.id}", type="primary", on_click=check_in,
                   args=(int(booking.id), booking.organisation, int(booking.attendees), form),
                   help=t("desk.check_in_help", count=int(booking.attendees)))
    cols[4].button(t("desk.no_show"), key=f"desk_ns_{booking.id}", on_click=no_show,
                   args=(int(booking.id), booking.organisation, form))


for resource in resources.itertuples():
    mine = bookings[bookings["resource_id"] == resource.id]
    active = mine[mine["status"].isin(booking_views.ACTIVE)]
    colour, text = state_line(int(resource.id), active)
    lines = [f"**{ui.escape_md(resource.name)}** · {t('kind.' + resource.kind)} · :{colour}[{ui.escape_md(text)}]"]
    if day == now.date() and states.get((int(resource.id), day), {}).get("opens") is not None:
        lines.append(f":gray[{ui.escape_md(t('desk.gaps', gaps=_gaps(int(resource.id), active)))}]")
    # In order of start: a run of plain lines is one markdown block, a booking whose people are
    # arriving now gets its row with buttons where it falls in the day (on a busy day at city scale
    # every extra element costs the whole page time).
    parts: list = []
    for booking in mine.itertuples():
        now_window = day == now.date() and now - 2 * ARRIVAL_WINDOW <= booking.starts_at <= now + ARRIVAL_WINDOW
        if actor.can("write") and booking.status in ("requested", "confirmed") and now_window:
            parts.append(booking)
        elif parts and isinstance(parts[-1], list):
            parts[-1].append(_line(booking))
        else:
            parts.append([_line(booking)])
    with st.container(border=True):
        head_text = "  \n".join(lines)
        if parts and isinstance(parts[0], list):
            head_text += "\n\n" + "\n".join(parts.pop(0))
        st.markdown(head_text)
        for part in parts:
            if isinstance(part, list):
                st.markdown("\n".join(part))
            else:
                _arrival_row(part)
        ui.outcome(f"desk_{resource.id}")
if bookings.empty:
    st.info(t("desk.no_bookings"))

if actor.can("write") and not unresolved.empty:
    with st.expander(t("desk.other_bookings", count=len(unresolved)), key="desk_other_box"):  # the count changes
        labels = {int(r.id): f"{hm(r.starts_at)}–{hm(r.ends_at)} · {r.resource} · {r.organisation}"
                  for r in unresolved.sort_values(["starts_at", "id"]).itertuples()}
        with st.form("desk_other", enter_to_submit=False):
            picked = st.selectbox(t("desk.booking"), list(labels), format_func=labels.get, key="desk_other_pick")
            st.number_input(t("desk.attendance"), min_value=0, max_value=500, value=0, key="desk_other_att")
            ui.outcome("desk_other")
            c1, c2 = st.columns(2)
            checked = c1.form_submit_button(t("desk.check_in"), type="primary")
            missed = c2.form_submit_button(t("desk.no_show"))
        if checked or missed:
            name = unresolved.set_index("id").loc[picked, "organisation"]
            (check_in(picked, name, st.session_state["desk_other_att"], "desk_other") if checked
             else no_show(picked, name, "desk_other"))
            st.rerun()
