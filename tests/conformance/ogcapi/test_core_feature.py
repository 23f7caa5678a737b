"""OGC API – Features Part 1 core, one feature (/req/core/f-*), on a running server over real HTTP.

Ported from ets-ogcapi-features10's ``GetFeatureOperation``: the feature's links carry ``self`` and
``collection`` (/req/core/f-links), the answer is GeoJSON, an unknown feature is 404 (/req/core/f-op).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.factories import DRESDEN, make_report

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback test server)
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def _feature_ids(live_server) -> dict[str, str]:
    report = make_report(lonlat=DRESDEN).report
    return {"reports": report.public_id, "communes": "14612000"}


@pytest.mark.parametrize("collection", ["reports", "communes"])
def test_req_core_f_links__feature_links_self_and_collection(live_server, collection):
    fid = _feature_ids(live_server)[collection]
    url = f"{live_server.url}/ogcapi/collections/{collection}/items/{fid}"
    status, headers, feature = _get(url)
    assert status == 200 and headers["Content-Type"] == "application/geo+json"
    rels = {link["rel"]: link for link in feature.get("links", [])}
    assert rels["self"]["href"] == url and rels["self"]["type"] == "application/geo+json"
    assert rels["collection"]["href"] == f"{live_server.url}/ogcapi/collections/{collection}"


def test_req_core_f_op__unknown_feature_is_404(live_server):
    status, _, body = _get(f"{live_server.url}/ogcapi/collections/reports/items/M-0000-0000")
    assert status == 404 and body["code"] == "NotFound"
