"""Public endpoints for checking parking cards: the revocation list and the signature keys.

Both carry no personal data (permit numbers and public keys only) and may be cached for a few minutes;
the check page (/kontrolle/) keeps the last copy for offline use.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from permits.parking_card import PREFIX, verification_keys
from permits.selectors import revoked_parking_numbers

CACHE_SECONDS = 300


class RevokedParkingPermitsView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        summary="Widerrufene Bewohnerparkausweise (Sperrliste)",
        responses={
            200: inline_serializer(
                "RevokedParkingPermits",
                {
                    "generated": serializers.DateTimeField(),
                    "revoked": serializers.ListField(child=serializers.CharField()),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        response = Response(
            {
                "generated": timezone.now().isoformat(),
                "revoked": revoked_parking_numbers(today=timezone.localdate()),
            }
        )
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response


class ParkingCardKeysView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        summary="Öffentliche Schlüssel der Parkausweis-Signatur (Ed25519)",
        responses={
            200: OpenApiResponse(description='{"format": "PA1", "algorithm": "Ed25519", "keys": [base64url]}')
        },
    )
    def get(self, request: Request) -> Response:
        response = Response({"format": PREFIX, "algorithm": "Ed25519", "keys": verification_keys()})
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response
