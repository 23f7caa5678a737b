"""``GET /api/v1/reports/`` (GeoJSON, filters, paging), detail, nearby and support."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from domains.reports.models import Report
from domains.reports.services import report_support
from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report, photo

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


@pytest.fixture
def three_cities():
    d = make_report(lonlat=DRESDEN, category="schlagloch").report
    leipzig = make_report(lonlat=LEIPZIG, category="graffiti").report
    c = make_report(lonlat=CHEMNITZ, category="strassenlaterne").report
    Report.objects.filter(pk=c.pk).update(status="resolved", created=timezone.now() - dt.timedelta(days=40))
    return d, leipzig, c


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return [f["id"] for f in body["features"]]


def test_list_is_a_feature_collection_newest_first(client, three_cities):
    d, leipzig, c = three_cities
    body = client.get(URL).json()
    assert [f["id"] for f in body["features"]] == [leipzig.public_id, d.public_id, c.public_id]
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["commune"] == {"ags": "14713000", "name": "Leipzig"}
    assert feature["properties"]["url"].endswith(f"/api/v1/reports/{leipzig.public_id}/")
    assert body["number_returned"] == 3 and body["next"] is None and body["previous"] is None


def test_bbox_filter(client, three_cities):
    d, _, _ = three_cities
    assert ids(client.get(URL, {"bbox": "13.6,51.0,13.9,51.1"})) == [d.public_id]
    assert ids(client.get(URL, {"bbox": "14.5,50.2,14.6,50.3"})) == []


def test_status_category_commune_district_filters(client, three_cities):
    d, leipzig, c = three_cities
    assert ids(client.get(URL, {"status": "resolved"})) == [c.public_id]
    assert set(ids(client.get(URL, {"status": "open"}))) == {d.public_id, leipzig.public_id}
    assert ids(client.get(URL, {"status": "closed"})) == [c.public_id]
    assert set(ids(client.get(URL, {"category": "graffiti,schlagloch"}))) == {d.public_id, leipzig.public_id}
    assert ids(client.get(URL, {"commune": "14713000"})) == [leipzig.public_id]
    assert ids(client.get(URL, {"district": "14511"})) == [c.public_id]


def test_date_filters_and_ordering(client, three_cities):
    d, leipzig, c = three_cities
    today = timezone.localdate().isoformat()
    assert set(ids(client.get(URL, {"since": today}))) == {d.public_id, leipzig.public_id}
    old = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    assert ids(client.get(URL, {"until": old})) == [c.public_id]
    assert ids(client.get(URL, {"ordering": "created"}))[0] == c.public_id
    since = (timezone.now() - dt.timedelta(days=50)).isoformat()
    assert len(ids(client.get(URL, {"since": since}))) == 3


def test_pagination_links(client, three_cities):
    first = client.get(URL, {"page_size": 2}).json()
    assert first["number_returned"] == 2 and first["previous"] is None
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert second["number_returned"] == 1 and second["next"] is None
    assert "page=1" in second["previous"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "14,51,13,52"}, "bbox"),
        ({"bbox": "13,51,14,nan"}, "bbox"),
        ({"bbox": "-200,51,14,52"}, "bbox"),
        ({"status": "kaputt"}, "status"),
        ({"category": "gibtsnicht"}, "category"),
        ({"commune": "1461200"}, "commune"),
        ({"district": "x"}, "district"),
        ({"since": "gestern"}, "since"),
        ({"until": "2024-02-30"}, "until"),
        ({"until": "9999-12-31"}, "until"),  # its end of day overflowed (500)
        ({"since": "2025-01-02", "until": "2025-01-01"}, "until"),
        ({"ordering": "status"}, "ordering"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"status": ",".join(["open"] * 21)}, "status"),
    ],
)
def test_invalid_filters_are_400_naming_the_parameter(client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_offsets_beyond_what_postgresql_accepts_are_compared_in_utc(client):
    # since=…+16:00 is valid ISO 8601 for Python but out of range for PostgreSQL (was a 500).
    created = make_report().report
    day = created.created.date()
    response = client.get(URL, {"since": f"{day}T00:00:00+16:00", "until": f"{day}T23:59:59-23:00"})
    assert response.status_code == 200, response.content
    assert [f["id"] for f in response.json()["features"]] == [created.public_id]


def test_detail_has_public_history_and_photos(client):
    created = make_report(photos=[photo()]).report
    response = client.get(f"{URL}{created.public_id}/")
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["history"][0]["status"] == "submitted"
    assert props["history"][0]["from_status"] is None
    assert len(props["photos"]) == 1
    assert props["thumbnail_url"] == props["photos"][0]["thumbnail_url"]
    assert client.get(f"{URL}SN-0000-00/").status_code == 404


def test_nearby_lists_open_reports_of_the_category_within_50_m_nearest_first(client):
    near = make_report(lonlat=(13.7373, 51.0504)).report
    nearer = make_report(lonlat=(13.73735, 51.05041)).report
    make_report(lonlat=(13.7373, 51.0504), category="graffiti")  # other category
    make_report(lonlat=(13.7390, 51.0504))  # ~120 m away
    closed = make_report(lonlat=(13.7373, 51.0504)).report
    Report.objects.filter(pk=closed.pk).update(status="resolved")
    old = make_report(lonlat=(13.7373, 51.0504)).report
    Report.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(days=31))

    response = client.get(f"{URL}nearby/", {"lon": "13.73736", "lat": "51.05041", "category": "schlagloch"})
    assert response.status_code == 200
    features = response.json()["features"]
    assert [f["id"] for f in features] == [nearer.public_id, near.public_id]
    assert features[0]["properties"]["distance_m"] < features[1]["properties"]["distance_m"] <= 50


@pytest.mark.parametrize(
    "params", [{"lon": "13.7"}, {"lon": "x", "lat": "51"}, {"lon": "13.7", "lat": "51", "category": "nix"}]
)
def test_nearby_bad_parameters_are_400(client, params):
    assert client.get(f"{URL}nearby/", params).status_code == 400


def test_support_counts_once_per_client(client):
    report = make_report().report
    url = f"{URL}{report.public_id}/support/"
    first = client.post(url)
    assert first.status_code == 200 and first.json() == {"supporters": 1, "added": True}
    assert client.post(url).json() == {"supporters": 1, "added": False}
    assert client.post(url, REMOTE_ADDR="10.9.9.9").json() == {"supporters": 2, "added": True}
    assert client.post(url, HTTP_X_CLIENT_ID="app-install-12345678").json()["supporters"] == 3
    assert client.post(url, HTTP_X_CLIENT_ID="bad id!").status_code == 400
    report.refresh_from_db()
    assert report.supporters == 3


def test_new_app_ids_from_one_address_add_only_a_few_supports(client):
    from domains.reports.services import MAX_APP_SUPPORTS_PER_ADDRESS

    report = make_report().report
    url = f"{URL}{report.public_id}/support/"
    answers = [client.post(url, HTTP_X_CLIENT_ID=f"install-{i:08d}").json() for i in range(12)]
    assert [a["added"] for a in answers] == [True] * MAX_APP_SUPPORTS_PER_ADDRESS + [False] * (
        12 - MAX_APP_SUPPORTS_PER_ADDRESS
    )
    # another address still counts, and the same installation stays counted once
    assert (
        client.post(url, HTTP_X_CLIENT_ID="install-00000099", REMOTE_ADDR="10.1.2.3").json()["added"] is True
    )
    assert client.post(url, HTTP_X_CLIENT_ID="install-00000000").json()["added"] is False
    report.refresh_from_db()
    assert report.supporters == MAX_APP_SUPPORTS_PER_ADDRESS + 1


def test_support_of_closed_or_unknown_report(client):
    report = make_report().report
    Report.objects.filter(pk=report.pk).update(status="resolved")
    response = client.post(f"{URL}{report.public_id}/support/")
    assert response.status_code == 409
    assert "abgeschlossen" in response.json()["detail"]
    assert client.post(f"{URL}SN-ZZZZ-ZZ/support/").status_code == 404


def test_support_is_rate_limited(client, monkeypatch):
    from shared.http.throttling import SupportThrottle

    monkeypatch.setattr(SupportThrottle, "THROTTLE_RATES", {"support": "2/hour"})
    a, b, c = (make_report().report for _ in range(3))
    assert client.post(f"{URL}{a.public_id}/support/").status_code == 200
    assert client.post(f"{URL}{b.public_id}/support/").status_code == 200
    response = client.post(f"{URL}{c.public_id}/support/")
    assert response.status_code == 429 and response["Retry-After"]
    c.refresh_from_db()
    assert c.supporters == 0


def test_support_service_is_safe_under_repeats():
    report = make_report().report
    results = [report_support(public_id=report.public_id, client_identity="ip:1.2.3.4") for _ in range(3)]
    assert [r.added for r in results] == [True, False, False]
    report.refresh_from_db()
    assert report.supporters == 1


def test_categories_endpoint(client):
    body = client.get("/api/v1/categories/").json()
    slugs = [c["slug"] for c in body]
    assert {
        "schlagloch",
        "strassenlaterne",
        "muellablagerung",
        "graffiti",
        "winterdienst",
        "sonstiges",
    } <= set(slugs)
    pothole = next(c for c in body if c["slug"] == "schlagloch")
    assert pothole["group"] == {"slug": "strasse", "name": "Straße & Gehweg", "name_en": "Roads & pavements"}
    assert (pothole["name"], pothole["name_en"]) == ("Schlagloch", "Pothole")  # both, whatever the language
    assert pothole["default_sla_days"] == 14 and pothole["icon"]
    assert pothole["default_sla_unit"] == "calendar"  # or "working": Mon–Fri without Saxon holidays
