"""POST requests as real clients send it: form-encoded (FixMyStreet style, api_key in the body), api_key in
the query string, multipart with a ``media`` file, attribute arrays — and every refusal in the spec's
error format, in XML and JSON."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from domains.reports.models import Report, ReportPhoto
from interfaces.api.keys import api_key_create, api_key_revoke
from interfaces.api.open311.throttling import ApiKeyThrottle
from shared.http.throttling import ReportCreateThrottle
from tests.api.open311.helpers import as_dict, children, jsn, json_errors, xml, xml_errors
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"
FORM = "application/x-www-form-urlencoded"


def fields(**extra) -> dict:
    data = {
        "service_code": "schlagloch",
        "lat": "51.0504",
        "long": "13.7373",
        "description": "Tiefes Loch vor Hausnummer 5",
    }
    data.update(extra)
    return data


def post_form(client, fmt: str = "xml", query: str = "", pairs: list[tuple[str, str]] | None = None, **extra):
    """A raw application/x-www-form-urlencoded body, as LWP/requests/node clients send it."""
    body = urlencode(pairs if pairs is not None else list(fields(**extra).items()))
    return client.post(f"{URL}.{fmt}{query}", body, content_type=FORM)


def test_fixmystreet_style_form_post_with_api_key_in_the_body(client):
    issued = api_key_create(name="FixMyStreet")
    response = post_form(
        client,
        jurisdiction_id="",  # FixMyStreet sends it even when none is configured
        api_key=issued.key,
        email="anna@example.org",
        first_name="Anna",
        last_name="Beispiel",
        phone="+49 351 123456",
        **{"attribute[size]": "large", "attribute[fixmystreet_id]": "4711"},
    )
    root = xml(response)
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
    assert children(root[0]) == ["service_request_id", "service_notice", "account_id"]
    result = as_dict(root[0])
    report = Report.objects.get(public_id=result["service_request_id"])
    assert report.channel == "open311"
    assert report.commune.ags == "14612000"
    assert report.attributes == {"size": "large"}
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Anna Beispiel",
        "anna@example.org",
        "+49 351 123456",
    )
    assert "an Dresden weitergeleitet" in result["service_notice"]
    assert "Nicht verwendete Zusatzangaben: fixmystreet_id" in result["service_notice"]
    assert result["account_id"] is None
    assert "anna@example.org" not in response.content.decode()


def test_api_key_in_the_query_string_and_json_answer(client):
    issued = api_key_create(name="Stadt-App")
    response = post_form(
        client, fmt="json", query=f"?api_key={issued.key}", account_id="konto-42", device_id="abc"
    )
    body = jsn(response)
    assert len(body) == 1 and list(body[0]) == ["service_request_id", "service_notice", "account_id"]
    assert body[0]["account_id"] == "konto-42"
    assert Report.objects.filter(public_id=body[0]["service_request_id"]).exists()


def test_multipart_with_a_media_file_goes_through_the_photo_pipeline(client):
    media = SimpleUploadedFile("IMG_0001.JPG", jpeg_bytes((2400, 1600)), content_type="image/jpeg")
    response = client.post(f"{URL}.xml", {**fields(), "media": media})
    report = Report.objects.get(public_id=as_dict(xml(response)[0])["service_request_id"])
    photo = ReportPhoto.objects.get(report=report)
    assert (photo.width, photo.height) == (1920, 1280)
    listed = as_dict(xml(client.get(f"/open311/v2/requests/{report.public_id}.xml"))[0])
    assert listed["media_url"] == f"http://testserver/media/{photo.image.name}"


def test_bad_media_file_is_400_naming_the_field(client):
    media = SimpleUploadedFile("notiz.jpg", b"kein Bild", content_type="image/jpeg")
    errors = xml_errors(client.post(f"{URL}.xml", {**fields(), "media": media}), 400)
    assert errors == [
        (
            "400",
            "media: Die Datei „notiz.jpg“ ist kein unterstütztes Foto (erlaubt sind JPEG, PNG, WebP und HEIC).",
        )
    ]
    assert Report.objects.count() == 0


def test_attribute_arrays_for_multi_value_lists(client):
    pairs = [
        *fields(service_code="muellablagerung").items(),
        ("attribute[waste_types][]", "bulky"),
        ("attribute[waste_types][]", "tyres"),
        ("attribute[observed_at]", "2026-11-24T18:00:00+01:00"),
    ]
    result = as_dict(xml(post_form(client, pairs=pairs))[0])
    report = Report.objects.get(public_id=result["service_request_id"])
    assert report.attributes == {
        "waste_types": ["bulky", "tyres"],
        "observed_at": "2026-11-24T18:00:00+01:00",
    }


def test_media_url_on_the_allow_list_is_queued_otherwise_ignored(
    client, settings, django_capture_on_commit_callbacks
):
    settings.OPEN311_MEDIA_HOSTS = ["bilder.example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        ignored = as_dict(xml(post_form(client, media_url="http://169.254.169.254/latest/meta-data"))[0])
    assert "wurde nicht abgerufen" in ignored["service_notice"]
    assert DBTaskResult.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        queued = as_dict(xml(post_form(client, media_url="https://bilder.example.org/f/1.jpg"))[0])
    assert "wird abgerufen" in queued["service_notice"]
    task = DBTaskResult.objects.get()
    report = Report.objects.get(public_id=queued["service_request_id"])
    assert task.args_kwargs["kwargs"] == {"report_id": report.pk, "url": "https://bilder.example.org/f/1.jpg"}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_and_revoked_api_keys_are_403(client, fmt):
    read = xml_errors if fmt == "xml" else json_errors
    code = "403" if fmt == "xml" else 403
    [(got, text)] = read(post_form(client, fmt=fmt, api_key="mm311_erfunden"), 403)
    assert got == code and "api_key: ungültig oder widerrufen" in text
    issued = api_key_create(name="Alt")
    api_key_revoke(api_key=issued.api_key)
    assert read(post_form(client, fmt=fmt, query=f"?api_key={issued.key}"), 403)[0][0] == code
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_address_only_is_400_naming_address_string(client, fmt):
    """No house addresses loaded: the address cannot be geocoded (tests/api/open311/test_address_string.py
    covers geocoding with addresses)."""
    pairs = [
        ("service_code", "schlagloch"),
        ("description", "Loch"),
        ("address_string", "Altmarkt 1, Dresden"),
    ]
    read = xml_errors if fmt == "xml" else json_errors
    [(_, text)] = read(post_form(client, fmt=fmt, pairs=pairs), 400)
    assert text.startswith("address_string:") and "keine Hausadresse" in text
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"service_code": "nix"}, ["service_code: Unbekannte Kategorie „nix“."]),
        ({"service_code": ""}, ["service_code: Bitte wählen Sie eine Kategorie."]),
        ({"lat": "abc"}, ["lat: Breitengrad muss eine Zahl sein, z. B. 51.0504."]),
        ({"lat": "50.0880", "long": "14.4208"}, ["lat/long: Der Ort liegt außerhalb Sachsens."]),
        (
            {"description": "", "email": "x@"},
            ["description: Bitte beschreiben", "email: Bitte geben Sie eine gültige"],
        ),
        (
            {"attribute[size]": "riesig"},
            ["attribute[size]: „Wie groß ist das Schlagloch?“: „riesig“ ist keine"],
        ),
        (
            {"attribute[depth_cm]": "tief"},
            ["attribute[depth_cm]: „Geschätzte Tiefe in Zentimetern“: bitte eine Zahl"],
        ),
        ({"first_name": "A" * 201}, ["first_name/last_name: Der Name darf höchstens 200 Zeichen"]),
        (
            {"jurisdiction_id": "14713000"},
            ["jurisdiction_id: Der Ort liegt nicht in Leipzig (14713000), sondern in Dresden"],
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_validation_errors_one_error_per_message_in_both_formats(client, fmt, extra, expected):
    read = xml_errors if fmt == "xml" else json_errors
    errors = read(post_form(client, fmt=fmt, **extra), 400)
    assert len(errors) == len(expected)
    for (code, text), prefix in zip(sorted(errors, key=lambda e: e[1]), sorted(expected), strict=True):
        assert str(code) == "400" and text.startswith(prefix), text
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_jurisdiction_is_404(client, fmt):
    read = xml_errors if fmt == "xml" else json_errors
    assert (
        "jurisdiction_id: unbekannt „09162000“"
        in read(post_form(client, fmt=fmt, jurisdiction_id="09162000"), 404)[0][1]
    )
    assert read(client.get(f"{URL}.{fmt}?jurisdiction_id=sachsen"), 404)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_anonymous_posts_are_throttled_like_the_web_form_keys_have_their_own_limit(client, monkeypatch, fmt):
    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "1/hour"})
    monkeypatch.setattr(ApiKeyThrottle, "THROTTLE_RATES", {"open311_api_key": "2/hour"})
    read = xml_errors if fmt == "xml" else json_errors
    assert post_form(client, fmt=fmt).status_code == 200
    throttled = post_form(client, fmt=fmt)
    [(code, text)] = read(throttled, 429)
    assert str(code) == "429" and "Zu viele Meldungen" in text
    assert int(throttled["Retry-After"]) > 0
    issued = api_key_create(name="Stadt-App")
    assert post_form(client, fmt=fmt, api_key=issued.key).status_code == 200
    assert post_form(client, fmt=fmt, api_key=issued.key).status_code == 200
    assert read(post_form(client, fmt=fmt, api_key=issued.key), 429)
    assert Report.objects.count() == 3


def test_broken_bodies_and_wrong_methods_never_give_500(client):
    broken = client.post(
        f"{URL}.xml",
        b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb',
        content_type="multipart/form-data; boundary=xyz",
    )
    assert broken.status_code in (200, 400)
    bad_boundary = client.post(f"{URL}.xml", b"abc", content_type="multipart/form-data")
    assert xml_errors(bad_boundary, 400)
    json_body = client.post(f"{URL}.json", {"service_code": "schlagloch"}, content_type="application/json")
    assert json_errors(json_body, 400)
    assert xml_errors(client.delete(f"{URL}.xml"), 405)
    assert client.delete(f"{URL}.xml")["Allow"] == "GET, HEAD, POST"
    assert json_errors(client.post("/open311/v2/services.json"), 405)


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/services.csv",
        "/open311/v2/requests.html",
        "/open311/v2/services",
        "/open311/v3/services.xml",
    ],
)
def test_unknown_format_or_path_is_404_in_the_error_format(client, path):
    assert xml_errors(client.get(path), 404)[0][0] == "404"
    assert json_errors(client.get("/open311/v2/nichts.json"), 404)


def test_post_for_the_right_jurisdiction_is_accepted(client):
    result = as_dict(xml(post_form(client, jurisdiction_id="14612000"))[0])
    assert Report.objects.get(public_id=result["service_request_id"]).commune.ags == "14612000"
    assert post_form(client, query="?jurisdiction_id=14612", fmt="json").status_code == 200


def test_contact_data_is_not_logged(client, caplog):
    caplog.set_level("DEBUG")
    secret = {
        "email": "geheim@example.org",
        "first_name": "Gudrun",
        "last_name": "Geheimnis",
        "phone": "+49 351 987654",
    }
    post_form(client, **secret)
    post_form(client, description="", **secret)  # a 400 is logged too
    for value in secret.values():
        assert value not in caplog.text


def test_post_needs_no_csrf_token_since_no_cookie_authenticates_it():
    from django.test import Client

    response = post_form(Client(enforce_csrf_checks=True))
    assert response.status_code == 200, response.content
