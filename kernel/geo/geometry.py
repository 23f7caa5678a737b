"""Build GEOS geometries from GeoJSON sent by people or apps — without GDAL, with a fixed SRID.

Django's ``GEOSGeometry(geojson)`` goes through GDAL, which would also read a ``crs`` member (SRS text
chosen by the client: gis.W001). Here the coordinates are read as plain numbers and the geometry is
built by GEOS with SRID 4326 (RFC 7946). Invalid geometry is refused with a German message saying what
is wrong — never silently "fixed".
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, LinearRing, LineString, MultiPolygon, Point, Polygon

from kernel.core.errors import ValidationFailed
from kernel.geo.srid import API_SRID

MAX_VERTICES = 10_000


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: [message]})


def _position(value: Any, field: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) not in (2, 3):
        raise _fail(field, "Jede Koordinate muss [Längengrad, Breitengrad] sein.")
    lon, lat = value[0], value[1]
    if (
        isinstance(lon, bool)
        or isinstance(lat, bool)
        or not isinstance(lon, int | float)
        or not isinstance(lat, int | float)
    ):
        raise _fail(field, "Koordinaten müssen Zahlen sein.")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise _fail(field, "Koordinaten müssen endliche Zahlen sein.")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _fail(field, "Koordinaten liegen außerhalb von WGS84 (Längengrad ±180, Breitengrad ±90).")
    return float(lon), float(lat)


def _ring(value: Any, field: str) -> LinearRing:
    if not isinstance(value, list) or len(value) < 4:
        raise _fail(field, "Ein Flächenring braucht mindestens vier Punkte (der letzte gleich dem ersten).")
    points = [_position(p, field) for p in value]
    if points[0] != points[-1]:
        raise _fail(field, "Ein Flächenring muss geschlossen sein (letzter Punkt = erster Punkt).")
    return LinearRing(points)


def _polygon(value: Any, field: str) -> Polygon:
    if not isinstance(value, list) or not value:
        raise _fail(field, "Polygon ohne Koordinaten.")
    rings = [_ring(r, field) for r in value]
    return Polygon(*rings)


def _count(coords: Any) -> int:
    """Positions in a coordinates array. Without recursion: the text may nest arrays thousands deep."""
    count, pending = 0, [coords]
    while pending:
        item = pending.pop()
        if isinstance(item, list | tuple) and item and isinstance(item[0], int | float):
            count += 1
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return count


def _unwrap(value: Any, field: str) -> Any:
    """Accept a geometry, a Feature or a FeatureCollection with exactly one feature (files from GIS tools)."""
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: arrays/objects nested thousands deep
            raise _fail(field, "Kein gültiges GeoJSON.") from None
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) != 1 or not isinstance(features[0], dict):
            raise _fail(field, "Die GeoJSON-Datei muss genau eine Geometrie enthalten.")
        value = features[0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    return value


def parse_geojson_geometry(value: Any, *, allowed: Sequence[str], field: str = "geometry") -> GEOSGeometry:
    """GeoJSON geometry (dict or JSON text) → GEOS geometry with SRID 4326; ``allowed`` geometry types."""
    value = _unwrap(value, field)
    if not isinstance(value, dict):
        raise _fail(field, "Geometrie fehlt (GeoJSON erwartet).")
    kind = value.get("type")
    if kind not in allowed:
        raise _fail(field, f"Geometrietyp „{kind}“ ist hier nicht erlaubt; erlaubt: {', '.join(allowed)}.")
    coords = value.get("coordinates")
    if _count(coords) > MAX_VERTICES:
        raise _fail(
            field, f"Die Geometrie hat zu viele Punkte (höchstens {MAX_VERTICES:,}).".replace(",", ".")
        )
    try:
        geom = _build(kind, coords, field)
    except (TypeError, ValueError, IndexError) as exc:
        if isinstance(exc, ValidationFailed):
            raise
        raise _fail(field, "Die Koordinaten passen nicht zum Geometrietyp.") from None
    geom.srid = API_SRID
    if geom.empty:
        raise _fail(field, "Die Geometrie ist leer.")
    if not geom.valid:
        reason = geom.valid_reason
        hint = (
            "Die Fläche überschneidet sich selbst."
            if "Self-intersection" in reason or "Ring" in reason
            else ""
        )
        raise _fail(field, f"Die Geometrie ist ungültig: {hint or reason}".strip())
    return geom


def _build(kind: str, coords: Any, field: str) -> GEOSGeometry:
    if kind == "Point":
        return Point(*_position(coords, field))
    if kind == "LineString":
        if not isinstance(coords, list) or len(coords) < 2:
            raise _fail(field, "Eine Linie braucht mindestens zwei Punkte.")
        return LineString([_position(p, field) for p in coords])
    if kind == "Polygon":
        return _polygon(coords, field)
    if kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise _fail(field, "MultiPolygon ohne Flächen.")
        return MultiPolygon(*[_polygon(p, field) for p in coords])
    raise _fail(field, f"Geometrietyp „{kind}“ wird nicht unterstützt.")
