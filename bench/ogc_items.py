"""Benchmark (not a test): OGC API – Features ``items`` pages of 1,000 reports against raw SQL ``json_agg``.

Run from the repository root against a database filled by ``bench/generate_reports.py``::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/maengelmelder_bench \\
        .venv/bin/python bench/ogc_items.py [--runs 30] [--warmup 3] [--no-write]

For each query below, interleaved in alternating order, it times:

(a) ``GET /ogcapi/collections/reports/items?limit=1000…`` in-process through Django's test ``Client``
    (routing, middleware, parameter parsing, numberMatched, links, the body read completely);
(b) the baseline: the same 1,000 rows as one JSON array built by PostgreSQL — the endpoint's own feature
    statement (captured once) wrapped in ``SELECT json_agg(feature::json) FROM (…)``, run raw through a
    plain psycopg connection, the text fetched.

(a) and (b) are checked to hold the same features. Target (issue 19): p95 (a) ≤ 1.5 × p95 (b) for 1,000
reports out of 1,000,000 (the first query). The result replaces the "OGC API items" section of
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    busy_note,
    django_client,
    load,
    machine,
    now_utc,
    percentile,
    psycopg_kwargs,
    server_versions,
    setup_django,
    unapplied_migrations,
    write_section,
)

SECTION = "## OGC API items (bench/ogc_items.py)"
TARGET_RATIO = 1.5
BASE = "/ogcapi/collections/reports/items?limit=1000"
QUERIES = [
    ("1,000 of all reports (first page)", BASE),
    ("1,000 of all, page 100 (offset 99,000)", BASE + "&offset=99000"),
    ("status open (submitted)", BASE + "&status=submitted"),
    ("category + commune (Dresden)", BASE + "&category=schlagloch&commune=14612000"),
    ("bbox Dresden centre", BASE + "&bbox=13.6,51.0,13.9,51.1"),
    ("EPSG:25833 output", BASE + "&crs=http://www.opengis.net/def/crs/EPSG/0/25833"),
]


def fetch(cl: Any, path: str) -> bytes:
    response = cl.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}: {response.content[:300]!r}")
    return response.content


def baseline_sql(cl: Any, path: str) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fetch(cl, path)
    features = [q["sql"] for q in ctx.captured_queries if "'Feature'" in q["sql"]]
    if len(features) != 1:
        raise SystemExit(f"{path}: expected one feature statement, captured {len(features)}")
    return f"SELECT json_agg(feature::json)::text FROM ({features[0]}) AS page(feature)"


def raw(conn: Any, sql: str) -> str:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0] or "[]"


def measure(cl: Any, conn: Any, args: argparse.Namespace) -> list[dict]:
    cases = []
    for name, path in QUERIES:
        sql = baseline_sql(cl, path)
        body = json.loads(fetch(cl, path))
        if body["features"] != json.loads(raw(conn, sql)):
            raise SystemExit(f"{path}: endpoint and json_agg differ")
        cases.append({"name": name, "path": path, "sql": sql, "a": [], "b": [], "body": body})
    for run in range(args.warmup + args.runs):
        for case in cases:
            methods = [("a", lambda c=case: fetch(cl, c["path"])), ("b", lambda c=case: raw(conn, c["sql"]))]
            for key, fn in methods if run % 2 == 0 else methods[::-1]:
                start = time.perf_counter()
                fn()
                if run >= args.warmup:
                    case[key].append(time.perf_counter() - start)
    return cases


def markdown(args: argparse.Namespace, cases: list[dict]) -> str:
    def ms(values: list[float], q: float) -> str:
        return f"{percentile(values, q) * 1000:.1f}"

    first = cases[0]
    ratio = percentile(first["a"], 95) / percentile(first["b"], 95)
    lines = [
        f"Command: `{args.command}` — {now_utc()}.",
        "",
        f"- Machine: {machine()}; load average at start {args.load_start}, at end {load()}. "
        f"{busy_note(args.load_start)}: read the ratios.",
        f"- {server_versions()}; database `{args.db_name}` with {args.total:,} reports "
        "(`bench/generate_reports.py`).",
        f"- {args.runs} timed runs per query and method after {args.warmup} warm-up runs, alternating order; "
        "nearest-rank percentiles. (a) the endpoint in-process (Django test `Client`, full middleware, "
        "numberMatched and links, body read); (b) the endpoint's own feature statement for the same 1,000 "
        "rows wrapped in `json_agg`, raw through psycopg. Both hold identical features.",
        "",
        "| query | numberMatched | body KiB | (a) endpoint p50 / p95 ms | (b) json_agg p50 / p95 ms | (a)/(b) p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        lines.append(
            f"| {c['name']} | {c['body']['numberMatched']:,} | {len(json.dumps(c['body'])) / 1024:.0f} | "
            f"{ms(c['a'], 50)} / {ms(c['a'], 95)} | {ms(c['b'], 50)} / {ms(c['b'], 95)} | "
            f"{percentile(c['a'], 95) / percentile(c['b'], 95):.2f}× |"
        )
    lines += [
        "",
        f"1,000 reports out of {args.total:,}: (a)/(b) p95 **{ratio:.2f}×** — target ≤ {TARGET_RATIO:g}× "
        + ("**met**." if ratio <= TARGET_RATIO else "**not met**.")
        + " numberMatched comes from the pre-aggregated counts (`reports_reportcount`) for property filters; "
        "with a bbox or datetime the matching rows are counted (the bbox row above).",
    ]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help=f"do not update {SECTION!r}")
    args = parser.parse_args()
    args.command = "DATABASE_URL=… " + shlex.join(
        [os.path.relpath(sys.executable, ROOT), "bench/ogc_items.py", *sys.argv[1:]]
    )
    args.load_start = load()
    return args


def main() -> None:
    args = parse_args()
    db = setup_django()
    import psycopg

    from domains.reports.models import Report
    from domains.reports.tiles.counts import count_differences, rebuild_counts

    warnings.filterwarnings("ignore", message="No directory at")
    if unapplied_migrations():
        raise SystemExit(f"{db['NAME']} lacks migrations: run manage.py migrate.")
    if count_differences():
        rebuild_counts()
    args.db_name, args.total = db["NAME"], Report.objects.count()
    cl = django_client()
    with psycopg.connect(**psycopg_kwargs(db), autocommit=True, prepare_threshold=None) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        cases = measure(cl, conn, args)
    section = markdown(args, cases)
    print(section)
    if not args.no_write:
        write_section(SECTION, section)
        print("written to docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
