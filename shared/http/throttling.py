"""Rate limits for anonymous writes, kept in the shared cache (Redis or the database cache table).

The same throttles guard the REST API, Open311 and the web form, so a client cannot dodge a limit by
switching interfaces. The client is identified by ``shared.http.client.client_ip`` (REMOTE_ADDR, or
behind ``TRUSTED_PROXY_COUNT`` reverse proxies the X-Forwarded-For entry the outermost one wrote — never a
header the client can choose freely), the same function django-axes uses for the login lockout. If the cache is unreachable the request is let through and the failure is logged: refusing
every citizen report because Redis restarted would be the worse outcome.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from shared.http.client import client_ip

logger = logging.getLogger(__name__)


class ScopedClientThrottle(SimpleRateThrottle):
    """One bucket per client IP (anonymous) or per user (logged in) and scope."""

    scope = ""

    def get_ident(self, request: Any) -> str:
        return client_ip(request)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user:{user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - any cache backend error: fail open, but loudly in the log
            logger.exception("throttle cache unavailable for scope %s; request allowed", self.scope)
            return True


class ReportCreateThrottle(ScopedClientThrottle):
    scope = "report_create"


class SupportThrottle(ScopedClientThrottle):
    scope = "support"


class SubscribeThrottle(ScopedClientThrottle):
    """Follow a report, subscribe to area alerts, request a management link: each may mail an address."""

    scope = "subscribe"


def enforce(request: HttpRequest, throttle_class: type[ScopedClientThrottle]) -> None:
    """Apply a throttle outside DRF views (web form, Open311); raises DRF's :class:`Throttled`."""
    throttle = throttle_class()
    if not throttle.allow_request(request, None):
        raise Throttled(wait=throttle.wait())


class AddressSearchThrottle(ScopedClientThrottle):
    """Anonymous reads that cost a trigram search: address search and reverse lookup."""

    scope = "address_search"


class PermitEstimateThrottle(ScopedClientThrottle):
    """Anonymous fee estimates: each intersects a client's polygon with the communes and fee zones in
    PostGIS. Called as the form changes, so generous, but bounded."""

    scope = "permit_estimate"


class AccessibilityFeedbackThrottle(ScopedClientThrottle):
    """Anonymous feedback on barriers: each one opens a case for the operator and may send mails."""

    scope = "a11y_feedback"
