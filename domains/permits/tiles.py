"""Vector tiles of approved permits active on a day (public fields: kind, period, commune)."""

from __future__ import annotations

import datetime as dt

from django.db import connections
from django.utils import timezone

from kernel.core.replica_router import read_alias
from kernel.geo.tiles import BUFFER, EXTENT, Tile


def permit_tile(t: Tile, *, day: dt.date, kinds: list[str] | None = None) -> bytes:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    params = {
        "z": t.z,
        "x": t.x,
        "y": t.y,
        "extent": EXTENT,
        "buffer": BUFFER,
        "margin": t.size_m * BUFFER / EXTENT,
        "day_start": start,
        "day_end": start + dt.timedelta(days=1),
        "kinds": kinds or [],
    }
    sql = """
        WITH env AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS g),
             search AS (SELECT ST_Transform(ST_Expand(env.g, %(margin)s), 25833) AS g FROM env),
             features AS (
                SELECT ST_AsMVTGeom(ST_Transform(p.location, 3857), env.g, %(extent)s, %(buffer)s, true) AS geom,
                       p.public_id AS id, k.slug AS kind, k.name AS kind_name,
                       to_char(p.start AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD"T"HH24:MI') AS start,
                       to_char(p."end" AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD"T"HH24:MI') AS "end",
                       b.name AS commune
                FROM permits_permit p
                JOIN permits_permitkind k ON k.id = p.kind_id
                JOIN boundaries_commune b ON b.id = p.commune_id, search, env
                WHERE p.location && search.g AND p.status = 'approved'
                  AND p.start < %(day_end)s AND p."end" > %(day_start)s
                  AND (cardinality(%(kinds)s::text[]) = 0 OR k.slug = ANY(%(kinds)s::text[]))
             )
        SELECT ST_AsMVT(features, 'permits', %(extent)s, 'geom') FROM features WHERE geom IS NOT NULL
    """
    with connections[read_alias()].cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""
