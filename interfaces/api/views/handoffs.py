"""Staff API of hand-offs to outside parties (issue 30.4): list what is out, hand a report off, revoke a
link — the same services and German messages as ``/verwaltung/uebergaben/``. The link itself is only
mailed to the outside party, never returned here."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domains.reports.handoffs.models import Handoff
from domains.reports.handoffs.selectors import handoffs_out
from domains.reports.handoffs.services import HandoffInput, handoff_create, handoff_revoke
from interfaces.api.pagination import StandardPagination
from interfaces.api.serializers.common import ERROR_SERIALIZER
from interfaces.api.views.staff import IsStaffMember
from shared.http.params import invalid


class HandoffSerializer(serializers.ModelSerializer):
    report = serializers.CharField(source="report.public_id")
    report_status = serializers.CharField(source="report.status")
    overdue = serializers.BooleanField(source="is_overdue", default=False)
    link_expired = serializers.BooleanField(default=False)

    class Meta:
        model = Handoff
        fields = [
            "id",
            "report",
            "report_status",
            "name",
            "email",
            "message",
            "due",
            "created",
            "expires",
            "revoked",
            "last_activity",
            "overdue",
            "link_expired",
        ]


class HandoffCreateSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=40, help_text="Nummer der Meldung, z. B. SN-7K3M-Q2")
    name = serializers.CharField(max_length=200)
    email = serializers.CharField(max_length=254)
    due = serializers.DateField(help_text="Zu erledigen bis (JJJJ-MM-TT)")
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


ERRORS = {401: ERROR_SERIALIZER, 403: ERROR_SERIALIZER, 404: ERROR_SERIALIZER}


def _one(user, pk: int) -> dict:
    row = handoffs_out(user, include_ended=True).get(pk=pk)
    return HandoffSerializer(row).data


class HandoffListView(generics.ListAPIView):
    """What is out, paginated like every list of the API (the schema says so through ``ListAPIView``)."""

    permission_classes = [IsAuthenticated, IsStaffMember]
    pagination_class = StandardPagination
    serializer_class = HandoffSerializer

    def get_queryset(self):  # noqa: ANN201 - DRF's hook
        overdue = (self.request.query_params.get("overdue") or "").lower()
        if overdue not in ("", "0", "1", "true", "false"):
            raise invalid("overdue", "overdue: true oder false erwartet.")
        return handoffs_out(self.request.user, overdue_only=overdue in ("1", "true"))

    @extend_schema(
        summary="Übergaben an Externe, die offen sind (überfällige zuerst)",
        parameters=[OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Nur überfällige")],
        responses={200: HandoffSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Meldung per Link an Externe übergeben (der Link geht per E-Mail)",
        request=HandoffCreateSerializer,
        responses={201: HandoffSerializer, 400: ERROR_SERIALIZER, 409: ERROR_SERIALIZER, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = HandoffCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        with transaction.atomic():
            handoff = handoff_create(
                actor=request.user,
                public_id=d["report"],
                data=HandoffInput(
                    name=d["name"], email=d["email"], due=d["due"], message=d.get("message", "")
                ),
            )
            body = _one(request.user, handoff.pk)
        return Response(body, status=status.HTTP_201_CREATED)


class HandoffRevokeView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Link einer Übergabe widerrufen",
        request=None,
        responses={200: HandoffSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        with transaction.atomic():
            handoff = handoff_revoke(actor=request.user, handoff_id=pk)
            body = _one(request.user, handoff.pk)
        return Response(body)
