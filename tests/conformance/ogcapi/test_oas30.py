"""OGC API – Features Part 1, requirement class oas30, on a running server over HTTP.

/req/oas30/oas-definition-1/2: the service-desc link serves an OpenAPI 3.0 document, checked with
openapi-spec-validator's 3.0 validator; /req/oas30/completeness: every path the server serves is in
it. A broken copy of the same document must fail the same validator (negative control).
"""

from __future__ import annotations

import copy

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from tests.conformance.ogcapi.client import get

OAS30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"


def _definition(live_server) -> dict:
    links = {link["rel"]: link for link in get(f"{live_server.url}/ogcapi/").body["links"]}
    answer = get(links["service-desc"]["href"], links["service-desc"]["type"])
    assert answer.status == 200 and answer.headers["Content-Type"] == links["service-desc"]["type"]
    return answer.body


def _problems(document: dict) -> list[str]:
    return [error.message for error in OpenAPIV30SpecValidator(document).iter_errors()]


@pytest.mark.django_db
def test_req_oas30_oas_definition__service_desc_is_valid_openapi_30(live_server):
    assert OAS30 in get(f"{live_server.url}/ogcapi/conformance").body["conformsTo"]
    document = _definition(live_server)
    assert document["openapi"].startswith("3.0") and _problems(document) == []
    paths = set(document["paths"])
    assert {"/", "/conformance", "/collections"} <= paths  # /req/oas30/completeness
    for collection in get(f"{live_server.url}/ogcapi/collections").body["collections"]:
        base = f"/collections/{collection['id']}"  # one path per collection, as /rec/oas30 allows
        assert {base, f"{base}/items", f"{base}/items/{{featureId}}"} <= paths


@pytest.mark.django_db
def test_negative_control__the_openapi_validator_rejects_a_broken_definition(live_server):
    broken = copy.deepcopy(_definition(live_server))
    del broken["info"]
    assert _problems(broken) != []
