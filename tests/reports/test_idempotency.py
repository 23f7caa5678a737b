"""Idempotency keys for creating reports (issue 31.7): a retry with the same key and content gets the same
report and answer, the same key with other content a German 409 with nothing stored — in the web form
(hidden field), the REST API and Open311 (``Idempotency-Key`` header); keys go after 24 hours."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from domains.reports.idempotency.models import ReportIdempotencyKey
from domains.reports.models import Report, ReportPhoto
from interfaces.api.keys import api_key_create
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db

KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"
BODY = {"category": "schlagloch", "description": "Loch in der Fahrbahn", "lat": "51.0504", "lon": "13.7373"}


def photo(color: tuple[int, int, int] = (120, 130, 140)) -> SimpleUploadedFile:
    return SimpleUploadedFile("foto.jpg", jpeg_bytes((640, 480), color), content_type="image/jpeg")


def api_post(client, key: str | None = KEY, **fields):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/reports/", {**BODY, **fields}, **headers)


# --- REST API ------------------------------------------------------------------------------------------


def test_api_retry_with_the_same_key_and_body_gives_the_same_report_and_answer(client):
    first = api_post(client, photos=[photo()])
    assert first.status_code == 201, first.content
    again = api_post(client, photos=[photo()])  # the same bytes again, in a new multipart body
    assert again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["tracking_url"] == first.json()["tracking_url"]
    assert Report.objects.count() == 1 and ReportPhoto.objects.count() == 1


def test_api_key_as_structured_field_string_is_the_same_key(client):
    first = api_post(client)
    again = api_post(client, key=f'"{KEY}"')
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"description": "Ein anderes Loch"},
        {"lat": "51.0505"},
        {"photos": "other photo"},
    ],
)
def test_api_same_key_with_other_content_is_409_in_german_and_stores_nothing(client, change):
    api_post(client, photos=[photo()])
    if change.get("photos"):
        change = {"photos": [photo((10, 200, 10))]}
    else:
        change = {**change, "photos": [photo()]}
    response = api_post(client, **change)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "idempotency_key_reused"
    assert "bereits eine Meldung mit anderen Angaben" in response.json()["detail"]
    assert Report.objects.count() == 1 and ReportPhoto.objects.count() == 1
    assert ReportIdempotencyKey.objects.count() == 1


def test_api_without_a_key_two_posts_are_two_reports(client):
    assert api_post(client, key=None).status_code == 201
    assert api_post(client, key=None).status_code == 201
    assert Report.objects.count() == 2 and not ReportIdempotencyKey.objects.exists()


@pytest.mark.parametrize("bad", ["kurz", "mit leerzeichen drin", "x" * 256, "ümlaut-schlüssel"])
def test_api_malformed_key_is_400_in_german(client, bad):
    response = api_post(client, key=bad)
    assert response.status_code == 400, response.content
    assert "Idempotency-Key" in response.json()["errors"]
    assert "druckbare Zeichen" in response.json()["detail"]
    assert not Report.objects.exists()


def test_api_a_failed_request_does_not_use_up_its_key(client):
    assert api_post(client, description="").status_code == 400
    assert not ReportIdempotencyKey.objects.exists()
    assert api_post(client).status_code == 201  # the corrected retry with the same key


def test_api_keys_count_per_client(client):
    """A key an anonymous client used does not answer for another client (here a signed-in account)."""
    from django.contrib.auth import get_user_model

    first = api_post(client)
    user = get_user_model().objects.create_user("api-nutzer", password="x-very-long-pass-1")
    client.force_login(user)
    other = api_post(client, description="Anderes Loch")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


# --- Open311 -------------------------------------------------------------------------------------------


def open311_post(client, key: str = KEY, **extra):
    data = {"service_code": "schlagloch", "lat": "51.0504", "long": "13.7373", "description": "Tiefes Loch"}
    data.update(extra)
    return client.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY=key)


def test_open311_retry_gives_the_same_request_id_and_other_content_409(client):
    issued = api_key_create(name="App")
    first = open311_post(client, api_key=issued.key)
    again = open311_post(client, api_key=issued.key)
    assert first.status_code == again.status_code == 200, again.content
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    conflict = open311_post(client, api_key=issued.key, description="Anderer Text")
    assert conflict.status_code == 409, conflict.content
    assert "bereits eine Meldung mit anderen Angaben" in conflict.content.decode()
    assert Report.objects.count() == 1


# --- web form ------------------------------------------------------------------------------------------


def form_key(client) -> str:
    page = client.get("/").content.decode()
    match = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert match, "the form carries its key"
    return match.group(1)


def test_web_form_carries_a_fresh_key_per_page(client):
    assert form_key(client) != form_key(client)


def test_web_form_sent_twice_is_one_report_and_the_same_confirmation(client):
    key = form_key(client)
    first = client.post("/", {**BODY, "idempotency_key": key})
    again = client.post("/", {**BODY, "idempotency_key": key})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Report.objects.count() == 1
    json_again = client.post("/", {**BODY, "idempotency_key": key}, HTTP_ACCEPT="application/json")
    assert json_again.status_code == 201 and json_again.json()["redirect"] == first["Location"]
    assert Report.objects.count() == 1


def test_web_form_same_key_other_content_409_with_a_fresh_key_and_nothing_stored(client):
    key = form_key(client)
    client.post("/", {**BODY, "idempotency_key": key})
    response = client.post("/", {**BODY, "description": "Anderes", "idempotency_key": key})
    assert response.status_code == 409
    page = response.content.decode()
    assert "bereits mit anderen Angaben gesendet" in page
    fresh = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    assert fresh != key
    assert Report.objects.count() == 1
    as_json = client.post(
        "/", {**BODY, "description": "Anderes", "idempotency_key": key}, HTTP_ACCEPT="application/json"
    )
    assert as_json.status_code == 409 and as_json.json()["idempotency_key"] != key
    assert client.post("/", {**BODY, "description": "Anderes", "idempotency_key": fresh}).status_code == 302
    assert Report.objects.count() == 2


def test_web_form_with_a_broken_key_still_works(client):
    assert client.post("/", {**BODY, "idempotency_key": "<kaputt>\n"}).status_code == 302
    assert Report.objects.count() == 1


# --- retention -----------------------------------------------------------------------------------------


def test_keys_are_erased_after_24_hours_and_the_report_stays(client):
    api_post(client)
    ReportIdempotencyKey.objects.update(created=timezone.now() - dt.timedelta(hours=12))
    out = io.StringIO()
    call_command("apply_retention", "--as-of", timezone.localdate().isoformat(), stdout=out)
    assert ReportIdempotencyKey.objects.count() == 1  # younger than 24 h at the start of today
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    call_command("apply_retention", "--as-of", tomorrow.isoformat(), stdout=out)
    assert not ReportIdempotencyKey.objects.exists()
    assert "Idempotenzschlüssel" in out.getvalue()
    assert Report.objects.count() == 1
