"""Benchmark (not a test): ``GET /api/v1/reports/?bbox=…&page_size=1000`` against the same query as raw SQL.

Run from the repository root against a database filled by ``bench/generate_reports.py``::

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/maengelmelder_bench \\
        .venv/bin/python bench/reports_bbox.py [--runs 30] [--warmup 3] [--no-http] [--no-write]

Ten bounding boxes (city centres and rural areas across Saxony) are grown around their centre until each
holds at least ``--min-reports`` reports, so every request returns a full page of 1,000 features and the
database has to sort more rows than it returns. Per bbox and run, interleaved so drift in machine load hits
all of them alike, it times:

(a) the endpoint in-process through Django's test ``Client`` (URL routing, full middleware stack, DRF view,
    the JSON body built), the body read completely;
(b) the baseline: one raw SQL statement building the same FeatureCollection text with ``json_agg`` /
    ``json_build_object`` and ``ST_AsGeoJSON(ST_Transform(location, 4326), 6)`` — same filter (the app's
    densified bbox polygon, transformed to EPSG:25833 in SQL), same joins, same first-photo subquery, same
    order (created DESC, id DESC), LIMIT 1000 — sent through a plain psycopg connection (no auto-prepare),
    the text fetched;
(c) for the breakdown: the exact statement the app sent in (a) (captured), replayed through the same plain
    connection, all rows fetched — the database share of (a).

(a) and (b) are checked to return the same features. Target: p50 (a) ≤ 2 × p50 (b). Then, for information,
the endpoint over HTTP from a gunicorn (2 workers × 4 threads) this script starts on a free loopback port
and stops again, one keep-alive client; and ``EXPLAIN ANALYZE`` of the app's statement for one bbox. The
result is printed as Markdown and replaces the "Report bbox query" section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shlex
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    django_client,
    free_port,
    load,
    machine,
    now_utc,
    percentile,
    psycopg_kwargs,
    server_versions,
    setup_django,
    start_gunicorn,
    unapplied_migrations,
    wait_until_up,
    write_section,
)

SECTION = "## Report bbox query (bench/reports_bbox.py)"
PAGE_SIZE = 1000
TARGET_RATIO = 2.0
URL = "/api/v1/reports/"
WORKERS, THREADS = 2, 4
GROW = 1.15  # factor applied to the bbox half-side until it holds enough reports

# (name, lon, lat) in WGS84; the bbox is a square of 2·half km side around the point.
PLACES = [
    ("Dresden, Altstadt", 13.7373, 51.0504),
    ("Leipzig, Zentrum", 12.3731, 51.3397),
    ("Chemnitz, Zentrum", 12.9214, 50.8322),
    ("Zwickau", 12.4964, 50.7189),
    ("Plauen", 12.1372, 50.4958),
    ("Görlitz (border)", 14.9872, 51.1528),
    ("Freiberg", 13.3428, 50.9119),
    ("rural: Oschatzer Land", 13.0500, 51.3000),
    ("rural: Lausitz near Weißkollm", 14.4000, 51.4000),
    ("rural: Erzgebirge near Marienberg", 13.1600, 50.6500),
]


@dataclass
class Box:
    name: str
    bbox: str  # minlon,minlat,maxlon,maxlat
    side_km: float
    reports: int
    times: dict[str, list[float]] = field(default_factory=lambda: {"a": [], "b": [], "c": [], "http": []})
    size: dict[str, int] = field(default_factory=dict)


# --- bboxes ----------------------------------------------------------------------------------------------


def bbox_around(lon: float, lat: float, half_km: float) -> str:
    dlat = half_km / 111.2
    dlon = half_km / (111.2 * math.cos(math.radians(lat)))
    return f"{lon - dlon:.5f},{lat - dlat:.5f},{lon + dlon:.5f},{lat + dlat:.5f}"


def reports_in(bbox: str) -> int:
    from domains.reports.selectors import ReportFilter, reports_filtered
    from shared.http.filters import bbox_polygon

    return reports_filtered(ReportFilter(bbox=bbox_polygon(bbox))).count()


def saxony_km2() -> float:
    """Area of the current communes in km² (EPSG:25833 metres; the communes do not overlap)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT sum(ST_Area(geom)) / 1e6 FROM boundaries_commune WHERE valid_to IS NULL")
        return float(cur.fetchone()[0] or "nan")


def choose_boxes(min_reports: int) -> list[Box]:
    boxes = []
    for name, lon, lat in PLACES:
        half = 2.5
        bbox = bbox_around(lon, lat, half)
        count = reports_in(bbox)
        while count < min_reports:
            if half > 50:
                raise SystemExit(
                    f"{name}: fewer than {min_reports} reports within 100 km — generate data first"
                )
            half *= GROW
            bbox = bbox_around(lon, lat, half)
            count = reports_in(bbox)
        boxes.append(Box(name=name, bbox=bbox, side_km=2 * half, reports=count))
        print(f"{name}: bbox {bbox} ({2 * half:.1f} km side), {count:,} reports", flush=True)
    return boxes


# --- (a) endpoint, (b) raw SQL, (c) the app's own statement ------------------------------------------------


def endpoint_path(box: Box) -> str:
    return f"{URL}?{urlencode({'bbox': box.bbox, 'page_size': PAGE_SIZE})}"


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def public_columns() -> tuple[str, str]:
    """The public description and the visible-photo condition, as the app's selectors build them.

    Moderation (``description_hidden``, hidden photos) is only mirrored where the models have it.
    """
    from domains.reports import selectors
    from domains.reports.models import Report, ReportPhoto

    fields = {f.name for f in Report._meta.concrete_fields}
    description = "r.description"
    if "description_hidden" in fields:
        hidden = sql_text(selectors.HIDDEN_DESCRIPTION)
        description = f"CASE WHEN r.description_hidden THEN {hidden} ELSE r.description END"
    photo_fields = {f.name for f in ReportPhoto._meta.concrete_fields}
    photo_visible = "AND NOT p.hidden" if "hidden" in photo_fields else ""
    return description, photo_visible


def raw_sql() -> str:
    """The baseline statement; parameters: media base, detail base, bbox polygon WKT (EPSG:4326)."""
    from django.utils import translation

    from domains.reports.workflow import ReportStatus
    from kernel.geo.srid import API_SRID, STORAGE_SRID

    with translation.override("de"):
        labels = " ".join(
            f"WHEN '{value}' THEN {sql_text(str(label))}" for value, label in ReportStatus.choices
        )
    description, photo_visible = public_columns()
    return f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(json_agg(f.feature ORDER BY f.created DESC, f.id DESC), '[]'::json)
        )::text
        FROM (
            SELECT r.created, r.id, json_build_object(
                'type', 'Feature',
                'id', r.public_id,
                'geometry', ST_AsGeoJSON(ST_Transform(r.location, {API_SRID}), 6)::json,
                'properties', json_build_object(
                    'id', r.public_id,
                    'category', c.slug,
                    'category_name', c.name,
                    'description', {description},
                    'place', r.place,
                    'status', r.status,
                    'status_label', CASE r.status {labels} ELSE r.status END,
                    'commune', json_build_object('ags', cm.ags, 'name', cm.name),
                    'district', json_build_object('ags', d.ags, 'name', d.name),
                    'created', r.created,
                    'updated', r.updated,
                    'supporters', r.supporters,
                    'thumbnail_url', (
                        SELECT %(media)s || p.thumbnail FROM reports_reportphoto p
                        WHERE p.report_id = r.id {photo_visible} ORDER BY p.position, p.id LIMIT 1
                    ),
                    'url', %(detail)s || r.public_id || '/'
                )
            ) AS feature
            FROM reports_report r
            JOIN reports_category c ON c.id = r.category_id
            JOIN boundaries_commune cm ON cm.id = r.commune_id
            JOIN boundaries_district d ON d.id = r.district_id
            WHERE ST_Intersects(r.location, ST_Transform(ST_GeomFromText(%(wkt)s, {API_SRID}), {STORAGE_SRID}))
            ORDER BY r.created DESC, r.id DESC
            LIMIT {PAGE_SIZE}
        ) f
    """


def capture_app_sql(cl: Any, box: Box) -> str:
    """The statement the endpoint sends for ``box`` (psycopg client-side binding: the literal text)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        cl.get(endpoint_path(box))
    statements = [q["sql"] for q in ctx.captured_queries if "JSONB_BUILD_OBJECT" in q["sql"].upper()]
    if len(statements) != 1:
        raise SystemExit(f"expected one feature statement, captured {len(ctx.captured_queries)} queries")
    return statements[0]


@dataclass
class Runner:
    cl: Any
    raw_conn: Any
    media: str
    detail: str
    sql: str = field(init=False)

    def __post_init__(self) -> None:
        self.sql = raw_sql()

    def endpoint(self, box: Box) -> bytes:
        response = self.cl.get(endpoint_path(box))
        if response.status_code != 200:
            raise SystemExit(f"{box.name}: HTTP {response.status_code}: {response.content[:300]!r}")
        return response.content

    def raw(self, box: Box) -> str:
        from shared.http.filters import bbox_polygon

        params = {"media": self.media, "detail": self.detail, "wkt": bbox_polygon(box.bbox).wkt}
        with self.raw_conn.cursor() as cur:
            cur.execute(self.sql, params)
            return cur.fetchone()[0]

    def replay(self, statement: str) -> list[str]:
        with self.raw_conn.cursor() as cur:
            cur.execute(statement)
            return [row[0] for row in cur.fetchall()]


def check_same(box: Box, endpoint_body: bytes, raw_text: str) -> None:
    app = json.loads(endpoint_body)["features"]
    raw = json.loads(raw_text)["features"]
    if len(app) != PAGE_SIZE or app != raw:
        same_ids = [f["id"] for f in app] == [f["id"] for f in raw]
        raise SystemExit(f"{box.name}: endpoint and raw SQL differ ({len(app)}/{len(raw)}, ids {same_ids})")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def measure_in_process(runner: Runner, boxes: list[Box], args: argparse.Namespace) -> dict[str, str]:
    """(a), (b), (c) per bbox, rotating their order every run; returns the app statement per bbox."""
    statements = {box.name: capture_app_sql(runner.cl, box) for box in boxes}
    for box in boxes:
        body, text = runner.endpoint(box), runner.raw(box)
        check_same(box, body, text)
        box.size = {"a": len(body), "b": len(text.encode())}
    cases: list[tuple[str, Callable[[Box], object]]] = [
        ("a", runner.endpoint),
        ("b", runner.raw),
        ("c", lambda box: runner.replay(statements[box.name])),
    ]
    for run in range(args.warmup + args.runs):
        for box in boxes:
            rotated = cases[run % 3 :] + cases[: run % 3]
            for key, fn in rotated:
                seconds, _ = timed(lambda fn=fn, box=box: fn(box))
                if run >= args.warmup:
                    box.times[key].append(seconds)
        print(f"run {run + 1}/{args.warmup + args.runs} done", flush=True)
    return statements


# --- over HTTP (information) -------------------------------------------------------------------------------


def measure_http(boxes: list[Box], args: argparse.Namespace) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "gunicorn.log"
        proc = start_gunicorn(port, log, workers=WORKERS, threads=THREADS)
        try:
            wait_until_up(port, proc, log, f"{URL}?page_size=1")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for run in range(args.warmup + args.runs):
                for box in boxes:
                    start = time.perf_counter()
                    conn.request("GET", endpoint_path(box), headers={"Host": "127.0.0.1"})
                    response = conn.getresponse()
                    body = response.read()
                    seconds = time.perf_counter() - start
                    if response.status != 200:
                        raise SystemExit(f"{box.name}: HTTP {response.status} from gunicorn")
                    if run >= args.warmup:
                        box.times["http"].append(seconds)
                    box.size["http"] = len(body)
            conn.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)


# --- EXPLAIN -----------------------------------------------------------------------------------------------


HEX_GEOMETRY = re.compile(r"'[0-9A-F]{64,}'::geometry")


def explain(runner: Runner, statement: str, params: dict[str, str] | None = None) -> str:
    """The plan, with the bbox polygon literal (hex EWKB) shortened."""
    with runner.raw_conn.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    return HEX_GEOMETRY.sub("'<bbox polygon, EPSG:25833>'::geometry", plan)


def explain_raw(runner: Runner, box: Box) -> str:
    from shared.http.filters import bbox_polygon

    params = {"media": runner.media, "detail": runner.detail, "wkt": bbox_polygon(box.bbox).wkt}
    return explain(runner, runner.sql, params)


# --- report ------------------------------------------------------------------------------------------------


def ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000


def table(boxes: list[Box], with_http: bool) -> list[str]:
    head = "| bbox | side km | reports in bbox | (a) endpoint p50 / p95 ms | (b) raw SQL p50 / p95 ms | (a)/(b) p50 | (c) app SQL replayed p50 ms |"
    sep = "|---|---:|---:|---:|---:|---:|---:|"
    if with_http:
        head += " HTTP gunicorn p50 / p95 ms |"
        sep += "---:|"
    lines = [head, sep]
    for box in [*boxes, None]:
        t = box.times if box else {k: [v for b in boxes for v in b.times[k]] for k in boxes[0].times}
        name = box.name if box else "**all bboxes**"
        side = f"{box.side_km:.1f}" if box else ""
        count = f"{box.reports:,}" if box else f"{sum(b.reports for b in boxes):,}"
        ratio = f"{percentile(t['a'], 50) / percentile(t['b'], 50):.2f}×"
        row = (
            f"| {name} | {side} | {count} | {ms(t['a'], 50):.1f} / {ms(t['a'], 95):.1f} | "
            f"{ms(t['b'], 50):.1f} / {ms(t['b'], 95):.1f} | {ratio if box else f'**{ratio}**'} | "
            f"{ms(t['c'], 50):.1f} |"
        )
        if with_http:
            row += f" {ms(t['http'], 50):.1f} / {ms(t['http'], 95):.1f} |"
        lines.append(row)
    return lines


def markdown(args: argparse.Namespace, boxes: list[Box], plans: tuple[str, str], versions: str) -> str:
    pooled = {k: [v for b in boxes for v in b.times[k]] for k in ("a", "b", "c")}
    ratio = percentile(pooled["a"], 50) / percentile(pooled["b"], 50)
    per_box = sorted(percentile(b.times["a"], 50) / percentile(b.times["b"], 50) for b in boxes)
    met = "**met**" if ratio <= TARGET_RATIO else "**not met**"
    overhead = percentile(pooled["a"], 50) - percentile(pooled["c"], 50)
    with_http = bool(boxes[0].times["http"])
    sizes = boxes[0].size
    lines = [
        f"Command: `{args.command}` — {now_utc()}.",
        "",
        f"- Machine: {machine()}; load average at start {args.load_start}, at end {load()} "
        "(other jobs were running: read the ratio, not the milliseconds).",
        f"- {versions}; database `{args.db_name}` with {args.total_reports:,} reports from "
        f"`bench/generate_reports.py` (≈ {args.density:.0f} per km², uniform over Saxony).",
        f"- Request: `GET {URL}?bbox=…&page_size={PAGE_SIZE}`, each bbox a square grown until it holds "
        f"≥ {args.min_reports:,} reports, so every answer is a full page of {PAGE_SIZE:,} features "
        f"(response {sizes['a'] / 1024:.0f} KiB for the first bbox; raw SQL text {sizes['b'] / 1024:.0f} KiB — "
        '`jsonb` prints `"key": value`, `json_build_object` `"key" : value`).',
        f"- {args.runs} timed runs per bbox and method after {args.warmup} warm-up runs; (a), (b), (c) "
        "interleaved with rotating order; p50/p95 are nearest-rank percentiles.",
        "- (a) endpoint in-process via Django's test `Client` (full middleware stack, body read); "
        "(b) one raw statement (`json_agg` + `json_build_object` + `ST_AsGeoJSON(ST_Transform(location, 4326), 6)`, "
        "same filter, joins, first-photo subquery, order and limit) through a plain psycopg connection; "
        "(c) the very statement (a) sent, replayed through that connection (the database share of (a)). "
        "(a) and (b) were checked to return identical features.",
    ]
    if with_http:
        lines.append(
            f"- HTTP: gunicorn `config.wsgi:application`, {WORKERS} workers × {THREADS} threads on loopback, "
            "one keep-alive client, sequential requests (information only; measured after (a)–(c))."
        )
    lines += ["", *table(boxes, with_http), ""]
    lines += [
        f"Ratio (a)/(b) of the pooled p50: **{ratio:.2f}×** (per bbox {per_box[0]:.2f}×–{per_box[-1]:.2f}×) "
        f"— target ≤ {TARGET_RATIO:g}× {met}. Of the endpoint's p50 of {ms(pooled['a'], 50):.1f} ms, the app's "
        f"own statement takes {ms(pooled['c'], 50):.1f} ms in the database; Django, DRF, middleware and "
        f"building the body add {overhead * 1000:.1f} ms.",
        "",
        "<details><summary>"
        f"<code>EXPLAIN (ANALYZE, BUFFERS)</code> of the app's statement for “{boxes[0].name}”</summary>",
        "",
        "```",
        plans[0],
        "```",
        "",
        "</details>",
        "",
        "<details><summary>The raw baseline for the same bbox</summary>",
        "",
        "```",
        plans[1],
        "```",
        "",
        "</details>",
    ]
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per bbox and method")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--min-reports", type=int, default=1500, help="reports each bbox must hold")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn measurement")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {SECTION!r}")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0 or args.min_reports < PAGE_SIZE:
        parser.error(f"--runs ≥ 1, --warmup ≥ 0, --min-reports ≥ {PAGE_SIZE}")
    args.command = "DATABASE_URL=… " + shlex.join(
        [os.path.relpath(sys.executable, ROOT), "bench/reports_bbox.py", *sys.argv[1:]]
    )
    args.load_start = load()
    return args


def main() -> None:
    args = parse_args()
    db = setup_django()
    import psycopg

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, STATIC_ROOT not collected

    from domains.reports.models import Report

    pending = unapplied_migrations()
    if pending:
        raise SystemExit(
            f"{db['NAME']} lacks migrations ({', '.join(pending)}): run bench/generate_reports.py first "
            "(it migrates; --recreate after incompatible schema changes)."
        )
    args.db_name = db["NAME"]
    args.total_reports = Report.objects.count()
    args.density = args.total_reports / saxony_km2()
    boxes = choose_boxes(args.min_reports)
    cl = django_client()
    host = cl.defaults["HTTP_HOST"]
    with psycopg.connect(**psycopg_kwargs(db), autocommit=True, prepare_threshold=None) as raw_conn:
        raw_conn.execute("SET TIME ZONE 'UTC'")  # as Django's connection (USE_TZ)
        runner = Runner(cl=cl, raw_conn=raw_conn, media=f"http://{host}/media/", detail=f"http://{host}{URL}")
        statements = measure_in_process(runner, boxes, args)
        plans = (explain(runner, statements[boxes[0].name]), explain_raw(runner, boxes[0]))
    if not args.no_http:
        measure_http(boxes, args)
    section = markdown(args, boxes, plans, server_versions())
    print(section)
    if not args.no_write:
        write_section(SECTION, section)
        print("written to docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
