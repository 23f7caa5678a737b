"""Error pages that answer in the caller's language: German HTML for pages, JSON for ``/api/`` and
``/tiles/``, the GeoReport error format for ``/open311/``.

Django's default handlers always render an HTML template; an app or an Open311 client that sent a request
Django itself refused (a disallowed Host, too many fields, an unknown URL) got a web page it cannot parse.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from config.middleware import error_for_path

MACHINE_PATHS = ("/api/", "/tiles/", "/open311/", "/ogcapi/")


def _for_machines(request: HttpRequest) -> bool:
    return request.path.startswith(MACHINE_PATHS)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_machines(request):
        return error_for_path(
            request, 400, "Die Anfrage ist ungültig und wurde nicht bearbeitet.", "bad_request"
        )
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_machines(request):
        return error_for_path(request, 404, "Nicht gefunden.", "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _for_machines(request):
        return error_for_path(request, 500, "Interner Fehler. Bitte später erneut versuchen.", "server_error")
    return defaults.server_error(request)
