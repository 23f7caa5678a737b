"""A real OpenID Connect provider for tests (panva's ``oidc-provider`` under Node, tests/oidc_provider.mjs)
and a small real HTTP proxy on loopback that sits between our backend and the provider's back channel
(discovery, token, JWKS, userinfo) and can spoil the ID token on its way back.

The browser talks to the provider directly (authorisation endpoint, login form); only the server-to-server
requests of django-allauth go through the proxy, exactly where a forged or replayed token would arrive.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.common import free_port

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "oidc_provider.mjs"
# oidc-provider 9 needs a current Node (it calls URL.parse, missing in Debian 12's Node 18): the npm package
# `node` (devDependency, pinned 22 LTS) brings its own binary; the system's `node` only if that is missing.
NODE = ROOT / "node_modules" / "node" / "bin" / "node"
CLIENT_ID = "mm-test"
CLIENT_SECRET = "mm-test-secret"
STAFF_CLIENT_ID = "mm-staff"
STAFF_CLIENT_SECRET = "mm-staff-secret"


class OidcProvider:
    """``oidc-provider`` in a Node process on 127.0.0.1; ``issuer`` is its base URL."""

    def __init__(
        self,
        redirect_uri: str,
        post_logout_uri: str,
        *,
        id_token_ttl: int = 3600,
        email_verified: bool = True,
        staff_redirect_uri: str = "",
        staff_accounts: dict | None = None,
    ) -> None:
        """``email_verified=False``: every account's address is sent with ``email_verified: false``.
        ``staff_redirect_uri``: also the staff directory client ``mm-staff`` (STAFF_CLIENT_ID), whose
        ``staff_accounts`` ({login: {"groups": […], "amr": […], "acr": "…"}}) get groups and amr/acr."""
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        args = [str(self.port), redirect_uri, post_logout_uri, str(id_token_ttl)]
        args.append("true" if email_verified else "false")
        self.process = subprocess.Popen(
            [str(NODE) if NODE.exists() else "node", str(SCRIPT), *args],
            cwd=ROOT,
            env=os.environ
            | {
                "MM_STAFF_REDIRECT_URI": staff_redirect_uri,
                "MM_STAFF_ACCOUNTS": json.dumps(staff_accounts or {}),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"oidc-provider did not start (said {line!r}); run `make node` first")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _jwt_payload(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def tamper_signature(token: str) -> str:
    """The same header and claims with one signature byte changed: still well-formed, no longer valid."""
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return f"{header}.{payload}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def hold_until_expired(token: str) -> str:
    """Hand the token on only once its ``exp`` lies in the past (a provider with a 1-second ID token TTL
    and a slow back channel): waits for that moment of the clock, then returns the token unchanged."""
    expires = _jwt_payload(token)["exp"]
    while time.time() <= expires + 1:
        time.sleep(0.1)
    return token


class BackChannelProxy:
    """Forwards every request to ``upstream``; ``spoil`` rewrites the ``id_token`` of token responses."""

    def __init__(self, upstream: str, spoil=None) -> None:
        self.upstream = upstream
        self.spoil = spoil
        self.token_responses = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                proxy._forward(self, None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                proxy._forward(self, self.rfile.read(length))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> None:
        skip = {"host", "content-length", "connection", "accept-encoding"}
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in skip}
        request = urllib.request.Request(
            self.upstream + handler.path, data=body, headers=headers, method=handler.command
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, content, ctype = answer.status, answer.read(), answer.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, content, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
        if handler.path.startswith("/.well-known/openid-configuration") and status == 200:
            content = self._back_channel_through_proxy(content)
        if handler.path.startswith("/token") and status == 200 and self.spoil is not None:
            data = json.loads(content)
            data["id_token"] = self.spoil(data["id_token"])
            content = json.dumps(data).encode()
            self.token_responses += 1
        handler.send_response(status)
        handler.send_header("Content-Type", ctype or "application/json")
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    def _back_channel_through_proxy(self, content: bytes) -> bytes:
        """The discovery document with the server-to-server endpoints pointing here (the issuer and the
        browser's authorisation endpoint stay the provider's)."""
        config = json.loads(content)
        for key in ("token_endpoint", "jwks_uri", "userinfo_endpoint"):
            config[key] = config[key].replace(self.upstream, self.url, 1)
        return json.dumps(config).encode()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
