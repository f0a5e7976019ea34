"""Speed as people feel it: one browser against a real server on a city-scale file (issue 20, points 3–5).

    python -m bench.browser                     # build the dataset, then everything below (about 6 minutes)
    python -m bench.browser --dataset FILE      # start from a copy of a file built before (quicker)

Builds the city-scale dataset (bench/dataset.py ``build_apart``, scale 25) in a temporary folder,
starts the app on it (``streamlit run dashboard/app.py`` through tests/e2e/shifted_server.py, its
clock at bench/run.py ``FIXED_MOMENT``, a busy Wednesday 11:00, as the browser tests pin theirs),
and drives Debian's chromium with Playwright, through bench/load.py's helpers:

1. cold start: the time from starting the server's process to the login form on screen, then the
   login (to the home page) and the first visit of every page of the staff sidebar, each once;
2. warm page switches: ``--rounds`` times round the sidebar, a click on each page's link timed to
   the finished rerun (bench/load.py's MutationObserver on ``data-test-script-state``);
3. exports: the pilot report's XLSX and PDF, and the Forum deck as PPTX, click to file;
4. memory: the server process's peak RSS (``VmHWM`` in /proc/<pid>/status) after all that;
5. ``bench.load`` with 10 sessions against the same server (``--load-seconds``; 0 skips it): 9 speak
   Streamlit's websocket protocol (the server's answer time), 1 is a chromium page (the person's click
   to drawn page); see bench/load.py's docstring for what each exercises.

Targets: login form ≤ 2 s after the start; a first visit ≤ 1.5 s; a page switch ≤ 400 ms median and
≤ 1 s p95 per page; 10 sessions' p95 ≤ 1 s; the server's peak RSS ≤ 400 MB. The figures go to a
"browser" section of bench/results/latest.json (the rest of the file is kept). Exit code 1 when a
target is missed, 2 when something could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.run import DEFAULT_OUT, FIXED_MOMENT, isolated_environment  # noqa: E402

LAUNCHER = ROOT / "tests" / "e2e" / "shifted_server.py"
STAFF = ("recepcja", "demo-recepcja-2026")
LOGIN_FORM_S = 2.0
FIRST_VISIT_S = 1.5
SWITCH_MEDIAN_S = 0.4
SWITCH_P95_S = 1.0
LOAD_P95_S = 1.0
RSS_MB = 400.0
START_TIMEOUT_S = 120


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=25.0, help="dataset scale; 25 is about city scale")
    parser.add_argument("--dataset", type=Path, help="copy this database file instead of building one")
    parser.add_argument("--rounds", type=int, default=5, help="warm rounds of the sidebar")
    parser.add_argument("--load-seconds", type=float, default=30, help="bench.load's window; 0: no load run")
    parser.add_argument("--nice", type=int, default=10,
                        help="run the browser at this lower priority, so the server gets the CPU first, as on "
                             "its own machine (default %(default)s; 0: off)")
    parser.add_argument("--out", type=Path, help="the JSON file the 'browser' section goes to (default "
                                                 f"{DEFAULT_OUT.relative_to(ROOT)}; with --pages none unless given)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log)")
    parser.add_argument("--pages", type=lambda text: [p.strip() for p in text.split(",") if p.strip()],
                        help="only these url_paths of the sidebar, comma-separated (e.g. recepcja,kalendarz,budzet): "
                             "a quicker look at a few pages; the home page is always visited, as the login lands "
                             "there, and the exports are left out")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.load_seconds < 0 or args.scale <= 0:
        parser.error("--rounds ≥ 1, --load-seconds ≥ 0, --scale > 0")
    if args.pages:
        unknown = sorted(set(args.pages) - set(sidebar_pages()))
        if unknown:
            parser.error(f"--pages: not in the staff sidebar: {', '.join(unknown)}")
    if args.out is None and not args.pages:  # a few pages' figures do not replace the whole run's
        args.out = DEFAULT_OUT
    return args


# -- the server ------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in MB, and the CPU seconds it has
    used so far (on a shared machine a steadier measure of its work than the wall-clock times)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": found.get("VmRSS"), "peak_mb": found.get("VmHWM"), "cpu_s": round(cpu_s(pid), 2)}


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def server_env(folder: Path) -> dict[str, str]:
    """The isolated environment (bench/run.py) plus the clock file putting the server's now at FIXED_MOMENT."""
    from tests.e2e import shifted_server as shifted

    clock_file = folder / "clock-offset"
    shifted.write_offset(clock_file, shifted.offset_to(shifted.parse_moment(FIXED_MOMENT)))
    return {**os.environ, shifted.CLOCK_FILE_ENV: str(clock_file), shifted.START_ENV: FIXED_MOMENT}


def start_server(port: int, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(LAUNCHER), "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def niced_chromium(folder: Path, nice: int) -> str:
    """A wrapper starting Debian's chromium at a lower priority (Playwright cannot set it itself)."""
    if nice <= 0:
        return load.CHROMIUM
    wrapper = folder / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(nice)} "{load.CHROMIUM}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


# -- the browser -----------------------------------------------------------------------------------------
def sidebar_pages() -> list[str]:
    """The url_paths a staff member's sidebar lists, in its order, except that the Forum comes just before the
    utilisation page: the Forum hides the sidebar (it is projected) and is left by its own link to utilisation."""
    from dashboard.core.roles import allows
    from dashboard.ui import navigation

    paths = [spec.url_path for spec in navigation.PAGES
             if spec.url_path not in navigation.HIDDEN and allows("staff", spec.permission)]
    if "forum" in paths and "wykorzystanie" in paths:
        paths.remove("forum")
        paths.insert(paths.index("wykorzystanie"), "forum")
    return paths


def home_page() -> str:
    from dashboard.ui import navigation

    return next(spec.url_path for spec in navigation.PAGES if spec.default)


def link_to(page, url_path: str):
    """A visible link to the page: the sidebar's, or on a page without the sidebar (the Forum) its own. The
    home page's link leads to the bare address (href "")."""
    if url_path == home_page():
        return page.locator('a[href=""]:visible, a[href="/"]:visible').first
    return page.locator(f'a[href="{url_path}"]:visible, a[href$="/{url_path}"]:visible').first


# The moment the login form's username box is first laid out with a size, in the page: checked on every
# animation frame (the frame that paints it), as epoch milliseconds. Playwright's own wait polls with a
# growing pause (up to 500 ms between looks), which once added 0.3-0.4 s to a form already on screen.
FORM_DRAWN = """
(() => {
  const drawn = () => {
    const box = document.querySelector('input[autocomplete="username"]')?.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) {
      window.__loginFormDrawn = performance.timeOrigin + performance.now();
    } else {
      requestAnimationFrame(drawn);
    }
  };
  requestAnimationFrame(drawn);
})();
"""


async def login_form_after(page, base: str, process: subprocess.Popen, started: float) -> tuple[float, float]:
    """Seconds from the server's start to its first answer (the page's HTML), and to the login form on screen
    (the address retried until it answers). The form's moment is the frame that drew it (``FORM_DRAWN``,
    read on the same clock as ``started``), confirmed by the labelled field Playwright then finds."""
    from dashboard.core.i18n import translate

    username = page.get_by_role("textbox", name=translate("pl", "login.username"))
    started_epoch = time.time() - (time.monotonic() - started)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        if time.monotonic() - started > START_TIMEOUT_S:
            raise RuntimeError(f"no login form within {START_TIMEOUT_S} s")
        try:
            await page.goto(base + "/", timeout=10_000)
            answered = time.monotonic() - started
            break
        except Exception:  # not listening yet
            await asyncio.sleep(0.05)
    await username.wait_for(timeout=START_TIMEOUT_S * 1000)
    drawn_ms = await page.wait_for_function("() => window.__loginFormDrawn", timeout=10_000)
    return answered, await drawn_ms.json_value() / 1000 - started_epoch


async def log_in(page, tally: load.Tally) -> float:
    """Fill the login form and submit it; seconds to the home page's finished run."""
    from dashboard.core.i18n import translate

    await page.get_by_role("textbox", name=translate("pl", "login.username")).fill(STAFF[0])
    await page.get_by_role("textbox", name=translate("pl", "login.password")).fill(STAFF[1])
    seconds = await load.timed_click(page, page.get_by_role("button", name=translate("pl", "login.submit")),
                                     tally, "login")
    await load.sidebar_link(page, "recepcja").wait_for(timeout=60_000)
    await page.locator(load.IDLE).wait_for(timeout=60_000)
    return seconds


async def visit(page, url_path: str, tally: load.Tally, errors: list[str]) -> float | None:
    """Click the page's link, timed to its finished rerun; on a timeout the error is kept, the page opened by
    its address, and None returned (the benchmark goes on)."""
    # The home page's address is the bare one: its rerun is recognised by the run states alone (path None).
    path = None if url_path == home_page() else url_path
    try:
        seconds = await load.timed_click(page, link_to(page, url_path), tally, url_path, path)
    except Exception as exc:
        errors.append(f"{url_path}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        await page.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/" + (path or ""))
        await page.locator(load.IDLE).wait_for(timeout=120_000)
        return None
    errors += [f"{url_path}: {text}" for text in await load.errors_on(page)]
    return seconds


async def download(page, label: str) -> dict:
    """Click a download button and wait for its file: seconds and bytes."""
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).first
    await button.wait_for(timeout=60_000)
    began = time.monotonic()
    async with page.expect_download(timeout=180_000) as info:
        await button.click()
    done = await info.value
    seconds = time.monotonic() - began
    size = Path(await done.path()).stat().st_size
    return {"s": round(seconds, 3), "bytes": size}


async def drive(args: argparse.Namespace, folder: Path, db_path: Path) -> dict:
    from playwright.async_api import async_playwright

    from dashboard.core.i18n import translate

    pages = sidebar_pages()
    if args.pages:  # the login lands on the home page, so it stays first
        pages = [p for p in pages if p == pages[0] or p in args.pages]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(folder)
    figures: dict = {"url_paths": pages, "rounds": args.rounds, "app_clock": FIXED_MOMENT, "scale": args.scale,
                     "cpu_count": os.cpu_count(), "browser": load.CHROMIUM, "nice": args.nice,
                     "load_avg": {"at_start": loadavg()}, "memory": {}}
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=niced_chromium(folder, args.nice),
                                                   args=load.CHROMIUM_ARGS, headless=True)
        context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="pl-PL",
                                            timezone_id="Europe/Warsaw", accept_downloads=True)
        await context.add_init_script(load.OBSERVER)
        await context.add_init_script(FORM_DRAWN)
        page = await context.new_page()
        await page.goto("about:blank")
        with open(folder / "server.log", "wb") as log:
            started = time.monotonic()
            server = start_server(port, env, log)
            try:
                # 1. cold start
                answered, form = await login_form_after(page, base, server, started)
                figures["server_answers_s"], figures["login_form_s"] = round(answered, 3), round(form, 3)
                figures["memory"]["login_form"] = memory_mb(server.pid)
                print(f"login form after {figures['login_form_s']:.2f} s; first visits…", flush=True)
                cold = load.Tally()
                first = {pages[0]: await log_in(page, cold)}  # the login lands on the home page
                for url_path in pages[1:]:
                    first[url_path] = await visit(page, url_path, cold, errors)
                figures["first_visit_s"] = {p: round(s, 3) for p, s in first.items() if s is not None}
                figures["memory"]["first_visits"] = memory_mb(server.pid)
                figures["load_avg"]["after_first_visits"] = loadavg()
                print(f"first visits done (slowest {max(first.values(), key=lambda s: s or 0):.2f} s); "
                      f"{args.rounds} warm rounds…", flush=True)
                # 2. warm rounds
                warm = load.Tally()
                for _ in range(args.rounds):
                    for url_path in pages:
                        await visit(page, url_path, warm, errors)
                figures["switch"] = {p: load.summary(warm.timings[p]) | {"runs_s": [round(s, 3) for s in warm.timings[p]]}
                                     for p in pages if warm.timings.get(p)}
                everything = [s for values in warm.timings.values() for s in values]
                figures["switch_all"] = load.summary(everything)
                figures["memory"]["warm_rounds"] = memory_mb(server.pid)
                figures["load_avg"]["after_rounds"] = loadavg()
                print("warm rounds done; exports…", flush=True)
                # 3. exports (not with --pages: a look at a few pages only)
                exports = {}
                if not args.pages:
                    await visit(page, "raport", warm, errors)
                    exports["report_xlsx"] = await download(page, translate("pl", "report.page.xlsx"))
                    exports["report_pdf"] = await download(page, translate("pl", "report.page.pdf"))
                    await visit(page, "forum", warm, errors)
                    exports["forum_pptx"] = await download(page, translate("pl", "forum.download_pptx"))
                    errors += [f"after exports: {text}" for text in await load.errors_on(page)]
                figures["exports"] = exports
                figures["memory"]["exports"] = memory_mb(server.pid)
                figures["load_avg"]["after_exports"] = loadavg()
                print(f"exports done; server peak RSS {figures['memory']['exports']['peak_mb']} MB", flush=True)
                await context.close()
                await browser.close()
                # 5. ten sessions
                if args.load_seconds:
                    figures["load"] = run_load(base, args.load_seconds, db_path, folder, server.pid)
                    figures["memory"]["after_load"] = memory_mb(server.pid)
            finally:
                figures["server_cpu_s"] = round(cpu_s(server.pid), 1) if server.poll() is None else None
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
    figures["peak_rss_mb"] = figures["memory"].get("exports", {}).get("peak_mb")
    figures["errors"] = errors
    return figures


def run_load(base: str, seconds: float, db_path: Path, folder: Path, pid: int) -> dict:
    """``python -m bench.load --sessions 10`` (9 protocol sessions, 1 chromium page) against the server, after
    one protocol session alone (up to 30 s, the same machine's figure without the concurrency): its report, with
    the server's CPU share over the whole run (logins included) beside the window's."""
    out = folder / "load.json"
    cpu_before, began, load_before = cpu_s(pid), time.monotonic(), loadavg()
    done = subprocess.run([sys.executable, "-m", "bench.load", "--url", base, "--sessions", "10",
                           "--seconds", f"{seconds:g}", "--db", str(db_path), "--json", str(out),
                           "--app-pid", str(pid), "--today", FIXED_MOMENT[:10], "--alone-seconds", f"{min(seconds, 30):g}"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    span = time.monotonic() - began
    print(done.stdout[-4000:], flush=True)
    if not out.exists():
        return {"error": done.stderr[-2000:]}
    report = json.loads(out.read_text(encoding="utf-8"))
    report["server_cpu_percent_of_one_core"] = round(100 * (cpu_s(pid) - cpu_before) / span)
    report["load_avg_around"] = [load_before, loadavg()]
    return report


# -- verdict and report ----------------------------------------------------------------------------------
def judge(figures: dict) -> dict[str, bool]:
    switch = figures.get("switch", {})
    return {
        "login_form": figures.get("login_form_s", 1e9) <= LOGIN_FORM_S,
        "first_visits": len(figures.get("first_visit_s", {})) == len(figures["url_paths"])
        and all(s <= FIRST_VISIT_S for s in figures["first_visit_s"].values()),
        "switch": len(switch) == len(figures["url_paths"])
        and all(row["median_s"] <= SWITCH_MEDIAN_S and row["p95_s"] <= SWITCH_P95_S for row in switch.values()),
        # both kinds' p95 (the server's, the browser user's) ≤ 1 s, no error, no double booking (bench.load's verdict)
        "load_p95": "load" not in figures or ("by_kind" in figures["load"] and load.met(figures["load"])),
        "peak_rss": (figures.get("peak_rss_mb") or 1e9) <= RSS_MB,
        "no_errors": not figures.get("errors"),
    }


def render(figures: dict) -> str:
    lines = [f"Browser: staff, scale {figures['scale']:g}, app clock {figures['app_clock']}, "
             f"{figures['rounds']} warm rounds, {figures['cpu_count']} CPUs, browser at nice {figures['nice']}",
             f"Login form {figures['login_form_s']:.2f} s after the server's start (target ≤ {LOGIN_FORM_S:g} s; "
             f"the server answered after {figures['server_answers_s']:.2f} s)",
             "",
             f"{'page':<24}{'first s':>9}{'median s':>10}{'p95 s':>8}{'max s':>8}  ok"]
    for url_path in figures["url_paths"]:
        row = figures["switch"].get(url_path)
        first = figures["first_visit_s"].get(url_path)
        if row is None or first is None:
            lines.append(f"{url_path:<24}  (not timed: see the errors)")
            continue
        ok = first <= FIRST_VISIT_S and row["median_s"] <= SWITCH_MEDIAN_S and row["p95_s"] <= SWITCH_P95_S
        lines.append(f"{url_path:<24}{first:>9.3f}{row['median_s']:>10.3f}{row['p95_s']:>8.3f}{row['max_s']:>8.3f}"
                     f"  {'yes' if ok else 'NO'}")
    row = figures["switch_all"]
    lines.append(f"{'all switches':<24}{max(figures['first_visit_s'].values()):>9.3f}{row['median_s']:>10.3f}"
                 f"{row['p95_s']:>8.3f}{row['max_s']:>8.3f}")
    lines.append(f"(first visit of pulpit = the login; targets: first ≤ {FIRST_VISIT_S:g} s, median ≤ "
                 f"{SWITCH_MEDIAN_S:g} s, p95 ≤ {SWITCH_P95_S:g} s)")
    lines.append("")
    if figures["exports"]:
        lines.append("Exports: " + ", ".join(f"{name} {e['s']:.2f} s ({e['bytes'] / 1024:.0f} KB)"
                                            for name, e in figures["exports"].items()))
    lines.append("Server memory (RSS / peak MB, CPU s used so far): " + ", ".join(
        f"{phase} {m['rss_mb']:.0f}/{m['peak_mb']:.0f} {m['cpu_s']:.1f} s" for phase, m in figures["memory"].items()))
    lines.append(f"Peak RSS after every page and the exports: {figures['peak_rss_mb']} MB (target ≤ {RSS_MB:g})")
    lines.append("Load average: " + ", ".join(f"{k} {v}" for k, v in figures["load_avg"].items()))
    if figures.get("load"):
        lines += load_lines(figures["load"])
    lines.append(f"Errors on screen: {len(figures['errors'])}")
    lines += [f"  - {text}" for text in figures["errors"][:10]]
    lines.append("Targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in figures["verdict"].items()))
    return "\n".join(lines)


def load_lines(report: dict) -> list[str]:
    """The load run in a few lines: each kind's p95, errors, double bookings, CPU shares and load."""
    if "by_kind" not in report:
        return [f"10 sessions: did not run: {report.get('error', '?')[-300:]}"]
    lines = [f"{report['sessions']} sessions × {report['seconds']:g} s ({report['protocol_sessions']} protocol, "
             f"{report['browser_sessions']} chromium; logins before the window, slowest {report['login_s_max']} s):"]
    for kind, part in report["by_kind"].items():
        row = part["overall"]
        lines.append(f"  {load.KINDS[kind]}: p95 {row['p95_s']} s, median {row['median_s']} s, max {row['max_s']} s "
                     f"over {row['n']} actions (target p95 ≤ {LOAD_P95_S:g} s)")
    alone = report.get("alone") or {}
    if alone.get("overall"):
        row = alone["overall"]
        lines.append(f"  one protocol session alone just before (no pauses): p95 {row['p95_s']} s, median {row['median_s']} s "
                     f"over {row['n']} actions, CPU pressure {alone.get('cpu_pressure_percent')}%")
    checked = report.get("double_bookings") or {}
    cpu = report.get("cpu_percent_of_one_core") or {}
    lines.append(f"  errors {report['errors']}, bookings {report['booked']} (refused as taken "
                 f"{report['refused_slot_taken']}), double bookings {checked.get('overlapping_pairs')}; CPU in the "
                 f"window (% of a core): app {cpu.get('app')}, generator process {cpu.get('generator_process')}, "
                 f"chromium {cpu.get('chromium')}; server over the whole run {report.get('server_cpu_percent_of_one_core')}%; "
                 f"load {report.get('load_avg_around')}; some task waiting for a CPU "
                 f"{report.get('cpu_pressure_percent')}% of the window; the app's threads "
                 f"{report.get('app_threads_in_window')}")
    return lines


def merge_into(path: Path, figures: dict) -> None:
    """Write the 'browser' section into the results file, keeping what the other benchmarks wrote there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        whole = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        whole = {}
    whole["browser"] = figures
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(whole, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not Path(load.CHROMIUM).exists():
        print(f"No chromium at {load.CHROMIUM} (set CHROMIUM, or install Debian's package).", file=sys.stderr)
        return 2
    with isolated_environment(args.keep) as folder:
        db_path = folder / "civic.duckdb"
        if args.dataset:
            shutil.copy2(args.dataset, db_path)
            print(f"dataset copied from {args.dataset}", flush=True)
        else:
            from bench import dataset
            from db.connection import close_database

            built, _ = dataset.build_apart(db_path, args.scale, FIXED_MOMENT)
            close_database(db_path)  # the server must be able to take the file's lock
            print(f"dataset built in {built.build_s:.1f} s ({built.file_mb:.0f} MB)", flush=True)
        try:
            figures = asyncio.run(drive(args, folder, db_path))
        except Exception as exc:
            log = folder / "server.log"
            print(f"the browser benchmark could not run: {type(exc).__name__}: {exc}\n"
                  + (log.read_text(errors="replace")[-3000:] if log.exists() else ""), file=sys.stderr)
            return 2
    figures["verdict"] = judge(figures)
    figures["ok"] = all(figures["verdict"].values())
    print(render(figures))
    if args.out:
        merge_into(args.out, figures)
        print(f"\nresults written to the 'browser' section of {args.out}")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
