"""A slow SMTP sink for the task-worker fault run: accepts every message and records it.

``delay`` seconds pass after the client's ``DATA`` command before the sink answers 354, i.e. before the
message is transferred: a worker killed during that pause has not delivered the message, so a correct
worker must send it (once) after the restart. The window after the sink's final 250 and before the
worker records ``sent`` is not widened here; see the fault section of docs/benchmarks.md.
"""

from __future__ import annotations

import socketserver
import threading
import time
from email import message_from_bytes, policy


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: SmtpSink = self.server  # type: ignore[assignment]
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            upper = line.decode("ascii", "replace").strip().upper()
            if upper.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif upper == "DATA":
                with server.lock:
                    server.pending += 1
                time.sleep(server.delay)
                self.wfile.write(b"354 go ahead\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                message = message_from_bytes(data, policy=policy.default)
                with server.lock:
                    server.messages.append((str(message["Subject"]), str(message["Message-ID"])))
                    server.pending -= 1
                self.wfile.write(b"250 queued\r\n")
            elif upper == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay: float = 0.0, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), _Handler)
        self.delay = delay
        self.lock = threading.Lock()
        self.messages: list[tuple[str, str]] = []
        self.pending = 0  # DATA commands whose message has not been accepted yet
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
