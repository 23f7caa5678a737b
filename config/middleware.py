"""Turn a lost database connection into a 503 with Retry-After instead of a 500 page.

A restart of PostgreSQL must look like a short, honest outage to citizens and apps: the request is not
half-processed (every write is one transaction) and the client is told to try again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
MESSAGE = "Der Dienst ist vorübergehend nicht erreichbar (Datenbank). Bitte versuchen Sie es in Kürze erneut."


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DatabaseError) and "connection" in str(exc).lower()


def unavailable_response(request: HttpRequest) -> HttpResponse:
    wants_json = request.path.startswith(("/api/", "/open311/", "/healthz", "/tiles/")) or (
        "application/json" in request.headers.get("Accept", "")
    )
    if wants_json:
        response: HttpResponse = JsonResponse(
            {"detail": MESSAGE, "code": "service_unavailable"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        html = render_to_string("503.html", {"message": MESSAGE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _is_connection_error(exception):
            # Django closes unusable connections when the request finishes (request_finished), so the
            # next request reconnects by itself once PostgreSQL is back.
            logger.warning("database unavailable: %s", type(exception).__name__)
            return unavailable_response(request)
        return None


INVALID_INPUT = "Die Anfrage enthält ungültige Steuerzeichen (NUL)."
TOO_LARGE = "Die Anfrage ist zu groß."


def _error(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    if request.path.startswith("/open311/"):
        # Open311 clients expect the GeoReport error format, in the format the path asks for.
        from api.open311.errors import Open311Error, error_response

        fmt = "xml" if request.path.endswith(".xml") else "json"
        return error_response(fmt, Open311Error(status, [message]))
    if request.path.startswith(("/api/", "/tiles/")):
        return JsonResponse(
            {"detail": message, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestGuardMiddleware:
    """Refuse what no view should ever see, in one place, before any parsing:

    * bodies larger than ``MAX_REQUEST_BYTES`` (by Content-Length) → 413;
    * NUL characters in the path, the query string or a JSON/form body → 400 (PostgreSQL cannot store
      them, so they would otherwise surface as a 500 deep inside a query).
    """

    TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from urllib.parse import unquote_to_bytes

        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _error(request, 400, "Ungültige Content-Length.", "invalid")
        if length > settings.MAX_REQUEST_BYTES:
            return _error(request, 413, TOO_LARGE, "too_large")
        raw_query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(raw_query):
            return _error(request, 400, INVALID_INPUT, "invalid")
        content_type = request.META.get("CONTENT_TYPE", "")
        if (
            length
            and content_type.startswith(self.TEXT_BODIES)
            and length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body or b"%00" in body:
                return _error(request, 400, INVALID_INPUT, "invalid")
        return self.get_response(request)
