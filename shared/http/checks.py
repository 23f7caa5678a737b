"""``manage.py check --deploy``: a production deployment without a trusted proxy.

The production settings trust ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``), i.e. they assume a
reverse proxy terminates TLS in front of the app; with ``TRUSTED_PROXY_COUNT = 0`` that proxy's address
would be every client's address (``shared.http.client``): one throttle and one login lock-out for all.
Registered by ``interfaces.api.apps``; the request-time side is the warning ``shared.http.client`` logs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

W001 = checks.Warning(
    "TRUSTED_PROXY_COUNT is 0: behind a reverse proxy every client has the proxy's address, so all "
    "clients share each throttle and the login lock-out.",
    hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app that append to "
    "X-Forwarded-For (docs/deployment.md: 1 for one nginx).",
    id="requestkit.W001",
)


@checks.register(checks.Tags.security, deploy=True)
def trusted_proxy_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when no proxy is trusted (deploy checks only: development runs without one)."""
    return [W001] if settings.TRUSTED_PROXY_COUNT == 0 else []
