"""Benchmark (not a test): the statistics page of Saxony (``/statistik/``) with 1,000,000 reports.

Run after ``bench/generate_reports.py`` filled a ``*_bench`` database::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/mm_opendata_bench .venv/bin/python bench/statistics_page.py

Steps: ``migrate``; give every synthetic resolved report one status-history row "→ resolved" at its
``updated`` time (the generator writes no history; the statistics read resolution times from it;
idempotent); ``ANALYZE``. Then, interleaved per round:

- *cold*: the cache entry deleted, then the page through Django's test ``Client`` — the SQL statement
  (``domains.reports.statistics.compute_statistics``) plus rendering;
- *warm*: the page again, the figures from the cache (Redis or the database cache, as configured) —
  what visitors get for ``STATISTICS_CACHE_SECONDS`` after one of them paid the cold price;
- *SQL only*: ``compute_statistics("state")`` alone, the baseline the cold page is compared with.

With ``--export`` it also times one run of the nightly export (``interfaces.opendata.export.export_opendata``) of
the same database into a temporary folder (deleted afterwards).

p50/p95 are nearest-rank percentiles. Results go to the "Statistics page" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    busy_note,
    django_client,
    load,
    machine,
    now_utc,
    percentile,
    server_versions,
    setup_django,
    write_section,
)

SECTION = "## Statistics page of Saxony (bench/statistics_page.py)"
HISTORY_SQL = """
INSERT INTO reports_statuschange (report_id, from_status, to_status, created, public_note, internal_note)
SELECT r.id, 'in_progress', 'resolved', r.updated, '', ''
FROM reports_report r
WHERE r.channel = 'synthetic' AND r.status = 'resolved'
  AND NOT EXISTS (SELECT 1 FROM reports_statuschange s WHERE s.report_id = r.id)
"""


def prepare() -> tuple[int, int, float]:
    """Migrate, add the missing history rows, analyse; returns (reports, history rows, seconds)."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    with connection.cursor() as cur:
        cur.execute(HISTORY_SQL)
        cur.execute("ANALYZE reports_report; ANALYZE reports_statuschange")
        cur.execute("SELECT count(*) FROM reports_report")
        reports = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM reports_statuschange")
        history = cur.fetchone()[0]
    return reports, history, time.perf_counter() - started


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure(rounds: int, warm_per_round: int) -> dict[str, list[float]]:
    from django.core.cache import cache

    from domains.reports.statistics import cache_key, compute_statistics

    client = django_client()
    key = cache_key("state")

    def page() -> None:
        response = client.get("/statistik/")
        assert response.status_code == 200, response.status_code

    times: dict[str, list[float]] = {"cold": [], "warm": [], "sql": []}
    page()  # warm-up: imports, templates, database buffers
    for _ in range(rounds):
        cache.delete(key)
        times["cold"].append(timed(page))
        times["warm"].extend(timed(page) for _ in range(warm_per_round))
        times["sql"].append(timed(lambda: compute_statistics("state")))
    return times


def measure_export() -> str:
    """One nightly export of the bench database, as a Markdown bullet."""
    import datetime as dt
    import shutil
    import tempfile

    from interfaces.opendata.export import export_opendata

    root = Path(tempfile.mkdtemp(prefix="mm-bench-opendata-"))
    try:
        started = time.perf_counter()
        result = export_opendata(day=dt.date.today(), root=root)
        seconds = time.perf_counter() - started
        files = [p for p in root.rglob("*") if p.is_file()]
        sizes = {p.name: p.stat().st_size for p in files}
    finally:
        shutil.rmtree(root, ignore_errors=True)
    mib = 1024 * 1024
    return (
        f"- Nightly export (`export_opendata`, same database, `--export`): {seconds / 60:.1f} min for "
        f"{result['datasets']} data sets ({len(files) - 1} files, {sum(sizes.values()) / mib:.0f} MiB); "
        f"`meldungen-sachsen.gpkg` {sizes['meldungen-sachsen.gpkg'] / mib:.0f} MiB, "
        f"`meldungen-sachsen.csv` {sizes['meldungen-sachsen.csv'] / mib:.0f} MiB."
    )


def markdown(
    args: argparse.Namespace, prep: tuple[int, int, float], times: dict, start_load: str, export: str
) -> str:
    reports, history, seconds = prep

    def line(name: str, label: str) -> str:
        values = times[name]
        return (
            f"| {label} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} |"
            f" {min(values):.1f} | {max(values):.1f} |"
        )

    cold, sql, warm = (statistics.median(times[k]) for k in ("cold", "sql", "warm"))
    return f"""
Command: `DATABASE_URL=… .venv/bin/python bench/statistics_page.py --rounds {args.rounds} --warm {args.warm}{" --export" if args.export else ""}` — {now_utc()}.

- Machine: {machine()}; load average at start {start_load}, at end {load()}. {busy_note(start_load)} — read
  ratios, not milliseconds.
- {server_versions()}; database with {reports:,} reports from `bench/generate_reports.py` and {history:,}
  status-history rows (one "→ resolved" per resolved report, added by this script; preparing took {seconds:.1f} s).
- Page `GET /statistik/` through Django's test `Client` (whole middleware stack, template rendered:
  4 tables, 3 SVG charts, 13 districts). *cold*: the scope's cache entry deleted first, so the one SQL
  statement (`GROUPING SETS`, `percentile_cont`) runs; *warm*: the figures from the cache
  (`STATISTICS_CACHE_SECONDS`, 300 s by default); *SQL only*: `compute_statistics("state")`.

| run | n | p50 ms | p95 ms | min ms | max ms |
|---|---:|---:|---:|---:|---:|
{line("warm", "warm page (cached figures)")}
{line("cold", "cold page (cache entry deleted)")}
{line("sql", "SQL only (`compute_statistics`)")}

- **Warm: p50 {warm:.1f} ms, p95 {percentile(times["warm"], 95):.1f} ms — target < 300 ms
  {"met" if percentile(times["warm"], 95) < 300 else "NOT met"}.** Cold page / SQL only = {cold / sql:.2f}× (rendering is
  the difference); the cold page costs {cold / warm:.0f}× the warm one, paid at most once per scope and
  `STATISTICS_CACHE_SECONDS`; after that the stale figures are still served while one request refreshes.
{export}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=5, help="cold measurements (each followed by warm ones)"
    )
    parser.add_argument("--warm", type=int, default=10, help="warm page loads per round")
    parser.add_argument("--export", action="store_true", help="also time one nightly export")
    parser.add_argument(
        "--no-write", action="store_true", help="print only, do not update docs/benchmarks.md"
    )
    args = parser.parse_args()
    start_load = load()
    setup_django()
    prep = prepare()
    print(f"prepared: {prep[0]:,} reports, {prep[1]:,} history rows in {prep[2]:.1f} s", flush=True)
    times = measure(args.rounds, args.warm)
    export = measure_export() if args.export else ""
    text = markdown(args, prep, times, start_load, export)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
