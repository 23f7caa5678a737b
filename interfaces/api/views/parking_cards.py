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

from domains.permits.parking_card import PREFIX, verification_keys
from domains.permits.selectors import revoked_parking_numbers

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


def _jwk(entry: dict[str, str]) -> dict[str, str]:
    """One key as a JSON Web Key (RFC 8037, Ed25519 as OKP), so JOSE libraries can pick it by kid."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
        "kid": entry["kid"],
        "x": entry["key"],
    }


class ParkingCardKeysView(APIView):
    """Every public key a card may be signed with, each with its kid (the card's payload field ``k``).

    ``keys`` stays the plain list it was before key ids (current first), for verifiers that try every key;
    ``jwks`` names each key's kid, ``current_kid`` the one new cards carry. Cards without ``k`` were issued
    before key ids and belong to the key(s) with kid ``legacy``.
    """

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        summary="Öffentliche Schlüssel der Parkausweis-Signatur (Ed25519) mit Schlüssel-ID",
        responses={
            200: OpenApiResponse(
                description='{"format": "PA1", "algorithm": "Ed25519", "current_kid": "2026-12", '
                '"keys": [base64url], "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": …, "x": …}]}}'
            )
        },
    )
    def get(self, request: Request) -> Response:
        keys = verification_keys()
        response = Response(
            {
                "format": PREFIX,
                "algorithm": "Ed25519",
                "current_kid": keys[0]["kid"],
                "keys": [entry["key"] for entry in keys],
                "jwks": {"keys": [_jwk(entry) for entry in keys]},
            }
        )
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response
