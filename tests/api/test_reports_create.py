"""``POST /api/v1/reports/``: multipart with photos, JSON with a GeoJSON point, per-field German errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from domains.reports.models import Report, ReportPhoto, StatusChange
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(
    name: str = "foto.jpg", data: bytes | None = None, content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, jpeg_bytes((2400, 1600)) if data is None else data, content_type=content_type
    )


def post_multipart(client, **fields):
    data = {
        "category": "schlagloch",
        "description": "Loch in der Fahrbahn",
        "lat": "51.0504",
        "lon": "13.7373",
    }
    extra = {k: fields.pop(k) for k in list(fields) if k.isupper()}  # REMOTE_ADDR, HTTP_* → request META
    data.update(fields)
    return client.post(URL, data, **extra)


def test_multipart_report_with_photo_is_created_and_assigned(client):
    response = post_multipart(
        client, photos=[upload()], email="anna@example.org", name="Anna", place="vor Nr. 12"
    )
    assert response.status_code == 201, response.content
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"].startswith("SN-") and len(feature["id"]) == 10
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.7373, 51.0504]}
    props = feature["properties"]
    assert props["category"] == "schlagloch"
    assert props["status"] == "submitted" and props["status_label"] == "Eingegangen"
    assert props["commune"] == {"ags": "14612000", "name": "Dresden"}
    assert props["district"] == {"ags": "14612", "name": "Dresden"}
    assert props["place"] == "vor Nr. 12"
    assert props["supporters"] == 0
    assert len(props["photos"]) == 1
    assert props["photos"][0]["width"] == 1920 and props["photos"][0]["height"] == 1280
    assert feature["tracking_url"].startswith("http://testserver/meldungen/" + feature["id"] + "/verfolgen/")

    report = Report.objects.get(public_id=feature["id"])
    assert report.reporter_email == "anna@example.org"
    assert report.location.srid == 25833
    assert report.commune.ags == "14612000"
    assert report.due is not None and (report.due - report.created).days == 14
    assert list(StatusChange.objects.filter(report=report).values_list("to_status", flat=True)) == [
        "submitted"
    ]
    # Exactly the display image and thumbnail are stored — never the original upload.
    files = media_files()
    assert len(files) == 2
    assert all(f.suffix == ".jpg" and "foto" not in f.name for f in files)
    sizes = sorted(Image.open(f).size for f in files)
    assert sizes == [(400, 267), (1920, 1280)]


def test_photo_urls_serve_the_stored_files(client):
    feature = post_multipart(client, photos=[upload()]).json()
    url = feature["properties"]["photos"][0]["url"].replace("http://testserver", "")
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_json_report_with_geojson_location(client):
    body = {
        "category": "graffiti",
        "description": "Schmiererei am Rathaus",
        "location": {"type": "Point", "coordinates": [12.3747, 51.3397]},
    }
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["commune"]["name"] == "Leipzig"
    assert response.json()["properties"]["photos"] == []


def test_geojson_crs_member_is_ignored(client):
    # RFC 7946: WGS84 only. A crs member must never reach GDAL (gis.W001); the point is read as lon/lat.
    body = {
        "category": "graffiti",
        "description": "x",
        "location": {
            "type": "Point",
            "coordinates": [12.3747, 51.3397],
            "crs": {"type": "name", "properties": {"name": "EPSG:31468"}},
        },
    }
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["geometry"]["coordinates"] == [12.3747, 51.3397]


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"lat": "50.0880", "lon": "14.4208"}, "location", "außerhalb Sachsens"),
        ({"lat": "0", "lon": "-75"}, "location", "außerhalb Sachsens"),  # was a 500: no UTM 33 projection
        ({"category": "unbekannt"}, "category", "Unbekannte Kategorie"),
        ({"category": ""}, "category", "Bitte wählen Sie eine Kategorie"),
        ({"lat": "", "lon": ""}, "location", "Bitte geben Sie den Ort an"),
        ({"lat": "abc"}, "lat", "Breitengrad muss eine Zahl sein"),
        ({"lon": "nan"}, "lon", "endliche Zahl"),
        ({"description": ""}, "description", "Bitte beschreiben Sie den Mangel"),
        ({"description": "x" * 4001}, "description", "höchstens 4.000 Zeichen"),
        ({"email": "keine-mail"}, "email", "gültige E-Mail-Adresse"),
        ({"phone": "ruf mich an"}, "phone", "gültige Telefonnummer"),
        ({"place": "p" * 301}, "place", "höchstens 300 Zeichen"),
    ],
)
def test_invalid_input_gives_400_with_german_message_per_field(client, fields, field, fragment):
    response = post_multipart(client, **fields)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert fragment in body["errors"][field][0]
    assert Report.objects.count() == 0


def test_several_errors_are_reported_together(client):
    response = post_multipart(client, category="nix", description="", email="x@", lat="50.08", lon="14.42")
    assert set(response.json()["errors"]) == {"category", "description", "email", "location"}


def test_description_of_exactly_4000_characters_is_accepted(client):
    assert post_multipart(client, description="ä" * 4000).status_code == 201


def test_bad_photo_is_refused_naming_the_file_and_nothing_is_stored(client):
    text = SimpleUploadedFile("urlaub.jpg", b"Dies ist kein Bild, nur Text.", content_type="image/jpeg")
    response = post_multipart(client, photos=[upload("gut.jpg"), text])
    assert response.status_code == 400
    assert "urlaub.jpg" in response.json()["errors"]["photos"][0]
    assert Report.objects.count() == 0
    assert ReportPhoto.objects.count() == 0
    assert media_files() == []


def test_six_photos_are_refused(client):
    response = post_multipart(client, photos=[upload(f"f{i}.jpg", jpeg_bytes((50, 50))) for i in range(6)])
    assert response.status_code == 400
    assert "Höchstens 5 Fotos" in response.json()["errors"]["photos"][0]
    assert Report.objects.count() == 0


def test_five_photos_are_accepted(client):
    response = post_multipart(client, photos=[upload(f"f{i}.jpg", jpeg_bytes((50, 50))) for i in range(5)])
    assert response.status_code == 201
    assert len(response.json()["properties"]["photos"]) == 5
    assert len(media_files()) == 10


def test_content_type_from_the_client_is_not_trusted(client):
    png = io.BytesIO()
    Image.new("RGB", (300, 200), "red").save(png, format="PNG")
    # A real PNG sent as .gif with a bogus type is accepted (content decides) and stored as JPEG.
    response = post_multipart(client, photos=[upload("bild.gif", png.getvalue(), "application/octet-stream")])
    assert response.status_code == 201
    assert all(Image.open(f).format == "JPEG" for f in media_files())


def test_category_switched_off_by_the_commune_is_refused(client):
    from domains.reports.models import Category, CommuneCategorySetting

    CommuneCategorySetting.objects.create(
        ags="14612000", category=Category.objects.get(slug="graffiti"), enabled=False
    )
    response = post_multipart(client, category="graffiti")
    assert response.status_code == 400
    assert "wird von Dresden nicht angeboten" in response.json()["errors"]["category"][0]
    # Leipzig still offers it.
    assert post_multipart(client, category="graffiti", lat="51.3397", lon="12.3747").status_code == 201


def test_commune_sla_override_sets_the_due_date(client):
    from domains.reports.models import Category, CommuneCategorySetting

    CommuneCategorySetting.objects.create(
        ags="14612000", category=Category.objects.get(slug="schlagloch"), sla_days=3
    )
    public_id = post_multipart(client).json()["id"]
    report = Report.objects.get(public_id=public_id)
    assert (report.due - report.created).days == 3


def test_lists_and_objects_where_single_values_are_expected_are_400(client):
    response = client.post(
        URL, {"category": ["a", "b"], "description": {"x": 1}}, content_type="application/json"
    )
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_malformed_json_is_400_not_500(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_anonymous_posting_is_throttled_per_ip_with_retry_after(client, monkeypatch):
    from shared.http.throttling import ReportCreateThrottle

    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "2/hour"})
    assert post_multipart(client).status_code == 201
    assert post_multipart(client).status_code == 201
    third = post_multipart(client)
    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    assert third.json()["code"] == "throttled"
    assert Report.objects.count() == 2
    # Another client (IP) is not affected.
    assert post_multipart(client, REMOTE_ADDR="10.1.2.3").status_code == 201


def test_spoofed_forwarded_for_header_does_not_evade_throttling(client, monkeypatch):
    from shared.http.throttling import ReportCreateThrottle

    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "1/hour"})
    assert post_multipart(client, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 201
    assert post_multipart(client, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_throttle_state_lives_in_the_shared_cache_not_process_memory(client, monkeypatch):
    from django.core.cache import cache, caches

    from shared.http.throttling import ReportCreateThrottle

    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "5/hour"})
    post_multipart(client)
    key = ReportCreateThrottle.cache_format % {"scope": "report_create", "ident": "127.0.0.1"}
    history = cache.get(key)
    assert isinstance(history, list) and len(history) == 1
    # Shared between processes: Redis or the database table, never a per-process memory cache. (``cache``
    # is a proxy: its own class name says nothing, which made the old check fail whenever REDIS_URL
    # came from the environment rather than from .env.)
    assert type(caches["default"]).__name__ in {"RedisCache", "DatabaseCache"}
