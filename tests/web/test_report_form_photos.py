"""Photos on the plain (no-JavaScript) report form (issue 26): no false "keine Datei" error, and a hint
to choose the photo again when the page comes back with errors (a browser cannot keep a chosen file)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from domains.reports.models import Report
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db

VALID = {"lat": "51,0504", "lon": "13,7373", "category": "schlagloch", "description": "Loch in der Fahrbahn"}
FALSE_ERROR = "keine Datei übertragen"
HINT = "Bitte wählen Sie das Foto erneut aus"


def _jpeg(name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


@pytest.mark.parametrize(
    "wrong", [{"description": ""}, {"category": ""}, {"lat": "50.0880", "lon": "14.4208"}]
)
def test_a_photo_with_another_wrong_field_gives_no_file_error_but_the_hint(client, wrong):
    response = client.post("/", {**VALID, **wrong, "photos": [_jpeg(), _jpeg("zwei.jpg")]})
    html = response.content.decode()
    assert response.status_code == 400
    assert FALSE_ERROR not in html
    assert HINT in html
    assert Report.objects.count() == 0


def test_the_json_errors_have_no_file_error_either(client):
    response = client.post(
        "/", {**VALID, "description": "", "photos": [_jpeg()]}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "photos" not in errors and "description" in errors


def test_no_hint_without_a_photo(client):
    html = client.post("/", {**VALID, "description": ""}).content.decode()
    assert FALSE_ERROR not in html and HINT not in html


def test_a_valid_post_with_photos_still_stores_them(client):
    response = client.post("/", {**VALID, "photos": [_jpeg(), _jpeg("zwei.jpg")]})
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 2


def test_a_broken_photo_gets_the_service_message_once_and_no_file_error(client):
    broken = SimpleUploadedFile("kaputt.jpg", b"kein Bild", content_type="image/jpeg")
    response = client.post("/", {**VALID, "photos": [broken]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    messages = response.json()["errors"]["photos"]
    assert len(messages) == 1 and FALSE_ERROR not in messages[0], messages
