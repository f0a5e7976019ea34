"""Median and p95 of a handful of timings, defined once so pages and services agree."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Interpolated 95th percentile; with 15 samples the plain nearest rank would be the max."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def timed_ms(call: Callable[[], object]) -> float:
    """Wall time of one call in milliseconds (perf_counter: monotonic, high resolution)."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000.0
