"""Communes and districts: locate a point, list, and show one with a simplified outline."""

from __future__ import annotations

import hashlib

from django.contrib.gis.db.models.functions import Transform
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interfaces.api.pagination import StandardPagination
from interfaces.api.serializers.boundaries import (
    CommuneFeatureSerializer,
    CommuneSerializer,
    DistrictFeatureSerializer,
    DistrictSerializer,
    LocateSerializer,
)
from interfaces.api.serializers.common import ERROR_SERIALIZER
from kernel.boundaries.assignment import OutsideSaxony, assign_point
from kernel.boundaries.models import Commune, District
from kernel.boundaries.naming import german
from kernel.boundaries.selectors import boundaries_version, communes_geojson, communes_light, today
from kernel.geo.coords import parse_lon_lat
from kernel.geo.functions import Multi, SimplifyPreserveTopology
from kernel.geo.srid import API_SRID
from shared.http.params import invalid, optional_ags, optional_date, optional_float

ERROR = ERROR_SERIALIZER
ON_PARAM = OpenApiParameter("on", OpenApiTypes.DATE, description="Stichtag (JJJJ-MM-TT), Standard: heute")
TOLERANCE_PARAM = OpenApiParameter(
    "tolerance",
    OpenApiTypes.DOUBLE,
    description="Vereinfachung der Umrisslinie in Metern (Standard 20, höchstens 1000; 0 = unvereinfacht)",
)
DEFAULT_TOLERANCE_M = 20.0
MAX_TOLERANCE_M = 1000.0
# The borders layer shows all of Saxony at once: 100 m keeps it near 570 kB (≈150 kB gzipped).
LAYER_TOLERANCE_M = 100.0
LAYER_MIN_TOLERANCE_M = 20.0
LAYER_MAX_AGE_S = 3600


class LocateView(APIView):
    """Which commune is responsible for a place? Used by the map page and apps before submitting."""

    @extend_schema(
        summary="Zuständige Gemeinde für einen Ort",
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True, description="Längengrad (WGS84)"),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="Breitengrad (WGS84)"),
            ON_PARAM,
        ],
        responses={200: LocateSerializer, 400: ERROR, 404: ERROR},
        examples=[
            OpenApiExample(
                "Dresden",
                response_only=True,
                value={
                    "ags": "14612000",
                    "name": "Dresden",
                    "name_official": "Dresden, Stadt",
                    "district": {"ags": "14612", "name": "Dresden"},
                    "valid_from": "2024-01-01",
                    "attribution": "© GeoBasis-DE / BKG (2016), dl-de/by-2-0, Daten verändert",
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        point = parse_lon_lat(request.query_params.get("lon"), request.query_params.get("lat"))
        day = optional_date(request.query_params, "on")
        try:
            assignment = assign_point(point, on=day)
        except OutsideSaxony as exc:
            return Response({"detail": exc.message, "code": exc.code}, status=404)
        return Response(LocateSerializer(assignment.commune).data)


class CommuneListView(generics.ListAPIView):
    serializer_class = CommuneSerializer
    pagination_class = StandardPagination

    @extend_schema(
        summary="Gemeinden Sachsens",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Namensanfang, z. B. 'Bad'"),
            OpenApiParameter("district", OpenApiTypes.STR, description="Kreisschlüssel (5 Ziffern)"),
            ON_PARAM,
        ],
        responses={200: CommuneSerializer(many=True), 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        day = optional_date(params, "on") or today()
        district = optional_ags(params, "district", digits=5)
        qs = communes_light().valid_on(day).order_by(german("name"), "ags")
        q = (params.get("q") or "").strip()
        if len(q) > 100:
            raise invalid("q", "q darf höchstens 100 Zeichen lang sein.")
        if q:
            qs = qs.filter(Q(name__istartswith=q) | Q(name_official__istartswith=q))
        if district:
            qs = qs.filter(ags__startswith=district)
        return qs


def _tolerance(request: Request) -> float:
    return optional_float(
        request.query_params,
        "tolerance",
        default=DEFAULT_TOLERANCE_M,
        minimum=0.0,
        maximum=MAX_TOLERANCE_M,
        clamp=True,
    )


class CommuneDetailView(APIView):
    @extend_schema(
        summary="Eine Gemeinde als GeoJSON-Feature (WGS84, vereinfacht)",
        parameters=[ON_PARAM, TOLERANCE_PARAM],
        responses={200: CommuneFeatureSerializer, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, ags: str) -> Response:
        day = optional_date(request.query_params, "on") or today()
        tolerance = _tolerance(request)
        commune = (
            Commune.objects.valid_on(day)
            .filter(ags=ags)
            .select_related("district")
            .defer("geom", "district__geom")
            .annotate(simplified=Transform(Multi(SimplifyPreserveTopology("geom", tolerance)), API_SRID))
            .first()
        )
        if commune is None:
            raise Http404
        return Response(CommuneFeatureSerializer(commune).data)


class DistrictListView(generics.ListAPIView):
    serializer_class = DistrictSerializer
    pagination_class = StandardPagination

    @extend_schema(
        summary="Landkreise und kreisfreie Städte",
        parameters=[ON_PARAM],
        responses={200: DistrictSerializer(many=True), 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        day = optional_date(self.request.query_params, "on") or today()
        return District.objects.valid_on(day).defer("geom").order_by("ags")


class DistrictDetailView(APIView):
    @extend_schema(
        summary="Ein Kreis als GeoJSON-Feature (WGS84, vereinfacht)",
        parameters=[ON_PARAM, TOLERANCE_PARAM],
        responses={200: DistrictFeatureSerializer, 400: ERROR, 404: ERROR},
    )
    def get(self, request: Request, ags: str) -> Response:
        day = optional_date(request.query_params, "on") or today()
        tolerance = _tolerance(request)
        district = (
            District.objects.valid_on(day)
            .filter(ags=ags)
            .defer("geom")
            .annotate(simplified=Transform(Multi(SimplifyPreserveTopology("geom", tolerance)), API_SRID))
            .first()
        )
        if district is None:
            raise Http404
        return Response(DistrictFeatureSerializer(district).data)


@method_decorator(gzip_page, name="dispatch")
class CommunesGeoJSONView(APIView):
    """Every commune's outline for the map's borders layer, in one cacheable response.

    Built by PostgreSQL (``kernel.boundaries.selectors.communes_geojson``), kept in the shared cache and
    revalidated by ETag, so the 0.5 s query runs once per boundary import, day and tolerance.
    """

    @extend_schema(
        summary="Alle Gemeindegrenzen als GeoJSON-FeatureCollection (WGS84, vereinfacht)",
        description=(
            "Für die Grenzebene der Karte: Umrisse aller an dem Stichtag gültigen Gemeinden, jede mit "
            "ags und name. ETag und Cache-Control erlauben Zwischenspeichern; mit gzip. "
            "© GeoBasis-DE / BKG (2016), dl-de/by-2-0, Daten verändert."
        ),
        parameters=[
            ON_PARAM,
            OpenApiParameter(
                "tolerance",
                OpenApiTypes.DOUBLE,
                description=(
                    f"Vereinfachung in Metern (Standard {LAYER_TOLERANCE_M:g}, "
                    f"{LAYER_MIN_TOLERANCE_M:g}–{MAX_TOLERANCE_M:g})"
                ),
            ),
        ],
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT, 304: None, 400: ERROR},
    )
    def get(self, request: Request) -> HttpResponse:
        day = optional_date(request.query_params, "on") or today()
        tolerance = optional_float(
            request.query_params,
            "tolerance",
            default=LAYER_TOLERANCE_M,
            minimum=LAYER_MIN_TOLERANCE_M,
            maximum=MAX_TOLERANCE_M,
            clamp=True,
        )
        key = f"communes-geojson:{boundaries_version()}:{day.isoformat()}:{tolerance:g}"
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={LAYER_MAX_AGE_S}"}
        if etag in request.headers.get("If-None-Match", ""):
            return HttpResponseNotModified(headers=headers)
        body = cache.get(key)
        if body is None:
            body = communes_geojson(on=day, tolerance_m=tolerance)
            cache.set(key, body, timeout=24 * 3600)
        return HttpResponse(body, content_type="application/geo+json", headers=headers)
