"""The OpenAPI 3.0 definition of ``/ogcapi/`` (``/ogcapi/api``), built from the collection table.

GDAL's OAPIF driver reads it for the largest ``limit`` it may ask for; people read it for the parameters.
"""

from __future__ import annotations

from typing import Any

from interfaces.ogcapi.collections import COLLECTIONS
from interfaces.ogcapi.crs import SUPPORTED
from interfaces.ogcapi.params import DEFAULT_LIMIT, MAX_LIMIT

OGC_EXCEPTION = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
}


def _query(name: str, description: str, schema: dict[str, Any], *, explode: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        "style": "form",
        "explode": explode,
    }


def _response(description: str, media_type: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": {"type": "object"}}}}


ERRORS = {
    "400": {
        "description": "Ungültiger Parameter",
        "content": {"application/json": {"schema": OGC_EXCEPTION}},
    },
    "404": {"description": "Nicht gefunden", "content": {"application/json": {"schema": OGC_EXCEPTION}}},
}
CRS = _query("crs", "Koordinatenreferenzsystem der Antwort", {"type": "string", "enum": SUPPORTED})


def _items_parameters(filters: list[str]) -> list[dict[str, Any]]:
    return [
        _query(
            "limit",
            f"Höchstzahl der Objekte einer Seite (Standard {DEFAULT_LIMIT}, höchstens {MAX_LIMIT})",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        ),
        _query("offset", "Übersprungene Objekte (aus den next-Links)", {"type": "integer", "minimum": 0}),
        _query(
            "bbox",
            "Ausschnitt minx,miny,maxx,maxy (in bbox-crs; CRS84: Länge zuerst)",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            explode=False,
        ),
        _query("bbox-crs", "Koordinatenreferenzsystem von bbox", {"type": "string", "enum": SUPPORTED}),
        CRS,
        _query(
            "datetime", "Zeitpunkt oder Intervall Anfang/Ende nach RFC 3339, offen mit ..", {"type": "string"}
        ),
        *[_query(name, f"Filter {name}, mehrere Werte mit Komma", {"type": "string"}) for name in filters],
    ]


def _collection_paths(cid: str, filters: list[str]) -> dict[str, Any]:
    base = f"/collections/{cid}"
    feature_id = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        base: {"get": {"operationId": f"describe_{cid}", "responses": {"200": _response("Sammlung")}}},
        f"{base}/items": {
            "get": {
                "operationId": f"items_{cid}",
                "parameters": _items_parameters(filters),
                "responses": {"200": _response("Objekte", "application/geo+json"), **ERRORS},
            }
        },
        f"{base}/items/{{featureId}}": {
            "get": {
                "operationId": f"item_{cid}",
                "parameters": [feature_id, CRS],
                "responses": {"200": _response("Objekt", "application/geo+json"), **ERRORS},
            }
        },
    }


def definition(server_url: str) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/": {"get": {"operationId": "landing", "responses": {"200": _response("Startseite")}}},
        "/api": {"get": {"operationId": "api", "responses": {"200": _response("Diese API-Beschreibung")}}},
        "/conformance": {
            "get": {"operationId": "conformance", "responses": {"200": _response("Konformität")}}
        },
        "/collections": {
            "get": {"operationId": "collections", "responses": {"200": _response("Sammlungen")}}
        },
    }
    for c in COLLECTIONS.values():
        paths.update(_collection_paths(c.id, list(c.filters)))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Mängelmelder Sachsen – OGC API Features", "version": "1.0.0"},
        "servers": [{"url": server_url}],
        "paths": paths,
    }
