"""The front desk's cards (``pages/front_desk.py``): one per resource with its state and the day's bookings,
and one-click buttons for the groups arriving now.

The day's bookings and hours come kept per data stamp (``booking_views.desk_read`` through
``cached.Reader``); "now" is applied on every rerun (``booking_views.desk_board``). Texts that repeat
on every line are looked up once a run (``Desk``): a busy day at city scale lists a few hundred bookings
on some thirty cards, and every extra element or lookup costs the whole page's time.

The browser's time counts too (issue 20: a switch to the page ≤ 400 ms): a card drawn as a bordered
container with a Markdown block per run of lines and a row of five columns per arriving group came to
~200 elements, each parsed as Markdown and laid out by React, about 0.5 s of the browser's CPU. So the
cards are HTML: one ``st.html`` holds a run of cards with nothing to click (text escaped here, the look
set by one static style sheet, ``STYLE``), and only a card with groups arriving now is a container, its
arriving rows a line of text and the two buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

import streamlit as st

from dashboard.core.i18n import t
from dashboard.services import reservations
from dashboard.services.reservations import booking_views
from dashboard.services.reservations.booking_views import DeskBooking, DeskResource
from dashboard.ui import widgets as ui

# Bookings starting within an hour (or up to two hours ago) get one-click buttons; the rest go
# through one form, so a busy day does not draw hundreds of widgets.
ARRIVAL_WINDOW = timedelta(hours=1)
# The session's forms (``desk_<resource id>``) whose buttons were clicked: their outcome is drawn under their card.
USED_FORMS = "_desk_forms_used"

# Static (no user text): the cards look as Streamlit's bordered containers and coloured Markdown do in the
# app's light theme (.streamlit/config.toml), so an HTML card and a container card side by side match. A card
# with arriving groups is a grid by its key's class (st-key-desk_card_<id>) over its element containers: should a
# Streamlit upgrade rename those, the rows fall back to the text above its buttons, still usable.
STYLE = """<style>
.desk-card { border: 1px solid rgba(31, 31, 31, 0.2); border-radius: 0.35rem; padding: calc(1rem - 1px);
  margin-bottom: 1rem; line-height: 1.6; }
.desk-card:last-child { margin-bottom: 0; }
.desk-part { line-height: 1.6; }
.desk-card ul, .desk-part ul { margin: 0.75rem 0 0; padding-left: 1.5rem; }
.desk-part ul:first-child { margin-top: 0; }
.desk-card li, .desk-part li { margin: 0.2em 0; padding-left: 0.3em; }
.desk-arrival { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 5fr) minmax(0, 2fr); column-gap: 1rem;
  line-height: 1.6; overflow-wrap: break-word; }
[class*="st-key-desk_card_"] { display: grid !important; grid-template-columns: minmax(0, 1fr) auto auto;
  align-items: center; }
[class*="st-key-desk_card_"] > * { grid-column: 1 / -1; }
[class*="st-key-desk_card_"] > :has(> [data-testid="stHtml"] > .desk-arrival) { grid-column: 1; }
[class*="st-key-desk_card_"] > [class*="st-key-desk_in_"], [class*="st-key-desk_card_"] > [class*="st-key-desk_ns_"] {
  grid-column: auto; }
@media (max-width: 640px) {
  [class*="st-key-desk_card_"] { grid-template-columns: auto auto 1fr; }
  [class*="st-key-desk_card_"] > :has(> [data-testid="stHtml"] > .desk-arrival) { grid-column: 1 / -1; }
  .desk-arrival { grid-template-columns: auto minmax(0, 1fr); }
  .desk-arrival > :last-child { grid-column: 2; }
}
.desk-card b, .desk-part b, .desk-arrival b { font-weight: 600; }
.desk-red { color: #9E303B; } .desk-green { color: #0C5A44; } .desk-orange { color: #8F4A00; }
.desk-gray { color: #686255; }
</style>"""


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


def _used(form: str) -> None:
    st.session_state[USED_FORMS] = st.session_state.get(USED_FORMS, set()) | {form}


def check_in(booking_id: int, organisation: str, attended: int, form: str = "desk") -> None:
    """Record attendance; the outcome is drawn by the resource's card (or the form) that asked for it."""
    db, actor = ui.db(), ui.actor()
    _used(form)
    ok, _ = ui.run_service(form, lambda: reservations.check_in(db, actor, booking_id, attended))
    if ok:
        ui.flash(t("desk.checked_in", organisation=organisation), form=form,
                 link=("rezerwacja", booking_id, t("booking.open")))


def no_show(booking_id: int, organisation: str, form: str = "desk") -> None:
    db, actor = ui.db(), ui.actor()
    _used(form)
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
    """One booking of a card, as an HTML list item (every text escaped)."""
    status = desk.status_text[booking_views.shown_status(booking.status, booking.starts_at, booking.ends_at, desk.now)]
    if booking.status == "checked_in":
        status += " · " + t("desk.attended", count=int(booking.actual_attendance or 0))
    return (f"<li>{hm(booking.starts_at)}–{hm(booking.ends_at)} · <b>{escape(booking.organisation)}</b> · "
            f"{escape(booking.purpose)} · <span class=\"desk-gray\">{escape(status)}</span></li>")


def _head(desk: Desk, name: str, kind_text: str, shown: DeskResource) -> str:
    """The card's first lines: name, kind and state; today also its free time."""
    colour, text = state_line(shown)
    head = (f"<div><b>{escape(name)}</b> · {escape(kind_text)} · "
            f"<span class=\"desk-{colour}\">{escape(text)}</span></div>")
    if desk.today and shown.gaps is not None:
        head += f"<div class=\"desk-gray\">{escape(t('desk.gaps', gaps=gaps_text(shown)))}</div>"
    return head


def _lines(items: list[str]) -> str:
    return f"<ul>{''.join(items)}</ul>" if items else ""


def card_html(desk: Desk, name: str, kind_text: str, shown: DeskResource) -> str:
    """A card with nothing to click, as one HTML block."""
    return (f"<div class=\"desk-card\">{_head(desk, name, kind_text, shown)}"
            f"{_lines([booking_line(desk, b) for b in shown.bookings])}</div>")


def arrival_row(desk: Desk, booking: DeskBooking) -> None:
    """A booking whose people are arriving now: what it is, then one-click buttons; three cells of its card's
    grid (``STYLE``), the text in the width the buttons leave, on a phone the buttons under it. (A row
    container per group, the obvious way, cost the browser another ~2 ms a row.)"""
    st.html(f"<div class=\"desk-arrival\"><span>{hm(booking.starts_at)}–{hm(booking.ends_at)}</span>"
            f"<span>{escape(booking.organisation)}<br><span class=\"desk-gray\">{escape(booking.purpose)}</span>"
            f"</span><span>{escape(desk.status_text[booking.status])}<br><span class=\"desk-gray\">"
            f"{escape(t('desk.expected', count=int(booking.attendees)))}</span></span></div>")
    # One click records the expected head count (said in the row; ``arrivals_hint`` above the cards says
    # where to correct it, once: a help tooltip on every button cost the browser ~3 ms a row). A number
    # field per row made a busy day's page several times slower: every widget copies the session state.
    form = f"desk_{booking.resource_id}"
    st.button(desk.check_in_text, key=f"desk_in_{booking.id}", type="primary", on_click=check_in,
              args=(int(booking.id), booking.organisation, int(booking.attendees), form))
    st.button(desk.no_show_text, key=f"desk_ns_{booking.id}", on_click=no_show,
              args=(int(booking.id), booking.organisation, form))


def card_with_arrivals(desk: Desk, resource_id: int, name: str, kind_text: str, shown: DeskResource) -> None:
    """A card with groups arriving now: a bordered container, the bookings in order of start, a run of plain
    lines one HTML block, an arriving group its row with buttons where it falls in the day."""
    parts: list = []
    for booking in shown.bookings:
        if desk.arriving(booking):
            parts.append(booking)
        elif parts and isinstance(parts[-1], list):
            parts[-1].append(booking_line(desk, booking))
        else:
            parts.append([booking_line(desk, booking)])
    with st.container(border=True, key=f"desk_card_{resource_id}"):  # the key: its grid in ``STYLE``
        head = _head(desk, name, kind_text, shown)
        if parts and isinstance(parts[0], list):
            head += _lines(parts.pop(0))
        st.html(f"<div class=\"desk-part\">{head}</div>")
        for part in parts:
            if isinstance(part, list):
                st.html(f"<div class=\"desk-part\">{_lines(part)}</div>")
            else:
                arrival_row(desk, part)
        ui.outcome(f"desk_{resource_id}")


def cards(desk: Desk, resources: list[tuple[int, str, str]], board: dict[int, DeskResource]) -> None:
    """Every resource's card, in the order given ((id, name, translated kind) each): cards with nothing to
    click gathered into one HTML block per run; after a card whose buttons were used this session, the
    outcome of the last click (drawn once)."""
    st.html(STYLE)
    if any(desk.arriving(b) for shown in board.values() for b in shown.bookings):
        st.caption(t("desk.arrivals_hint"))
    used = st.session_state.get(USED_FORMS, set())
    run: list[str] = []

    def flush() -> None:
        if run:
            st.html("".join(run))
            run.clear()

    for resource_id, name, kind_text in resources:
        shown = board[resource_id]
        if any(desk.arriving(b) for b in shown.bookings):
            flush()
            card_with_arrivals(desk, resource_id, name, kind_text, shown)
            continue
        run.append(card_html(desk, name, kind_text, shown))
        if f"desk_{resource_id}" in used:
            flush()
            ui.outcome(f"desk_{resource_id}")
    flush()
