"""Upload attacks through the public API: each is refused with a clear 400/413 naming the file and
nothing is stored — or, where the file is a real photo carrying extra baggage, stored clean."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from domains.reports.models import Report
from kernel.cases.images import MAX_BYTES
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client, *files: SimpleUploadedFile):
    data = {
        "category": "graffiti",
        "description": "Test",
        "lat": "51.0504",
        "lon": "13.7373",
        "photos": list(files),
    }
    return client.post("/api/v1/reports/", data)


def png_bomb() -> bytes:
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, format="PNG")  # 100 MP, a few KB
    return buf.getvalue()


def jpeg_bomb() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (9_000, 5_000)).save(buf, format="JPEG", quality=5)  # 45 MP
    return buf.getvalue()


def zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("foto.jpg", jpeg_bytes())
    return buf.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

REFUSED = [
    ("bombe.png", png_bomb, "Megapixel"),
    ("bombe.jpg", jpeg_bomb, "Megapixel"),
    ("riesig.heic", lambda: (DATA / "huge-41mp.heic").read_bytes(), "Megapixel"),
    ("bild.svg", lambda: SVG, "kein unterstütztes Foto"),
    ("archiv.jpg", zipped, "kein unterstütztes Foto"),
]


@pytest.mark.parametrize(("name", "make", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_attacks_are_refused_and_nothing_is_stored(client, name, make, reason):
    response = post(client, SimpleUploadedFile(name, make(), content_type="image/jpeg"))
    assert response.status_code == 400
    message = response.json()["errors"]["photos"][0]
    assert f"„{name}“" in message and reason in message
    assert Report.objects.count() == 0 and stored_files() == []


def _padded_jpeg(total: int) -> bytes:
    data = jpeg_bytes((64, 48))
    return data + b"\0" * (total - len(data))  # trailing bytes after the JPEG end marker


def test_exactly_the_size_limit_is_accepted_and_one_byte_more_is_refused(client):
    assert post(client, SimpleUploadedFile("genau.jpg", _padded_jpeg(MAX_BYTES))).status_code == 201
    response = post(client, SimpleUploadedFile("zuviel.jpg", _padded_jpeg(MAX_BYTES + 1)))
    assert response.status_code == 400
    assert "„zuviel.jpg“ ist größer als 15 MB" in response.json()["errors"]["photos"][0]
    assert Report.objects.count() == 1


def test_body_over_the_request_limit_is_413_before_anything_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 5 * 1024 * 1024
    response = post(
        client,
        SimpleUploadedFile("a.jpg", _padded_jpeg(3 * 1024 * 1024)),
        SimpleUploadedFile("b.jpg", _padded_jpeg(3 * 1024 * 1024)),
    )
    assert response.status_code == 413
    assert Report.objects.count() == 0 and stored_files() == []


def test_jpeg_with_a_60_kb_exif_block_is_stored_without_it(client):
    """A real photo with a big maker-notes block is accepted — refusing phone photos would hurt
    citizens — but not one byte of the EXIF reaches storage."""
    image = Image.new("RGB", (800, 600), (90, 120, 150))
    exif = image.getexif()
    exif[0x927C] = b"MAKERNOTE" * 6_600  # MakerNote, ~59 KB
    exif[0x010F] = "GeheimKamera"
    buf = io.BytesIO()
    image.save(buf, format="JPEG", exif=exif.tobytes())
    assert len(buf.getvalue()) > 60_000
    response = post(client, SimpleUploadedFile("exif.jpg", buf.getvalue()))
    assert response.status_code == 201
    for path in stored_files():
        data = path.read_bytes()
        assert b"Exif" not in data and b"MAKERNOTE" not in data and b"GeheimKamera" not in data


def test_polyglot_jpeg_html_is_stored_without_the_html(client):
    data = jpeg_bytes((320, 240)) + b"<html><script>alert(document.cookie)</script></html>"
    assert post(client, SimpleUploadedFile("poly.jpg", data)).status_code == 201
    assert all(b"<script>" not in p.read_bytes() for p in stored_files())
