"""``/api/v1/addresses/`` and ``/api/v1/addresses/reverse/``: GeoJSON answers, German 400/404, throttling."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from shared.http.throttling import AddressSearchThrottle
from tests.addresses.files import dresden_hkde

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/addresses/"
REVERSE = "/api/v1/addresses/reverse/"


@pytest.fixture
def dresden(tmp_path):
    call_command("load_addresses", str(dresden_hkde(tmp_path / "hk.txt")), verbosity=0)


def test_search_answers_geojson_best_first(client, dresden):
    response = client.get(SEARCH, {"q": "prager str 12 dresden", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) <= 3
    first = body["features"][0]
    assert first["geometry"]["type"] == "Point"
    lon, lat = first["geometry"]["coordinates"]
    assert 13.73 < lon < 13.74 and 51.04 < lat < 51.05
    props = first["properties"]
    assert props["label"] == "Prager Straße 12, 01069 Dresden"
    assert (props["kind"], props["street"], props["housenumber"]) == ("address", "Prager Straße", "12")
    assert (props["postcode"], props["place"]) == ("01069", "Dresden")
    assert props["commune"] == {"ags": "14612000", "name": "Dresden"}


def test_search_finds_communes_without_addresses(client):
    features = client.get(SEARCH, {"q": "Chemnitz"}).json()["features"]
    assert features[0]["properties"]["kind"] == "commune"
    assert features[0]["properties"]["commune"] == {"ags": "14511000", "name": "Chemnitz"}


@pytest.mark.parametrize("q", ["", "ab", "  a "])
def test_short_query_is_a_german_400(client, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 400
    assert "mindestens 3 Zeichen" in response.json()["detail"]


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "x"}, {"limit": "51"}, {"q": "a" * 201}])
def test_bad_limit_or_long_query_is_a_400(client, params):
    response = client.get(SEARCH, {"q": "Dresden", **params})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_odd_characters_never_fail(client, dresden):
    for q in ["%%%_", "\x00\x00\x00", "'; DROP TABLE x; --", "ßßß", "12 12 12 12"]:
        assert client.get(SEARCH, {"q": q}).status_code in (200, 400)


def test_reverse_gives_the_nearest_address_with_distance(client, dresden):
    response = client.get(REVERSE, {"lon": "13.73635", "lat": "51.04565"})
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["label"] == "Prager Straße 12, 01069 Dresden"
    assert 0 < props["distance_m"] < 10


@pytest.mark.parametrize("lon,lat", [("13.80", "51.04"), ("180", "90"), ("-20", "-80")])
def test_reverse_without_address_nearby_is_a_german_404(client, dresden, lon, lat):
    response = client.get(REVERSE, {"lon": lon, "lat": lat})
    assert response.status_code == 404
    assert "keine Adresse" in response.json()["detail"]


def test_reverse_with_bad_coordinates_is_a_400(client):
    assert client.get(REVERSE, {"lon": "abc", "lat": "51"}).status_code == 400


def test_search_is_throttled_per_client(client, monkeypatch):
    monkeypatch.setattr(AddressSearchThrottle, "THROTTLE_RATES", {"address_search": "2/minute"})
    assert client.get(SEARCH, {"q": "Dresden"}).status_code == 200
    assert client.get(REVERSE, {"lon": "13.7", "lat": "51.0"}).status_code == 404
    third = client.get(SEARCH, {"q": "Dresden"})
    assert third.status_code == 429 and third.json()["code"] == "throttled"
    assert client.get(SEARCH, {"q": "Dresden"}, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_both_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "/api/v1/addresses/" in paths and "/api/v1/addresses/reverse/" in paths
