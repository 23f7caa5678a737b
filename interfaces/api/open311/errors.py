"""Errors in the spec's shape (``<errors><error><code/><description/></error></errors>``, JSON
``[{"code": …, "description": …}]``) for every failure an Open311 client can cause.

``open311_endpoint`` wraps each view: it checks the format extension and the HTTP method and turns domain
errors (one ``<error>`` per field message), throttling (429 with Retry-After), unreadable request bodies
and 404s into that shape in the requested format. Anything else is a bug and is left to Django (500).
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Iterable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import Throttled

from interfaces.api.open311.formats import CONTENT_TYPES, DEFAULT_FORMAT, render
from kernel.core.errors import DomainError, ValidationFailed

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


class Open311Error(Exception):
    """An error response: HTTP ``status`` and one description per ``<error>``."""

    def __init__(
        self, status: int, descriptions: Iterable[str], headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.descriptions = list(descriptions)
        self.headers = headers or {}
        super().__init__("; ".join(self.descriptions))


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    items = [{"code": error.status, "description": text} for text in error.descriptions]
    return render(items, fmt=fmt, root="errors", status=error.status, headers=error.headers)


def error_for_request(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    """The GeoReport error for an Open311 request that no view answered (refused by config's middleware,
    an unknown URL, the database gone), in the format the path asks for. Registered in
    ``settings.ERROR_RENDERERS``; ``code`` is the REST API's error code, which GeoReport has no place for.
    """
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error_response(fmt, Open311Error(status, [message]))


def _field_messages(exc: ValidationFailed) -> list[str]:
    return [f"{field}: {message}" for field, messages in exc.errors.items() for message in messages]


def _throttled(exc: Throttled) -> Open311Error:
    wait = max(1, math.ceil(exc.wait or 60))
    minutes = max(1, round(wait / 60))
    return Open311Error(
        429,
        [f"Zu viele Meldungen von Ihrem Anschluss. Bitte versuchen Sie es in {minutes} Minute(n) erneut."],
        headers={"Retry-After": str(wait)},
    )


def as_open311_error(exc: Exception) -> Open311Error | None:
    """The Open311 error for an exception a client can cause, else None."""
    if isinstance(exc, Open311Error):
        return exc
    if isinstance(exc, ValidationFailed):
        return Open311Error(400, _field_messages(exc) or [exc.message])
    if isinstance(exc, DomainError):
        return Open311Error(exc.status_code, [exc.message])
    if isinstance(exc, Throttled):
        return _throttled(exc)
    if isinstance(exc, Http404):
        return Open311Error(404, ["Nicht gefunden."])
    if isinstance(exc, RequestDataTooBig):
        return Open311Error(
            400, ["Die Anfrage ist zu groß (Fotos bitte als Datei im Feld media, höchstens 15 MB)."]
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Open311Error(400, ["Die Anfrage enthält zu viele Felder oder Dateien."])
    if isinstance(exc, MultiPartParserError | UnicodeDecodeError):
        return Open311Error(
            400, ["Der Inhalt der Anfrage ist nicht lesbar (multipart/form-data oder Formular, UTF-8)."]
        )
    return None


def _refuse_nul(request: HttpRequest, kwargs: dict) -> None:
    """PostgreSQL cannot store or even compare text with NUL bytes; refuse them at the door (400)."""
    values = [str(v) for v in kwargs.values()]
    values += [v for _, items in request.GET.lists() for v in items]
    if request.method == "POST":
        values += [v for _, items in request.POST.lists() for v in items]
        values += list(request.POST.keys())
    if any("\x00" in value for value in values):
        raise Open311Error(400, ["Die Anfrage enthält ein unzulässiges Steuerzeichen (NUL)."])


def unknown_format(fmt: str) -> Open311Error:
    return Open311Error(404, [f"Unbekanntes Format „{fmt[:20]}“. Möglich sind .xml und .json."])


def open311_endpoint(*, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Decorate a view taking ``fmt``: format and method checks plus the error shape described above."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in CONTENT_TYPES:
                return error_response(DEFAULT_FORMAT, unknown_format(fmt))
            if request.method not in allowed:
                error = Open311Error(
                    405,
                    [f"Methode {request.method} ist hier nicht erlaubt."],
                    headers={"Allow": ", ".join(sorted(allowed))},
                )
                return error_response(fmt, error)
            try:
                _refuse_nul(request, kwargs)
                return view(request, *args, fmt=fmt, **kwargs)
            except Exception as exc:
                error = as_open311_error(exc)
                if error is None:
                    raise
                logger.info("open311 %s %s: %s", request.method, request.path, error.status)
                return error_response(fmt, error)

        return wrapper

    return decorator
