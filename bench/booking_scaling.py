"""``python -m bench.booking_scaling``: does creating a booking cost more as the history grows?

Builds two datasets in a temporary folder, the demo's own scale (about 3,500 bookings on 16
resources) and city scale (25: about 300,000 bookings on 40 resources), then times
``reservations.create_booking`` with all its checks on free future slots of each, as the
new-booking form sends it (``bench.services``' call: rejected attempts are retried untimed).
The calls alternate between the two files in rounds, so a burst of load on a noisy machine hits
both figures alike. Prints the median and p95 of each and the ratio of the medians.

The reservations issue's targets: at city scale a median of at most 10 ms, and at most 1.5 times
the median on the small history (the cost must not grow with history).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.run import FIXED_MOMENT

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 10.0
MAX_RATIO = 1.5
ROUNDS = 8          # the calls of each file are split into this many alternating rounds
WARM_UP = 5         # untimed calls per file before the first round


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_scaling", description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=float, default=1.0, help="scale of the short history (1: the demo's)")
    parser.add_argument("--large", type=float, default=25.0, help="scale of the long history (25: city scale)")
    parser.add_argument("--calls", type=int, default=200, help="timed create_booking calls per dataset")
    parser.add_argument("--at", default=FIXED_MOMENT, help="the app's clock, as in python -m bench (default: "
                                                         f"{FIXED_MOMENT})")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.calls < ROUNDS or args.small <= 0 or args.large <= 0:
        parser.error(f"--calls must be at least {ROUNDS}, scales positive")
    return args


def _timed_call(call, index: list[int], rejected: list[int]) -> float:
    """One successful call's milliseconds; refused attempts (slot taken, closed…) are retried untimed."""
    from bench import services, stats

    while True:
        index[0] += 1
        if rejected[0] > services.MAX_REJECTIONS_PER_CALL * (index[0] + 1):
            raise RuntimeError(f"{rejected[0]} attempts refused: no free future slots found")
        try:
            return stats.timed_ms(lambda: call(index[0]))
        except services.Rejected:
            rejected[0] += 1


def measure(args: argparse.Namespace, folder: Path) -> dict:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import dataset, services, stats
    from bench.run import pin_clock
    from dashboard.core import clock
    from dashboard.services import reservations
    from db.connection import close_database

    moment = pin_clock(args.at)
    paths = {"small": folder / "small" / "civic.duckdb", "large": folder / "large" / "civic.duckdb"}
    runs: dict[str, dict] = {}
    try:
        for name, scale in (("small", args.small), ("large", args.large)):
            data = dataset.build(paths[name], scale)
            print(f"{name}: scale {scale:g}, {data.rows.get('booking', 0):,} bookings on "
                  f"{data.rows.get('resource', 0)} resources, built in {data.build_s:.1f} s", flush=True)
            call = services._reservation_create_booking(data.db, reservations)
            runs[name] = {"scale": scale, "bookings": data.rows.get("booking", 0),
                          "resources": data.rows.get("resource", 0), "call": call, "index": [0],
                          "rejected": [0], "times": []}
            for _ in range(WARM_UP):
                _timed_call(call, runs[name]["index"], runs[name]["rejected"])
        print(f"timing {args.calls} create_booking calls on each, in {ROUNDS} alternating rounds…", flush=True)
        for round_no in range(ROUNDS):
            share = args.calls // ROUNDS + (1 if round_no < args.calls % ROUNDS else 0)
            for run in runs.values():
                run["times"] += [_timed_call(run["call"], run["index"], run["rejected"]) for _ in range(share)]
    finally:
        for path in paths.values():
            close_database(path)  # before the folder is removed
        clock.freeze(None)
    figures = {"app_clock": moment, "calls": args.calls}
    for name, run in runs.items():
        figures[name] = {"scale": run["scale"], "bookings": run["bookings"], "resources": run["resources"],
                         "median_ms": round(stats.median(run["times"]), 2), "p95_ms": round(stats.p95(run["times"]), 2),
                         "rejected_attempts": run["rejected"][0]}
    figures["ratio"] = round(figures["large"]["median_ms"] / figures["small"]["median_ms"], 2)
    figures["ok"] = figures["large"]["median_ms"] <= TARGET_MS and figures["ratio"] <= MAX_RATIO
    return figures


def render(figures: dict) -> str:
    lines = [f"create_booking, {figures['calls']} calls each (app clock {figures['app_clock']}):",
             f"{'history':>10} {'bookings':>10} {'resources':>10} {'median ms':>10} {'p95 ms':>10}"]
    for name in ("small", "large"):
        f = figures[name]
        lines.append(f"{name:>10} {f['bookings']:>10,} {f['resources']:>10} {f['median_ms']:>10.2f} {f['p95_ms']:>10.2f}")
    large = figures["large"]["median_ms"]
    lines.append(f"median at city scale {large:.2f} ms (target <= {TARGET_MS:g}): "
                 f"{'ok' if large <= TARGET_MS else 'MISSED'}")
    lines.append(f"ratio large/small {figures['ratio']:.2f} (target <= {MAX_RATIO:g}): "
                 f"{'ok' if figures['ratio'] <= MAX_RATIO else 'MISSED'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from bench.run import isolated_environment  # CIVIC_* point at the temporary folder before app imports

    with isolated_environment(args.keep) as folder:
        figures = measure(args, folder)
    print(render(figures))
    return 2 if args.strict and not figures["ok"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
