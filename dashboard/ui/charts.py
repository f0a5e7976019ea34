"""Chart builders: functions from a small aggregated frame to an Altair chart, one theme.

Pages call ``st.altair_chart(builder(frame), theme=None)`` so the city's palette below is
kept; every builder gets frames already aggregated in DuckDB.
"""

from __future__ import annotations

import json

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


# The week calendar (issue 19) is an Altair chart whose point selections ``booking`` and ``slot`` are read
# through st.altair_chart(on_select="rerun"), not a calendar component. Why: no new dependency (the
# FullCalendar wrapper streamlit-calendar would need FullCalendar's licensed resource views to put rooms
# side by side, and an iframe component is not run by AppTest, so nothing of it could be tested there);
# the Vega runtime ships inside Streamlit, so it works offline; and the spec is plain data the tests read.
# It is drawn as SVG with an aria-label on every booking and free half hour, so a screen reader (and a
# browser test) finds "Fundacja X, Sala spotkań, 07.12.2026, 10:00–12:00" and can click it.
CALENDAR_COLOURS = {"outside": "#E9E9E9", "free": "#FFFFFF", "closed": "#F3D3D3", "past": "#F6F5F3",
                    "now": "#C8102E", "closed_text": "#8B0B20", "grid": "#E6E3DE"}
CALENDAR_SELECTIONS = ("booking", "slot")
_DARK_INK = {"requested", "no_show"}  # amber and grey bars take dark text; blue and green take white


def _wrap(text: str, per_line: int, lines: int) -> str:
    """Words on at most ``lines`` lines of about ``per_line`` characters ("\n" between); what does not fit
    ends the last line with "…" (the tooltip and the table below the chart have the whole name)."""
    per_line, out, line = max(per_line, 3), [], ""
    for word in str(text).split():
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= per_line:
            line += " " + word
        else:
            out.append(line)
            line = word
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: per_line - 1].rstrip() + "…"
    return "\n".join(out)


def _headers(names: list[str], per_line: int) -> dict[str, list[str]]:
    """The day view's column headers, wrapped and padded at the top to one number of lines (a multi-line
    axis label grows down from where it starts, so equal heights keep every header above its column)."""
    wrapped = {n: _wrap(n, per_line, 3).split("\n") for n in names}
    most = max((len(lines) for lines in wrapped.values()), default=1)
    return {n: [""] * (most - len(lines)) + lines for n, lines in wrapped.items()}


def _hm(value) -> str:
    return f"{value:%H:%M}"


def _hour(value) -> float:
    return value.hour + value.minute / 60


def booking_calendar(data: dict[str, pd.DataFrame], names: dict[int, str], labels: dict[str, str],
                     status_labels: dict[str, str], day_label, date_text, *, now, day_view: bool = False,
                     can_book: bool = True, width: int = 900) -> alt.LayerChart:
    """Bookings, free half hours, opening hours, closures and holidays of some resources and days.

    ``data``: what ``booking_views.calendar`` returns (days, bookings, free). Week view: a row per day and
    resource, time running right. ``day_view``: a column per resource, time running down (a day on a
    phone). The point selections ``booking`` (field booking_id) and ``slot`` (field slot:
    "resource_id|YYYY-MM-DD|HH:MM|HH:MM", the half hour clicked and a suggested end) say what was clicked.
    ``labels``: translated titles and texts (pages/week.py lists them); ``day_label(day)`` writes a row's
    day ("pon. 07.12"), ``date_text(day)`` a full date for tooltips. ``now``: past half hours are shaded
    and not offered, a red line marks the time on today's rows. ``can_book``: offer free half hours as
    clickable. ``width``: about how wide it will be drawn, to wrap the names in the bars.
    """
    days, bookings, free = data["days"], data["bookings"], data["free"]
    if bookings.empty:
        bookings = pd.DataFrame(columns=["id", "resource_id", "organisation", "purpose", "attendees", "status",
                                         "starts_at", "ends_at"])
    many = days["resource_id"].nunique() > 1

    def row_of(resource_id, day) -> str:
        if day_view:
            return names[int(resource_id)]
        return f"{day_label(day)} · {names[int(resource_id)]}" if many else day_label(day)

    rows = [row_of(r, d) for r, d in zip(days["resource_id"], days["day"])]
    order = list(dict.fromkeys(rows))
    first = min([_hour(o) for o in days["opens"]] + [_hour(s) for s in bookings["starts_at"]], default=9.0)
    last = max([_hour(c) for c in days["closes"]] + [_hour(e) or 24.0 for e in bookings["ends_at"]], default=18.0)
    lo, hi = float(int(first)), float(-int(-last))
    per_hour = 44.0 if day_view else (width - 190) / max(1.0, hi - lo)
    band = (width - 50) / max(1, len(order))  # a day view's column (the time axis takes ~50 px)

    days = days.assign(row=rows)
    open_days, closed_days = days[days["closed"].isna()], days[days["closed"].notna()]
    background = pd.DataFrame({"row": order, "start": lo, "end": hi, "legend": labels["outside"]})
    opened = pd.DataFrame({"row": open_days["row"], "start": [_hour(o) for o in open_days["opens"]],
                           "end": [_hour(c) for c in open_days["closes"]]})
    past = opened.assign(end=[min(_hour(c), _hour(now)) if d == now.date() else (_hour(c) if d < now.date() else 0.0)
                              for d, c in zip(open_days["day"], open_days["closes"])])
    past = past[past["end"] > past["start"]]
    closed = pd.DataFrame({
        "row": closed_days["row"], "start": [_hour(o) for o in closed_days["opens"]],
        "end": [_hour(c) for c in closed_days["closes"]],
        "resource": [names[int(r)] for r in closed_days["resource_id"]],
        "date": [date_text(d) for d in closed_days["day"]],
        "kind": [labels["holiday"] if h else labels["closure"] for h in closed_days["holiday"]],
        "reason": list(closed_days["closed"]),
        "text": [labels["closed_as"].format(reason=r) for r in closed_days["closed"]],
        "label": [_wrap(labels["closed_as"].format(reason=r), int((band - 12) / 7.8), 4) if day_view
                  else labels["closed_as"].format(reason=r) for r in closed_days["closed"]],
        "legend": labels["closed"],
    })
    slots = pd.DataFrame({
        "row": [row_of(r, d) for r, d in zip(free["resource_id"], free["day"])],
        "start": [_hour(s) for s in free["starts_at"]], "end": [_hour(e) for e in free["ends_at"]],
        "resource": [names[int(r)] for r in free["resource_id"]],
        "date": [date_text(d) for d in free["day"]],
        "time": [f"{_hm(s)}–{_hm(e)}" for s, e in zip(free["starts_at"], free["ends_at"])],
        # the half hour clicked and a suggested end: two hours on, or sooner where the free time ends
        "slot": [f"{int(r)}|{d.isoformat()}|{_hm(s)}|{_hm(min(g, s + 4 * (e - s)))}"
                 for r, d, s, e, g in zip(free["resource_id"], free["day"], free["starts_at"], free["ends_at"],
                                          free["gap_end"])],
        "describe": [labels["free_describe"].format(resource=names[int(r)], date=date_text(d), time=_hm(s))
                     for r, d, s in zip(free["resource_id"], free["day"], free["starts_at"])],
        "legend": labels["free"],
    })
    hours = [(e - s).total_seconds() / 3600 for s, e in zip(bookings["starts_at"], bookings["ends_at"])]
    if day_view:
        wrapped = [_wrap(o, int((band * 0.94 - 10) / 7.4), max(1, int(h * per_hour // 14)))
                   for o, h in zip(bookings["organisation"], hours)]
    else:
        wrapped = [_wrap(o, int(h * per_hour / 6.3), 2) for o, h in zip(bookings["organisation"], hours)]
    times = [f"{_hm(s)}–{_hm(e)}" for s, e in zip(bookings["starts_at"], bookings["ends_at"])]
    placed = pd.DataFrame({
        "row": [row_of(r, s.date()) for r, s in zip(bookings["resource_id"], bookings["starts_at"])],
        "start": [_hour(s) for s in bookings["starts_at"]], "end": [_hour(e) or 24.0 for e in bookings["ends_at"]],
        "booking_id": [int(i) for i in bookings["id"]],
        "organisation": list(bookings["organisation"]), "label": wrapped,
        "resource": [names[int(r)] for r in bookings["resource_id"]],
        "date": [date_text(s.date()) for s in bookings["starts_at"]], "time": times,
        "status_label": [status_labels[s] for s in bookings["status"]],
        "purpose": list(bookings["purpose"]),
        "attendees": [None if pd.isna(a) else int(a) for a in bookings["attendees"]],
        "ink": ["#1F1F1F" if s in _DARK_INK else "#FFFFFF" for s in bookings["status"]],
        "describe": [labels["booking_describe"].format(organisation=o, resource=names[int(r)],
                                                        date=date_text(s.date()), time=span)
                     for o, r, s, span in zip(bookings["organisation"], bookings["resource_id"],
                                              bookings["starts_at"], times)],
    })
    today_rows = sorted({r for r, d in zip(rows, days["day"]) if d == now.date()})
    current = pd.DataFrame({"row": today_rows, "at": _hour(now), "time": _hm(now)}) \
        if today_rows and lo <= _hour(now) <= hi else pd.DataFrame(columns=["row", "at", "time"])

    keys = ["requested", "confirmed", "checked_in", "no_show"]
    colour_scale = alt.Scale(
        domain=[status_labels[k] for k in keys] + [labels["free"], labels["closed"], labels["outside"]],
        range=[STATUS_COLOURS[k] for k in keys] + [CALENDAR_COLOURS[k] for k in ("free", "closed", "outside")])
    legend = alt.Legend(title=labels["legend"], orient="bottom", direction="horizontal", columns=2 if day_view else 7,
                        labelLimit=260, symbolType="square", symbolStrokeColor="#8C8C8C", symbolStrokeWidth=0.5)

    def colour(field: str) -> alt.Color:
        return alt.Color(field, scale=colour_scale, legend=legend)

    time_scale = alt.Scale(domain=[lo, hi], nice=False, reverse=day_view)
    time_axis = alt.Axis(values=list(range(int(lo), int(hi) + 1)), title=None, labelFontSize=12,
                         labelExpr="(datum.value < 10 ? '0' : '') + datum.value + ':00'",
                         orient="left" if day_view else "top")
    if day_view:
        headers = _headers(order, int(band / 7.5)) or {"": [""]}
        place = alt.X("row:N", title=None, sort=order, scale=alt.Scale(paddingInner=0.06), axis=alt.Axis(
            orient="top", labelAngle=0, labelLimit=max(60, int(band) - 6), labelFontSize=12, labelFontWeight="bold",
            labelExpr=f"{json.dumps(headers, ensure_ascii=False)}[datum.label]", labelLineHeight=14,
            labelPadding=4 + 14 * (len(next(iter(headers.values()))) - 1), domain=False, ticks=False))
        start = alt.Y("start:Q", scale=time_scale, axis=time_axis)
        position, whole, inner = {"x": place, "y": start, "y2": alt.Y2("end:Q")}, {"width": {"band": 1}}, \
            {"width": {"band": 0.94}}
        text_place = {"x": alt.X("row:N", sort=order, bandPosition=0.03), "y": start}
        text_limit = alt.ExprRef("bandwidth('x') * 0.94 - 8")
    else:
        today = f"indexof({json.dumps(today_rows, ensure_ascii=False)}, datum.value) >= 0"
        place = alt.Y("row:N", title=None, sort=order, scale=alt.Scale(paddingInner=0.12), axis=alt.Axis(
            labelLimit=240, labelFontSize=12, domain=False, ticks=False,
            labelFontWeight=alt.ExprRef(f"{today} ? 'bold' : 'normal'"),
            labelColor=alt.ExprRef(f"{today} ? '{CALENDAR_COLOURS['now']}' : '#1F1F1F'")))
        start = alt.X("start:Q", scale=time_scale, axis=time_axis)
        position, whole, inner = {"y": place, "x": start, "x2": alt.X2("end:Q")}, {"height": {"band": 1}}, \
            {"height": {"band": 0.86}}
        text_place = {"y": alt.Y("row:N", sort=order, bandPosition=0.14), "x": start}
        text_limit = alt.ExprRef("scale('x', datum.end) - scale('x', datum.start) - 7")

    quiet = {"aria": False, "tooltip": None}  # shading only: nothing to read out or hover
    layers = [
        alt.Chart(background).mark_rect(**whole, **quiet).encode(**position, color=colour("legend:N")),
        alt.Chart(opened).mark_rect(**whole, **quiet, color=CALENDAR_COLOURS["free"]).encode(**position),
        alt.Chart(past).mark_rect(**whole, **quiet, color=CALENDAR_COLOURS["past"]).encode(**position),
    ]
    slot_tooltip = [alt.Tooltip("resource:N", title=labels["resource"]), alt.Tooltip("date:N", title=labels["day"]),
                    alt.Tooltip("time:N", title=labels["free_time"])]
    slot_layer = alt.Chart(slots).mark_rect(**whole, stroke=CALENDAR_COLOURS["grid"], strokeWidth=0.5,
                                            cursor="pointer" if can_book else "default").encode(
        **position, color=colour("legend:N"), tooltip=slot_tooltip, description="describe:N")
    if can_book:
        hover = alt.selection_point(name="hover_slot", fields=["slot"], on="pointerover", clear="pointerout",
                                    empty=False)
        slot_layer = slot_layer.encode(
            stroke=alt.condition(hover, alt.value(STATUS_COLOURS["confirmed"]), alt.value(CALENDAR_COLOURS["grid"])),
            strokeWidth=alt.condition(hover, alt.value(2), alt.value(0.5)),
        ).add_params(hover, alt.selection_point(name="slot", fields=["slot"], on="click", clear=False))
    closed_tooltip = [alt.Tooltip("resource:N", title=labels["resource"]), alt.Tooltip("date:N", title=labels["day"]),
                      alt.Tooltip("kind:N", title=labels["closed_kind"]), alt.Tooltip("reason:N", title=labels["closed"])]
    booking_tooltip = [alt.Tooltip("organisation:N", title=labels["organisation"]),
                       alt.Tooltip("resource:N", title=labels["resource"]),
                       alt.Tooltip("date:N", title=labels["day"]), alt.Tooltip("time:N", title=labels["time"]),
                       alt.Tooltip("status_label:N", title=labels["status"]),
                       alt.Tooltip("purpose:N", title=labels["purpose"]),
                       alt.Tooltip("attendees:Q", title=labels["attendees"])]
    layers += [
        slot_layer,
        alt.Chart(closed).mark_rect(**whole).encode(**position, color=colour("legend:N"), tooltip=closed_tooltip,
                                                    description="text:N"),
        alt.Chart(placed).mark_rect(**inner, cornerRadius=4, stroke="#FFFFFF", strokeWidth=1, cursor="pointer").encode(
            **position, color=colour("status_label:N"), tooltip=booking_tooltip, description="describe:N",
        ).add_params(alt.selection_point(name="booking", fields=["booking_id"], on="click", clear=False)),
        alt.Chart(placed).mark_text(align="left", baseline="top", dx=4, dy=3 if day_view else 1,
                                    fontSize=12 if day_view else 11, lineHeight=14 if day_view else 13,
                                    lineBreak="\n", limit=text_limit, cursor="pointer", aria=False).encode(
            **text_place, text="label:N", color=alt.Color("ink:N", scale=None), tooltip=booking_tooltip),
        alt.Chart(closed).mark_text(align="left", baseline="top" if day_view else "middle", dx=6,
                                    dy=6 if day_view else 0, fontSize=12, fontWeight="bold", lineBreak="\n",
                                    color=CALENDAR_COLOURS["closed_text"], aria=False,
                                    limit=alt.ExprRef("bandwidth('x') - 10") if day_view else 0).encode(
            **({"x": alt.X("row:N", sort=order, bandPosition=0.0), "y": start} if day_view else {"y": place, "x": start}),
            text="label:N", tooltip=closed_tooltip),
    ]
    if not current.empty:
        now_tooltip = [alt.Tooltip("time:N", title=labels["now"])]
        if day_view:
            layers.append(alt.Chart(current).mark_rule(color=CALENDAR_COLOURS["now"], strokeWidth=2, aria=False).encode(
                y=alt.Y("at:Q", scale=time_scale), tooltip=now_tooltip))
        else:
            layers.append(alt.Chart(current).mark_tick(color=CALENDAR_COLOURS["now"], thickness=2, size=40,
                                                       aria=False).encode(
                x=alt.X("at:Q", scale=time_scale), y=place, tooltip=now_tooltip))
    height = int((hi - lo) * per_hour) if day_view else max(120, 44 * len(order))
    # fit-x: the chart takes the page's width while ``height`` stays the plot's own (with Streamlit's default
    # "fit" the axes and the legend would come out of it, squeezing the rows on a short week).
    return (alt.layer(*layers).properties(height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
                                          usermeta={"embedOptions": {"renderer": "svg"}})
            .configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=13, grid=False)
            .configure_legend(labelFontSize=12, titleFontSize=12).configure_view(strokeWidth=0)
            .configure_mark(aria=True))


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


FORUM_FONT = 16   # px: the Forum's chart text, readable on a projector at 1280×720 (issue 19)


def suppressed_bars(frame: pd.DataFrame, labels: dict[str, str], percent: bool = False) -> alt.LayerChart:
    """Horizontal bars, one per category in the frame's order, each labelled with its ``text``.

    ``frame`` columns: category, value (None for a suppressed small count: no bar, only its text,
    e.g. "<5"), text. ``labels``: value (the axis title). Used by the Forum slides.
    """
    data = frame.assign(position=frame["value"].fillna(0.0))
    drawn = [v for v in frame["value"] if v is not None and v == v]
    # Room on the right for the labels; when every bar is suppressed (all below 5), an axis up to 5.
    top = max(drawn) * 1.12 if drawn and max(drawn) > 0 else (1.0 if percent else 5.0)
    y = alt.Y("category:N", title=None, sort=list(frame["category"]), axis=alt.Axis(labelLimit=320, labelFontSize=FORUM_FONT))
    x = alt.X("position:Q", title=labels["value"], scale=alt.Scale(domain=[0, top], nice=False),
              axis=alt.Axis(format="%") if percent else alt.Axis(tickMinStep=1, format="~d"))
    bars = alt.Chart(data).mark_bar(color=PALETTE[0], cornerRadiusEnd=3).encode(x=x, y=y)
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=FORUM_FONT, fontWeight="bold", color="#1F1F1F").encode(
        x=x, y=y, text="text:N")
    return alt.layer(bars, text)


def rate_line(frame: pd.DataFrame, labels: dict[str, str], band: tuple[float, float] | None = None) -> alt.LayerChart:
    """A rate per period (``category`` in order, ``value`` 0–1) as a line, over an optional target band."""
    x = alt.X("category:N", title=labels.get("category"), sort=list(frame["category"]),
              axis=alt.Axis(labelAngle=-45, labelFontSize=FORUM_FONT))
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
    keys = ["checked_in", "no_show", "confirmed", "requested"]
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


def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as a JSON-safe Vega-Lite spec (dates as ISO text): vl-convert, which renders the PNG and SVG
    downloads, takes only JSON types.

    Every conversion of ours goes through here, under the lock Streamlit holds while it converts a page's
    chart: Streamlit enables a data transformer of its own in altair's global state for that time, so a
    ``to_dict`` in another session's thread (or the warm-up's) running meanwhile had its rows collected
    into that page's chart as an extra dataset."""
    from streamlit.elements.vega_charts import _altair_globals_lock

    with _altair_globals_lock:
        spec = chart.to_dict()
    return json.loads(json.dumps(spec, default=str))


def arrow_datasets(spec: dict) -> dict:
    """A copy of ``spec`` with its named datasets as Arrow IPC bytes, for ``st.vega_lite_chart``.

    Given rows, Streamlit converts each dataset to Arrow on every rerun (a few ms a chart, a dozen charts a
    page); given bytes, it passes them on. Made once per chart and data, the rerun only sends them. The bytes
    are Streamlit's own conversion of the same rows, so the browser gets what it got before.
    """
    from streamlit import dataframe_util  # only pages draw charts; the builders above need no Streamlit

    if not spec.get("datasets"):
        return spec
    return {**spec, "datasets": {name: dataframe_util.convert_anything_to_arrow_bytes(rows)
                                 for name, rows in spec["datasets"].items()}}
