"""Marks the heavy public reads for the read replica, and keeps a person who just changed something on
the primary (kernel.core.replica_router explains the routing).

The marked paths are listed in ``REPLICA_READ_PATHS`` (regular expressions on the path; GET and HEAD only).
After any successful POST/PUT/PATCH/DELETE the response sets a short cookie (``REPLICA_PIN_SECONDS``,
default 30): while the browser sends it, its reads stay on the primary, so the report someone just sent is
on the map and in the list at once even if the replica is a moment behind. Clients without cookies (apps,
Open311) read their own case by id, which is never routed to the replica.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kernel.core.replica_router import replica_configured, replica_reads

PIN_COOKIE = "mm_primary"
SAFE_METHODS = {"GET", "HEAD"}


class ReplicaReadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths = [re.compile(p) for p in settings.REPLICA_READ_PATHS]

    def _for_replica(self, request: HttpRequest) -> bool:
        return (
            request.method in SAFE_METHODS
            and PIN_COOKIE not in request.COOKIES
            and any(p.match(request.path_info) for p in self.paths)
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        if self._for_replica(request):
            with replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
