"""The city-scale dataset: a fresh migrated DuckDB file filled by the demo fillers at a scale.

The fillers interpret ``scale`` themselves (25 is about the size of the city: 2,000
organisations, 300,000 bookings…), so a new area's data joins the benchmark by joining
``dashboard.demo.FILLERS``; nothing here needs to change.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.connection import Database, get_database, migrate


@dataclass
class Dataset:
    db: Database
    build_s: float
    rows: dict[str, int]
    file_mb: float


def build_apart(path: Path, scale: float, at: str) -> tuple[Dataset, float]:
    """``build`` in a child process, then open the file here: (the dataset, the child's peak RSS in MB).

    Filling 300,000 bookings holds large frames for a few seconds; the app never does that, so
    the build's memory is measured apart from the pages' and service calls' (both are reported).
    """
    done = subprocess.run([sys.executable, "-m", "bench.dataset", str(path), repr(scale), at],
                          capture_output=True, text=True, check=False, env=os.environ.copy())
    if done.returncode != 0:
        raise RuntimeError(f"building the dataset failed: {done.stderr[-3000:]}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    db = get_database(path)
    return Dataset(db, child["build_s"], row_counts(db), file_mb(path)), child["peak_rss_mb"]


def build(path: Path, scale: float) -> Dataset:
    """Create, migrate and fill the file; the time includes the final checkpoint to disk."""
    from dashboard import demo  # after the caller has pointed CIVIC_* at the temporary folder

    started = time.perf_counter()
    db = get_database(path)
    migrate(db)
    demo.fill(db, scale)
    db.checkpoint()
    build_s = time.perf_counter() - started
    return Dataset(db, build_s, row_counts(db), file_mb(path))


def row_counts(db: Database) -> dict[str, int]:
    """Rows per table, every table of the schema (new areas' tables appear by themselves)."""
    tables = [r[0] for r in db.rows(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and table_type = 'BASE TABLE' order by table_name")]
    return {name: int(db.scalar(f'select count(*) from "{name}"')) for name in tables}


def file_mb(path: Path) -> float:
    """The database file plus any write-ahead log not yet checkpointed, in MB."""
    wal = Path(str(path) + ".wal")
    size = sum(p.stat().st_size for p in (Path(path), wal) if p.exists())
    return size / 1_048_576


if __name__ == "__main__":  # the child of ``build_apart``: path, scale, the pinned local moment
    from dashboard.core import clock
    from db.connection import close_database

    target, factor, moment = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    clock.freeze(datetime.fromisoformat(moment).replace(tzinfo=clock.WARSAW))
    built = build(target, factor)
    close_database(target)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1_048_576 if sys.platform == "darwin" else 1024)
    print(json.dumps({"build_s": built.build_s, "peak_rss_mb": round(peak, 1)}))
