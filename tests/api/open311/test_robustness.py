"""Odd input never gives a 500: NUL bytes, broken encodings, dates at the edge of the calendar."""

from __future__ import annotations

import pytest

from domains.reports.models import Report
from tests.api.open311.helpers import json_errors, xml_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/open311/v2/services/%00.xml", 400),
        ("/open311/v2/requests/%00.xml", 400),
        ("/open311/v2/tokens/%00.xml", 400),
        ("/open311/v2/requests.xml?service_request_id=%00", 400),
        ("/open311/v2/requests.xml?service_code=%00", 400),
        ("/open311/v2/requests.xml?status=%00", 400),
        ("/open311/v2/services.xml?jurisdiction_id=%00", 400),
        ("/open311/v2/services/%C3%28.xml", 404),
        ("/open311/v2/requests.xml?start_date=0001-01-01", 400),
        ("/open311/v2/requests.xml?end_date=0001-01-01", 400),
        ("/open311/v2/requests.xml?start_date=9999-12-31", 400),
        ("/open311/v2/requests.xml?end_date=9999-12-31T23:59:59", 400),
    ],
)
def test_odd_query_input_gives_a_client_error_in_both_formats(client, url, status):
    assert xml_errors(client.get(url), status)
    assert json_errors(client.get(url.replace(".xml", ".json")), status)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "Loch\x00"),
        ("service_code", "\x00"),
        ("first_name", "\x00"),
        ("address_string", "x\x00"),
        ("attribute[pole_number]", "\x00"),
        ("attribute[\x00]", "x"),
        ("api_key", "\x00"),
        ("lat", "\x00"),
        ("media_url", "http://\x00/"),
    ],
)
def test_nul_bytes_in_a_post_are_refused_with_400(client, field, value):
    data = {"service_code": "strassenlaterne", "lat": "51.05", "long": "13.73", "description": "dunkel"}
    data[field] = value
    [(code, text)] = xml_errors(client.post("/open311/v2/requests.xml", data), 400)
    assert code == "400" and "NUL" in text
    assert Report.objects.count() == 0


@pytest.mark.parametrize(("start_offset", "end_offset"), [("+16:00", "-16:00"), ("-23:59", "+23:59")])
def test_offsets_python_accepts_but_postgresql_does_not_are_compared_in_utc(client, start_offset, end_offset):
    # PostgreSQL refuses offsets beyond ±15:59 (DataError, a 500); the same moments in UTC work.
    import datetime as dt
    from urllib.parse import quote

    from tests.factories import make_report

    report = make_report().report
    today = dt.date.today()
    start = quote(f"{today - dt.timedelta(days=2)}T00:00:00{start_offset}")
    end = quote(f"{today + dt.timedelta(days=2)}T00:00:00{end_offset}")
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}?start_date={start}&end_date={end}")
        assert response.status_code == 200, response.content
    answer = client.get(f"/open311/v2/requests.json?start_date={start}&end_date={end}").json()
    assert [r["service_request_id"] for r in answer] == [report.public_id]
