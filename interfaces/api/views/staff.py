"""Staff API (token or session auth): the work queue and changes, scoped by kernel.organisations.scoping."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domains.reports.models import Report
from domains.reports.services import UNSET, ReportDraft, priority_from, report_create, report_staff_patch
from domains.reports.services.bulk import BulkAction, reports_bulk
from domains.reports.services.inquiries import inquiry_ask
from domains.reports.services.review import report_release
from domains.reports.services.visibility import report_set_internal
from domains.reports.staff_selectors import QUEUE_ORDERINGS, staff_queue, staff_reports
from interfaces.api.pagination import StandardPagination
from interfaces.api.serializers.common import ERROR_SERIALIZER
from interfaces.api.serializers.staff import (
    InquiryAskSerializer,
    StaffBulkResponseSerializer,
    StaffBulkResultSerializer,
    StaffReportBulkSerializer,
    StaffReportDetailSerializer,
    StaffReportIntakeSerializer,
    StaffReportPatchSerializer,
    StaffReportSerializer,
)
from kernel.core.errors import NotFound
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

    @extend_schema(
        summary="Meldung für eine anrufende Person aufnehmen (Telefon, vor Ort, Brief, E-Mail)",
        description=(
            "Dieselbe Prüfung und derselbe Weg wie eine Online-Meldung; channel ist telefon, vor_ort, "
            "brief oder email. Nur im eigenen Zuständigkeitsgebiet. Mit email geht die Eingangsbestätigung "
            "mit dem Verfolgungslink an die Person."
        ),
        request=StaffReportIntakeSerializer,
        responses={
            201: StaffReportDetailSerializer,
            400: ERROR_SERIALIZER,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        if not scope_of(request.user).manager_org_ids:
            raise PermissionDenied("Meldungen aufnehmen dürfen nur Sachbearbeitung und Administration.")
        data = StaffReportIntakeSerializer.raw(request.data)
        draft = ReportDraft(**data, field_names={})
        # Read back inside the creating transaction, as the citizen API does: never an error for a stored
        # report. A report routed to another body in the area (a utility) is not the creator's to read.
        created = report_create(
            draft=draft,
            user=request.user,
            present=lambda report: (
                StaffReportDetailSerializer(report, context={"request": request}).data
                if report.organisation_id in scope_of(request.user).manager_org_ids
                else {"id": report.public_id, "organisation": report.organisation.name}
            ),
        )
        return Response(created.presented, status=201)


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
        summary="Status, Notizen, Zuweisung, Priorität oder „intern“ ändern; Kategorie oder Ort berichtigen",
        description=(
            "Eine Berichtigung, nach der eine andere Organisation zuständig ist, übergibt die Meldung: die "
            "Antwort ist dann 200 mit nur „id“, „handed_over_to“ und „detail“ – danach 404."
        ),
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
            if "internal" in data:  # before the rest: a correction below may hand the report over
                report_set_internal(
                    actor=request.user,
                    public_id=public_id,
                    internal=data["internal"],
                    reason=data.get("internal_reason", ""),
                )
            if data.get("release"):
                report_release(actor=request.user, public_id=public_id)
            report_staff_patch(
                actor=request.user,
                public_id=public_id,
                status=data.get("status"),
                public_note=data.get("public_note", ""),
                internal_note=data.get("internal_note", ""),
                assignee=data["assignee"] if "assignee" in data else UNSET,
                template=data.get("template", ""),
                priority=priority_from(data["priority"]) if "priority" in data else None,
                correction={k: data[k] for k in StaffReportPatchSerializer.CORRECTION_FIELDS if k in data},
            )
            try:
                report = get_visible(request.user, staff_reports(request.user), public_id=public_id)
            except NotFound:  # a correction handed it to another organisation: stored, no longer ours
                return Response(handed_over_body(public_id))
            body = StaffReportDetailSerializer(report, context={"request": request}).data
        return Response(body)


class StaffReportBulkView(APIView):
    """Bulk work of the queue, as on the page: each report through the single-case service in its own
    savepoint, each one's result in the answer; ids outside the person's work are "not_found"."""

    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Mehrere Meldungen auf einmal: Status, Zuweisung oder Notiz",
        request=StaffReportBulkSerializer,
        responses={
            200: StaffBulkResponseSerializer,
            400: ERROR_SERIALIZER,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = StaffReportBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        action = BulkAction(
            action=data["action"],
            status=data.get("status", ""),
            public_note=data.get("public_note", ""),
            internal_note=data.get("internal_note", ""),
            template=data.get("template", ""),
            assignee=data.get("assignee", ""),
            team_id=data.get("team"),
        )
        results = reports_bulk(actor=request.user, public_ids=data["ids"], action=action)
        done = sum(1 for r in results if r.ok)
        return Response(
            {
                "changed": done,
                "unchanged": len(results) - done,
                "results": StaffBulkResultSerializer(results, many=True).data,
            }
        )


def handed_over_body(public_id: str) -> dict:
    """The PATCH answer after a hand-over: what happened, without the report's details (no longer ours)."""
    target = Report.objects.select_related("organisation").get(public_id=public_id).organisation
    return {
        "id": public_id,
        "handed_over_to": {"id": target.pk, "name": target.name},
        "detail": f"Die Meldung wurde an {target.name} übergeben; Sie haben keinen Zugriff mehr.",
    }


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
