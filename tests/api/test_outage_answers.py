"""A write answered with an error must not have been stored.

The fault run (docs/benchmarks.md) restarted PostgreSQL while reports were posted and staff patched them:
a report was committed and then the read that builds the answer failed, so the client got 503 for a
stored report (and would post it again). The answer is now read inside the writing transaction. Here the
database "goes away" exactly at that read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from domains.reports.models import Report, StatusChange
from tests.factories import DRESDEN, jpeg_bytes
from tests.staff_world import World, state

pytestmark = pytest.mark.django_db


def gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def media_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_report_post_whose_answer_cannot_be_read_is_503_and_stores_nothing(client, monkeypatch):
    monkeypatch.setattr("interfaces.api.views.reports.report_feature", gone)
    photo = SimpleUploadedFile("foto.jpg", jpeg_bytes((1200, 900)), content_type="image/jpeg")
    data = {
        "category": "schlagloch",
        "description": "Loch",
        "lat": DRESDEN[1],
        "lon": DRESDEN[0],
        "photos": [photo],
    }
    response = client.post("/api/v1/reports/", data)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert Report.objects.count() == 0
    assert StatusChange.objects.count() == 0
    assert media_files() == []


def test_open311_post_whose_answer_cannot_be_built_is_503_and_stores_nothing(client, monkeypatch):
    monkeypatch.setattr("interfaces.api.open311.views._notice", gone)
    response = client.post(
        "/open311/v2/requests.json",
        {"service_code": "schlagloch", "lat": DRESDEN[1], "long": DRESDEN[0], "description": "Loch"},
    )
    assert response.status_code == 503
    assert response.json()[0]["code"] == 503
    assert Report.objects.count() == 0


def test_staff_patch_whose_answer_cannot_be_read_is_503_and_changes_nothing(
    client, world: World, monkeypatch
):
    before = state(world.own)
    monkeypatch.setattr("interfaces.api.views.staff.get_visible", gone)
    response = client.patch(
        f"/api/v1/staff/reports/{world.own.public_id}/",
        {"status": "in_review", "internal_note": "geprüft"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {world.tokens['caseworker_a']}",
    )
    assert response.status_code == 503
    assert state(world.own) == before


def test_report_post_still_answers_201_with_the_full_feature(client):
    photo = SimpleUploadedFile("foto.jpg", jpeg_bytes((1200, 900)), content_type="image/jpeg")
    data = {
        "category": "schlagloch",
        "description": "Loch",
        "lat": DRESDEN[1],
        "lon": DRESDEN[0],
        "photos": [photo],
    }
    response = client.post("/api/v1/reports/", data)
    assert response.status_code == 201
    feature = response.json()
    assert Report.objects.get().public_id == feature["id"]
    assert len(feature["properties"]["photos"]) == 1
    assert "/verfolgen/" in feature["tracking_url"]
