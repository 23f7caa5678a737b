"""Checking the place of an area alert: a current commune by AGS, or a GeoJSON area of at most 100 km².

The GeoJSON goes through ``kernel.geo.geometry.parse_geojson_geometry`` (GEOS from numbers, SRID fixed to WGS84,
invalid geometry refused, never repaired) and is stored in EPSG:25833, where the area is in m².
"""

from __future__ import annotations

from django.contrib.gis.geos import MultiPolygon

from kernel.boundaries.selectors import commune_current, communes_light, today
from kernel.core.amounts import german_decimal
from kernel.core.errors import ValidationFailed
from kernel.geo.coords import to_storage
from kernel.geo.geometry import parse_geojson_geometry
from shared.subscriptions.models import AREA_MAX_M2


def _km2(m2: float) -> str:
    return german_decimal(m2 / 1_000_000, 1)


def clean_commune(ags: str) -> str:
    ags = ags.strip()
    if not (len(ags) == 8 and ags.isdigit()) or commune_current(ags) is None:
        raise ValidationFailed({"ags": ["Bitte eine sächsische Gemeinde aus der Liste wählen."]})
    return ags


def clean_area(geojson: str) -> MultiPolygon:
    """The drawn or pasted area in EPSG:25833, as a MultiPolygon; German messages for what is wrong."""
    geom = to_storage(parse_geojson_geometry(geojson, allowed=("Polygon", "MultiPolygon"), field="area"))
    if geom.area > AREA_MAX_M2:
        raise ValidationFailed(
            {
                "area": [
                    f"Das Gebiet ist {_km2(geom.area)} km² groß; erlaubt sind höchstens "
                    f"{AREA_MAX_M2 // 1_000_000} km². Bitte ein kleineres Gebiet zeichnen oder eine Gemeinde wählen."
                ]
            }
        )
    if not communes_light().valid_on(today()).filter(geom__intersects=geom).exists():
        raise ValidationFailed({"area": ["Das Gebiet liegt nicht in Sachsen."]})
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon(geom, srid=geom.srid)
