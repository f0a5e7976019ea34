"""Front desk: every resource today — in use now, next, free gaps; check-in and no-show."""

from datetime import timedelta

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, t
from dashboard.services import reservations
from dashboard.services.reservations import booking_views
from dashboard.ui import cached
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
# Kept per data stamp: a rerun with nothing written since reads no bookings, only applies "now" to them.
board = booking_views.desk_board(cached.Reader()(booking_views.desk_read, [int(i) for i in resources["id"]], day),
                                 day, now)
bookings = sorted((b for r in board.values() for b in r.bookings), key=lambda b: (b.starts_at, b.id))
unresolved = [b for b in bookings if b.status in ("requested", "confirmed", "checked_in")]
is_today = day == now.date()
# Looked up once a run, not once a resource or booking: a busy day lists a few hundred.
status_text = {s: t(f"booking_status.{s}") for s in (*booking_views.STATUSES, "in_progress")}
kind_text = {k: t(f"kind.{k}") for k in set(resources["kind"])}
check_in_text, no_show_text = t("desk.check_in"), t("desk.no_show")


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


def state_line(resource: booking_views.DeskResource) -> tuple[str, str]:
    """(colour, text) for the resource's state on the chosen day."""
    if resource.state == "closed":
        return "orange", t("desk.closed", reason=resource.reason)
    if resource.state == "not_open":
        return "gray", t("desk.not_open")
    if resource.state == "in_use":
        return "red", t("desk.in_use", organisation=resource.organisation, end=hm(resource.until))
    if resource.state == "free_until":
        return "green", t("desk.free_until", start=hm(resource.until))
    if resource.state == "free_rest":
        return "green", t("desk.free_rest")
    return "green", t("desk.gaps", gaps=_gaps(resource))


def _gaps(resource: booking_views.DeskResource) -> str:
    return ", ".join(f"{hm(a)}–{hm(b)}" for a, b in resource.gaps or []) or "—"


def _line(booking) -> str:
    status = status_text[booking_views.shown_status(booking.status, booking.starts_at, booking.ends_at, now)]
    if booking.status == "checked_in":
        status += " · " + t("desk.attended", count=int(booking.actual_attendance or 0))
    return (f"- {hm(booking.starts_at)}–{hm(booking.ends_at)} · **{ui.escape_md(booking.organisation)}** · "
            f"{ui.escape_md(booking.purpose)} · :gray[{status}]")


def _arrival_row(booking) -> None:
    """A booking whose people are arriving now: attendance and one-click buttons."""
    cols = st.columns([2, 5, 2, 2, 2])
    cols[0].markdown(f"{hm(booking.starts_at)}–{hm(booking.ends_at)}")
    cols[1].markdown(f"{ui.escape_md(booking.organisation)}  \n:gray[{ui.escape_md(booking.purpose)}]")
    cols[2].markdown(status_text[booking.status])
    # One click records the expected head count; the form below corrects it. (A number field per
    # row made a busy day's page several times slower: every widget copies the session state.)
    form = f"desk_{booking.resource_id}"
    cols[3].button(check_in_text, key=f"desk_in_{booking.id}", type="primary", on_click=check_in,
                   args=(int(booking.id), booking.organisation, int(booking.attendees), form),
                   help=t("desk.check_in_help", count=int(booking.attendees)))
    cols[4].button(no_show_text, key=f"desk_ns_{booking.id}", on_click=no_show,
                   args=(int(booking.id), booking.organisation, form))


can_write = actor.can("write")
for resource_id, name, kind in zip(resources["id"], resources["name"], resources["kind"]):
    shown = board[int(resource_id)]
    colour, text = state_line(shown)
    lines = [f"**{ui.escape_md(name)}** · {kind_text[kind]} · :{colour}[{ui.escape_md(text)}]"]
    if is_today and shown.gaps is not None:
        lines.append(f":gray[{ui.escape_md(t('desk.gaps', gaps=_gaps(shown)))}]")
    # In order of start: a run of plain lines is one markdown block, a booking whose people are
    # arriving now gets its row with buttons where it falls in the day (on a busy day at city scale
    # every extra element costs the whole page time).
    parts: list = []
    for booking in shown.bookings:
        now_window = is_today and now - 2 * ARRIVAL_WINDOW <= booking.starts_at <= now + ARRIVAL_WINDOW
        if can_write and booking.status in ("requested", "confirmed") and now_window:
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
        ui.outcome(f"desk_{resource_id}")
if not bookings:
    st.info(t("desk.no_bookings"))

if can_write and unresolved:
    with st.expander(t("desk.other_bookings", count=len(unresolved)), key="desk_other_box"):  # the count changes
        labels = {r.id: f"{hm(r.starts_at)}–{hm(r.ends_at)} · {r.resource} · {r.organisation}" for r in unresolved}
        with st.form("desk_other", enter_to_submit=False):
            picked = st.selectbox(t("desk.booking"), list(labels), format_func=labels.get, key="desk_other_pick")
            st.number_input(t("desk.attendance"), min_value=0, max_value=500, value=0, key="desk_other_att")
            ui.outcome("desk_other")
            c1, c2 = st.columns(2)
            checked = c1.form_submit_button(t("desk.check_in"), type="primary")
            missed = c2.form_submit_button(t("desk.no_show"))
        if checked or missed:
            name = next(r.organisation for r in unresolved if r.id == picked)
            (check_in(picked, name, st.session_state["desk_other_att"], "desk_other") if checked
             else no_show(picked, name, "desk_other"))
            st.rerun()
