"""Address search and reverse lookup (``/api/v1/addresses/``): GeoJSON, best first, throttled per client."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interfaces.api.serializers.addresses import AddressCollectionSerializer, ReverseFeatureSerializer
from interfaces.api.serializers.common import ERROR_SERIALIZER
from kernel.addresses.selectors import (
    AREA_KINDS,
    MAX_QUERY,
    MIN_QUERY,
    REVERSE_RADIUS_M,
    Hit,
    nearest,
    search,
)
from kernel.geo.coords import in_saxony_extent, parse_lon_lat, to_storage
from shared.http.params import ascii_digits, invalid
from shared.http.throttling import AddressSearchThrottle

DEFAULT_LIMIT = 10
MAX_LIMIT = 50


def feature(hit: Hit) -> dict:
    commune = {"ags": hit.ags, "name": hit.commune_name} if hit.commune_name else None
    properties = {
        "kind": hit.kind,
        "label": hit.label,
        "street": hit.street,
        "housenumber": hit.housenumber,
        "postcode": hit.postcode,
        "place": hit.place,
        "commune": commune,
        "address_id": hit.address_id,
        "area": hit.kind in AREA_KINDS,
        "city": hit.city,
        "has_addresses": hit.has_addresses,
    }
    if hit.distance_m is not None:
        properties["distance_m"] = hit.distance_m
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(hit.lon, 6), round(hit.lat, 6)]},
        "properties": properties,
    }


def _query(request: Request) -> str:
    q = (request.query_params.get("q") or "").strip()
    if len(q) < MIN_QUERY:
        raise invalid("q", f"Bitte mindestens {MIN_QUERY} Zeichen eingeben (q).")
    if len(q) > MAX_QUERY:
        raise invalid("q", f"q darf höchstens {MAX_QUERY} Zeichen lang sein.")
    return q


def _limit(request: Request) -> int:
    value = request.query_params.get("limit") or str(DEFAULT_LIMIT)
    if not ascii_digits(value, max_digits=3) or not 1 <= int(value) <= MAX_LIMIT:
        raise invalid("limit", f"limit muss eine ganze Zahl zwischen 1 und {MAX_LIMIT} sein.")
    return int(value)


class AddressSearchView(APIView):
    throttle_classes = [AddressSearchThrottle]

    @extend_schema(
        summary="Adresse, Straße oder Gemeinde suchen",
        description="Fehlertolerant: „Str.“/„Straße“/„strasse“, ae/oe/ue/ss, fehlende Kommas, „12a“/„12 a“, "
        "Postleitzahl oder Ort an beliebiger Stelle. Ohne geladene Adressen werden Gemeinden und Landkreise "
        "gefunden.",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="Suchtext (mind. 3 Zeichen)"),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"Höchstzahl (1–{MAX_LIMIT}, Standard 10)"
            ),
        ],
        responses={200: AddressCollectionSerializer, 400: ERROR_SERIALIZER, 429: ERROR_SERIALIZER},
    )
    def get(self, request: Request) -> Response:
        q, limit = _query(request), _limit(request)
        return Response(
            {"type": "FeatureCollection", "features": [feature(h) for h in search(q, limit=limit)]}
        )


class AddressReverseView(APIView):
    throttle_classes = [AddressSearchThrottle]

    @extend_schema(
        summary="Nächste Adresse zu einem Ort",
        description=f"Die nächste Hausadresse im Umkreis von {REVERSE_RADIUS_M:g} m, mit Abstand in Metern.",
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True, description="Längengrad (WGS84)"),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="Breitengrad (WGS84)"),
        ],
        responses={200: ReverseFeatureSerializer, 400: ERROR_SERIALIZER, 404: ERROR_SERIALIZER},
    )
    def get(self, request: Request) -> Response:
        point = parse_lon_lat(request.query_params.get("lon"), request.query_params.get("lat"))
        # Outside Saxony's extent there are no addresses (and far-away points do not project into UTM 33).
        hit = nearest(to_storage(point)) if in_saxony_extent(point.x, point.y) else None
        if hit is None:
            detail = f"Im Umkreis von {REVERSE_RADIUS_M:g} m ist keine Adresse bekannt."
            return Response({"detail": detail, "code": "not_found"}, status=404)
        return Response(feature(hit))
