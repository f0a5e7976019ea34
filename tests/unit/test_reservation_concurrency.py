"""Double booking must be impossible, not merely unlikely: eight receptionists hammering one
room with overlapping requests, edits and series at the same moment.

DuckDB gives snapshot isolation, so a check-then-insert would double-book (stack notes §4).
The guarantee is the booking_slot primary key; these tests prove it holds and that every
loser hears a Conflict (never a raw database error), and that no winner is lost.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time

from dashboard.core.errors import Conflict
from dashboard.services import reservations as res
from tests.unit.builders import ACTIVE, THREADS, booking, overlapping_pairs, run_together, slots_match_bookings

ATTEMPTS = 30
DAYS = [date(2026, 11, 3), date(2026, 11, 4)]



def open_all_day(centre, admin) -> None:
    """08:00-22:00 every day, so the random intervals are valid and only collide with each other."""
    res.set_opening_hours(centre.db, admin, centre.room,
                          [{"weekday": wd, "opens": time(8), "closes": time(22)} for wd in range(7)])


def random_interval(rng: random.Random) -> tuple[date, time, time]:
    """A 30-minute-grid interval of 30 minutes to 3 hours: mostly overlapping, not only identical."""
    first = rng.randrange(16, 42)           # slots from 08:00
    length = rng.randint(1, 6)
    last = min(first + length, 44)
    at = lambda slot: time(slot // 2, 30 * (slot % 2))  # noqa: E731
    return rng.choice(DAYS), at(first), at(last)


def test_eight_desks_booking_overlapping_times_never_double_book(centre, staff, admin):
    open_all_day(centre, admin)
    won: list[tuple[int, date, time, time]] = []
    lost: list[Conflict] = []
    other: list[BaseException] = []

    def desk(index: int) -> None:
        rng = random.Random(1000 + index)
        for _ in range(ATTEMPTS):
            day, start, end = random_interval(rng)
            try:
                won.append((res.create_booking(centre.db, staff, booking(centre, day=day, start=start, end=end)),
                            day, start, end))
            except Conflict as exc:
                lost.append(exc)
            except BaseException as exc:  # anything but a Conflict fails the test below
                other.append(exc)

    assert run_together(desk) == []
    assert other == []
    assert len(won) + len(lost) == THREADS * ATTEMPTS
    assert len(won) > 5 and len(lost) > 5  # it really was contended
    assert overlapping_pairs(centre.db) == 0
    stored = {r[0]: (r[1], r[2], r[3]) for r in centre.db.rows(
        "select id, starts_at::date, starts_at::time, ends_at::time from booking where status = 'confirmed'")}
    assert {w[0]: w[1:] for w in won} == stored  # every winner is there, exactly as booked
    assert slots_match_bookings(centre.db)
    assert {e.message.key for e in lost} <= {"error.booking_overlap", "error.booking_slot_busy"}


def test_concurrent_edits_cancellations_and_new_bookings_never_double_book(centre, staff, admin):
    open_all_day(centre, admin)
    mine: dict[int, list[int]] = {i: [] for i in range(THREADS)}
    for index in range(THREADS):  # each desk starts with two bookings of its own, none overlapping
        for day in DAYS:
            slot = 16 + 3 * index
            mine[index].append(res.create_booking(centre.db, staff, booking(
                centre, day=day, start=time(slot // 2, 30 * (slot % 2)),
                end=time((slot + 2) // 2, 30 * ((slot + 2) % 2)))))
    other: list[BaseException] = []
    conflicts = [0]

    def desk(index: int) -> None:
        rng = random.Random(2000 + index)
        for _ in range(ATTEMPTS):
            day, start, end = random_interval(rng)
            action = rng.random()
            try:
                if action < 0.6 and mine[index]:
                    res.update_booking(centre.db, staff, rng.choice(mine[index]), {"day": day, "start": start,
                                                                                   "end": end})
                elif action < 0.75 and mine[index]:
                    res.cancel_booking(centre.db, staff, mine[index].pop(rng.randrange(len(mine[index]))), "zmiana")
                else:
                    mine[index].append(res.create_booking(centre.db, staff, booking(centre, day=day, start=start,
                                                                                    end=end)))
            except Conflict:
                conflicts[0] += 1
            except BaseException as exc:
                other.append(exc)

    assert run_together(desk) == []
    assert other == []
    assert conflicts[0] > 5
    assert overlapping_pairs(centre.db) == 0
    assert slots_match_bookings(centre.db)
    active = {r[0] for r in centre.db.rows("select id from booking where status in " + ACTIVE)}
    assert active == {b for ids in mine.values() for b in ids}


def test_concurrent_series_are_whole_or_absent_and_never_overlap(centre, staff, admin):
    open_all_day(centre, admin)
    results: list[tuple[bool, dict]] = []
    refused = [0]
    other: list[BaseException] = []

    def desk(index: int) -> None:
        rng = random.Random(3000 + index)
        for _ in range(6):
            day, start, end = random_interval(rng)
            only_free = rng.random() < 0.5
            try:
                results.append((only_free, res.create_series(
                    centre.db, staff, booking(centre, day=day, start=start, end=end), every_weeks=1, count=4,
                    only_free=only_free)))
            except Conflict:
                refused[0] += 1
            except BaseException as exc:
                other.append(exc)

    assert run_together(desk) == []
    assert other == []
    assert results and refused[0] > 0
    assert overlapping_pairs(centre.db) == 0
    assert slots_match_bookings(centre.db)
    for only_free, result in results:
        stored = centre.db.scalar("select count(*) from booking where series_id = ?", [result["series_id"]])
        assert stored == len(result["booked"]) == 4 - len(result["skipped"])
        if not only_free:
            assert result["skipped"] == []
    assert centre.db.scalar("select count(*) from booking where series_id is not null") == sum(
        len(r["booked"]) for _, r in results)
    assert centre.db.scalar("select count(*) from booking_series") == len(results)


def test_a_cancelled_slot_can_be_rebooked_at_once_by_many(centre, staff, admin):
    open_all_day(centre, admin)
    first = res.create_booking(centre.db, staff, booking(centre))
    res.cancel_booking(centre.db, staff, first, "zwolnione")
    won, other = [], []

    def desk(index: int) -> None:
        try:
            won.append(res.create_booking(centre.db, staff, booking(centre)))
        except Conflict:
            pass
        except BaseException as exc:
            other.append(exc)

    assert run_together(desk) == []
    assert other == [] and len(won) == 1
    assert centre.db.scalar("select count(*) from booking_slot where booking_id = ?", [won[0]]) == 4
    assert datetime(2026, 11, 3, 12) in [r[0] for r in centre.db.rows("select slot_start from booking_slot")]
