"""Follow a report by e-mail (double opt-in): ``POST /api/v1/reports/<Nummer>/follow/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interfaces.api.serializers.common import ERROR_SERIALIZER
from shared.http.params import invalid
from shared.http.throttling import SubscribeThrottle
from shared.subscriptions.services import report_follow

FOLLOW_ACCEPTED = (
    "Wir haben eine E-Mail mit einem Bestätigungslink an diese Adresse geschickt (falls sie der Meldung "
    "nicht schon folgt). Erst nach der Bestätigung kommen Nachrichten."
)


class FollowSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="Adresse für die Benachrichtigungen (wird nie veröffentlicht)")


class FollowAcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ReportFollowView(APIView):
    throttle_classes = [SubscribeThrottle]

    @extend_schema(
        summary="Meldung folgen (E-Mail mit Double-Opt-in)",
        description=(
            "Schickt einen Bestätigungslink an die Adresse; erst danach kommt jede öffentliche "
            "Statusänderung und jeder öffentliche Hinweis per E-Mail, jede mit Abmeldelink (RFC 8058). "
            "Die Antwort ist dieselbe, ob die Adresse schon folgt oder nicht. Anonym, pro IP gedrosselt."
        ),
        request=FollowSerializer,
        responses={
            202: FollowAcceptedSerializer,
            400: ERROR_SERIALIZER,
            404: ERROR_SERIALIZER,
            429: OpenApiResponse(ERROR_SERIALIZER, description="Zu viele Anfragen"),
        },
    )
    def post(self, request: Request, public_id: str) -> Response:
        email: Any = request.data.get("email", "") if hasattr(request.data, "get") else ""
        if not isinstance(email, str):
            raise invalid("email", "email: eine E-Mail-Adresse als Text erwartet.")
        report_follow(public_id=public_id, email=email)
        return Response({"detail": FOLLOW_ACCEPTED}, status=202)
