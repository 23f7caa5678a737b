"""Staff API: download a permit's written notices (PDF/A) and book its fee as paid.

The notices are private files; the API serves them to token-authenticated staff in scope (the same
``kernel.organisations.scoping`` as every staff path), the citizen pages through ``interfaces.web.media``.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domains.permits.media import notice_filename
from domains.permits.payment_state import payment_summary
from domains.permits.selectors import staff_permits
from domains.permits.services import payment_record_staff
from interfaces.api.serializers.common import ERROR_SERIALIZER
from interfaces.api.serializers.permits import PaymentRecordSerializer, PaymentSerializer
from interfaces.api.views.staff import IsStaffMember
from kernel.organisations.scoping import get_visible


class StaffPermitNoticeView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Einen Bescheid eines Antrags herunterladen (PDF/A-2b)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
        },
    )
    def get(self, request: Request, public_id: str, notice_id: int) -> FileResponse:
        permit = get_visible(request.user, staff_permits(request.user), public_id=public_id)
        notice = permit.notices.filter(pk=notice_id).first()
        if notice is None:
            raise Http404("Bescheid nicht gefunden.")
        try:
            handle = default_storage.open(notice.file.name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404("Bescheid nicht gefunden.") from None
        response = FileResponse(
            handle,
            content_type="application/pdf",
            as_attachment=True,
            filename=notice_filename(permit, notice),
        )
        response["Cache-Control"] = "private, no-store"
        return response


class StaffPermitPaymentView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Die Gebühr eines Antrags als bezahlt verbuchen",
        request=PaymentRecordSerializer,
        responses={
            200: PaymentSerializer,
            400: ERROR_SERIALIZER,
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
            409: ERROR_SERIALIZER,
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        claim = payment_record_staff(actor=request.user, public_id=public_id, paid_on=data.get("paid_on"))
        return Response(payment_summary(claim))
