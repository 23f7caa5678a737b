"""Parse and validate coordinates typed by people or sent by apps, with German messages.

Geometries are always built with GEOS from numbers and a fixed SRID (never from SRS text a user could
choose; see README on gis.W001). Decimal commas are accepted because people in Saxony type "51,05".
"""

from __future__ import annotations

import json
import math
import threading
from typing import Any

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point

from kernel.core.errors import ValidationFailed
from kernel.geo.srid import API_SRID, SAXONY_BBOX_WGS84, STORAGE_SRID

LON_RANGE = (-180.0, 180.0)
LAT_RANGE = (-90.0, 90.0)


class CoordinateError(ValidationFailed):
    """A coordinate is missing, not a number or out of range; ``field`` names the parameter."""

    code = "invalid_coordinate"

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: [message]})
        self.field = field


def parse_number(value: Any, *, field: str, label: str, example: str = "51.0504") -> float:
    """Return ``value`` as a finite float or raise :class:`CoordinateError` naming ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CoordinateError(field, f"{label} fehlt.")
    if isinstance(value, bool):
        raise CoordinateError(field, f"{label} muss eine Zahl sein.")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise CoordinateError(field, f"{label} muss eine Zahl sein, z. B. {example}.") from None
    else:
        raise CoordinateError(field, f"{label} muss eine Zahl sein.")
    if not math.isfinite(number):
        raise CoordinateError(field, f"{label} muss eine endliche Zahl sein.")
    return number


def in_saxony_extent(lon: float, lat: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = SAXONY_BBOX_WGS84
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def beyond_saxony_extent(geom: Any) -> bool:
    """A WGS84 geometry wholly outside Saxony's bounding box. No commune can cover it, and far-away
    coordinates do not even project into UTM 33 (GDAL fails), so callers refuse it before transforming."""
    if geom.srid != API_SRID:
        return False
    min_lon, min_lat, max_lon, max_lat = geom.extent
    box = SAXONY_BBOX_WGS84
    return max_lon < box[0] or min_lon > box[2] or max_lat < box[1] or min_lat > box[3]


def looks_swapped(lon: float, lat: float) -> bool:
    """True when (lon, lat) is outside Saxony but (lat, lon) would be inside: a common client mistake."""
    return not in_saxony_extent(lon, lat) and in_saxony_extent(lat, lon)


def parse_lon_lat(lon: Any, lat: Any, *, lon_field: str = "lon", lat_field: str = "lat") -> Point:
    """Parse WGS84 longitude/latitude into a GEOS Point with SRID 4326.

    Raises :class:`CoordinateError` for missing values, non-numbers, NaN/inf and values outside the
    valid WGS84 range; field names are those the caller's interface uses (``lon``/``lat``, ``long``...).
    """
    lon_value = parse_number(lon, field=lon_field, label="Längengrad", example="13.7373")
    lat_value = parse_number(lat, field=lat_field, label="Breitengrad")
    if not LAT_RANGE[0] <= lat_value <= LAT_RANGE[1]:
        hint = (
            " Sind Breiten- und Längengrad vertauscht?" if LON_RANGE[0] <= lat_value <= LON_RANGE[1] else ""
        )
        raise CoordinateError(lat_field, f"Breitengrad muss zwischen -90 und 90 liegen.{hint}")
    if not LON_RANGE[0] <= lon_value <= LON_RANGE[1]:
        raise CoordinateError(lon_field, "Längengrad muss zwischen -180 und 180 liegen.")
    return Point(lon_value, lat_value, srid=API_SRID)


_local = threading.local()


def _transformer(source: int, target: int) -> CoordTransform:
    """Building a transformer costs milliseconds (PROJ database lookups); reuse one per SRID pair.

    Per thread, because GDAL transformation objects must not be shared between threads (gunicorn runs
    several). Only integer SRIDs from kernel.geo.srid reach this function, never SRS text from a request.
    """
    cache = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    key = (source, target)
    if key not in cache:
        cache[key] = CoordTransform(SpatialReference(source), SpatialReference(target))
    return cache[key]


def _transformed(geom: Any, target: int) -> Any:
    if geom.srid is None:
        raise ValueError("geometry without SRID; build it with a fixed SRID from kernel.geo.srid")
    copy = geom.clone()
    if geom.srid != target:
        copy.transform(_transformer(int(geom.srid), target))
        copy.srid = target
    return copy


def to_storage(geom: Any) -> Any:
    """Return a copy of a GEOS geometry in EPSG:25833 (the SRID must already be set)."""
    return _transformed(geom, STORAGE_SRID)


def to_api(geom: Any) -> Any:
    """Return a copy of a GEOS geometry in WGS84 (EPSG:4326)."""
    return _transformed(geom, API_SRID)


def parse_geojson_point(value: Any, *, field: str = "location") -> Point:
    """Parse a GeoJSON Point (dict or JSON text) in WGS84 into a GEOS Point with SRID 4326.

    A ``crs`` member is ignored on purpose: RFC 7946 fixes WGS84, and SRS text from a request must never
    reach GDAL (gis.W001).
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            raise CoordinateError(
                field,
                'Ort: gültiges GeoJSON erwartet, z. B. {"type": "Point", "coordinates": [13.7373, 51.0504]}.',
            ) from None
    if not isinstance(value, dict):
        raise CoordinateError(field, "Ort fehlt (GeoJSON-Punkt erwartet).")
    if value.get("type") != "Point":
        raise CoordinateError(field, "Ort: nur ein GeoJSON-Punkt (type Point) ist erlaubt.")
    coords = value.get("coordinates")
    if not isinstance(coords, list | tuple) or len(coords) not in (2, 3):
        raise CoordinateError(field, "Ort: coordinates muss [Längengrad, Breitengrad] sein.")
    try:
        return parse_lon_lat(coords[0], coords[1], lon_field=field, lat_field=field)
    except CoordinateError as exc:
        raise CoordinateError(field, exc.message) from None
