"""OGC API – Features Part 1 core, one feature (/req/core/f-*), on a running server over real HTTP.

Ported from ets-ogcapi-features10's ``Feature`` test: the feature's links carry ``self`` and
``collection`` (/req/core/f-links), the answer is GeoJSON (/req/geojson/content), an unknown feature
is 404 (/req/core/f-op). The links check is shown to fail on a feature without links.
"""

from __future__ import annotations

import pytest

from tests.conformance.ogcapi.client import get, world

pytestmark = pytest.mark.django_db(transaction=True)

GEOJSON = "application/geo+json"


def f_links_problems(feature: dict, url: str, collection_url: str) -> list[str]:
    """What /req/core/f-links finds missing: a ``self`` link to ``url`` and a ``collection`` link."""
    rels = {link.get("rel"): link for link in feature.get("links", [])}
    problems = []
    if rels.get("self", {}).get("href") != url:
        problems.append("self link missing or not this URL")
    if rels.get("collection", {}).get("href") != collection_url:
        problems.append("collection link missing")
    return problems


@pytest.mark.parametrize("collection", ["reports", "permits", "communes", "districts"])
def test_req_core_f_links__feature_links_self_and_collection(live_server, collection):
    fid = world()[collection]
    collection_url = f"{live_server.url}/ogcapi/collections/{collection}"
    url = f"{collection_url}/items/{fid}"
    answer = get(url, GEOJSON)
    assert answer.status == 200 and answer.headers["Content-Type"] == GEOJSON
    assert answer.body["id"] == fid and f_links_problems(answer.body, url, collection_url) == []


def test_negative_control__f_links_check_rejects_a_feature_without_links(live_server):
    fid = world()["communes"]
    collection_url = f"{live_server.url}/ogcapi/collections/communes"
    feature = get(f"{collection_url}/items/{fid}", GEOJSON).body
    del feature["links"]
    assert f_links_problems(feature, f"{collection_url}/items/{fid}", collection_url) != []


def test_req_core_f_op__unknown_feature_is_404(live_server):
    answer = get(f"{live_server.url}/ogcapi/collections/reports/items/M-0000-0000", GEOJSON)
    assert answer.status == 404 and answer.body["code"] == "NotFound"
