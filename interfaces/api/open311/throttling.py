"""The rate limit for Open311 POSTs with a valid api_key: one bucket per client application.

An app sends on behalf of many citizens from one server address, so the per-IP limit of anonymous
reports would block it; its own (higher, ``THROTTLE_OPEN311_API_KEY``) limit still stops a runaway app.
"""

from __future__ import annotations

from typing import Any

from shared.http.throttling import ScopedClientThrottle


class ApiKeyThrottle(ScopedClientThrottle):
    scope = "open311_api_key"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        api_key = getattr(request, "open311_api_key", None)
        if api_key is None:
            return super().get_cache_key(request, view)
        return self.cache_format % {"scope": self.scope, "ident": f"key:{api_key.pk}"}
