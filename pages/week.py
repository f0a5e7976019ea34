"""Week calendar: the rooms' week (or, on a phone, one day) as a schedule staff plan from.

Previous / next week (or day) and today; all rooms, all resources or one; opening hours, closures and
holidays shaded and labelled; the whole organisation in each bar's tooltip. Clicking a booking opens
it, clicking a free half hour opens the new-booking form filled with that resource, day and time.

Built on Altair point selections, the chart's Vega-Lite spec sent through
``st.vega_lite_chart(on_select="rerun")`` (prepared once per data: ``week_view``), rather than a
calendar component (streamlit-calendar / FullCalendar): no new dependency, works offline, and AppTest
can read the chart's data. The reasons in full are at ``charts.booking_calendar``.
"""

from datetime import timedelta

import streamlit as st
from babel.dates import format_date

from dashboard.core import clock, i18n
from dashboard.core.i18n import t
from dashboard.services import reservations
from dashboard.ui import cached, charts, week_view
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.week"))

reader = cached.Reader()  # reads kept per data stamp
resources = reader.view("resources_but_lockers", (), lambda: reservations.resources(db).query("kind != 'locker'"))
names = dict(zip(resources["id"].astype(int), resources["name"]))
rooms = [int(i) for i in resources.loc[resources["kind"] == "room", "id"]]
today, now, lang = clock.today(), clock.local_now(), i18n.current_language()
# On a weekend the coming week is the one staff plan.
default_day = today + timedelta(days=7 - today.weekday()) if today.weekday() >= 5 else today
user_agent = st.context.headers.get("User-Agent") or ""
on_phone = any(mark in user_agent for mark in ("Mobi", "Android", "iPhone"))

# The controls keep their values for the session (persist_state), so a person who opens a booking and
# comes back finds the week, view and room they were looking at.
for widget, initial in (("week_day", default_day), ("week_view", "day" if on_phone else "week"),
                        ("week_resource", "rooms")):
    st.session_state.setdefault(widget, initial)


def _shift(days: int) -> None:
    st.session_state["week_day"] = (st.session_state.get("week_day") or default_day) + timedelta(days=days)


def _to_today() -> None:
    st.session_state["week_day"] = today


choices = {"rooms": t("week.all_rooms"), "all": t("week.all_resources")} | {str(i): n for i, n in names.items()}
if st.session_state["week_resource"] not in choices:
    st.session_state["week_resource"] = "rooms"
with st.container(horizontal=True, vertical_alignment="bottom"):
    view = st.segmented_control(t("week.view"), ["week", "day"], key="week_view", required=True,
                                format_func=lambda v: t(f"week.view_{v}"), persist_state="session")
    picked_day = st.date_input(t("week.week_of") if view == "week" else t("week.day"), key="week_day",
                               format="DD.MM.YYYY", width=180, persist_state="session") or default_day
    chosen = st.selectbox(t("booking.resource"), list(choices), key="week_resource", format_func=choices.get,
                          width=280, persist_state="session")

step = 7 if view == "week" else 1
with st.container(horizontal=True):
    # On a phone the three fit one line with short labels; the full one is the button's help.
    st.button(t("week.prev") if on_phone else t(f"week.prev_{view}"), icon=":material/chevron_left:",
              on_click=_shift, args=(-step,), key="week_prev", help=t(f"week.prev_{view}") if on_phone else None)
    st.button(t("week.today"), icon=":material/today:", on_click=_to_today, key="week_today")
    st.button(t("week.next") if on_phone else t(f"week.next_{view}"), icon=":material/chevron_right:",
              icon_position="right", on_click=_shift, args=(step,), key="week_next",
              help=t(f"week.next_{view}") if on_phone else None)

if view == "week":
    date_from = picked_day - timedelta(days=picked_day.weekday())
    date_to = date_from + timedelta(days=6)
    st.subheader(t("week.heading_week", range=week_view.week_title(date_from, lang)))
else:
    date_from = date_to = picked_day
    heading = format_date(picked_day, "EEEE, d MMMM y", locale=i18n.LOCALES[lang])
    st.subheader(heading[:1].upper() + heading[1:])

ids = rooms if chosen == "rooms" else list(names) if chosen == "all" else [int(chosen)]
can_book = actor.can("write")
shown = week_view.prepared(reader, ids, names, date_from, date_to, now, lang, day_view=view == "day",
                          can_book=can_book, on_phone=on_phone)

if shown["spec"] is None:
    st.info(t("week.all_closed") if view == "week" else t("week.day_closed"))
else:
    st.caption(t(("week.tap_hint" if on_phone else "week.click_hint") if can_book else "week.click_hint_read"))
    event = st.vega_lite_chart(spec=shown["spec"], width="stretch", theme=None, key=f"week_chart_{view}",
                               on_select="rerun",
                               selection_mode=list(charts.CALENDAR_SELECTIONS) if can_book else ["booking"])

    def _clicked(name: str, field: str):
        """What a click picked in the selection ``name``: a value, or None (a click elsewhere leaves the
        other selection holding an empty point)."""
        for point in (event or {}).get("selection", {}).get(name) or []:
            if point.get(field) not in (None, ""):
                return point[field]
        return None

    booking_id, slot = _clicked("booking", "booking_id"), _clicked("slot", "slot")
    if booking_id is not None:
        ui.goto("rezerwacja", id=int(booking_id))
    elif slot and can_book:
        resource_id, day, start, end = str(slot).split("|")
        ui.goto("nowa-rezerwacja", resource=resource_id, day=day, start=start, end=end)

if shown["table"] is not None:
    # A plain table: it prints and reads as text. Drawn only while open (the expander reruns the page when
    # opened): a city-scale week has a few hundred cells, each one Markdown to the browser, which made every
    # switch to this page ~0.3 s slower though the table was closed.
    box = st.expander(t("week.as_table", count=shown["count"]), key="week_table_box", on_change="rerun")
    if box.open:
        with box:
            st.table(shown["table"])
