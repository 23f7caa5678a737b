"""Every OGC API – Features answer of a running server validated against the OGC's published schemas.

Schemas: ``schemas/`` (opengeospatial/ogcapi-features, core/openapi/schemas; see its README). Each
document class is checked in every collection; a broken answer must fail the same validator.
"""

from __future__ import annotations

import pytest

from tests.conformance.ogcapi.client import get, world
from tests.conformance.ogcapi.schemas import errors

pytestmark = pytest.mark.django_db(transaction=True)

COLLECTIONS = ["reports", "permits", "communes", "districts"]


@pytest.fixture
def ids(live_server):
    return world()


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        pytest.param("/ogcapi/", "landingPage.yaml", id="req_core_root_success"),
        pytest.param("/ogcapi/conformance", "confClasses.yaml", id="req_core_conformance_success"),
        pytest.param("/ogcapi/collections", "collections.yaml", id="req_collections_rc_md_success"),
    ],
)
def test_service_documents_match_the_ogc_schema(live_server, path, schema):
    answer = get(live_server.url + path)
    assert answer.status == 200
    assert errors(answer.body, schema) == []


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_req_geojson_content__every_collection_answers_match_the_ogc_schemas(live_server, ids, collection):
    base = f"{live_server.url}/ogcapi/collections/{collection}"
    described = get(base)
    assert described.status == 200 and errors(described.body, "collection.yaml") == []
    page = get(f"{base}/items?limit=2", "application/geo+json")
    assert page.status == 200 and page.body["numberReturned"] >= 1
    assert errors(page.body, "featureCollectionGeoJSON.yaml") == []
    one = get(f"{base}/items/{ids[collection]}", "application/geo+json")
    assert one.status == 200 and errors(one.body, "featureGeoJSON.yaml") == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/ogcapi/collections/nirgends", id="req_core_sfc_md_op_404"),
        pytest.param("/ogcapi/collections/reports/items?limit=0", id="req_core_fc_limit_response_400"),
    ],
)
def test_exceptions_match_the_ogc_schema(live_server, path):
    answer = get(live_server.url + path)
    assert answer.status in {400, 404}
    assert errors(answer.body, "exception.yaml") == []


def test_negative_control__the_validator_rejects_broken_answers(live_server, ids):
    """A silent validator would pass everything: a real feature collection with a wrong type of
    ``numberReturned`` and a real landing page without links must fail."""
    page = get(f"{live_server.url}/ogcapi/collections/reports/items", "application/geo+json").body
    assert errors(page, "featureCollectionGeoJSON.yaml") == []
    assert errors({**page, "numberReturned": "drei"}, "featureCollectionGeoJSON.yaml") != []
    landing = get(f"{live_server.url}/ogcapi/").body
    assert errors({k: v for k, v in landing.items() if k != "links"}, "landingPage.yaml") != []
