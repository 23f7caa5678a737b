"""An upload the client stops sending mid-body is refused whole: no report, no photo file (live server).

The client sends the request head with the full Content-Length and part of the body, then stops sending
(half-close), exactly what the server sees from a phone that loses its connection; the server's read then
hits the end of data before Content-Length.
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from domains.reports.models import Report
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    """The live server thread has its own cache connection (no per-test key prefix): lift the limit."""
    from shared.http.throttling import ReportCreateThrottle

    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "100000/hour"})


def multipart(fields: dict[str, str], photo: bytes) -> tuple[str, bytes]:
    boundary = f"b-{uuid.uuid4().hex}"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="foto.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body += photo + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def send_incomplete(live_url: str, path: str, content_type: str, body: bytes, sent: int) -> tuple[int, str]:
    """POST ``body[:sent]`` with the Content-Length of all of ``body``, stop sending, read the answer."""
    parts = urlsplit(live_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        sock.sendall(head + body[:sent])
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head_text, _, payload = answer.partition(b"\r\n\r\n")
    return int(head_text.split()[1]), payload.decode("utf-8", "replace")


def media_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


FIELDS = {"category": "schlagloch", "description": "Abgebrochen", "lat": "51.0504", "lon": "13.7373"}


@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.99])
def test_report_post_cut_off_in_the_photo_stores_nothing(live_server, settings, tmp_path, fraction):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # the photo goes to a temporary file, as a 12 MP one does
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    content_type, body = multipart(FIELDS, jpeg_bytes((1600, 1200)))
    sent = int(len(body) * fraction)
    status, text = send_incomplete(live_server.url, "/api/v1/reports/", content_type, body, sent)
    assert status == 400
    assert "unvollständig" in text
    assert Report.objects.count() == 0
    assert media_files() == []
    assert list(tmp_path.iterdir()) == []  # no half-written temporary upload left behind


def test_report_post_missing_only_the_closing_boundary_stores_nothing(live_server):
    content_type, body = multipart(FIELDS, jpeg_bytes((1600, 1200)))
    status, _ = send_incomplete(
        live_server.url, "/api/v1/reports/", content_type, body, body.rindex(b"\r\n--")
    )
    assert status == 400
    assert Report.objects.count() == 0
    assert media_files() == []


def test_body_shorter_than_its_content_length_is_refused_even_when_it_parses(live_server):
    content_type, body = multipart(FIELDS, jpeg_bytes((400, 300)))
    padded = body + b"x" * 100  # declared 100 bytes more than will ever arrive
    status, _ = send_incomplete(live_server.url, "/api/v1/reports/", content_type, padded, len(body))
    assert status == 400
    assert Report.objects.count() == 0
    assert media_files() == []


def test_open311_form_post_cut_off_stores_nothing_and_answers_in_its_format(live_server):
    form = "service_code=schlagloch&lat=51.0504&long=13.7373&description=" + "Loch+" * 200
    body = form.encode()
    status, text = send_incomplete(
        live_server.url,
        "/open311/v2/requests.json",
        "application/x-www-form-urlencoded",
        body,
        len(body) // 2,
    )
    assert status == 400
    assert "unvollständig" in text
    assert Report.objects.count() == 0


def test_complete_upload_over_a_raw_socket_is_stored(live_server):
    content_type, body = multipart(FIELDS, jpeg_bytes((1600, 1200)))
    status, _ = send_incomplete(live_server.url, "/api/v1/reports/", content_type, body, len(body))
    assert status == 201
    assert Report.objects.count() == 1
    assert len(media_files()) == 2
