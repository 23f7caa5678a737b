"""``/api/v1/communes.geojson``: the map's borders layer (all communes, simplified, cacheable)."""

from __future__ import annotations

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/communes.geojson"


def test_all_current_communes_in_wgs84_with_name_and_ags(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 418
    dresden = next(f for f in body["features"] if f["id"] == "14612000")
    assert dresden["properties"] == {"ags": "14612000", "name": "Dresden"}
    assert dresden["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    rings = dresden["geometry"]["coordinates"]
    first_ring = rings[0][0] if dresden["geometry"]["type"] == "MultiPolygon" else rings[0]
    lon, lat = first_ring[0]
    assert 13.5 < lon < 14.0 and 50.9 < lat < 51.2  # degrees, not UTM metres


def test_etag_revalidation_answers_304_without_body(client):
    first = client.get(URL)
    assert "max-age=" in first["Cache-Control"]
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_tolerance_changes_the_etag_and_coarser_is_smaller(client):
    fine = client.get(URL, {"tolerance": "20"})
    coarse = client.get(URL, {"tolerance": "500"})
    assert fine["ETag"] != coarse["ETag"]
    assert len(coarse.content) < len(fine.content)


def test_gzip_when_the_client_accepts_it(client):
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


@pytest.mark.parametrize("params", [{"tolerance": "abc"}, {"tolerance": "5"}, {"on": "morgen"}])
def test_bad_parameters_are_400(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_a_day_before_the_data_has_no_communes(client):
    body = json.loads(client.get(URL, {"on": "2000-01-01"}).content)
    assert body["features"] == []
