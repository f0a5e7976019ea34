"""Reservations (seed S2): the room, workstations, lockers and equipment, booked by the half-hour.

Double booking is impossible by construction: every active booking owns one ``booking_slot`` row
per 30 minutes under a primary key on (resource, slot), which DuckDB enforces across concurrent
transactions; the checks only produce a message the user can act on.

The public API, re-exported here so callers write ``reservations.create_booking(...)``:
- ``resources`` — resources as data;
- ``opening_hours`` — versioned opening hours, holidays and closures as the checks read them, and the
  weekly compliance check against the open call's terms;
- ``staff_closures`` — closures staff enter (optionally cancelling the bookings they hit);
- ``bookings`` — single bookings, check-in and no-show, the reads, and the cursor-level API
  (``book_in``, ``move_in``, ``move_all_in``, ``cancel_in``, ``booking_in``, ``resource_in``,
  ``clean_reason``) for services that book rooms inside their own transaction;
- ``series`` — weekly series.
Beside them: ``booking_views`` (reads behind the pages) and ``lockers`` (long-term assignments).
``timegrid`` holds the half-hour grid the modules share.
"""

from dashboard.services.reservations.bookings import (  # noqa: F401
    CHANGEABLE,
    book_in,
    booking_in,
    bookings,
    cancel_booking,
    cancel_in,
    changeable,
    check_in,
    clean_reason,
    confirm_booking,
    create_booking,
    get_booking,
    mark_no_show,
    move_all_in,
    move_in,
    update_booking,
)
from dashboard.services.reservations.opening_hours import (  # noqa: F401
    closure_reason,
    closures,
    compliance,
    holiday_name,
    opening_hours,
    set_opening_hours,
)
from dashboard.services.reservations.resources import (  # noqa: F401
    DEFAULT_HOURS,
    HOURS_SINCE,
    KINDS,
    create_resource,
    resource_in,
    resources,
    update_resource,
)
from dashboard.services.reservations.series import (  # noqa: F401
    cancel_series,
    create_series,
    preview_series,
)
from dashboard.services.reservations.staff_closures import (  # noqa: F401
    add_closure,
    cancel_closure,
)
