"""Key service calls, each timed as the median of many calls on the city-scale file.

The registry at the bottom is the one place to add a call: one ``ServiceCall`` line naming the
service module and a ``prepare`` function that returns ``call(i)``. Modules are imported only
when the benchmark runs, so an area that is not built yet is reported as skipped, not an error;
an area whose demo data is not there (an empty table, a table not migrated yet) is reported as
"no data", not an error either. Targets come from ``bench.targets.SERVICE_MS`` (the issues').
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time as clock_time
from datetime import timedelta
from types import ModuleType

import duckdb
import pandas as pd

from bench import stats, targets
from dashboard.core import clock
from dashboard.core.errors import DomainError
from dashboard.core.roles import Actor
from db.connection import ConstraintViolation, Database

STAFF = Actor("recepcja", "staff", "Joanna Recepcja")  # the demo staff login: who enters the day's work
DEFAULT_CALLS = 50
MAX_REJECTIONS_PER_CALL = 40


class Skip(Exception):
    """This call cannot be measured on this file (say why); it is reported, not failed."""


class NoData(Skip):
    """The demo data this call needs is not in the file (an area whose filler is not written yet)."""

    def __init__(self, what: str):
        super().__init__(f"no data: {what}")


class Rejected(Exception):
    """The service refused this attempt (e.g. the slot was taken): try the next one, untimed."""


Call = Callable[[int], object]


@dataclass(frozen=True)
class ServiceCall:
    name: str
    module: str                                                   # dotted, imported lazily
    prepare: Callable[[Database, ModuleType], Call] | None = None  # None: not written yet
    calls: int | None = None                                      # fewer calls for a slow export

    @property
    def target_ms(self) -> float | None:
        return targets.SERVICE_MS.get(self.name)


@dataclass
class ServiceResult:
    name: str
    target_ms: float | None
    times_ms: list[float] = field(default_factory=list)
    rejected: int = 0
    note: str | None = None   # why it was skipped
    error: str | None = None  # it raised: the benchmark fails

    @property
    def median_ms(self) -> float | None:
        return stats.median(self.times_ms) if self.times_ms and not self.error else None

    @property
    def ok(self) -> bool:
        if self.error:
            return False
        return self.median_ms is None or self.target_ms is None or self.median_ms <= self.target_ms

    def as_dict(self) -> dict:
        median = self.median_ms
        return {"service": self.name, "calls": len(self.times_ms),
                "median_ms": None if median is None else round(median, 2),
                "p95_ms": round(stats.p95(self.times_ms), 2) if self.times_ms and not self.error else None,
                "target_ms": self.target_ms, "ok": self.ok, "rejected_attempts": self.rejected,
                "skipped": self.note, "error": self.error}


# -- the calls ------------------------------------------------------------------------
def _organisation_create(db: Database, module: ModuleType) -> Call:
    """A new organisation as the add form sends it (duplicate check confirmed, as after a warning)."""
    legal_form = module.legal_forms(db)[0]
    nonce = clock.utc_now().strftime("%H%M%S%f")

    def call(i: int) -> object:
        return module.create(db, STAFF, {
            "name": f"Fundacja Benchmarkowa {nonce}-{i}", "legal_form": legal_form, "street": "ul. Piotrkowska 1",
            "postal_code": "90-001", "city": "Łódź", "osiedle_id": None, "contact_person": "Anna Testowa",
            "email": "anna.testowa@example.org", "phone": "501 234 567", "first_served_on": None, "notes": None,
        }, confirm_duplicate=True)

    return call


def _reservation_create_booking(db: Database, module: ModuleType) -> Call:
    """Bookings of free future hours as the new-booking form sends them, walking forward in time."""
    if not hasattr(module, "create_booking"):
        raise Skip("reservations has no create_booking yet")
    rooms = _bookable_rooms(db, module)
    organisations = [r[0] for r in db.rows("select id from organisation order by id")]
    slots = _future_slots(list(rooms))

    def call(i: int) -> object:
        resource_id, day, start, end = next(slots)
        data = {"resource_id": resource_id, "organisation_id": organisations[i % len(organisations)],
                "contact_person": "Anna Testowa", "purpose": "Spotkanie zarządu (benchmark)",
                "statutory_declared": True, "attendees": rooms[resource_id], "day": day, "start": start,
                "end": end, "status": "confirmed"}
        try:
            return module.create_booking(db, STAFF, data)
        except (DomainError, ConstraintViolation) as exc:
            raise Rejected(str(exc)) from exc

    return call


def _bookable_rooms(db: Database, module: ModuleType) -> dict[int, int]:
    """Resource id -> a head count it holds (lockers are rented, not booked by the hour)."""
    frame = module.resources(db)
    if "kind" in frame:
        frame = frame[frame["kind"] != "locker"]
    if frame.empty:
        raise Skip("no bookable resources in this file")
    capacity = frame["capacity"] if "capacity" in frame else [8] * len(frame)
    return {int(i): 8 if pd.isna(c) else max(1, min(8, int(c))) for i, c in zip(frame["id"], capacity)}


def _future_slots(resources: list[int]):
    """(resource, day, start, end) one-hour slots from tomorrow on, 8:00-20:00."""
    day = clock.today() + timedelta(days=1)
    while True:
        for hour in range(8, 20):
            for resource_id in resources:
                yield resource_id, day, clock_time(hour), clock_time(hour + 1)
        day += timedelta(days=1)


def _trainings_enrol(db: Database, module: ModuleType) -> Call:
    """Participants enrolling into events still open for enrolment (a seat, or the waitlist when full)."""
    if not hasattr(module, "enrol"):
        raise Skip("enrolment has no enrol yet")
    events = ids(db, "select e.id from event e join event_session s on s.event_id = e.id "
                     "where e.status in ('open', 'full') group by e.id having min(s.starts_at) > ? order by e.id",
                 [clock.local_now() + timedelta(days=3)], "no event open for enrolment")
    nonce = clock.utc_now().strftime("%H%M%S%f")

    def call(i: int) -> object:
        person = {"full_name": f"Uczestnik Testowy {i}", "email": f"uczestnik.{nonce}.{i}@example.org",
                  "phone": None, "organisation_id": None, "consent": True}
        try:
            return module.enrol(db, STAFF, events[i % len(events)], person)
        except DomainError as exc:
            raise Rejected(str(exc)) from exc

    return call


def _certificate_pdf(db: Database, module: ModuleType) -> Call:
    """One participant's attendance certificate (PDF with the vendored font), as the event page gives it."""
    attendees = ids(db, "select a.enrolment_id from attendance a join enrolment e on e.id = a.enrolment_id "
                        "where a.present and e.status = 'enrolled' group by a.enrolment_id order by a.enrolment_id "
                        "limit 500", [], "no participant marked present")
    return lambda i: module.certificate_pdf(db, STAFF, attendees[i % len(attendees)])


def _volunteer_log_hours(db: Database, module: ModuleType) -> Call:
    """Half an hour on a past day of a confirmed assignment, as the hours form sends it.

    Days walk backwards through each assignment's agreement, so the 24-hours-a-day rule rarely
    refuses; a refusal (consent withdrawn since, the day full) is retried untimed.
    """
    today = clock.today()
    rows = db.rows(
        "select a.id, greatest(g.starts_on, a.starts_at::date) as first_day, "
        "least(g.ends_on, coalesce(g.terminated_on, g.ends_on), a.ends_at::date, ?::date) as last_day "
        "from volunteer_assignment a join volunteer_agreement g on g.id = a.agreement_id "
        "join volunteer v on v.id = a.volunteer_id "
        "where a.status = 'confirmed' and v.anonymised_at is null "
        "and greatest(g.starts_on, a.starts_at::date) <= least(g.ends_on, coalesce(g.terminated_on, g.ends_on), "
        "a.ends_at::date, ?::date) order by a.id limit 500", [today, today])
    if not rows:
        raise NoData("no confirmed volunteer assignment with a past working day")

    def call(i: int) -> object:
        assignment_id, first_day, last_day = rows[i % len(rows)]
        span = (last_day - first_day).days + 1
        day = last_day - timedelta(days=(i // len(rows)) % span)
        try:
            return module.log_hours(db, STAFF, assignment_id, {"work_date": day, "hours": "0.5",
                                                                "description": "Dyżur w punkcie informacyjnym"})
        except DomainError as exc:
            raise Rejected(str(exc)) from exc

    return call


def _volunteer_matching(db: Database, module: ModuleType) -> Call:
    """The ranked candidates for one opportunity, over the whole register (the opportunity page's list)."""
    opportunities = ids(db, "select id from volunteer_opportunity order by (status = 'open') desc, id limit 200", [],
                        "no volunteer opportunity")
    return lambda i: module.matching(db, STAFF, opportunities[i % len(opportunities)])


def _initiative_move(db: Database, module: ModuleType) -> Call:
    """An initiative sent back for fixes and returned to the formal check, alternately.

    The two moves that can repeat forever, so every call is a real move with its checks, its
    history row and its audit row (the board's most common click).
    """
    rows = db.rows("select id, stage from initiative where stage in ('formal_check', 'fixes_requested') "
                   "order by id limit 200")
    if not rows:
        raise NoData("no initiative in the formal check or waiting for fixes")
    stage = dict(rows)
    order = [r[0] for r in rows]
    deadline = clock.today() + timedelta(days=14)

    def call(i: int) -> object:
        initiative_id = order[i % len(order)]
        if stage[initiative_id] == "formal_check":
            to_stage, details = "fixes_requested", {"fixes_deadline": deadline}
        else:
            to_stage, details = "formal_check", {}
        try:
            module.move(db, STAFF, initiative_id, to_stage, "Benchmark: uzupełnienie braków", details=details)
        except DomainError as exc:
            raise Rejected(str(exc)) from exc
        stage[initiative_id] = to_stage

    return call


def _live_refresh_after_write(db: Database, module: ModuleType) -> Call:
    """A booking made at the front desk, then what the utilisation page reads for the stamp that write made: the
    resources and the pilot's dates, the "now" strip, the headline figures and every chart's frame, this month, all
    rooms — the page's four reads, through the page's own store (``dashboard/ui/utilisation_view.py``: ``head``,
    ``now_figures``, ``figures``, ``frames``; the charts' specs are the page's time, not this call's).

    Timed: the write (``reservations.create_booking`` of a free hour from tomorrow on, as the booking form sends
    it; a slot taken meanwhile is retried untimed) and the reads after it. A booking made is the write the page sees
    most, and what rests on bookings — the "now" strip, the rooms' figures, the rooms' and workstations' charts — is
    read again in full; what no booking made changes is the page's kept read (``utilisation.kept_stamps``; the
    warm-up call fills it): organisations served and new ones (a check-in changes them: after one they are read
    again too, ~12 ms more at city scale), and events, advice, volunteering, initiatives, lockers, the resources
    and the pilot's dates (no booking write changes them). Any other write makes every read miss, as every write
    did before; an unchanged refresh is one ``max(id)`` on the audit log plus dictionary lookups."""
    from dashboard.services import reservations
    from dashboard.ui import utilisation_view as view

    book = _reservation_create_booking(db, reservations)
    date_from, date_to = module.period("month", clock.today(), module.pilot_period(db), None)
    rooms = tuple(sorted(int(i) for i in db.query("select id from resource where kind = 'room' and active")["id"]))

    def call(i: int) -> object:
        book(i)
        read = view.reader(db, STAFF)  # a rerun after the write: the stamp it made
        minute = clock.local_now().replace(second=0, microsecond=0)
        return [view.head(read), view.now_figures(read, minute), view.figures(read, date_from, date_to),
                view.frames(read, date_from, date_to, rooms)]

    return call


def _forum_pptx(db: Database, module: ModuleType) -> Call:
    """The Forum slides of the pilot period built and exported to PPTX, charts rendered by vl-convert."""
    from dashboard.services.reporting import utilisation
    from dashboard.ui import forum_export

    date_from, date_to = utilisation.period("pilot", clock.today(), utilisation.pilot_period(db), None)
    return lambda i: forum_export.to_pptx(module.deck(db, STAFF, date_from, date_to), "Forum", "Brak danych")


def ids(db: Database, sql: str, params: list, missing: str) -> list[int]:
    """The first column of a query; NoData(missing) when it is empty or its table is not there yet."""
    try:
        found = [int(r[0]) for r in db.rows(sql, params)]
    except duckdb.CatalogException as exc:  # the area's migration is not written yet
        raise NoData(f"{missing} ({exc.__class__.__name__})") from exc
    if not found:
        raise NoData(missing)
    return found


# -- running them ---------------------------------------------------------------------
def measure(db: Database, entry: ServiceCall, calls: int) -> ServiceResult:
    """One warm-up call, then ``calls`` timed ones; rejected attempts are retried untimed."""
    result = ServiceResult(entry.name, entry.target_ms)
    call = _prepared_call(db, entry, result)
    if call is None:
        return result
    index, last = 0, None
    try:
        calls = min(calls, entry.calls or calls)
        while len(result.times_ms) < calls + 1:
            index += 1
            if result.rejected > MAX_REJECTIONS_PER_CALL * (calls + 1):
                raise RuntimeError(f"{result.rejected} attempts refused; the last said: {last}")
            try:
                elapsed = stats.timed_ms(lambda index=index: call(index))
            except Rejected as exc:
                result.rejected, last = result.rejected + 1, exc
                continue
            result.times_ms.append(elapsed)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    result.times_ms = result.times_ms[1:]  # the first success was the warm-up
    return result


def _prepared_call(db: Database, entry: ServiceCall, result: ServiceResult) -> Call | None:
    """Import the module and build the call; None (with a note) when there is nothing to time."""
    if importlib.util.find_spec(entry.module) is None:
        result.note = f"{entry.module} does not exist yet"
        return None
    if entry.prepare is None:
        result.note = f"{entry.module} exists: add its call to bench/services.py REGISTRY"
        return None
    try:
        return entry.prepare(db, importlib.import_module(entry.module))
    except Skip as exc:
        result.note = str(exc)
    except duckdb.CatalogException as exc:  # a table of an area not migrated yet: nothing to time
        result.note = f"no data: {exc}".splitlines()[0]
    except Exception as exc:
        result.error = f"preparing failed: {type(exc).__name__}: {exc}"
    return None


def benchmark_services(db: Database, calls: int = DEFAULT_CALLS, only: set[str] | None = None) -> list[ServiceResult]:
    """Every call in the registry, or those whose name is in ``only``."""
    return [measure(db, entry, calls) for entry in REGISTRY if not only or entry.name in only]


# One line per key service call (issue 8 point 6: create booking, enrol, log hours, move an
# initiative; issue 4: a certificate; issue 5: matching); its target, if an issue sets one, is in
# bench/targets.py under the same name.
REGISTRY: list[ServiceCall] = [
    ServiceCall("organisations.create", "dashboard.services.register.organisations", _organisation_create),
    ServiceCall("reservations.create_booking", "dashboard.services.reservations", _reservation_create_booking),
    ServiceCall("trainings.enrol", "dashboard.services.education.enrolment", _trainings_enrol),
    ServiceCall("certificates.certificate_pdf", "dashboard.services.education.certificates", _certificate_pdf),
    ServiceCall("volunteer_work.log_hours", "dashboard.services.volunteers.work", _volunteer_log_hours),
    ServiceCall("volunteer_work.matching", "dashboard.services.volunteers.work", _volunteer_matching),
    ServiceCall("initiative_stages.move", "dashboard.services.initiatives.stages", _initiative_move),
    ServiceCall("utilisation.live_refresh_after_write", "dashboard.services.reporting.utilisation", _live_refresh_after_write),
    ServiceCall("forum.deck_to_pptx", "dashboard.services.reporting.forum", _forum_pptx, calls=5),
]
