"""Communes and districts: locate a point, list, and show one with a simplified outline."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import Transform
from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import StandardPagination
from api.params import optional_ags, optional_date, optional_float
from api.serializers.boundaries import (
    CommuneFeatureSerializer,
    CommuneSerializer,
    DistrictFeatureSerializer,
    DistrictSerializer,
    LocateSerializer,
)
from api.serializers.common import ERROR_SERIALIZER
from boundaries.models import Commune, District
from boundaries.selectors import communes_light, today
from geo.assignment import OutsideSaxony, assign_point
from geo.coords import parse_lon_lat
from geo.functions import SimplifyPreserveTopology
from geo.srid import API_SRID

ERROR = ERROR_SERIALIZER
ON_PARAM = OpenApiParameter("on", OpenApiTypes.DATE, description="Stichtag (JJJJ-MM-TT), Standard: heute")
TOLERANCE_PARAM = OpenApiParameter(
    "tolerance",
    OpenApiTypes.DOUBLE,
    description="Vereinfachung der Umrisslinie in Metern (Standard 20, höchstens 1000; 0 = unvereinfacht)",
)
DEFAULT_TOLERANCE_M = 20.0
MAX_TOLERANCE_M = 1000.0


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
        responses={200: CommuneSerializer(many=True), 400: ERROR},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        day = optional_date(params, "on") or today()
        district = optional_ags(params, "district", digits=5)
        qs = communes_light().valid_on(day).order_by("name", "ags")
        q = (params.get("q") or "").strip()
        if len(q) > 100:
            from api.params import invalid

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
            .annotate(simplified=Transform(SimplifyPreserveTopology("geom", tolerance), API_SRID))
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
        responses={200: DistrictSerializer(many=True), 400: ERROR},
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
            .annotate(simplified=Transform(SimplifyPreserveTopology("geom", tolerance), API_SRID))
            .first()
        )
        if district is None:
            raise Http404
        return Response(DistrictFeatureSerializer(district).data)
