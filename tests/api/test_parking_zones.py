"""Public outlines of the resident parking zones (the parking permit form's map)."""

from __future__ import annotations

import pytest

from domains.permits.services import parking_apply

pytestmark = pytest.mark.django_db
URL = "/api/v1/parking-zones/"


def test_zones_of_one_commune_as_wgs84_geojson(client):
    response = client.get(URL, {"ags": "14612000"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    props = [f["properties"] for f in data["features"]]
    assert props == [
        {"ags": "14612000", "commune": "Dresden", "code": "J1", "name": "Johannstadt-Nord"},
        {"ags": "14612000", "commune": "Dresden", "code": "N1", "name": "Äußere Neustadt"},
    ]
    lon, lat = data["features"][1]["geometry"]["coordinates"][0][0][0]
    assert (lon, lat) == pytest.approx((13.745, 51.063), abs=1e-6)


def test_without_ags_all_active_zones_and_no_applicant_data(client):
    parking_apply(
        lon=13.7550,
        lat=51.0670,
        licence_plate="DD-QZ 77",
        name="Rita Rad",
        email="rita@example.org",
        address="Alaunstraße 1",
    )
    text = client.get(URL).content.decode()
    assert {"N1", "J1", "W1", "S1"} <= {f["properties"]["code"] for f in client.get(URL).json()["features"]}
    for secret in ("DD-QZ", "Rita", "Alaunstraße", "example.org"):
        assert secret not in text


def test_unknown_commune_has_no_zones(client):
    assert client.get(URL, {"ags": "14522080"}).json()["features"] == []


@pytest.mark.parametrize("ags", ["1461200", "DD", "' OR 1=1"])
def test_a_malformed_ags_is_400_with_a_german_message(client, ags):
    response = client.get(URL, {"ags": ags})
    assert response.status_code == 400
    assert "8-stelliger amtlicher Schlüssel" in response.json()["detail"]
