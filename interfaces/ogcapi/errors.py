"""OGC API exceptions: ``{"code": …, "description": …}`` with a German description (OGC API – Common)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse


class OgcError(Exception):
    """A request the server refuses; ``status`` 400 (bad parameter) or 404 (unknown collection/feature)."""

    def __init__(self, code: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status

    def response(self) -> HttpResponse:
        body = json.dumps({"code": self.code, "description": self.description}, ensure_ascii=False)
        return HttpResponse(body, status=self.status, content_type="application/json")


def bad_parameter(name: str, message: str) -> OgcError:
    return OgcError("InvalidParameterValue", f"{name}: {message}")


OGC_CODES = {
    400: "InvalidParameterValue",
    404: "NotFound",
    405: "MethodNotAllowed",
    503: "ServiceUnavailable",
}


def error_for_request(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    """An OGC exception for a ``/ogcapi/`` request no view answered (refused by config's request guard, an
    unknown URL, the database gone). Registered in ``settings.ERROR_RENDERERS``."""
    return OgcError(OGC_CODES.get(status, code), message, status=status).response()
