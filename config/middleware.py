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
