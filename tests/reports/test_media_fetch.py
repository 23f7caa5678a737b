"""``media_url`` fetching: allow-list, public addresses only, same-host redirects, limits, photo pipeline.

No test touches the internet: most replace the transport; the ones that exercise the real HTTP code talk
to a tiny server on 127.0.0.1 and allow exactly that address for the one call.
"""

from __future__ import annotations

import io
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from PIL import Image

from domains.reports import media_fetch
from domains.reports.media_fetch import (
    HttpTransport,
    Limits,
    MediaRefused,
    check_url,
    download,
    fetch_media,
    is_public_address,
    media_fetch_schedule,
)
from domains.reports.models import ReportPhoto
from tests.factories import jpeg_bytes, make_report, photo

HOST = "bilder.example.org"
PUBLIC_IP = "93.184.216.34"


@pytest.fixture(autouse=True)
def _allow_list(settings):
    settings.OPEN311_MEDIA_HOSTS = [HOST, "cdn.example.org"]


class FakeResponse:
    def __init__(self, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self._body = io.BytesIO(body)
        self.headers = headers or {}
        self.closed = False

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)

    def read(self, amt: int | None = None) -> bytes:
        return self._body.read(amt)

    def close(self) -> None:
        self.closed = True


class FakeTransport:
    """DNS answers and responses by URL; records what would have gone over the network."""

    def __init__(self, responses: dict[str, FakeResponse], addresses: dict[str, list[str]] | None = None):
        self.responses = responses
        self.addresses = addresses or {}
        self.requested: list[tuple[str, str]] = []

    def resolve(self, host: str, port: int) -> list[str]:
        return self.addresses.get(host, [PUBLIC_IP])

    def get(self, url, ip: str, timeout: float) -> FakeResponse:
        self.requested.append((url.geturl(), ip))
        return self.responses[url.geturl()]


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- rules checked without any network ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://andere.example.org/foto.jpg",  # not on the allow-list
        "ftp://bilder.example.org/foto.jpg",
        "file:///etc/passwd",
        "http://user:pw@bilder.example.org/foto.jpg",
        "http://bilder.example.org:8080/foto.jpg",
        "http://bilder.example.org:99999/foto.jpg",
        "http://127.0.0.1/foto.jpg",
        "",
        "http://" + "a" * 3000,
    ],
)
def test_urls_outside_the_rules_are_refused_before_any_network_access(url):
    transport = FakeTransport({})
    with pytest.raises(MediaRefused):
        download(url, transport=transport)
    assert transport.requested == []


def test_an_empty_allow_list_fetches_nothing(settings):
    settings.OPEN311_MEDIA_HOSTS = []
    with pytest.raises(MediaRefused, match="allow-list"):
        check_url(f"https://{HOST}/foto.jpg")


@pytest.mark.parametrize(
    "ip",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "192.0.2.10",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "not-an-ip",
    ],
)
def test_non_public_addresses_are_refused(ip):
    assert not is_public_address(ip)
    transport = FakeTransport({}, addresses={HOST: [ip]})
    with pytest.raises(MediaRefused, match="non-public"):
        download(f"https://{HOST}/foto.jpg", transport=transport)
    assert transport.requested == []


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    transport = FakeTransport({}, addresses={HOST: [PUBLIC_IP, "10.1.2.3"]})
    with pytest.raises(MediaRefused):
        download(f"https://{HOST}/foto.jpg", transport=transport)
    assert transport.requested == []
    assert is_public_address(PUBLIC_IP) and is_public_address("2a00:1450:4001:82b::200e")


def test_the_connection_goes_to_the_checked_address():
    url = f"https://{HOST}/a/foto%20eins.jpg"
    transport = FakeTransport({url: FakeResponse(body=b"bytes")})
    assert download(url, transport=transport) == (b"bytes", "foto eins.jpg")
    assert transport.requested == [(url, PUBLIC_IP)]


def test_redirect_to_another_host_is_refused_even_if_allowed():
    url = f"https://{HOST}/foto.jpg"
    transport = FakeTransport({url: FakeResponse(302, headers={"Location": "https://cdn.example.org/x.jpg"})})
    with pytest.raises(MediaRefused, match="another host"):
        download(url, transport=transport)
    assert len(transport.requested) == 1


def test_redirect_to_an_internal_address_is_refused():
    url = f"https://{HOST}/foto.jpg"
    transport = FakeTransport({url: FakeResponse(301, headers={"Location": "http://169.254.169.254/latest"})})
    with pytest.raises(MediaRefused):
        download(url, transport=transport)
    assert len(transport.requested) == 1


def test_same_host_redirects_are_followed_a_few_times_only():
    first, second = f"https://{HOST}/a.jpg", f"https://{HOST}/b.jpg"
    ok = FakeTransport(
        {first: FakeResponse(307, headers={"Location": "/b.jpg"}), second: FakeResponse(body=b"x")}
    )
    assert download(first, transport=ok)[0] == b"x"

    class Looping(FakeTransport):
        def get(self, url, ip, timeout):
            self.requested.append((url.geturl(), ip))
            return FakeResponse(302, headers={"Location": "/a.jpg"})

    looping = Looping({})
    with pytest.raises(MediaRefused, match="too many redirects"):
        download(first, transport=looping)
    assert len(looping.requested) == 4


def test_size_limit_by_header_and_by_counting():
    url = f"https://{HOST}/gross.jpg"
    declared = FakeTransport(
        {url: FakeResponse(body=b"x", headers={"Content-Length": str(16 * 1024 * 1024)})}
    )
    with pytest.raises(MediaRefused, match="too large"):
        download(url, transport=declared)
    huge = FakeTransport({url: FakeResponse(body=b"x", headers={"Content-Length": "9" * 5000})})
    with pytest.raises(MediaRefused, match="too large"):  # int() refuses >4300 digits: no crash
        download(url, transport=huge)
    odd = FakeTransport({url: FakeResponse(body=b"x" * 5000, headers={"Content-Length": "²"})})
    with pytest.raises(MediaRefused, match="too large"):  # not a number: the counting decides
        download(url, transport=odd, limits=Limits(max_bytes=4096))
    undeclared = FakeTransport({url: FakeResponse(body=b"x" * 5000)})
    with pytest.raises(MediaRefused, match="too large"):
        download(url, transport=undeclared, limits=Limits(max_bytes=4096))


def test_http_errors_are_refusals():
    url = f"https://{HOST}/weg.jpg"
    with pytest.raises(MediaRefused, match="404"):
        download(url, transport=FakeTransport({url: FakeResponse(404)}))


# --- the real HTTP client against a loopback server ------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.seen.append((self.path, self.headers.get("Host", "")))
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"", 0.0))
        time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[HttpTransport, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"routes": {}, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Loopback(HttpTransport):
        """The real http.client path, but DNS answers 127.0.0.1 and the test server's port is used."""

        def resolve(self, host: str, port: int) -> list[str]:
            return ["127.0.0.1"]

        def port(self, url) -> int:
            return server.server_address[1]

    yield Loopback(), handler
    server.shutdown()
    server.server_close()


def only_loopback(ip: str) -> bool:
    return ip == "127.0.0.1"


def test_real_http_fetch_sends_the_host_name_and_returns_the_bytes(loopback):
    transport, handler = loopback
    body = jpeg_bytes((64, 48))
    handler.routes["/foto.jpg?x=1"] = (200, {"Content-Type": "image/jpeg"}, body, 0.0)
    data, name = download(f"http://{HOST}/foto.jpg?x=1", transport=transport, address_allowed=only_loopback)
    assert data == body and name == "foto.jpg"
    assert handler.seen == [("/foto.jpg?x=1", HOST)]


def test_real_http_loopback_is_refused_by_the_default_address_rule(loopback):
    transport, handler = loopback
    with pytest.raises(MediaRefused, match="non-public"):
        download(f"http://{HOST}/foto.jpg", transport=transport)
    assert handler.seen == []


def test_real_http_redirect_to_another_host_is_not_followed(loopback):
    transport, handler = loopback
    handler.routes["/foto.jpg"] = (302, {"Location": "http://cdn.example.org/foto.jpg"}, b"", 0.0)
    with pytest.raises(MediaRefused, match="another host"):
        download(f"http://{HOST}/foto.jpg", transport=transport, address_allowed=only_loopback)
    assert len(handler.seen) == 1


def test_real_http_size_and_time_limits(loopback):
    transport, handler = loopback
    handler.routes["/endlos.jpg"] = (200, {"Transfer-Encoding": "identity"}, b"x" * 200_000, 0.0)
    with pytest.raises(MediaRefused, match="too large"):
        download(
            f"http://{HOST}/endlos.jpg",
            transport=transport,
            address_allowed=only_loopback,
            limits=Limits(max_bytes=50_000),
        )
    handler.routes["/langsam.jpg"] = (200, {}, b"x", 3.0)
    started = time.monotonic()
    with pytest.raises(MediaRefused):
        download(
            f"http://{HOST}/langsam.jpg",
            transport=transport,
            address_allowed=only_loopback,
            limits=Limits(timeout_s=0.5),
        )
    assert time.monotonic() - started < 2.5


# --- the task and the photo pipeline ----------------------------------------------------------------


@pytest.fixture
def fake_network(monkeypatch):
    responses: dict[str, FakeResponse] = {}
    transport = FakeTransport(responses)
    monkeypatch.setattr(media_fetch, "transport_for_tasks", lambda: transport)
    return responses


@pytest.mark.django_db
def test_task_adds_the_fetched_image_as_a_clean_photo(fake_network):
    report = make_report(photos=[photo("eins.jpg")]).report
    url = f"https://{HOST}/foto.jpg"
    fake_network[url] = FakeResponse(body=jpeg_bytes((2400, 1600)))
    assert fetch_media.call(report_id=report.pk, url=url) == "attached"
    photos = list(ReportPhoto.objects.filter(report=report).order_by("position"))
    assert [p.position for p in photos] == [0, 1]
    assert (photos[1].width, photos[1].height) == (1920, 1280)
    assert len(media_files()) == 4
    assert all(Image.open(f).format == "JPEG" for f in media_files())


@pytest.mark.django_db
def test_task_respects_the_five_photo_limit_and_bad_content(fake_network):
    report = make_report(photos=[photo(f"{i}.jpg", jpeg_bytes((40, 40))) for i in range(5)]).report
    url = f"https://{HOST}/foto.jpg"
    fake_network[url] = FakeResponse(body=jpeg_bytes((40, 40)))
    assert fetch_media.call(report_id=report.pk, url=url).startswith("not used: Höchstens 5 Fotos")
    other = make_report().report
    fake_network[url] = FakeResponse(body=b"<html>kein Bild</html>")
    assert "kein unterstütztes Foto" in fetch_media.call(report_id=other.pk, url=url)
    assert ReportPhoto.objects.filter(report=other).count() == 0
    assert len(media_files()) == 10  # only the five photos of the first report
    assert fetch_media.call(report_id=other.pk, url="http://10.0.0.1/x.jpg").startswith("refused")


@pytest.mark.django_db
def test_schedule_refuses_bad_urls_and_queues_good_ones_after_commit(django_capture_on_commit_callbacks):
    report = make_report().report
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert media_fetch_schedule(report=report, url="http://evil.example.com/x.jpg") is False
    assert callbacks == [] and DBTaskResult.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert media_fetch_schedule(report=report, url=f"https://{HOST}/x.jpg") is True
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "domains.reports.media_fetch.fetch_media"
    assert queued.args_kwargs["kwargs"] == {"report_id": report.pk, "url": f"https://{HOST}/x.jpg"}


def run_worker(monkeypatch) -> None:
    """``manage.py db_worker --batch`` in this process and this test's transaction.

    The worker closes "old" connections between tasks, which inside a test transaction would break it;
    that call is neutralised. Its signal handlers are restored afterwards.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@pytest.mark.django_db
def test_the_task_worker_runs_the_queued_fetch(monkeypatch, fake_network, django_capture_on_commit_callbacks):
    report = make_report().report
    url = f"https://{HOST}/foto.jpg"
    fake_network[url] = FakeResponse(body=jpeg_bytes((300, 200)))
    with django_capture_on_commit_callbacks(execute=True):
        media_fetch_schedule(report=report, url=url)
    run_worker(monkeypatch)
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL", result.traceback
    assert result.return_value == "attached"
    assert ReportPhoto.objects.filter(report=report).count() == 1
