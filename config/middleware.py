"""Turn a lost database connection into a 503 with Retry-After instead of a 500 page.

A restart of PostgreSQL must look like a short, honest outage to citizens and apps: the request is not
half-processed (every write is one transaction) and the client is told to try again.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
MESSAGE = "Der Dienst ist vorübergehend nicht erreichbar (Datenbank). Bitte versuchen Sie es in Kürze erneut."


ErrorRenderer = Callable[[HttpRequest, int, str, str], HttpResponse]
_load_renderer = functools.cache(import_string)


def interface_error_renderer(request: HttpRequest) -> ErrorRenderer | None:
    """The renderer an interface registered in ``settings.ERROR_RENDERERS`` for the request's path, if any.

    An interface with an error format of its own (Open311's GeoReport errors) names its renderer there by
    dotted path, so this module answers in that format without importing the interface.
    """
    for prefix, dotted_path in settings.ERROR_RENDERERS.items():
        if request.path.startswith(prefix):
            return _load_renderer(dotted_path)
    return None


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DatabaseError) and "connection" in str(exc).lower()


def unavailable_response(request: HttpRequest) -> HttpResponse:
    wants_json = request.path.startswith(("/api/", "/healthz", "/tiles/")) or (
        "application/json" in request.headers.get("Accept", "")
    )
    render = interface_error_renderer(request)
    if render is not None:
        response: HttpResponse = render(request, 503, MESSAGE, "service_unavailable")
    elif wants_json:
        response = JsonResponse(
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
INCOMPLETE = "Die Anfrage ist unvollständig: die Verbindung brach vor dem Ende der Übertragung ab."
NOT_UTF8 = "Formulardaten müssen UTF-8-kodiert sein."


class CompleteBodyStream(io.IOBase):
    """The request body, where the end of data before Content-Length is an error instead of an end.

    WSGI servers (gunicorn, Django's own) hand a body cut off by a client that hung up mid-upload to the
    app as a plain, shorter stream, and Django's multipart parser then silently drops the unfinished last
    file: the fault run stored reports without their photo (docs/benchmarks.md, "Fault injection").
    Raising OSError here makes Django raise :class:`UnreadablePostError` — the error it (and its CSRF
    middleware) already uses for a broken upload — so nothing of such a request is processed.
    """

    def __init__(self, stream: object, length: int) -> None:
        self._stream = stream
        self.remaining = length

    def _fail_if_short(self, ended: bool) -> None:
        if ended and self.remaining > 0:
            raise OSError(f"request body ended {self.remaining} bytes before its Content-Length")

    def read(self, size: int | None = -1, /) -> bytes:
        data = self._stream.read(size)  # type: ignore[attr-defined]
        self.remaining -= len(data)
        whole = size is None or size < 0
        self._fail_if_short(whole or (size > 0 and not data))
        return data

    def readline(self, size: int | None = -1, /) -> bytes:
        line = self._stream.readline(size)  # type: ignore[attr-defined]
        self.remaining -= len(line)
        cut = size is None or size < 0 or len(line) < size
        self._fail_if_short(not line.endswith(b"\n") and cut)
        return line

    def readable(self) -> bool:
        return True


def error_for_path(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    render = interface_error_renderer(request)
    if render is not None:
        return render(request, status, message, code)
    if request.path.startswith(("/api/", "/tiles/")):
        return JsonResponse(
            {"detail": message, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestGuardMiddleware:
    """Refuse what no view should ever see, in one place, before any parsing:

    * bodies larger than ``MAX_REQUEST_BYTES`` (by Content-Length) → 413;
    * NUL characters in the path, the query string or a JSON/form body → 400 (PostgreSQL cannot store
      them, so they would otherwise surface as a 500 deep inside a query);
    * a body that ends before its Content-Length (the client hung up mid-upload) → 400, and nothing of
      it reaches a view (see :class:`CompleteBodyStream`);
    * a form body (``application/x-www-form-urlencoded``) declaring another charset than UTF-8 → 400.
      Django refuses to parse it with ``BadRequest`` but does not mark the body as unparsable, so the CSRF
      check of its own error page raises again and the answer was a 500.
    """

    TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_for_path(request, 400, "Ungültige Content-Length.", "invalid")
        if length > settings.MAX_REQUEST_BYTES:
            return error_for_path(request, 413, TOO_LARGE, "too_large")
        if length > 0 and hasattr(request, "_stream"):
            request._stream = CompleteBodyStream(request._stream, length)
        raw_query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(raw_query):
            return error_for_path(request, 400, INVALID_INPUT, "invalid")
        content_type = request.META.get("CONTENT_TYPE", "")
        if (
            request.content_type == "application/x-www-form-urlencoded"
            and request.encoding
            and request.encoding.lower() != "utf-8"
        ):
            return error_for_path(request, 400, NOT_UTF8, "invalid")
        if (
            length
            and content_type.startswith(self.TEXT_BODIES)
            and length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ):
            try:
                body = request.body
            except UnreadablePostError:
                return error_for_path(request, 400, INCOMPLETE, "incomplete")
            if b"\x00" in body or b"\\u0000" in body or b"%00" in body:
                return error_for_path(request, 400, INVALID_INPUT, "invalid")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UnreadablePostError):
            logger.info("incomplete request body on %s: %s", request.path, exception)
            _discard_partial_uploads(request)
            return error_for_path(request, 400, INCOMPLETE, "incomplete")
        return None


def _discard_partial_uploads(request: HttpRequest) -> None:
    """Close — and so delete — the temporary file the multipart parser was writing when the body broke off.

    Django closes upload files only once parsing finished; after an error mid-file the half-written
    temporary file would stay on disk until the garbage collector found it (seen in the fault run).
    """
    for handler in request.upload_handlers:
        upload = getattr(handler, "file", None)
        if upload is not None:
            try:
                upload.close()
            except OSError:
                pass
