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


# Whole things (events, initiatives, lockers) are counted in whole numbers: no 0.2 ticks on a small count.
COUNT_AXIS = alt.Axis(tickMinStep=1, format="~d")


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
        x=alt.X(f"sum({value}):Q", title=labels[value], axis=COUNT_AXIS),
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
        x=alt.X(f"{value}:Q", title=labels[value], axis=COUNT_AXIS),
        tooltip=[alt.Tooltip(f"{category}:N", title=labels[category]), alt.Tooltip(f"{value}:Q", title=labels[value])],
    )


def rating_bars(frame: pd.DataFrame, category: str, labels: dict[str, str]) -> alt.Chart:
    """Mean rating (1–5) per category on a fixed 0–5 axis, so two periods compare at a glance.

    ``frame`` columns: ``category``, mean_rating, ratings. ``labels``: category, mean_rating, ratings.
    """
    return alt.Chart(frame).mark_bar(color=PALETTE[2], cornerRadiusTopRight=3, cornerRadiusBottomRight=3).encode(
        y=alt.Y(f"{category}:N", title=None, sort=list(frame[category]), axis=alt.Axis(labelLimit=320)),
        x=alt.X("mean_rating:Q", title=labels["mean_rating"], scale=alt.Scale(domain=[0, 5])),
        tooltip=[alt.Tooltip(f"{category}:N", title=labels[category]),
                 alt.Tooltip("mean_rating:Q", title=labels["mean_rating"], format=".2f"),
                 alt.Tooltip("ratings:Q", title=labels["ratings"])],
    )


def month_columns(frame: pd.DataFrame, value: str, labels: dict[str, str]) -> alt.Chart:
    """One column per month on a category axis: every month labelled once and the bars wide even when
    a month is missing (a time axis draws hairlines there). ``frame`` columns: month_label (in the
    order to show), ``value``, and ``tooltip`` (the value as the page formats it)."""
    return alt.Chart(frame).mark_bar(color=PALETTE[2], cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        x=alt.X("month_label:N", title=labels["month"], sort=list(frame["month_label"]), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{value}:Q", title=labels[value]),
        tooltip=[alt.Tooltip("month_label:N", title=labels["month"]), alt.Tooltip("tooltip:N", title=labels[value])],
    )


def budget_plan_actual(frame: pd.DataFrame, labels: dict[str, str], categories: list[str], sources: list[str],
                       measures: list[str], thousands: str = ",") -> alt.Chart:
    """Per cost category two bars side by side, the plan and what was spent, each stacked by funding source.

    ``frame`` columns: category, source, measure (one of ``measures``: plan first), amount (PLN), source_order.
    ``labels``: amount, source, category, measure. ``thousands``: the language's thousands separator.
    """
    amount_labels = f"replace(format(datum.value, ',.0f'), regexp(',', 'g'), '{thousands}')"
    return alt.Chart(frame).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("category:N", title=None, sort=categories, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("measure:N", sort=measures),
        x=alt.X("sum(amount):Q", title=labels["amount"], axis=alt.Axis(labelExpr=amount_labels, tickCount=8)),
        color=alt.Color("source:N", title=labels["source"], sort=sources, legend=alt.Legend(labelLimit=320),
                        scale=alt.Scale(domain=sources, range=PALETTE[2:] + PALETTE[:2])),
        opacity=alt.Opacity("measure:N", title=labels["measure"], sort=measures,
                            scale=alt.Scale(domain=measures, range=[0.45, 1.0])),
        order=alt.Order("source_order:Q"),
        tooltip=[alt.Tooltip("category:N", title=labels["category"]), alt.Tooltip("measure:N", title=labels["measure"]),
                 alt.Tooltip("source:N", title=labels["source"]),
                 alt.Tooltip("amount:Q", title=labels["amount"], format=",.2f")],
    )


def suppressed_bars(frame: pd.DataFrame, labels: dict[str, str], percent: bool = False) -> alt.LayerChart:
    """Horizontal bars, one per category in the frame's order, each labelled with its ``text``.

    ``frame`` columns: category, value (None for a suppressed small count: no bar, only its text,
    e.g. "<5"), text. ``labels``: value (the axis title). Used by the Forum slides.
    """
    data = frame.assign(position=frame["value"].fillna(0.0))
    drawn = [v for v in frame["value"] if v is not None and v == v]
    # Room on the right for the labels; when every bar is suppressed (all below 5), an axis up to 5.
    top = max(drawn) * 1.12 if drawn and max(drawn) > 0 else (1.0 if percent else 5.0)
    y = alt.Y("category:N", title=None, sort=list(frame["category"]), axis=alt.Axis(labelLimit=320, labelFontSize=14))
    x = alt.X("position:Q", title=labels["value"], scale=alt.Scale(domain=[0, top], nice=False),
              axis=alt.Axis(format="%") if percent else alt.Axis(tickMinStep=1, format="~d"))
    bars = alt.Chart(data).mark_bar(color=PALETTE[0], cornerRadiusEnd=3).encode(x=x, y=y)
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=14, fontWeight="bold", color="#1F1F1F").encode(
        x=x, y=y, text="text:N")
    return alt.layer(bars, text)


def rate_line(frame: pd.DataFrame, labels: dict[str, str], band: tuple[float, float] | None = None) -> alt.LayerChart:
    """A rate per period (``category`` in order, ``value`` 0–1) as a line, over an optional target band."""
    x = alt.X("category:N", title=labels.get("category"), sort=list(frame["category"]),
              axis=alt.Axis(labelAngle=-45, labelFontSize=12))
    y = alt.Y("value:Q", title=labels["value"], axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    line = alt.Chart(frame).mark_line(point=True, strokeWidth=3, color=PALETTE[0]).encode(
        x=x, y=y, tooltip=[alt.Tooltip("category:N", title=labels.get("category")),
                           alt.Tooltip("text:N", title=labels["value"])])
    if band is None:
        return alt.layer(line)
    target = alt.Chart(pd.DataFrame({"low": [band[0]], "high": [band[1]]})).mark_rect(
        color="#5E8C31", opacity=0.15).encode(y="low:Q", y2="high:Q")
    return alt.layer(target, line)


def status_columns(frame: pd.DataFrame, labels: dict[str, str], status_labels: dict[str, str]) -> alt.Chart:
    """Bookings per week stacked by what became of them (held, no-show, still to come).

    ``frame`` columns: week_start, status, bookings. ``labels``: week, bookings, status.
    """
    keys = [s for s in ("checked_in", "no_show", "confirmed", "requested")]
    data = frame.assign(status_label=frame["status"].map(status_labels), week_label=_week_labels(frame["week_start"]))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("week_label:N", title=labels["week"], sort=_week_labels(sorted(set(frame["week_start"]))),
                axis=alt.Axis(labelAngle=0 if frame["week_start"].nunique() <= 10 else -45)),
        y=alt.Y("sum(bookings):Q", title=labels["bookings"]),
        color=alt.Color("status_label:N", title=labels["status"],
                        scale=alt.Scale(domain=[status_labels[k] for k in keys], range=[STATUS_COLOURS[k] for k in keys])),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("week_label:N", title=labels["week"]),
                 alt.Tooltip("status_label:N", title=labels["status"]), alt.Tooltip("bookings:Q", title=labels["bookings"])],
    ).transform_calculate(status_order=f"indexof({[status_labels[k] for k in keys]!r}, datum.status_label)")


def overlay_columns(frame: pd.DataFrame, back: str, front: str, labels: dict[str, str]) -> alt.LayerChart:
    """Per week a light column (``back``, e.g. evenings open) with a dark one in front (``front``, used)."""
    frame = frame.assign(week_label=_week_labels(frame["week_start"]))
    x = alt.X("week_label:N", title=labels["week"], sort=list(frame["week_label"]),
              axis=alt.Axis(labelAngle=0 if len(frame) <= 10 else -45))
    tooltip = [alt.Tooltip("week_label:N", title=labels["week"]),
               alt.Tooltip(f"{back}:Q", title=labels[back]), alt.Tooltip(f"{front}:Q", title=labels[front])]
    long = pd.concat([frame.assign(measure=labels[back], value=frame[back]),
                      frame.assign(measure=labels[front], value=frame[front])], ignore_index=True)
    colour = alt.Color("measure:N", title=None, scale=alt.Scale(domain=[labels[back], labels[front]],
                                                                 range=["#E3DCD0", PALETTE[0]]))
    columns = alt.Chart(long).mark_bar(opacity=1).encode(
        x=x, y=alt.Y("value:Q", title=labels["value"], stack=None), color=colour, tooltip=tooltip)
    return alt.layer(columns)


def occupied_line(frame: pd.DataFrame, x: str, value: str, total: str, labels: dict[str, str]) -> alt.LayerChart:
    """A count over days (lockers held) as a stepped line under a dashed rule at the total available."""
    line = alt.Chart(frame).mark_line(interpolate="step-after", strokeWidth=3, color=PALETTE[2]).encode(
        x=alt.X(f"{x}:T", title=labels[x], axis=alt.Axis(format="%d.%m", labelOverlap=True, labelAngle=0)),
        y=alt.Y(f"{value}:Q", title=labels[value], scale=alt.Scale(domainMin=0), axis=COUNT_AXIS),
        tooltip=[alt.Tooltip(f"{x}:T", title=labels[x], format="%d.%m.%Y"), alt.Tooltip(f"{value}:Q", title=labels[value]),
                 alt.Tooltip(f"{total}:Q", title=labels[total])])
    rule = alt.Chart(frame).mark_rule(strokeDash=[6, 4], color="#1F1F1F").encode(y=f"max({total}):Q")
    return alt.layer(line, rule)


def _week_labels(days) -> list[str]:
    """Week starts as short day.month labels, for a category axis (one column per week, none skipped)."""
    return [f"{d:%d.%m}" for d in pd.to_datetime(pd.Series(list(days)))]
