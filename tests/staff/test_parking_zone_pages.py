"""/verwaltung/einstellungen/parkzonen/: upload → columns → review → publish as plain forms (issue 29.4)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from domains.permits.models import ParkingZone, ParkingZoneDraft
from kernel.organisations.models import AuditEvent
from kernel.organisations.services import membership_set
from tests.staff_world import _user, confirmed_second_factor, login

pytestmark = pytest.mark.django_db

URL = "/verwaltung/einstellungen/parkzonen/"
NEUSTADT = [[13.745, 51.060], [13.765, 51.060], [13.765, 51.070], [13.745, 51.070], [13.745, 51.060]]


def zone_file(props: dict, ring: list = NEUSTADT) -> SimpleUploadedFile:
    feature = {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    return SimpleUploadedFile("zonen.geojson", data, content_type="application/geo+json")


def current_zones() -> list[tuple]:
    return list(
        ParkingZone.objects.filter(ags="14612000", valid_to__isnull=True).values_list("code", "name", "fee")
    )


def test_admin_walks_upload_columns_review_publish(client, world):
    login(client, "admin_a")
    page = client.get(URL)
    assert page.status_code == 200 and "Datei hochladen" in page.content.decode()
    answer = client.post(URL, {"form": "upload", "file": zone_file({"Titel": "Neustadt", "Preis": "55"})})
    assert answer.status_code == 302
    review = client.get(URL).content.decode()
    assert "Entwurf prüfen: zonen.geojson" in review and "EPSG:4326" in review
    assert 'data-map="zones"' in review and "Spalten zuordnen" in review
    # No column is named like a name: the first one is offered, the admin chooses the fee column.
    answer = client.post(
        URL, {"form": "columns", "name_column": "Titel", "code_column": "", "fee_column": "Preis"}
    )
    assert answer.status_code == 302
    review = client.get(URL).content.decode()
    assert "<td>Neustadt</td>" in review and "55,00 €" in review and "in Ordnung" in review
    assert client.post(URL, {"form": "publish"}).status_code == 302
    assert current_zones() == [("1", "Neustadt", 55)]
    assert "veröffentlicht" in client.get(URL).content.decode()
    assert AuditEvent.objects.filter(action="parking_zones.publish", organisation=world.dresden).exists()


def test_self_intersecting_upload_is_refused_in_german_and_nothing_saved(client, world):
    login(client, "admin_a")
    bow_tie = [[13.745, 51.060], [13.765, 51.070], [13.765, 51.060], [13.745, 51.070], [13.745, 51.060]]
    before = current_zones()
    answer = client.post(URL, {"form": "upload", "file": zone_file({"name": "X"}, bow_tie)}, follow=True)
    assert answer.status_code == 200
    assert "Objekt Nr. 1: Die Fläche überschneidet sich selbst" in answer.content.decode()
    assert not ParkingZoneDraft.objects.exists() and current_zones() == before


def test_border_zone_cannot_be_published_and_the_page_names_the_square_metres(client, world):
    login(client, "admin_a")
    border = [[13.666, 51.094], [13.669, 51.094], [13.669, 51.0955], [13.666, 51.0955], [13.666, 51.094]]
    client.post(URL, {"form": "upload", "file": zone_file({"name": "Grenzweg"}, border)})
    page = client.get(URL).content.decode()
    assert "m² außerhalb des Gemeindegebiets von Dresden" in page
    assert "Veröffentlichen ist erst möglich" in page and ">Veröffentlichen</button>" not in page
    before = current_zones()
    answer = client.post(URL, {"form": "publish"}, follow=True)
    assert "m² außerhalb des Gemeindegebiets" in answer.content.decode()
    assert current_zones() == before


def test_50_mb_upload_is_refused_by_its_length_without_reading_the_body(client, world):
    login(client, "admin_a")
    # The body is 20 bytes but claims 50 MB: a view that read it would fail on the missing bytes.
    answer = client.generic(
        "POST",
        f"{URL}?organisation={world.dresden.pk}",
        b"--x\r\n" * 4,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert answer.status_code == 413
    assert "Die Datei ist zu groß (diese hat 50,0 MB): höchstens 10 MB." in answer.content.decode()
    assert not ParkingZoneDraft.objects.exists()


def test_other_communes_admin_sees_and_publishes_only_their_own(client, world):
    login(client, "admin_a")
    client.post(URL, {"form": "upload", "file": zone_file({"name": "Neustadt Entwurf"})})
    client.logout()
    _user("admin_b")
    membership_set(actor=None, organisation=world.leipzig, username="admin_b", role="admin")
    confirmed_second_factor("admin_b")
    login(client, "admin_b")
    page = client.get(f"{URL}?organisation={world.dresden.pk}").content.decode()
    assert "Bewohnerparkgebiete: Leipzig" in page and "Neustadt Entwurf" not in page
    before = current_zones()
    client.post(URL, {"form": "publish", "organisation": world.dresden.pk})
    assert current_zones() == before and ParkingZoneDraft.objects.filter(organisation=world.dresden).exists()


def test_caseworker_gets_403(client, world):
    login(client, "caseworker_a")
    assert client.get(URL).status_code == 403
