"""The week calendar's chart and table (``pages/week.py``), prepared once per data and drawn on every rerun.

Building the calendar's nine Altair layers and turning them into Vega-Lite costs ~150 ms at city scale,
and it comes out the same on every rerun until the data change (a new audit stamp), or the person
picks another week, view or resource, or the language or the minute changes. So it is made once under
that key (``cached.Reader.view``); a rerun with nothing changed only looks it up and sends it. A new stamp
reads the week again, and draws it again only if its rows changed: most writes (a booking in another week
or room, another area's write) leave it as it was, so the drawing is also kept by the rows (issue 20).
"""

from __future__ import annotations

import hashlib
import pickle
from datetime import date, datetime, timedelta

import pandas as pd
from babel.dates import format_date

from dashboard.core import i18n
from dashboard.core.i18n import fmt_date, t
from dashboard.services import reservations
from dashboard.services.reservations import booking_views, timegrid
from dashboard.ui import cached, charts

LABEL_KEYS = ("outside", "free", "closed", "holiday", "closure", "closed_as", "free_describe", "booking_describe",
              "free_time", "closed_kind", "now", "legend", "time", "attendees")
TABLE_COLUMNS = {"day": "booking.day", "time": "week.time", "resource": "booking.resource",
                 "organisation": "booking.organisation", "purpose": "booking.purpose", "status": "booking.status"}


def week_title(monday: date, lang: str) -> str:
    """"7–13 grudnia 2026", "30 listopada – 6 grudnia 2026", "28 grudnia 2026 – 3 stycznia 2027"."""
    sunday, locale = monday + timedelta(days=6), i18n.LOCALES[lang]
    end = format_date(sunday, "d MMMM y", locale=locale)
    if monday.month == sunday.month:
        return f"{monday.day}–{end}"
    return f"{format_date(monday, 'd MMMM' if monday.year == sunday.year else 'd MMMM y', locale=locale)} – {end}"


def prepared(reader: cached.Reader, ids: list[int], names: dict[int, str], date_from: date, date_to: date,
             now: datetime, lang: str, *, day_view: bool, can_book: bool, on_phone: bool) -> dict:
    """{"spec": the calendar's Vega-Lite spec (None when nothing opens), "count": the bookings, "table": them
    as the table under the chart (None when there are none)}, kept per data stamp and by what decides it,
    and the drawing also by the rows it was drawn from (``_fingerprint``).

    Free half hours start on whole minutes, so "not yet begun at now" reads the same for any now up to the
    next whole minute (``timegrid.minute_up``): the calendar is kept by that minute. The page only reads
    what it is handed (it is not copied).
    """
    bookable_from = timegrid.minute_up(now)
    shape = (tuple(ids), tuple(names.get(i) for i in ids), date_from, date_to, bookable_from, lang, day_view,
             can_book, on_phone)

    def build() -> dict:
        data = booking_views.calendar(reader.db, ids, date_from, date_to, bookable_from,
                                      lambda d: reservations.holiday_name(d, lang))

        def draw() -> dict:
            spec = None if data["days"].empty else _vega_lite(charts.booking_calendar(
                data, names, _labels(), {s: t(f"booking_status.{s}") for s in booking_views.STATUSES},
                lambda d: f"{t(f'weekday_short.{d.weekday()}')} {d:%d.%m}", fmt_date, now=now, day_view=day_view,
                can_book=can_book, width=340 if on_phone else 1000))
            bookings = data["bookings"]
            return {"spec": spec, "count": len(bookings), "table": None if bookings.empty else _table(bookings)}

        # Most writes leave the week drawn as it was (a booking in another week or room, a check-in, any other
        # area's write): the chart is a function of what was read and of the shape, so it is kept by those too,
        # across stamps, and a new stamp with the same rows only reads them again.
        return cached.remember(("week_calendar_drawn", reader.db.path, _fingerprint(data), *shape), draw, copy=False)

    return reader.view("week_calendar", shape, build)


def _fingerprint(data: dict[str, pd.DataFrame]) -> str:
    """A digest of every row and column of the calendar's frames: equal only for the same data (a pickle that
    differs for the same rows only costs a new drawing)."""
    return hashlib.blake2b(pickle.dumps([data[k] for k in sorted(data)], protocol=pickle.HIGHEST_PROTOCOL),
                           digest_size=20).hexdigest()


def _labels() -> dict[str, str]:
    return {key: t(f"week.{key}") for key in LABEL_KEYS} | {
        "resource": t("booking.resource"), "day": t("booking.day"), "organisation": t("booking.organisation"),
        "status": t("booking.status"), "purpose": t("booking.purpose")}


def _table(bookings: pd.DataFrame) -> pd.DataFrame:
    """The bookings as the plain table under the chart, in the session's language."""
    status = {s: t(f"booking_status.{s}") for s in booking_views.STATUSES}
    table = bookings.assign(day=bookings["starts_at"].map(fmt_date),
                            time=bookings["starts_at"].dt.strftime("%H:%M") + "–" + bookings["ends_at"].dt.strftime("%H:%M"),
                            status=bookings["status"].map(status))
    return (table[list(TABLE_COLUMNS)].rename(columns={c: t(k) for c, k in TABLE_COLUMNS.items()})
            .set_index(t("booking.day")))


def _vega_lite(chart) -> dict:
    """The spec ``st.altair_chart`` sends for ``chart``, data sets as Arrow, by Streamlit's own conversion
    (private: a Streamlit upgrade that moves it fails tests/app/test_week_calendar_page.py, not silently).
    ``charts.vega_spec`` goes through Altair's ``to_dict``, which inlines the rows as JSON and refuses more
    than 5,000 (a week of every resource has ~3,000 free half hours), and its Arrow types can differ.

    Without Altair's check of the spec against the Vega-Lite JSON schema: the check changes nothing in what
    is made, and it was most of the conversion (all resources, city scale: ~100 ms CPU of it, ~33 ms
    without), paid again by every session whose week calendar a booking made stale. The builder's output is
    checked once per shape in tests/unit/test_week_spec_unvalidated.py (the same spec, validated)."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    return _convert_altair_to_vega_lite_spec(_Unvalidated(chart))


class _Unvalidated:
    """``chart`` as Streamlit's conversion sees it (it only calls ``to_dict()``), converted unvalidated."""

    def __init__(self, chart) -> None:
        self.chart = chart

    def to_dict(self) -> dict:
        return self.chart.to_dict(validate=False)
