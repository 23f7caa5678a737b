"""No public output ever contains the reporter's name, e-mail or phone, or internal notes."""

from __future__ import annotations

import pytest

from domains.reports.models import StatusChange
from tests.factories import DRESDEN, make_report

pytestmark = pytest.mark.django_db

SECRET_NAME = "Gudrun Geheimnis"
SECRET_MAIL = "gudrun.geheim@example.org"
SECRET_PHONE = "+49 351 9876543"
INTERNAL = "Interner Vermerk: Anwohnerin ruft täglich an"


@pytest.fixture
def private_report():
    created = make_report(lonlat=DRESDEN, name=SECRET_NAME, email=SECRET_MAIL, phone=SECRET_PHONE)
    StatusChange.objects.create(
        report=created.report,
        from_status="submitted",
        to_status="in_review",
        public_note="Wird geprüft.",
        internal_note=INTERNAL,
    )
    return created


def assert_clean(response) -> None:
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    for secret in (SECRET_NAME, SECRET_MAIL, SECRET_PHONE, "9876543", "gudrun", INTERNAL, "tracking_token"):
        assert secret.lower() not in body.lower(), secret


def test_public_endpoints_never_show_private_data(client, private_report):
    report = private_report.report
    urls = [
        "/api/v1/reports/",
        f"/api/v1/reports/{report.public_id}/",
        f"/api/v1/reports/nearby/?lon={DRESDEN[0]}&lat={DRESDEN[1]}",
        f"/meldungen/{report.public_id}/",
        "/api/schema/",
    ]
    for url in urls:
        assert_clean(client.get(url))


def test_public_history_shows_public_note_only(client, private_report):
    body = client.get(f"/api/v1/reports/{private_report.report.public_id}/").json()
    assert [h["note"] for h in body["properties"]["history"]] == ["", "Wird geprüft."]
    assert "internal_note" not in str(body)


def test_create_response_contains_no_contact_data_either(client):
    response = client.post(
        "/api/v1/reports/",
        {
            "category": "graffiti",
            "description": "x",
            "lat": "51.05",
            "lon": "13.74",
            "email": SECRET_MAIL,
            "name": SECRET_NAME,
            "phone": SECRET_PHONE,
        },
    )
    assert response.status_code == 201
    body = response.content.decode()
    assert SECRET_MAIL not in body and SECRET_NAME not in body and SECRET_PHONE not in body


def test_private_data_is_not_logged(client, caplog):
    caplog.set_level("DEBUG")
    client.post(
        "/api/v1/reports/",
        {
            "category": "graffiti",
            "description": "x",
            "lat": "51.05",
            "lon": "13.74",
            "email": SECRET_MAIL,
            "name": SECRET_NAME,
            "phone": SECRET_PHONE,
        },
    )
    client.post("/api/v1/reports/", {"category": "graffiti", "email": SECRET_MAIL})  # a 400 is logged too
    assert (
        SECRET_MAIL not in caplog.text and SECRET_NAME not in caplog.text and SECRET_PHONE not in caplog.text
    )


def test_tracking_link_works_only_with_the_right_token(client, private_report):
    report = private_report.report
    good = client.get(f"/meldungen/{report.public_id}/verfolgen/{private_report.tracking_token}/")
    assert good.status_code == 200
    assert good["Referrer-Policy"] == "same-origin"
    assert client.get(f"/meldungen/{report.public_id}/verfolgen/falsch/").status_code == 404
