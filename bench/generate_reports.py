"""Generator (not a test): fill a ``*_bench`` database with synthetic reports spread over Saxony.

Run from the repository root::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/maengelmelder_bench \\
        .venv/bin/python bench/generate_reports.py --count 1000000 [--seed 1] [--batch 100000]

It refuses any database whose name does not end in ``_bench``, so the development database in ``.env`` is
never touched. Steps: create the database with PostGIS if missing, ``migrate``, ``load_communes``,
``load_categories``, then insert the reports in SQL, one ``INSERT … SELECT`` per batch:

- points uniformly random in Saxony's bounding box (``kernel.geo.srid.SAXONY_BBOX_25833``, EPSG:25833 metres),
  kept only where a current commune covers them (``ST_Covers`` on the subdivided ``boundaries_communepart``),
  with that commune version and its district — so the density is uniform over Saxony's area;
- status mix 55 % resolved, 15 % submitted, 10 % in_review, 12 % in_progress, 4 % rejected,
  2 % not_responsible, 2 % duplicate; a random category; ``created`` uniform over the last 5 years,
  ``updated`` between ``created`` and now;
- ``public_id`` ``SN-XXXX-XX`` from the batch sequence number pushed through a seeded bijection of
  [0, 32⁶) (multiply by an odd constant, xor-shift, again), then Crockford base32 — unique by construction
  and matching ``^SN-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$``;
- ``channel = 'synthetic'``, no reporter data, no photos, no supporters.

No ``reports_statuschange`` rows are written: the benchmarks read only ``reports_report``. Idempotent: when
the database already holds ``--count`` synthetic reports nothing is inserted; fewer are topped up. After
inserting, ``VACUUM ANALYZE`` so the planner sees the real distribution. The timings are printed and, when
rows were inserted, written to the "1,000,000 synthetic reports" section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    drop_database,
    ensure_database,
    load,
    machine,
    now_utc,
    server_versions,
    setup_django,
    write_section,
)

SECTION = "## 1,000,000 synthetic reports (bench/generate_reports.py)"
CHANNEL = "synthetic"
YEARS = 5
# Share of Saxony (18,450 km²) in its bounding box (224 km × 170 km): about 0.48. Candidates per wanted
# row are drawn with margin; a short batch is simply followed by another one.
OVERSAMPLE = 2.4
ID_BITS = 30  # 32**6 == 2**30 public ids
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
STATUS_MIX = [
    ("resolved", 0.55),
    ("submitted", 0.15),
    ("in_review", 0.10),
    ("in_progress", 0.12),
    ("rejected", 0.04),
    ("not_responsible", 0.02),
    ("duplicate", 0.02),
]


def status_case(column: str) -> str:
    """``CASE`` picking a status from a uniform random ``column`` according to ``STATUS_MIX``."""
    whens, upper = [], 0.0
    for value, share in STATUS_MIX[:-1]:
        upper += share
        whens.append(f"WHEN {column} < {upper:.4f} THEN '{value}'")
    return f"CASE {' '.join(whens)} ELSE '{STATUS_MIX[-1][0]}' END"


def public_id_sql(column: str) -> str:
    """SQL text turning the mixed 30-bit number ``column`` into ``SN-XXXX-XX`` (Crockford base32)."""
    chars = [f"substr('{CROCKFORD}', ((({column}) >> {5 * i}) & 31)::int + 1, 1)" for i in range(5, -1, -1)]
    return f"'SN-' || {' || '.join(chars[:4])} || '-' || {' || '.join(chars[4:])}"


def known_values() -> dict[str, str]:
    """SQL per ``reports_report`` column; ``m`` is the generated row, ``cm`` its commune version."""
    return {
        "location": "m.pt",
        "commune_id": "m.commune_id",
        "district_id": "cm.district_id",
        "status": status_case("m.r_status"),
        "created": "m.created",
        "updated": "m.created + m.r_updated * (now() - m.created)",
        "public_id": public_id_sql("m.id30"),
        "category_id": "cats.ids[1 + floor(m.r_category * cardinality(cats.ids))::int]",
        "description": "'Synthetische Meldung #' || (m.seq + 1)",
        "channel": f"'{CHANNEL}'",
        "attributes": "'{}'::jsonb",
        "supporters": "0",
        # Reports go to their commune's organisation when no responsibility area claims them.
        "organisation_id": (
            "(SELECT o.id FROM organisations_organisation o WHERE o.kind = 'commune' AND o.ags = cm.ags)"
        ),
    }


def default_sql(field: Any) -> str | None:
    """SQL literal of a column's model default (None when it has no plain one)."""
    if field.null:
        return "NULL"
    value = field.get_default()  # '' for text columns without a default, None for other columns
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):  # IntegerChoices members too (priority): their repr is not SQL
        return repr(float(value) if isinstance(value, float) else int(value))
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dict | list):
        return "'" + json.dumps(value).replace("'", "''") + "'::jsonb"
    return None


def column_values() -> tuple[list[str], list[str]]:
    """Columns of ``reports_report`` from the model (so added fields with defaults need no change here)."""
    from domains.reports.models import Report

    known = known_values()
    columns, values, missing = [], [], []
    for field in Report._meta.concrete_fields:
        if field.primary_key:
            continue
        value = known.get(field.column) or default_sql(field)
        if value is None:
            missing.append(field.column)
        columns.append(field.column)
        values.append(value or "")
    if missing:
        raise SystemExit(f"bench/generate_reports.py does not know how to fill: {', '.join(missing)}")
    return columns, values


def insert_sql(rng: random.Random) -> str:
    """One batch: ``%(seq0)s`` first sequence number, ``%(wanted)s`` rows, ``%(candidates)s`` points."""
    from kernel.geo.srid import SAXONY_BBOX_25833, STORAGE_SRID

    xmin, ymin, xmax, ymax = SAXONY_BBOX_25833
    mask = (1 << ID_BITS) - 1
    mul1, mul2 = rng.randrange(1, 1 << ID_BITS, 2), rng.randrange(1, 1 << ID_BITS, 2)
    add = rng.randrange(1 << ID_BITS)
    columns, values = column_values()
    return f"""
        WITH cand AS MATERIALIZED (
            SELECT ST_SetSRID(ST_MakePoint({xmin} + random() * {xmax - xmin},
                                           {ymin} + random() * {ymax - ymin}), {STORAGE_SRID}) AS pt
            FROM generate_series(1, %(candidates)s)
        ), inside AS MATERIALIZED (
            SELECT c.pt, part.commune_id
            FROM cand c
            CROSS JOIN LATERAL (
                SELECT p.commune_id FROM boundaries_communepart p
                WHERE p.valid_to IS NULL AND ST_Covers(p.geom, c.pt)
                LIMIT 1
            ) part
            LIMIT %(wanted)s
        ), numbered AS MATERIALIZED (
            SELECT i.pt, i.commune_id,
                   %(seq0)s::bigint + row_number() OVER () - 1 AS seq,
                   random() AS r_status, random() AS r_category,
                   now() - random() * interval '{YEARS} years' AS created, random() AS r_updated
            FROM inside i
        ), mixed AS (
            -- x -> odd*x + c (mod 2^30), x # (x >> k) and odd*x (mod 2^30) are bijections of [0, 2^30).
            SELECT n.*, s3.id30
            FROM numbered n
            CROSS JOIN LATERAL (SELECT ({mul1}::bigint * n.seq + {add}) & {mask} AS x) s1
            CROSS JOIN LATERAL (SELECT ({mul2}::bigint * (s1.x # (s1.x >> 15))) & {mask} AS x) s2
            CROSS JOIN LATERAL (SELECT s2.x # (s2.x >> 13) AS id30) s3
        )
        INSERT INTO reports_report ({", ".join(columns)})
        SELECT {", ".join(values)}
        FROM mixed m
        JOIN boundaries_commune cm ON cm.id = m.commune_id
        CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM reports_category) cats
    """


def prepare(timings: dict[str, float]) -> None:
    from django.core.management import call_command

    for name, args in (("migrate", ["--no-input"]), ("load_communes", []), ("load_categories", [])):
        started = time.perf_counter()
        call_command(name, *args, verbosity=0)
        timings[name] = time.perf_counter() - started
        print(f"{name}: {timings[name]:.1f} s", flush=True)


def synthetic_state(cur) -> tuple[int, int]:
    """Number of synthetic reports and the highest sequence number used (from the description)."""
    cur.execute(
        "SELECT count(*), coalesce(max(substring(description FROM '#([0-9]+)$')::bigint), 0) "
        "FROM reports_report WHERE channel = %s",
        [CHANNEL],
    )
    count, last = cur.fetchone()
    return int(count), int(last)


def insert_reports(args: argparse.Namespace, existing: int, last_seq: int) -> list[tuple[int, float]]:
    """Insert until ``args.count`` synthetic reports exist; returns (rows, seconds) per batch."""
    from django.db import connection

    rng = random.Random(args.seed)
    sql = insert_sql(rng)
    batches: list[tuple[int, float]] = []
    missing, seq = args.count - existing, last_seq
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(%s)", [rng.uniform(-1, 1)])
        while missing > 0:
            wanted = min(args.batch, missing)
            started = time.perf_counter()
            cur.execute(sql, {"seq0": seq, "wanted": wanted, "candidates": int(wanted * OVERSAMPLE) + 1000})
            rows = cur.rowcount
            seconds = time.perf_counter() - started
            batches.append((rows, seconds))
            missing, seq = missing - rows, seq + rows
            done = args.count - missing
            print(
                f"batch {len(batches)}: {rows:,} rows in {seconds:.1f} s ({done:,}/{args.count:,})",
                flush=True,
            )
            if rows == 0:
                raise SystemExit("No candidate point fell inside a commune — are the communes loaded?")
    return batches


def table_summary() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE channel = %s), min(created), max(created) "
            "FROM reports_report",
            [CHANNEL],
        )
        total, synthetic, first, last = cur.fetchone()
        cur.execute("SELECT status, count(*) FROM reports_report GROUP BY status ORDER BY count(*) DESC")
        mix = ", ".join(f"{status} {n / total:.1%}" for status, n in cur.fetchall())
        cur.execute(
            "SELECT pg_size_pretty(pg_table_size('reports_report')), "
            "pg_size_pretty(pg_indexes_size('reports_report')), count(DISTINCT commune_id) "
            "FROM reports_report"
        )
        table, indexes, communes = cur.fetchone()
    return {
        "total": f"{total:,}",
        "synthetic": f"{synthetic:,}",
        "span": f"{first:%Y-%m-%d} – {last:%Y-%m-%d}",
        "mix": mix,
        "size": f"table {table}, indexes {indexes}",
        "communes": f"{communes}",
    }


def markdown(args: argparse.Namespace, timings: dict[str, float], batches, summary, versions: str) -> str:
    rows = sum(n for n, _ in batches)
    insert_s = sum(s for _, s in batches)
    lines = [
        f"Command: `{args.command}` — {now_utc()}.",
        "",
        f"- Machine: {machine()}; load average at start {args.load_start}, at end {load()} "
        "(other jobs were running).",
        f"- {versions}.",
        "- Data: points uniform in Saxony's bounding box (EPSG:25833), kept where a current commune covers "
        "them (`ST_Covers` on `boundaries_communepart`), so the density is uniform over the area "
        "(≈ 54 reports/km²); status mix 55 % resolved, 15 % submitted, 10 % in_review, 12 % in_progress, "
        "4 % rejected, 2 % not_responsible, 2 % duplicate; random category; created uniform over the last "
        "5 years; public ids from a seeded bijection of the sequence number (unique by construction); "
        "organisation (where the model has one) the commune's own. No status-history rows, photos or supporters.",
        f"- Result: {summary['total']} reports ({summary['synthetic']} synthetic) in {summary['communes']} "
        f"communes, created {summary['span']}; {summary['size']}.",
        f"- Status mix: {summary['mix']}.",
        "",
        "| step | seconds |",
        "|---|---:|",
    ]
    lines += [
        f"| `{name}` | {seconds:.1f} |"
        for name, seconds in timings.items()
        if name not in ("total", "vacuum_analyze", "refresh_report_counts")
    ]
    lines += [
        f"| insert {rows:,} rows in {len(batches)} batches of ≤ {args.batch:,} "
        f"({rows / insert_s:,.0f} rows/s, all indexes in place) | {insert_s:.1f} |",
        f"| `VACUUM ANALYZE reports_report` | {timings['vacuum_analyze']:.1f} |",
        f"| `refresh_report_counts` (the map's counts per commune, status, category) | "
        f"{timings['refresh_report_counts']:.1f} |",
        f"| **total** | **{timings['total']:.1f}** |",
    ]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="synthetic reports wanted in total")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=100_000, help="rows per INSERT … SELECT")
    parser.add_argument(
        "--recreate", action="store_true", help="drop the *_bench database first (e.g. after schema changes)"
    )
    parser.add_argument("--no-write", action="store_true", help=f"do not update {SECTION!r}")
    args = parser.parse_args()
    if args.count < 1 or args.batch < 1:
        parser.error("--count and --batch must be ≥ 1")
    args.command = "DATABASE_URL=… " + shlex.join(
        [os.path.relpath(sys.executable, ROOT), "bench/generate_reports.py", *sys.argv[1:]]
    )
    args.load_start = load()
    return args


def main() -> None:
    args = parse_args()
    db = setup_django()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    timings: dict[str, float] = {}
    if args.recreate:
        drop_database(db)
        print(f"database {db['NAME']}: dropped", flush=True)
    created = ensure_database(db)
    label = "drop, create database + PostGIS" if args.recreate else "create database + PostGIS"
    timings[label] = time.perf_counter() - started
    print(f"database {db['NAME']}: {'created' if created else 'exists'}", flush=True)
    prepare(timings)
    with connection.cursor() as cur:
        existing, last_seq = synthetic_state(cur)
    if existing >= args.count:
        print(f"{existing:,} synthetic reports already present (≥ {args.count:,}): nothing inserted.")
        return
    print(f"{existing:,} synthetic reports present, inserting {args.count - existing:,}", flush=True)
    batches = insert_reports(args, existing, last_seq)
    vacuum_started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE reports_report")
    timings["vacuum_analyze"] = time.perf_counter() - vacuum_started
    counts_started = time.perf_counter()
    call_command("refresh_report_counts", verbosity=0)  # the SQL insert bypassed the map's counts
    timings["refresh_report_counts"] = time.perf_counter() - counts_started
    timings["total"] = time.perf_counter() - started
    print(f"VACUUM ANALYZE: {timings['vacuum_analyze']:.1f} s; total {timings['total']:.1f} s")
    summary = table_summary()
    section = markdown(args, timings, batches, summary, server_versions())
    print(section)
    if not args.no_write:
        write_section(SECTION, section)
        print(f"written to {Path('docs/benchmarks.md')}", file=sys.stderr)


if __name__ == "__main__":
    main()
