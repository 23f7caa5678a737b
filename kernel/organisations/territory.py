"""An organisation's territory: where it may be responsible for cases at all.

* a commune: its current boundary (``boundaries.Commune`` with its AGS, ``valid_to IS NULL``);
* a district: the union of its current communes (their AGS starts with the district's 5 digits);
* any other body (state road authority, utility): ``Organisation.territory``, which only a platform
  operator sets (Django admin, ``manage.py set_territory``); without it, it has no territory.

Responsibility areas must lie inside the territory (checked when an area is created) and routing only
hands a case to an organisation whose territory contains the case's location (checked on every new case,
so areas from before this rule cannot capture other communes' cases either). All spatial work is done by
PostGIS in EPSG:25833 (metres).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Left

from kernel.boundaries.models import Commune, CommunePart
from kernel.core.amounts import german_decimal
from kernel.core.errors import ValidationFailed
from kernel.geo.srid import STORAGE_SRID
from kernel.organisations.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)

# Digitising noise: an area drawn along the commune border in a web map or a GIS with another source of
# the boundary strays a few metres across it. Up to this distance (metres, EPSG:25833) outside the
# territory is accepted; anything beyond is refused.
AREA_TOLERANCE_M = 5.0

NO_TERRITORY = (
    "Für „{name}“ ist kein Gebiet hinterlegt. Zuständigkeitsbereiche sind erst möglich, wenn der "
    "Plattformbetrieb das Gebiet festgelegt hat."
)
CHECK_FAILED = "Die Fläche konnte nicht mit dem Gebiet abgeglichen werden. Bitte die Geometrie prüfen."
TERRITORY_ONLY_FOR_OTHER = (
    "Gemeinden und Landkreise haben ihr Gebiet aus den Grenzdaten; ein eigenes Gebiet ist nur für "
    "sonstige Stellen vorgesehen."
)

_COMMUNES = Commune._meta.db_table
_ORGANISATIONS = Organisation._meta.db_table


def _territory_sql(organisation: Organisation) -> tuple[str, list]:
    """A scalar SQL subquery yielding the territory (NULL if there is none) and its parameters."""
    if organisation.kind == OrganisationKind.COMMUNE and organisation.ags:
        return (
            f"(SELECT geom FROM {_COMMUNES} WHERE ags = %s AND valid_to IS NULL LIMIT 1)",
            [organisation.ags],
        )
    if organisation.kind == OrganisationKind.DISTRICT and organisation.ags:
        return (
            f"(SELECT ST_Union(geom) FROM {_COMMUNES} WHERE left(ags, 5) = %s AND valid_to IS NULL)",
            [organisation.ags],
        )
    if organisation.kind == OrganisationKind.OTHER:
        return f"(SELECT territory FROM {_ORGANISATIONS} WHERE id = %s)", [organisation.pk]
    return "NULL::geometry", []


@dataclass(frozen=True)
class Outside:
    """How much of an area lies outside the territory (EPSG:25833)."""

    has_territory: bool
    within_tolerance: bool
    outside_m2: float
    area_m2: float

    @property
    def outside_share(self) -> float:
        return self.outside_m2 / self.area_m2 if self.area_m2 else 1.0


def area_outside(organisation: Organisation, geom: GEOSGeometry) -> Outside:
    """Measure ``geom`` (EPSG:25833) against the organisation's territory in one PostGIS statement.

    ``within_tolerance``: every point of ``geom`` lies within :data:`AREA_TOLERANCE_M` of the territory
    (``ST_Covers`` of the buffered territory). ``outside_m2``: the area beyond the exact territory.
    """
    assert geom.srid == STORAGE_SRID, "area_outside expects EPSG:25833"
    territory, params = _territory_sql(organisation)
    sql = f"""
        WITH t AS (SELECT {territory} AS geom), a AS (SELECT ST_GeomFromEWKB(%s) AS geom)
        SELECT t.geom IS NOT NULL,
               coalesce(ST_Covers(ST_Buffer(t.geom, %s), a.geom), false),
               coalesce(ST_Area(ST_Difference(a.geom, t.geom)), ST_Area(a.geom)),
               ST_Area(a.geom)
        FROM t, a
    """
    try:
        # A savepoint, so a GEOS error on odd input leaves the caller's transaction usable.
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [*params, bytes(geom.ewkb), AREA_TOLERANCE_M])
            has_territory, within, outside_m2, area_m2 = cur.fetchone()
    except DatabaseError:
        logger.exception("territory check failed for organisation %s", organisation.pk)
        raise ValidationFailed({"geojson": [CHECK_FAILED]}) from None
    return Outside(bool(has_territory), bool(within), float(outside_m2), float(area_m2))


def require_inside_territory(
    organisation: Organisation, geom: GEOSGeometry, *, field: str, subject: str = "Zuständigkeitsbereiche"
) -> None:
    """Refuse (German message with m² and %) an area that lies outside the territory beyond the tolerance;
    ``subject`` names what must lie inside (responsibility areas, fee zones)."""
    outside = area_outside(organisation, geom)
    if not outside.has_territory:
        raise ValidationFailed({field: [NO_TERRITORY.format(name=organisation.name)]})
    if outside.within_tolerance:
        return
    share = outside.outside_share * 100
    if share < 100:  # "100,0 %" only when nothing lies inside
        share = min(share, 99.9)
    percent = "weniger als 0,1" if share < 0.1 else german_decimal(share, 1)
    raise ValidationFailed(
        {
            field: [
                f"Der Bereich liegt außerhalb des Gebiets von {organisation.name}: "
                f"{german_decimal(outside.outside_m2, 0)} m² ({percent} % der Fläche). "
                f"{subject} müssen innerhalb des eigenen Gebiets liegen "
                f"(Toleranz {german_decimal(AREA_TOLERANCE_M, 0)} m an der Grenze)."
            ]
        }
    )


def territory_contains(location: Point) -> Q:
    """Condition on ``ResponsibilityArea`` rows: the area's organisation's territory contains
    ``location`` (EPSG:25833). Evaluated inside the routing query (subdivided commune parts, GiST)."""
    assert location.srid == STORAGE_SRID, "territory_contains expects EPSG:25833"
    parts = CommunePart.objects.filter(valid_to__isnull=True, geom__covers=location)
    in_commune = Exists(parts.filter(ags=OuterRef("organisation__ags")))
    in_district = Exists(
        parts.annotate(district_ags=Left("ags", 5)).filter(district_ags=OuterRef("organisation__ags"))
    )
    return (
        (Q(organisation__kind=OrganisationKind.COMMUNE) & in_commune)
        | (Q(organisation__kind=OrganisationKind.DISTRICT) & in_district)
        | Q(organisation__kind=OrganisationKind.OTHER, organisation__territory__covers=location)
    )


def check_territory(organisation: Organisation, territory: GEOSGeometry | None) -> None:
    """What a platform operator may set: only for other bodies; valid polygons in EPSG:25833."""
    if territory is None:
        return
    if organisation.kind != OrganisationKind.OTHER:
        raise ValidationFailed({"territory": [TERRITORY_ONLY_FOR_OTHER]})
    if territory.srid != STORAGE_SRID or territory.geom_type != "MultiPolygon":
        raise ValidationFailed({"territory": ["Das Gebiet muss ein MultiPolygon in EPSG:25833 sein."]})
    if territory.empty or not territory.valid:
        raise ValidationFailed({"territory": [f"Das Gebiet ist ungültig: {territory.valid_reason}"]})
