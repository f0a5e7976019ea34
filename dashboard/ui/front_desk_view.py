"""The front desk's cards (``pages/front_desk.py``): one per resource with its state and the day's bookings,
and one-click buttons for the groups arriving now.

The day's bookings and hours come kept per data stamp (``booking_views.desk_read`` through
``cached.Reader``); "now" is applied on every rerun (``booking_views.desk_board``). Texts that repeat
on every line are looked up once a run (``Desk``): a busy day at city scale lists a few hundred bookings
on some thirty cards, and every extra element or lookup costs the whole page's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import streamlit as st

from dashboard.core.i18n import t
from dashboard.services import reservations
from dashboard.services.reservations import booking_views
from dashboard.services.reservations.booking_views import DeskBooking, DeskResource
from dashboard.ui import widgets as ui

# Bookings starting within an hour (or up to two hours ago) get one-click buttons; the rest go
# through one form, so a busy day does not draw hundreds of widgets.
ARRIVAL_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Desk:
    """One run of the desk: the day shown, now, whether the user may record attendance, and the texts
    every card repeats, looked up once."""

    day: date
    now: datetime
    can_write: bool
    status_text: dict[str, str]
    check_in_text: str
    no_show_text: str

    @classmethod
    def for_run(cls, day: date, now: datetime, can_write: bool) -> Desk:
        statuses = (*booking_views.STATUSES, "in_progress")
        return cls(day, now, can_write, {s: t(f"booking_status.{s}") for s in statuses},
                   t("desk.check_in"), t("desk.no_show"))

    @property
    def today(self) -> bool:
        return self.day == self.now.date()

    def arriving(self, booking: DeskBooking) -> bool:
        """A group expected about now, not yet checked in: its row gets the one-click buttons."""
        return (self.can_write and self.today and booking.status in ("requested", "confirmed")
                and self.now - 2 * ARRIVAL_WINDOW <= booking.starts_at <= self.now + ARRIVAL_WINDOW)


def hm(value) -> str:
    return value.strftime("%H:%M")


def check_in(booking_id: int, organisation: str, attended: int, form: str = "desk") -> None:
    """Record attendance; the outcome is drawn by the resource's card (or the form) that asked for it."""
    db, actor = ui.db(), ui.actor()
    ok, _ = ui.run_service(form, lambda: reservations.check_in(db, actor, booking_id, attended))
    if ok:
        ui.flash(t("desk.checked_in", organisation=organisation), form=form,
                 link=("rezerwacja", booking_id, t("booking.open")))


def no_show(booking_id: int, organisation: str, form: str = "desk") -> None:
    db, actor = ui.db(), ui.actor()
    ok, _ = ui.run_service(form, lambda: reservations.mark_no_show(db, actor, booking_id))
    if ok:
        ui.flash(t("desk.marked_no_show", organisation=organisation), form=form,
                 link=("rezerwacja", booking_id, t("booking.open")))


def state_line(resource: DeskResource) -> tuple[str, str]:
    """(colour, text) for the resource's state on the chosen day (literal keys: the catalogue test sees them)."""
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
    return "green", t("desk.gaps", gaps=gaps_text(resource))


def gaps_text(resource: DeskResource) -> str:
    return ", ".join(f"{hm(a)}–{hm(b)}" for a, b in resource.gaps or []) or "—"


def booking_line(desk: Desk, booking: DeskBooking) -> str:
    status = desk.status_text[booking_views.shown_status(booking.status, booking.starts_at, booking.ends_at, desk.now)]
    if booking.status == "checked_in":
        status += " · " + t("desk.attended", count=int(booking.actual_attendance or 0))
    return (f"- {hm(booking.starts_at)}–{hm(booking.ends_at)} · **{ui.escape_md(booking.organisation)}** · "
            f"{ui.escape_md(booking.purpose)} · :gray[{status}]")


def arrival_row(desk: Desk, booking: DeskBooking) -> None:
    """A booking whose people are arriving now: attendance and one-click buttons."""
    cols = st.columns([2, 5, 2, 2, 2])
    cols[0].markdown(f"{hm(booking.starts_at)}–{hm(booking.ends_at)}")
    cols[1].markdown(f"{ui.escape_md(booking.organisation)}  \n:gray[{ui.escape_md(booking.purpose)}]")
    cols[2].markdown(desk.status_text[booking.status])
    # One click records the expected head count; the form below corrects it. (A number field per
    # row made a busy day's page several times slower: every widget copies the session state.)
    form = f"desk_{booking.resource_id}"
    cols[3].button(desk.check_in_text, key=f"desk_in_{booking.id}", type="primary", on_click=check_in,
                   args=(int(booking.id), booking.organisation, int(booking.attendees), form),
                   help=t("desk.check_in_help", count=int(booking.attendees)))
    cols[4].button(desk.no_show_text, key=f"desk_ns_{booking.id}", on_click=no_show,
                   args=(int(booking.id), booking.organisation, form))


def card(desk: Desk, resource_id: int, name: str, kind_text: str, shown: DeskResource) -> None:
    """One resource's card: name, kind and state, today its free time, then its bookings in order of start."""
    colour, text = state_line(shown)
    lines = [f"**{ui.escape_md(name)}** · {kind_text} · :{colour}[{ui.escape_md(text)}]"]
    if desk.today and shown.gaps is not None:
        lines.append(f":gray[{ui.escape_md(t('desk.gaps', gaps=gaps_text(shown)))}]")
    # In order of start: a run of plain lines is one markdown block, a booking whose people are
    # arriving now gets its row with buttons where it falls in the day.
    parts: list = []
    for booking in shown.bookings:
        if desk.arriving(booking):
            parts.append(booking)
        elif parts and isinstance(parts[-1], list):
            parts[-1].append(booking_line(desk, booking))
        else:
            parts.append([booking_line(desk, booking)])
    with st.container(border=True):
        head_text = "  \n".join(lines)
        if parts and isinstance(parts[0], list):
            head_text += "\n\n" + "\n".join(parts.pop(0))
        st.markdown(head_text)
        for part in parts:
            if isinstance(part, list):
                st.markdown("\n".join(part))
            else:
                arrival_row(desk, part)
        ui.outcome(f"desk_{resource_id}")
