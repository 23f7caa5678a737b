"""Read queries on boundaries. Spatial lookups go through the subdivided parts, never full polygons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection, connections
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from kernel.boundaries.edition import ATTRIBUTION_TEMPLATE, SHIPPED_EDITION_YEAR
from kernel.boundaries.models import BoundaryImport, Commune, CommunePart, District
from kernel.boundaries.naming import commune_labels, german, german_sql
from kernel.core.replica_router import read_alias
from kernel.geo.srid import API_SRID, STORAGE_SRID

# Columns needed to show and link a commune; the big geometry is loaded only where it is drawn.
COMMUNE_LIGHT_FIELDS = (
    "id",
    "ags",
    "ars",
    "name",
    "name_official",
    "bez",
    "district_id",
    "valid_from",
    "valid_to",
)
DISTRICT_LIGHT_FIELDS = ("id", "ags", "name", "bez", "valid_from", "valid_to")


def today() -> dt.date:
    return timezone.localdate()


def communes_light() -> QuerySet[Commune]:
    """Communes with their district, without either geometry."""
    return Commune.objects.select_related("district").only(
        *COMMUNE_LIGHT_FIELDS, *(f"district__{f}" for f in DISTRICT_LIGHT_FIELDS)
    )


COMMUNE_AT_SQL = f"""
    SELECT {", ".join("c." + f for f in COMMUNE_LIGHT_FIELDS)}, {", ".join("d." + f for f in DISTRICT_LIGHT_FIELDS)}
    FROM (
        SELECT p.commune_id FROM {CommunePart._meta.db_table} p
        WHERE ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(%s, %s), {STORAGE_SRID}))
          AND p.valid_from <= %s AND (p.valid_to IS NULL OR p.valid_to > %s)
        ORDER BY p.ags
        LIMIT 1
    ) AS hit
    JOIN {Commune._meta.db_table} c ON c.id = hit.commune_id
    JOIN {District._meta.db_table} d ON d.id = c.district_id
"""


def commune_at(point: Point, *, on: dt.date | None = None) -> Commune | None:
    """The commune version covering ``point`` (EPSG:25833) on ``on`` (default today), or None.

    A point exactly on a border between two communes is covered by both; the commune with the lower AGS
    wins. That choice is arbitrary but deterministic, so the same point always goes to the same commune
    (and the same staff) no matter which process or index order answers.

    One statement over the subdivided parts (GiST), returning the commune and its district without
    geometries; the instances are built directly from the row because this runs for every locate
    request and every new case.
    """
    assert point.srid == STORAGE_SRID, "commune_at expects EPSG:25833"
    day = on or today()
    with connection.cursor() as cur:
        cur.execute(COMMUNE_AT_SQL, [point.x, point.y, day, day])
        row = cur.fetchone()
    if row is None:
        return None
    split = len(COMMUNE_LIGHT_FIELDS)
    commune = Commune.from_db(connection.alias, COMMUNE_LIGHT_FIELDS, row[:split])
    commune.district = District.from_db(connection.alias, DISTRICT_LIGHT_FIELDS, row[split:])
    return commune


@dataclass(frozen=True)
class Share:
    commune_id: int
    share: float  # 0..1 of the geometry's area (polygons) or length (lines) inside this commune


def commune_shares(geom: GEOSGeometry, *, on: dt.date | None = None) -> list[Share]:
    """How much of ``geom`` (EPSG:25833) lies in each commune, largest share first (ties: lower AGS).

    Sums intersections with the subdivided parts: they partition each commune, so the sum is exact and
    each intersection works on ≤ 256 vertices.
    """
    assert geom.srid == STORAGE_SRID, "commune_shares expects EPSG:25833"
    day = on or today()
    dim = geom.dims
    measure = "ST_Area" if dim == 2 else "ST_Length"
    if dim == 0:
        raise ValueError("commune_shares needs a line or polygon; use commune_at for points")
    sql = f"""
        WITH g AS (SELECT ST_GeomFromEWKB(%s) AS geom)
        SELECT p.commune_id, p.ags, sum({measure}(ST_Intersection(p.geom, g.geom))) / NULLIF({measure}(g.geom), 0)
        FROM {CommunePart._meta.db_table} p, g
        WHERE p.geom && g.geom AND ST_Intersects(p.geom, g.geom)
          AND p.valid_from <= %s AND (p.valid_to IS NULL OR p.valid_to > %s)
        GROUP BY p.commune_id, p.ags, g.geom
    """
    with connection.cursor() as cur:
        cur.execute(sql, [bytes(geom.ewkb), day, day])
        rows = cur.fetchall()
    shares = [(ags, Share(commune_id=cid, share=float(share or 0.0))) for cid, ags, share in rows]
    shares = [item for item in shares if item[1].share > 0]
    shares.sort(key=lambda item: (-round(item[1].share, 9), item[0]))
    return [share for _, share in shares]


def communes_in_order(*, on: dt.date | None = None) -> list[tuple[Commune, str]]:
    """Communes in force on ``on`` (default today) in German order, each with its label (the district
    added where two share a name): what every list and select of communes shows."""
    communes = list(communes_light().valid_on(on or today()).order_by(german("name"), "ags"))
    labels = commune_labels(communes)
    return [(c, labels[c.pk]) for c in communes]


def districts_in_order(*, on: dt.date | None = None) -> QuerySet[District]:
    """Districts in force on ``on`` (default today), without geometry, in German order."""
    return District.objects.valid_on(on or today()).defer("geom").order_by(german("name"), "ags")


# Where the search puts a commune or district (kernel.addresses.selectors): a point inside the area,
# computed from the stored geometry (EPSG:25833). A report "at" that point was placed by choosing the area,
# not the spot. The bounding-box test (GiST) leaves the one commune and district around the point.
SEARCH_CENTRE = "ST_PointOnSurface({geom})"
CENTRE_TOLERANCE_M = 0.5  # the search's links carry 6 decimals of a degree, about 0.1 m
AREA_CENTRE_SQL = f"""
    WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), {STORAGE_SRID}) AS point)
    SELECT t.name FROM (
        SELECT name, geom FROM {Commune._meta.db_table}
        WHERE valid_from <= %(day)s AND (valid_to IS NULL OR valid_to > %(day)s) AND geom && (SELECT point FROM p)
        UNION ALL
        SELECT name, geom FROM {District._meta.db_table}
        WHERE valid_from <= %(day)s AND (valid_to IS NULL OR valid_to > %(day)s) AND geom && (SELECT point FROM p)
    ) t
    WHERE ST_DWithin({SEARCH_CENTRE.format(geom="t.geom")}, (SELECT point FROM p), {CENTRE_TOLERANCE_M})
    ORDER BY {german_sql("t.name")}
    LIMIT 1
"""


def search_centre_of(point: Point, *, on: dt.date | None = None) -> str | None:
    """The name of the commune or district whose search centre ``point`` (EPSG:25833) is, else None."""
    assert point.srid == STORAGE_SRID, "search_centre_of expects EPSG:25833"
    with connection.cursor() as cur:
        cur.execute(AREA_CENTRE_SQL, {"day": on or today(), "x": point.x, "y": point.y})
        row = cur.fetchone()
    return row[0] if row else None


def commune_current(ags: str, *, on: dt.date | None = None) -> Commune | None:
    """The commune version with this AGS valid on ``on`` (default today), light (no geometries)."""
    return communes_light().valid_on(on or today()).filter(ags=ags).first()


# 4 decimals of a degree are about 7–11 m in Saxony: finer than any outline simplified by ≥ 20 m.
GEOJSON_PRECISION = 4

COMMUNES_GEOJSON_SQL = f"""
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', c.ags,
            'geometry', ST_AsGeoJSON(
                ST_Transform(ST_SimplifyPreserveTopology(c.geom, %(tolerance)s), {API_SRID}),
                {GEOJSON_PRECISION}
            )::json,
            'properties', json_build_object('ags', c.ags, 'name', c.name)
        ) ORDER BY c.ags), '[]'::json)
    )::text
    FROM {Commune._meta.db_table} c
    WHERE c.valid_from <= %(day)s AND (c.valid_to IS NULL OR c.valid_to > %(day)s)
"""


def communes_geojson(*, on: dt.date | None = None, tolerance_m: float = 100.0) -> str:
    """All communes valid on ``on`` as one GeoJSON FeatureCollection text (WGS84, outlines simplified by
    ``tolerance_m`` metres in EPSG:25833), built entirely by PostgreSQL for the map's borders layer.

    Each commune is simplified on its own, so neighbours may show hairline gaps at small scales; that is
    fine for drawing and keeps the query to one pass. Never used for assignment (see ``commune_at``).
    """
    with connections[read_alias()].cursor() as cur:
        cur.execute(COMMUNES_GEOJSON_SQL, {"tolerance": tolerance_m, "day": on or today()})
        return cur.fetchone()[0]


def boundaries_version() -> str:
    """A short fingerprint that changes whenever an import adds or closes commune versions.

    Cheap (two index-backed aggregates), so HTTP caches can revalidate the borders layer without the
    database building it again.
    """
    last_import = BoundaryImport.objects.order_by("-id").values_list("id", flat=True).first()
    communes = Commune.objects.aggregate(n=Count("id"), last=Max("id"), closed=Count("valid_to"))
    return f"{last_import or 0}-{communes['n']}-{communes['last'] or 0}-{communes['closed']}"


def boundary_edition_year() -> int:
    """Year of the BKG edition of the boundaries in use: that of the newest import that names one, else
    the shipped data's. Shown in "© GeoBasis-DE / BKG (year)" wherever the borders appear."""
    year = (
        BoundaryImport.objects.filter(edition_year__isnull=False)
        .order_by("-started", "-id")
        .values_list("edition_year", flat=True)
        .first()
    )
    return year or SHIPPED_EDITION_YEAR


def boundary_attribution() -> str:
    """The attribution the licence (dl-de/by-2-0) asks for, with the edition year in use."""
    return ATTRIBUTION_TEMPLATE.format(year=boundary_edition_year())
