"""The naive peer of the utilisation page (issue 20, point 6): the same figures, done the obvious way.

What a first version of the page would do on every rerun: read every table it needs with a plain
``SELECT *`` into pandas — no cache, no aggregation in the database — and compute the figures there
with filters, merges and loops. It computes the page's fifteen headline figures (the "now" strip and
``utilisation.KPIS``, as the indicator catalogue defines them) and two of its monthly charts; the unit
test checks them against the page's own services. The page draws ten more charts, which the peer does
not compute, so the ratio it gives is a lower bound: a complete peer could only be slower.

The benchmark times the peer and the page the same way, as a whole rerun — the peer as one call
(it has no Streamlit elements to send, which leaves it the cheaper side again), the page through
AppTest — for a normal rerun and for a rerun right after a write (a new organisation, as the front
desk adds one), and reports peer ÷ page against ``targets.PEER_RATIO_MIN``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd

from bench import stats, targets
from dashboard.core import clock
from dashboard.services.reporting import utilisation
from db.connection import Database, quote_ident

TABLES = ("resource", "opening_hours", "closure", "booking", "event", "event_session", "enrolment", "attendance",
          "feedback", "advisory", "volunteer_hours", "volunteer_assignment", "volunteer_opportunity",
          "organisation")


def read_tables(db: Database) -> dict[str, pd.DataFrame]:
    """Every table the figures need, whole: ``select *``, as the naive page does on each rerun."""
    return {name: db.query("select * from " + quote_ident(name)) for name in TABLES}  # names from TABLES only


def _open_hours(tables: dict[str, pd.DataFrame], room_ids: list[int], first: date, last: date, now: datetime) -> float:
    """Hours the rooms were open from ``first`` to ``last``, today's only up to now: day by day, room by room,
    the opening-hours week in force, minus public holidays and staff closures."""
    from dashboard.services import reservations

    hours = tables["opening_hours"].assign(valid_from=lambda f: pd.to_datetime(f["valid_from"]).dt.date)
    closures = tables["closure"][tables["closure"]["cancelled_at"].isna()].assign(
        date_from=lambda f: pd.to_datetime(f["date_from"]).dt.date, date_to=lambda f: pd.to_datetime(f["date_to"]).dt.date)
    total, day = 0.0, first
    while day <= last:
        if not reservations.holiday_name(day):
            for room in room_ids:
                week = hours[(hours["resource_id"] == room) & (hours["weekday"] == day.weekday())
                             & (hours["valid_from"] <= day)]
                if week.empty:
                    continue
                rule = week.sort_values("valid_from").iloc[-1]
                if pd.isna(rule["opens"]):
                    continue
                closed = closures[(closures["resource_id"].isna() | (closures["resource_id"] == room))
                                  & (closures["date_from"] <= day) & (closures["date_to"] >= day)]
                if not closed.empty:
                    continue
                closes = min(rule["closes"], now.time()) if day == now.date() else rule["closes"]
                seconds = (datetime.combine(day, closes) - datetime.combine(day, rule["opens"])).total_seconds()
                total += max(0.0, seconds) / 3600
        day += timedelta(days=1)
    return total


def figures(db: Database, date_from: date, date_to: date, now: datetime | None = None) -> dict:
    """The page's figures for a period as of ``now`` (Warsaw wall clock): ``values`` keyed by indicator id
    (``utilisation.NOW_STRIP`` + ``utilisation.KPIS``) and ``advisory_by_month`` / ``volunteers_by_month``
    (hours per first day of a month)."""
    now = (now or clock.local_now()).replace(tzinfo=None)
    t = read_tables(db)
    today = now.date()
    start, end = datetime.combine(date_from, time.min), datetime.combine(date_to + timedelta(days=1), time.min)
    cut, last_day = max(start, min(end, now)), min(date_to, today)
    kinds = dict(zip(t["resource"]["id"], t["resource"]["kind"]))
    bookings = t["booking"].assign(kind=t["booking"]["resource_id"].map(kinds))
    day_start = datetime.combine(today, time.min)
    values: dict[str, float | None] = {}

    # -- now
    live = bookings["status"].isin(["requested", "confirmed", "checked_in"])
    values["resources_in_use"] = float(((bookings["starts_at"] <= now) & (bookings["ends_at"] > now) & live).sum())
    today_bookings = bookings[(bookings["starts_at"] >= day_start) & (bookings["starts_at"] < day_start + timedelta(days=1))
                              & (bookings["status"] != "cancelled")]
    values["bookings_planned"] = float((today_bookings["starts_at"] >= now).sum())
    events = t["event"]
    sessions = t["event_session"].merge(events[["id", "status"]].rename(columns={"id": "event_id",
                                                                                   "status": "event_status"}))
    sessions_today = sessions[(sessions["starts_at"] >= day_start) & (sessions["starts_at"] < day_start + timedelta(days=1))
                              & (sessions["event_status"] != "cancelled")]
    values["events_scheduled"] = float(sessions_today["event_id"].nunique())

    # -- organisations served: rooms, events and advice that took place
    centre = _settings(db)[0]
    held_rooms = bookings[(bookings["status"] == "checked_in") & (bookings["organisation_id"] != centre)
                          & (bookings["starts_at"] < now)]
    enrolled = t["enrolment"][(t["enrolment"]["status"] == "enrolled") & t["enrolment"]["organisation_id"].notna()]
    begun_sessions = sessions[(sessions["event_status"] != "cancelled") & (sessions["starts_at"] < now)]
    attended = enrolled[["event_id", "organisation_id"]].merge(begun_sessions[["event_id", "starts_at"]], on="event_id")
    advice = t["advisory"][pd.to_datetime(t["advisory"]["held_on"]) <= pd.Timestamp(today)]
    served = pd.concat([
        pd.DataFrame({"organisation_id": held_rooms["organisation_id"], "day": held_rooms["starts_at"].dt.normalize()}),
        pd.DataFrame({"organisation_id": attended["organisation_id"], "day": attended["starts_at"].dt.normalize()}),
        pd.DataFrame({"organisation_id": advice["organisation_id"], "day": pd.to_datetime(advice["held_on"])}),
    ], ignore_index=True)
    served = served[(served["day"] >= pd.Timestamp(date_from)) & (served["day"] <= pd.Timestamp(date_to))]
    values["organisations_served"] = float(served["organisation_id"].astype(int).nunique())

    # -- rooms
    period_rooms = bookings[(bookings["kind"] == "room") & (bookings["starts_at"] >= start) & (bookings["starts_at"] < end)]
    begun = period_rooms[period_rooms["starts_at"] < now]
    held, no_show = int((begun["status"] == "checked_in").sum()), int((begun["status"] == "no_show").sum())
    values["bookings_held"] = float(held)
    values["no_show_rate"] = no_show / (held + no_show) if held + no_show else None
    booked = begun[begun["status"] != "cancelled"]
    booked_hours = (booked["ends_at"].clip(upper=now) - booked["starts_at"]).dt.total_seconds().sum() / 3600
    rooms = [int(i) for i in t["resource"].loc[t["resource"]["kind"] == "room", "id"]]
    open_hours = 0.0 if start > now else _open_hours(t, rooms, date_from, last_day, now)
    values["occupancy"] = booked_hours / open_hours if open_hours else None

    # -- events held: not cancelled, first session inside the period and begun by now
    first = sessions[sessions["event_status"] != "cancelled"].groupby("event_id")["starts_at"].min()
    held_ids = set(first[(first >= start) & (first < cut)].index)
    values["events_held"] = float(len(held_ids))
    of_held = t["enrolment"][t["enrolment"]["event_id"].isin(held_ids)]
    values["participants"] = float((of_held["status"] == "enrolled").sum())
    marks = t["attendance"][t["attendance"]["enrolment_id"].isin(of_held["id"])]
    values["attendance_rate"] = float(marks["present"].sum()) / len(marks) if len(marks) else None
    ratings = t["feedback"][t["feedback"]["event_id"].isin(held_ids)]["rating"]
    values["rating"] = float(ratings.mean()) if len(ratings) else None

    # -- advice and volunteering, up to today
    advice_days = pd.to_datetime(t["advisory"]["held_on"]).dt.date
    advice = t["advisory"][(advice_days >= date_from) & (advice_days <= last_day)]
    values["advisory_hours"] = float(advice["duration_min"].sum()) / 60
    work_days = pd.to_datetime(t["volunteer_hours"]["work_date"]).dt.date
    work = t["volunteer_hours"][(t["volunteer_hours"]["status"] == "approved") & (work_days >= date_from)
                                & (work_days <= last_day)]
    hosts = t["volunteer_assignment"][["id", "opportunity_id"]].merge(
        t["volunteer_opportunity"][["id", "host_kind"]].rename(columns={"id": "opportunity_id"}))
    work = work.merge(hosts.rename(columns={"id": "assignment_id"}), how="left", on="assignment_id")
    hours = work["hours"].astype(float)
    values["volunteer_hours_register"] = float(hours.sum())
    values["volunteer_hours_centre"] = float(hours[work["host_kind"] == "centre"].sum())
    values["volunteer_value_centre"] = round(values["volunteer_hours_centre"] * _settings(db)[1], 2)

    def by_month(days, amounts) -> dict[date, float]:
        out: dict[date, float] = {}
        for day, amount in zip(days, amounts):
            month = day.replace(day=1)
            out[month] = out.get(month, 0.0) + float(amount)
        return out

    return {"values": values,
            "advisory_by_month": by_month(pd.to_datetime(advice["held_on"]).dt.date, advice["duration_min"] / 60),
            "volunteers_by_month": by_month(pd.to_datetime(work["work_date"]).dt.date, hours)}


def _settings(db: Database) -> tuple[int, float]:
    """The Centre's own organisation (not served by itself; -1 when unset) and the hourly rate volunteer work is
    valued at: settings with the app's own defaults and validation, read through the app's settings service."""
    from dashboard.services.reporting import indicators
    from dashboard.services.volunteers import work

    centre = indicators.centre_id(db)
    return (-1 if centre is None else centre), work.hourly_rate(db)


# -- the comparison ---------------------------------------------------------------------------------------------
@dataclass
class PeerResult:
    page: str = "wykorzystanie"
    peer_ms: dict[str, list[float]] = field(default_factory=lambda: {"rerun": [], "after_write": []})
    page_ms: dict[str, list[float]] = field(default_factory=lambda: {"rerun": [], "after_write": []})
    agree: bool | None = None
    error: str | None = None

    def median(self, side: dict[str, list[float]], case: str) -> float | None:
        return stats.median(side[case]) if side[case] and not self.error else None

    def ratio(self, case: str) -> float | None:
        peer, page = self.median(self.peer_ms, case), self.median(self.page_ms, case)
        return peer / page if peer is not None and page else None

    @property
    def ok(self) -> bool:
        return (not self.error and bool(self.agree)
                and all((self.ratio(case) or 0) >= least for case, least in targets.PEER_RATIO_MIN.items()))

    def as_dict(self) -> dict:
        cases = list(targets.PEER_RATIO_MIN)
        return {"page": self.page, "agree": self.agree, "error": self.error, "ok": self.ok,
                "cases": {case: {"peer_median_ms": _round(self.median(self.peer_ms, case)),
                                 "page_median_ms": _round(self.median(self.page_ms, case)),
                                 "ratio": _round(self.ratio(case)), "target_ratio": targets.PEER_RATIO_MIN[case],
                                 "ok": (self.ratio(case) or 0) >= targets.PEER_RATIO_MIN[case],
                                 "peer_runs_ms": [round(x, 2) for x in self.peer_ms[case]],
                                 "page_runs_ms": [round(x, 2) for x in self.page_ms[case]]}
                          for case in cases}}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def agrees(db: Database, date_from: date, date_to: date) -> bool:
    """Whether the peer's figures are the page's (the catalogue's), to the cent and the minute."""
    from bench.services import STAFF
    from dashboard.services.reporting import indicators

    now = clock.local_now().replace(second=0, microsecond=0, tzinfo=None)
    mine = figures(db, date_from, date_to, now)["values"]
    page = {**indicators.values(db, STAFF, now.date(), now.date(), utilisation.NOW_STRIP, at=now).values,
            **indicators.values(db, STAFF, date_from, date_to, utilisation.KPIS, at=now).values}
    return set(mine) == set(page) and all(_same(mine[k], page[k]) for k in page)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def benchmark(db: Database, reruns: int) -> PeerResult:
    """The page ``reruns`` times after a warm-up, the peer a third as often (each of its runs takes seconds;
    its median hardly moves): a normal rerun, then a rerun right after a write (each write untimed, a new
    organisation through the service, as the front desk adds one)."""
    from bench import pages
    from bench.services import STAFF
    from dashboard.services.register import organisations
    from dashboard.ui import navigation

    result = PeerResult()
    try:
        date_from, date_to = utilisation.period("month", clock.today(), utilisation.pilot_period(db), None)
        result.agree = agrees(db, date_from, date_to)
        legal_form, nonce = organisations.legal_forms(db)[0], clock.utc_now().strftime("%H%M%S%f")

        def write(i: int) -> None:  # as the add form sends it, a possible duplicate confirmed
            organisations.create(db, STAFF, {
                "name": f"Fundacja Porównawcza {nonce}-{i}", "legal_form": legal_form, "street": "ul. Piotrkowska 1",
                "postal_code": "90-001", "city": "Łódź", "osiedle_id": None, "contact_person": "Anna Testowa",
                "email": "anna.testowa@example.org", "phone": "501 234 567", "first_served_on": None, "notes": None,
            }, confirm_duplicate=True)

        spec = next(s for s in navigation.PAGES if s.url_path == result.page)
        at = pages.logged_in_app(pages.login_for(spec))
        at.run()
        at.switch_page(pages.page_path(spec))
        at.run()
        pages.check(at, spec, "the warm-up run")
        figures(db, date_from, date_to)  # the peer's warm-up
        peer_every = 3 if reruns >= 6 else 1
        for index in range(reruns):
            result.page_ms["rerun"].append(stats.timed_ms(at.run))
            pages.check(at, spec, f"timed run {index + 1}")
            if index % peer_every == 0:
                result.peer_ms["rerun"].append(stats.timed_ms(lambda: figures(db, date_from, date_to)))
        for index in range(reruns):
            write(10_000 + 2 * index)
            result.page_ms["after_write"].append(stats.timed_ms(at.run))
            pages.check(at, spec, f"timed run {index + 1} after a write")
            if index % peer_every == 0:
                write(10_001 + 2 * index)
                result.peer_ms["after_write"].append(stats.timed_ms(lambda: figures(db, date_from, date_to)))
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    return result
