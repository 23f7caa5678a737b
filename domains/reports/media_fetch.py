"""Fetch a photo an Open311 client only linked (``media_url``) — carefully, in the task worker.

A URL from a client is never fetched blindly: that would let anyone make this server request internal
addresses (SSRF) or download endless data. So:

* only ``http``/``https`` URLs on the default port, without user info, whose host is on the operator's
  allow-list ``OPEN311_MEDIA_HOSTS`` (empty by default: nothing is fetched);
* every address the host resolves to must be public (no private, loopback, link-local, reserved,
  multicast or shared ranges), and the connection goes to exactly the address that was checked — a
  second DNS answer cannot swap in an internal one;
* redirects only to the same host (checked again), at most three;
* at most 15 MB (the photo pipeline's limit) and 10 seconds in all;
* the bytes then go through the normal photo pipeline (``report_attach_photo``) like an upload.

The request never waits for this: ``media_fetch_schedule`` queues :func:`fetch_media` after the report is
committed. The transport (DNS + HTTP) is a small class so tests can replace the network.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task

from domains.reports.models import Report
from domains.reports.photos import MAX_BYTES
from domains.reports.services import PhotoUpload, report_attach_photo
from kernel.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

TIMEOUT_S = 10.0
MAX_REDIRECTS = 3
URL_MAX = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
USER_AGENT = "Maengelmelder-Sachsen/1.0 (Open311 media_url)"


class MediaRefused(Exception):
    """The URL was not fetched or its content not used; ``reason`` is for the log (no personal data)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    timeout_s: float = TIMEOUT_S
    max_redirects: int = MAX_REDIRECTS


class Response(Protocol):
    status: int

    def getheader(self, name: str, default: str | None = None) -> str | None: ...

    def read(self, amt: int | None = None) -> bytes: ...

    def close(self) -> None: ...


class Transport(Protocol):
    """DNS and one HTTP GET to an already checked address."""

    def resolve(self, host: str, port: int) -> list[str]: ...

    def get(self, url: SplitResult, ip: str, timeout: float) -> Response: ...


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed IP address, with SNI and certificate check for the real host name."""

    def __init__(self, ip: str, port: int, *, server_hostname: str, timeout: float) -> None:
        super().__init__(ip, port, timeout=timeout, context=ssl.create_default_context())
        self._server_hostname = server_hostname

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_hostname)  # type: ignore[attr-defined]


class HttpTransport:
    """The real network: ``getaddrinfo`` and ``http.client`` (no redirects followed by itself)."""

    def resolve(self, host: str, port: int) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise MediaRefused(f"host does not resolve ({type(exc).__name__})") from None
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    def port(self, url: SplitResult) -> int:
        return url.port or DEFAULT_PORTS[url.scheme]

    def get(self, url: SplitResult, ip: str, timeout: float) -> Response:
        host = url.hostname or ""
        port = self.port(url)
        address = f"[{ip}]" if ":" in ip else ip
        connection: http.client.HTTPConnection
        if url.scheme == "https":
            connection = _PinnedHTTPSConnection(address, port, server_hostname=host, timeout=timeout)
        else:
            connection = http.client.HTTPConnection(address, port, timeout=timeout)
        path = url.path or "/"
        if url.query:
            path += "?" + url.query
        host_header = host if url.port is None else f"{host}:{url.port}"
        try:
            connection.request(
                "GET", path, headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "image/*"}
            )
            return connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise MediaRefused(f"connection failed ({type(exc).__name__})") from None


def allowed_hosts() -> set[str]:
    return {h.strip().lower().rstrip(".") for h in getattr(settings, "OPEN311_MEDIA_HOSTS", []) if h.strip()}


def check_url(url: str) -> SplitResult:
    """The parsed URL if its form and host are acceptable (no network access); else :class:`MediaRefused`."""
    if not isinstance(url, str) or not url or len(url) > URL_MAX:
        raise MediaRefused("empty or too long")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise MediaRefused("malformed") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise MediaRefused("scheme not allowed")
    if parts.username is not None or parts.password is not None:
        raise MediaRefused("user info not allowed")
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        raise MediaRefused("port not allowed")
    host = (parts.hostname or "").rstrip(".")
    if not host or host not in allowed_hosts():
        raise MediaRefused("host not on the allow-list")
    return parts


def is_public_address(ip: str) -> bool:
    """True only for globally routable unicast addresses (IPv4-mapped IPv6 is judged as IPv4)."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _read_limited(response: Response, limits: Limits, deadline: float) -> bytes:
    length = (response.getheader("Content-Length") or "").strip()
    # ASCII digits only ("²" passes isdigit but not int()); more than 18 digits is too large anyway.
    if length.isascii() and length.isdigit() and (len(length) > 18 or int(length) > limits.max_bytes):
        raise MediaRefused("too large (Content-Length)")
    buffer = io.BytesIO()
    while True:
        if time.monotonic() > deadline:
            raise MediaRefused("time limit exceeded")
        try:
            chunk = response.read(CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            raise MediaRefused(f"read failed ({type(exc).__name__})") from None
        if not chunk:
            return buffer.getvalue()
        buffer.write(chunk)
        if buffer.tell() > limits.max_bytes:
            raise MediaRefused("too large")


def download(
    url: str,
    *,
    transport: Transport | None = None,
    limits: Limits | None = None,
    address_allowed: Callable[[str], bool] = is_public_address,
) -> tuple[bytes, str]:
    """The bytes behind ``url`` and a file name for messages, under all the rules in the module doc."""
    transport = transport or HttpTransport()
    limits = limits or Limits()
    deadline = time.monotonic() + limits.timeout_s
    parts = check_url(url)
    first_host = parts.hostname
    for _hop in range(limits.max_redirects + 1):
        if parts.hostname != first_host:
            raise MediaRefused("redirect to another host")
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        addresses = transport.resolve(parts.hostname or "", port)
        if not addresses or not all(address_allowed(ip) for ip in addresses):
            raise MediaRefused("host resolves to a non-public address")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise MediaRefused("time limit exceeded")
        response = transport.get(parts, addresses[0], remaining)
        try:
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location") or ""
                parts = check_url(urljoin(parts.geturl(), location))
                continue
            if response.status != 200:
                raise MediaRefused(f"HTTP status {response.status}")
            data = _read_limited(response, limits, deadline)
        finally:
            response.close()
        name = unquote(parts.path.rsplit("/", 1)[-1]) or "media_url"
        return data, name
    raise MediaRefused("too many redirects")


def transport_for_tasks() -> Transport:
    """The transport :func:`fetch_media` uses; tests replace this function to keep the network out."""
    return HttpTransport()


@task()
def fetch_media(*, report_id: int, url: str) -> str:
    """Fetch ``url`` and add it to the report as a photo. Refusals are normal outcomes, not failures:
    they are logged (host only, never the full URL, which may carry tokens) and returned."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return "report not found"
    host = urlsplit(url).hostname if isinstance(url, str) else None
    try:
        data, name = download(url, transport=transport_for_tasks())
        report_attach_photo(
            report=report,
            upload=PhotoUpload(file=io.BytesIO(data), name=name, size=len(data)),
            field="media_url",
        )
    except MediaRefused as exc:
        logger.warning("media_url of report %s from %s refused: %s", report.public_id, host, exc.reason)
        return f"refused: {exc.reason}"
    except ValidationFailed as exc:
        logger.warning("media_url of report %s from %s not used: %s", report.public_id, host, exc.code)
        return f"not used: {exc.message}"
    logger.info("media_url of report %s from %s attached", report.public_id, host)
    return "attached"


def media_fetch_schedule(*, report: Report, url: str) -> bool:
    """Queue :func:`fetch_media` after the current transaction commits, if ``url`` may be fetched at all.

    Returns False (and queues nothing) for URLs that break the rules checkable without the network.
    """
    try:
        check_url(url)
    except MediaRefused:
        return False
    report_id = report.pk
    # robust: the report is committed when this runs; a failed enqueue (database gone in between) is
    # logged and must not turn the stored report's answer into an error.
    transaction.on_commit(lambda: fetch_media.enqueue(report_id=report_id, url=url), robust=True)
    return True
