"""Token authentication of the staff API: django-rest-knox (hashed, expiring tokens), German refusals.

``Authorization: Token mm_…`` as before. An unknown, expired or revoked token is a 401 with one German
message: the client cannot tell which, and need not (knox deletes an expired token when it is used).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from kernel.organisations.scoping import restrict_scope

INVALID_TOKEN = (
    "Das API-Token ist ungültig, abgelaufen oder widerrufen. Ein neues Token vergibt die Administration "
    "Ihrer Organisation."
)
BAD_HEADER = "Ungültiger Authorization-Header: erwartet wird „Token <Schlüssel>“."


class StaffTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        try:
            found = super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            header = "Invalid token header" in str(exc.detail)
            raise exceptions.AuthenticationFailed(
                BAD_HEADER if header else INVALID_TOKEN, code="invalid_token"
            ) from None
        if found is not None and getattr(found[1], "organisation_id", None) is not None:
            restrict_scope(found[0], found[1].organisation_id)  # the token acts only where it was issued
        return found

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:  # knox would raise it unhandled (a 500)
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        return super().authenticate_credentials(token)


class StaffTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme: the same name (``tokenAuth``) and header as before knox."""

    target_class = StaffTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Staff-API-Token mit Präfix „Token“, z. B. „Token mm_0123…“ (manage.py issue_token).",
        }
