"""Reservations (seed S2: the room, workstations, lockers, equipment).

Public modules:
- ``reservations`` — resources, opening hours, closures and holidays, bookings and weekly series,
  check-in and no-show, the weekly compliance check against the open call's terms; the cursor-level
  API (``book_in``, ``move_in``, ``move_all_in``, ``cancel_in``) for services that book rooms as part of
  a larger write.
- ``booking_views`` — reads behind the pages: the day board, the week calendar, the searchable list.
- ``lockers`` — long-term locker assignments to organisations.
"""
