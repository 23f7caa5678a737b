"""OGC API – Features over the test client: documents, paging, filters, CRS, public fields, 400s."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from domains.permits.services import PermitDraft, permit_create
from domains.reports.models import Report
from interfaces.ogcapi.crs import CRS84, EPSG_25833
from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report, set_status
from tests.permits.helpers import ALTMARKT, applicant, future
from tests.web.permit_data import SECRETS, approved_permit

pytestmark = pytest.mark.django_db

ITEMS = "/ogcapi/collections/{}/items"


def _get(client, url: str, **params):
    response = client.get(url, params)
    return response, json.loads(response.content)


@pytest.fixture
def three_reports():
    reports = [
        make_report(lonlat=DRESDEN, name="Rita Geheim", email="rita@geheim.example", phone="0351 555111"),
        make_report(lonlat=LEIPZIG, category="graffiti", description="Schmiererei am Rathaus"),
        make_report(lonlat=CHEMNITZ),
    ]
    reports = [created.report for created in reports]
    Report.objects.filter(pk=reports[0].pk).update(created=timezone.now() - dt.timedelta(days=40))
    return reports


def test_landing_conformance_and_collections_describe_the_service(client):
    landing, body = _get(client, "/ogcapi/")
    assert landing.status_code == 200
    assert {link["rel"] for link in body["links"]} >= {"self", "conformance", "data"}
    _, conf = _get(client, "/ogcapi/conformance")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conf["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conf["conformsTo"]
    _, listing = _get(client, "/ogcapi/collections")
    by_id = {c["id"]: c for c in listing["collections"]}
    assert set(by_id) == {"reports", "permits", "communes", "districts"}
    assert by_id["reports"]["crs"] == [CRS84, EPSG_25833]
    assert by_id["permits"]["storageCrs"] == EPSG_25833
    single, one = _get(client, "/ogcapi/collections/communes")
    assert single.status_code == 200 and one["id"] == "communes"


def test_reports_items_carry_public_fields_only(client, three_reports):
    hidden = three_reports[1]
    Report.objects.filter(pk=hidden.pk).update(description_hidden=True)
    response, body = _get(client, ITEMS.format("reports"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    assert body["numberMatched"] == 3 and body["numberReturned"] == 3
    text = response.content.decode()
    for secret in ("Rita", "Geheim", "geheim.example", "555111", "Schmiererei am Rathaus"):
        assert secret not in text
    assert {f["id"] for f in body["features"]} == {r.public_id for r in three_reports}
    lon, lat = next(f for f in body["features"] if f["id"] == three_reports[0].public_id)["geometry"][
        "coordinates"
    ]
    assert (round(lon, 4), round(lat, 4)) == DRESDEN


def test_limit_pages_with_next_links_until_the_last_page(client, three_reports):
    seen = []
    url = ITEMS.format("reports") + "?limit=2"
    while url:
        response = client.get(url)
        body = json.loads(response.content)
        assert body["numberMatched"] == 3
        seen += [f["id"] for f in body["features"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert sorted(seen) == sorted(r.public_id for r in three_reports)


def test_limit_above_maximum_is_capped_not_refused(client, three_reports):
    response, body = _get(client, ITEMS.format("reports"), limit="50000")
    assert response.status_code == 200 and body["numberReturned"] == 3


def test_bbox_in_crs84_and_in_epsg25833_select_dresden_only(client, three_reports):
    _, wgs = _get(client, ITEMS.format("reports"), bbox="13.6,50.9,13.9,51.2")
    assert [f["id"] for f in wgs["features"]] == [three_reports[0].public_id]
    # Dresden's Altmarkt is near E 411,500 / N 5,656,300 in ETRS89 / UTM 33N.
    response, utm = _get(
        client,
        ITEMS.format("reports"),
        **{"bbox": "405000,5650000,420000,5665000", "bbox-crs": EPSG_25833, "crs": EPSG_25833},
    )
    assert response["Content-Crs"] == f"<{EPSG_25833}>"
    [feature] = utm["features"]
    easting, northing = feature["geometry"]["coordinates"]
    assert 405_000 < easting < 420_000 and 5_650_000 < northing < 5_665_000


def test_bbox_far_from_saxony_matches_nothing(client, three_reports):
    response, body = _get(client, ITEMS.format("reports"), bbox="-170,-80,-160,-70")
    assert response.status_code == 200 and body["numberMatched"] == 0


def test_datetime_instants_intervals_and_open_ends_filter_by_creation(client, three_reports):
    old = three_reports[0].public_id
    recent = {r.public_id for r in three_reports[1:]}
    cutoff = (timezone.now() - dt.timedelta(days=10)).isoformat()
    cases = {f"{cutoff}/..": recent, f"../{cutoff}": {old}, f"/{cutoff}": {old}}
    for value, expected in cases.items():
        _, body = _get(client, ITEMS.format("reports"), datetime=value)
        assert {f["id"] for f in body["features"]} == expected, value
    day = timezone.localdate().isoformat()
    _, today = _get(client, ITEMS.format("reports"), datetime=day)
    assert {f["id"] for f in today["features"]} == recent


def test_property_filters_status_category_commune(client, three_reports):
    set_status(three_reports[2], "in_review")
    _, by_status = _get(client, ITEMS.format("reports"), status="in_review")
    assert [f["id"] for f in by_status["features"]] == [three_reports[2].public_id]
    _, by_category = _get(client, ITEMS.format("reports"), category="graffiti")
    assert [f["id"] for f in by_category["features"]] == [three_reports[1].public_id]
    _, by_commune = _get(client, ITEMS.format("reports"), commune="14612000")
    assert [f["id"] for f in by_commune["features"]] == [three_reports[0].public_id]


def test_permits_are_approved_ones_in_their_period_without_applicant(client):
    now = timezone.now()
    current = approved_permit(start=now + dt.timedelta(hours=1), end=now + dt.timedelta(days=1))
    permit_create(
        draft=PermitDraft(
            kind="geruest",
            geometry=ALTMARKT,
            start=future(3),
            end=future(4),
            applicant=applicant(),
            channel="web",
        )
    )  # pending: not public
    response, body = _get(client, ITEMS.format("permits"))
    assert [f["id"] for f in body["features"]] == [current.public_id]
    assert body["features"][0]["properties"]["kind"] == "geruest"
    assert not any(secret in response.content.decode() for secret in SECRETS)
    later = (now + dt.timedelta(days=3)).isoformat()
    _, after = _get(client, ITEMS.format("permits"), datetime=f"{later}/..")
    assert after["numberMatched"] == 0
    _, during = _get(client, ITEMS.format("permits"), datetime=(now + dt.timedelta(hours=2)).isoformat())
    assert during["numberMatched"] == 1
    _, before = _get(client, ITEMS.format("permits"), datetime=f"../{now.isoformat()}")
    assert before["numberMatched"] == 0


def test_single_items_and_unknown_ones(client, three_reports):
    report = three_reports[1]
    response, feature = _get(client, f"{ITEMS.format('reports')}/{report.public_id}", crs=EPSG_25833)
    assert response.status_code == 200 and feature["id"] == report.public_id
    assert response["Content-Crs"] == f"<{EPSG_25833}>"
    response, commune = _get(client, f"{ITEMS.format('communes')}/14612000")
    assert commune["properties"]["name"] == "Dresden"
    missing, error = _get(client, f"{ITEMS.format('reports')}/M-0000-0000")
    assert missing.status_code == 404 and error["code"] == "NotFound"
    nowhere, _ = _get(client, "/ogcapi/collections/reporters/items")
    assert nowhere.status_code == 404
    unrouted, body = _get(client, "/ogcapi/collections/reports/items/a/b")  # Django's 404, OGC-shaped
    assert unrouted.status_code == 404 and body["code"] == "NotFound"


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "zehn"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"bbox": "13,51,12"}, "bbox"),
        ({"bbox": "14,51,13,52"}, "bbox"),
        ({"bbox": "13,51,nan,52"}, "bbox"),
        ({"bbox": "200,0,210,10"}, "bbox"),
        ({"bbox-crs": "EPSG:4326"}, "bbox-crs"),
        ({"crs": "+proj=longlat +datum=WGS84"}, "crs"),
        ({"crs": "http://www.opengis.net/def/crs/EPSG/0/4326"}, "crs"),
        ({"datetime": "gestern"}, "datetime"),
        ({"datetime": "../.."}, None),
        ({"datetime": "2026-05-02/2026-05-01"}, "datetime"),
        ({"datetime": "0001-01-01T00:00:00Z"}, "datetime"),
        ({"status": "verloren"}, "status"),
        ({"commune": "Dresden"}, "commune"),
        ({"reporter_email": "x"}, "reporter_email"),
        ({"f": "html"}, "f"),
    ],
)
def test_invalid_parameters_are_400_naming_the_parameter(client, params, named):
    response, body = _get(client, ITEMS.format("reports"), **params)
    if named is None:  # both ends open is a valid interval
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert body["code"] == "InvalidParameterValue"
    assert body["description"].startswith(f"{named}:")


def test_writes_are_refused(client):
    assert client.post(ITEMS.format("reports"), {}).status_code == 405


def test_openapi_definition_is_linked_and_states_the_limit(client):
    _, landing = _get(client, "/ogcapi/")
    [desc] = [link for link in landing["links"] if link["rel"] == "service-desc"]
    response = client.get(desc["href"])
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.0")
    parameters = document["paths"]["/collections/reports/items"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 10_000
    assert {p["name"] for p in parameters} >= {"bbox", "datetime", "crs", "bbox-crs", "status", "commune"}


@pytest.mark.parametrize(
    "query",
    [
        "bbox=13,51,13,51",
        "bbox=1e400,0,1e401,1",
        "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/25833&bbox=-1e300,-1e300,1e300,1e300",
        "datetime=2026-13-01",
        "datetime=2026-05-01T25:00:00Z",
        "datetime=%00",
        "status=%00",
        "commune=%00",
        "category=%00",
        "crs=%00",
        "limit=%D9%A3",
        "offset=999999999",
    ],
)
def test_hostile_query_strings_never_cause_a_server_error(client, query):
    response = client.get(f"{ITEMS.format('reports')}?{query}")
    assert response.status_code in (200, 400)
    json.loads(response.content)


def test_hostile_feature_ids_are_404_not_500(client):
    for feature_id in ("%00", "x" * 500, "%C3%BC%E2%80%AE"):
        response = client.get(f"{ITEMS.format('reports')}/{feature_id}")
        assert response.status_code in (400, 404), feature_id
