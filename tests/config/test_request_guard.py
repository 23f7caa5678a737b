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
    from reports.models import Report

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
