"""PostGIS functions Django does not ship, as ORM expressions (so geometry work stays in the database)."""

from __future__ import annotations

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import GeoFunc


class SimplifyPreserveTopology(GeoFunc):
    """ST_SimplifyPreserveTopology(geom, tolerance): tolerance in the geometry's units (metres in 25833)."""

    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField()
    geom_param_pos = (0,)


class Multi(GeoFunc):
    """ST_Multi(geom): a Polygon as a one-part MultiPolygon (multi-geometries unchanged).

    ST_SimplifyPreserveTopology returns a Polygon for a one-part MultiPolygon, so a simplified
    MultiPolygonField would otherwise change its GeoJSON type from feature to feature."""

    function = "ST_Multi"
    output_field = GeometryField()
    geom_param_pos = (0,)
