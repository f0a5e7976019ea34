"""``python -m bench``: build the dataset in a temporary folder, time pages and services, report.

The CIVIC_* variables are pointed at the temporary folder before any app module is imported,
so the benchmark can never touch the real database, secrets or backups.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "results" / "latest.json"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=25.0, help="dataset scale; 25 is about city scale")
    parser.add_argument("--reruns", type=int, default=15, help="timed reruns per page, after one warm-up")
    parser.add_argument("--calls", type=int, default=50, help="timed calls per service")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON results go")
    parser.add_argument("--at", default=FIXED_MOMENT,
                        help="the moment the app believes it is (Warsaw time, e.g. 2027-03-09T11:00); default "
                             f"{FIXED_MOMENT}, the same on every day the benchmark runs; 'tuesday' pins the next "
                             "working Tuesday 11:00 after the real date, 'now' leaves the clock alone")
    parser.add_argument("--only", default="",
                        help="comma-separated page url_paths and/or service names to time, e.g. "
                             "'recepcja,utilisation.live_refresh_after_write,peer' ('peer': the naive pandas peer "
                             "of the utilisation page); the rest is skipped (a quick loop "
                             "while working on one page; the full run is what the report and results hold)")
    parser.add_argument("--strict", action="store_true", help="also exit non-zero when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database folder")
    args = parser.parse_args(argv)
    if args.reruns < 1 or args.calls < 1 or args.scale <= 0:
        parser.error("--scale must be positive, --reruns and --calls at least 1")
    if args.at not in ("tuesday", "now"):
        try:
            datetime.fromisoformat(args.at)
        except ValueError:
            parser.error(f"--at {args.at!r}: give 'tuesday', 'now' or a date and time like 2027-03-09T11:00")
    return args


@contextmanager
def isolated_environment(keep: bool):
    """A temporary folder for the database, secrets and backups; the old environment restored after."""
    folder = Path(tempfile.mkdtemp(prefix="civic-bench-"))
    env = {"CIVIC_DB_PATH": str(folder / "civic.duckdb"), "CIVIC_SECRETS_PATH": str(folder / "secrets.toml"),
           "CIVIC_BACKUP_DIR": str(folder / "backups"), "CIVIC_DEMO": "0", "CIVIC_LANG": "pl",
           "CIVIC_DAILY_BACKUP": "0"}  # the app's daily backup would add its copy to the times and the peak RSS
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield folder
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


# A working Wednesday late in the morning (open 10:00–18:00, rooms in use), inside the pilot period.
# Fixed, so the dataset and the front desk's day are the same whichever day the benchmark runs.
FIXED_MOMENT = "2026-11-18T11:00"


def pin_clock(at: str) -> str:
    """Pin the app's clock so the figures do not depend on the day the benchmark runs.

    The front desk and the week calendar show today's bookings: on a Saturday they are empty and
    fast, on a weekday full. A working weekday late in the morning is the busy case worth timing.
    """
    from dashboard.core import clock

    if at == "now":
        return clock.local_now().isoformat(timespec="minutes")
    local = datetime.fromisoformat(at) if at != "tuesday" else _next_working_tuesday(clock.today())
    clock.freeze(local.replace(tzinfo=clock.WARSAW))
    return local.isoformat(timespec="minutes")


def _next_working_tuesday(today: date) -> datetime:
    import holidays

    day = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    while day in holidays.country_holidays("PL", years=day.year):
        day += timedelta(days=7)
    return datetime.combine(day, time(11, 0))


def peak_rss_mb() -> float:
    """ru_maxrss is in kilobytes on Linux (bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1_048_576 if sys.platform == "darwin" else 1024)


def measure(args: argparse.Namespace, folder: Path) -> dict:
    """Every figure of one run, as the JSON file holds them."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import dataset, pages, peer, report, services, targets  # app modules only after the env is set
    from dashboard.core import clock
    from db.connection import close_database

    moment = pin_clock(args.at)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    try:
        data, build_rss = dataset.build_apart(folder / "civic.duckdb", args.scale, moment)
        print(f"dataset built in {data.build_s:.1f} s ({data.file_mb:.1f} MB); timing pages…", flush=True)
        only = {name.strip() for name in args.only.split(",") if name.strip()}
        page_results = pages.benchmark_pages(data.db, args.reruns, only)
        print("timing service calls…", flush=True)
        service_results = services.benchmark_services(data.db, args.calls, only)
        rss = peak_rss_mb()  # the app's pages and calls: the peer's whole tables in pandas are not the server's
        peer_result = None
        if not only or "peer" in only:  # --only names it, or nothing
            print("timing the naive peer of the utilisation page…", flush=True)
            peer_result = peer.benchmark(data.db, args.reruns)
    finally:
        close_database(folder / "civic.duckdb")  # before the folder is removed
        clock.freeze(None)
    machine = report.machine()
    machine["load_avg_at_start"] = load_at_start
    return {
        "machine": machine, "app_clock": moment,
        "scale": args.scale, "reruns": args.reruns, "calls": args.calls,
        "dataset": {"build_s": round(data.build_s, 2), "target_s": targets.DATASET_BUILD_S,
                    "ok": data.build_s <= targets.DATASET_BUILD_S, "rows": data.rows,
                    "file_mb": round(data.file_mb, 2)},
        "pages": [p.as_dict() for p in page_results],
        "services": [s.as_dict() for s in service_results],
        "peer": peer_result.as_dict() if peer_result else None,
        # This process is AppTest's harness plus every page and call, not a server: issue 20's 400 MB is the
        # server's peak RSS, which bench.browser measures on a real server (its "browser" section). Reported here.
        "rss": {"mb": round(rss, 1), "target_mb": None, "ok": True,
                "build_mb": build_rss},  # the builder is a child process, not the server: reported only
    }


def verdict(figures: dict) -> tuple[bool, bool]:
    """(nothing raised, every target met)."""
    peer = figures.get("peer")
    failed = (any(p["error"] for p in figures["pages"]) or any(s["error"] for s in figures["services"])
              or bool(peer and peer["error"]))
    met = (figures["dataset"]["ok"]
           and all(p["ok"] for p in figures["pages"])
           and all(s["ok"] for s in figures["services"])
           and (peer is None or peer["ok"]))
    return not failed, met


def main(argv: list[str] | None = None) -> int:
    """0: everything ran (targets are reported, not enforced unless --strict); 1: something raised."""
    args = parse(argv)
    with isolated_environment(args.keep) as folder:
        figures = measure(args, folder)
    from bench import report

    ran, met = verdict(figures)
    figures["ok"] = ran and met
    report.write_json(args.out, figures)
    print(report.render(figures))
    print(f"\nresults written to {args.out}")
    if not ran:
        return 1
    return 2 if args.strict and not met else 0
