"""NUL characters and oversized bodies are refused up front with 400/413, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/?category=%00",
        "/api/v1/communes/?q=a%00b",
        "/api/v1/reports/?status=open%00",
        "/meldungen/?x=%00",
    ],
)
def test_nul_in_query_is_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_json_body_is_400_and_nothing_is_stored(client):
    from domains.reports.models import Report

    response = client.post(
        "/api/v1/reports/",
        '{"category": "graffiti", "description": "a\\u0000b", "location": {"type": "Point", "coordinates": [13.74, 51.05]}}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Report.objects.count() == 0


def test_nul_in_form_body_is_400(client):
    response = client.post(
        "/api/v1/reports/",
        "category=graffiti&description=a%00b",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_body_over_the_limit_is_413_before_reading(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post("/api/v1/reports/", {"description": "x" * 2000})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_nul_in_a_multipart_field_is_400_naming_the_field(client):
    response = client.post(
        "/api/v1/reports/", {"category": "graffiti\x00", "description": "x", "lat": "51.05", "lon": "13.74"}
    )
    assert response.status_code == 400
    assert "category" in response.json()["errors"]


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "utf8"])
@pytest.mark.parametrize("url", ["/", "/anmelden/", "/sondernutzung/beantragen/", "/api/v1/reports/"])
def test_a_form_body_in_another_charset_than_utf8_is_400_not_500(client, url, charset):
    # Django raises BadRequest for it without marking the body unparsable; its 400 page's CSRF check then
    # read request.POST again and the answer was a 500.
    from domains.reports.models import Report

    response = client.post(
        url, b"lat=51.05&lon=13.74", content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400
    assert "Formulardaten müssen UTF-8-kodiert sein." in response.content.decode()
    assert Report.objects.count() == 0


def test_a_form_body_declared_utf8_still_works(client):
    response = client.post("/", b"lat=51.05", content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert response.status_code == 400  # the report form's own validation, not the guard
    assert "Formulardaten" not in response.content.decode()
    assert "Kategorie" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/permits/estimate/", "/api/v1/permits/", "/api/v1/reports/"])
def test_json_nested_thousands_deep_is_400_not_500(client, url):
    # json raises RecursionError (not ValueError) for it, which DRF's parser let through as a 500.
    from domains.permits.models import Permit
    from domains.reports.models import Report

    response = client.post(url, "[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Die JSON-Daten sind zu tief verschachtelt.", "code": "parse_error"}
    assert Report.objects.count() == 0 and Permit.objects.count() == 0


@pytest.mark.parametrize("url", ["/api/v1/permits/estimate/", "/api/v1/permits/", "/api/v1/reports/"])
def test_json_with_an_unpaired_surrogate_is_400_not_500(client, url):
    # Valid JSON, but "\ud800" is no UTF-8 text: the INSERT (or query) failed with a 500.
    from domains.permits.models import Permit
    from domains.reports.models import Report

    body = '{"category": "schlagloch", "kind": "geruest", "description": "Loch \\ud800", "applicant": {}}'
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "Surrogate" in response.json()["detail"]
    assert Report.objects.count() == 0 and Permit.objects.count() == 0


def test_json_with_a_paired_surrogate_emoji_is_accepted(client):
    from domains.reports.models import Report

    body = (
        '{"category": "schlagloch", "description": "Tiefes Loch \\ud83d\\udea7 auf der Fahrbahn", '
        '"location": {"type": "Point", "coordinates": [13.74, 51.05]}}'
    )
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Report.objects.get().description == "Tiefes Loch \U0001f6a7 auf der Fahrbahn"


@pytest.mark.parametrize(
    ("body", "content_type", "detail"),
    [
        (
            '{"category": "schlagloch",\n "description": }',
            "application/json",
            "Ungültiges JSON (Zeile 2, Spalte 17).",
        ),
        ('{"description": NaN}', "application/json", "NaN und Infinity"),
        (b'{"description": "Stra\xdfe"}', "application/json", "nicht UTF-8-kodiert"),
        ('{"description": "x"}', "application/json; charset=bz2_codec", "bitte UTF-8 senden"),
    ],
)
def test_broken_json_gets_a_german_message_saying_where(client, body, content_type, detail):
    from domains.reports.models import Report

    # generic(): the body goes out as given, whatever charset the header names
    response = client.generic("POST", "/api/v1/reports/", body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert detail in response.json()["detail"]
    assert Report.objects.count() == 0
