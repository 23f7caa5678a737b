"""OGC API exceptions: ``{"code": …, "description": …}`` with a German description (OGC API – Common)."""

from __future__ import annotations

import json

from django.http import HttpResponse


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
