"""``/tiles/reports/{z}/{x}/{y}.pbf`` and ``/tiles/permits/{z}/{x}/{y}.pbf`` (Mapbox Vector Tiles).

Invalid z/x/y or filters → 400; an empty area → 204; otherwise the tile with Cache-Control and an ETag
(a repeat request with If-None-Match gets 304 without a body).

Report tiles come from the shared tile cache (``domains.reports.tiles.cache``), which drops a tile as soon as a
report in it changes. ``Cache-Control: public, max-age=60`` lets the browser and a CDN keep a tile for a
minute, so a change reaches everyone within 60 s. Pages append ``v=<time of the visitor's own last
change>`` to the tile URLs for that minute (``static/js/map.js``, cookie ``mm_tiles_v``): a new URL, so
the visitor gets the fresh tile from the server at once. The server ignores ``v``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from domains.permits.tiles import permit_tile
from domains.reports.tiles.cache import cached_report_tile, etag_of
from kernel.core.errors import ValidationFailed
from kernel.geo.tiles import Tile, tile
from shared.http.filters import categories_param, statuses_param
from shared.http.params import ascii_digits, invalid, optional_date
from shared.http.tile_cookie import TILE_MAX_AGE

MVT = "application/vnd.mapbox-vector-tile"


def _error(exc: ValidationFailed) -> JsonResponse:
    return JsonResponse(
        {"detail": exc.message, "code": exc.code, "errors": exc.errors},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


def _tile(z: str, x: str, y: str) -> Tile:
    """z/x/y as the URL gives them (any text, so "abc" or "-1" is a 400 like an out-of-range number)."""
    for name, value in (("z", z), ("x", x), ("y", y)):
        if not ascii_digits(value, max_digits=8):
            raise invalid(name, f"{name} muss eine ganze Zahl ab 0 sein.")
    return tile(int(z), int(x), int(y))


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison: a CDN may have marked our strong tag weak (``W/"…"``) or sent several."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


def _respond(request: HttpRequest, data: bytes, etag: str = "") -> HttpResponse:
    if not data:
        response = HttpResponse(status=204)
    else:
        etag = etag or etag_of(data)
        if _matches(request.headers.get("If-None-Match", ""), etag):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(data, content_type=MVT)
        response["ETag"] = etag
    if response.status_code != 200:
        # 204 and 304 have no content to describe; Django's default text/html would claim a page (and a
        # cache refreshing a stored tile from a 304 could take it over). MapLibre and QGIS read a 204
        # as an empty tile, as OGC API – Tiles allows.
        del response["Content-Type"]
    response["Cache-Control"] = f"public, max-age={TILE_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def reports_tile(request: HttpRequest, z: str, x: str, y: str) -> HttpResponse:
    try:
        t = _tile(z, x, y)
        statuses = statuses_param(request.GET)
        categories = categories_param(request.GET)
    except ValidationFailed as exc:
        return _error(exc)
    cached = cached_report_tile(t, statuses=statuses, categories=categories)
    return _respond(request, cached.data, cached.etag)


@require_GET
def permits_tile(request: HttpRequest, z: str, x: str, y: str) -> HttpResponse:
    try:
        t = _tile(z, x, y)
        day = optional_date(request.GET, "date") or timezone.localdate()
    except ValidationFailed as exc:
        return _error(exc)
    return _respond(request, permit_tile(t, day=day))
