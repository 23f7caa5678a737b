"""Single-point latency of ``assign_point`` and of the locate endpoint, for ``bench/assign.py``.

The endpoint is served by a gunicorn this module starts on a free loopback port and stops again; one client
sends sequential requests over a keep-alive connection.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client

from bench.assign_report import EndpointResult, Latency
from bench.common import free_port, start_gunicorn, wait_until_up
from kernel.boundaries.assignment import assign_point
from kernel.boundaries.models import Commune
from kernel.geo.coords import to_storage
from kernel.geo.srid import API_SRID, STORAGE_SRID

WORKERS, THREADS = 2, 4
POINT_WARMUP, HTTP_WARMUP = 100, 200
LOCATE = "/api/v1/communes/locate/?lon={lon!r}&lat={lat!r}"


def to_wgs84(xs: np.ndarray, ys: np.ndarray) -> list[tuple[float, float]]:
    """EPSG:25833 → WGS84 lon/lat, transformed in the database."""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT ST_X(g), ST_Y(g) FROM (
                SELECT ord, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), {STORAGE_SRID}), {API_SRID}) AS g
                FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t(x, y, ord)
            ) s ORDER BY ord
            """,
            [xs.tolist(), ys.tolist()],
        )
        return [(float(lon), float(lat)) for lon, lat in cur.fetchall()]


# --- assign_point against its own SQL ------------------------------------------------------------------


def capture_service_sql(point: Point) -> list[tuple[str, tuple]]:
    captured: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        captured.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assign_point(point)
    return captured


def raw_replay(point: Point) -> tuple[Callable[[Point], None], int]:
    """A function sending the very statement ``assign_point`` sends for a point, through one plain cursor.

    The statement is captured from a real call; the point's coordinates (or geometry) among its parameters
    are swapped for each new point. A service sending several dependent statements is not replayable this way.
    """
    statements = capture_service_sql(point)
    if len(statements) != 1:
        raise SystemExit(
            f"assign_point now sends {len(statements)} statements; update bench/assign_latency.py"
        )
    sql, params = statements[0]

    def swap(value: object, new: Point) -> object:
        if isinstance(value, PostGISAdapter):
            return PostGISAdapter(new)
        if isinstance(value, float) and value in (point.x, point.y):
            return new.x if value == point.x else new.y
        return value

    if not any(
        isinstance(p, PostGISAdapter) or (isinstance(p, float) and p in (point.x, point.y)) for p in params
    ):
        raise SystemExit(
            "cannot find the point among assign_point's SQL parameters; update bench/assign_latency.py"
        )
    cur = connection.cursor()

    def raw(new: Point) -> None:
        cur.execute(sql, [swap(p, new) for p in params])
        cur.fetchone()

    return raw, len(statements)


def point_latency(utm: list[Point], wgs: list[Point]) -> Latency:
    """All cases interleaved point by point, so drift in machine load hits each of them alike."""
    raw, statements = raw_replay(utm[0])
    cases: dict[str, Callable[[int], object]] = {
        "raw": lambda i: raw(utm[i]),
        "service": lambda i: assign_point(utm[i]),
        "service_wgs84": lambda i: assign_point(wgs[i]),
        "to_storage": lambda i: to_storage(wgs[i]),
    }
    warmup = min(POINT_WARMUP, len(utm))
    result = Latency(statements=statements, warmup=warmup)
    for round_no, i in enumerate([*range(warmup), *range(len(utm))]):
        for key, fn in cases.items():
            start = time.perf_counter()
            fn(i)
            elapsed = time.perf_counter() - start
            if round_no >= warmup:
                result.cases[key].append(elapsed)
    return result


# --- locate endpoint -------------------------------------------------------------------------------------


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    try:
        conn.request("GET", path)
        response = conn.getresponse()
    except (http.client.RemoteDisconnected, ConnectionError):
        conn.close()  # the server closed the idle keep-alive connection: reconnect once
        conn.request("GET", path)
        response = conn.getresponse()
    return response.status, response.read()


def http_client(
    port: int, points: list[tuple[float, float]], expected: list[str], result: EndpointResult
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for i in range(-HTTP_WARMUP, len(points)):
            lon, lat = points[i % len(points)]
            start = time.perf_counter()
            status, body = get(conn, LOCATE.format(lon=lon, lat=lat))
            elapsed = time.perf_counter() - start
            if i < 0:
                continue
            result.seconds.append(elapsed)
            if status != 200:
                result.errors += 1
            elif json.loads(body)["ags"] != expected[i]:
                result.wrong += 1
    finally:
        conn.close()


def in_process(points: list[tuple[float, float]], result: EndpointResult) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    for i in range(-HTTP_WARMUP, len(points)):
        lon, lat = points[i % len(points)]
        start = time.perf_counter()
        client.get(LOCATE.format(lon=lon, lat=lat))
        if i >= 0:
            result.in_process.append(time.perf_counter() - start)


def locate_latency(xs: np.ndarray, ys: np.ndarray, commune_ids: np.ndarray) -> EndpointResult:
    """Sequential GETs for EPSG:25833 points whose bulk-assigned commune versions are ``commune_ids``."""
    points = to_wgs84(xs, ys)
    ags_by_id = dict(Commune.objects.values_list("id", "ags"))
    expected = [ags_by_id[int(cid)] for cid in commune_ids]
    result = EndpointResult(warmup=HTTP_WARMUP)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-gunicorn-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        proc = start_gunicorn(port, log, workers=WORKERS, threads=THREADS)
        try:
            wait_until_up(port, proc, log, "/healthz")
            http_client(port, points, expected, result)
        finally:
            stop(proc)
    in_process(points, result)
    return result
