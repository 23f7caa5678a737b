"""The client's address, decided in one place for every rate limit and the login lockout.

``TRUSTED_PROXY_COUNT`` says how many reverse proxies this deployment has in front of the app, each of
which appends the address it received the request from to ``X-Forwarded-For``:

* ``0`` (default, no proxy): ``REMOTE_ADDR``; ``X-Forwarded-For`` is ignored, a client can write anything
  into it;
* ``N``: the N-th address from the right of ``X-Forwarded-For`` — the one the outermost trusted proxy saw.
  Addresses further left were written by the client and are never used. With fewer entries than N (a
  request that came through fewer proxies) the leftmost entry, which a trusted proxy wrote.

A value that is not an IP address falls back to ``REMOTE_ADDR``. Used by django-axes
(``AXES_CLIENT_IP_CALLABLE``) and by ``shared.http.throttling`` (all REST, Open311 and web form limits).

A proxy in front with ``TRUSTED_PROXY_COUNT = 0`` makes every client the proxy: one throttle and one
login lock-out for a whole town. A system check cannot see requests, so the first request of a process
that carries ``X-Forwarded-For`` while no proxy is trusted logs a warning (``shared.http.checks`` adds the
``check --deploy`` side).
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# Set after the first warning: once per process is enough to be seen, and a client that writes the
# header itself cannot fill the log.
_warned_unused_forwarded_for = False


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str:
    """The address to count and lock by (a DRF request or a Django ``HttpRequest``)."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [a for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            chosen = _valid_ip(forwarded[-min(proxies, len(forwarded))])
            if chosen:
                return chosen
    elif "HTTP_X_FORWARDED_FOR" in meta:
        _warn_unused_forwarded_for()
    return remote


def _warn_unused_forwarded_for() -> None:
    global _warned_unused_forwarded_for
    if _warned_unused_forwarded_for:
        return
    _warned_unused_forwarded_for = True
    # No address in the message: the log is no place for clients' IP addresses.
    logger.warning(
        "A request arrived with X-Forwarded-For, but TRUSTED_PROXY_COUNT=0 trusts no proxy: behind a "
        "reverse proxy every client counts as the proxy's address, sharing one throttle and one login "
        "lock-out. Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app (or, without a "
        "proxy, ignore this: a client wrote the header itself). Logged once per process."
    )
