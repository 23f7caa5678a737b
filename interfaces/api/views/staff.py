"""Staff API (token or session auth): the work queue and changes, scoped by kernel.organisations.scoping."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domains.reports.services import UNSET, report_staff_patch
from domains.reports.services.inquiries import inquiry_ask
from domains.reports.staff_selectors import QUEUE_ORDERINGS, staff_queue, staff_reports
from interfaces.api.pagination import StandardPagination
from interfaces.api.serializers.common import ERROR_SERIALIZER
from interfaces.api.serializers.staff import (
    InquiryAskSerializer,
    StaffReportDetailSerializer,
    StaffReportPatchSerializer,
    StaffReportSerializer,
)
from kernel.organisations.scoping import get_visible, scope_of
from shared.http.filters import queue_filter


class IsStaffMember(BasePermission):
    """Logged in and an active member of at least one organisation; otherwise 403."""

    message = "Nur für Mitarbeitende einer Organisation."

    def has_permission(self, request, view) -> bool:
        return scope_of(request.user).is_staff


QUEUE_PARAMS = [
    OpenApiParameter(
        "status", OpenApiTypes.STR, description="Kommagetrennt; Standard: alle offenen; 'all' für alle"
    ),
    OpenApiParameter("category", OpenApiTypes.STR, description="Kategorie-Kürzel, kommagetrennt"),
    OpenApiParameter("older_than_days", OpenApiTypes.INT, description="Nur Meldungen älter als N Tage"),
    OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Nur überfällige"),
    OpenApiParameter("assigned", OpenApiTypes.STR, enum=["yes", "no", "me"]),
    OpenApiParameter("organisation", OpenApiTypes.INT),
    OpenApiParameter("ordering", OpenApiTypes.STR, enum=list(QUEUE_ORDERINGS)),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


class StaffReportListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = StaffReportSerializer
    pagination_class = StandardPagination

    @extend_schema(
        summary="Arbeitsliste (nur eigene Organisation)",
        parameters=QUEUE_PARAMS,
        responses={
            200: StaffReportSerializer(many=True),
            400: ERROR_SERIALIZER,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: OpenApiResponse(ERROR_SERIALIZER, description="Seite gibt es nicht"),
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return staff_queue(self.request.user, queue_filter(self.request.query_params))


class StaffReportDetailView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Eine Meldung mit internen Angaben",
        responses={
            200: StaffReportDetailSerializer,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
        },
    )
    def get(self, request: Request, public_id: str) -> Response:
        report = get_visible(request.user, staff_reports(request.user), public_id=public_id)
        return Response(StaffReportDetailSerializer(report, context={"request": request}).data)

    @extend_schema(
        summary="Status, Notizen oder Zuweisung ändern",
        request=StaffReportPatchSerializer,
        responses={
            200: StaffReportDetailSerializer,
            400: ERROR_SERIALIZER,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
            409: OpenApiResponse(ERROR_SERIALIZER, description="Unzulässiger Statuswechsel"),
        },
    )
    def patch(self, request: Request, public_id: str) -> Response:
        serializer = StaffReportPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The answer is read in the same transaction as the change: if the database goes away in
        # between, the change is rolled back and the 503 is true, never a 503 for a stored change.
        with transaction.atomic():
            report_staff_patch(
                actor=request.user,
                public_id=public_id,
                status=data.get("status"),
                public_note=data.get("public_note", ""),
                internal_note=data.get("internal_note", ""),
                assignee=data["assignee"] if "assignee" in data else UNSET,
                template=data.get("template", ""),
            )
            report = get_visible(request.user, staff_reports(request.user), public_id=public_id)
            body = StaffReportDetailSerializer(report, context={"request": request}).data
        return Response(body)


class StaffReportInquiryView(APIView):
    """Rückfrage an die meldende Person (issue 30.3): the same service as the staff page."""

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Rückfrage an die meldende Person stellen",
        request=InquiryAskSerializer,
        responses={
            201: StaffReportDetailSerializer,
            400: OpenApiResponse(ERROR_SERIALIZER, description="Keine Frage oder keine E-Mail-Adresse"),
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
            409: OpenApiResponse(
                ERROR_SERIALIZER, description="Rückfrage schon offen oder Status erlaubt keine"
            ),
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        serializer = InquiryAskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            inquiry_ask(
                actor=request.user,
                public_id=public_id,
                question=data["question"],
                public_answer=data["public_answer"],
            )
            report = get_visible(request.user, staff_reports(request.user), public_id=public_id)
            body = StaffReportDetailSerializer(report, context={"request": request}).data
        return Response(body, status=201)
