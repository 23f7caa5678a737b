"""The real ``georeport`` client from PyPI (read-only) against the live test server, in JSON and XML.

These are transactional tests (the live server runs in another thread with its own connection).
``available_apps`` leaves ``boundaries`` out, so the flush after each test keeps the communes; the
catalogue is reloaded by the conftest fixture.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from django.utils import timezone
from georeport import GeoReport

from domains.reports.models import Report, StatusChange
from tests.factories import CHEMNITZ, DRESDEN, LEIPZIG, make_report, photo

pytestmark = pytest.mark.django_db(
    transaction=True,
    available_apps=["domains.reports", "interfaces.api", "django_tasks_db", "django.contrib.sessions"],
)


@pytest.fixture
def three():
    dresden = make_report(lonlat=DRESDEN, category="schlagloch", photos=[photo()], place="Altmarkt").report
    leipzig = make_report(lonlat=LEIPZIG, category="graffiti").report
    chemnitz = make_report(lonlat=CHEMNITZ, category="strassenlaterne").report
    Report.objects.filter(pk=chemnitz.pk).update(status="resolved")
    StatusChange.objects.create(
        report=chemnitz, from_status="submitted", to_status="resolved", public_note="Erledigt."
    )
    return dresden, leipzig, chemnitz


def listed(value) -> list[dict]:
    """xmltodict gives a dict for a single <request>, a list for several: what XML clients must handle."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_definitions_and_requests(live_server, three, fmt):
    dresden, leipzig, chemnitz = three
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    truth = "true" if fmt == "xml" else True

    services = {s["service_code"]: s for s in client.get_service_list()}
    assert services["schlagloch"]["service_name"] == "Schlagloch"
    assert services["schlagloch"]["metadata"] == truth and services["schlagloch"]["type"] == "realtime"
    assert services["schlagloch"]["group"] == "Straße & Gehweg"

    definition = client.get_service_definition("schlagloch")
    assert definition["service_code"] == "schlagloch"
    attributes = definition["attributes"]["attribute"] if fmt == "xml" else definition["attributes"]
    size = attributes[0]
    assert size["code"] == "size" and size["datatype"] == "singlevaluelist" and size["variable"] == truth
    values = size["values"]["value"] if fmt == "xml" else size["values"]
    assert [v["key"] for v in values] == ["small", "medium", "large"]

    one = client.get_service_request(dresden.public_id)
    assert one["service_request_id"] == dresden.public_id
    assert one["agency_responsible"] == "Dresden" and one["status"] == "open"
    assert one["media_url"].startswith(f"{live_server.url}/media/reports/")
    assert requests.get(one["media_url"], timeout=10).content[:2] == b"\xff\xd8"
    assert str(one["lat"]) == "51.0504" and str(one["long"]) == "13.7373"

    everything = listed(client.get_service_requests())
    assert [r["service_request_id"] for r in everything] == [
        chemnitz.public_id,
        leipzig.public_id,
        dresden.public_id,
    ]
    closed = listed(client.get_service_requests(status="closed"))
    assert [(r["service_request_id"], r["status_notes"]) for r in closed] == [
        (chemnitz.public_id, "Erledigt.")
    ]
    start = (timezone.now() - dt.timedelta(days=1)).isoformat(timespec="seconds")
    end = (timezone.now() + dt.timedelta(days=1)).isoformat(timespec="seconds")
    filtered = listed(
        client.get_service_requests(
            service_code="graffiti,schlagloch", status="open", start_date=start, end_date=end
        )
    )
    assert [r["service_request_id"] for r in filtered] == [leipzig.public_id, dresden.public_id]
    by_id = listed(
        client.get_service_requests(service_request_id=f"{dresden.public_id},{chemnitz.public_id}")
    )
    assert {r["service_request_id"] for r in by_id} == {dresden.public_id, chemnitz.public_id}

    leipzig_only = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="14713000", output_format=fmt)
    assert [r["service_request_id"] for r in listed(leipzig_only.get_service_requests())] == [
        leipzig.public_id
    ]
    with pytest.raises(requests.HTTPError) as exc:
        GeoReport(
            f"{live_server.url}/open311/v2", jurisdiction="99999999", output_format=fmt
        ).get_service_list()
    assert exc.value.response.status_code == 404
