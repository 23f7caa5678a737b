"""``/api/v1/communes/…`` and ``/api/v1/districts/…``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

LOCATE = "/api/v1/communes/locate/"


def test_locate_returns_commune_and_district(client):
    response = client.get(LOCATE, {"lon": "13.7422", "lat": "51.0478"})
    assert response.status_code == 200
    body = response.json()
    assert body["ags"] == "14612000"
    assert body["name"] == "Dresden"
    assert body["district"] == {"ags": "14612", "name": "Dresden"}
    assert body["valid_from"] == "2024-01-01"
    assert "GeoBasis-DE / BKG" in body["attribution"]


def test_locate_outside_saxony_is_404_with_german_message(client):
    response = client.get(LOCATE, {"lon": "14.4208", "lat": "50.0880"})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Der Ort liegt außerhalb Sachsens")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "51.0"}, "lon"),
        ({"lon": "13.7"}, "lat"),
        ({"lon": "abc", "lat": "51"}, "lon"),
        ({"lon": "13.7", "lat": "NaN"}, "lat"),
        ({"lon": "13.7", "lat": "95"}, "lat"),
        ({"lon": "-200", "lat": "51"}, "lon"),
        ({"lon": "13.7", "lat": "51", "on": "gestern"}, "on"),
    ],
)
def test_locate_bad_parameters_are_400_naming_the_parameter(client, params, field):
    response = client.get(LOCATE, params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["detail"]


def test_locate_on_a_date_before_the_data_is_outside(client):
    response = client.get(LOCATE, {"lon": "13.7422", "lat": "51.0478", "on": "2000-01-01"})
    assert response.status_code == 404


def test_commune_list_is_paginated_and_filterable(client):
    body = client.get("/api/v1/communes/").json()
    assert body["count"] == 418
    assert len(body["results"]) == 50
    assert set(body["results"][0]) >= {"ags", "name", "district"}

    bad = client.get("/api/v1/communes/", {"q": "Bad"}).json()
    assert bad["count"] >= 5
    assert all(r["name"].startswith("Bad") or r["name_official"].startswith("Bad") for r in bad["results"])

    vogtland = client.get("/api/v1/communes/", {"district": "14523", "page_size": 500}).json()
    assert vogtland["count"] == len(vogtland["results"])
    assert {r["district"]["ags"] for r in vogtland["results"]} == {"14523"}
    assert "Plauen" in {r["name"] for r in vogtland["results"]}


@pytest.mark.parametrize(
    "params", [{"district": "145"}, {"district": "abcde"}, {"on": "2024-13-01"}, {"q": "x" * 101}]
)
def test_commune_list_bad_filters_are_400(client, params):
    response = client.get("/api/v1/communes/", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_commune_list_unknown_page_is_404_not_500(client):
    assert client.get("/api/v1/communes/", {"page": "999"}).status_code == 404
    assert client.get("/api/v1/communes/", {"page": "x"}).status_code == 404


def _vertex_count(geometry: dict) -> int:
    def count(coords):
        if coords and isinstance(coords[0], (int, float)):
            return 1
        return sum(count(c) for c in coords)

    return count(geometry["coordinates"])


def test_commune_detail_is_a_simplified_wgs84_feature(client):
    response = client.get("/api/v1/communes/14612000/")
    assert response.status_code == 200
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"] == "14612000"
    assert feature["properties"]["name"] == "Dresden"
    assert feature["properties"]["district"]["ags"] == "14612"
    assert "GeoBasis-DE" in feature["properties"]["attribution"]
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    lon, lat = (
        feature["geometry"]["coordinates"][0][0][:2]
        if feature["geometry"]["type"] == "Polygon"
        else (feature["geometry"]["coordinates"][0][0][0][:2])
    )
    assert 13.5 < lon < 14.0 and 50.9 < lat < 51.2

    fine = _vertex_count(client.get("/api/v1/communes/14612000/", {"tolerance": "0"}).json()["geometry"])
    default = _vertex_count(feature["geometry"])
    coarse = _vertex_count(client.get("/api/v1/communes/14612000/", {"tolerance": "500"}).json()["geometry"])
    capped = _vertex_count(
        client.get("/api/v1/communes/14612000/", {"tolerance": "99999"}).json()["geometry"]
    )
    assert fine > default > coarse >= capped


@pytest.mark.parametrize("tolerance", ["-1", "abc", "nan", "inf"])
def test_commune_detail_bad_tolerance_is_400(client, tolerance):
    response = client.get("/api/v1/communes/14612000/", {"tolerance": tolerance})
    assert response.status_code == 400
    assert "tolerance" in response.json()["errors"]


def test_unknown_commune_is_404(client):
    response = client.get("/api/v1/communes/14999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_districts_list_and_detail(client):
    body = client.get("/api/v1/districts/").json()
    assert body["count"] == 13
    assert {"ags": "14729", "name": "Leipzig", "bez": "Landkreis"}.items() <= body["results"][11].items()
    feature = client.get("/api/v1/districts/14729/").json()
    assert feature["type"] == "Feature" and feature["properties"]["bez"] == "Landkreis"
    assert client.get("/api/v1/districts/99999/").status_code == 404


def test_endpoints_are_in_the_openapi_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/communes/",
        "/api/v1/communes/locate/",
        "/api/v1/communes/{ags}/",
        "/api/v1/districts/",
        "/api/v1/districts/{ags}/",
    ]:
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/communes/locate/"]["get"]["parameters"]}
    assert {"lon", "lat"} <= params


def test_api_docs_page_is_served_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Every script and stylesheet comes from this site, none from a CDN.
    import re

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
