"""OGC API – Features Part 1 core, service documents and ``/items``, on a running server over HTTP.

Ported from ets-ogcapi-features10 (LandingPage, Conformance, FeatureCollections, Features,
FeaturesLimit, FeaturesBBox, FeaturesTime, FeaturesErrorConditions): each test names the requirement.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from interfaces.ogcapi.params import DEFAULT_LIMIT, MAX_LIMIT
from tests.conformance.ogcapi.client import get, world

pytestmark = pytest.mark.django_db(transaction=True)

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON = "application/geo+json"


@pytest.fixture
def items_url(live_server):
    world()
    return f"{live_server.url}/ogcapi/collections/reports/items"


def _rels(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


def test_req_core_root_success__landing_page_links(live_server):
    answer = get(f"{live_server.url}/ogcapi/")
    rels = _rels(answer.body)
    assert answer.status == 200 and {"self", "conformance", "data"} <= set(rels)
    assert {"service-desc", "service-doc"} & set(rels)  # /req/core/root-success: an API definition
    assert get(rels["service-desc"]["href"]).status == 200
    assert get(rels["conformance"]["href"]).body["conformsTo"]  # /req/core/conformance-success
    assert CORE in get(rels["conformance"]["href"]).body["conformsTo"]


def test_req_core_fc_md_links__collections_link_self_and_items(live_server):
    listing = get(f"{live_server.url}/ogcapi/collections").body
    assert _rels(listing)["self"]["href"] == f"{live_server.url}/ogcapi/collections"
    for collection in listing["collections"]:
        items = _rels(collection)["items"]  # /req/core/fc-md-items-links
        assert items["type"] == GEOJSON and get(items["href"], GEOJSON).status == 200


def test_req_core_fc_links__self_next_and_paging_terminates(items_url):
    seen, url, pages = [], f"{items_url}?limit=1", 0
    while url and pages < 10:
        page = get(url, GEOJSON).body
        rels = _rels(page)
        assert rels["self"]["type"] == GEOJSON and page["numberReturned"] == len(page["features"]) <= 1
        seen += [feature["id"] for feature in page["features"]]
        url, pages = rels.get("next", {}).get("href"), pages + 1
    assert url is None and len(seen) == len(set(seen)) == 3  # /req/core/fc-response: no gaps, no repeats
    assert page["numberMatched"] == 3


@pytest.mark.parametrize(
    ("limit", "returned"),
    [
        pytest.param(None, 3, id="req_core_fc_limit_default"),
        pytest.param("2", 2, id="req_core_fc_limit_response_1"),
        pytest.param(str(MAX_LIMIT + 1), 3, id="req_core_fc_limit_above_maximum_is_capped"),
    ],
)
def test_req_core_fc_limit__within_range(items_url, limit, returned):
    answer = get(items_url + (f"?limit={limit}" if limit else ""), GEOJSON)
    assert answer.status == 200 and answer.body["numberReturned"] == returned


def test_req_core_fc_limit_definition__default_limit_fills_a_page(live_server):
    page = get(f"{live_server.url}/ogcapi/collections/communes/items", GEOJSON).body
    assert page["numberReturned"] == DEFAULT_LIMIT < page["numberMatched"] and "next" in _rels(page)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("limit=0", id="req_core_query_param_invalid_limit_below_minimum"),
        pytest.param("limit=unlimited", id="req_core_query_param_invalid_limit"),
        pytest.param("bbox=13,51,14", id="req_core_fc_bbox_definition_three_numbers"),
        pytest.param("bbox=14,51,13,52", id="req_core_fc_bbox_definition_reversed"),
        pytest.param("bbox=a,b,c,d", id="req_core_fc_bbox_definition_not_numbers"),
        pytest.param("datetime=gestern", id="req_core_fc_time_definition_invalid"),
        pytest.param("datetime=2026-05-02T00:00:00Z/2026-05-01T00:00:00Z", id="req_core_fc_time_reversed"),
        pytest.param("unbekannt=1", id="req_core_query_param_unknown"),
    ],
)
def test_req_core_query_param_invalid__is_400(items_url, query):
    answer = get(f"{items_url}?{query}", GEOJSON)
    assert answer.status == 400 and answer.body["code"]


@pytest.mark.parametrize(
    ("bbox", "matched"),
    [
        pytest.param("13.6,50.9,13.9,51.2", 1, id="req_core_fc_bbox_response_4_numbers"),
        pytest.param("13.6,50.9,-100,13.9,51.2,1000", 1, id="req_core_fc_bbox_response_6_numbers"),
        pytest.param("11.8,50.1,15.1,51.7", 3, id="req_core_fc_bbox_response_all_saxony"),
        pytest.param("-10,40,-9,41", 0, id="req_core_fc_bbox_response_elsewhere"),
    ],
)
def test_req_core_fc_bbox_response__only_features_in_the_box(items_url, bbox, matched):
    page = get(f"{items_url}?bbox={bbox}", GEOJSON).body
    assert page["numberMatched"] == page["numberReturned"] == matched
    numbers = [float(n) for n in bbox.split(",")]
    half = len(numbers) // 2
    for feature in page["features"]:  # /req/core/fc-bbox-response: every point lies in the box
        lon, lat = feature["geometry"]["coordinates"][:2]
        assert numbers[0] <= lon <= numbers[half] and numbers[1] <= lat <= numbers[half + 1]


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("interval", "matched"),
    [
        pytest.param(
            lambda now: _iso(now - dt.timedelta(days=1)) + "/" + _iso(now + dt.timedelta(days=1)),
            3,
            id="req_core_fc_time_response_closed_interval",
        ),
        pytest.param(lambda now: _iso(now - dt.timedelta(days=1)) + "/..", 3, id="req_core_fc_time_open_end"),
        pytest.param(
            lambda now: "../" + _iso(now - dt.timedelta(days=1)), 0, id="req_core_fc_time_open_start"
        ),
        pytest.param(
            lambda now: "/" + _iso(now + dt.timedelta(days=1)), 3, id="req_core_fc_time_empty_start"
        ),
        pytest.param(lambda now: "2000-01-01T00:00:00Z", 0, id="req_core_fc_time_response_instant"),
        pytest.param(lambda now: now.date().isoformat(), 3, id="req_core_fc_time_response_date"),
    ],
)
def test_req_core_fc_time_response__only_features_in_the_interval(items_url, interval, matched):
    answer = get(f"{items_url}?datetime={interval(timezone.localtime())}", GEOJSON)
    assert answer.status == 200 and answer.body["numberMatched"] == matched


def test_req_core_fc_op__unknown_collection_is_404(live_server):
    answer = get(f"{live_server.url}/ogcapi/collections/nirgends/items", GEOJSON)
    assert answer.status == 404 and answer.body["code"] == "NotFound"
