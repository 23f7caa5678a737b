"""Permit endpoints: kinds, apply/estimate, public active permits, staff conflicts and decisions, parking."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domains.permits.kinds import commune_organisation_of, kinds_available_in
from domains.permits.selectors import (
    CONFLICT_GEOJSON_PRECISION,
    CONFLICT_REPORT_RADIUS_M,
    ConflictPermit,
    active_permits,
    parking_zone_features,
    permit_conflict_rows,
    public_permit_features,
    staff_permits,
    staff_permits_with_notices,
)
from domains.permits.services import (
    PermitDraft,
    parking_apply,
    permit_create,
    permit_estimate,
    permit_staff_update,
)
from domains.reports.selectors import open_reports_near
from interfaces.api.pagination import StandardPagination
from interfaces.api.serializers.common import ERROR_SERIALIZER
from interfaces.api.serializers.permits import (
    ConflictsSerializer,
    ParkingApplySerializer,
    ParkingCreatedSerializer,
    PermitCreatedSerializer,
    PermitCreateSerializer,
    PermitEstimateSerializer,
    PermitKindSerializer,
    StaffPermitPatchSerializer,
    StaffPermitSerializer,
)
from interfaces.api.views.staff import IsStaffMember
from kernel.cases.tracking import tracking_url
from kernel.core.errors import NotFound
from kernel.organisations.scoping import get_visible
from shared.http.filters import bbox_polygon
from shared.http.params import invalid, optional_ags, optional_date
from shared.http.throttling import PermitEstimateThrottle, ReportCreateThrottle


def _draft(data: Any) -> PermitDraft:
    if not isinstance(data, dict):
        raise invalid("geometry", "JSON-Objekt erwartet.")
    return PermitDraft(
        kind=data.get("kind"),
        geometry=data.get("geometry"),
        width_m=data.get("width_m"),
        site_address=data.get("site_address"),
        length_m=data.get("length_m"),
        start=data.get("start"),
        end=data.get("end"),
        units=data.get("units", 1),
        description=data.get("description", ""),
        exemption=data.get("exemption", ""),
        applicant=data.get("applicant") or {},
    )


def _estimate_body(area: Any, fee: Any) -> dict[str, Any]:
    return {
        "area_m2": str(area.area_m2),
        "communes": [
            {"ags": s.commune.ags, "name": s.commune.name, "share": round(s.share, 6)}
            for s in area.assignment.shares
        ],
        "fee": fee.as_dict(),
    }


def _created_body(permit: Any) -> dict[str, Any]:
    """The 201 answer, read inside the creating transaction."""
    shares = permit.communes.select_related("commune").order_by("-share")
    return {
        "id": permit.public_id,
        "status": permit.status,
        "area_m2": str(permit.area_m2),
        "communes": [{"ags": s.commune.ags, "name": s.commune.name, "share": float(s.share)} for s in shares],
        "fee": {
            "total": str(permit.fee_total),
            "currency": "EUR",
            "lines": permit.fee_lines,
            "complete": bool(permit.fee_lines),
        },
        "tracking_url": tracking_url(permit),
    }


class PermitKindListView(APIView):
    @extend_schema(
        summary="Arten der Sondernutzung",
        description=(
            "Ohne ags die Arten der Plattform. Mit ags die Arten, die diese Gemeinde anbietet: die der "
            "Plattform ohne die abgeschalteten, dazu ihre eigenen Arten, jeweils mit ihren Regelauflagen."
        ),
        parameters=[
            OpenApiParameter("ags", OpenApiTypes.STR, description="Gemeinde (AGS, 8 Ziffern)"),
        ],
        responses={200: PermitKindSerializer(many=True), 400: ERROR_SERIALIZER, 404: ERROR_SERIALIZER},
    )
    def get(self, request: Request) -> Response:
        ags = optional_ags(request.query_params, "ags", digits=8)
        organisation = commune_organisation_of(ags) if ags else None
        if ags and organisation is None:
            raise NotFound(f"Eine sächsische Gemeinde mit dem Schlüssel {ags} gibt es nicht.")
        kinds = kinds_available_in(organisation)
        return Response(PermitKindSerializer(kinds, many=True, context={"organisation": organisation}).data)


class PermitCreateView(APIView):
    throttle_classes = [ReportCreateThrottle]

    @extend_schema(
        summary="Sondernutzung beantragen",
        request=PermitCreateSerializer,
        responses={201: PermitCreatedSerializer, 400: ERROR_SERIALIZER, 429: ERROR_SERIALIZER},
    )
    def post(self, request: Request) -> Response:
        created = permit_create(draft=_draft(request.data), user=request.user, present=_created_body)
        body = created.presented
        return Response(body, status=201)


class PermitEstimateView(APIView):
    throttle_classes = [PermitEstimateThrottle]

    @extend_schema(
        summary="Fläche und Gebühr vorab berechnen (nichts wird gespeichert)",
        request=PermitCreateSerializer,
        responses={200: PermitEstimateSerializer, 400: ERROR_SERIALIZER, 429: ERROR_SERIALIZER},
    )
    def post(self, request: Request) -> Response:
        estimate = permit_estimate(draft=_draft(request.data))
        return Response(_estimate_body(estimate.area, estimate.fee))


class ActivePermitsView(APIView):
    @extend_schema(
        summary="Genehmigte Sondernutzungen an einem Tag (GeoJSON, ohne personenbezogene Daten)",
        parameters=[
            OpenApiParameter(
                "bbox",
                OpenApiTypes.STR,
                description="minLängengrad,minBreitengrad,maxLängengrad,maxBreitengrad",
            ),
            OpenApiParameter("date", OpenApiTypes.DATE, description="Stichtag, Standard heute"),
        ],
        responses={200: OpenApiResponse(description="GeoJSON FeatureCollection"), 400: ERROR_SERIALIZER},
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        day = optional_date(params, "date") or timezone.localdate()
        bbox = bbox_polygon(params["bbox"]) if params.get("bbox") else None
        rows = public_permit_features(active_permits(bbox=bbox, day=day))
        body = '{"type":"FeatureCollection","features":[' + ",".join(rows) + "]}"
        return HttpResponse(body, content_type="application/json")


class ParkingZonesView(APIView):
    @extend_schema(
        summary="Bewohnerparkgebiete (GeoJSON)",
        parameters=[
            OpenApiParameter("ags", OpenApiTypes.STR, description="Nur die Gebiete dieser Gemeinde (AGS)"),
        ],
        responses={
            200: OpenApiResponse(description="GeoJSON FeatureCollection: ags, commune, code, name"),
            400: ERROR_SERIALIZER,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        rows = parking_zone_features(ags=optional_ags(request.query_params, "ags", digits=8))
        body = '{"type":"FeatureCollection","features":[' + ",".join(rows) + "]}"
        return HttpResponse(body, content_type="application/json")


def _conflict_body(p: ConflictPermit) -> dict[str, Any]:
    """One overlapping permit; another commune's shows only the period (and, if approved, the outline)."""
    return {
        "detailed": p.detailed,
        "label": p.label,
        "approved": p.approved,
        "start": p.start,
        "end": p.end,
        "geometry": json.loads(p.geojson) if p.geojson else None,
        "id": p.public_id,
        "kind": p.kind,
        "status": p.status,
        "commune": p.commune,
    }


class PermitConflictsView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Konflikte einer Sondernutzung (nur Verwaltung)",
        responses={
            200: ConflictsSerializer,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
        },
    )
    def get(self, request: Request, public_id: str) -> Response:
        permit = get_visible(request.user, staff_permits(request.user), public_id=public_id)
        reports = open_reports_near(
            permit.location, radius_m=CONFLICT_REPORT_RADIUS_M, precision=CONFLICT_GEOJSON_PRECISION
        )
        return Response(
            {
                "permits": [_conflict_body(p) for p in permit_conflict_rows(permit, viewer=request.user)],
                "reports": [
                    {
                        "id": r.public_id,
                        "category": r.category.display_name,
                        "status": r.status,
                        "distance_m": round(r.distance.m, 1),
                        "geometry": json.loads(r.geojson),
                    }
                    for r in reports
                ],
            }
        )


class StaffPermitListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = StaffPermitSerializer
    pagination_class = StandardPagination

    @extend_schema(
        summary="Anträge auf Sondernutzung (nur eigene Organisation)",
        responses={
            200: StaffPermitSerializer(many=True),
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: OpenApiResponse(ERROR_SERIALIZER, description="Seite gibt es nicht"),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return staff_permits_with_notices(self.request.user).order_by("-created")


class StaffPermitDetailView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Ein Antrag (Verwaltung)",
        responses={
            200: StaffPermitSerializer,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
        },
    )
    def get(self, request: Request, public_id: str) -> Response:
        return Response(
            StaffPermitSerializer(
                get_visible(request.user, staff_permits_with_notices(request.user), public_id=public_id),
                context={"request": request},
            ).data
        )

    @extend_schema(
        summary="Über einen Antrag entscheiden oder Fläche/Zeitraum vor der Entscheidung korrigieren",
        request=StaffPermitPatchSerializer,
        responses={
            200: StaffPermitSerializer,
            400: ERROR_SERIALIZER,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
            409: ERROR_SERIALIZER,
        },
    )
    def patch(self, request: Request, public_id: str) -> Response:
        serializer = StaffPermitPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        change = {key: data.pop(key) for key in ("geometry", "width_m", "start", "end") if key in data}
        permit = permit_staff_update(actor=request.user, public_id=public_id, change=change, decision=data)
        return Response(StaffPermitSerializer(permit, context={"request": request}).data)


class ParkingPermitCreateView(APIView):
    throttle_classes = [ReportCreateThrottle]

    @extend_schema(
        summary="Bewohnerparkausweis beantragen",
        request=ParkingApplySerializer,
        responses={201: ParkingCreatedSerializer, 400: ERROR_SERIALIZER, 429: ERROR_SERIALIZER},
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        created = parking_apply(
            lon=data.get("lon"),
            lat=data.get("lat"),
            licence_plate=data.get("licence_plate"),
            name=data.get("name"),
            email=data.get("email"),
            address=data.get("address"),
        )
        permit = created.permit
        return Response(
            {
                "id": permit.public_id,
                "status": permit.status,
                "zone": {"code": permit.zone.code, "name": permit.zone.name},
                "fee": {"total": str(permit.fee), "currency": "EUR", "period": "Jahr"},
                "tracking_url": tracking_url(permit),
            },
            status=201,
        )
