"""Query parameters of ``/items``: ``limit``, ``offset``, ``bbox``, ``bbox-crs``, ``crs``, ``datetime`` and
a collection's property filters. Every refusal is an :class:`OgcError` naming the parameter (400)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib.gis.geos import Polygon
from django.utils import timezone

from interfaces.ogcapi.crs import CRS84, SRID_BY_URI
from interfaces.ogcapi.errors import bad_parameter
from kernel.geo.srid import API_SRID, SAXONY_BBOX_25833, SAXONY_BBOX_WGS84

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
COMMON = frozenset({"limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "f"})
OPEN_END = ("", "..")

# A bbox is clipped to Saxony's extent plus this margin before it reaches PostGIS: every feature lies in
# Saxony, so the answer is the same, and a world-wide box never meets UTM's limits in the transform.
MARGIN = {API_SRID: 1.0, 25833: 100_000.0}
EXTENT = {API_SRID: SAXONY_BBOX_WGS84, 25833: SAXONY_BBOX_25833}

Filter = Callable[[str], list[str]]


@dataclass(frozen=True)
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: Polygon | None = None
    bbox_empty: bool = False  # the box lies wholly outside Saxony: no feature can match
    srid: int = API_SRID
    crs: str = CRS84
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # inclusive
    filters: dict[str, list[str]] = field(default_factory=dict)


def crs_param(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, CRS84)
    if value not in SRID_BY_URI:
        raise bad_parameter(
            name, f"nicht unterstütztes Koordinatenreferenzsystem; möglich: {', '.join(SRID_BY_URI)}."
        )
    return value


def _int(params: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < minimum:
        raise bad_parameter(name, f"ganze Zahl ab {minimum} erwartet.")
    return int(text)


def bbox_param(params: Mapping[str, str], srid: int) -> tuple[Polygon | None, bool]:
    """``bbox`` as (polygon in ``srid``, wholly outside Saxony). 4 or 6 numbers (a 3D box's heights
    are ignored); in CRS84 longitude first, in EPSG:25833 easting first."""
    text = params.get("bbox")
    if text is None:
        return None, False
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise bad_parameter("bbox", "vier Zahlen erwartet: minx,miny,maxx,maxy.") from None
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise bad_parameter("bbox", "vier (oder sechs) endliche Zahlen erwartet: minx,miny,maxx,maxy.")
    half = len(numbers) // 2
    x0, y0, x1, y1 = numbers[0], numbers[1], numbers[half], numbers[half + 1]
    if x0 > x1 or y0 > y1:
        raise bad_parameter("bbox", "die unteren Werte (minx, miny) müssen vor den oberen stehen.")
    if srid == API_SRID and not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise bad_parameter("bbox", "Längengrad −180…180 und Breitengrad −90…90 erwartet (CRS84).")
    ex0, ey0, ex1, ey1 = EXTENT[srid]
    m = MARGIN[srid]
    x0, y0, x1, y1 = max(x0, ex0 - m), max(y0, ey0 - m), min(x1, ex1 + m), min(y1, ey1 + m)
    if x0 > x1 or y0 > y1:
        return None, True
    box = Polygon.from_bbox((x0, y0, x1, y1))
    box.srid = srid
    return box, False


def _moment(text: str, *, end: bool) -> dt.datetime:
    """An RFC 3339 date-time, or a date (the whole day: its start, or its last microsecond for ``end``)."""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if not 1900 <= day.year <= 2200:
                raise ValueError(text)
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
            return timezone.make_aware(moment)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise bad_parameter(
            "datetime", f"„{text[:40]}“ ist kein Zeitpunkt nach RFC 3339, z. B. 2026-05-01T12:00:00Z."
        ) from None
    if not 1900 <= moment.year <= 2200:  # far-off years overflow in time-zone arithmetic
        raise bad_parameter("datetime", "ein Zeitpunkt zwischen 1900 und 2200 erwartet.")
    return moment if moment.tzinfo else timezone.make_aware(moment)


def datetime_param(params: Mapping[str, str]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """An instant or an interval ``start/end`` with ``..`` (or nothing) for an open end."""
    text = params.get("datetime")
    if text is None:
        return None, None
    if "/" not in text:
        if text in OPEN_END:
            raise bad_parameter("datetime", "ein Zeitpunkt oder ein Intervall Anfang/Ende erwartet.")
        return _moment(text, end=False), _moment(text, end=True)
    start_text, _, end_text = text.partition("/")
    since = None if start_text in OPEN_END else _moment(start_text, end=False)
    until = None if end_text in OPEN_END else _moment(end_text, end=True)
    if since and until and since > until:
        raise bad_parameter("datetime", "der Anfang des Intervalls liegt nach seinem Ende.")
    return since, until


def items_query(params: Mapping[str, str], filters: Mapping[str, Filter]) -> ItemsQuery:
    unknown = sorted(set(params) - COMMON - set(filters))
    if unknown:
        raise bad_parameter(unknown[0], "unbekannter Parameter.")
    if params.get("f", "json") not in ("json", "geojson"):
        raise bad_parameter("f", "nur json (GeoJSON) wird angeboten.")
    crs = crs_param(params, "crs")
    bbox, empty = bbox_param(params, SRID_BY_URI[crs_param(params, "bbox-crs")])
    since, until = datetime_param(params)
    return ItemsQuery(
        limit=min(_int(params, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT),
        offset=_int(params, "offset", 0, 0),
        bbox=bbox,
        bbox_empty=empty,
        srid=SRID_BY_URI[crs],
        crs=crs,
        since=since,
        until=until,
        filters={name: parse(params[name]) for name, parse in filters.items() if name in params},
    )
