"""``python -m bench.stateful``: the stateful test of the services (random call sequences) at a larger size.

Runs ``tests/unit/test_stateful_services.py`` through pytest with more examples and longer sequences than
CI does (``CIVIC_STATEFUL_EXAMPLES`` / ``CIVIC_STATEFUL_STEPS``; CI keeps the test's own small default),
then prints how many examples and steps ran, how long it took, and how the service calls ended
(accepted, or refused with which error). The seed is fixed unless ``--seed`` is given, so a run can be
repeated; a failure prints Hypothesis's shortest failing sequence, as in CI. Exit status: pytest's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/unit/test_stateful_services.py"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stateful", description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="examples (fresh databases) to run")
    parser.add_argument("--steps", type=int, default=60, help="service-call steps per example at most")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed (default: the test's fixed one)")
    parser.add_argument("--calls", action="store_true", help="also list every service call's outcomes")
    parser.add_argument("--known-bugs", action="store_true",
                        help="let the rules try the cases of known, still open bugs (CIVIC_STATEFUL_KNOWN_BUGS=1)")
    args = parser.parse_args(argv)
    if args.examples < 1 or args.steps < 1:
        parser.error("--examples and --steps must be at least 1")
    return args


def run(args: argparse.Namespace) -> tuple[int, dict, float]:
    """Run the test in a child pytest; returns its exit code, the test's statistics and the wall time."""
    with tempfile.TemporaryDirectory(prefix="civic-stateful-") as folder:
        stats_file = Path(folder) / "stats.json"
        env = {**os.environ, "CIVIC_STATEFUL_EXAMPLES": str(args.examples), "CIVIC_STATEFUL_STEPS": str(args.steps),
               "CIVIC_STATEFUL_STATS": str(stats_file)}
        if args.seed is not None:
            env["CIVIC_STATEFUL_SEED"] = str(args.seed)
        if args.known_bugs:
            env["CIVIC_STATEFUL_KNOWN_BUGS"] = "1"
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider",
                                "--timeout=0"], cwd=ROOT, env=env)
        seconds = time.perf_counter() - started
        stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return code, stats, seconds


def report(code: int, stats: dict, seconds: float, calls: bool) -> None:
    if not stats:
        print(f"stateful: the test did not run (pytest exit {code}, {seconds:.1f} s)")
        return
    outcomes = stats.get("outcomes", {})
    accepted = sum(n for key, n in outcomes.items() if key.endswith(": ok"))
    total = sum(outcomes.values())
    print(f"stateful: seed {stats['seed']}, asked {stats['max_examples']} examples x {stats['stateful_step_count']} "
          f"steps; ran {stats['examples']} examples, {stats['steps']} steps, {total} service calls "
          f"({accepted} accepted, {total - accepted} refused)")
    print(f"stateful: {stats['seconds']:.1f} s in the state machine, {seconds:.1f} s with pytest; "
          f"{1000 * stats['seconds'] / max(stats['steps'], 1):.0f} ms per step; "
          + ("passed" if code == 0 else f"FAILED (pytest exit {code})"))
    if calls:
        for key, count in outcomes.items():
            print(f"  {count:6d}  {key}")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    code, stats, seconds = run(args)
    report(code, stats, seconds, args.calls)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
