"""Vector tiles of reports (Mapbox Vector Tile via PostGIS ``ST_AsMVT``), one SQL statement per tile.

Public reports (``PUBLIC_REPORTS``, never internal ones) and public fields only. So that a tile stays small with a million reports, points are aggregated at low zoom:

* z ≤ 9: one feature per commune with the number of all its reports, at the commune's
  ``ST_PointOnSurface`` (in the tile holding that point), summed from the pre-aggregated counts per
  commune version, status and category (``ReportCount``, kept exact on every write by
  ``domains.reports.tiles.counts``) — a few thousand rows instead of up to a million reports per tile;
* z 10–14: grid clusters (64 × 64 cells per tile) with a count; a cell holding one report carries its id;
* z ≥ 15: every report as a point with id, status and category.

Built tiles are cached (``domains.reports.tiles.cache``); :func:`tiles_touched` tells it which tiles a report is in.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.gis.geos import Point
from django.db import connection, connections

from domains.reports.models import public_reports_sql
from kernel.core.replica_router import read_alias
from kernel.geo.tiles import BUFFER, EXTENT, MAX_ZOOM, WORLD_M, Tile

PUBLIC = public_reports_sql("r")  # z ≤ 9 sums ReportCount, which counts public reports only
COMMUNE_LEVEL_MAX_Z = 9  # a z9 tile is ~80 km wide: grid clusters there cost ~0.7 s with 1M reports
CLUSTER_MAX_Z = 14
GRID_CELLS = 64

_ENVELOPE = """
    WITH env AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS g),
         search AS (SELECT ST_Transform(ST_Expand(env.g, %(margin)s), 25833) AS g FROM env)
"""


def _filters(statuses: Sequence[str], categories: Sequence[str]) -> tuple[str, dict]:
    sql, params = "", {}
    if statuses:
        sql += " AND r.status = ANY(%(statuses)s)"
        params["statuses"] = list(statuses)
    if categories:
        sql += " AND c.slug = ANY(%(categories)s)"
        params["categories"] = list(categories)
    return sql, params


def _commune_counts_sql(where: str, category_join: str) -> str:
    # One feature per commune, at its ST_PointOnSurface, in the tile that holds that point, counting *all*
    # the commune's reports: counting only the reports inside the tile would lose those of a commune that
    # crosses a tile border (its point, and so its feature, is in one tile only).
    return (
        _ENVELOPE
        + f"""
            , labels AS (
                SELECT b.id, b.ags, b.name, ST_Transform(ST_PointOnSurface(b.geom), 3857) AS g
                FROM boundaries_commune b, search
                WHERE b.geom && search.g
            ), inside AS (
                SELECT labels.* FROM labels, env WHERE labels.g && ST_Expand(env.g, %(margin)s)
            ), counts AS (
                SELECT r.commune_id, sum(r.n) AS n FROM reports_reportcount r {category_join}
                WHERE r.commune_id IN (SELECT id FROM inside) {where}
                GROUP BY r.commune_id HAVING sum(r.n) > 0
            ), features AS (
                SELECT ST_AsMVTGeom(inside.g, env.g, %(extent)s, %(buffer)s, true) AS geom,
                       inside.ags AS commune, inside.name AS commune_name, counts.n::int AS count
                FROM counts JOIN inside ON inside.id = counts.commune_id, env
            )
            SELECT ST_AsMVT(features, 'reports', %(extent)s, 'geom') FROM features WHERE geom IS NOT NULL
            """
    )


def _grid_clusters_sql(where: str) -> str:
    return (
        _ENVELOPE
        + f"""
            , pts AS (
                SELECT ST_Transform(r.location, 3857) AS g, r.public_id, r.status, c.slug AS category
                FROM reports_report r JOIN reports_category c ON c.id = r.category_id, search
                WHERE r.location && search.g AND {PUBLIC} {where}
            ), cells AS (
                SELECT ST_SnapToGrid(g, %(cell)s) AS cell, count(*) AS n,
                       ST_Centroid(ST_Collect(g)) AS centre,
                       (array_agg(public_id))[1] AS id, (array_agg(status))[1] AS status,
                       (array_agg(category))[1] AS category
                FROM pts GROUP BY 1
            ), features AS (
                SELECT ST_AsMVTGeom(centre, env.g, %(extent)s, %(buffer)s, true) AS geom, n::int AS count,
                       CASE WHEN n = 1 THEN id END AS id, CASE WHEN n = 1 THEN status END AS status,
                       CASE WHEN n = 1 THEN category END AS category
                FROM cells, env
            )
            SELECT ST_AsMVT(features, 'reports', %(extent)s, 'geom') FROM features WHERE geom IS NOT NULL
            """
    )


def _points_sql(where: str) -> str:
    return (
        _ENVELOPE
        + f"""
            , features AS (
                SELECT ST_AsMVTGeom(ST_Transform(r.location, 3857), env.g, %(extent)s, %(buffer)s, true) AS geom,
                       r.public_id AS id, r.status, c.slug AS category, 1 AS count
                FROM reports_report r JOIN reports_category c ON c.id = r.category_id, search, env
                WHERE r.location && search.g AND {PUBLIC} {where}
            )
            SELECT ST_AsMVT(features, 'reports', %(extent)s, 'geom') FROM features WHERE geom IS NOT NULL
            """
    )


def report_tile(t: Tile, *, statuses: Sequence[str] = (), categories: Sequence[str] = ()) -> bytes:
    where, params = _filters(statuses, categories)
    params.update(z=t.z, x=t.x, y=t.y, extent=EXTENT, buffer=BUFFER, margin=t.size_m * BUFFER / EXTENT)
    if t.z <= COMMUNE_LEVEL_MAX_Z:
        category_join = "JOIN reports_category c ON c.id = r.category_id" if categories else ""
        sql = _commune_counts_sql(where, category_join)
    elif t.z <= CLUSTER_MAX_Z:
        params["cell"] = t.size_m / GRID_CELLS
        sql = _grid_clusters_sql(where)
    else:
        sql = _points_sql(where)
    with connections[read_alias()].cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


# Which tiles show a report: at z ≤ COMMUNE_LEVEL_MAX_Z those whose area holds its commune's label point,
# above those whose search area holds the report itself — the very predicates of the statements above
# (margin, ``&&`` against the envelope transformed to EPSG:25833, which is a little wider than the
# Web-Mercator square). Candidates are the tile of the point and its 8 neighbours at each zoom level: the
# margin is 1/64 of a tile and the EPSG:25833 box adds a few per cent, far less than a whole tile.
_TOUCHED_SQL = """
    WITH p AS (
        SELECT g, ST_Transform(g, 3857) AS m FROM (SELECT ST_GeomFromEWKB(%(point)s) AS g) AS given
    ), label AS (
        SELECT geom, ST_Transform(ST_PointOnSurface(geom), 3857) AS m FROM boundaries_commune
        WHERE id = %(commune)s
    ), anchors AS (
        SELECT z, CASE WHEN z <= %(commune_max_z)s THEN label.m ELSE p.m END AS m, %(world)s / 2 ^ z AS size
        FROM generate_series(0, %(max_z)s) AS z, p, label
    ), candidates AS (
        SELECT z, floor((ST_X(m) + %(world)s / 2) / size)::int + dx AS x,
               floor((%(world)s / 2 - ST_Y(m)) / size)::int + dy AS y, size * %(buffer)s / %(extent)s AS margin
        FROM anchors, generate_series(-1, 1) AS dx, generate_series(-1, 1) AS dy
    ), inside AS (
        SELECT z, x, y, ST_Expand(ST_TileEnvelope(z, x, y), margin) AS env FROM candidates
        WHERE x >= 0 AND y >= 0 AND x < 2 ^ z AND y < 2 ^ z
    )
    SELECT z, x, y FROM inside, p, label
    WHERE CASE WHEN z <= %(commune_max_z)s
               THEN label.m && env AND label.geom && ST_Transform(env, 25833)
               ELSE p.g && ST_Transform(env, 25833) END
    ORDER BY z, x, y
"""


def tiles_touched(location: Point, commune_id: int) -> list[Tile]:
    """Every tile, z0–z22, whose content depends on a report at ``location`` (EPSG:25833) in commune
    version ``commune_id`` — what a new report or a status change makes stale."""
    params = {
        "point": bytes(location.ewkb),
        "commune": commune_id,
        "commune_max_z": COMMUNE_LEVEL_MAX_Z,
        "max_z": MAX_ZOOM,
        "world": WORLD_M,
        "buffer": BUFFER,
        "extent": EXTENT,
    }
    with connection.cursor() as cur:
        cur.execute(_TOUCHED_SQL, params)
        return [Tile(z, x, y) for z, x, y in cur.fetchall()]
