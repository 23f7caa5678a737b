"""Secrets a client may put into a URL's query string (Open311's ``api_key``) are taken out of it first.

:class:`QuerySecretMiddleware` runs before anything else, removes every parameter named in
``settings.QUERY_SECRET_PARAMETERS`` from ``QUERY_STRING`` (and so from ``request.GET``,
``request.get_full_path()``, Django's request and security log lines, error mails, django-axes' stored
query data) and keeps the values on the request, where only :func:`query_secret` reads them. The WSGI
server's access log never sees Django's copy: ``config/gunicorn.conf.py`` logs the path without the query.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse

ATTRIBUTE = "_mm_query_secrets"


def query_secret(request: HttpRequest, name: str) -> str:
    """The value of the query parameter ``name`` the middleware removed ('' if none was given)."""
    return getattr(request, ATTRIBUTE, {}).get(name, "")


class QuerySecretMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.names = frozenset(settings.QUERY_SECRET_PARAMETERS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("QUERY_STRING", "")
        if raw and any(name in raw for name in self.names):
            self._take_secrets(request, raw)
        return self.get_response(request)

    def _take_secrets(self, request: HttpRequest, raw: str) -> None:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="replace")
        secrets: dict[str, str] = {}
        kept = []
        for key, value in pairs:
            if key in self.names:
                secrets.setdefault(key, value)
            else:
                kept.append((key, value))
        if not secrets:
            return
        setattr(request, ATTRIBUTE, secrets)
        request.META["QUERY_STRING"] = urlencode(kept)
        request.__dict__.pop("GET", None)  # WSGIRequest.GET is a cached property of QUERY_STRING
