"""A small HTTP/1.1 client on asyncio streams (stdlib only), loopback only.

Enough for the load and fault runs: keep-alive connections, Content-Length and chunked bodies, a hard
deadline per request, multipart bodies, and the two shapes of a bad client (an upload cut off mid-body,
an upload trickled byte by byte). No retries anywhere: every request is sent once and its outcome —
a status, a timeout or a broken connection — is recorded as it happened.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

LOOPBACK = ("127.0.0.1", "localhost", "::1")
IDLE_REUSE_S = 1.0  # gunicorn closes idle keep-alive connections after 2 s; never reuse one near that


class ConnectionBroken(Exception):
    """The server closed or reset the connection before a complete response arrived."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Connection:
    """One keep-alive connection; a virtual user owns one and uses it for one request at a time."""

    host: str
    port: int
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    last_used: float = 0.0
    requests: int = field(default=0)  # carried by the current TCP connection
    reused: int = field(default=0)  # of the last request: how many the connection had carried before

    def __post_init__(self) -> None:
        if self.host not in LOOPBACK:
            raise ValueError(f"load tests run against loopback only, not {self.host!r}")

    async def _open(self) -> None:
        stale = self.writer is not None and time.monotonic() - self.last_used > IDLE_REUSE_S
        if stale:
            self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None
        self.requests = 0

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        timeout: float = 30.0,
    ) -> Response:
        """Send one request and read the whole response within ``timeout`` seconds (connect included).

        Raises :class:`TimeoutError` or :class:`ConnectionBroken`; the connection is then closed.
        """
        try:
            async with asyncio.timeout(timeout):
                await self._open()
                self.reused = self.requests
                assert self.reader is not None and self.writer is not None
                self.writer.write(request_head(method, path, self.host, self.port, headers, len(body)))
                if body:
                    self.writer.write(body)
                await self.writer.drain()
                response = await read_response(self.reader)
        except TimeoutError:
            self.close()
            raise
        except (OSError, asyncio.IncompleteReadError, ConnectionBroken) as exc:
            self.close()
            raise ConnectionBroken(f"{type(exc).__name__}: {exc}") from None
        self.requests += 1
        self.last_used = time.monotonic()
        if response.header("connection").lower() == "close":
            self.close()
        return response


def request_head(
    method: str, path: str, host: str, port: int, headers: dict[str, str] | None, length: int
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: mm-load/1"]
    merged = {"Accept": "*/*", **(headers or {})}
    if length or method in ("POST", "PUT", "PATCH"):
        merged["Content-Length"] = str(length)
    lines += [f"{k}: {v}" for k, v in merged.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_response(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    if not head:
        raise ConnectionBroken("empty response")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise ConnectionBroken(f"bad status line {status_line[:80]!r}")
    headers: dict[str, str] = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    status = int(parts[1])
    if status in (204, 304) or status < 200:
        body = b""  # no body by definition (RFC 9112 section 6.3), whatever the headers say
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()  # delimited by the server closing the connection
        headers["connection"] = "close"
    return Response(status=status, headers=headers, body=body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def multipart(fields: dict[str, str], files: list[tuple[str, str, str, bytes]]) -> tuple[str, bytes]:
    """``multipart/form-data`` body: ``files`` as (field, file name, content type, bytes)."""
    boundary = f"mm-load-{uuid.uuid4().hex}"
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += value.encode() + b"\r\n"
    for name, filename, content_type, data in files:
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", bytes(out)


async def send_partial(
    host: str, port: int, path: str, content_type: str, body: bytes, *, send_bytes: int
) -> None:
    """Declare the full ``body`` in Content-Length, send only its first ``send_bytes``, then hang up."""
    reader, writer = await asyncio.open_connection(host, port)
    head = request_head("POST", path, host, port, {"Content-Type": content_type}, len(body))
    writer.write(head + body[:send_bytes])
    await writer.drain()
    await asyncio.sleep(0.2)  # let the server start reading the body
    writer.transport.abort()  # RST-like close: no FIN handshake wait, no rest of the body


async def trickle(
    host: str, port: int, path: str, content_type: str, body: bytes, *, seconds: float, stop: asyncio.Event
) -> Response | None:
    """Send ``body`` spread evenly over ``seconds`` (a slow phone upload); None if stopped early."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request_head("POST", path, host, port, {"Content-Type": content_type}, len(body)))
    pieces = 50
    step = max(1, len(body) // pieces)
    try:
        for offset in range(0, len(body), step):
            if stop.is_set():
                return None
            writer.write(body[offset : offset + step])
            await writer.drain()
            await asyncio.sleep(seconds / pieces)
        return await asyncio.wait_for(read_response(reader), 60)
    finally:
        writer.close()
