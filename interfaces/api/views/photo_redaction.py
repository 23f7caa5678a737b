"""Staff API: black out areas of a report photo (issue 31.5), the same service as the staff page.

``POST /api/v1/staff/reports/<id>/photos/<photo_id>/redact/`` with ``{"boxes": [[x, y, w, h], …]}`` (or
objects with ``x``, ``y``, ``width``, ``height``) in pixels of the display image. Answers the photo's new
public URLs; a box outside the image or empty is a German 400 and nothing changes."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from domains.reports.services.redaction import photo_redact
from interfaces.api.serializers.common import ERROR_SERIALIZER
from interfaces.api.views.staff import IsStaffMember

REDACT_REQUEST = inline_serializer(
    "PhotoRedactRequest",
    {"boxes": serializers.ListField(child=serializers.JSONField(), help_text="[[x, y, Breite, Höhe], …]")},
)
REDACT_RESPONSE = inline_serializer(
    "PhotoRedacted",
    {
        "id": serializers.IntegerField(),
        "image": serializers.CharField(),
        "thumbnail": serializers.CharField(),
        "width": serializers.IntegerField(),
        "height": serializers.IntegerField(),
        "redactions": serializers.ListField(child=serializers.ListField(child=serializers.IntegerField())),
    },
)


class StaffPhotoRedactView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]

    @extend_schema(
        summary="Bereiche eines Fotos schwärzen",
        request=REDACT_REQUEST,
        responses={
            200: REDACT_RESPONSE,
            400: OpenApiResponse(ERROR_SERIALIZER, description="Bereich außerhalb des Bildes oder leer"),
            401: ERROR_SERIALIZER,
            403: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
        },
    )
    def post(self, request: Request, public_id: str, photo_id: int) -> Response:
        boxes = request.data.get("boxes") if isinstance(request.data, dict) else None
        photo = photo_redact(actor=request.user, public_id=public_id, photo_id=photo_id, boxes=boxes)
        return Response(
            {
                "id": photo.pk,
                "image": request.build_absolute_uri(photo.image.url),
                "thumbnail": request.build_absolute_uri(photo.thumbnail.url),
                "width": photo.width,
                "height": photo.height,
                "redactions": photo.redactions,
            }
        )
