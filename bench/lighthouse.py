"""Benchmark (not a test): Lighthouse on a phone for the three busiest citizen pages.

Run from the repository root (needs ``make test`` or ``npm ci`` once for ``node_modules/``, and Debian's
Chromium at ``/usr/bin/chromium``, which ``make test`` installs)::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/maengelmelder_lighthouse_bench \\
        .venv/bin/python bench/lighthouse.py [--runs 3] [--port 8101] [--json out.json] [--before old.json]

The script starts the app itself, as ``make run`` does, but against its own ``_bench`` database: it creates
that database if missing, migrates, loads the communes and categories (idempotent), collects the static
files, and serves ``config.wsgi`` with gunicorn on ``127.0.0.1:<port>`` (stopped again at the end; no task
worker is needed). It then creates one report through ``POST /api/v1/reports/`` to have a report page, and
runs Lighthouse (``lighthouse`` pinned in ``package.json``, through ``npx`` from ``node_modules``) with
Chromium in its default mobile profile — simulated slow 4G and 4× CPU slowdown — on

- ``/`` (the report form with its map),
- ``/meldungen/`` (the list with the statewide map),
- ``/meldungen/<Nummer>/`` (the new report's page).

The pages are run ``--runs`` times, interleaved (run 1 of every page, then run 2 …) so changing machine load
hits all pages alike; the section shows the median of each figure. Lighthouse's simulated throttling scales
the tasks it observes, so a busy machine makes every figure worse: the section records the load average and
whether other test runs were going on. ``--json`` keeps the raw figures; ``--before`` (such a file from an
earlier commit) adds them as a "before" column. The result replaces the "Lighthouse" section of
``docs/benchmarks.md``; a record to compare against, never a pass/fail test.

The "before" figures in that section were made like this: ``git checkout <old commit> -- static templates``,
then this script with ``--json before.json --label "…" --no-write``, then ``git checkout HEAD -- static
templates`` and this script with ``--before before.json``. Each run adds one report to the bench database
(all in Dresden), which the statewide map shows as one count badge.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    ensure_database,
    load,
    machine,
    now_utc,
    setup_django,
    start_gunicorn,
    unapplied_migrations,
    wait_until_up,
    write_section,
)

SECTION = "## Lighthouse (bench/lighthouse.py)"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox"
WORKERS, THREADS = 2, 4
ATTEMPTS = 3  # Lighthouse now and then fails to record a trace on a loaded machine; such a run is repeated
DRESDEN = (13.7373, 51.0504)  # Altmarkt: lon, lat (WGS84)
TARGETS = {"performance": 90, "tbt_ms": 200, "accessibility": 100}
FIGURES = ("performance", "accessibility", "tbt_ms", "lcp_s", "cls")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median reported)")
    parser.add_argument("--port", type=int, default=8101, help="loopback port for gunicorn")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--before", type=Path, help="raw figures (--json) of an earlier run to compare")
    parser.add_argument("--label", help="what was measured, for --json (default: the commit checked out)")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {SECTION!r}")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs ≥ 1")
    args.command = "DATABASE_URL=… " + shlex.join(
        [os.path.relpath(sys.executable, ROOT), "bench/lighthouse.py", *sys.argv[1:]]
    )
    return args


# --- the app ----------------------------------------------------------------------------------------------


def prepare_database(db: dict[str, Any]) -> None:
    """What ``make run`` does before serving (``make data`` and ``make static``), on the bench database."""
    from django.core.management import call_command

    ensure_database(db)
    if unapplied_migrations():
        call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_communes", verbosity=0)
    call_command("load_categories", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def request_json(port: int, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def create_report(port: int) -> str:
    """One report in Dresden through the public API, as a phone app would send it; returns its number."""
    status, categories = request_json(port, "GET", "/api/v1/categories/")
    if status != 200:
        raise SystemExit(f"GET /api/v1/categories/ answered {status}")
    items = categories["results"] if isinstance(categories, dict) else categories
    slug = items[0]["slug"]
    report = {
        "category": slug,
        "description": "Lighthouse-Messung: Schlagloch vor Hausnummer 5, etwa 40 cm breit.",
        "lon": DRESDEN[0],
        "lat": DRESDEN[1],
    }
    status, created = request_json(port, "POST", "/api/v1/reports/", report)
    if status != 201:
        raise SystemExit(f"POST /api/v1/reports/ answered {status}: {created}")
    number = created.get("id") or created.get("properties", {}).get("id")
    if not number:
        raise SystemExit(f"no report number in {created}")
    return str(number)


# --- Lighthouse -------------------------------------------------------------------------------------------


def lighthouse(url: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run (default mobile profile); the figures this benchmark reports."""
    env = {**os.environ, "CHROME_PATH": CHROME}
    command = [
        "npx", "--no-install", "lighthouse", url,
        "--only-categories=performance,accessibility", "--output=json", f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}", "--quiet",
    ]  # fmt: skip
    for attempt in range(1, ATTEMPTS + 1):
        out.unlink(missing_ok=True)
        done = subprocess.run(command, cwd=ROOT, env=env, timeout=300)
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        if done.returncode == 0 and "runtimeError" not in result:
            break
        # e.g. NO_NAVSTART, "Something went wrong with recording the trace", on a busy machine
        print(f"Lighthouse failed on {url} (attempt {attempt}/{ATTEMPTS})", file=sys.stderr)
    else:
        raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}")
    audits = result["audits"]
    return {
        "performance": round(result["categories"]["performance"]["score"] * 100),
        "accessibility": round(result["categories"]["accessibility"]["score"] * 100),
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "benchmark_index": result["environment"]["benchmarkIndex"],
        "lighthouse": result["lighthouseVersion"],
        "user_agent": result["environment"]["hostUserAgent"],
    }


def run_pages(port: int, pages: dict[str, str], runs: int) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in pages}
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as tmp:
        for run in range(runs):
            for name, path in pages.items():
                figures = lighthouse(f"http://127.0.0.1:{port}{path}", Path(tmp) / "report.json")
                results[name].append(figures)
                print(
                    f"run {run + 1}/{runs} {name}: performance {figures['performance']}, "
                    f"accessibility {figures['accessibility']}, TBT {figures['tbt_ms']:.0f} ms, "
                    f"LCP {figures['lcp_s']:.2f} s, CLS {figures['cls']:.3f}",
                    file=sys.stderr,
                )
    return results


# --- machine load -----------------------------------------------------------------------------------------


def other_test_runs() -> int:
    """Processes of other sessions running pytest now (this script never runs pytest itself)."""
    count = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"pytest") or part == b"pytest" for part in cmdline[:4]):
            count += 1
    return count


def busy_verdict(load_start: str, load_end: str, pytest_start: int, pytest_end: int) -> str:
    cores = os.cpu_count() or 1
    peak = max(float(load_start.split(",")[0]), float(load_end.split(",")[0]))
    busy = peak >= 0.5 * cores or pytest_start or pytest_end
    tests = (
        f"{pytest_start} pytest processes of other sessions at start, {pytest_end} at end"
        if pytest_start or pytest_end
        else "no pytest of other sessions running at start or end"
    )
    verdict = "**busy**" if busy else "quiet"
    return f"The machine was {verdict}: 1-minute load average {peak:.2f} on {cores} cores; {tests}."


# --- report -----------------------------------------------------------------------------------------------


def medians(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in FIGURES}


def cell(figures: dict[str, float], key: str) -> str:
    value = figures[key]
    if key == "tbt_ms":
        return f"{value:,.0f} ms"
    if key == "lcp_s":
        return f"{value:.1f} s"
    if key == "cls":
        return f"{value:.3f}"
    return f"{value:.0f}"


def markdown(args: argparse.Namespace, results: dict[str, list[dict[str, Any]]], before: dict | None) -> str:
    first = next(iter(results.values()))[0]
    indices = [run["benchmark_index"] for runs in results.values() for run in runs]
    lines = [
        f"Command: `{args.command}` — {now_utc()}.",
        "",
        f"- Machine: {machine()}; `nproc` {os.cpu_count()}; load average at start {args.load_start}, at end "
        f"{args.load_end}. {args.busy}",
        f"- Lighthouse {first['lighthouse']} (`lighthouse` in `package.json`, run with `npx`), Chromium "
        f'`{CHROME}` with `--chrome-flags="{CHROME_FLAGS}"`; default mobile profile (Moto G Power screen, '
        "simulated slow 4G, 4× CPU slowdown); Lighthouse's CPU benchmark index "
        f"{min(indices):.0f}–{max(indices):.0f} over the runs.",
        f"- App as `make run` serves it (gunicorn, {WORKERS} workers × {THREADS} threads, `DEBUG` off, collected "
        f"static files with whitenoise), database `{args.db_name}`; the report page is a report created by "
        f"the script through the API. {basemap_note()}",
        f"- {args.runs} runs per page, interleaved; each figure is the median of its runs (figures of one "
        "row may come from different runs). Targets: performance ≥ 90, total blocking time ≤ 200 ms, "
        "accessibility 100.",
        "",
    ]
    head = "| page | performance | accessibility | total blocking time | largest contentful paint | CLS |"
    if before:
        context = before.get("context")
        when = (
            f", measured {context['when']} the same way (load average at start {context['load_start']}, at end "
            f"{context['load_end']}; {context['busy'][0].lower() + context['busy'][1:].rstrip('.')})"
            if context
            else ""
        )
        lines.append(f"Before: {before['label']}{when}. After: this run.")
        lines.append("")
        head = head.replace(" |", " (before → after) |", 1).replace("| page (before → after) |", "| page |")
    lines += [head, "|---|---:|---:|---:|---:|---:|"]
    for name, runs in results.items():
        now = medians(runs)
        old = medians(before["results"][name]) if before and name in before["results"] else None
        cells = [f"{cell(old, k)} → {cell(now, k)}" if old else cell(now, k) for k in FIGURES]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "Performance score of each run: " + "; ".join(
        f"`{name}` " + ", ".join(str(run["performance"]) for run in runs) for name, runs in results.items()
    ) + "."]  # fmt: skip
    met = [
        name
        for name, runs in results.items()
        if (m := medians(runs))["performance"] >= TARGETS["performance"]
        and m["tbt_ms"] <= TARGETS["tbt_ms"]
        and m["accessibility"] >= TARGETS["accessibility"]
    ]
    verdict = "**met** on every page" if len(met) == len(results) else (
        "**not met** on " + ", ".join(f"`{n}`" for n in results if n not in met)
    )  # fmt: skip
    lines += ["", f"Targets {verdict} (medians)."]
    return "\n".join(lines)


def basemap_note() -> str:
    """Whether the pages asked for basemap tiles, and whether those could load (they come from outside)."""
    from django.conf import settings

    if not settings.MAP_TILE_URL:
        return "No basemap (`MAP_TILE_URL` empty)."
    host = settings.MAP_TILE_URL.split("/")[2]
    try:
        socket.create_connection((host, 443), timeout=3).close()
    except OSError:
        return (
            f"The basemap tiles (`MAP_TILE_URL`, {host}) could not load: no internet on this machine, so "
            "their download and decoding are not in the figures."
        )
    return f"Basemap tiles from {host} (over the internet, so network-dependent)."


def git(*command: str) -> str:
    return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> None:
    args = parse_args()
    if not Path(CHROME).exists() or not shutil.which("npx"):
        raise SystemExit(f"needs {CHROME} and npx (run `make test` once)")
    if not (ROOT / "node_modules" / ".bin" / "lighthouse").exists():
        raise SystemExit("node_modules/.bin/lighthouse is missing: run `npm ci` (or `make test`) first")
    db = setup_django()
    warnings.filterwarnings("ignore", message="No directory at")
    prepare_database(db)
    args.db_name = db["NAME"]
    args.load_start, pytest_start = load(), other_test_runs()
    with tempfile.TemporaryDirectory(prefix="bench-gunicorn-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        proc = start_gunicorn(args.port, log, workers=WORKERS, threads=THREADS)
        try:
            wait_until_up(args.port, proc, log, "/healthz")
            number = create_report(args.port)
            pages = {"/": "/", "/meldungen/": "/meldungen/", "/meldungen/<Nummer>/": f"/meldungen/{number}/"}
            results = run_pages(args.port, pages, args.runs)
        finally:
            stop(proc)
    args.load_end, pytest_end = load(), other_test_runs()
    args.busy = busy_verdict(args.load_start, args.load_end, pytest_start, pytest_end)
    if args.json:
        label = args.label or git("log", "-1", "--format=commit %h (%cs)")
        if not args.label and git(
            "status", "--porcelain", "--untracked-files=no", "--", "static", "templates"
        ):
            label += " with uncommitted changes to static/ or templates/"
        context = {
            "when": now_utc(),
            "load_start": args.load_start,
            "load_end": args.load_end,
            "busy": args.busy,
        }
        args.json.write_text(
            json.dumps({"label": label, "context": context, "results": results}, indent=1), encoding="utf-8"
        )
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else None
    section = markdown(args, results, before)
    print(section)
    if not args.no_write:
        write_section(SECTION, section)
        print("written to docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
