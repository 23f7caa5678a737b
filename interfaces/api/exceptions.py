"""One exception handler for the REST API: domain errors and DRF errors in one JSON shape.

``{"detail": "<German message>", "code": "<machine code>"}`` or, for per-field problems,
``{"detail": …, "code": "invalid", "errors": {"field": ["message", …]}}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kernel.core.errors import DomainError, ValidationFailed


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            return _first_message(value)
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationFailed):
        return Response(
            {"detail": exc.message, "code": exc.code, "errors": exc.errors},
            status=exc.status_code,
        )
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status_code)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404):
        response.data = {"detail": "Nicht gefunden.", "code": "not_found"}
        return response
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _first_message(errors) or "Die Eingaben sind ungültig.",
            "code": "invalid",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.Throttled):
        minutes = max(1, round((exc.wait or 60) / 60))
        response.data = {
            "detail": f"Zu viele Anfragen von Ihrem Anschluss. Bitte versuchen Sie es in {minutes} Minute(n) erneut.",
            "code": "throttled",
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = {"detail": str(detail), "code": getattr(detail, "code", exc.default_code)}
    return response
