"""Live utilisation: rooms, events, organisations served and advice — refreshed every 30 s."""

from datetime import date, timedelta

import streamlit as st
import vl_convert

from dashboard import charts, clock, ui
from dashboard.i18n import fmt_date, fmt_money, fmt_number, t
from dashboard.services import app_settings, initiative_views, reservations, utilisation

db, actor = ui.db(), ui.actor()
st.title(t("page.utilisation"))
today = clock.today()

pilot = (date.fromisoformat(app_settings.get_setting(db, "pilot_start", "2026-07-01")),
         date.fromisoformat(app_settings.get_setting(db, "pilot_end", "2026-12-31")))
c1, c2 = st.columns([3, 2])
preset = c1.segmented_control(t("util.period"), utilisation.PRESETS, default="month", key="util_preset",
                              format_func=lambda p: t(f"util.preset.{p}")) or "month"
custom = None
if preset == "custom":
    picked = c2.date_input(t("util.custom"), value=(today - timedelta(days=29), today), format="DD.MM.YYYY",
                           key="util_custom")
    if len(picked) != 2 or picked[0] > picked[1]:
        st.error(t("error.period_reversed") if len(picked) == 2 else t("util.pick_both"))
        st.stop()
    custom = (picked[0], picked[1])
date_from, date_to = utilisation.period(preset, today, pilot, custom)
resources = reservations.resources(db)
rooms = resources[resources["kind"] == "room"]
names = dict(zip(resources["id"].astype(int), resources["name"]))
chosen = st.multiselect(t("week.resources"), [i for i in names if i in set(rooms["id"].astype(int))] +
                        [i for i in names if i not in set(rooms["id"].astype(int))],
                        default=[int(i) for i in rooms["id"]], format_func=names.get, key="util_resources",
                        placeholder=t("common.choose"))
st.caption(t("util.range", start=fmt_date(date_from), end=fmt_date(date_to)))


@st.cache_data(max_entries=64, show_spinner=False)
def _spec(kind: str, frame, labels: dict, extra=None) -> dict:
    """Vega-Lite specs are cached: building and validating one costs ~15 ms."""
    builders = {
        "occupancy": lambda: charts.occupancy_weeks(frame, labels, utilisation.TARGET_OCCUPANCY),
        "heatmap": lambda: charts.weekday_hour_heatmap(frame, labels, extra),
        "events": lambda: charts.stacked_bars(frame, "event_type", "topic", "events", labels),
        "new_orgs": lambda: charts.monthly_bars(frame, "organisations", labels),
        "initiatives": lambda: charts.category_bars(frame, "stage", "count", labels),
    }
    return charts.themed(builders[kind](), height=280).to_dict()


def chart(kind: str, frame, labels: dict, title: str, extra=None) -> None:
    st.markdown(f"**{title}**")
    if frame.empty:
        st.info(t("common.no_data"))
        return
    spec = _spec(kind, frame, labels, extra)
    st.vega_lite_chart(spec, theme=None, width="stretch")
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button("PNG", lambda: vl_convert.vegalite_to_png(spec, scale=2), file_name=f"{kind}.png",
                       mime="image/png", key=f"png_{kind}", width="stretch")
    c2.download_button("SVG", lambda: vl_convert.vegalite_to_svg(spec), file_name=f"{kind}.svg",
                       mime="image/svg+xml", key=f"svg_{kind}", width="stretch")


@st.fragment(run_every="30s")
def live(date_from: date, date_to: date, resource_ids: list[int]) -> None:
    """Everything below the filters; reruns by itself, the filters stay as the user set them."""
    now = clock.local_now()
    strip = utilisation.now_strip(db, actor, now)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("util.in_use_now"), len(strip["in_use"]), border=True,
              help=", ".join(f"{r.resource}: {r.organisation}" for r in strip["in_use"].itertuples()) or None)
    c2.metric(t("util.next_today"), len(strip["upcoming"]), border=True,
              help=", ".join(f"{r.starts_at:%H:%M} {r.resource}" for r in strip["upcoming"].itertuples()) or None)
    c3.metric(t("util.events_today"), len(strip["events"]), border=True,
              help=", ".join(f"{r.starts_at:%H:%M} {r.title}" for r in strip["events"].itertuples()) or None)
    st.caption(t("util.refreshed", time=now.strftime("%H:%M:%S")))

    served = utilisation.organisations_served(db, actor, date_from, date_to)
    visits = utilisation.attendance(db, actor, date_from, date_to, resource_ids)
    events = utilisation.events_summary(db, actor, date_from, date_to)
    advice = utilisation.advisory_hours(db, actor, date_from, date_to)
    k = st.columns(5)
    k[0].metric(t("util.organisations_served"), fmt_number(served["organisations"]), border=True)
    k[1].metric(t("util.bookings_held"), fmt_number(visits["held"]), border=True,
                help=t("util.no_show_rate", rate=_pct(visits["no_show_rate"])))
    k[2].metric(t("util.events_held"), fmt_number(events["events"]), border=True,
                help=t("util.participants", count=events["participants"]))
    k[3].metric(t("util.attendance_rate"), _pct(events["attendance_rate"]), border=True,
                help=t("util.rating", rating="—" if events["rating"] is None else f"{events['rating']:.2f}"))
    k[4].metric(t("util.advisory_hours"), fmt_number(advice["hours"], digits=1), border=True,
                help=t("util.advisory_sessions", count=advice["sessions"]))

    labels = {"week": t("hours.week"), "occupancy": t("util.occupancy"), "resource": t("booking.resource"),
              "booked": t("util.booked_hours"), "open": t("hours.hours_open"), "hour": t("week.hour"),
              "day": t("hours.day"), "event_type": t("event.type"), "topic": t("event.topic"),
              "events": t("util.events"), "month": t("events.month"), "organisations": t("util.new_organisations"),
              "stage": t("util.stage"), "count": t("util.initiatives")}
    left, right = st.columns(2)
    with left:
        chart("occupancy", utilisation.room_occupancy(db, actor, date_from, date_to, resource_ids), labels,
              t("util.chart_occupancy", low=int(utilisation.TARGET_OCCUPANCY[0] * 100),
                high=int(utilisation.TARGET_OCCUPANCY[1] * 100)))
    with right:
        chart("heatmap", utilisation.heatmap(db, actor, date_from, date_to, resource_ids), labels,
              t("util.chart_heatmap"), [t(f"weekday_short.{d}") for d in range(7)])
    st.caption(t("util.evenings", count=visits["evening"], people=visits["people"]))
    left, right = st.columns(2)
    with left:
        frame = utilisation.events_by_type_topic(db, actor, date_from, date_to)
        frame["event_type"] = frame["event_type"].map(lambda v: t(f"event_type.{v}"))
        chart("events", frame, labels, t("util.chart_events"))
    with right:
        chart("new_orgs", utilisation.new_organisations_by_month(db, actor, date_from, date_to), labels,
              t("util.chart_new_orgs"))
    volunteering = utilisation.volunteer_hours(db, actor, date_from, date_to)
    if volunteering is None:
        st.info(t("util.not_built.volunteers"))
    else:
        c1, c2, _ = st.columns(3)
        c1.metric(t("util.volunteer_hours"), fmt_number(volunteering["hours"], digits=1), border=True)
        c2.metric(t("util.volunteer_value"), fmt_money(volunteering["value_pln"]), border=True,
                  help=t("util.volunteer_rate", rate=fmt_money(volunteering["rate"])))
    if not utilisation.area_available(db, "initiatives"):
        st.info(t("util.not_built.initiatives"))
    else:
        stages = initiative_views.pipeline(db, actor)["counts"]
        stages = stages.assign(stage=stages["name_pl" if st.session_state.get("lang", "pl") == "pl" else "name_en"])
        chart("initiatives", stages[["stage", "count"]], labels, t("util.chart_initiatives"))


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


if not chosen:
    st.info(t("week.choose_resource"))
else:
    live(date_from, date_to, chosen)
