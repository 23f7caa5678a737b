"""Real answers of the API validated by openapi-core against the schema the server serves.

Every GET operation documented in ``/api/schema/`` is called with fixture data (the list comes from the
schema itself, so a new operation is covered, or fails here for want of a parameter value), and so are
the POST answers of report, permit and parking-permit creation. Responses pass through the whole
middleware stack (Django's test client); openapi-core's Django integration reads request and response.
"""

from __future__ import annotations

import json
import re

import pytest
from django.http import HttpResponse
from drf_spectacular.generators import SchemaGenerator
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.templating.responses.exceptions import ResponseFinderError
from openapi_core.validation.response.exceptions import InvalidData

from tests.permits.helpers import body as permit_body

pytestmark = pytest.mark.django_db

# Values for required query parameters, by name: Dresden's Altmarkt and a search that finds the commune
# and the kreisfreie Stadt (a district hit, ``commune: null``).
QUERY_VALUES = {"lon": "13.7373", "lat": "51.0504", "q": "Dresden"}


def _get_operations() -> list[tuple[str, dict]]:
    """(path, operation) of every documented GET, read from the generator the schema view uses."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(path, item["get"]) for path, item in sorted(schema["paths"].items()) if "get" in item]


GET_OPERATIONS = _get_operations()


def _path_value(path: str, name: str, data) -> str:
    if name == "ags":
        return "14612" if path.startswith("/api/v1/districts/") else "14612000"
    if name == "public_id":
        if "/conflicts/" in path:
            return data.pending.public_id
        return data.permit.public_id if "/permits/" in path else data.report_id
    if name == "notice_id":
        return str(data.notice.pk)
    pytest.fail(f"Kein Testwert für den Pfadparameter {name} in {path}: in _path_value ergänzen.")


def _request(path: str, operation: dict, data) -> tuple[str, dict]:
    url = re.sub(r"\{(\w+)\}", lambda m: _path_value(path, m.group(1), data), path)
    query = {}
    for param in operation.get("parameters", []):
        if param["in"] == "query" and param.get("required"):
            if param["name"] not in QUERY_VALUES:
                pytest.fail(f"Kein Testwert für ?{param['name']} von GET {path}: in QUERY_VALUES ergänzen.")
            query[param["name"]] = QUERY_VALUES[param["name"]]
    return url, query


def _headers(operation: dict, data) -> dict:
    """A staff token where the operation has no anonymous alternative (``{}``) in its security."""
    if {} in operation.get("security", [{}]):
        return {}
    return {"HTTP_AUTHORIZATION": f"Token {data.staff_token}"}


def assert_conforms(openapi, response) -> None:
    openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))


def test_every_documented_get_is_in_the_served_schema(served_schema):
    served = {path for path, item in served_schema["paths"].items() if "get" in item}
    assert served == {path for path, _ in GET_OPERATIONS}
    assert served_schema["openapi"].startswith("3.1")


@pytest.mark.parametrize(("path", "operation"), GET_OPERATIONS, ids=[p for p, _ in GET_OPERATIONS])
def test_get_answer_conforms_to_the_served_schema(client, openapi, api_data, path, operation):
    url, query = _request(path, operation, api_data)
    response = client.get(url, query, **_headers(operation, api_data))
    assert response.status_code == 200, response.content[:500]
    assert_conforms(openapi, response)


def test_a_district_hit_with_commune_null_conforms(client, openapi, api_data):
    # Bautzen: commune and Landkreis (Dresden's district record is the city itself and no longer a hit)
    response = client.get("/api/v1/addresses/", {"q": "Bautzen"})
    kinds = {f["properties"]["kind"]: f["properties"]["commune"] for f in response.json()["features"]}
    assert kinds["district"] is None and kinds["commune"]["name"] == "Bautzen"
    assert_conforms(openapi, response)


@pytest.mark.parametrize("ags", ["14612000", "14713000", "14511000"])
def test_every_commune_outline_is_the_documented_multipolygon(client, openapi, ags):
    response = client.get(f"/api/v1/communes/{ags}/")
    assert response.json()["geometry"]["type"] == "MultiPolygon"
    assert_conforms(openapi, response)
    district = client.get(f"/api/v1/districts/{ags[:5]}/")
    assert district.json()["geometry"]["type"] == "MultiPolygon"
    assert_conforms(openapi, district)


def test_staff_permits_with_and_without_payment_conform(client, openapi, api_data):
    auth = {"HTTP_AUTHORIZATION": f"Token {api_data.staff_token}"}
    response = client.get("/api/v1/staff/permits/", **auth)
    payments = {row["id"]: row["payment"] for row in response.json()["results"]}
    assert payments[api_data.pending.public_id] is None and payments[api_data.permit.public_id]
    assert_conforms(openapi, response)


def test_report_creation_answer_conforms(client, openapi):
    response = client.post(
        "/api/v1/reports/",
        {"category": "schlagloch", "description": "Loch in der Fahrbahn", "lat": "51.0504", "lon": "13.7373"},
    )
    assert response.status_code == 201, response.content
    assert_conforms(openapi, response)


def test_permit_creation_answer_conforms(client, openapi):
    response = client.post("/api/v1/permits/", permit_body(), content_type="application/json")
    assert response.status_code == 201, response.content
    assert_conforms(openapi, response)


def test_parking_permit_creation_answer_conforms(client, openapi, world):
    response = client.post(
        "/api/v1/parking-permits/",
        {
            "lon": 13.7550,
            "lat": 51.0670,
            "licence_plate": "DD-AB 1",
            "name": "Rita Rad",
            "email": "rita@example.org",
            "address": "Alaunstraße 1, 01099 Dresden",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert_conforms(openapi, response)


def _broken(response: HttpResponse, change) -> HttpResponse:
    body = response.json()
    change(body)
    copy = HttpResponse(json.dumps(body), status=response.status_code, content_type=response["Content-Type"])
    copy.wsgi_request = response.wsgi_request
    return copy


def test_negative_control_openapi_core_rejects_a_broken_answer(client, openapi):
    """A silent validator would pass everything above: the same real answer, broken once, must fail."""
    response = client.get("/api/v1/communes/14612000/")
    assert_conforms(openapi, response)

    def as_polygon(body: dict) -> None:
        body["geometry"] = {"type": "Polygon", "coordinates": body["geometry"]["coordinates"][0]}

    with pytest.raises(InvalidData):
        assert_conforms(openapi, _broken(response, as_polygon))
    with pytest.raises(InvalidData):
        assert_conforms(openapi, _broken(response, lambda b: b["properties"].update(district=None)))
    teapot = HttpResponse(status=418)
    teapot.wsgi_request = response.wsgi_request
    with pytest.raises(ResponseFinderError):  # an undocumented status code
        assert_conforms(openapi, teapot)
