"""The printed tables and the JSON file: the same figures, for a person and for a later diff."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from dashboard import PROJECT_ROOT


def machine() -> dict:
    """What the figures depend on, so runs on different machines are not compared blindly."""
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "duckdb": version("duckdb"), "streamlit": version("streamlit"), "altair": version("altair"),
            "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()],  # other work skews the times
            "git": _git_revision(), "timestamp_utc": datetime.now(UTC).isoformat(timespec="seconds")}


def _git_revision() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=PROJECT_ROOT, capture_output=True,
                               text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}{'+dirty' if dirty else ''}" if head else None


# Sections another benchmark writes into the same file (bench/browser.py): a run of this one keeps them.
OTHER_SECTIONS = ("browser",)


def write_json(path: Path, figures: dict) -> None:
    """The run's figures, keeping the sections other benchmarks wrote into the file (each has its own time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        earlier = {}
    kept = {name: earlier[name] for name in OTHER_SECTIONS if name in earlier and name not in figures}
    figures = {**figures, **kept}
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain aligned text table: readable in a terminal and in a CI log."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]

    def line(cells: list) -> str:
        return " | ".join(_align(str(c), w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *map(line, rows)])


def _align(text: str, width: int) -> str:
    """Figures right-aligned so their digits line up; words left-aligned."""
    numeric = text.replace(",", "").replace(".", "").replace(" MB", "").replace(" s", "").isdigit()
    return text.rjust(width) if numeric else text.ljust(width)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _verdict(ok: bool, error: str | None = None, note: str | None = None) -> str:
    if error:
        return "ERROR"
    verdict = "ok" if ok else "SLOW"
    return f"{verdict} (no data)" if note and note.startswith("no data") else verdict


def _peer(peer: dict | None) -> list[str]:
    """The naive pandas peer of the utilisation page against the page: how many times slower it is."""
    if not peer:
        return []
    agree = {True: "same figures", False: "FIGURES DIFFER", None: "—"}[peer["agree"]]
    rows = [[f"{peer['page']}: {case.replace('_', ' ')}", _ms(c["peer_median_ms"]), _ms(c["page_median_ms"]),
             "—" if c["ratio"] is None else f"{c['ratio']:.1f}×", f"≥ {c['target_ratio']:.0f}×",
             "ERROR" if peer["error"] else ("ok" if c["ok"] else "TOO CLOSE")]
            for case, c in peer["cases"].items()]
    return ["", f"naive pandas peer (select * into pandas, no cache): {agree}",
            table(["peer vs page", "peer median ms", "page median ms", "peer ÷ page", "target", "ok?"], rows)]


def render(figures: dict) -> str:
    """Every section of the report, in the order a reader asks: data, pages, services, resources."""
    data = figures["dataset"]
    parts = [
        f"Benchmark at scale {figures['scale']} ({figures['reruns']} reruns per page, app clock "
        f"{figures['app_clock']}) — "
        f"{figures['machine']['cpu_count']} CPUs, Python {figures['machine']['python']}, "
        f"DuckDB {figures['machine']['duckdb']}, Streamlit {figures['machine']['streamlit']}, "
        f"load average {figures['machine'].get('load_avg_at_start', ['?'])[0]} at the start, "
        f"{figures['machine']['load_avg_1_5_15'][0]} at the end (1 min)",
        "",
        table(["table", "rows"], [[name, f"{count:,}"] for name, count in data["rows"].items()]),
        "",
        table(["page", "login", "median ms", "p95 ms", "target ms (median/p95)", "ok?"],
              [[p["page"], p["login"], _ms(p["median_ms"]), _ms(p["p95_ms"]),
                f"{_ms(p['target_ms'])}/{_ms(p.get('target_p95_ms'))}",
                _verdict(p["ok"], p["error"], p.get("note"))] for p in figures["pages"]]),
        "",
        table(["service call", "calls", "refused (untimed)", "median ms", "p95 ms", "target ms", "ok?"],
              [[s["service"], s["calls"], s["rejected_attempts"], _ms(s["median_ms"]), _ms(s["p95_ms"]),
                _ms(s["target_ms"]),
                s["skipped"] if s["skipped"] and s["skipped"].startswith("no data")
                else "skipped: " + s["skipped"] if s["skipped"] else _verdict(s["ok"], s["error"])]
               for s in figures["services"]]),
        *_peer(figures.get("peer")),
        "",
        table(["resource", "value", "target", "ok?"], [
            ["dataset build", f"{data['build_s']:.1f} s", f"{data['target_s']:.0f} s", _verdict(data["ok"])],
            ["peak RSS of this process (AppTest, pages, calls)", f"{figures['rss']['mb']:.0f} MB",
             "— (the server's: bench.browser)", ""],
            *([["peak RSS (dataset build, a child process)", f"{figures['rss']['build_mb']:.0f} MB", "—", ""]]
              if "build_mb" in figures["rss"] else []),
            ["database file", f"{data['file_mb']:.1f} MB", "—", ""],
        ]),
    ]
    errors = [p for p in figures["pages"] if p["error"]] + [s for s in figures["services"] if s["error"]]
    if figures.get("peer") and figures["peer"]["error"]:
        errors.append({"service": "peer", "error": figures["peer"]["error"]})
    parts += ["", *(f"FAILED {e.get('page') or e.get('service')}: {e['error']}" for e in errors)]
    return "\n".join(parts).rstrip()
