"""OGC API – Features Part 2 (crs), on a running server over HTTP.

Ported from ets-ogcapi-features10's ``conformance/crs`` classes (DiscoveryCollection(s)CrsUri,
…DefaultCrs, …StorageCrs, FeaturesCrsParameter*, FeatureCrsParameter*, BBoxCrsParameter*): each test
names the requirement it checks.
"""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from interfaces.ogcapi.crs import CRS84, EPSG_25833
from tests.conformance.ogcapi.client import get, world
from tests.factories import DRESDEN

pytestmark = pytest.mark.django_db(transaction=True)

GEOJSON = "application/geo+json"
COLLECTIONS = ["reports", "permits", "communes", "districts"]


@pytest.fixture
def ids(live_server):
    return world()


def test_req_crs_crs_discovery__collections_and_each_collection_list_crs(live_server):
    listing = get(f"{live_server.url}/ogcapi/collections").body
    assert CRS84 in listing["crs"]  # /req/crs/fc-md-crs-list-global
    for collection in listing["collections"]:
        assert collection["crs"] and all(
            uri.startswith("http://www.opengis.net/def/crs/") for uri in collection["crs"]
        )
        assert CRS84 in collection["crs"]  # /req/crs/fc-md-crs-list-A: the default is listed
        assert collection["storageCrs"] in collection["crs"]  # /req/crs/fc-md-storageCrs-valid-value


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_req_crs_fc_crs_default_value__and_ogc_crs_header_default(live_server, ids, collection):
    page = get(f"{live_server.url}/ogcapi/collections/{collection}/items?limit=1", GEOJSON)
    assert page.status == 200 and page.headers["Content-Crs"] == f"<{CRS84}>"
    one = get(f"{live_server.url}/ogcapi/collections/{collection}/items/{ids[collection]}", GEOJSON)
    assert one.status == 200 and one.headers["Content-Crs"] == f"<{CRS84}>"


def _first_position(geometry: dict) -> list[float]:
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_req_crs_fc_crs_valid_value__features_transformed_and_content_crs_header(
    live_server, ids, collection
):
    base = f"{live_server.url}/ogcapi/collections/{collection}/items"
    for url in (f"{base}?limit=1&crs={EPSG_25833}", f"{base}/{ids[collection]}?crs={EPSG_25833}"):
        answer = get(url, GEOJSON)
        assert answer.status == 200 and answer.headers["Content-Crs"] == f"<{EPSG_25833}>"
        geometry = (
            answer.body["geometry"] if "geometry" in answer.body else answer.body["features"][0]["geometry"]
        )
        easting, northing = _first_position(geometry)[:2]
        assert 250_000 < easting < 550_000 and 5_550_000 < northing < 5_750_000  # UTM 33N metres, Saxony


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(
            "/ogcapi/collections/reports/items?crs=EPSG:4326", id="req_crs_fc_crs_valid_value_items"
        ),
        pytest.param(
            "/ogcapi/collections/reports/items/x?crs=urn:ogc:def:crs:EPSG::3857", id="req_crs_ogc_crs_feature"
        ),
        pytest.param(
            "/ogcapi/collections/reports/items?bbox=1,2,3,4&bbox-crs=EPSG:25833",
            id="req_crs_fc_bbox_crs_valid",
        ),
    ],
)
def test_req_crs_unsupported_crs__is_400(live_server, url):
    answer = get(live_server.url + url, GEOJSON)
    assert answer.status == 400 and answer.body["code"]


def test_req_crs_fc_bbox_crs_action__box_in_the_storage_crs(live_server, ids):
    point = Point(*DRESDEN, srid=4326)
    point.transform(25833)
    box = f"{point.x - 2000},{point.y - 2000},{point.x + 2000},{point.y + 2000}"
    base = f"{live_server.url}/ogcapi/collections/reports/items"
    near = get(f"{base}?bbox={box}&bbox-crs={EPSG_25833}", GEOJSON).body
    assert near["numberMatched"] == 1 and near["features"][0]["id"] == ids["reports"]
    default = get(f"{base}?bbox=13.6,50.9,13.9,51.2&bbox-crs={CRS84}", GEOJSON).body
    assert default["numberMatched"] == 1  # /req/crs/fc-bbox-crs-default-value
