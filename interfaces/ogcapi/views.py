"""OGC API – Features views: landing page, conformance, collections, items, one item (JSON/GeoJSON).

Thin by design (README "OGC API – Features"): parameters are parsed in ``interfaces.ogcapi.params``, the features
are written by PostgreSQL from the domain selectors' public expressions, and this module only wraps
them into the FeatureCollection with its links. Refusals are OGC exceptions (``{"code", "description"}``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from interfaces.ogcapi.collections import COLLECTIONS, Collection
from interfaces.ogcapi.crs import CRS84, PRECISION, SRID_BY_URI, STORAGE_CRS, SUPPORTED
from interfaces.ogcapi.errors import OgcError
from interfaces.ogcapi.openapi import definition
from interfaces.ogcapi.params import ItemsQuery, crs_param, items_query
from kernel.geo.srid import SAXONY_BBOX_WGS84

JSON = "application/json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
GEOJSON = "application/geo+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]


def ogc_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET/HEAD only; an :class:`OgcError` becomes its JSON exception response."""

    @require_safe
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: str, **kwargs: str) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except OgcError as error:
            return error.response()

    return wrapper


def _json(data: object, content_type: str = JSON) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False, default=str), content_type=content_type)


def _link(request: HttpRequest, path: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": request.build_absolute_uri(path), "rel": rel, "type": media_type, "title": title}


def _collection(request: HttpRequest, name: str) -> Collection:
    collection = COLLECTIONS.get(name)
    if collection is None:
        raise OgcError("NotFound", f"Die Sammlung „{name[:60]}“ gibt es nicht.", status=404)
    return collection


@ogc_view
def landing(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": "Mängelmelder Sachsen – OGC API Features",
            "description": "Öffentliche Mängelmeldungen, genehmigte Sondernutzungen, Gemeinden und Landkreise.",
            "links": [
                _link(request, "/ogcapi/", "self", JSON, "Diese Seite"),
                _link(request, "/ogcapi/api", "service-desc", OPENAPI, "API-Beschreibung (OpenAPI 3.0)"),
                _link(request, "/ogcapi/conformance", "conformance", JSON, "Konformitätsklassen"),
                _link(request, "/ogcapi/collections", "data", JSON, "Sammlungen"),
            ],
        }
    )


@ogc_view
def api(request: HttpRequest) -> HttpResponse:
    return _json(definition(request.build_absolute_uri("/ogcapi")), OPENAPI)


@ogc_view
def conformance(request: HttpRequest) -> HttpResponse:
    return _json({"conformsTo": CONFORMANCE})


def _describe(request: HttpRequest, c: Collection) -> dict:
    base = f"/ogcapi/collections/{c.id}"
    extent: dict = {"spatial": {"bbox": [list(SAXONY_BBOX_WGS84)], "crs": CRS84}}
    if c.temporal:
        extent["temporal"] = {"interval": [[None, None]]}
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "extent": extent,
        "crs": SUPPORTED,
        "storageCrs": STORAGE_CRS,
        "links": [
            _link(request, base, "self", JSON, c.title),
            _link(request, f"{base}/items", "items", GEOJSON, f"{c.title} (GeoJSON)"),
        ],
    }


@ogc_view
def collections(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "links": [_link(request, "/ogcapi/collections", "self", JSON, "Sammlungen")],
            "crs": SUPPORTED,
            "collections": [_describe(request, c) for c in COLLECTIONS.values()],
        }
    )


@ogc_view
def collection(request: HttpRequest, name: str) -> HttpResponse:
    return _json(_describe(request, _collection(request, name)))


def _page_link(request: HttpRequest, rel: str, offset: int) -> dict[str, str]:
    params = request.GET.copy()
    params["offset"] = str(offset)
    href = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.items()))}")
    return {"href": href, "rel": rel, "type": GEOJSON, "title": "Nächste Seite" if rel == "next" else "Seite"}


def _geojson(body: str, crs: str) -> HttpResponse:
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Crs"] = f"<{crs}>"
    return response


def _matched(c: Collection, q: ItemsQuery, qs: QuerySet, rows: list[str]) -> int:
    """numberMatched as cheaply as it can be known exactly: a short first page is everything; else the
    collection's own counts (reports: pre-aggregated); else count the rows (a place or time filter)."""
    if q.offset == 0 and len(rows) < q.limit:
        return len(rows)
    total = c.total(q)
    return qs.count() if total is None else total


@ogc_view
def items(request: HttpRequest, name: str) -> HttpResponse:
    c = _collection(request, name)
    q = items_query(request.GET, c.filters)
    qs = c.items(q)
    # The page's keys first, then the features of those rows only: with the feature expression in the
    # paged statement PostgreSQL builds the JSON of every row it skips (offset 99,000 took 1.7 s).
    page = c.base().filter(pk__in=qs.values("pk")[q.offset : q.offset + q.limit]).order_by(c.id_field)
    rows = list(c.features(page, request, q.srid, PRECISION[q.srid]))
    matched = _matched(c, q, qs, rows)
    links = [_page_link(request, "self", q.offset)]
    if q.offset + len(rows) < matched:
        links.append(_page_link(request, "next", q.offset + q.limit))
    envelope = {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(rows),
        "timeStamp": timezone.now().isoformat(timespec="seconds"),
        "links": links,
    }
    # The features arrive as JSON text from PostgreSQL and are spliced in, not parsed and re-encoded.
    head = json.dumps(envelope, ensure_ascii=False)[:-1]
    return _geojson(f'{head}, "features": [{",".join(rows)}]}}', q.crs)


@ogc_view
def item(request: HttpRequest, name: str, feature_id: str) -> HttpResponse:
    c = _collection(request, name)
    unknown = sorted(set(request.GET) - {"crs", "f"})
    if unknown:
        raise OgcError("InvalidParameterValue", f"{unknown[0]}: unbekannter Parameter.")
    crs = crs_param(request.GET, "crs")
    srid = SRID_BY_URI[crs]
    row = c.features(c.base().filter(**{c.id_field: feature_id[:40]}), request, srid, PRECISION[srid]).first()
    if row is None:
        raise OgcError("NotFound", f"Das Objekt „{feature_id[:40]}“ gibt es in „{c.id}“ nicht.", status=404)
    # /req/core/f-links: the feature links itself and its collection. One feature is parsed and
    # re-encoded; the page of items keeps the spliced text, where the cost would grow with the page.
    feature = json.loads(row)
    feature["links"] = [
        {"href": request.build_absolute_uri(), "rel": "self", "type": GEOJSON, "title": "Dieses Objekt"},
        _link(request, f"/ogcapi/collections/{c.id}", "collection", JSON, c.title),
    ]
    return _geojson(json.dumps(feature, ensure_ascii=False), crs)
