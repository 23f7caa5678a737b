"""Benchmark (not a test): which commune covers each of many random points in Saxony, four ways.

Run from the repository root against the dev database in ``.env``::

    .venv/bin/python bench/assign.py [--points 100000] [--seed 1]

Uniform random points in Saxony's bounding box (EPSG:25833, ``kernel.geo.srid.SAXONY_BBOX_25833``) are assigned by
(a) naive ``ST_Covers`` on the full commune polygons, (b) the subdivided lookup table, (c) Shapely's
``STRtree`` over prepared geometries in this process (the CPU limit) and (d) ``kernel.boundaries.assignment.assign_many``
— each on the shipped boundaries and on the same boundaries densified to 20 m vertex spacing
(``ST_Segmentize``, standing in for cadastral detail). The densified copies live in ``bench_*`` tables that
are dropped at the end (``--keep-tables`` keeps them); the app's own tables are only read. Then it measures
single-point latency of ``assign_point`` against the same SQL sent through a plain cursor, and the locate
endpoint served by gunicorn with one keep-alive client. The result is printed as Markdown and replaces the
"Commune assignment" section of ``docs/benchmarks.md``. Numbers are throughputs and ratios of one run on one
machine, never pass/fail tests. Helpers: ``bench/assign_latency.py`` (single point, HTTP) and
``bench/assign_report.py`` (result types, Markdown).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import shlex
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import psycopg  # noqa: E402
import shapely  # noqa: E402
from django.contrib.gis.geos import Point  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.assign_latency import locate_latency, point_latency, to_wgs84  # noqa: E402
from bench.assign_report import COMMUNES, PARTS, SEGMENT_M, Report, Run, markdown, write_doc  # noqa: E402
from kernel.boundaries.assignment import BULK_SQL, assign_many  # noqa: E402
from kernel.boundaries.importer import MAX_PART_VERTICES  # noqa: E402
from kernel.boundaries.selectors import today  # noqa: E402
from kernel.geo import assignment  # noqa: E402
from kernel.geo.srid import API_SRID, SAXONY_BBOX_25833, STORAGE_SRID  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
DENSE_COMMUNES, DENSE_PARTS, SCRATCH_POINTS = "bench_commune_dense", "bench_communepart_dense", "bench_points"
TABLES = {"shipped": (COMMUNES, PARTS), "dense": (DENSE_COMMUNES, DENSE_PARTS)}

# (a) and (b): the service's bulk statement shape, parameterised by table and id column.
LOOKUP_SQL = """
    SELECT (
        SELECT p.{id_col} FROM {table} p
        WHERE ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), {srid}))
          AND p.valid_from <= %(day)s AND (p.valid_to IS NULL OR p.valid_to > %(day)s)
        ORDER BY p.ags LIMIT 1
    )
    FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS t(x, y, ord)
    ORDER BY t.ord
"""

# Alternative bulk form: a plain (left) join, the lower AGS picked by DISTINCT ON instead of LIMIT 1.
JOIN_SQL = """
    SELECT DISTINCT ON (t.ord) p.commune_id
    FROM {points} AS t(x, y, ord)
    LEFT JOIN {parts} p
      ON ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), {srid}))
     AND p.valid_from <= %(day)s AND (p.valid_to IS NULL OR p.valid_to > %(day)s)
    ORDER BY t.ord, p.ags
"""
UNNEST = "unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY"
# The floor of every SQL form: ship the arrays, get one row per point back, no spatial work.
FLOOR_SQL = (
    f"SELECT NULL::bigint FROM {UNNEST} AS t(x, y, ord) WHERE %(day)s::date IS NOT NULL ORDER BY t.ord"
)


# --- setup ------------------------------------------------------------------------------------------


def scalar(sql: str, params: object = None) -> object:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def execute(*statements: str) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def drop_tables() -> None:
    execute(f"DROP TABLE IF EXISTS {DENSE_PARTS}, {DENSE_COMMUNES}, {SCRATCH_POINTS}")


def build_dense_tables() -> float:
    """Copy communes densified to SEGMENT_M and their subdivided parts into bench tables; returns seconds."""
    start = time.perf_counter()
    drop_tables()
    execute(
        f"""CREATE TABLE {DENSE_COMMUNES} AS
            SELECT id, ags, valid_from, valid_to,
                   ST_Segmentize(geom, {SEGMENT_M})::geometry(MultiPolygon, {STORAGE_SRID}) AS geom
            FROM {COMMUNES}""",
        f"""CREATE TABLE {DENSE_PARTS} AS
            SELECT id AS commune_id, ags, valid_from, valid_to,
                   (ST_Dump(ST_Subdivide(geom, {MAX_PART_VERTICES}))).geom::geometry(Polygon, {STORAGE_SRID}) AS geom
            FROM {DENSE_COMMUNES}""",
        f"CREATE INDEX ON {DENSE_COMMUNES} USING gist (geom)",
        f"CREATE INDEX ON {DENSE_PARTS} USING gist (geom)",
        f"ANALYZE {DENSE_COMMUNES}",
        f"ANALYZE {DENSE_PARTS}",
        f"CREATE UNLOGGED TABLE {SCRATCH_POINTS} (x float8, y float8, ord bigint)",
    )
    return time.perf_counter() - start


def data_sizes() -> dict[str, tuple[int, int, int, int]]:
    """Per variant: communes, their vertices, lookup parts, part vertices."""
    sizes = {}
    for key, (communes, parts) in TABLES.items():
        row = []
        for table in (communes, parts):
            with connection.cursor() as cur:
                cur.execute(f"SELECT count(*), sum(ST_NPoints(geom)) FROM {table}")
                row.extend(int(v) for v in cur.fetchone())
        sizes[key] = (row[0], row[1], row[2], row[3])
    return sizes


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), "?"
    )
    virtual = " (virtual machine)" if " hypervisor" in cpuinfo else ""
    meminfo = Path("/proc/meminfo").read_text().split()
    ram_gib = int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2
    settings = {
        name: str(scalar(f"SHOW {name}"))
        for name in ("jit", "max_parallel_workers_per_gather", "work_mem", "shared_buffers")
    }
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return {
        "cpu": f"{model}, {os.cpu_count()} cores{virtual}, {ram_gib:.1f} GiB RAM",
        "os": f"{platform.system()} {platform.release()}, load average at start {load}",
        "db": (
            f"PostgreSQL {scalar('SHOW server_version')}, PostGIS {scalar('SELECT postgis_lib_version()')} "
            f"(GEOS {scalar('SELECT postgis_geos_version()')}), on the same machine; server defaults: "
            + ", ".join(f"{k} = {v}" for k, v in settings.items())
        ),
        "python": (
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"Shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), NumPy {np.__version__}"
        ),
    }


# --- bulk methods -------------------------------------------------------------------------------------


@dataclass
class Points:
    xs: np.ndarray
    ys: np.ndarray
    xl: list[float] = field(init=False)
    yl: list[float] = field(init=False)
    xy: list[tuple[float, float]] = field(init=False)

    def __post_init__(self) -> None:
        self.xl, self.yl = self.xs.tolist(), self.ys.tolist()
        self.xy = list(zip(self.xl, self.yl, strict=True))

    def __len__(self) -> int:
        return len(self.xl)


def random_points(n: int, seed: int) -> Points:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = SAXONY_BBOX_25833
    return Points(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n))


def to_ids(values: list[int | None]) -> np.ndarray:
    return np.array([-1 if v is None else v for v in values], dtype=np.int64)


def django_cursor_ids(sql: str, pts: Points) -> list[int | None]:
    """A bulk statement through Django's cursor: client-side binding renders every coordinate into the SQL
    text, and the server's JIT setting applies (the service's form before it bound arrays server-side)."""
    with connection.cursor() as cur:
        cur.execute(sql, {"xs": pts.xl, "ys": pts.yl, "day": today()})
        return [row[0] for row in cur.fetchall()]


@contextlib.contextmanager
def service_statement(sql: str):  # type: ignore[no-untyped-def]
    """Let ``assign_many`` run ``sql`` instead of its ``BULK_SQL``: same binding, settings and fetching."""
    assert "BULK_SQL" in assign_many.__code__.co_names, "assign_many no longer reads BULK_SQL; update bench"
    saved = assignment.BULK_SQL
    assignment.BULK_SQL = sql
    try:
        yield
    finally:
        assignment.BULK_SQL = saved


def binary(sql: str) -> str:
    """The statement with the coordinate arrays bound explicitly in binary (psycopg ``%b``).

    ``%s`` lets psycopg choose, and for a list of floats it dumps text, element by element in Python.
    """
    return sql.replace("%(xs)s", "%(xs)b").replace("%(ys)s", "%(ys)b")


def via_service(sql: str, xy: list[tuple[float, float]]) -> list[int | None]:
    with service_statement(sql):
        return assign_many(xy)


def lookup_sql(table: str, id_col: str) -> str:
    return LOOKUP_SQL.format(table=table, id_col=id_col, srid=STORAGE_SRID)


def service_sql(parts: str) -> str:
    """The service's own statement (``BULK_SQL``), pointed at ``parts``; follows any change to it."""
    assert PARTS in BULK_SQL, f"BULK_SQL no longer reads {PARTS}; update bench/assign.py"
    return BULK_SQL.replace(PARTS, parts)


@dataclass
class Tree:
    tree: shapely.STRtree
    ids: np.ndarray  # commune id per tree item, items ordered by AGS so the lowest index wins ties
    setup_s: float


def build_tree(table: str) -> Tree:
    """Load the communes valid today as WKB, prepare them and build an STRtree (timed as setup)."""
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, ST_AsBinary(geom) FROM {table} "
            "WHERE valid_from <= %(day)s AND (valid_to IS NULL OR valid_to > %(day)s) ORDER BY ags",
            {"day": today()},
        )
        rows = cur.fetchall()
    geoms = shapely.from_wkb([bytes(wkb) for _, wkb in rows])
    shapely.prepare(geoms)
    tree = shapely.STRtree(geoms)
    return Tree(tree, np.array([cid for cid, _ in rows], dtype=np.int64), time.perf_counter() - start)


def tree_ids(tree: Tree, pts: Points) -> np.ndarray:
    """Point-in-polygon in process: ``covered_by`` = the commune covers the point (border included)."""
    points = shapely.points(pts.xs, pts.ys)
    point_idx, item_idx = tree.tree.query(points, predicate="covered_by")
    best = np.full(len(pts), len(tree.ids), dtype=np.int64)
    np.minimum.at(best, point_idx, item_idx)
    ids_plus_none = np.append(tree.ids, -1)
    return ids_plus_none[best]


def morton_order(pts: Points) -> np.ndarray:
    """Z-order of the points on a 65,536² grid over the bounding box: neighbours in space stay close."""

    def spread(v: np.ndarray) -> np.ndarray:
        v = v.astype(np.uint64)
        for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
            v = (v | (v << np.uint64(shift))) & np.uint64(mask)
        return v

    minx, miny, maxx, maxy = SAXONY_BBOX_25833
    qx = ((pts.xs - minx) / (maxx - minx) * 65535).clip(0, 65535)
    qy = ((pts.ys - miny) / (maxy - miny) * 65535).clip(0, 65535)
    return np.argsort(spread(qx) | (spread(qy) << np.uint64(1)), kind="stable")


def presorted_ids(parts: str, pts: Points) -> np.ndarray:
    order = morton_order(pts)
    sorted_pts = Points(pts.xs[order], pts.ys[order])
    out = np.empty(len(pts), dtype=np.int64)
    out[order] = to_ids(via_service(service_sql(parts), sorted_pts.xy))
    return out


def scratch_parallel_ids(parts: str, pts: Points) -> list[int | None]:
    """Points INSERTed into an unlogged table so PostgreSQL may scan them with parallel workers."""
    sql = JOIN_SQL.format(points=SCRATCH_POINTS, parts=parts, srid=STORAGE_SRID)
    connection.ensure_connection()
    with transaction.atomic(), psycopg.Cursor(connection.connection) as cur:
        cur.execute(f"TRUNCATE {SCRATCH_POINTS}")
        cur.execute(
            f"INSERT INTO {SCRATCH_POINTS} SELECT * FROM {binary(UNNEST)}", {"xs": pts.xl, "ys": pts.yl}
        )
        cur.execute("SET LOCAL jit = off")
        cur.execute("SET LOCAL min_parallel_table_scan_size = 0")
        cur.execute(sql, {"day": today()})
        return [row[0] for row in cur.fetchall()]


def measure_all(
    methods: dict[tuple[str, str], Callable[[], object]], repeat: int
) -> dict[tuple[str, str], Run]:
    """One untimed warm-up round, then ``repeat`` timed rounds over all methods in turn.

    Rounds rather than blocks: a change in machine load (other jobs on a shared box) then hits every method
    alike, so the ratios stay meaningful. Each call is timed end to end; the last result is kept.
    """
    seconds: dict[tuple[str, str], list[float]] = {key: [] for key in methods}
    results: dict[tuple[str, str], object] = {}
    for round_no in range(repeat + 1):
        for key, fn in methods.items():
            start = time.perf_counter()
            results[key] = fn()
            if round_no:
                seconds[key].append(time.perf_counter() - start)
        print(f"  round {round_no}/{repeat} done", file=sys.stderr)
    runs = {}
    for key, result in results.items():
        ids = result if isinstance(result, np.ndarray) else to_ids(result)  # type: ignore[arg-type]
        runs[key] = Run(seconds[key], ids)
        print(f"  {' '.join(key)}: median {statistics.median(seconds[key]):.3f} s", file=sys.stderr)
    return runs


def bulk_methods(pts: Points, trees: dict[str, Tree]) -> dict[tuple[str, str], Callable[[], object]]:
    """(a), (b) and (d) all run through ``assign_many``'s transport, so they differ only in the statement."""
    methods: dict[tuple[str, str], Callable[[], object]] = {}
    for key, (communes, parts) in TABLES.items():
        methods["a", key] = lambda c=communes: via_service(lookup_sql(c, "id"), pts.xy)
        methods["b", key] = lambda p=parts: via_service(lookup_sql(p, "commune_id"), pts.xy)
        methods["c", key] = lambda t=trees[key]: tree_ids(t, pts)
        if key == "shipped":
            methods["d", key] = lambda: assign_many(pts.xy)
        else:
            methods["d", key] = lambda p=parts: via_service(service_sql(p), pts.xy)
    return methods


def variant_methods(pts: Points) -> dict[tuple[str, str], Callable[[], object]]:
    methods: dict[tuple[str, str], Callable[[], object]] = {}
    join_unnest = JOIN_SQL.format(points=UNNEST, parts="{parts}", srid=STORAGE_SRID)
    for key, (_, parts) in TABLES.items():
        methods["v0", key] = lambda: via_service(FLOOR_SQL, pts.xy)
        methods["v0b", key] = lambda: via_service(binary(FLOOR_SQL), pts.xy)
        methods["v1", key] = lambda p=parts: via_service(service_sql(p), pts.xy)
        methods["v2", key] = lambda p=parts: django_cursor_ids(service_sql(p), pts)
        methods["v3", key] = lambda p=parts: via_service(join_unnest.format(parts=p), pts.xy)
        methods["v4", key] = lambda p=parts: presorted_ids(p, pts)
        methods["v5", key] = lambda p=parts: scratch_parallel_ids(p, pts)
        methods["v6", key] = lambda p=parts: via_service(binary(service_sql(p)), pts.xy)
        methods["v7", key] = lambda p=parts: via_service(binary(join_unnest.format(parts=p)), pts.xy)
    return methods


# --- main ---------------------------------------------------------------------------------------------


def compare(bulk: dict[tuple[str, str], Run], pts: Points) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """Differences of every method to (d) on the shipped data, with up to 3 examples (x, y: ids)."""
    reference = bulk["d", "shipped"].ids
    out = {}
    for key, run in bulk.items():
        diff = np.flatnonzero(run.ids != reference)
        examples = [f"{pts.xs[i]:.2f} {pts.ys[i]:.2f}: {reference[i]} vs {run.ids[i]}" for i in diff[:3]]
        out[key] = (len(diff), examples)
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--points", type=int, default=100_000, help="random points (default 100,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds over all methods (median)")
    parser.add_argument("--calls", type=int, default=2000, help="single-point calls and HTTP requests")
    parser.add_argument("--keep-tables", action="store_true", help="keep the bench_* tables afterwards")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md alone")
    args = parser.parse_args()
    args.command = shlex.join([os.path.relpath(sys.executable, ROOT), "bench/assign.py", *sys.argv[1:]])
    args.started = dt.datetime.now().astimezone()
    return args


def run_all(args: argparse.Namespace, info: dict[str, str]) -> Report:
    print("building densified tables …", file=sys.stderr)
    build_s = build_dense_tables()
    sizes = data_sizes()
    pts = random_points(args.points, args.seed)
    trees = {key: build_tree(communes) for key, (communes, _) in TABLES.items()}
    print("bulk methods and SQL variants …", file=sys.stderr)
    runs = measure_all({**bulk_methods(pts, trees), **variant_methods(pts)}, args.repeat)
    bulk = {key: run for key, run in runs.items() if not key[0].startswith("v")}
    variants = {key: run for key, run in runs.items() if key[0].startswith("v")}
    reference = bulk["d", "shipped"].ids
    inside = np.flatnonzero(reference >= 0)
    sample = inside[: args.calls]
    print("single-point latency …", file=sys.stderr)
    utm = [Point(float(pts.xs[i]), float(pts.ys[i]), srid=STORAGE_SRID) for i in sample]
    wgs = [Point(lon, lat, srid=API_SRID) for lon, lat in to_wgs84(pts.xs[sample], pts.ys[sample])]
    latency = point_latency(utm, wgs)
    print("locate endpoint …", file=sys.stderr)
    endpoint = locate_latency(pts.xs[sample], pts.ys[sample], reference[sample])
    return Report(
        args=args,
        machine=info,
        sizes=sizes,
        dense_build_s=build_s,
        n_inside=len(inside),
        bulk=bulk,
        variants=variants,
        tree_setup_s={key: tree.setup_s for key, tree in trees.items()},
        mismatches=compare(bulk, pts),
        latency=latency,
        endpoint=endpoint,
    )


def main() -> None:
    args = parse_args()
    # A plain kill should still drop the bench tables (the finally below), not only Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    load_at_start = os.getloadavg()[0]
    info = machine()
    try:
        report = run_all(args, info)
    finally:
        if not args.keep_tables:
            drop_tables()
    info["os"] += ", at end " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
    busiest = max(load_at_start, os.getloadavg()[0])
    if busiest > (os.cpu_count() or 1) / 2:
        info["note"] = (
            f"other jobs were running (1-minute load up to {busiest:.1f} on {os.cpu_count()} cores): absolute "
            "times and tail latencies are inflated; ratios from the interleaved rounds are the figures to read."
        )
    section = markdown(report)
    print(section)
    if not args.no_write:
        write_doc(DOC, section)
        print(f"written to {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
