"""Week calendar: bookings of all rooms (or one resource) with organisation names and free time."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.ui import charts
from dashboard.core import clock
from dashboard.ui import widgets as ui
from dashboard.core.i18n import fmt_date, t
from dashboard.services.reservations import booking_views
from dashboard.services.reservations import reservations

db, actor = ui.db(), ui.actor()
st.title(t("page.week"))

resources = reservations.resources(db)
resources = resources[resources["kind"] != "locker"]
names = dict(zip(resources["id"].astype(int), resources["name"]))
rooms = [int(i) for i in resources.loc[resources["kind"] == "room", "id"]]
today = clock.today()
c1, c2 = st.columns([2, 3])
# On a weekend the coming week is the one staff plan.
default_day = today + timedelta(days=7 - today.weekday()) if today.weekday() >= 5 else today
picked_day = c1.date_input(t("week.week_of"), value=default_day, format="DD.MM.YYYY", key="week_day")
chosen = c2.multiselect(t("week.resources"), list(names), default=rooms, format_func=names.get, key="week_resources",
                        placeholder=t("common.choose"))
monday = picked_day - timedelta(days=picked_day.weekday())
st.caption(t("week.range", start=fmt_date(monday), end=fmt_date(monday + timedelta(days=6))))



_SHORT_FORMS = (("Stowarzyszenie Zwykłe", "Stow. Zw."), ("Stowarzyszenie", "Stow."), ("Fundacja", "Fund."),
                ("Towarzystwo", "Tow."), ("Spółdzielnia Socjalna", "Sp. Soc."))


def _fit(name: str, hours: float) -> str:
    """The organisation's name cut to what fits in its bar (about eight characters an hour),
    legal-form words shortened first so the distinctive part shows (the tooltip has it all)."""
    for long, short in _SHORT_FORMS:
        if name.startswith(long):
            name = short + name[len(long):]
            break
    room = max(0, int(hours * 8) - 1)
    return name if len(name) <= room else (name[: max(0, room - 1)] + "…" if room > 3 else "")


@st.cache_data(max_entries=64, show_spinner=False)
def _spec(opening: pd.DataFrame, frame: pd.DataFrame, labels: dict, status_labels: dict, rows: list[str]) -> dict:
    """The chart's Vega-Lite spec; building and validating it costs ~100 ms, so reruns that
    show the same week and bookings reuse it."""
    chart = charts.week_timeline(opening, frame, labels, status_labels, rows)
    return charts.themed(chart, height=max(240, 34 * len(rows))).to_dict()


if not chosen:
    st.info(t("week.choose_resource"))
    st.stop()

open_days = booking_views.availability(db, chosen, monday, monday + timedelta(days=6), reservations.holiday_name)
rows, opening = [], []
for offset in range(7):
    day = monday + timedelta(days=offset)
    for resource_id in chosen:
        state = open_days.get((resource_id, day))
        if not state or state["opens"] is None or state["closed"]:
            continue
        label = f"{t(f'weekday_short.{day.weekday()}')} {day:%d.%m} · {names[resource_id]}"
        rows.append(label)
        opens, closes = state["opens"], state["closes"]
        opening.append({"row": label, "start_hour": opens.hour + opens.minute / 60,
                        "end_hour": closes.hour + closes.minute / 60})

bookings = booking_views.week_bookings(db, monday, chosen)
if rows:
    frame = pd.DataFrame(columns=["row", "start_hour", "end_hour", "organisation", "short_org", "status", "time_label"])
    if not bookings.empty:
        frame = pd.DataFrame({
            "row": [f"{t(f'weekday_short.{s.weekday()}')} {s:%d.%m} · {names[int(r)]}"
                    for s, r in zip(bookings["starts_at"], bookings["resource_id"])],
            "start_hour": bookings["starts_at"].dt.hour + bookings["starts_at"].dt.minute / 60,
            "end_hour": bookings["ends_at"].dt.hour + bookings["ends_at"].dt.minute / 60,
            "organisation": bookings["organisation"],
            "short_org": [_fit(name, (e - s).total_seconds() / 3600)
                          for name, s, e in zip(bookings["organisation"], bookings["starts_at"], bookings["ends_at"])],
            "status": bookings["status"],
            "time_label": bookings["starts_at"].dt.strftime("%H:%M") + "–" + bookings["ends_at"].dt.strftime("%H:%M"),
        })
    labels = {"hour": t("week.hour"), "status": t("booking.status"), "organisation": t("booking.organisation"),
              "time": t("week.time")}
    status_labels = {s: t(f"booking_status.{s}") for s in booking_views.STATUSES}
    st.vega_lite_chart(_spec(pd.DataFrame(opening), frame, labels, status_labels, rows), theme=None,
                       width="stretch")
    st.caption(t("week.legend_free"))
else:
    st.info(t("week.all_closed"))

if not bookings.empty:
    with st.expander(t("week.as_table", count=len(bookings))):
        table = bookings.assign(day=bookings["starts_at"].map(fmt_date),
                                time=bookings["starts_at"].dt.strftime("%H:%M") + "–" + bookings["ends_at"].dt.strftime("%H:%M"),
                                status=bookings["status"].map(lambda s: t(f"booking_status.{s}")))
        columns = {"day": "booking.day", "time": "week.time", "resource": "booking.resource",
                   "organisation": "booking.organisation", "purpose": "booking.purpose", "status": "booking.status"}
        # A plain table: a week's bookings are few, and it prints and reads as text.
        st.table(table[list(columns)].rename(columns={c: t(k) for c, k in columns.items()}).set_index(t("booking.day")))
