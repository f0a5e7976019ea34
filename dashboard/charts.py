"""Chart builders: functions from a small aggregated frame to an Altair chart, one theme.

Pages call ``st.altair_chart(builder(frame), theme=None)`` so the city's palette below is
kept; every builder gets frames already aggregated in DuckDB.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

PALETTE = ["#C8102E", "#F2A900", "#2D6A8E", "#5E8C31", "#7A4E9C", "#8C8C8C"]
STATUS_COLOURS = {"requested": "#F2A900", "confirmed": "#2D6A8E", "checked_in": "#5E8C31",
                  "no_show": "#8C8C8C", "free": "#EFEAE2"}
FONT = "Source Sans Pro, DejaVu Sans, sans-serif"


def themed(chart: alt.Chart, height: int = 320) -> alt.Chart:
    return (chart.properties(height=height)
            .configure(font=FONT)
            .configure_axis(labelFontSize=12, titleFontSize=13, grid=True, gridColor="#eeeeee")
            .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
            .configure_view(strokeWidth=0)
            .configure_range(category=PALETTE))


def week_timeline(opening: pd.DataFrame, bookings: pd.DataFrame, labels: dict[str, str],
                  status_labels: dict[str, str], rows: list[str]) -> alt.LayerChart:
    """A week as rows (day · resource) on an hour axis: opening hours as light bands (the free
    time), bookings on top coloured by status, each labelled with its organisation.

    ``opening`` columns: row, start_hour, end_hour. ``bookings`` columns: row, start_hour,
    end_hour, organisation, short_org, status, time_label.
    """
    y = alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(labelLimit=260, labelFontSize=12))
    x = alt.X("start_hour:Q", title=labels["hour"], scale=alt.Scale(domain=[8, 21], nice=False),
              axis=alt.Axis(values=list(range(8, 22)), format="d"))
    band = alt.Chart(opening).mark_bar(color=STATUS_COLOURS["free"], height={"band": 0.9}).encode(
        x=x, x2="end_hour:Q", y=y, tooltip=alt.value(None))
    data = bookings.assign(status_label=bookings["status"].map(status_labels))
    keys = [s for s in ("requested", "confirmed", "checked_in", "no_show")]
    bars = alt.Chart(data).mark_bar(cornerRadius=3, height={"band": 0.7}).encode(
        x=x, x2="end_hour:Q", y=y,
        color=alt.Color("status_label:N", title=labels["status"],
                        scale=alt.Scale(domain=[status_labels[k] for k in keys],
                                        range=[STATUS_COLOURS[k] for k in keys])),
        tooltip=[alt.Tooltip("organisation:N", title=labels["organisation"]),
                 alt.Tooltip("time_label:N", title=labels["time"]),
                 alt.Tooltip("status_label:N", title=labels["status"])],
    )
    text = alt.Chart(data).mark_text(align="left", dx=4, color="white", fontSize=11).encode(
        x=x, y=y, text="short_org:N")
    return alt.layer(band, bars, text)


def compliance_bars(frame: pd.DataFrame, labels: dict[str, str], target_hours: float) -> alt.Chart:
    """Open hours per week against the open call's minimum (5 days × 8 h = 40 h)."""
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("week_label:N", title=labels["week"], sort=None),
        y=alt.Y("hours_open:Q", title=labels["hours"]),
        color=alt.Color("status_label:N", title=labels["status"],
                        scale=alt.Scale(domain=[labels["ok"], labels["short_holiday"], labels["short"]],
                                        range=["#5E8C31", "#F2A900", "#C8102E"])),
        tooltip=["week_label:N", "hours_open:Q", "days_open:Q", "evenings:Q", "reasons_text:N"],
    )
    rule = alt.Chart(pd.DataFrame({"target": [target_hours]})).mark_rule(strokeDash=[6, 4], color="#1F1F1F").encode(
        y="target:Q")
    return bars + rule


def occupancy_weeks(frame: pd.DataFrame, labels: dict[str, str], band: tuple[float, float]) -> alt.LayerChart:
    """Booked ÷ open hours per week and room, over the target band."""
    target = alt.Chart(pd.DataFrame({"low": [band[0]], "high": [band[1]]})).mark_rect(
        color="#5E8C31", opacity=0.12).encode(y="low:Q", y2="high:Q")
    lines = alt.Chart(frame).mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("week_start:T", title=labels["week"], axis=alt.Axis(format="%d.%m")),
        y=alt.Y("occupancy:Q", title=labels["occupancy"], axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("resource:N", title=labels["resource"]),
        tooltip=[alt.Tooltip("resource:N", title=labels["resource"]),
                 alt.Tooltip("week_start:T", title=labels["week"], format="%d.%m.%Y"),
                 alt.Tooltip("booked_hours:Q", title=labels["booked"], format=".1f"),
                 alt.Tooltip("open_hours:Q", title=labels["open"], format=".1f"),
                 alt.Tooltip("occupancy:Q", title=labels["occupancy"], format=".0%")],
    )
    return alt.layer(target, lines)


def weekday_hour_heatmap(frame: pd.DataFrame, labels: dict[str, str], weekday_names: list[str]) -> alt.Chart:
    """Booked hours by weekday and hour: where the demand sits in the week."""
    data = frame.assign(day=frame["weekday"].map(lambda d: weekday_names[int(d)]))
    return alt.Chart(data).mark_rect(cornerRadius=2).encode(
        x=alt.X("hour:O", title=labels["hour"]),
        y=alt.Y("day:N", title=None, sort=weekday_names),
        color=alt.Color("booked_hours:Q", title=labels["booked"], scale=alt.Scale(scheme="reds")),
        tooltip=[alt.Tooltip("day:N", title=labels["day"]), alt.Tooltip("hour:O", title=labels["hour"]),
                 alt.Tooltip("booked_hours:Q", title=labels["booked"], format=".1f")],
    )


def stacked_bars(frame: pd.DataFrame, category: str, stack: str, value: str, labels: dict[str, str]) -> alt.Chart:
    """Counts per category, stacked by a second dimension (events by type and topic)."""
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=None, sort="-x"),
        x=alt.X(f"sum({value}):Q", title=labels[value]),
        color=alt.Color(f"{stack}:N", title=labels[stack]),
        tooltip=[alt.Tooltip(f"{category}:N", title=labels[category]), alt.Tooltip(f"{stack}:N", title=labels[stack]),
                 alt.Tooltip(f"{value}:Q", title=labels[value])],
    )


def monthly_bars(frame: pd.DataFrame, value: str, labels: dict[str, str]) -> alt.Chart:
    """One bar per month (new organisations per month)."""
    return alt.Chart(frame).mark_bar(color=PALETTE[2], cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        x=alt.X("month:T", title=labels["month"], axis=alt.Axis(format="%m.%Y")),
        y=alt.Y(f"{value}:Q", title=labels[value]),
        tooltip=[alt.Tooltip("month:T", title=labels["month"], format="%m.%Y"),
                 alt.Tooltip(f"{value}:Q", title=labels[value])],
    )


def survey_summary(frame: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Per future service: how many organisations want it and their mean priority (1–5), side by side.

    ``frame`` columns: service (a label), organisations, mean_priority (NaN when nobody wants it).
    ``labels``: service, measure, value, organisations, mean_priority.
    """
    order = list(frame["service"])
    long = pd.concat([
        pd.DataFrame({"service": frame["service"], "measure": labels["organisations"],
                      "value": frame["organisations"].astype(float)}),
        pd.DataFrame({"service": frame["service"], "measure": labels["mean_priority"],
                      "value": frame["mean_priority"].astype(float)}),
    ], ignore_index=True)
    measures = [labels["organisations"], labels["mean_priority"]]
    return alt.Chart(long).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("service:N", title=None, sort=order, axis=alt.Axis(labelLimit=280)),
        x=alt.X("value:Q", title=labels["value"]),
        color=alt.Color("measure:N", title=labels["measure"], scale=alt.Scale(domain=measures, range=PALETTE[2:4]),
                        legend=None),
        column=alt.Column("measure:N", title=None, sort=measures, header=alt.Header(labelFontSize=13)),
        tooltip=[alt.Tooltip("service:N", title=labels["service"]), alt.Tooltip("measure:N", title=labels["measure"]),
                 alt.Tooltip("value:Q", title=labels["value"], format=".2~f")],
    ).properties(width=300).resolve_scale(x="independent")


def category_bars(frame: pd.DataFrame, category: str, value: str, labels: dict[str, str]) -> alt.Chart:
    """One horizontal bar per category, in the frame's order (stages of a procedure)."""
    return alt.Chart(frame).mark_bar(color=PALETTE[0], cornerRadiusTopRight=3, cornerRadiusBottomRight=3).encode(
        y=alt.Y(f"{category}:N", title=None, sort=list(frame[category])),
        x=alt.X(f"{value}:Q", title=labels[value]),
        tooltip=[alt.Tooltip(f"{category}:N", title=labels[category]), alt.Tooltip(f"{value}:Q", title=labels[value])],
    )
