"""The assignment service: which Saxon commune (and district) is responsible for a place.

One function per geometry kind, used by reports, permits, Open311 and the pages alike, so a border point or
a place just outside Saxony is treated the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection, transaction

from kernel.boundaries.models import Commune, CommunePart, District
from kernel.boundaries.selectors import commune_at, commune_shares, communes_light, today
from kernel.core.errors import DomainError
from kernel.geo.coords import beyond_saxony_extent, looks_swapped, to_api, to_storage
from kernel.geo.srid import STORAGE_SRID


class OutsideSaxony(DomainError):
    code = "outside_saxony"
    status_code = 400
    default_message = "Der Ort liegt außerhalb Sachsens. Der Mängelmelder ist nur für Orte in sächsischen Gemeinden zuständig."


@dataclass(frozen=True)
class Assignment:
    commune: Commune
    district: District


@dataclass(frozen=True)
class CommuneShare:
    commune: Commune
    share: float


@dataclass(frozen=True)
class AreaAssignment:
    """Communes a line or polygon touches; ``primary`` has the largest share."""

    shares: list[CommuneShare]

    @property
    def primary(self) -> Commune:
        return self.shares[0].commune

    @property
    def district(self) -> District:
        return self.primary.district

    @property
    def inside_share(self) -> float:
        return sum(s.share for s in self.shares)


def _outside(point_or_geom: GEOSGeometry, field: str | None) -> OutsideSaxony:
    message = OutsideSaxony.default_message
    if isinstance(point_or_geom, Point):
        wgs = to_api(point_or_geom)
        if looks_swapped(wgs.x, wgs.y):
            message += " Sind Breiten- und Längengrad vertauscht?"
    return OutsideSaxony(message, field=field)


def assign_point(point: Point, *, on: dt.date | None = None, field: str | None = None) -> Assignment:
    """Commune version + district responsible for ``point`` (WGS84 or EPSG:25833) on ``on`` (default today).

    Border points go to the lower AGS (see ``kernel.boundaries.selectors.commune_at``). Raises
    :class:`OutsideSaxony` (German message, ``field`` for per-field API errors) when no commune covers it.
    """
    commune = None if beyond_saxony_extent(point) else commune_at(to_storage(point), on=on)
    if commune is None:
        raise _outside(point, field)
    return Assignment(commune=commune, district=commune.district)


def assign_geometry(
    geom: GEOSGeometry, *, on: dt.date | None = None, field: str | None = None
) -> AreaAssignment:
    """All communes a line or polygon (WGS84 or EPSG:25833) touches, with area/length shares."""
    shares = [] if beyond_saxony_extent(geom) else commune_shares(to_storage(geom), on=on)
    if not shares:
        raise _outside(geom, field)
    communes = communes_light().in_bulk([s.commune_id for s in shares])
    return AreaAssignment(
        shares=[CommuneShare(commune=communes[s.commune_id], share=s.share) for s in shares]
    )


BULK_SQL = f"""
    SELECT (
        SELECT p.commune_id FROM {CommunePart._meta.db_table} p
        WHERE ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), {STORAGE_SRID}))
          AND p.valid_from <= %(day)s AND (p.valid_to IS NULL OR p.valid_to > %(day)s)
        ORDER BY p.ags LIMIT 1
    )
    FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS t(x, y, ord)
    ORDER BY t.ord
"""


def assign_many(xy: Sequence[tuple[float, float]], *, on: dt.date | None = None) -> list[int | None]:
    """Commune version ids for many EPSG:25833 points in one SQL statement (None outside Saxony).

    Used to re-assign cases after a boundary change and by the benchmark; same border rule as
    :func:`assign_point`. The coordinate arrays are bound server-side (binary float8[], not rendered into
    the SQL text as Django's client-side binding would) and JIT is off for the statement: compiling costs
    more than it saves here (bench/assign.py).
    """
    if not xy:
        return []
    xs = [float(x) for x, _ in xy]
    ys = [float(y) for _, y in xy]
    with transaction.atomic():
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cur:
            cur.execute("SET LOCAL jit = off")
            cur.execute(BULK_SQL, {"xs": xs, "ys": ys, "day": on or today()})
            return [row[0] for row in cur.fetchall()]
